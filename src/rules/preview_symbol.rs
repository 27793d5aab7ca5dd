//! DAG103 `preview-symbol`: use of a preview Dagster API.

use super::rule::{Rule, Severity};

declare_rule! {
    /// ## What it does
    /// Flags uses of names marked `@preview` (and everything under `dagster.preview`).
    ///
    /// ## Why is this bad?
    /// Preview APIs are early: not ready for production use, and they may change or be removed
    /// without notice.
    pub static PREVIEW_SYMBOL = Rule {
        code: "DAG103",
        name: "preview-symbol",
        status: "preview",
        severity: Severity::Warning,
        selected_by_default: true,
        suppressible: true,
        run_error: false,
        target_dependent: true,
        summary: "Use of a preview Dagster API",
    };
}
