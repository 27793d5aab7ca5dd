//! Judging lifecycle markers: deprecated (DAG001), beta (DAG101), removed (DAG003), preview
//! (DAG103) and superseded (DAG104) symbols, and the hints their markers carry.

use super::dotted::object_of_path;
use super::findings::Finding;
use crate::catalog::shipped;
use crate::catalog::{Catalog, Marker, Status};
use crate::rules::{self, Rule};

/// The release since which `symbol` (its object, else its export) has carried `status`
/// without a break, when a shipped history knows it.
fn since(catalog: &Catalog, symbol: &str, status: Status) -> Option<&'static str> {
    let id = object_of_path(catalog, symbol).map(|(id, _)| id);
    let (package, version) = (&catalog.package, &catalog.version);
    // The object's own periods first (no index of the whole history needed), then the export's.
    id.as_deref()
        .and_then(|id| catalog.objects.marked_since(id, status).flatten())
        .or_else(|| shipped::marked_since(package, version, None, symbol, status))
}

/// Findings for the lifecycle markers of a symbol.
pub(super) fn status_findings(
    catalog: &Catalog,
    markers: Vec<Marker>,
    name: &str,
    symbol: &str,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for marker in markers {
        if seen.contains(&marker.status) {
            continue;
        }
        seen.push(marker.status);
        let hint = marker.message.as_deref().map(clean_hint);
        let (rule, message) = match marker.status {
            Status::Deprecated => (
                &rules::DEPRECATED_SYMBOL,
                match (breaking_version(&marker), since(catalog, symbol, Status::Deprecated)) {
                    (Some(v), Some(s)) => format!("`{name}` is deprecated since {s} and will be removed in {v}."),
                    (Some(v), None) => format!("`{name}` is deprecated and will be removed in {v}."),
                    (None, Some(s)) => format!("`{name}` is deprecated since {s}."),
                    (None, None) => format!("`{name}` is deprecated."),
                },
            ),
            Status::Removed => (
                &rules::REMOVED_SYMBOL,
                match since(catalog, symbol, Status::Removed) {
                    Some(s) => format!(
                        "`{name}` was removed in {dist} {s}: importing it from {dist} {} raises ImportError.",
                        catalog.version,
                        dist = catalog.distribution
                    ),
                    None => format!(
                        "`{name}` was removed from {} {}: importing it raises ImportError.",
                        catalog.distribution, catalog.version
                    ),
                },
            ),
            Status::Beta => (
                &rules::BETA_SYMBOL,
                format!("`{name}` is beta: it may change or disappear in any release."),
            ),
            Status::Experimental => (
                &rules::BETA_SYMBOL,
                format!(
                    "`{name}` is experimental (beta): it may change or disappear in any release."
                ),
            ),
            Status::Preview => (
                &rules::PREVIEW_SYMBOL,
                format!("`{name}` is in preview: it may change or disappear without notice."),
            ),
            Status::Superseded => (
                &rules::SUPERSEDED_SYMBOL,
                format!(
                    "`{name}` is superseded: it still works, but dagster recommends a newer API."
                ),
            ),
        };
        let replacement = hint.as_deref().and_then(plain_rename).map(Into::into);
        out.push(Finding {
            replacement,
            ..marker_finding(rule, message, symbol, &marker, hint.as_deref())
        });
    }
    out
}

/// A finding of `rule` about `symbol` for a catalog `marker`: `message`, then the marker's
/// `hint` (cleaned, see [`clean_hint`]) when it has one, and the marker's breaking version.
pub(super) fn marker_finding(
    rule: &'static Rule,
    mut message: String,
    symbol: &str,
    marker: &Marker,
    hint: Option<&str>,
) -> Finding {
    if let Some(hint) = hint {
        message.push(' ');
        message.push_str(hint);
    }
    Finding {
        breaking_version: breaking_version(marker).map(Into::into),
        ..Finding::about(rule, message, symbol)
    }
}

/// The breaking version of a deprecation, if it names one (dagster writes `breaking_version=""`
/// for parameters it only hides).
pub(super) fn breaking_version(marker: &Marker) -> Option<String> {
    marker
        .breaking_version
        .clone()
        .filter(|v| !v.trim().is_empty())
}

/// Dagster's hint texts, trimmed to one line.
pub(super) fn clean_hint(text: &str) -> String {
    let joined: Vec<&str> = text.split_whitespace().collect();
    let mut hint = joined.join(" ");
    if !hint.ends_with(['.', '!', '?']) {
        hint.push('.');
    }
    hint
}

/// A hint whose first sentence is "Use `X` instead." / "Use X instead." names a plain rename.
fn plain_rename(hint: &str) -> Option<String> {
    let first = hint.split_once(". ").map_or(hint, |(sentence, _)| sentence);
    let rest = first.strip_prefix("Use ")?;
    let name = rest.trim_end_matches('.').strip_suffix(" instead")?;
    let name = name.trim_matches('`');
    let simple = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        && !name.starts_with('.');
    simple.then(|| name.to_string())
}
