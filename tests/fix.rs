//! `check --fix`, `--fix-only`, `--diff`, `--show-fixes` through the built binary, on files
//! written to a temporary folder (a `pyproject.toml` pins dagster 1.13.29, so the run needs
//! nothing else). The diff and the fixed file are snapshots (`tests/snapshots/fix__*.snap`).

use std::path::Path;

use assert_cmd::Command;

/// Imports every fix kind touches: a private import joining the file's `from dagster import
/// (...)` (kept layout and comment), a parenthesised private import rewritten in place (an
/// alias kept), a name with no public home left behind, and a `# noqa`'d line left alone.
const SOURCE: &str = r#"import os
from dagster import (
    asset,  # the decorator
    Definitions,
)
from dagster._core.definitions.metadata import TextMetadataValue
from dagster._core.definitions.metadata import normalize_metadata, JsonMetadataValue as Json  # mixed
from dagster._core.definitions.metadata import UrlMetadataValue  # noqa: DAG201

X = 1


def f():
    from dagster._core.definitions.metadata import (  # local
        PathMetadataValue,
        MarkdownMetadataValue as Md,
    )
    return PathMetadataValue, Md
"#;

const PYPROJECT: &str = "[project]\nname = \"p\"\ndependencies = [\"dagster==1.13.29\"]\n";

/// A folder with the project and `a.py`.
fn project(source: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pyproject.toml"), PYPROJECT).unwrap();
    std::fs::write(dir.path().join("a.py"), source).unwrap();
    dir
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut command = Command::cargo_bin("dagster-api-lint").unwrap();
    command
        .current_dir(dir)
        .env_remove("VIRTUAL_ENV")
        .env("NO_COLOR", "1")
        .arg("check")
        .args(args);
    if let Some(stdin) = stdin {
        command.write_stdin(stdin);
    }
    let out = command.output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn read(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("a.py")).unwrap()
}

#[test]
fn diff_shows_the_fixes_writes_nothing_and_exits_1() {
    let dir = project(SOURCE);
    let out = run(dir.path(), &["a.py", "--diff"], None);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(read(dir.path()), SOURCE, "--diff writes nothing");
    assert!(out.stderr.contains("Would fix 4 issues."), "{}", out.stderr);
    insta::assert_snapshot!("diff", out.stdout);
}

#[test]
fn fix_writes_the_file_and_a_second_fix_changes_nothing() {
    let dir = project(SOURCE);
    let check = run(dir.path(), &["a.py", "--output-format", "concise"], None);
    assert!(
        check
            .stdout
            .contains("[*] 4 fixable with the `--fix` option."),
        "{}",
        check.stdout
    );
    let out = run(
        dir.path(),
        &["a.py", "--fix", "--output-format", "concise"],
        None,
    );
    assert_eq!(out.code, 1, "findings remain:\n{}", out.stdout);
    assert!(
        out.stdout.contains("Found 5 issues (4 fixed, 1 remaining)"),
        "{}",
        out.stdout
    );
    let fixed = read(dir.path());
    insta::assert_snapshot!("fixed", fixed);

    let again = run(dir.path(), &["a.py", "--fix"], None);
    assert!(!again.stdout.contains("fixed"), "{}", again.stdout);
    assert_eq!(read(dir.path()), fixed);
    let diff = run(dir.path(), &["a.py", "--diff"], None);
    assert_eq!(
        (diff.code, diff.stdout.as_str()),
        (0, ""),
        "{}",
        diff.stderr
    );
}

#[test]
fn fix_only_reports_the_fixes_alone_and_exits_0() {
    let dir = project(SOURCE);
    let out = run(dir.path(), &["a.py", "--fix-only", "--show-fixes"], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "Fixed 4 issues:\n- a.py:\n    4 × DAG201 (private-import)\n"
    );
    assert_ne!(read(dir.path()), SOURCE);
}

#[test]
fn fix_with_stdin_prints_the_fixed_source() {
    let dir = project("");
    let source = "from dagster._core.definitions.metadata import TextMetadataValue\n";
    let out = run(
        dir.path(),
        &["--fix", "--stdin-filename", "a.py", "-"],
        Some(source),
    );
    assert_eq!(out.stdout, "from dagster import TextMetadataValue\n");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("1 fixed, 0 remaining"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_fixed_file_is_checked_afresh_with_the_cache() {
    let dir = project(SOURCE);
    let cache = dir.path().join("cache");
    let cache = cache.to_str().unwrap();
    let first = run(
        dir.path(),
        &["a.py", "--cache-dir", cache, "--output-format", "json"],
        None,
    );
    let before: Vec<serde_json::Value> = serde_json::from_str(&first.stdout).unwrap();
    run(dir.path(), &["a.py", "--cache-dir", cache, "--fix"], None);
    let after = run(
        dir.path(),
        &["a.py", "--cache-dir", cache, "--output-format", "json"],
        None,
    );
    let after: Vec<serde_json::Value> = serde_json::from_str(&after.stdout).unwrap();
    assert_eq!((before.len(), after.len()), (5, 1));
    assert!(after.iter().all(|f| f["fix"].is_null()), "{after:?}");
}

#[test]
fn json_carries_the_fix() {
    let dir = project("from dagster._core.definitions.metadata import TextMetadataValue\n");
    let out = run(dir.path(), &["a.py", "--output-format", "json"], None);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        findings[0]["fix"],
        serde_json::json!({
            "applicability": "safe",
            "message": "Import `TextMetadataValue` from `dagster`",
            "edits": [{
                "content": "dagster",
                "location": {"row": 1, "column": 6},
                "end_location": {"row": 1, "column": 40},
            }],
        })
    );
}

/// The two renames the issue found broken in editors: a hint that names a replacement is not a
/// rename, and no fix is offered (`load_from_defs_folder` takes no `defs_root`, `AssetSpec` no
/// `io_manager_key`).
#[test]
fn hints_that_name_a_replacement_get_no_fix() {
    let source = "import dagster as dg\nfrom pathlib import Path\n\ndefs = dg.components.load_defs(defs_root=Path(__file__).parent)\nraw = dg.SourceAsset(key=\"raw\", io_manager_key=\"io\")\n";
    let dir = project(source);
    let out = run(dir.path(), &["a.py", "--output-format", "json"], None);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    let symbols: Vec<&str> = findings
        .iter()
        .filter_map(|f| f["symbol"].as_str())
        .collect();
    assert!(
        symbols.contains(&"dagster.components.load_defs"),
        "{symbols:?}"
    );
    assert!(symbols.contains(&"dagster.SourceAsset"), "{symbols:?}");
    assert!(findings.iter().all(|f| f["fix"].is_null()), "{findings:#?}");
    let diff = run(dir.path(), &["a.py", "--diff", "--unsafe-fixes"], None);
    assert_eq!((diff.code, diff.stdout.as_str()), (0, ""));
}

/// A deprecated property whose source only returns another public property
/// (`OpExecutionContext.asset_partition_key_range` returns `self.partition_key_range`) is
/// replaced on an inferred instance; one that forwards through the non-public
/// `op_execution_context` (`AssetExecutionContext.run_id`) is not.
#[test]
fn thin_forward_properties_are_replaced_by_what_they_return() {
    let source = "import dagster as dg\n\n\n@dg.op\ndef o(context: dg.OpExecutionContext):\n    return context.asset_partition_key_range\n\n\n@dg.asset\ndef a(context: dg.AssetExecutionContext):\n    return context.run_id\n";
    let dir = project(source);
    let out = run(dir.path(), &["a.py", "--fix"], None);
    assert!(
        out.stdout.contains("1 fixed, 1 remaining"),
        "{}",
        out.stdout
    );
    assert_eq!(
        read(dir.path()),
        source.replace(
            "context.asset_partition_key_range",
            "context.partition_key_range"
        )
    );
}

/// A deprecated callable whose hint names a replacement is renamed only with
/// `--unsafe-fixes`, and only at a call that fits the replacement's signature.
#[test]
fn unsafe_renames_need_unsafe_fixes_and_a_call_that_fits() {
    let source = "import dagster as dg\n\nraw = dg.SourceAsset(key=\"raw\")\nio = dg.SourceAsset(key=\"io\", io_manager_key=\"x\")\n";
    let dir = project(source);
    let check = run(dir.path(), &["a.py", "--output-format", "json"], None);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&check.stdout).unwrap();
    let fixes: Vec<&serde_json::Value> = findings.iter().map(|f| &f["fix"]).collect();
    assert_eq!(fixes[0]["applicability"], "unsafe", "{findings:#?}");
    assert_eq!(
        fixes[0]["message"],
        "Replace `SourceAsset` with `AssetSpec`"
    );
    assert!(fixes[1].is_null(), "io_manager_key: AssetSpec refuses it");

    let safe = run(dir.path(), &["a.py", "--fix"], None);
    assert_eq!(read(dir.path()), source, "{}", safe.stdout);
    let concise = run(dir.path(), &["a.py", "--output-format", "concise"], None);
    assert!(
        concise
            .stdout
            .contains("1 more fix is available with `--unsafe-fixes`"),
        "{}",
        concise.stdout
    );
    let out = run(dir.path(), &["a.py", "--fix", "--unsafe-fixes"], None);
    assert!(
        out.stdout.contains("1 fixed, 1 remaining"),
        "{}",
        out.stdout
    );
    assert_eq!(
        read(dir.path()),
        source.replace("raw = dg.SourceAsset", "raw = dg.AssetSpec")
    );
}

/// A name dagster exports deprecated for the very object it also exports under a new name
/// (1.3's `_DEPRECATED_RENAMED`: `ExecuteJobResult` for `JobExecutionResult`) is a safe fix:
/// imports keep their binding, attribute references are renamed, bare uses follow their import.
#[test]
fn deprecated_aliases_of_the_same_object_are_renamed() {
    let source = "import dagster as dg\nfrom dagster import ExecuteJobResult\nfrom dagster import ExecuteJobResult as R, asset\n\n\ndef f(r: ExecuteJobResult, s: dg.ExecuteJobResult, t: R):\n    return dg.ExecuteJobResult\n";
    let dir = project(source);
    std::fs::write(
        dir.path().join("pyproject.toml"),
        PYPROJECT.replace("1.13.29", "1.3.4"),
    )
    .unwrap();
    let out = run(dir.path(), &["a.py", "--fix"], None);
    assert!(
        out.stdout.contains("(4 fixed, 0 remaining)"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    assert_eq!(
        read(dir.path()),
        "import dagster as dg\nfrom dagster import JobExecutionResult as ExecuteJobResult\nfrom dagster import JobExecutionResult as R, asset\n\n\ndef f(r: ExecuteJobResult, s: dg.JobExecutionResult, t: R):\n    return dg.JobExecutionResult\n"
    );
    let again = run(dir.path(), &["a.py", "--fix"], None);
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert_eq!(read(dir.path()).matches("JobExecutionResult").count(), 4);
}
