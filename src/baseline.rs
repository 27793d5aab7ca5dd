//! Baselines for gradual adoption: `--write-baseline FILE` records today's findings, and
//! `--baseline FILE` hides the findings recorded there, so CI fails only on new ones.
//!
//! A finding is matched by its [`Key`]: file, rule, symbol (or message when it has none),
//! parameter and the trimmed text of its line, never its line number, so unrelated edits that
//! move code keep old findings hidden. Keys are counted: a baseline holding a key twice hides
//! two findings with that key, and a third one is reported.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::report::{RepoPaths, Report};

/// The baseline file format version this build reads and writes.
pub const VERSION: u32 = 1;

/// What identifies a finding across edits (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    /// Repository-relative path, `/`-separated.
    pub file: String,
    /// Rule code.
    pub rule: String,
    /// Dotted symbol, when the finding has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// Keyword, for parameter findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// The message, for findings without a symbol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The finding's line, trimmed.
    pub line: String,
}

impl Key {
    /// The key of a diagnostic.
    pub fn of(d: &Diagnostic, paths: &RepoPaths) -> Key {
        Key {
            file: paths.get(&d.filename),
            rule: d.rule.code.to_string(),
            symbol: d.symbol.as_deref().map(str::to_owned),
            parameter: d.parameter.as_deref().map(str::to_owned),
            message: d.symbol.is_none().then(|| d.message.to_string()),
            line: d.line_text.trim().to_string(),
        }
    }
}

/// One baseline entry: a key and how many findings have it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Entry {
    #[serde(flatten)]
    key: Key,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    count: usize,
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

/// The file: a version and the entries, sorted by key.
#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// A baseline: how many findings of each key are accepted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Baseline {
    counts: BTreeMap<Key, usize>,
}

/// What applying a baseline did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Findings hidden.
    pub hidden: usize,
    /// Baseline entries (counted) that matched no finding: fixed since, can be dropped.
    pub stale: usize,
}

/// True for findings a baseline never records nor hides: files that could not be read.
fn exempt(d: &Diagnostic) -> bool {
    d.rule.run_error
}

impl Baseline {
    /// A baseline accepting every finding of `report` (except unreadable files).
    pub fn of(report: &Report, paths: &RepoPaths) -> Baseline {
        let mut counts = BTreeMap::new();
        for d in report.diagnostics.iter().filter(|d| !exempt(d)) {
            *counts.entry(Key::of(d, paths)).or_default() += 1;
        }
        Baseline { counts }
    }

    /// Serialises the baseline: pretty JSON, entries in key order, one field a line.
    pub fn to_json(&self) -> String {
        let file = File {
            version: VERSION,
            findings: self
                .counts
                .iter()
                .map(|(key, &count)| Entry {
                    key: key.clone(),
                    count,
                })
                .collect(),
        };
        let mut text = serde_json::to_string_pretty(&file).expect("baseline serialises");
        text.push('\n');
        text
    }

    /// Parses a baseline file's text.
    pub fn from_json(text: &str) -> Result<Baseline, String> {
        let version: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not a baseline file: {e}"))?;
        match version.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(VERSION) => {}
            Some(v) => {
                return Err(format!(
                    "baseline version {v} is not supported (this build reads version {VERSION}); \
                     rewrite it with --write-baseline"
                ))
            }
            None => return Err("not a baseline file: no `version`".into()),
        }
        let file: File =
            serde_json::from_value(version).map_err(|e| format!("not a baseline file: {e}"))?;
        let mut counts = BTreeMap::new();
        for entry in file.findings {
            *counts.entry(entry.key).or_default() += entry.count;
        }
        Ok(Baseline { counts })
    }

    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline, String> {
        let bytes = crate::discovery::read_user_file(path)
            .map_err(|e| format!("reading baseline {}: {e}", path.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|e| format!("reading baseline {}: {e}", path.display()))?;
        Baseline::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Writes the baseline to a file.
    pub fn write(&self, path: &Path) -> Result<(), String> {
        std::fs::write(path, self.to_json())
            .map_err(|e| format!("writing baseline {}: {e}", path.display()))
    }

    /// Number of findings the baseline accepts.
    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }

    /// Adds the entries of `previous` for files this run did not check (`checked` is false for
    /// their repository-relative name) and that still exist: a run on some files rewrites
    /// their entries and keeps the others.
    pub fn keeping_unchecked(
        mut self,
        previous: &Baseline,
        checked: &dyn Fn(&str) -> bool,
    ) -> Baseline {
        for (key, &count) in &previous.counts {
            if !checked(&key.file) && Path::new(&key.file).exists() {
                *self.counts.entry(key.clone()).or_default() += count;
            }
        }
        self
    }

    /// Removes the findings the baseline accepts from `report` (in report order, each key at
    /// most as often as recorded) and counts them in `report.suppressed_by_baseline`. Entries
    /// left over are stale only for files this run checked (`checked` is true for their
    /// repository-relative name).
    pub fn apply(
        &self,
        report: &mut Report,
        paths: &RepoPaths,
        checked: &dyn Fn(&str) -> bool,
    ) -> Applied {
        let mut left = self.counts.clone();
        let mut hidden = 0;
        report.diagnostics.retain(|d| {
            if exempt(d) {
                return true;
            }
            match left.get_mut(&Key::of(d, paths)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    hidden += 1;
                    false
                }
                _ => true,
            }
        });
        report.suppressed_by_baseline += hidden;
        Applied {
            hidden,
            stale: left
                .iter()
                .filter(|(key, _)| checked(&key.file))
                .map(|(_, n)| n)
                .sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{self, Rule};
    use crate::syntax::Location;

    fn finding(
        file: &str,
        row: u32,
        rule: &'static Rule,
        symbol: Option<&str>,
        line: &str,
    ) -> Diagnostic {
        let mut d = Diagnostic::new(rule, file, "placeholder");
        d.message = format!("message of {}", rule.code).into();
        d.start = Location { row, column: 1 };
        d.end = Location { row, column: 2 };
        d.symbol = symbol.map(Into::into);
        d.line_text = line.into();
        d
    }

    fn report(diagnostics: Vec<Diagnostic>) -> Report {
        Report {
            diagnostics,
            ..Report::default()
        }
    }

    fn paths() -> RepoPaths {
        RepoPaths::under(Some(Path::new("/repo")))
    }

    const USE: &str = "raw = SourceAsset(key='raw')";

    #[test]
    fn hides_recorded_findings_after_lines_move() {
        let old = report(vec![
            finding(
                "a.py",
                3,
                &rules::DEPRECATED_SYMBOL,
                Some("dagster.SourceAsset"),
                USE,
            ),
            finding(
                "a.py",
                9,
                &rules::BETA_SYMBOL,
                Some("dagster.beta_thing"),
                "x = beta_thing()",
            ),
        ]);
        let baseline = Baseline::of(&old, &paths());
        // Lines inserted above, indentation changed, file named with `./`.
        let mut now = report(vec![
            finding(
                "./a.py",
                13,
                &rules::DEPRECATED_SYMBOL,
                Some("dagster.SourceAsset"),
                &format!("    {USE}"),
            ),
            finding(
                "/repo/a.py",
                19,
                &rules::BETA_SYMBOL,
                Some("dagster.beta_thing"),
                "x = beta_thing()",
            ),
        ]);
        let applied = baseline.apply(&mut now, &paths(), &|_| true);
        assert_eq!(
            applied,
            Applied {
                hidden: 2,
                stale: 0
            }
        );
        assert!(now.diagnostics.is_empty());
        assert_eq!(now.suppressed_by_baseline, 2);
    }

    #[test]
    fn counts_duplicates_as_a_multiset() {
        let two = report(vec![
            finding(
                "a.py",
                3,
                &rules::DEPRECATED_SYMBOL,
                Some("dagster.SourceAsset"),
                USE,
            ),
            finding(
                "a.py",
                4,
                &rules::DEPRECATED_SYMBOL,
                Some("dagster.SourceAsset"),
                USE,
            ),
        ]);
        let baseline = Baseline::of(&two, &paths());
        assert_eq!(baseline.total(), 2);
        let mut three = report(vec![
            finding(
                "a.py",
                3,
                &rules::DEPRECATED_SYMBOL,
                Some("dagster.SourceAsset"),
                USE,
            ),
            finding(
                "a.py",
                4,
                &rules::DEPRECATED_SYMBOL,
                Some("dagster.SourceAsset"),
                USE,
            ),
            finding(
                "a.py",
                5,
                &rules::DEPRECATED_SYMBOL,
                Some("dagster.SourceAsset"),
                USE,
            ),
        ]);
        let applied = baseline.apply(&mut three, &paths(), &|_| true);
        assert_eq!(
            applied,
            Applied {
                hidden: 2,
                stale: 0
            }
        );
        assert_eq!(three.diagnostics.len(), 1);
        assert_eq!(three.diagnostics[0].start.row, 5);
    }

    #[test]
    fn reports_changed_lines_other_files_and_rules_and_counts_stale_entries() {
        let old = report(vec![
            finding(
                "a.py",
                3,
                &rules::DEPRECATED_SYMBOL,
                Some("dagster.SourceAsset"),
                USE,
            ),
            finding(
                "gone.py",
                1,
                &rules::DEPRECATED_SYMBOL,
                Some("dagster.SourceAsset"),
                USE,
            ),
        ]);
        let baseline = Baseline::of(&old, &paths());
        let mut now = report(vec![
            finding(
                "a.py",
                3,
                &rules::DEPRECATED_SYMBOL,
                Some("dagster.SourceAsset"),
                "raw = SourceAsset('x')",
            ),
            finding(
                "b.py",
                3,
                &rules::DEPRECATED_SYMBOL,
                Some("dagster.SourceAsset"),
                USE,
            ),
            finding(
                "a.py",
                3,
                &rules::BETA_SYMBOL,
                Some("dagster.SourceAsset"),
                USE,
            ),
        ]);
        let applied = baseline.apply(&mut now, &paths(), &|_| true);
        assert_eq!(
            applied,
            Applied {
                hidden: 0,
                stale: 2
            }
        );
        assert_eq!(now.diagnostics.len(), 3);
    }

    #[test]
    fn symbol_less_findings_match_on_message_and_io_errors_are_never_recorded() {
        let old = report(vec![
            finding("a.py", 2, &rules::SYNTAX_ERROR, None, "def f(:"),
            Diagnostic::io_error("unreadable.py", "Permission denied"),
        ]);
        let baseline = Baseline::of(&old, &paths());
        assert_eq!(baseline.total(), 1);
        let mut now = report(vec![
            finding("a.py", 7, &rules::SYNTAX_ERROR, None, "def f(:"),
            Diagnostic::io_error("unreadable.py", "Permission denied"),
        ]);
        baseline.apply(&mut now, &paths(), &|_| true);
        assert_eq!(now.diagnostics.len(), 1);
        assert_eq!(*now.diagnostics[0].rule, rules::IO_ERROR);
    }

    #[test]
    fn json_round_trip_is_stable_and_versioned() {
        let old = report(vec![
            finding(
                "b.py",
                3,
                &rules::DEPRECATED_SYMBOL,
                Some("dagster.SourceAsset"),
                USE,
            ),
            finding(
                "a.py",
                4,
                &rules::DEPRECATED_SYMBOL,
                Some("dagster.SourceAsset"),
                USE,
            ),
            finding(
                "a.py",
                5,
                &rules::DEPRECATED_SYMBOL,
                Some("dagster.SourceAsset"),
                USE,
            ),
            finding("a.py", 6, &rules::SYNTAX_ERROR, None, "def f(:"),
        ]);
        let baseline = Baseline::of(&old, &paths());
        let json = baseline.to_json();
        let expected = r#"{
  "version": 1,
  "findings": [
    {
      "file": "a.py",
      "rule": "DAG001",
      "symbol": "dagster.SourceAsset",
      "line": "raw = SourceAsset(key='raw')",
      "count": 2
    },
    {
      "file": "a.py",
      "rule": "E999",
      "message": "message of E999",
      "line": "def f(:"
    },
    {
      "file": "b.py",
      "rule": "DAG001",
      "symbol": "dagster.SourceAsset",
      "line": "raw = SourceAsset(key='raw')"
    }
  ]
}
"#;
        assert_eq!(json, expected);
        assert_eq!(Baseline::from_json(&json).unwrap(), baseline);
    }

    #[test]
    fn rejects_other_versions_and_other_files() {
        let err = Baseline::from_json(r#"{"version": 2, "findings": []}"#).unwrap_err();
        assert!(err.contains("version 2"), "{err}");
        assert!(Baseline::from_json("[]").is_err());
        assert!(Baseline::from_json("not json").is_err());
    }
}
