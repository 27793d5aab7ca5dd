//! Command-line behaviour: the quickstart output, output formats, exit codes, noqa and rule
//! selection, configuration, and bad input (every problem is a per-file diagnostic).

mod common;

use std::process::Output;

use assert_cmd::Command;

use common::{repo, run_tool as run, stdout};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A temporary project with the given files.
fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

#[test]
fn quickstart_output() {
    let out = run(&repo(), &["examples/quickstart"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("quickstart_full", stdout(&out));
}

#[test]
fn quickstart_concise_and_statistics() {
    let out = run(
        &repo(),
        &["check", "examples/quickstart", "--output-format", "concise"],
    );
    insta::assert_snapshot!("quickstart_concise", stdout(&out));
    let out = run(&repo(), &["examples/quickstart", "--statistics"]);
    insta::assert_snapshot!("quickstart_statistics", stdout(&out));
}

#[test]
fn json_formats() {
    let out = run(
        &repo(),
        &[
            "examples/quickstart/quickstart/assets.py",
            "--output-format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let records: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &records[0];
    for key in [
        "code",
        "name",
        "severity",
        "message",
        "filename",
        "location",
        "end_location",
        "symbol",
        "parameter",
        "status",
        "breaking_version",
        "url",
    ] {
        assert!(first.get(key).is_some(), "missing {key}: {first}");
    }
    insta::assert_snapshot!("assets_json", stdout(&out));
    let lines = run(
        &repo(),
        &[
            "examples/quickstart/quickstart/assets.py",
            "--output-format",
            "json-lines",
        ],
    );
    let parsed: Vec<serde_json::Value> = stdout(&lines)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(parsed.len(), records.as_array().unwrap().len());
    assert_eq!(parsed[0], records[0]);
}

#[test]
fn exit_codes_and_selection() {
    let dir = project(&[
        (
            "clean.py",
            b"import dagster as dg\n\n@dg.asset\ndef a(): ...\n",
        ),
        ("dep.py", b"from dagster import SourceAsset\n"),
    ]);
    assert_eq!(run(dir.path(), &["clean.py"]).status.code(), Some(0));
    assert_eq!(run(dir.path(), &["dep.py"]).status.code(), Some(1));
    assert_eq!(
        run(dir.path(), &["dep.py", "--exit-zero"]).status.code(),
        Some(0)
    );
    assert_eq!(
        run(dir.path(), &["dep.py", "--ignore", "DAG0"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(dir.path(), &["dep.py", "--select", "DAG1"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run(dir.path(), &["dep.py", "--select", "DAG001"])
            .status
            .code(),
        Some(1)
    );
    let bad = run(dir.path(), &["dep.py", "--select", "NOPE"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("unknown rule selector `NOPE`"));
    assert_eq!(run(dir.path(), &["--no-such-flag"]).status.code(), Some(2));
}

#[test]
fn noqa_comments() {
    let dir = project(&[(
        "a.py",
        b"from dagster import SourceAsset  # noqa\nfrom dagster import build_metadata_bounds_checks  # noqa: DAG101\nfrom dagster import StepLauncher  # noqa: DAG101\n",
    )]);
    let out = run(dir.path(), &["a.py", "--output-format", "concise"]);
    let text = stdout(&out);
    assert!(!text.contains("a.py:1:"), "{text}");
    assert!(!text.contains("a.py:2:"), "{text}");
    assert!(text.contains("a.py:3:21: DAG104"), "{text}");
    assert!(text.contains("2 hidden (2 by noqa"), "{text}");
}

#[test]
fn dagster_version_changes_findings() {
    let dir = project(&[("a.py", b"from dagster import FreshnessPolicy\n")]);
    let v15 = stdout(&run(
        dir.path(),
        &[
            "a.py",
            "--dagster-version",
            "1.5.14",
            "--output-format",
            "concise",
        ],
    ));
    assert!(
        v15.contains("DAG101 `FreshnessPolicy` is experimental"),
        "{v15}"
    );
    let v18 = stdout(&run(
        dir.path(),
        &[
            "a.py",
            "--dagster-version",
            "1.8.13",
            "--output-format",
            "concise",
        ],
    ));
    assert!(
        v18.contains("DAG001 `FreshnessPolicy` is deprecated"),
        "{v18}"
    );
    let v111 = stdout(&run(
        dir.path(),
        &[
            "a.py",
            "--dagster-version",
            "1.11.16",
            "--output-format",
            "concise",
        ],
    ));
    assert!(
        v111.contains("DAG003 `FreshnessPolicy` was removed"),
        "{v111}"
    );
    let v112 = run(dir.path(), &["a.py", "--dagster-version", "1.12.22"]);
    assert_eq!(
        v112.status.code(),
        Some(0),
        "a new stable class in 1.12: {}",
        stdout(&v112)
    );
    let unknown = run(dir.path(), &["a.py", "--dagster-version", "0.1"]);
    assert!(stderr(&unknown).contains("note"), "{}", stderr(&unknown));
}

#[test]
fn rule_docs() {
    let out = run(&repo(), &["rule", "DAG001"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("# deprecated-symbol (DAG001)"));
    let list = stdout(&run(&repo(), &["rules"]));
    assert!(list.contains("DAG201\tprivate-import"));
    assert_eq!(run(&repo(), &["rule", "XYZ"]).status.code(), Some(2));
}

#[test]
fn stdin_mode_uses_the_stand_in_path() {
    let dir = project(&[(
        "pkg/dagster-api-lint.toml",
        b"[per-file-ignores]\n\"tests/*.py\" = [\"DAG001\"]\n",
    )]);
    let source = "import dagster as dg\nx = dg.SourceAsset(key='a')\n";
    let out = Command::cargo_bin("dagster-api-lint")
        .unwrap()
        .current_dir(dir.path())
        .env_remove("VIRTUAL_ENV")
        .args([
            "check",
            "--stdin-filename",
            "pkg/src/assets.py",
            "-",
            "--output-format",
            "concise",
        ])
        .write_stdin(source)
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("pkg/src/assets.py:2:5: DAG001"),
        "{}",
        stdout(&out)
    );
    let ignored = Command::cargo_bin("dagster-api-lint")
        .unwrap()
        .current_dir(dir.path())
        .env_remove("VIRTUAL_ENV")
        .args(["check", "--stdin-filename", "pkg/tests/test_a.py", "-"])
        .write_stdin(source)
        .output()
        .unwrap();
    assert_eq!(ignored.status.code(), Some(0), "{}", stdout(&ignored));
}

#[test]
fn configuration_files() {
    let dir = project(&[
        ("pyproject.toml", b"[project]\nname = 'p'\n\n[tool.dagster-api-lint]\nignore = [\"DAG201\"]\ndagster-version = \"1.8.13\"\nseverity = { DAG001 = \"error\" }\n"),
        ("src/a.py", b"from dagster._core.definitions import AssetsDefinition\nfrom dagster import FreshnessPolicy\n"),
        ("other/dagster-api-lint.toml", b"select = [\"DAG201\"]\n"),
        ("other/b.py", b"from dagster._core.definitions import AssetsDefinition\n"),
    ]);
    let out = stdout(&run(dir.path(), &["src", "--output-format", "json-lines"]));
    assert!(!out.contains("DAG201"), "{out}");
    assert!(
        out.contains("\"code\":\"DAG001\"") && out.contains("\"severity\":\"error\""),
        "{out}"
    );
    let nearest = stdout(&run(dir.path(), &["other", "--output-format", "concise"]));
    assert!(nearest.contains("DAG201"), "nearest config wins: {nearest}");
    let isolated = stdout(&run(
        dir.path(),
        &["src", "--isolated", "--output-format", "concise"],
    ));
    assert!(isolated.contains("DAG201"), "{isolated}");
    let settings = stdout(&run(dir.path(), &["check", "--show-settings", "src/a.py"]));
    assert!(settings.contains("ignore = [\"DAG201\"]"), "{settings}");
    assert!(
        settings.contains("dagster 1.8.13: dagster 1.8.13 from `dagster-version`"),
        "{settings}"
    );

    let broken = project(&[
        (
            "pyproject.toml",
            b"[tool.dagster-api-lint]\nignroe = [\"DAG1\"]\n",
        ),
        ("a.py", b"import dagster\n"),
    ]);
    let out = run(broken.path(), &["a.py"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown field `ignroe`") && stderr(&out).contains("pyproject.toml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_input_is_reported_per_file_and_the_rest_is_checked() {
    let big = vec![b'#'; 11 * 1024 * 1024];
    let chain = format!(
        "import dagster as dg\nx = {}\ny = dg.SourceAsset\n",
        vec!["a"; 50_000].join(" + ")
    );
    let nested = format!(
        "import dagster as dg\nx = {}dg.SourceAsset{}\n",
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    let dir = project(&[
        ("ok.py", b"from dagster import SourceAsset\n"),
        (
            "latin1.py",
            b"# -*- coding: latin-1 -*-\nfrom dagster import SourceAsset  # caf\xe9\n",
        ),
        ("bad_utf8.py", b"import dagster\ns = '\xff'\n"),
        ("binary.py", b"\x00\x01dagster"),
        ("huge.py", &big),
        (
            "syntax.py",
            b"import dagster as dg\ndef f(:\nx = dg.SourceAsset\n",
        ),
        ("chain.py", chain.as_bytes()),
        ("nested.py", nested.as_bytes()),
    ]);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("loop"), dir.path().join("loop/self")).ok();
        std::fs::create_dir_all(dir.path().join("loop")).unwrap();
        std::os::unix::fs::symlink("..", dir.path().join("loop/up")).unwrap();
    }
    let out = run(
        dir.path(),
        &[".", "missing.py", "--output-format", "concise"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(2), "I/O errors exit 2: {text}");
    assert!(text.contains("ok.py:1:21: DAG001"), "{text}");
    assert!(text.contains("latin1.py:2:21: DAG001"), "{text}");
    assert!(
        text.contains("bad_utf8.py:1:1: E902") && text.contains("invalid UTF-8 at line 2"),
        "{text}"
    );
    assert!(
        text.contains("binary.py:1:1: E902") && text.contains("binary file"),
        "{text}"
    );
    assert!(
        text.contains("huge.py:1:1: E902") && text.contains("over the 10 MiB limit"),
        "{text}"
    );
    assert!(text.contains("syntax.py:2:7: E999"), "{text}");
    assert!(
        text.contains("syntax.py:3:5: DAG001"),
        "still checked after the error: {text}"
    );
    assert!(text.contains("chain.py:3:5: DAG001"), "{text}");
    assert!(
        text.contains("nested.py:2:") && text.contains("nested.py"),
        "{text}"
    );
    assert!(
        text.contains("missing.py:1:1: E902") && text.contains("No such file"),
        "{text}"
    );
    #[cfg(unix)]
    assert!(text.contains("symlink loop"), "{text}");
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let one = run(
        &repo(),
        &[
            "examples/quickstart",
            "--threads",
            "1",
            "--output-format",
            "json-lines",
        ],
    );
    let two = run(
        &repo(),
        &[
            "examples/quickstart",
            "--threads",
            "2",
            "--output-format",
            "json-lines",
        ],
    );
    assert_eq!(stdout(&one), stdout(&two));
}

#[test]
fn discovery_respects_gitignore_and_skips_virtualenvs() {
    let dir = project(&[
        (".gitignore", b"generated/\n"),
        ("generated/a.py", b"from dagster import SourceAsset\n"),
        (".venv/lib/b.py", b"from dagster import SourceAsset\n"),
        ("venv/c.py", b"from dagster import SourceAsset\n"),
        ("node_modules/d.py", b"from dagster import SourceAsset\n"),
        ("src/e.pyi", b"from dagster import SourceAsset\n"),
        ("src/f.txt", b"from dagster import SourceAsset\n"),
    ]);
    let text = stdout(&run(dir.path(), &[".", "--output-format", "concise"]));
    assert!(text.contains("src/e.pyi:1:21: DAG001"), "{text}");
    for skipped in ["generated", ".venv", "venv/", "node_modules", "f.txt"] {
        assert!(!text.contains(skipped), "{skipped}: {text}");
    }
    // Named explicitly: checked whatever the ignore rules say.
    let explicit = stdout(&run(
        dir.path(),
        &["generated/a.py", "--output-format", "concise"],
    ));
    assert!(
        explicit.contains("generated/a.py:1:21: DAG001"),
        "{explicit}"
    );
}

#[test]
fn target_version_judges_against_the_target() {
    let dir = project(&[(
        "a.py",
        b"import dagster as dg\nfrom dagster import AutoMaterializePolicy\ny = dg.build_metadata_bounds_checks\n@dg.asset(compute_kind='x')\ndef a(): ...\n",
    )]);
    let now = stdout(&run(
        dir.path(),
        &[
            "a.py",
            "--dagster-version",
            "1.9.13",
            "--output-format",
            "json-lines",
        ],
    ));
    assert!(now.contains("\"code\":\"DAG101\",\"name\":\"beta-symbol\",\"severity\":\"warning\",\"message\":\"`AutoMaterializePolicy` is experimental"), "{now}");
    let up = stdout(&run(
        dir.path(),
        &[
            "a.py",
            "--dagster-version",
            "1.9.13",
            "--target-version",
            "1.13",
            "--output-format",
            "json-lines",
        ],
    ));
    // Deprecated in the target with a breaking version already passed, but still there: overdue,
    // not broken (the target's own catalog says it exists).
    let line = up
        .lines()
        .find(|l| l.contains("`AutoMaterializePolicy` is deprecated"))
        .unwrap_or_else(|| panic!("{up}"));
    assert!(
        line.contains("will be removed in 1.10.0")
            && line.contains("Overdue: its removal was planned for 1.10.0, but the target version 1.13 still has it.")
            && line.contains("\"severity\":\"warning\""),
        "{line}"
    );
    assert!(
        up.contains("\"parameter\":\"compute_kind\",\"status\":\"deprecated\""),
        "{up}"
    );
    // Still beta in 1.13: still reported (as beta, not experimental).
    assert!(
        up.contains("`build_metadata_bounds_checks` is beta"),
        "{up}"
    );
    // 2.0 is newer than every release: beyond the newest catalog, breaking versions decide.
    let v2 = stdout(&run(
        dir.path(),
        &[
            "a.py",
            "--target-version",
            "2.0",
            "--output-format",
            "json-lines",
        ],
    ));
    assert!(
        v2.contains("It breaks at or before the target version 2.0."),
        "{v2}"
    );
}

#[test]
fn catalog_commands() {
    let diff = stdout(&run(&repo(), &["catalog", "diff", "1.11.16", "1.12.22"]));
    assert!(
        diff.contains("~ dagster.FreshnessPolicy  removed -> stable"),
        "{diff}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(
        &repo(),
        &["catalog", "diff", "1.5.14", "1.8.13", "--format", "json"],
    )))
    .unwrap();
    assert!(json
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["symbol"] == "dagster.FreshnessPolicy" && c["new"] == "deprecated"));
    let show = stdout(&run(
        &repo(),
        &["catalog", "show", "--version", "1.13.29", "SourceAsset"],
    ));
    assert!(
        show.starts_with("dagster.SourceAsset  class  deprecated"),
        "{show}"
    );
    let lines = stdout(&run(
        &repo(),
        &[
            "catalog",
            "show",
            "--format",
            "json-lines",
            "dagster.AssetSelection.keys",
        ],
    ));
    let row: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert_eq!(row["markers"], serde_json::json!(["deprecated"]));
    assert_eq!(row["breaking_version"], "2.0");
    let missing = run(&repo(), &["catalog", "show", "NoSuchName"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn upgrade_report() {
    let out = stdout(&run(
        &repo(),
        &[
            "upgrade-report",
            "examples/quickstart",
            "--from",
            "1.9.13",
            "--to",
            "1.13",
            "--format",
            "markdown",
        ],
    ));
    assert!(
        out.starts_with("## Upgrading dagster 1.9.13 → 1.13"),
        "{out}"
    );
    // 1.13 still has `compute_kind`, though its breaking version 1.10.0 has passed: overdue,
    // not broken (the target's own catalog decides).
    assert!(
        out.contains("| `dagster.asset(compute_kind=)` | deprecated  | 1 | 1.10.0 |")
            && out.contains("Overdue: its removal was planned for 1.10.0, but the target version 1.13 still has it."),
        "{out}"
    );
    assert!(out.contains("0 will break on 1.13."), "{out}");
    assert!(
        !out.contains("dagster.components` | removed"),
        "exists in the target: {out}"
    );
}
