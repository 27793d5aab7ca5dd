//! Jupyter notebooks (`.ipynb`), through the built binary: discovery, cells as one module,
//! IPython syntax, locations in every output format, noqa, bad notebooks, stdin, the cache and
//! the baseline.
//!
//! `tests/fixtures/notebooks/explore.ipynb` (written for these tests) uses deprecated, beta
//! and private dagster APIs across cells, with line and cell magics, shell escapes, a `%%bash`
//! cell, markdown and raw cells and a `# noqa`; `bad/` holds invalid JSON, a notebook without
//! `cells`, an nbformat 3 notebook and one with a syntax error in a cell.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

mod common;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notebooks")
}

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = Command::cargo_bin("dagster-api-lint").unwrap();
    cmd.current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("VIRTUAL_ENV")
        .env("NO_COLOR", "1")
        .args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let out = cmd.output().unwrap();
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code().unwrap(),
    }
}

fn run(args: &[&str]) -> Run {
    run_in(&fixture(), args, None)
}

/// A notebook in nbformat's layout (one-space indent) from code cells' sources.
fn notebook(cells: &[&str]) -> String {
    let cells: Vec<Value> = cells
        .iter()
        .enumerate()
        .map(|(i, source)| {
            serde_json::json!({
                "cell_type": "code", "execution_count": null, "id": format!("c{i}"),
                "metadata": {}, "outputs": [],
                "source": source.split_inclusive('\n').collect::<Vec<_>>(),
            })
        })
        .collect();
    let nb =
        serde_json::json!({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5});
    let mut out = Vec::new();
    let indent = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, indent);
    serde::Serialize::serialize(&nb, &mut ser).unwrap();
    String::from_utf8(out).unwrap() + "\n"
}

/// A project folder pinned to one dagster release, holding `files`.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dagster-api-lint.toml"),
        "dagster-version = \"1.13.29\"\n",
    )
    .unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn a_folder_with_only_a_notebook_is_checked_cell_by_cell() {
    let out = run(&["check", "--no-cache", "explore.ipynb"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let summary = out.stdout.lines().find(|l| l.starts_with("Found "));
    assert_eq!(
        summary,
        Some("Found 6 issues (1 beta, 4 deprecated, 1 private) in 1 file (1 file checked).")
    );
    assert!(out.stdout.ends_with("(1 by noqa, 0 by the baseline).\n"));
    insta::assert_snapshot!("explore_full", out.stdout);
    // The folder, walked: the notebook is found without being named.
    let dir = project(&[(
        "nb/explore.ipynb",
        &std::fs::read_to_string(fixture().join("explore.ipynb")).unwrap(),
    )]);
    let walked = run_in(dir.path(), &["check", "--no-cache", "."], None);
    assert_eq!(walked.code, 1, "{}", walked.stderr);
    assert!(
        walked.stdout.contains("Found 6 issues"),
        "{}",
        walked.stdout
    );
    assert!(walked
        .stdout
        .contains("nb/explore.ipynb:cell 3:4:10: DAG001"));
}

#[test]
fn bad_notebooks_are_reported_and_the_run_goes_on() {
    let out = run(&["check", "--no-cache", "--output-format", "concise", "."]);
    assert_eq!(
        out.code, 2,
        "E902 makes it an I/O error run: {}",
        out.stderr
    );
    insta::assert_snapshot!("fixture_concise", out.stdout);
}

#[test]
fn a_noqa_hides_findings_on_its_own_cells_line_only() {
    let nb = notebook(&[
        "import dagster as dg\nx = dg.SourceAsset  # noqa: DAG001\n",
        "import os\ny = dg.SourceAsset\n",
    ]);
    let dir = project(&[("a.ipynb", &nb)]);
    let args = [
        "check",
        "--no-cache",
        "-q",
        "--output-format",
        "concise",
        "a.ipynb",
    ];
    let out = run_in(dir.path(), &args, None);
    assert_eq!(
        out.stdout
            .lines()
            .map(|l| &l[..l.find(" `").unwrap()])
            .collect::<Vec<_>>(),
        ["a.ipynb:cell 2:2:5: DAG001"],
        "{}",
        out.stdout
    );
    // A file directive in any cell covers the notebook.
    let nb = notebook(&[
        "import dagster as dg\nx = dg.SourceAsset\n",
        "# dagster-api-lint: noqa: DAG001\n",
    ]);
    std::fs::write(dir.path().join("a.ipynb"), nb).unwrap();
    let out = run_in(dir.path(), &args, None);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
}

#[test]
fn stdin_named_as_a_notebook_is_read_as_one() {
    let nb = notebook(&["import dagster as dg\n", "dg.SourceAsset\n"]);
    let dir = project(&[]);
    let args = [
        "check",
        "--no-cache",
        "-q",
        "--output-format",
        "concise",
        "--stdin-filename",
        "n.ipynb",
        "-",
    ];
    let out = run_in(dir.path(), &args, Some(&nb));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("n.ipynb:cell 2:1:1: DAG001"),
        "{}",
        out.stdout
    );
}

#[test]
fn extend_include_adds_files_to_the_walk() {
    let dir = project(&[("tool.pyw", "from dagster import SourceAsset\n")]);
    let before = run_in(dir.path(), &["check", "--no-cache", "."], None);
    assert!(
        before.stdout.contains("(0 files checked)"),
        "{}",
        before.stdout
    );
    std::fs::write(
        dir.path().join("dagster-api-lint.toml"),
        "dagster-version = \"1.13.29\"\nextend-include = [\"*.pyw\"]\n",
    )
    .unwrap();
    let settings = run_in(dir.path(), &["check", "--show-settings", "tool.pyw"], None);
    assert!(
        settings.stdout.contains("  extend-include = [\"*.pyw\"]\n"),
        "{}",
        settings.stdout
    );
    for _ in 0..2 {
        let after = run_in(dir.path(), &["check", "."], None);
        assert_eq!(after.code, 1, "{}", after.stderr);
        assert!(
            after.stdout.contains("tool.pyw:1:21: DAG001"),
            "{}",
            after.stdout
        );
    }
}

#[test]
fn every_output_format_says_the_cell() {
    for format in ["json", "json-lines", "github", "gitlab", "junit", "sarif"] {
        let out = run(&[
            "check",
            "--no-cache",
            "--output-format",
            format,
            "explore.ipynb",
        ]);
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        let mut shown = out.stdout;
        if format == "sarif" {
            let mut log: Value = serde_json::from_str(&shown).unwrap();
            common::assert_valid_sarif(&log);
            let run = &mut log["runs"][0];
            run["tool"]["driver"]["version"] = "[version]".into();
            run["tool"]["driver"]["semanticVersion"] = "[version]".into();
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///[checkout]/".into();
            shown = serde_json::to_string_pretty(&log["runs"][0]["results"]).unwrap();
        }
        insta::assert_snapshot!(format!("explore_{format}"), shown);
    }
}

#[test]
fn sarif_and_gitlab_point_at_the_line_of_the_notebook_file_that_holds_the_code() {
    let text = std::fs::read_to_string(fixture().join("explore.ipynb")).unwrap();
    let out = run(&[
        "check",
        "--no-cache",
        "--output-format",
        "sarif",
        "explore.ipynb",
    ]);
    let log: Value = serde_json::from_str(&out.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    for result in results {
        let region = &result["locations"][0]["physicalLocation"]["region"];
        let line = text
            .lines()
            .nth(region["startLine"].as_u64().unwrap() as usize - 1)
            .unwrap();
        let start = region["startColumn"].as_u64().unwrap() as usize - 1;
        let end = region["endColumn"].as_u64().unwrap() as usize - 1;
        // The region holds the finding's text (no JSON escapes precede these).
        let marked = &line[start..end];
        let cell = result["properties"]["cell"].as_u64().unwrap();
        assert!(cell >= 2, "{result}");
        assert!(
            [
                "SourceAsset",
                "AssetKey",
                "compute_kind=\\\"python\\\"",
                "context.has_tag",
                "dg.build_metadata_bounds_checks"
            ]
            .contains(&marked),
            "{marked} in {line}"
        );
    }
    let gitlab = run(&[
        "check",
        "--no-cache",
        "--output-format",
        "gitlab",
        "explore.ipynb",
    ]);
    let issues: Value = serde_json::from_str(&gitlab.stdout).unwrap();
    let lines: Vec<u64> = issues
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["location"]["lines"]["begin"].as_u64().unwrap())
        .collect();
    let sarif_lines: Vec<u64> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
        })
        .collect();
    let mut sorted = sarif_lines.clone();
    sorted.sort();
    let mut gitlab_sorted = lines.clone();
    gitlab_sorted.sort();
    assert_eq!(gitlab_sorted, sorted);
}

#[test]
fn a_warm_cache_answers_with_the_cells_and_an_edit_that_moves_cells_is_seen() {
    let first = notebook(&["import dagster as dg\n", "dg.SourceAsset\n"]);
    let dir = project(&[("a.ipynb", &first)]);
    let args = ["check", "--output-format", "concise", "-q", "a.ipynb"];
    let cold = run_in(dir.path(), &args, None);
    let warm = run_in(dir.path(), &args, None);
    assert!(
        cold.stdout.starts_with("a.ipynb:cell 2:1:1: DAG001"),
        "{}",
        cold.stdout
    );
    assert_eq!(warm.stdout, cold.stdout);
    let json = ["check", "--output-format", "json", "a.ipynb"];
    let warm_json = run_in(dir.path(), &json, None).stdout;
    assert_eq!(
        warm_json,
        run_in(dir.path(), &[&json[..], &["--no-cache"]].concat(), None).stdout
    );
    // A cell inserted before them: other bytes, other cells.
    let moved = notebook(&["# setup\n", "import dagster as dg\n", "dg.SourceAsset\n"]);
    std::fs::write(dir.path().join("a.ipynb"), moved).unwrap();
    let after = run_in(dir.path(), &args, None);
    assert!(
        after.stdout.starts_with("a.ipynb:cell 3:1:1: DAG001"),
        "{}",
        after.stdout
    );
}

#[test]
fn a_baseline_keeps_notebook_findings_when_cells_move() {
    let first = notebook(&["import dagster as dg\n", "dg.SourceAsset\n"]);
    let dir = project(&[("a.ipynb", &first)]);
    let write = [
        "check",
        "--no-cache",
        "--write-baseline",
        "base.json",
        "a.ipynb",
    ];
    let recorded = run_in(dir.path(), &write, None);
    assert_eq!(recorded.code, 0, "{}", recorded.stderr);
    let moved = notebook(&[
        "import dagster as dg\n",
        "x = 1\n",
        "dg.SourceAsset\n",
        "dg.SourceAsset(key='new')\n",
    ]);
    std::fs::write(dir.path().join("a.ipynb"), moved).unwrap();
    let args = [
        "check",
        "--no-cache",
        "--baseline",
        "base.json",
        "--output-format",
        "concise",
        "a.ipynb",
    ];
    let out = run_in(dir.path(), &args, None);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let found: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains("DAG001"))
        .collect();
    assert_eq!(found.len(), 1, "{}", out.stdout);
    assert!(
        found[0].starts_with("a.ipynb:cell 4:1:1: DAG001"),
        "{}",
        out.stdout
    );
}

#[test]
fn real_notebooks_from_dagstermill_are_checked() {
    // tests/fixtures/notebooks-real/dagstermill: notebooks from dagstermill's sdist (Apache
    // 2.0, see SOURCE.md there), an empty one among them.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notebooks-real");
    let args = ["check", "--no-cache", "--output-format", "concise", "."];
    let out = run_in(&dir, &args, None);
    assert_eq!(out.code, 1, "{}", out.stderr);
    insta::assert_snapshot!("dagstermill_concise", out.stdout);
}

#[test]
fn the_upgrade_report_names_the_cells() {
    let out = run(&["upgrade-report", "--to", "2.0", "explore.ipynb"]);
    assert!(
        out.stdout
            .contains("files: explore.ipynb:cell 2:4,cell 3:4"),
        "{}{}",
        out.stdout,
        out.stderr
    );
}

#[test]
fn fix_rewrites_the_code_cells_and_keeps_the_rest_of_the_notebook() {
    // A private import of a publicly exported object in cell 1 (with a magic above it), used in
    // cell 2; an output and metadata that the fix must not touch.
    let mut nb: Value = serde_json::from_str(&notebook(&[
        "%load_ext autoreload\nfrom dagster._core.definitions.metadata import TextMetadataValue\n",
        "!ls\nx = TextMetadataValue('a')\n",
    ]))
    .unwrap();
    nb["cells"][1]["outputs"] =
        serde_json::json!([{"output_type": "stream", "name": "stdout", "text": ["a\n"]}]);
    nb["cells"][1]["metadata"] = serde_json::json!({"tags": ["keep"]});
    let mut text = serde_json::to_string_pretty(&nb).unwrap();
    text.push('\n');
    let dir = project(&[("explore.ipynb", &text)]);
    let path = dir.path().join("explore.ipynb");

    let diff = run_in(dir.path(), &["check", "--diff", "explore.ipynb"], None);
    assert_eq!(diff.code, 1, "{}{}", diff.stdout, diff.stderr);
    let changed = |sign: char, code: &str| {
        diff.stdout
            .lines()
            .any(|l| l.starts_with(sign) && l.trim_start_matches(sign).trim() == code)
    };
    assert!(
        changed(
            '-',
            r#""from dagster._core.definitions.metadata import TextMetadataValue\n""#
        ) && changed('+', r#""from dagster import TextMetadataValue\n""#),
        "{}",
        diff.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "--diff writes nothing"
    );

    let fixed = run_in(dir.path(), &["check", "--fix", "explore.ipynb"], None);
    assert!(
        fixed.stdout.contains("1 fixed"),
        "{}{}",
        fixed.stdout,
        fixed.stderr
    );
    let after: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        after["cells"][0]["source"],
        serde_json::json!([
            "%load_ext autoreload\n",
            "from dagster import TextMetadataValue\n"
        ])
    );
    // Everything but the fixed cell's source is as it was: ids, outputs, metadata, cell 2.
    let mut expected = nb.clone();
    expected["cells"][0]["source"] = after["cells"][0]["source"].clone();
    assert_eq!(after, expected);

    // A second --fix changes nothing; a check finds nothing left to fix.
    let before = std::fs::read_to_string(&path).unwrap();
    let again = run_in(dir.path(), &["check", "--fix", "explore.ipynb"], None);
    assert!(!again.stdout.contains("fixed"), "{}", again.stdout);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    let check = run_in(
        dir.path(),
        &["check", "--output-format", "json", "explore.ipynb"],
        None,
    );
    let findings: Vec<Value> = serde_json::from_str(&check.stdout).unwrap();
    assert!(
        findings.iter().all(|f| f["code"] != "DAG201"),
        "{}",
        check.stdout
    );

    // Stdin named as a notebook prints the fixed notebook.
    let piped = run_in(
        dir.path(),
        &["check", "--fix", "--stdin-filename", "other.ipynb", "-"],
        Some(&text),
    );
    let printed: Value = serde_json::from_str(&piped.stdout).unwrap();
    assert_eq!(printed, expected, "{}", piped.stderr);
}
