//! DAG101 `beta-symbol`: use of a beta (formerly experimental) Dagster API.

use super::rule::{Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags uses of names and members marked `@beta` (called `@experimental` up to Dagster 1.9).
    ///
    /// ## Why is this bad?
    /// Beta APIs are excluded from Dagster's stability promise: they may change or disappear in any
    /// release, including a patch release.
    ///
    /// ## How to fix
    /// Pin Dagster tightly while you depend on it, or use a stable alternative. Suppress with
    /// `# noqa: DAG101` where the risk is accepted.
    pub static BETA_SYMBOL = Rule {
        code: "DAG101",
        name: "beta-symbol",
        status: "beta",
        severity: Severity::Warning,
        selected_by_default: true,
        suppressible: true,
        run_error: false,
        target_dependent: true,
        summary: "Use of a beta (formerly experimental) Dagster API",
    };
}
