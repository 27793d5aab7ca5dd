//! `catalog diff A B`: what changed between two catalogs of one package — names added and
//! removed, and status changes (beta→stable, stable→deprecated, ...), members and parameters
//! included.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Catalog, Row};

/// One change between two catalogs.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// The symbol (`dagster.AssetSelection.keys`).
    pub symbol: String,
    /// The parameter, for parameter rows.
    pub parameter: Option<String>,
    /// Status in the old catalog (`stable`, `deprecated`, `beta, superseded`, ...).
    pub old: Option<String>,
    /// Status in the new catalog.
    pub new: Option<String>,
    /// Breaking version in the new catalog.
    pub breaking_version: Option<String>,
    /// Hint in the new catalog.
    pub message: Option<String>,
}

fn status(row: &Row) -> String {
    let mut s = if row.markers.is_empty() {
        "stable".to_string()
    } else {
        row.markers.join(", ")
    };
    if !row.public {
        s.push_str(" (not public)");
    }
    s
}

/// The changes from `old` to `new`, sorted by symbol.
pub fn diff(old: &Catalog, new: &Catalog) -> Vec<Change> {
    let key = |r: &Row| (r.symbol.clone(), r.parameter.clone());
    let old_rows: BTreeMap<_, Row> = old.rows().into_iter().map(|r| (key(&r), r)).collect();
    let new_rows: BTreeMap<_, Row> = new.rows().into_iter().map(|r| (key(&r), r)).collect();
    let mut out = Vec::new();
    for (k, o) in &old_rows {
        match new_rows.get(k) {
            None => out.push(Change {
                change: "removed",
                symbol: k.0.clone(),
                parameter: k.1.clone(),
                old: Some(status(o)),
                new: None,
                breaking_version: None,
                message: None,
            }),
            Some(n) if status(n) != status(o) => out.push(Change {
                change: "changed",
                symbol: k.0.clone(),
                parameter: k.1.clone(),
                old: Some(status(o)),
                new: Some(status(n)),
                breaking_version: n.breaking_version.clone(),
                message: n.message.clone(),
            }),
            Some(_) => {}
        }
    }
    for (k, n) in &new_rows {
        if !old_rows.contains_key(k) {
            out.push(Change {
                change: "added",
                symbol: k.0.clone(),
                parameter: k.1.clone(),
                old: None,
                new: Some(status(n)),
                breaking_version: n.breaking_version.clone(),
                message: n.message.clone(),
            });
        }
    }
    out.sort_by(|a, b| {
        (&a.symbol, &a.parameter, a.change).cmp(&(&b.symbol, &b.parameter, b.change))
    });
    out
}

/// The diff as text, one line per change, with a count summary.
pub fn render_text(old: &Catalog, new: &Catalog, changes: &[Change]) -> String {
    let mut out = format!("{} {} -> {}\n", old.package, old.version, new.version);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for c in changes {
        *counts.entry(c.change).or_default() += 1;
        let name = match &c.parameter {
            Some(p) => format!("{}({p}=)", c.symbol),
            None => c.symbol.clone(),
        };
        let line = match c.change {
            "added" => format!("+ {name}  [{}]", c.new.as_deref().unwrap_or_default()),
            "removed" => format!("- {name}  [was {}]", c.old.as_deref().unwrap_or_default()),
            _ => format!(
                "~ {name}  {} -> {}",
                c.old.as_deref().unwrap_or_default(),
                c.new.as_deref().unwrap_or_default()
            ),
        };
        out.push_str(&line);
        if let Some(v) = c
            .breaking_version
            .as_deref()
            .filter(|v| !v.trim().is_empty())
        {
            out.push_str(&format!("  (breaking in {v})"));
        }
        out.push('\n');
    }
    let summary: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
    out.push_str(&format!(
        "{}\n",
        if summary.is_empty() {
            "no changes".to_string()
        } else {
            summary.join(", ")
        }
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::shipped;

    fn find<'c>(changes: &'c [Change], symbol: &str) -> Option<&'c Change> {
        changes
            .iter()
            .find(|c| c.symbol == symbol && c.parameter.is_none())
    }

    #[test]
    fn freshness_policy_across_releases() {
        let load = |v| shipped::load("dagster", v).unwrap();
        // Experimental in 1.5, deprecated in 1.8.
        let d = diff(load("1.5.14"), load("1.8.13"));
        let c = find(&d, "dagster.FreshnessPolicy").unwrap();
        assert_eq!(
            (c.old.as_deref(), c.new.as_deref()),
            (Some("experimental"), Some("deprecated"))
        );
        // An ImportError in 1.11.
        let d = diff(load("1.10.21"), load("1.11.16"));
        let c = find(&d, "dagster.FreshnessPolicy").unwrap();
        assert_eq!(c.new.as_deref(), Some("removed"));
        // A new stable class in 1.12.
        let d = diff(load("1.11.16"), load("1.12.22"));
        let c = find(&d, "dagster.FreshnessPolicy").unwrap();
        assert_eq!(
            (c.old.as_deref(), c.new.as_deref()),
            (Some("removed"), Some("stable"))
        );
    }

    #[test]
    fn identical_catalogs_have_no_changes() {
        let c = shipped::load("dagster", "1.13.29").unwrap();
        assert!(diff(c, c).is_empty());
    }
}
