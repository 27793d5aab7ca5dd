//! Upgrade planning: findings judged against the version a project moves to
//! (`--target-version`) as well as the one it runs on.
//!
//! - a name absent from the target, or raising ImportError there, is DAG003 (an error): that
//!   is what breaks;
//! - a deprecation whose breaking version the target has passed but that the target still
//!   has is reported as overdue, not as broken;
//! - a beta (or preview) name that is stable in the target is no longer reported;
//! - a stable name that the target deprecates is reported.
//!
//! Every release has a catalog; a target newer than all of them (say `2.0`) is judged by the
//! newest release's catalog and, beyond it, by breaking versions: a deprecation whose breaking
//! version is at or below such a target is an error.

use std::collections::HashSet;

use crate::catalog::shipped::compare_versions;
use crate::diagnostic::{Diagnostic, Text};
use crate::rules::Severity;
use crate::syntax::Span;

/// True when `breaking` (a version, or text such as "a future release") is at or below `target`.
pub fn breaks_by(breaking: &str, target: &str) -> bool {
    breaking.chars().next().is_some_and(|c| c.is_ascii_digit())
        && compare_versions(breaking, target).is_le()
}

/// Says what a deprecation whose breaking version `target` has passed means there: with the
/// target's own catalog (`exact`), the name still exists in the target (else the target's
/// DAG003 took its place), so it is overdue; beyond every catalog it breaks.
fn escalate(d: &mut Diagnostic, target: &str, exact: bool) {
    let Some(breaking) = d.breaking_version.clone() else {
        return;
    };
    if d.rule.status != "deprecated" || !breaks_by(&breaking, target) {
        return;
    }
    d.message = if exact {
        format!(
            "{} Overdue: its removal was planned for {breaking}, but the target version {target} still has it.",
            d.message
        )
    } else {
        d.severity = Severity::Error;
        format!(
            "{} It breaks at or before the target version {target}.",
            d.message
        )
    }
    .into();
}

/// Merges the findings judged against the current catalog with those judged against the
/// target's. `exact`: the target's findings come from the target release's own catalog (else
/// from the newest one, the target being newer than every release).
pub fn merge(
    current: Vec<Diagnostic>,
    target: Vec<Diagnostic>,
    version: &str,
    exact: bool,
) -> Vec<Diagnostic> {
    let key = |d: &Diagnostic| (d.span, d.rule.code, d.parameter.clone());
    let in_target: HashSet<(Span, &str, Option<Text>)> = target.iter().map(key).collect();
    let target_spans: HashSet<Span> = target.iter().map(|d| d.span).collect();
    let mut out: Vec<Diagnostic> = target;
    for d in current {
        if in_target.contains(&key(&d)) {
            continue;
        }
        // Stable in the target (nothing there: a beta name that graduated, a name that exists
        // again), or superseded by what the target says about the same place.
        let resolved_in_target = d.rule.target_dependent;
        if resolved_in_target || target_spans.contains(&d.span) {
            continue;
        }
        out.push(d);
    }
    out.iter_mut().for_each(|d| escalate(d, version, exact));
    out.sort_by(|a, b| (a.start, a.rule.code, &a.message).cmp(&(b.start, b.rule.code, &b.message)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaking_versions_compare_numerically() {
        assert!(breaks_by("2.0", "2.0"));
        assert!(breaks_by("1.10.0", "1.13"));
        assert!(!breaks_by("2.0.0", "1.14"));
        assert!(!breaks_by("a future release", "9.0"));
    }
}
