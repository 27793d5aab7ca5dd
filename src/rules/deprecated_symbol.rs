//! DAG001 `deprecated-symbol`: use of a deprecated Dagster API.

use super::rule::{Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags imports and uses of Dagster names, class members and decorators marked `@deprecated`
    /// (including names served by a module `__getattr__` deprecation table).
    ///
    /// ## Why is this bad?
    /// A deprecated API is scheduled for removal: it carries a `breaking_version`, the release in
    /// which it stops working. Dagster warns about it only at run time, once, when the code path runs.
    ///
    /// ## Example
    /// ```python
    /// from dagster import SourceAsset
    ///
    /// raw = SourceAsset(key="raw")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from dagster import AssetSpec
    ///
    /// raw = AssetSpec(key="raw")
    /// ```
    ///
    /// ## How to fix
    /// Follow the hint in the message; it comes from Dagster's own deprecation text. A deprecated
    /// property that only returns another public member (its source is `return self.x`) has a safe
    /// fix (`--fix`): `context.asset_partition_key_range` becomes `context.partition_key_range`.
    /// Other deprecations get no fix: a hint that names a replacement is not a rename.
    pub static DEPRECATED_SYMBOL = Rule {
        code: "DAG001",
        name: "deprecated-symbol",
        status: "deprecated",
        severity: Severity::Warning,
        selected_by_default: true,
        suppressible: true,
        run_error: false,
        target_dependent: false,
        summary: "Use of a deprecated Dagster API",
    };
}
