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
fn info_findings_do_not_fail_and_member_findings_are_opt_in() {
    let dir = project(&[
        (
            "superseded.py",
            b"from dagster import build_last_update_freshness_checks\n",
        ),
        (
            "member.py",
            b"import dagster as dg\n\n@dg.asset\ndef a(context: dg.AssetExecutionContext):\n    return context.run\n",
        ),
        ("loud.toml", b"severity = { DAG104 = \"warning\" }\n"),
    ]);
    let check = |args: &[&str]| {
        let mut all = vec!["--dagster-version", "1.13.28", "--output-format", "concise"];
        all.extend_from_slice(args);
        let out = run(dir.path(), &all);
        (out.status.code(), stdout(&out))
    };
    // An info finding is shown but does not fail the run, unless asked.
    let (code, text) = check(&["superseded.py"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("superseded.py:1:21: DAG104"), "{text}");
    assert_eq!(check(&["superseded.py", "--fail-on", "info"]).0, Some(1));
    assert_eq!(
        check(&["superseded.py", "--config", "loud.toml"]).0,
        Some(1),
        "a raised severity fails"
    );
    // A non-public member is the opt-in DAG203: off by default, on when selected.
    let (code, text) = check(&["member.py"]);
    assert_eq!((code, text.contains("DAG20")), (Some(0), false), "{text}");
    for selection in [&["--extend-select", "DAG203"][..], &["--select", "ALL"]] {
        let mut args = vec!["member.py"];
        args.extend_from_slice(selection);
        let (code, text) = check(&args);
        assert!(
            text.contains(
                "member.py:5:12: DAG203 `AssetExecutionContext.run` is not a public property"
            ),
            "{selection:?}: {text}"
        );
        assert_eq!(code, Some(0), "{selection:?}: info does not fail");
    }
    let doc = stdout(&run(&repo(), &["rule", "DAG203"]));
    assert!(doc.contains("not selected by default"), "{doc}");
    let doc = stdout(&run(&repo(), &["rule", "DAG104"]));
    assert!(
        doc.contains("does not fail the run unless `--fail-on info`"),
        "{doc}"
    );
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
fn file_level_noqa_and_unused_noqa() {
    let dir = project(&[
        (
            "whole.py",
            b"# dagster-api-lint: noqa\nfrom dagster import SourceAsset\nfrom dagster._core.definitions import AssetsDefinition\n",
        ),
        (
            "codes.py",
            b"from dagster import SourceAsset\nfrom dagster._core.definitions import AssetsDefinition\n# dagster-api-lint: noqa: DAG201,DAG202\n",
        ),
        // `# noqa` inside strings is text, not a directive.
        (
            "strings.py",
            b"from dagster import SourceAsset; x = '# noqa'\nNOTE = '''\n# dagster-api-lint: noqa\n'''\n",
        ),
        (
            "unused.py",
            b"# dagster-api-lint: noqa: DAG104\nimport dagster as dg  # noqa: DAG001, E501\nfrom dagster import SourceAsset  # noqa: DAG001, DAG101\nx = 1  # noqa\n",
        ),
    ]);
    let check = |args: &[&str]| {
        let mut all = vec!["--output-format", "concise", "--no-cache"];
        all.extend_from_slice(args);
        stdout(&run(dir.path(), &all))
    };
    let text = check(&["whole.py", "codes.py", "strings.py"]);
    assert!(!text.contains("whole.py:"), "{text}");
    assert!(text.contains("codes.py:1:21: DAG001"), "{text}");
    assert!(!text.contains("codes.py:2:"), "{text}");
    assert!(text.contains("strings.py:1:21: DAG001"), "{text}");
    assert!(text.contains("3 hidden (3 by noqa"), "{text}");
    // Unused directives: off by default, reported when selected (a bare `# noqa` and other
    // tools' codes are not ours to judge).
    assert!(!check(&["unused.py"]).contains("DAG900"));
    let text = check(&["unused.py", "--extend-select", "DAG900"]);
    let unused: Vec<&str> = text.lines().filter(|l| l.contains("DAG900")).collect();
    assert_eq!(
        unused,
        [
            "unused.py:1:1: DAG900 Unused file-level `noqa` directive (unused: `DAG104`).",
            "unused.py:2:23: DAG900 Unused `noqa` directive (unused: `DAG001`).",
            "unused.py:3:34: DAG900 Unused `noqa` directive (unused: `DAG101`).",
        ],
        "{text}"
    );
    // A warm run (from the results cache) applies the directives the same way.
    let cold = stdout(&run(
        dir.path(),
        &["--extend-select", "DAG900", "--output-format", "concise"],
    ));
    let warm = stdout(&run(
        dir.path(),
        &["--extend-select", "DAG900", "--output-format", "concise"],
    ));
    assert_eq!(cold, warm);
    assert!(warm.contains("unused.py:1:1: DAG900"), "{warm}");
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
fn a_nested_configuration_anchors_its_per_file_ignores_to_its_own_folder() {
    let source: &[u8] = b"import dagster as dg\nx = dg.SourceAsset(key='a')\n";
    let dir = project(&[
        (
            "proj/dagster-api-lint.toml",
            b"[per-file-ignores]\n\"tests/*.py\" = [\"DAG001\"]\n",
        ),
        ("proj/tests/test_a.py", source),
        ("proj/src/tests/test_b.py", source),
        ("proj/src/c.py", source),
        ("elsewhere/README", b""),
    ]);
    // From the repository root, from inside the configuration's folder, from below it and from
    // beside it: `proj/tests/` is ignored, `proj/src/tests/` is not.
    for (cwd, path, shown) in [
        ("", "proj", "proj/src/"),
        ("proj", ".", "src/"),
        ("proj/src", "..", "../src/"),
        ("elsewhere", "../proj", "../proj/src/"),
    ] {
        let out = stdout(&run(
            &dir.path().join(cwd),
            &["check", path, "--output-format", "concise", "--no-cache"],
        ));
        assert!(!out.contains("test_a.py"), "from {cwd:?}: {out}");
        for file in ["tests/test_b.py", "c.py"] {
            assert!(
                out.contains(&format!("{shown}{file}:2:5: DAG001")),
                "from {cwd:?}: {out}"
            );
        }
    }
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

    // Values that were accepted silently before: a glob that does not compile, a fail-on that
    // is neither a severity nor a status; a run and --show-settings both refuse them.
    for (text, key) in [
        (&b"exclude = [\"[\"]\n"[..], "`exclude`"),
        (
            b"[per-file-ignores]\n\"src/[a\" = [\"DAG201\"]\n",
            "`per-file-ignores`",
        ),
        (b"fail-on = [\"banana\"]\n", "`fail-on`"),
    ] {
        let broken = project(&[
            ("dagster-api-lint.toml", text),
            ("a.py", b"import dagster\n"),
        ]);
        for args in [&["a.py"][..], &["check", "--show-settings", "a.py"]] {
            let out = run(broken.path(), args);
            assert_eq!(out.status.code(), Some(2), "{args:?} {key}");
            assert!(
                stderr(&out).contains(key) && stderr(&out).contains("dagster-api-lint.toml"),
                "{}",
                stderr(&out)
            );
        }
    }
}

/// File names holding an escape sequence, a newline, a tab and a backslash reach no terminal
/// raw, split no line, and keep their backslash (`github` and `upgrade-report` too).
#[cfg(unix)]
#[test]
fn file_names_are_printed_safely() {
    let code: &[u8] = b"import dagster as dg\nx = dg.SourceAsset\n";
    let dir = project(&[
        ("esc\x1b[2J.py", code),
        ("new\nline.py", code),
        ("tab\t.py", code),
        ("back\\slash.py", code),
    ]);
    let shown = [
        "back\\slash.py",
        "esc\u{241b}[2J.py",
        "new\u{240a}line.py",
        "tab\u{2409}.py",
    ];
    for format in ["concise", "full"] {
        let out = run(dir.path(), &[".", "--no-cache", "--output-format", format]);
        let text = stdout(&out);
        assert!(!text.contains('\x1b'), "{format}: {text:?}");
        let findings: Vec<&str> = text.lines().filter(|l| l.contains(": DAG001 ")).collect();
        assert_eq!(findings.len(), 4, "{format}: {text:?}");
        for (line, name) in findings.iter().zip(shown) {
            assert!(line.starts_with(&format!("{name}:2:5: DAG001")), "{line:?}");
        }
    }
    let out = run(
        dir.path(),
        &[".", "--no-cache", "--output-format", "github"],
    );
    let text = stdout(&out);
    assert!(!text.contains('\x1b'), "{text:?}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text:?}");
    let files = [
        "back\\slash.py",
        "esc\u{241b}[2J.py",
        "new%0Aline.py",
        "tab\u{2409}.py",
    ];
    for (line, file) in lines.iter().zip(files) {
        assert!(
            line.starts_with(&format!("::warning file={file},line=2,")),
            "{line:?}"
        );
    }
    let upgrade = ["upgrade-report", ".", "--from", "1.9.13", "--to", "1.13"];
    let text = stdout(&run(dir.path(), &upgrade));
    let files = format!("    files: {}:2\n", shown.join(":2 "));
    assert!(text.contains(&files), "{text:?}");
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

/// Uses whose status differs among dagster 1.9.13, 1.11.16 and 1.13.29.
const VERSIONED_USES: &[u8] = b"from dagster import FreshnessPolicy\nimport dagster.components\nfrom dagster import apply_freshness_policy\n";

fn dagster_lock(version: &str) -> Vec<u8> {
    format!("version = 1\n\n[[package]]\nname = \"dagster\"\nversion = \"{version}\"\n\n[[package]]\nname = \"pandas\"\nversion = \"2.2.3\"\n").into_bytes()
}

/// A repository whose root locks dagster 1.9.13 and whose subprojects `a` and `b` lock
/// 1.11.16 and 1.13.29 (`a/tools` has a configuration without `dagster-version`: still `a`'s).
fn three_projects() -> (tempfile::TempDir, Vec<(&'static str, &'static str)>) {
    let (root, a, b) = (
        dagster_lock("1.9.13"),
        dagster_lock("1.11.16"),
        dagster_lock("1.13.29"),
    );
    let dir = project(&[
        ("uv.lock", &root),
        ("defs.py", VERSIONED_USES),
        ("jobs/defs.py", VERSIONED_USES),
        ("a/uv.lock", &a),
        ("a/pkg/defs.py", VERSIONED_USES),
        ("a/tools/dagster-api-lint.toml", b"ignore = [\"DAG2\"]\n"),
        ("a/tools/defs.py", VERSIONED_USES),
        ("b/uv.lock", &b),
        ("b/defs.py", VERSIONED_USES),
    ]);
    let versions = vec![
        ("defs.py", "1.9.13"),
        ("jobs/defs.py", "1.9.13"),
        ("a/pkg/defs.py", "1.11.16"),
        ("a/tools/defs.py", "1.11.16"),
        ("b/defs.py", "1.13.29"),
    ];
    (dir, versions)
}

/// `..` and `.` removed, lexically.
fn lexical(path: &std::path::Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

type PerFile = std::collections::BTreeMap<String, Vec<(u64, u64, String, String, String)>>;

/// The JSON findings of a run in `root/cwd`, by file (relative to `root`).
fn findings_by_file(root: &std::path::Path, cwd: &str, args: &[&str]) -> PerFile {
    let mut all = vec!["check", "--output-format", "json"];
    all.extend_from_slice(args);
    let out = run(&root.join(cwd), &all);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{all:?} in {cwd}: {}",
        stderr(&out)
    );
    let records: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut per_file = PerFile::new();
    for r in records {
        let name = lexical(&std::path::Path::new(cwd).join(r["filename"].as_str().unwrap()));
        let text = |key: &str| r[key].as_str().unwrap_or_default().to_string();
        per_file
            .entry(name.to_string_lossy().into_owned())
            .or_default()
            .push((
                r["location"]["row"].as_u64().unwrap(),
                r["location"]["column"].as_u64().unwrap(),
                text("code"),
                text("symbol"),
                text("message"),
            ));
    }
    per_file
}

#[test]
fn each_file_is_judged_by_its_own_projects_version() {
    let (dir, versions) = three_projects();
    let root = dir.path();
    let whole = findings_by_file(root, "", &["--no-cache", "."]);
    // Each file's findings are those of a check of that file alone with its project's version.
    for (file, version) in &versions {
        let alone = findings_by_file(
            root,
            "",
            &[
                "--no-cache",
                "--isolated",
                "--dagster-version",
                version,
                file,
            ],
        );
        assert_eq!(
            whole.get(*file),
            alone.get(*file),
            "{file} is judged by dagster {version}"
        );
    }
    // The versions matter: 1.9.13 lacks `dagster.components`, 1.11.16 removed
    // `FreshnessPolicy`, 1.13.29 has both.
    let codes = |file: &str| -> Vec<String> {
        whole
            .get(file)
            .into_iter()
            .flatten()
            .map(|f| format!("{}:{}", f.2, f.3))
            .collect()
    };
    assert!(codes("defs.py").contains(&"DAG003:dagster.components".to_string()));
    assert!(
        codes("a/pkg/defs.py").contains(&"DAG003:dagster.FreshnessPolicy".to_string()),
        "{:?}",
        codes("a/pkg/defs.py")
    );
    assert!(!codes("a/pkg/defs.py")
        .iter()
        .any(|c| c.contains("components")));
    assert!(
        !codes("b/defs.py")
            .iter()
            .any(|c| c.contains("FreshnessPolicy") || c.contains("components")),
        "{:?}",
        codes("b/defs.py")
    );

    // Independent of the order of the paths and of the current directory.
    let ab = findings_by_file(root, "", &["--no-cache", "a", "b"]);
    let ba = findings_by_file(root, "", &["--no-cache", "b", "a"]);
    assert_eq!(ab, ba);
    assert!(ab
        .keys()
        .all(|f| f.starts_with("a/") || f.starts_with("b/")));
    let files = findings_by_file(
        root,
        "",
        &["--no-cache", "b/defs.py", "defs.py", "a/pkg/defs.py"],
    );
    for file in ["b/defs.py", "defs.py", "a/pkg/defs.py"] {
        assert_eq!(files.get(file), whole.get(file), "{file} named alone");
    }
    for (cwd, path) in [("a", ".."), ("a/pkg", "../.."), ("b", "..")] {
        assert_eq!(
            findings_by_file(root, cwd, &["--no-cache", path]),
            whole,
            "from {cwd}"
        );
    }
    let from_b = findings_by_file(root, "b", &["--no-cache", "../a", "."]);
    assert_eq!(from_b, ab);

    // A warm run (each project's checker with its own cache file) equals the cold one.
    let cold = findings_by_file(root, "", &["."]);
    let warm = findings_by_file(root, "", &["."]);
    assert_eq!(cold, whole);
    assert_eq!(warm, whole);
    let warm_from_a = findings_by_file(root, "a", &[".."]);
    assert_eq!(warm_from_a, whole);
    // A lock that changes a project's version changes its files' findings (not a stale hit).
    std::fs::write(root.join("a/uv.lock"), dagster_lock("1.13.29")).unwrap();
    let moved = findings_by_file(root, "", &["."]);
    assert_ne!(moved.get("a/pkg/defs.py"), whole.get("a/pkg/defs.py"));
    assert_eq!(moved.get("a/pkg/defs.py"), whole.get("b/defs.py"));
    assert_eq!(moved.get("defs.py"), whole.get("defs.py"));

    // The flag decides for every file.
    let flagged = findings_by_file(
        root,
        "",
        &["--no-cache", "--dagster-version", "1.11.16", "."],
    );
    let alone = findings_by_file(
        root,
        "",
        &["--no-cache", "--dagster-version", "1.11.16", "b/defs.py"],
    );
    assert_eq!(flagged.get("b/defs.py"), alone.get("b/defs.py"));
    assert!(flagged["b/defs.py"].iter().any(|f| f.2 == "DAG003"));
}

#[test]
fn stdin_mode_and_show_settings_use_the_project_of_the_file_name() {
    let (dir, versions) = three_projects();
    let root = dir.path();
    for (file, version) in versions {
        let checked = findings_by_file(root, "", &["--no-cache", file]);
        let piped = Command::cargo_bin("dagster-api-lint")
            .unwrap()
            .current_dir(root.join("b"))
            .env_remove("VIRTUAL_ENV")
            .args(["check", "--output-format", "json", "--stdin-filename"])
            .arg(root.join(file))
            .arg("-")
            .write_stdin(VERSIONED_USES)
            .output()
            .unwrap();
        let records: Vec<serde_json::Value> = serde_json::from_slice(&piped.stdout).unwrap();
        let piped: Vec<(u64, u64, String)> = records
            .iter()
            .map(|r| {
                (
                    r["location"]["row"].as_u64().unwrap(),
                    r["location"]["column"].as_u64().unwrap(),
                    r["message"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let expected: Vec<(u64, u64, String)> = checked
            .get(file)
            .into_iter()
            .flatten()
            .map(|f| (f.0, f.1, f.4.clone()))
            .collect();
        assert_eq!(
            piped, expected,
            "{file} on stdin is judged by dagster {version}"
        );
        let settings = stdout(&run(root, &["check", "--show-settings", file]));
        assert!(
            settings.contains(&format!("dagster {version} from uv.lock")),
            "{settings}"
        );
    }
}

#[test]
fn upgrade_report_judges_each_project_by_its_version() {
    let (dir, _) = three_projects();
    let report = stdout(&run(dir.path(), &["upgrade-report", "--to", "1.13"]));
    assert!(
        report.starts_with("Upgrading dagster 1.9.13, 1.11.16, 1.13.29 -> 1.13"),
        "{report}"
    );
    let from_b = stdout(&run(
        &dir.path().join("b"),
        &["upgrade-report", "--to", "1.13"],
    ));
    assert!(
        from_b.starts_with("Upgrading dagster 1.13.29 -> 1.13"),
        "{from_b}"
    );
}

#[test]
fn a_nested_dagster_version_setting_and_the_fallback_note() {
    let dir = project(&[
        ("uv.lock", &dagster_lock("1.13.29")),
        (
            "sub/dagster-api-lint.toml",
            b"dagster-version = \"1.11.16\"\n",
        ),
        ("sub/uv.lock", &dagster_lock("1.9.13")),
        ("sub/defs.py", VERSIONED_USES),
        ("defs.py", VERSIONED_USES),
    ]);
    let per_file = findings_by_file(dir.path(), "", &["--no-cache", "."]);
    let alone = findings_by_file(
        dir.path(),
        "",
        &[
            "--no-cache",
            "--isolated",
            "--dagster-version",
            "1.11.16",
            "sub/defs.py",
        ],
    );
    assert_eq!(per_file.get("sub/defs.py"), alone.get("sub/defs.py"));
    assert_eq!(per_file.get("defs.py"), None, "1.13.29 has every name");
    let settings = stdout(&run(
        &dir.path().join("sub"),
        &["check", "--show-settings", "defs.py"],
    ));
    assert!(settings.contains("version project: ."), "{settings}");
    assert!(
        settings.contains("dagster 1.11.16 from `dagster-version` in"),
        "{settings}"
    );
    let settings = stdout(&run(
        dir.path(),
        &["check", "--show-settings", "sub/defs.py"],
    ));
    assert!(settings.contains("version project: sub"), "{settings}");

    // Without any version source: the newest catalog, and a note on stderr, once.
    let bare = project(&[
        ("one/defs.py", VERSIONED_USES),
        ("one/more.py", VERSIONED_USES),
        ("two/defs.py", VERSIONED_USES),
    ]);
    let out = run(bare.path(), &["check", "--no-cache", "one", "two"]);
    let notes = stderr(&out);
    assert_eq!(
        notes.matches("no dagster version found").count(),
        1,
        "{notes}"
    );
    let quiet = run(bare.path(), &["check", "--no-cache", "-q", "one"]);
    assert!(
        !stderr(&quiet).contains("no dagster version"),
        "{}",
        stderr(&quiet)
    );
}

/// Issue 19, item 2: findings that cannot be written to stdout are an error (exit 2, said on
/// stderr) as with `-o`; a reader that stops reading (`| head -1`) is no error.
#[cfg(unix)]
#[test]
fn stdout_write_failures_exit_2_and_a_closed_pipe_is_quiet() {
    use std::io::{BufRead, BufReader};
    let tool = assert_cmd::cargo::cargo_bin("dagster-api-lint");
    let source =
        "import dagster as dg\n".to_string() + &"x = dg.SourceAsset(key='a')\n".repeat(3000);
    let dir = project(&[("a.py", source.as_bytes())]);
    for format in ["full", "concise", "json"] {
        for quiet in [&[][..], &["-q"][..]] {
            let full = std::fs::File::create("/dev/full").unwrap();
            let out = std::process::Command::new(&tool)
                .current_dir(dir.path())
                .args(["check", "--no-cache", "--output-format", format, "a.py"])
                .args(quiet)
                .stdout(full)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{format} {quiet:?}");
            assert!(
                stderr(&out).contains("cannot write to stdout"),
                "{}",
                stderr(&out)
            );
        }
    }
    // Nothing found: the summary alone cannot be written either.
    let clean = project(&[("b.py", b"import os\n")]);
    let out = std::process::Command::new(&tool)
        .current_dir(clean.path())
        .args(["check", "--no-cache", "b.py"])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    let mut child = std::process::Command::new(&tool)
        .current_dir(dir.path())
        .args(["check", "--no-cache", "--output-format", "concise", "a.py"])
        .args(["--dagster-version", "1.12.22"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("DAG001"), "{first}");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "no error for a closed pipe");
}

/// Issue 19, item 8: a cache directory that is the project root (or empty) is refused, and a
/// folder the tool did not create never gets its `.gitignore`.
#[test]
fn cache_dir_in_place_of_the_project_is_refused() {
    let source = "import dagster as dg\nx = dg.SourceAsset(key='a')\n";
    for setting in ["\".\"", "\"\"", "\"..\""] {
        let config = format!("[project]\ndependencies = [\"dagster==1.12.22\"]\n[tool.dagster-api-lint]\ncache-dir = {setting}\n");
        let dir = project(&[
            ("pyproject.toml", config.as_bytes()),
            ("a.py", source.as_bytes()),
        ]);
        for args in [
            &["check", "."][..],
            &["check", "--show-settings", "a.py"][..],
        ] {
            let out = run(dir.path(), args);
            assert_eq!(out.status.code(), Some(2), "{setting} {args:?}");
            assert!(
                stderr(&out).contains("pyproject.toml: cache-dir:"),
                "{}",
                stderr(&out)
            );
        }
        assert!(!dir.path().join(".gitignore").exists(), "{setting}");
        let out = run(dir.path(), &["check", "--no-cache", "."]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "--no-cache needs no cache directory"
        );
    }
    let dir = project(&[("a.py", source.as_bytes()), ("existing/keep.txt", b"mine")]);
    let out = run(dir.path(), &["check", "--cache-dir", "existing", "a.py"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!dir.path().join("existing/.gitignore").exists());
    let out = run(dir.path(), &["check", "--cache-dir", "new/cache", "a.py"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(dir.path().join("new/cache/.gitignore").exists());
    assert!(!dir.path().join("new/.gitignore").exists());
}

#[test]
fn a_mistyped_subcommand_is_an_error_with_a_suggestion() {
    let dir = project(&[("chekc", b"")]);
    let empty = tempfile::tempdir().unwrap();
    let out = run(empty.path(), &["chekc"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(
        text.contains("unrecognized subcommand 'chekc'") && text.contains("'check'"),
        "{text}"
    );
    assert!(!text.contains("E902"), "{text}");
    // Path-like or existing names are still paths for the default `check`.
    for (cwd, arg) in [
        (empty.path(), "chekc.py"),
        (empty.path(), "chekc/"),
        (dir.path(), "chekc"),
    ] {
        let out = run(cwd, &[arg]);
        assert!(!stderr(&out).contains("unrecognized subcommand"), "{arg}");
    }
}

#[test]
fn a_run_on_some_files_keeps_the_baseline_entries_of_the_others() {
    let source = "import dagster as dg\nx = dg.SourceAsset(key='a')\n";
    let dir = project(&[
        (
            "pyproject.toml",
            b"[project]\ndependencies = [\"dagster==1.12.22\"]\n",
        ),
        ("a.py", source.as_bytes()),
        ("b.py", source.as_bytes()),
    ]);
    let entries = |dir: &std::path::Path| {
        let text = std::fs::read_to_string(dir.join("b.json")).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let files: Vec<String> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["file"].as_str().unwrap().to_string())
            .collect();
        files
    };
    let out = run(dir.path(), &["check", "--write-baseline", "b.json", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(entries(dir.path()), ["a.py", "b.py"]);
    // One file checked against the project's baseline: nothing stale, nothing to rewrite.
    let out = run(dir.path(), &["check", "--baseline", "b.json", "a.py"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("match no finding"),
        "{}",
        stderr(&out)
    );
    // Rewriting it from one file keeps the other file's entry.
    let out = run(dir.path(), &["check", "--write-baseline", "b.json", "a.py"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(entries(dir.path()), ["a.py", "b.py"]);
    // A fixed finding in the checked file is still reported stale, and dropped on rewrite.
    std::fs::write(dir.path().join("a.py"), "import dagster as dg\n").unwrap();
    let out = run(dir.path(), &["check", "--baseline", "b.json", "a.py"]);
    assert!(
        stderr(&out).contains("note: 1 baseline entries match no finding"),
        "{}",
        stderr(&out)
    );
    let out = run(dir.path(), &["check", "--write-baseline", "b.json", "a.py"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(entries(dir.path()), ["b.py"]);
    // A deleted file's entries go at the next rewrite.
    std::fs::remove_file(dir.path().join("b.py")).unwrap();
    let out = run(dir.path(), &["check", "--write-baseline", "b.json", "a.py"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn force_exclude_applies_exclude_to_files_named_on_the_command_line() {
    let source = "import dagster as dg\nx = dg.SourceAsset(key='a')\n";
    let config = |force: &str| {
        format!("[project]\ndependencies = [\"dagster==1.12.22\"]\n[tool.dagster-api-lint]\nexclude = [\"gen\"]\nextend-exclude = [\"*_pb2.py\"]\n{force}")
    };
    let files = |config: &str| {
        project(&[
            ("pyproject.toml", config.as_bytes()),
            ("gen/a.py", source.as_bytes()),
            ("b_pb2.py", source.as_bytes()),
            ("c.py", source.as_bytes()),
        ])
    };
    let checked = |out: &Output| {
        let mut files: Vec<String> = stdout(out)
            .lines()
            .filter(|l| l.contains("DAG"))
            .filter_map(|l| l.split(':').next().map(str::to_string))
            .collect();
        files.dedup();
        files
    };
    let named = ["gen/a.py", "b_pb2.py", "./c.py"];
    let plain = files(&config(""));
    let base = ["check", "--output-format", "concise"];
    let out = run(plain.path(), &[&base[..], &named].concat());
    assert_eq!(
        checked(&out),
        ["b_pb2.py", "c.py", "gen/a.py"],
        "{}",
        stdout(&out)
    );
    // A walk skips them (a glob exclusion once skipped every file).
    let out = run(plain.path(), &[&base[..], &["."]].concat());
    assert_eq!(checked(&out), ["c.py"], "{}", stdout(&out));
    let out = run(
        plain.path(),
        &[&base[..], &["--force-exclude"], &named].concat(),
    );
    assert_eq!(checked(&out), ["c.py"], "{}", stdout(&out));
    let out = run(
        plain.path(),
        &["check", "--force-exclude", "--show-settings", "c.py"],
    );
    assert!(
        stdout(&out).contains("force-exclude = true  (command line)"),
        "{}",
        stdout(&out)
    );
    let forced = files(&config("force-exclude = true\n"));
    let out = run(forced.path(), &[&base[..], &named].concat());
    assert_eq!(checked(&out), ["c.py"], "{}", stdout(&out));
    let out = run(forced.path(), &["check", "--show-settings", "c.py"]);
    assert!(
        stdout(&out).contains("force-exclude = true  (configuration file)"),
        "{}",
        stdout(&out)
    );
}

/// The files of `dir` named in `names`, one after the other, for a snapshot.
fn contents(dir: &std::path::Path, names: &[&str]) -> String {
    names
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            format!("--- {name} ---\n{}", text.replace('\r', "<CR>"))
        })
        .collect()
}

#[test]
fn add_noqa() {
    let dir = project(&[
        (
            "a.py",
            b"import dagster as dg\n\
              from dagster import SourceAsset as SA  # noqa: DAG101 reason\n\
              from dagster import build_metadata_bounds_checks  # noqa\n\
              from dagster._core.definitions import AssetsDefinition   \n\
              x = dg.SourceAsset(key='a'); y = SA(key='# noqa')\n\
              z = dg.SourceAsset(key='a', \\\n    description='d')\n\
              w = dg.SourceAsset(description='''one\ntwo''')\n",
        ),
        (
            "crlf.py",
            b"import dagster as dg\r\nx = dg.SourceAsset(key='a')  # note\r\n",
        ),
    ]);
    let files = ["a.py", "crlf.py"];
    // A first check fills the results cache that --add-noqa then reads.
    assert_eq!(run(dir.path(), &["check", "-q"]).status.code(), Some(1));
    let selected = run(dir.path(), &["check", "--add-noqa", "--select", "DAG2"]);
    assert_eq!(selected.status.code(), Some(0), "{}", stderr(&selected));
    assert!(stderr(&selected).ends_with("Added 1 noqa directive.\n"));
    let all = run(dir.path(), &["check", "--add-noqa"]);
    assert_eq!(all.status.code(), Some(0), "{}", stderr(&all));
    assert!(stderr(&all).ends_with("Added 5 noqa directives.\n"));
    insta::assert_snapshot!("add_noqa", contents(dir.path(), &files));
    let again = run(dir.path(), &["check", "--add-noqa"]);
    assert!(stderr(&again).ends_with("Added 0 noqa directives.\n"));
    let check = run(dir.path(), &["check", "--no-cache"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    // Standard input has no file to write to.
    let stdin = run(dir.path(), &["check", "--add-noqa", "-"]);
    assert_eq!(stdin.status.code(), Some(2));
    // A file in another encoding is left as it is (its byte offsets are not the text's).
    let latin1: &[u8] = b"# -*- coding: latin-1 -*-\nfrom dagster import SourceAsset  # \xe9\n";
    std::fs::write(dir.path().join("latin1.py"), latin1).unwrap();
    let other = run(dir.path(), &["check", "--add-noqa", "latin1.py"]);
    assert_eq!(other.status.code(), Some(2));
    assert!(
        stderr(&other).contains("latin1.py: not UTF-8"),
        "{}",
        stderr(&other)
    );
    assert!(stderr(&other).ends_with("Added 0 noqa directives.\n"));
    assert_eq!(std::fs::read(dir.path().join("latin1.py")).unwrap(), latin1);
}
