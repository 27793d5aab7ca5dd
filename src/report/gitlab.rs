//! `--output-format gitlab`: a GitLab Code Quality report (a JSON array of issues).
//!
//! Fingerprints are stable across unrelated edits: a SHA-256 of the finding's baseline key
//! (file, rule, symbol or message, parameter, trimmed line text; not the line number) and of
//! how many earlier findings in the report have the same key, so identical findings stay
//! distinct.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::model::Report;
use super::repo_paths::RepoPaths;
use crate::baseline::Key;
use crate::rules::Severity;

#[derive(Serialize)]
struct Issue<'a> {
    description: std::borrow::Cow<'a, str>,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

/// Writes the report as a Code Quality JSON array.
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let paths = RepoPaths::from_cwd();
    let mut seen: BTreeMap<Key, usize> = BTreeMap::new();
    let issues: Vec<Issue> = report
        .diagnostics
        .iter()
        .map(|d| {
            let key = Key::of(d, &paths);
            let occurrence = seen.entry(key.clone()).or_default();
            *occurrence += 1;
            let (start, end) = d.file_range();
            let description = match d.cell {
                None => std::borrow::Cow::Borrowed(&*d.message),
                Some(_) => format!("{} ({})", d.message, d.shown_position()).into(),
            };
            Issue {
                description,
                check_name: d.rule.code,
                fingerprint: fingerprint(&key, *occurrence),
                severity: match d.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                location: Location {
                    path: key.file,
                    lines: Lines {
                        begin: start.row,
                        end: end.row,
                    },
                },
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

fn fingerprint(key: &Key, occurrence: usize) -> String {
    let text = serde_json::to_string(&(key, occurrence)).expect("key serialises");
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(line: &str) -> Key {
        Key {
            file: "a.py".into(),
            rule: "DAG001".into(),
            symbol: Some("dagster.SourceAsset".into()),
            parameter: None,
            message: None,
            line: line.into(),
        }
    }

    #[test]
    fn fingerprints_depend_on_key_and_occurrence_only() {
        let a = fingerprint(&key("x = SourceAsset()"), 1);
        assert_eq!(a.len(), 64);
        assert_eq!(a, fingerprint(&key("x = SourceAsset()"), 1));
        assert_ne!(a, fingerprint(&key("x = SourceAsset()"), 2));
        assert_ne!(a, fingerprint(&key("y = SourceAsset()"), 1));
    }
}
