//! Judging keyword arguments: deprecated (DAG002) and beta (DAG102) parameters.

use super::findings::Finding;
use super::status_findings::{breaking_version, clean_hint, marker_finding};
use crate::catalog::{Object, Status};
use crate::rules;

/// Findings for keyword `param` of the callable `object`, named `owner` in messages and
/// `symbol` (its full dotted path) in the output.
pub(super) fn param_findings(
    object: &Object,
    owner: &str,
    symbol: &str,
    param: &str,
) -> Vec<Finding> {
    let Some(markers) = object.params.get(param) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for marker in markers {
        let hint = marker.message.as_deref().map(clean_hint);
        let (rule, message) = match marker.status {
            Status::Deprecated => (
                &rules::DEPRECATED_PARAMETER,
                match breaking_version(marker) {
                    Some(v) => format!("Parameter `{param}` of `{owner}` is deprecated and will be removed in {v}."),
                    None => format!("Parameter `{param}` of `{owner}` is deprecated."),
                },
            ),
            Status::Beta | Status::Experimental | Status::Preview => (
                &rules::BETA_PARAMETER,
                format!("Parameter `{param}` of `{owner}` is beta: it may change or disappear in any release."),
            ),
            Status::Superseded | Status::Removed => continue,
        };
        out.push(Finding {
            parameter: Some(param.into()),
            ..marker_finding(rule, message, symbol, marker, hint.as_deref())
        });
    }
    out
}
