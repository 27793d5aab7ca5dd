//! DAG301 `unsupported-python`: the project allows a Python version the selected Dagster does not support.

use super::rule::{Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Compares the project's `requires-python` (pyproject.toml) with the `Requires-Python` of the
    /// selected (or target) Dagster release, and reports Python versions the project allows but Dagster
    /// does not support.
    ///
    /// ## Why is this bad?
    /// Installs on those Python versions resolve to an older Dagster or fail.
    pub static UNSUPPORTED_PYTHON = Rule {
        code: "DAG301",
        name: "unsupported-python",
        status: "unsupported-python",
        severity: Severity::Warning,
        selected_by_default: true,
        suppressible: true,
        run_error: false,
        target_dependent: false,
        summary: "The project allows a Python version the selected Dagster does not support",
    };
}
