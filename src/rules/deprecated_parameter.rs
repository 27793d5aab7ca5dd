//! DAG002 `deprecated-parameter`: use of a deprecated parameter of a Dagster API.

use super::rule::{Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags keyword arguments that Dagster marks with `deprecated_param` or `hidden_param`, in calls,
    /// decorator calls (`@asset(compute_kind=...)`), class constructors and methods.
    ///
    /// ## Why is this bad?
    /// The parameter goes away in its breaking version; calls that pass it will then fail.
    ///
    /// ## Example
    /// ```python
    /// @dg.asset(compute_kind="dbt")
    /// def orders(): ...
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @dg.asset(kinds={"dbt"})
    /// def orders(): ...
    /// ```
    pub static DEPRECATED_PARAMETER = Rule {
        code: "DAG002",
        name: "deprecated-parameter",
        status: "deprecated",
        severity: Severity::Warning,
        selected_by_default: true,
        suppressible: true,
        run_error: false,
        target_dependent: false,
        summary: "Use of a deprecated parameter of a Dagster API",
    };
}
