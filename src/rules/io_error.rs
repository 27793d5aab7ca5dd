//! E902 `io-error`: a file could not be read or decoded.

use super::rule::{Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Reports files that could not be checked: unreadable, not valid text in their declared encoding
    /// (PEP 263), binary, larger than the size limit, or part of a symlink loop. Every other file is
    /// still checked; the exit code is 2.
    pub static IO_ERROR = Rule {
        code: "E902",
        name: "io-error",
        status: "io-error",
        severity: Severity::Error,
        selected_by_default: true,
        suppressible: false,
        run_error: true,
        target_dependent: false,
        summary: "A file could not be read or decoded",
    };
}
