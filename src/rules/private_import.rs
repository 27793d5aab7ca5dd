//! DAG201 `private-import`: use of a private Dagster module or attribute.

use super::rule::{Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags imports from and attribute paths into private modules (`dagster._core...`, any segment
    /// starting with `_`, and the old `dagster.core` aliases of them), and private members of Dagster
    /// objects (`context._step_execution_context`).
    ///
    /// A name imported from a private module is reported once, at the import, where the fix is: its
    /// uses are reported only where they reach a private path themselves (`dg._core.x`,
    /// `Imported._member`). Markers of what it reaches (deprecated, beta, ...) are still reported at
    /// every use, since every call site needs a change.
    ///
    /// ## Why is this bad?
    /// Private modules carry no stability guarantee at all: they are reorganised in minor and patch
    /// releases. When the object is also exported publicly, the message says so.
    ///
    /// ## Example
    /// ```python
    /// from dagster._core.definitions import AssetsDefinition
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from dagster import AssetsDefinition
    /// ```
    ///
    /// ## How to fix
    /// When a public module exports the very same object, `--fix` rewrites the import (a safe fix:
    /// it joins an existing `from dagster import (...)` of the block, keeping aliases and comments).
    pub static PRIVATE_IMPORT = Rule {
        code: "DAG201",
        name: "private-import",
        status: "private",
        severity: Severity::Warning,
        selected_by_default: true,
        suppressible: true,
        run_error: false,
        target_dependent: false,
        summary: "Use of a private Dagster module or attribute",
    };
}
