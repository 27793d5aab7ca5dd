//! pre-commit integration, run through the real `pre-commit` from PyPI.
//!
//! * `local_system_hook_fails_on_findings`: a temporary git repository with a Python file that
//!   imports `dagster.SourceAsset` and a `.pre-commit-config.yaml` whose `repo: local` hook has
//!   `language: system` and the built binary as its entry.
//! * `repository_hook_builds_with_language_rust`: the same repository checked with
//!   `pre-commit try-repo <this repository> dagster-api-lint`, which reads this repository's
//!   `.pre-commit-hooks.yaml` (`language: rust`, working-tree changes included) and lets
//!   pre-commit build the hook with `cargo install --path .`. To keep that to a few minutes
//!   the build uses an unoptimised release profile (`CARGO_PROFILE_RELEASE_*`) and a target
//!   directory kept between runs. The repository holds a notebook too, which the hook's
//!   `types_or` must pass.
//!
//! **Needs `python3` with `venv`, and the network (PyPI) to install `pre-commit` the first
//! time** (and crates.io for the `language: rust` build when crates are not cached). Without
//! them each test prints `SKIPPED: <reason>` on stderr and returns without failing. The venv
//! and the cargo target directory live in `target/tmp/pre-commit/`.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};

/// The pre-commit release the tests install.
const PRE_COMMIT: &str = "pre-commit==4.7.0";

/// A Python file with a deprecated dagster import (DAG001).
const SOURCE: &str = "from dagster import SourceAsset\n\nraw = SourceAsset(key=\"raw\")\n";

fn work_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit")
}

/// The venv's `pre-commit`, installed once per test process; `Err` says why it cannot be.
fn pre_commit() -> Result<PathBuf, String> {
    static VENV: OnceLock<Mutex<Result<PathBuf, String>>> = OnceLock::new();
    let cell = VENV.get_or_init(|| Mutex::new(install_pre_commit()));
    cell.lock().unwrap().clone()
}

fn install_pre_commit() -> Result<PathBuf, String> {
    let venv = work_dir().join("venv");
    let exe = venv.join("bin/pre-commit");
    let marker = venv.join(".installed");
    if exe.exists() && std::fs::read_to_string(&marker).is_ok_and(|s| s.trim() == PRE_COMMIT) {
        return Ok(exe);
    }
    let python = run(Command::new("python3").arg("--version"))
        .map_err(|e| format!("python3 not found ({e})"))?;
    if !python.status.success() {
        return Err("`python3 --version` failed".into());
    }
    let made =
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv)).map_err(|e| e.to_string())?;
    if !made.status.success() {
        return Err(format!("cannot create a venv: {}", last_line(&made)));
    }
    let pip = run(Command::new(venv.join("bin/python")).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--retries",
        "1",
        "--timeout",
        "30",
        PRE_COMMIT,
    ]))
    .map_err(|e| e.to_string())?;
    if !pip.status.success() {
        return Err(format!(
            "pip install {PRE_COMMIT} failed (PyPI unreachable?): {}",
            last_line(&pip)
        ));
    }
    std::fs::write(&marker, PRE_COMMIT).map_err(|e| e.to_string())?;
    Ok(exe)
}

fn run(cmd: &mut Command) -> std::io::Result<Output> {
    cmd.stdin(Stdio::null()).output()
}

fn last_line(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}

fn text(out: &Output) -> String {
    format!(
        "--- stdout ---\n{}--- stderr ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Git identity and settings for commits pre-commit and the tests make (passed as
/// `GIT_CONFIG_*`, which pre-commit lets through to git).
fn git_env(cmd: &mut Command) -> &mut Command {
    let settings = [
        ("user.name", "pre-commit test"),
        ("user.email", "pre-commit-test@example.invalid"),
        ("commit.gpgsign", "false"),
        ("init.defaultBranch", "main"),
    ];
    cmd.env("GIT_CONFIG_COUNT", settings.len().to_string());
    for (i, (key, value)) in settings.iter().enumerate() {
        cmd.env(format!("GIT_CONFIG_KEY_{i}"), key)
            .env(format!("GIT_CONFIG_VALUE_{i}"), value);
    }
    cmd
}

/// A git repository with `app.py` (and `files`) committed.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), SOURCE).unwrap();
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    for args in [
        &["init", "--quiet"][..],
        &["add", "."],
        &["commit", "--quiet", "-m", "init"],
    ] {
        let out = run(git_env(
            Command::new("git").args(args).current_dir(dir.path()),
        ))
        .unwrap();
        assert!(out.status.success(), "git {args:?}:\n{}", text(&out));
    }
    dir
}

fn pre_commit_command(exe: &Path, dir: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(exe);
    git_env(&mut cmd)
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", home)
        .env("PRE_COMMIT_COLOR", "never")
        .env_remove("NO_COLOR");
    cmd
}

fn assert_hook_failed_with_finding(out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "pre-commit must fail:\n{}",
        text(out)
    );
    assert!(stdout.contains("dagster-api-lint"), "{}", text(out));
    assert!(stdout.contains("Failed"), "{}", text(out));
    assert!(
        stdout.contains("app.py:1:21: DAG001 `SourceAsset` is deprecated"),
        "{}",
        text(out)
    );
}

#[test]
fn local_system_hook_fails_on_findings() {
    let exe = match pre_commit() {
        Ok(exe) => exe,
        Err(reason) => return eprintln!("SKIPPED: pre-commit local hook test: {reason}"),
    };
    let binary = env!("CARGO_BIN_EXE_dagster-api-lint");
    let config = format!(
        "repos:\n\
         - repo: local\n  \
           hooks:\n  \
           - id: dagster-api-lint\n    \
             name: dagster-api-lint\n    \
             entry: \"'{binary}'\"\n    \
             language: system\n    \
             types: [python]\n"
    );
    let repo = project(&[(".pre-commit-config.yaml", &config)]);
    let home = tempfile::tempdir().unwrap();
    let out = pre_commit_command(&exe, repo.path(), home.path())
        .args(["run", "--all-files"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_hook_failed_with_finding(&out);
}

#[test]
fn repository_hook_builds_with_language_rust() {
    let exe = match pre_commit() {
        Ok(exe) => exe,
        Err(reason) => return eprintln!("SKIPPED: pre-commit language: rust test: {reason}"),
    };
    let this_repo = env!("CARGO_MANIFEST_DIR");
    // The hook passes notebooks too (`types_or: [..., jupyter]`).
    let notebook = r#"{"cells": [{"cell_type": "code", "source": ["import dagster as dg\n", "dg.SourceAsset"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"#;
    let repo = project(&[("explore.ipynb", notebook)]);
    let home = tempfile::tempdir().unwrap();
    let out = pre_commit_command(&exe, repo.path(), home.path())
        .args(["try-repo", this_repo, "dagster-api-lint", "--all-files"])
        .env("CARGO_TARGET_DIR", work_dir().join("cargo-target"))
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let log = std::fs::read_to_string(home.path().join("pre-commit.log")).unwrap_or_default();
    let offline = [
        "failed to get",
        "failed to download",
        "Could not resolve host",
        "network",
    ];
    if !out.status.success()
        && log.contains("cargo install")
        && offline.iter().any(|s| log.contains(s))
    {
        return eprintln!("SKIPPED: pre-commit language: rust test: crates.io unreachable:\n{log}");
    }
    assert_hook_failed_with_finding(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("explore.ipynb:cell 1:2:1: DAG001"),
        "{}",
        text(&out)
    );
}
