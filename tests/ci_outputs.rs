//! The CI output formats (sarif, github, gitlab, junit), `-o`, repo-relative paths, the
//! baseline and `--fail-on`, run through the built binary on `tests/fixtures/ci`.
//!
//! The fixture holds deprecated, removed, private, beta and superseded uses, a `# noqa`'d line,
//! a file named with a comma and a space (escaping), and a file that cannot be decoded (E902).
//! Snapshots are in `tests/snapshots/`; they hold no absolute path and no tool version.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

mod common;
use common::assert_valid_sarif;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ci")
}

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("dagster-api-lint")
        .unwrap()
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .args(args)
        .output()
        .unwrap();
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code().unwrap(),
    }
}

fn run(args: &[&str]) -> Run {
    run_in(&fixture(), args)
}

/// The SARIF log with what depends on the machine replaced: the tool version and the
/// absolute directory of `%SRCROOT%`.
fn machine_independent(mut log: Value) -> Value {
    let driver = &mut log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    driver["version"] = "[version]".into();
    driver["semanticVersion"] = "[version]".into();
    let root = &mut log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"];
    let uri = root.as_str().unwrap();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/tests/fixtures/ci/"),
        "{uri}"
    );
    *root = "file:///[checkout]/tests/fixtures/ci/".into();
    log
}

#[test]
fn sarif_is_valid_and_complete() {
    let out = run(&[
        "pkg",
        "--output-format",
        "sarif",
        "--sarif-category",
        "dagster-api-lint",
    ]);
    assert_eq!(
        out.code, 2,
        "an unreadable file makes the exit code 2:\n{}",
        out.stderr
    );
    assert!(out.stderr.contains("Found 7 issues"), "{}", out.stderr);
    let log: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_valid_sarif(&log);

    let run = &log["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["automationDetails"]["id"], "dagster-api-lint/");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("pkg/"), "{uri}");
        assert!(result["partialFingerprints"]["primaryLocationLineHash"].is_string());
    }
    // The noqa'd finding on line 9 is left out, not marked as suppressed.
    assert!(!out.stdout.contains("\"suppressions\""));
    insta::assert_snapshot!(
        "sarif",
        serde_json::to_string_pretty(&machine_independent(log)).unwrap()
    );
}

#[test]
fn sarif_of_a_clean_run_is_valid_and_successful() {
    let out = run(&["pkg/clean.py", "--output-format", "sarif"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let log: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
    assert_eq!(log["runs"][0]["results"], Value::Array(vec![]));
    assert!(log["runs"][0].get("automationDetails").is_none());
}

#[test]
fn sarif_fingerprints_follow_github_line_hashes() {
    // Line 4 of pkg/assets.py is `from dagster import SourceAsset`; the value below comes from
    // `python3 tests/line_hash_reference.py tests/fixtures/ci/pkg/assets.py` (line 4).
    let out = run(&[
        "pkg/assets.py",
        "--output-format",
        "sarif",
        "--select",
        "DAG001",
    ]);
    let log: Value = serde_json::from_str(&out.stdout).unwrap();
    let first = &log["runs"][0]["results"][0];
    assert_eq!(
        first["locations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );
    assert_eq!(
        first["partialFingerprints"]["primaryLocationLineHash"],
        "9e037b3397de763d:1"
    );
}

#[test]
fn github_annotations() {
    let out = run(&["pkg", "--output-format", "github"]);
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("github", out.stdout);
}

#[test]
fn gitlab_code_quality() {
    let out = run(&["pkg", "--output-format", "gitlab"]);
    assert_eq!(out.code, 2);
    let issues: Value = serde_json::from_str(&out.stdout).unwrap();
    let fingerprints: std::collections::BTreeSet<&str> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), 7, "fingerprints are unique");
    insta::assert_snapshot!("gitlab", out.stdout);
}

#[test]
fn gitlab_fingerprints_survive_moved_lines() {
    let dir = tempfile::tempdir().unwrap();
    let body = "from dagster import SourceAsset\n";
    std::fs::write(dir.path().join("a.py"), body).unwrap();
    let before = run_in(dir.path(), &["a.py", "--output-format", "gitlab"]);
    std::fs::write(dir.path().join("a.py"), format!("import os\n\n\n{body}")).unwrap();
    let after = run_in(dir.path(), &["a.py", "--output-format", "gitlab"]);
    let fingerprint = |r: &Run| {
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        v[0]["fingerprint"].as_str().unwrap().to_string()
    };
    assert_eq!(fingerprint(&before), fingerprint(&after));
    assert!(after.stdout.contains("\"begin\": 4"));
}

#[test]
fn junit_xml() {
    let out = run(&["pkg", "--output-format", "junit"]);
    assert_eq!(out.code, 2);
    let doc = roxmltree::Document::parse(&out.stdout).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.attribute("tests"), Some("7"));
    assert_eq!(root.attribute("errors"), Some("1"));
    let suites: Vec<&str> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .map(|n| n.attribute("name").unwrap())
        .collect();
    assert_eq!(
        suites,
        ["pkg/assets.py", "pkg/odd, name.py", "pkg/unreadable.py"]
    );
    insta::assert_snapshot!("junit", out.stdout);

    let clean = run(&["pkg/clean.py", "--output-format", "junit"]);
    assert_eq!(clean.code, 0);
    roxmltree::Document::parse(&clean.stdout).expect("well-formed XML");
    assert!(clean.stdout.contains(r#"failures="0""#), "{}", clean.stdout);
}

#[test]
fn output_file_keeps_the_summary_on_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["sarif", "github", "gitlab", "junit"] {
        let file = dir.path().join(format!("out.{format}"));
        let out = run(&[
            "pkg",
            "--output-format",
            format,
            "-o",
            file.to_str().unwrap(),
        ]);
        assert_eq!(out.code, 2, "{format}");
        assert_eq!(out.stdout, "", "{format}: nothing on stdout");
        assert!(
            out.stderr.contains("Found 7 issues"),
            "{format}: {}",
            out.stderr
        );
        let to_stdout = run(&["pkg", "--output-format", format]);
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            to_stdout.stdout,
            "{format}"
        );
    }
}

#[test]
fn paths_are_repo_relative_however_given() {
    let relative = run(&["pkg", "--output-format", "github"]).stdout;
    let dotted = run(&["./pkg", "--output-format", "github"]).stdout;
    let absolute = fixture().join("pkg");
    let absolute = run(&[absolute.to_str().unwrap(), "--output-format", "github"]).stdout;
    assert_eq!(dotted, relative);
    // The E902 message names the file as given; every `file=` property is relative.
    let files = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| {
                l.split("file=")
                    .nth(1)
                    .unwrap()
                    .split(',')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(files(&absolute), files(&relative));
    assert!(files(&relative).iter().all(|f| f.starts_with("pkg/")));
}

const OLD: &str = "\
import dagster as dg
from dagster import SourceAsset

raw = SourceAsset(key=\"raw\")
other = SourceAsset(key=\"other\")
";

#[test]
fn baseline_round_trip_survives_moved_lines() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("pipeline.py");
    std::fs::write(&src, OLD).unwrap();

    let written = run_in(dir.path(), &["--write-baseline", "baseline.json"]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert!(written
        .stderr
        .contains("Wrote 3 findings to the baseline baseline.json."));
    assert!(written
        .stdout
        .contains("3 hidden (0 by noqa, 3 by the baseline)"));
    let baseline = std::fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    insta::assert_snapshot!("baseline_file", baseline);

    // Unchanged code: nothing reported.
    let same = run_in(dir.path(), &["--baseline", "baseline.json"]);
    assert_eq!(same.code, 0, "{}{}", same.stdout, same.stderr);
    assert!(same.stdout.contains("All checks passed!"));

    // Lines inserted above the old findings, and one new use of the same symbol.
    let new =
        format!("\"\"\"Docs.\"\"\"\nimport os\n\n{OLD}\nfresh = SourceAsset(key=\"fresh\")\n");
    std::fs::write(&src, new).unwrap();
    let after = run_in(
        dir.path(),
        &["--baseline", "baseline.json", "--output-format", "concise"],
    );
    assert_eq!(after.code, 1, "{}{}", after.stdout, after.stderr);
    assert_eq!(
        after.stdout.lines().next().unwrap(),
        "pipeline.py:10:9: DAG001 `SourceAsset` is deprecated since 1.8.0 and will be removed in 2.0.0. \
         Use AssetSpec instead. If using the SourceAsset io_manager_key property, use \
         AssetSpec(...).with_io_manager_key(...)."
    );
    assert!(after.stdout.contains("Found 1 issue"), "{}", after.stdout);
    assert!(after
        .stdout
        .contains("3 hidden (0 by noqa, 3 by the baseline)"));

    // A second copy of an old line is a new finding too (the baseline counts).
    std::fs::write(&src, format!("{OLD}raw = SourceAsset(key=\"raw\")\n")).unwrap();
    let dup = run_in(
        dir.path(),
        &["--baseline", "baseline.json", "--output-format", "concise"],
    );
    assert_eq!(dup.code, 1);
    assert!(
        dup.stdout.starts_with("pipeline.py:6:7: DAG001"),
        "{}",
        dup.stdout
    );

    // Fixed findings leave stale entries, and the tool says how to drop them.
    std::fs::write(&src, "import dagster as dg\n").unwrap();
    let fixed = run_in(dir.path(), &["--baseline", "baseline.json"]);
    assert_eq!(fixed.code, 0);
    assert!(
        fixed.stderr.contains("3 baseline entries match no finding"),
        "{}",
        fixed.stderr
    );
}

#[test]
fn bad_baselines_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = run_in(dir.path(), &["--baseline", "nope.json"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("reading baseline nope.json"),
        "{}",
        missing.stderr
    );
    std::fs::write(
        dir.path().join("b.json"),
        r#"{"version": 99, "findings": []}"#,
    )
    .unwrap();
    let future = run_in(dir.path(), &["--baseline", "b.json"]);
    assert_eq!(future.code, 2);
    assert!(future.stderr.contains("version 99"), "{}", future.stderr);
}

#[test]
fn fail_on_picks_what_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    // A beta (warning) and a superseded (info) use, nothing deprecated or removed.
    std::fs::write(
        dir.path().join("a.py"),
        "import dagster as dg\n\
         b = dg.build_metadata_bounds_checks(assets=[], metadata_key=\"r\", min_value=0)\n\
         f = dg.build_last_update_freshness_checks(assets=[], lower_bound_delta=None)\n",
    )
    .unwrap();
    for (fail_on, code) in [
        ("deprecated", 0),
        ("deprecated,removed", 0),
        ("beta", 1),
        ("superseded", 1),
        ("error", 0),
        ("warning", 1),
        ("info", 1),
    ] {
        let out = run_in(
            dir.path(),
            &["--fail-on", fail_on, "--output-format", "concise"],
        );
        assert_eq!(out.code, code, "--fail-on {fail_on}:\n{}", out.stdout);
        assert!(
            out.stdout.contains("DAG101") && out.stdout.contains("DAG104"),
            "still printed"
        );
    }
    let bad = run_in(dir.path(), &["--fail-on", "sometimes"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("neither a severity"), "{}", bad.stderr);
}

#[test]
fn configuration_sets_fail_on_and_baseline() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/a.py"), OLD).unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[tool.dagster-api-lint]\nfail-on = [\"removed\"]\nbaseline = \"ci/baseline.json\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("ci")).unwrap();
    let sub = dir.path().join("src");

    // `fail-on = ["removed"]`: deprecated findings print but do not fail...
    std::fs::write(
        dir.path().join("ci/baseline.json"),
        r#"{"version": 1, "findings": []}"#,
    )
    .unwrap();
    let out = run_in(&sub, &["a.py", "--output-format", "concise"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("Found 3 issues"), "{}", out.stdout);
    // ...unless the command line says otherwise.
    let out = run_in(&sub, &["a.py", "--fail-on", "deprecated"]);
    assert_eq!(out.code, 1);

    // The configured baseline, relative to the configuration file, hides what it records.
    let written = run_in(dir.path(), &["src", "--write-baseline", "ci/baseline.json"]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    let out = run_in(dir.path(), &["src", "--fail-on", "deprecated"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("3 by the baseline"), "{}", out.stdout);

    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[tool.dagster-api-lint]\nfail-on = [\"often\"]\n",
    )
    .unwrap();
    let bad = run_in(dir.path(), &["src"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("`fail-on`: `often`"), "{}", bad.stderr);
}
