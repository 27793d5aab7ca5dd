//! DAG900 `unused-noqa`: a `noqa` directive that hides no finding.

use super::rule::{Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags `# noqa: CODE` comments whose codes (of this tool's rules) hide no finding of the line,
    /// and file directives (`# dagster-api-lint: noqa`, `# dagster-api-lint: noqa: CODE`) that hide
    /// nothing in the file, like ruff's RUF100. A bare line `# noqa` is not reported (it speaks to
    /// every linter), nor are codes of other tools (`# noqa: E501`).
    ///
    /// Not selected by default: enable it with `--extend-select DAG900` (or `select = ["ALL"]`).
    /// Selection, `ignore` and `per-file-ignores` apply to it; noqa directives do not.
    ///
    /// ## Why is this bad?
    /// A directive left behind after the code was fixed hides the next real finding on that line or
    /// in that file.
    ///
    /// ## Example
    /// ```python
    /// from dagster import AssetSpec  # noqa: DAG001
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from dagster import AssetSpec
    /// ```
    pub static UNUSED_NOQA = Rule {
        code: "DAG900",
        name: "unused-noqa",
        status: "unused-noqa",
        severity: Severity::Warning,
        selected_by_default: false,
        suppressible: true,
        run_error: false,
        target_dependent: false,
        summary: "A `noqa` directive that hides no finding",
    };
}
