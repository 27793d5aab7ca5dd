//! DAG203 `non-public-member`: use of a method or property of a Dagster class that is not marked `@public`.

use super::rule::{Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags methods and properties of Dagster classes that exist but are not marked `@public`
    /// (`result.success`, `SensorEvaluationContext.log`, `DuckDBResource.get_connection`). Data
    /// attributes (record fields, config fields, enum values) are not reported, nor members of a
    /// library that marks nothing `@public` at all (such as `dagster_pipes`).
    ///
    /// Not selected by default: dagster's own tutorials use many such members, so the rule is noisy.
    /// Enable it with `--extend-select DAG203` (or `extend-select = ["DAG203"]`, or
    /// `select = ["ALL"]`).
    ///
    /// ## Why is this bad?
    /// Dagster's promise covers the `@public` members of its classes; other members may change in any
    /// release, though many are long-standing idioms.
    pub static NON_PUBLIC_MEMBER = Rule {
        code: "DAG203",
        name: "non-public-member",
        status: "non-public",
        severity: Severity::Info,
        selected_by_default: false,
        suppressible: true,
        run_error: false,
        target_dependent: false,
        summary: "Use of a method or property of a Dagster class that is not marked `@public`",
    };
}
