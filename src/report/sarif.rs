//! `--output-format sarif`: SARIF 2.1.0, filled the way GitHub code scanning reads it (one run,
//! every rule described, `partialFingerprints` computed as GitHub's upload action does).

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};

use super::line_hash::line_hashes;
use super::{FixRecord, RenderOptions, RepoPaths, Report};
use crate::diagnostic::Diagnostic;
use crate::rules::{Rule, Severity, RULES};

/// The schema URI SARIF files name (`$schema`).
pub const SCHEMA_URI: &str =
    "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json";

/// GitHub code scanning rejects a run with more results than this.
pub const GITHUB_MAX_RESULTS: usize = 25_000;

/// The base URI id results are relative to.
const SRCROOT: &str = "%SRCROOT%";

/// Characters kept as they are in URI paths: unreserved ones and `/`.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Writes the report as one SARIF log with one run.
pub fn write(out: &mut dyn Write, report: &Report, options: &RenderOptions) -> io::Result<()> {
    let cwd = std::env::current_dir().ok();
    let log = log(
        report,
        options,
        cwd.as_deref(),
        GITHUB_MAX_RESULTS,
        &mut ReadFingerprints::default(),
    );
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// Where `primaryLocationLineHash` values come from (the files on disk, or a test's texts).
trait Fingerprints {
    /// The fingerprint of 1-based `line` of `filename`, if the file can be read.
    fn get(&mut self, filename: &str, line: u32) -> Option<String>;
}

/// Reads each file once, as GitHub's upload action would (bytes as UTF-8, lossily).
#[derive(Default)]
struct ReadFingerprints {
    files: HashMap<String, Option<Vec<String>>>,
}

impl Fingerprints for ReadFingerprints {
    fn get(&mut self, filename: &str, line: u32) -> Option<String> {
        let hashes = self.files.entry(filename.to_string()).or_insert_with(|| {
            let bytes = crate::discovery::read_user_file(filename.as_ref()).ok()?;
            Some(line_hashes(&String::from_utf8_lossy(&bytes)))
        });
        hashes.as_ref()?.get(line as usize - 1).cloned()
    }
}

fn log(
    report: &Report,
    options: &RenderOptions,
    cwd: Option<&Path>,
    max_results: usize,
    fingerprints: &mut dyn Fingerprints,
) -> Value {
    let paths = RepoPaths::under(cwd);
    let kept = most_severe(&report.diagnostics, max_results);
    let results: Vec<Value> = kept
        .iter()
        .map(|d| result(d, &paths, fingerprints))
        .collect();

    let mut notifications: Vec<Value> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule.run_error)
        .map(|d| {
            json!({
                "level": "error",
                "message": { "text": d.message },
                "locations": [location(d, &paths)],
                "associatedRule": { "id": d.rule.code, "index": rule_index(d.rule) },
            })
        })
        .collect();
    let left_out = report.diagnostics.len() - kept.len();
    if left_out > 0 {
        let text = format!(
            "{left_out} of {} results were left out: GitHub code scanning rejects a run with more \
             than {max_results} results. The most severe {max_results} are included; run the \
             other output formats to see every finding.",
            report.diagnostics.len()
        );
        eprintln!("dagster-api-lint: warning: SARIF: {text}");
        notifications.push(json!({ "level": "warning", "message": { "text": text } }));
    }
    let mut invocation = json!({ "executionSuccessful": !report.had_io_errors() });
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = Value::Array(notifications);
    }

    let mut run = json!({
        "tool": {
            "driver": {
                "name": env!("CARGO_PKG_NAME"),
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": RULES.iter().copied().map(rule).collect::<Vec<_>>(),
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(cwd) = cwd {
        run["originalUriBaseIds"] = json!({ SRCROOT: { "uri": file_uri(cwd, true) } });
    }
    if let Some(id) = &options.automation_id {
        // As `upload-sarif`'s `category` input does: the category is the id up to a final `/`.
        let id = if id.ends_with('/') {
            id.clone()
        } else {
            format!("{id}/")
        };
        run["automationDetails"] = json!({ "id": id });
    }
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [run],
    })
}

/// The diagnostics to include, in report order: all of them, or the `limit` most severe.
fn most_severe(diagnostics: &[Diagnostic], limit: usize) -> Vec<&Diagnostic> {
    if diagnostics.len() <= limit {
        return diagnostics.iter().collect();
    }
    let mut order: Vec<usize> = (0..diagnostics.len()).collect();
    order.sort_by_key(|&i| diagnostics[i].severity); // stable: errors first, then report order
    let mut keep = order[..limit].to_vec();
    keep.sort_unstable();
    keep.into_iter().map(|i| &diagnostics[i]).collect()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule_index(rule: &Rule) -> usize {
    RULES
        .iter()
        .position(|r| r.code == rule.code)
        .expect("registered rule")
}

/// A `reportingDescriptor` for a rule, with help from its documentation.
fn rule(rule: &Rule) -> Value {
    let precision = if rule.code.starts_with('E') {
        "very-high"
    } else {
        "high"
    };
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": { "text": format!("{}.", rule.summary) },
        "fullDescription": { "text": what_it_does(&rule.doc()) },
        "help": {
            "text": plain_text(&rule.doc()),
            "markdown": format!("{}\n\n[Rule documentation]({})", rule.doc(), rule.url()),
        },
        "helpUri": rule.url(),
        "defaultConfiguration": {
            "level": level(rule.severity),
            "enabled": rule.selected_by_default,
        },
        "properties": {
            "tags": ["dagster", "api-stability", rule.status],
            "precision": precision,
        },
    })
}

/// The "What it does" section of a rule's documentation, as one paragraph.
fn what_it_does(doc: &str) -> String {
    doc.lines()
        .skip_while(|l| !l.starts_with("## What it does"))
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A rule's Markdown documentation as plain text: headings without `##`, no code fences.
fn plain_text(doc: &str) -> String {
    doc.lines()
        .filter(|l| !l.starts_with("```"))
        .map(|l| l.strip_prefix("## ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

fn result(d: &Diagnostic, paths: &RepoPaths, fingerprints: &mut dyn Fingerprints) -> Value {
    let mut result = json!({
        "ruleId": d.rule.code,
        "ruleIndex": rule_index(d.rule),
        "level": level(d.severity),
        "message": { "text": d.message },
        "locations": [location(d, paths)],
    });
    if let Some(hash) = fingerprints.get(&d.filename, d.file_range().0.row) {
        result["partialFingerprints"] = json!({ "primaryLocationLineHash": hash });
    }
    // A fix's edits are placed in the checked code, which in a notebook is not the `.ipynb`
    // file's text: notebooks carry no SARIF fix (`--fix` rewrites them).
    let fix = d.fix.as_deref().filter(|_| d.cell.is_none());
    if let Some(fix) = fix.and_then(FixRecord::of) {
        result["fixes"] = json!([fix_object(&fix, artifact(d, paths))]);
    }
    if let Some(place) = d.cell {
        result["properties"] = json!({
            "cell": place.cell,
            "cellRow": d.start.row,
            "cellColumn": d.start.column,
        });
    }
    result
}

/// A SARIF `fix` (§3.55): one artifact change whose replacements are the fix's edits.
fn fix_object(fix: &FixRecord, artifact: Value) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            json!({
                "deletedRegion": {
                    "startLine": e.location.row,
                    "startColumn": e.location.column,
                    "endLine": e.end_location.row,
                    "endColumn": e.end_location.column,
                },
                "insertedContent": { "text": e.content },
            })
        })
        .collect();
    json!({
        "description": { "text": fix.message },
        "artifactChanges": [{ "artifactLocation": artifact, "replacements": replacements }],
        "properties": { "applicability": fix.applicability },
    })
}

/// The `artifactLocation` of a finding's file.
fn artifact(d: &Diagnostic, paths: &RepoPaths) -> Value {
    let path = paths.get(&d.filename);
    if Path::new(&path).is_absolute() {
        json!({ "uri": file_uri(Path::new(&path), false) })
    } else {
        json!({ "uri": utf8_percent_encode(&path, PATH).to_string(), "uriBaseId": SRCROOT })
    }
}

fn location(d: &Diagnostic, paths: &RepoPaths) -> Value {
    // In a notebook: the place in the `.ipynb` file (see `diagnostic::InCell`).
    let (start, end) = d.file_range();
    json!({
        "physicalLocation": {
            "artifactLocation": artifact(d, paths),
            "region": {
                "startLine": start.row,
                "startColumn": start.column,
                "endLine": end.row,
                "endColumn": end.column,
            }
        }
    })
}

/// `file:///...` for an absolute path; directories end with `/`.
fn file_uri(path: &Path, directory: bool) -> String {
    let mut text: String = path
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<PathBuf>()
        .to_string_lossy()
        .replace('\\', "/");
    if directory && !text.is_empty() {
        text.push('/');
    }
    format!("file:///{}", utf8_percent_encode(&text, PATH))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{self, Rule};

    struct Fixed;

    impl Fingerprints for Fixed {
        fn get(&mut self, _: &str, line: u32) -> Option<String> {
            Some(format!("hash-of-line-{line}"))
        }
    }

    fn finding(rule: &'static Rule, row: u32) -> Diagnostic {
        let mut d = Diagnostic::new(rule, "pkg/a b.py", "x");
        d.message = format!("finding {row}").into();
        d.start.row = row;
        d.end.row = row;
        d
    }

    #[test]
    fn too_many_results_keep_the_most_severe_and_say_so() {
        let report = Report {
            diagnostics: vec![
                finding(&rules::SUPERSEDED_SYMBOL, 1),
                finding(&rules::REMOVED_SYMBOL, 2),
                finding(&rules::DEPRECATED_SYMBOL, 3),
                finding(&rules::REMOVED_SYMBOL, 4),
            ],
            ..Report::default()
        };
        let log = log(&report, &RenderOptions::default(), None, 3, &mut Fixed);
        let run = &log["runs"][0];
        let rows: Vec<u64> = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert_eq!(rows, [2, 3, 4]);
        let note = &run["invocations"][0]["toolExecutionNotifications"][0];
        assert_eq!(note["level"], "warning");
        assert!(note["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("1 of 4 results were left out"));
        assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    }

    #[test]
    fn paths_are_percent_encoded_and_relative_to_srcroot() {
        let report = Report {
            diagnostics: vec![finding(&rules::DEPRECATED_SYMBOL, 7)],
            ..Report::default()
        };
        let options = RenderOptions {
            automation_id: Some("dagster".into()),
            ..RenderOptions::default()
        };
        let log = log(
            &report,
            &options,
            Some(Path::new("/w/my repo")),
            10,
            &mut Fixed,
        );
        let run = &log["runs"][0];
        let artifact = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uri"], "pkg/a%20b.py");
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        assert_eq!(
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///w/my%20repo/"
        );
        assert_eq!(
            run["results"][0]["partialFingerprints"]["primaryLocationLineHash"],
            "hash-of-line-7"
        );
        assert_eq!(run["automationDetails"]["id"], "dagster/");
    }

    #[test]
    fn rule_help_comes_from_the_docs() {
        let deprecated = rule(&crate::rules::DEPRECATED_SYMBOL);
        assert!(deprecated["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Flags imports and uses of Dagster names"));
        let text = deprecated["help"]["text"].as_str().unwrap();
        assert!(text.starts_with("What it does\n") && !text.contains("```"));
    }
}
