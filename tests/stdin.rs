//! `check --stdin-filename PATH -`: what editor plugins (ALE, nvim-lint, flycheck, tasks) run.

use assert_cmd::Command;
use serde_json::Value;

const SOURCE: &str = r#"import dagster as dg

raw = dg.SourceAsset(key="raw")
kept = dg.SourceAsset(key="kept")  # noqa: DAG001


@dg.asset(compute_kind="dbt")
def orders():
    return 1
"#;

const NAME: &str = "src/pkg/assets.py";

/// The tool, run in an empty folder (no configuration, no virtualenv to detect versions in).
fn tool() -> (Command, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::cargo_bin("dagster-api-lint").unwrap();
    command.current_dir(dir.path()).env_remove("VIRTUAL_ENV");
    (command, dir)
}

fn check(args: &[&str], stdin: &str) -> (i32, String, String) {
    let (mut command, _dir) = tool();
    let output = command
        .arg("check")
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn findings_carry_the_stdin_filename_in_every_format() {
    let (code, out, _) = check(
        &["--stdin-filename", NAME, "--output-format", "concise", "-"],
        SOURCE,
    );
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with(NAME)).collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("src/pkg/assets.py:3:7: DAG001 "),
        "{out}"
    );
    assert!(
        lines[1].starts_with("src/pkg/assets.py:7:11: DAG002 "),
        "{out}"
    );
    assert!(out.contains("1 hidden (1 by noqa"), "{out}");

    let (_, out, _) = check(&["--stdin-filename", NAME, "-"], SOURCE);
    assert!(out.contains("src/pkg/assets.py:3:7: DAG001"), "{out}");
    assert!(
        out.contains("3 | raw = dg.SourceAsset(key=\"raw\")"),
        "{out}"
    );

    let (code, out, err) = check(
        &["--stdin-filename", NAME, "--output-format", "json", "-"],
        SOURCE,
    );
    assert_eq!(code, 1);
    let records: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["filename"], NAME);
    assert_eq!(records[0]["code"], "DAG001");
    assert_eq!(records[0]["replacement"], "AssetSpec");
    assert_eq!(records[1]["parameter"], "compute_kind");
    assert!(
        err.contains("Found 2 issues"),
        "the summary goes to stderr: {err}"
    );

    let (_, out, _) = check(
        &[
            "--stdin-filename",
            NAME,
            "--output-format",
            "json-lines",
            "-",
        ],
        SOURCE,
    );
    let records: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r["filename"] == NAME));
}

#[test]
fn ci_formats_name_the_stdin_filename_too() {
    for format in ["sarif", "github", "gitlab", "junit"] {
        let (code, out, _) = check(
            &["--stdin-filename", NAME, "--output-format", format, "-"],
            SOURCE,
        );
        assert_eq!(code, 1, "{format}");
        assert!(out.contains(NAME), "{format}: {out}");
        assert!(
            out.contains("DAG001") && out.contains("DAG002"),
            "{format}: {out}"
        );
    }
}

#[test]
fn stdin_filename_alone_reads_stdin() {
    let (code, out, _) = check(
        &["--stdin-filename", NAME, "--output-format", "concise", "-q"],
        SOURCE,
    );
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.starts_with(NAME), "{out}");
}

#[test]
fn without_a_filename_stdin_is_dash() {
    let (code, out, _) = check(&["--output-format", "concise", "-q", "-"], SOURCE);
    assert_eq!(code, 1);
    assert!(out.starts_with("-:3:7: DAG001"), "{out}");
}

#[test]
fn rule_selection_applies_to_stdin() {
    let args = [
        "--stdin-filename",
        NAME,
        "--ignore",
        "DAG002",
        "--output-format",
        "concise",
        "-q",
        "-",
    ];
    let (code, out, _) = check(&args, SOURCE);
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1, "{out}");
    let (code, out, _) = check(&["--stdin-filename", NAME, "-"], "import os\n");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn undecodable_stdin_is_an_io_error() {
    let (mut command, _dir) = tool();
    let output = command
        .args([
            "check",
            "--stdin-filename",
            NAME,
            "--output-format",
            "concise",
            "-",
        ])
        .write_stdin(b"import dagster\x00".to_vec())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(out.starts_with("src/pkg/assets.py:1:1: E902"), "{out}");
}
