//! DAG104 `superseded-symbol`: use of a superseded Dagster API.

use super::rule::{Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags uses of names marked `@superseded`: APIs that still work and are not scheduled for
    /// removal, but for which Dagster recommends a newer approach.
    ///
    /// ## Why is this bad?
    /// New features land on the replacement; the superseded API may be deprecated later.
    pub static SUPERSEDED_SYMBOL = Rule {
        code: "DAG104",
        name: "superseded-symbol",
        status: "superseded",
        severity: Severity::Info,
        selected_by_default: true,
        suppressible: true,
        run_error: false,
        target_dependent: false,
        summary: "Use of a superseded Dagster API",
    };
}
