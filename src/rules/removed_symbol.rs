//! DAG003 `removed-symbol`: use of a Dagster name that does not exist in the selected version.

use super::rule::{Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags names that the selected Dagster version no longer has, or that now raise `ImportError`
    /// (`_DEPRECATED_WITH_ERROR`), and modules that no longer exist (such as `dagster.core` after 1.12).
    ///
    /// ## Why is this bad?
    /// The import fails: the code does not run on that version.
    ///
    /// ## How to fix
    /// Use the replacement named in the message, or pin a Dagster version that still has the name
    /// (`--dagster-version`).
    pub static REMOVED_SYMBOL = Rule {
        code: "DAG003",
        name: "removed-symbol",
        status: "removed",
        severity: Severity::Error,
        selected_by_default: true,
        suppressible: true,
        run_error: false,
        target_dependent: true,
        summary: "Use of a Dagster name that does not exist in the selected version",
    };
}
