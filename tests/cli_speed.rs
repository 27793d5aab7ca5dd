//! Behaviour that the speed work (issue #8) must not change or must guarantee: the byte gate
//! skips files without the substring `dagster` (they are not even parsed), the results cache
//! never serves stale findings, `--parse-only` reports nothing, and streamed output keeps the
//! sorted order.

mod common;

use assert_cmd::Command;

use common::{run_tool as run, stdout};

const DEPRECATED: &str = "from dagster import SourceAsset\n\nx = SourceAsset(key=\"a\")\n";

/// The files (in output order, each once) with a finding whose code starts with `code`, from
/// concise output.
fn files_reporting(out: &std::process::Output, code: &str) -> Vec<String> {
    let mut files: Vec<String> = stdout(out)
        .lines()
        .filter(|l| l.contains(&format!(": {code}")))
        .map(|l| l.split(':').next().unwrap().to_string())
        .collect();
    files.dedup();
    files
}

/// A temporary project: `config` in the file `config_name` at its root, and a file `x.py`
/// that uses a deprecated API in each of `folders` (relative to the root).
fn project_with(config_name: &str, config: &str, folders: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(config_name), config).unwrap();
    for folder in folders {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        std::fs::write(dir.path().join(folder).join("x.py"), DEPRECATED).unwrap();
    }
    dir
}

#[test]
fn a_file_without_the_substring_is_not_parsed() {
    let dir = tempfile::tempdir().unwrap();
    // A syntax error would be reported as E999 if the file were parsed.
    std::fs::write(dir.path().join("plain.py"), "def broken(:\n    import os\n").unwrap();
    let out = run(
        dir.path(),
        &["check", "--no-cache", "--output-format", "concise", "."],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("All checks passed!"),
        "{}",
        stdout(&out)
    );

    // The same file mentioning dagster (even in a comment) is parsed, and the error reported.
    std::fs::write(
        dir.path().join("plain.py"),
        "# uses dagster\ndef broken(:\n    import os\n",
    )
    .unwrap();
    let out = run(
        dir.path(),
        &["check", "--no-cache", "--output-format", "concise", "."],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("E999"), "{}", stdout(&out));
}

#[test]
fn the_cache_is_used_and_never_stale() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("assets.py");
    std::fs::write(&file, DEPRECATED).unwrap();
    let args = ["check", "--output-format", "concise", "assets.py"];

    let cold = run(dir.path(), &args);
    assert!(stdout(&cold).contains("DAG001"), "{}", stdout(&cold));
    assert!(dir.path().join(".dagster-api-lint_cache").is_dir());
    assert!(dir
        .path()
        .join(".dagster-api-lint_cache/CACHEDIR.TAG")
        .exists());

    // Unchanged: the same output, from the cache.
    let warm = run(dir.path(), &args);
    assert_eq!(stdout(&warm), stdout(&cold));
    assert_eq!(warm.status.code(), cold.status.code());

    // Edited: the finding goes away at once.
    std::fs::write(
        &file,
        "from dagster import AssetSpec\n\nx = AssetSpec(key=\"a\")\n",
    )
    .unwrap();
    let edited = run(dir.path(), &args);
    assert_eq!(edited.status.code(), Some(0), "{}", stdout(&edited));
    assert!(!stdout(&edited).contains("DAG001"));

    // Edited back (an entry the cache already holds): the finding is back.
    std::fs::write(&file, DEPRECATED).unwrap();
    assert_eq!(stdout(&run(dir.path(), &args)), stdout(&cold));

    // Settings applied after analysis are not baked into cached results.
    let ignored = run(dir.path(), &["check", "--ignore", "DAG001", "assets.py"]);
    assert_eq!(ignored.status.code(), Some(0), "{}", stdout(&ignored));
    assert_eq!(stdout(&run(dir.path(), &args)), stdout(&cold));
}

#[test]
fn a_file_known_by_its_stamp_is_still_never_stale() {
    // The cache skips reading a file whose size, times and inode are those of a read made well
    // after its last change. An edit that keeps the size and puts the old modification time
    // back still changes the change time (ctime), which the stamp includes.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("assets.py");
    std::fs::write(&file, DEPRECATED).unwrap();
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let set_mtime = |t| {
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(t)
            .unwrap()
    };
    set_mtime(an_hour_ago);
    // Past the racy window, so that the first run's read is trusted by the second.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let args = ["check", "--output-format", "concise", "assets.py"];
    let cold = run(dir.path(), &args);
    assert!(stdout(&cold).contains("DAG001"), "{}", stdout(&cold));
    let warm = run(dir.path(), &args);
    assert_eq!(stdout(&warm), stdout(&cold));

    let stable = DEPRECATED.replace("SourceAsset", "Definitions");
    assert_eq!(stable.len(), DEPRECATED.len());
    std::fs::write(&file, &stable).unwrap();
    set_mtime(an_hour_ago);
    let edited = run(dir.path(), &args);
    assert_eq!(edited.status.code(), Some(0), "{}", stdout(&edited));
    assert!(!stdout(&edited).contains("DAG001"), "{}", stdout(&edited));
}

#[test]
fn the_cache_lives_in_the_project_root_unless_told_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("pyproject.toml"), "[project]\nname = \"p\"\n").unwrap();
    std::fs::create_dir(root.join("src")).unwrap();
    std::fs::write(root.join("src/assets.py"), DEPRECATED).unwrap();
    let src = root.join("src");
    let args = ["check", "--output-format", "concise", "assets.py"];

    // From a subfolder (an editor, a hook): the cache goes to the project root, as ruff's does.
    let cold = run(&src, &args);
    assert!(stdout(&cold).contains("DAG001"), "{}", stdout(&cold));
    assert!(root.join(".dagster-api-lint_cache/CACHEDIR.TAG").exists());
    assert!(!src.join(".dagster-api-lint_cache").exists());
    let settings = stdout(&run(&src, &["check", "--show-settings", "assets.py"]));
    assert!(
        settings.contains(".dagster-api-lint_cache  (default: in the project root)"),
        "{settings}"
    );

    // --cache-dir (or DAGSTER_API_LINT_CACHE_DIR) wins over everything.
    let elsewhere = root.join("elsewhere");
    let flagged = [
        "check",
        "--cache-dir",
        elsewhere.to_str().unwrap(),
        "assets.py",
    ];
    assert_eq!(run(&src, &flagged).status.code(), Some(1));
    assert!(elsewhere.join("CACHEDIR.TAG").exists());
    let by_env = Command::cargo_bin("dagster-api-lint")
        .unwrap()
        .current_dir(&src)
        .env("DAGSTER_API_LINT_CACHE_DIR", root.join("from-env"))
        .args(["check", "assets.py"])
        .output()
        .unwrap();
    assert_eq!(by_env.status.code(), Some(1));
    assert!(root.join("from-env/CACHEDIR.TAG").exists());

    // The configuration's cache-dir, relative to its folder.
    std::fs::write(
        root.join("pyproject.toml"),
        "[project]\nname = \"p\"\n[tool.dagster-api-lint]\ncache-dir = \"build/lint\"\n",
    )
    .unwrap();
    assert_eq!(stdout(&run(&src, &args)), stdout(&cold));
    assert!(root.join("build/lint/CACHEDIR.TAG").exists());
}

#[test]
fn a_corrupt_cache_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("assets.py"), DEPRECATED).unwrap();
    let args = ["check", "--output-format", "concise", "assets.py"];
    let cold = run(dir.path(), &args);
    let cache = dir.path().join(".dagster-api-lint_cache");
    let mut files = Vec::new();
    for version in std::fs::read_dir(&cache).unwrap().flatten() {
        if version.path().is_dir() {
            files.extend(
                std::fs::read_dir(version.path())
                    .unwrap()
                    .flatten()
                    .map(|e| e.path()),
            );
        }
    }
    assert_eq!(files.len(), 1, "{files:?}");
    std::fs::write(&files[0], b"DALR\x01garbage").unwrap();
    let out = run(dir.path(), &args);
    assert_eq!(stdout(&out), stdout(&cold));
    // ... and replaced by a good one.
    assert_ne!(std::fs::read(&files[0]).unwrap(), b"DALR\x01garbage");
}

#[test]
fn no_cache_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("assets.py"), DEPRECATED).unwrap();
    let out = run(dir.path(), &["check", "--no-cache", "assets.py"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.path().join(".dagster-api-lint_cache").exists());
}

#[test]
fn parse_only_reports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("assets.py"), DEPRECATED).unwrap();
    let out = run(dir.path(), &["check", "--parse-only", "--no-cache", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!stdout(&out).contains("DAG001"));
}

#[test]
fn streamed_output_is_sorted_by_file_name() {
    let dir = tempfile::tempdir().unwrap();
    // Path order would put `a/b.py` before `a.py`; names sort `a.py` first ('.' < '/').
    std::fs::create_dir(dir.path().join("a")).unwrap();
    std::fs::write(dir.path().join("a").join("b.py"), DEPRECATED).unwrap();
    std::fs::write(dir.path().join("a.py"), DEPRECATED).unwrap();
    std::fs::write(dir.path().join("c.py"), DEPRECATED).unwrap();
    for threads in ["1", "2"] {
        let out = run(
            dir.path(),
            &[
                "check",
                "--no-cache",
                "--output-format",
                "concise",
                "--threads",
                threads,
            ],
        );
        let files: Vec<String> = stdout(&out)
            .lines()
            .filter(|l| l.contains("DAG001"))
            .map(|l| l.split(':').next().unwrap().to_string())
            .collect();
        assert_eq!(files, ["a.py", "a.py", "a/b.py", "a/b.py", "c.py", "c.py"]);
        assert!(
            stdout(&out).contains("Found 6 issues (6 deprecated) in 3 files (3 files checked).")
        );
    }
}

#[test]
fn dagsters_own_modules_are_skipped_only_while_they_belong_to_it() {
    // A module of the dagster package that names only dagster is not parsed (its references
    // to its own package are never reported); the cache remembers that under a key naming the
    // package, so the same file outside the package is checked again and reported.
    let dir = tempfile::tempdir().unwrap();
    let package = dir.path().join("dagster");
    std::fs::create_dir(&package).unwrap();
    std::fs::write(package.join("__init__.py"), "").unwrap();
    std::fs::write(
        package.join("internal.py"),
        "from dagster._core.definitions import AssetsDefinition\n",
    )
    .unwrap();
    // Past the racy window, so that the first run's read is trusted by the second.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let args = ["check", "--output-format", "concise", "dagster/internal.py"];
    let own = run(dir.path(), &args);
    assert_eq!(own.status.code(), Some(0), "{}", stdout(&own));
    assert_eq!(stdout(&run(dir.path(), &args)), stdout(&own));

    // Not a package any more: the same bytes are a user module importing a private path.
    std::fs::remove_file(package.join("__init__.py")).unwrap();
    let user = run(dir.path(), &args);
    assert_eq!(user.status.code(), Some(1), "{}", stdout(&user));
    assert!(stdout(&user).contains("DAG201"), "{}", stdout(&user));
}

#[test]
fn a_remembered_tree_is_walked_again_when_it_changes() {
    // With the cache, the walk is remembered with the stamps of the folders it listed and of
    // the ignore files that applied; a run whose folders and ignore files are unchanged does
    // not list the tree again. Every kind of change below must still be seen at once.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Made first, so that writing the cache does not change the project folder.
    std::fs::create_dir(root.join(".dagster-api-lint_cache")).unwrap();
    std::fs::write(root.join(".gitignore"), "# nothing yet\n").unwrap();
    let folder = root.join("pipelines");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("assets.py"), DEPRECATED).unwrap();
    let args = ["check", "--output-format", "concise", "."];
    // Stamps are trusted only once their files are older than the racy window.
    let settle = || std::thread::sleep(std::time::Duration::from_millis(2100));
    let remembered = || {
        let walks = std::fs::read_dir(root.join(".dagster-api-lint_cache"))
            .unwrap()
            .filter_map(|version| std::fs::read_dir(version.ok()?.path()).ok())
            .flatten()
            .filter(|f| {
                let name = f.as_ref().unwrap().file_name();
                name.to_string_lossy().starts_with("walk-")
            })
            .count();
        walks
    };
    let findings_in = |out: &std::process::Output| files_reporting(out, "DAG");

    settle();
    let first = run(root, &args);
    assert_eq!(findings_in(&first), ["pipelines/assets.py"]);
    assert_eq!(remembered(), 1, "a settled tree is remembered");
    assert_eq!(stdout(&run(root, &args)), stdout(&first));

    // A new file in a remembered folder.
    std::fs::write(folder.join("more.py"), DEPRECATED).unwrap();
    let out = run(root, &args);
    assert_eq!(
        findings_in(&out),
        ["pipelines/assets.py", "pipelines/more.py"]
    );

    // An ignore file edited in place: its folder's stamp does not change, its own does.
    settle();
    run(root, &args);
    std::fs::write(root.join(".gitignore"), "more.py\n").unwrap();
    let out = run(root, &args);
    assert_eq!(findings_in(&out), ["pipelines/assets.py"]);

    // A configuration file that appears in a folder applies to the files there.
    settle();
    run(root, &args);
    std::fs::write(
        folder.join("dagster-api-lint.toml"),
        "ignore = [\"DAG001\"]\n",
    )
    .unwrap();
    let out = run(root, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // A file that goes away.
    std::fs::remove_file(folder.join("dagster-api-lint.toml")).unwrap();
    settle();
    run(root, &args);
    std::fs::remove_file(folder.join("assets.py")).unwrap();
    let out = run(root, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("All checks passed!"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn one_configuration_above_a_tree_without_any_answers_for_all_of_it() {
    // With the cache, a walk that lists no configuration file in any folder lets one look-up
    // (the root's) answer for every folder: it must be what each folder would find on its own.
    let dir = project_with(
        "pyproject.toml",
        "[tool.dagster-api-lint]\nignore = [\"DAG001\"]\n",
        &["src/a", "src/a/b", "src/c"],
    );
    let root = dir.path();
    let tree = root.join("src");
    let args = ["check", "--output-format", "concise", "src"];
    // Cold, then from the remembered walk.
    for _ in 0..2 {
        let out = run(root, &args);
        assert!(
            files_reporting(&out, "DAG001").is_empty(),
            "{}",
            stdout(&out)
        );
    }
    // A configuration inside the tree applies to its folder and below; the rest keep the one
    // above.
    std::fs::write(
        tree.join("a/b/dagster-api-lint.toml"),
        "select = [\"DAG001\"]\n",
    )
    .unwrap();
    let out = run(root, &args);
    assert_eq!(
        files_reporting(&out, "DAG001"),
        ["src/a/b/x.py"],
        "{}",
        stdout(&out)
    );
}

#[test]
fn one_cached_result_serves_files_with_the_same_content_under_their_own_settings() {
    // Files with the same content share one cache entry. Its findings are shown as they are
    // where a file's settings keep them all, and filtered where they do not: each under the
    // file's own name, cold or warm, in every streamed format.
    let dir = project_with(
        "dagster-api-lint.toml",
        "[per-file-ignores]\n\"quiet/*.py\" = [\"DAG001\"]\n",
        &["loud", "quiet", "other"],
    );
    let root = dir.path();
    std::fs::write(
        root.join("other/x.py"),
        DEPRECATED.replace("SourceAsset\n", "SourceAsset  # noqa: DAG001\n"),
    )
    .unwrap();
    std::fs::write(root.join("other/y.py"), DEPRECATED).unwrap();
    let concise = ["check", "--output-format", "concise", "."];
    let cold = run(root, &concise);
    assert_eq!(
        files_reporting(&cold, "DAG001"),
        ["loud/x.py", "other/x.py", "other/y.py"],
        "{}",
        stdout(&cold)
    );
    // The noqa comment hides the import's finding only, on its own line.
    assert_eq!(
        stdout(&cold).matches("other/x.py:").count() + 1,
        stdout(&cold).matches("other/y.py:").count()
    );
    let warm = run(root, &concise);
    assert_eq!(stdout(&warm), stdout(&cold));
    for format in ["full", "json-lines"] {
        let args = ["check", "--output-format", format, "."];
        let uncached = ["check", "--no-cache", "--output-format", format, "."];
        assert_eq!(stdout(&run(root, &args)), stdout(&run(root, &uncached)));
    }
}
