//! E999 `syntax-error`: a file has a syntax error.

use super::rule::{Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Reports Python syntax errors with their location. The parser recovers, so the rest of the file
    /// is still checked.
    pub static SYNTAX_ERROR = Rule {
        code: "E999",
        name: "syntax-error",
        status: "syntax-error",
        severity: Severity::Error,
        selected_by_default: true,
        suppressible: false,
        run_error: false,
        target_dependent: false,
        summary: "A file has a syntax error",
    };
}
