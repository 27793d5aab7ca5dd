//! DAG102 `beta-parameter`: use of a beta parameter of a Dagster API.

use super::rule::{Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags keyword arguments marked `beta_param` (or `experimental_param` up to Dagster 1.9).
    ///
    /// ## Why is this bad?
    /// A beta parameter may change meaning or disappear in any release, even on a stable function.
    pub static BETA_PARAMETER = Rule {
        code: "DAG102",
        name: "beta-parameter",
        status: "beta",
        severity: Severity::Warning,
        selected_by_default: true,
        suppressible: true,
        run_error: false,
        target_dependent: true,
        summary: "Use of a beta parameter of a Dagster API",
    };
}
