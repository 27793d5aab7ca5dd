//! DAG202 `non-public-api`: use of a Dagster name from a module that is not public API.

use super::rule::{Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags names imported from non-underscore Dagster modules that are not public namespaces
    /// (for example `dagster.components.core.context`). A name from a non-public module is reported
    /// at its import, not at each use. Members of classes that are not marked `@public` are the
    /// opt-in rule DAG203 (non-public-member).
    ///
    /// ## Why is this bad?
    /// Dagster's promise covers the names exported at the top level of each package (and a few
    /// documented namespaces). Anything else may change in any release.
    ///
    /// ## How to fix
    /// When a public module exports the very same object, `--fix` imports it from there (a safe
    /// fix, as for DAG201).
    pub static NON_PUBLIC_API = Rule {
        code: "DAG202",
        name: "non-public-api",
        status: "non-public",
        severity: Severity::Info,
        selected_by_default: true,
        suppressible: true,
        run_error: false,
        target_dependent: false,
        summary: "Use of a Dagster name from a module that is not public API",
    };
}
