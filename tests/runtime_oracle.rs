//! Runtime oracle check: the statically built catalog must agree with what an installed
//! dagster reports about itself at runtime.
//!
//! For each dagster release below, the test installs that release into a Python venv (via
//! `scripts/oracle-venv`), runs `tests/runtime_oracle/oracle.py dagster` with the venv's
//! Python, prints the shipped catalog with `dagster-api-lint catalog show --format
//! json-lines`, and runs `tests/runtime_oracle/compare.py` against the matching
//! `tests/runtime_oracle/known-differences-dagster-VERSION.tsv`. It passes when compare.py
//! prints PASS (every difference is known and explained, agreement is high enough).
//!
//! **Needs a `python3` (with `venv` and `pip`) and, the first time, the network (PyPI)** to
//! install dagster. When `python3` is missing, or the venv is not yet installed and PyPI is
//! unreachable, the test prints `SKIPPED: <reason>` on stderr and returns without failing.
//! Once a venv is installed the test runs offline.
//!
//! Venvs are cached in `$DAGSTER_API_LINT_CACHE/dagster-VERSION` if that variable is set,
//! else in `target/oracle-venvs/dagster-VERSION` under the repository. The first run takes
//! a few minutes per version (pip installing dagster); later runs take seconds. Each version
//! has its own venv directory, so the tests can run in parallel.
//!
//! See the agreement figures with `cargo test --test runtime_oracle -- --nocapture`.
#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{pypi_reachable, python3_works, repo, run, text};

#[test]
fn dagster_1_9_13_matches_runtime_oracle() {
    check_version("1.9.13");
}

#[test]
fn dagster_1_13_29_matches_runtime_oracle() {
    check_version("1.13.29");
}

fn cache_dir() -> PathBuf {
    match std::env::var_os("DAGSTER_API_LINT_CACHE") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => repo().join("target").join("oracle-venvs"),
    }
}

fn check_version(version: &str) {
    let start = Instant::now();
    let spec = format!("dagster=={version}");
    let venv = cache_dir().join(format!("dagster-{version}"));

    if let Err(reason) = python3_works() {
        skip(version, &reason);
        return;
    }
    // Network is only needed to install; a venv already holding `spec` works offline.
    if !venv_has(&venv, &spec) {
        if let Err(reason) = pypi_reachable() {
            skip(version, &reason);
            return;
        }
    }

    // 1. Venv with dagster==VERSION (idempotent; installs only on the first run).
    let out = run(Command::new("bash")
        .arg(repo().join("scripts/oracle-venv"))
        .arg(&venv)
        .arg(&spec));
    assert!(
        out.status.success(),
        "scripts/oracle-venv {} {spec} failed ({}):\n{}",
        venv.display(),
        out.status,
        text(&out)
    );
    eprintln!(
        "dagster {version}: venv ready in {:.1}s: {}",
        start.elapsed().as_secs_f64(),
        venv.display()
    );

    let tmp = tempfile::tempdir().expect("create temp dir");
    let oracle_jsonl = tmp.path().join("oracle.jsonl");
    let extra_json = tmp.path().join("extra-names.json");
    let catalog_jsonl = tmp.path().join("catalog.jsonl");

    // 2. Runtime oracle, with the venv's Python.
    let out = run(Command::new(venv.join("bin/python"))
        .arg(repo().join("tests/runtime_oracle/oracle.py"))
        .arg("dagster")
        .arg("--extra-names")
        .arg(&extra_json));
    assert!(
        out.status.success(),
        "oracle.py failed for dagster {version} ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !out.stdout.is_empty(),
        "oracle.py printed no rows for dagster {version}"
    );
    std::fs::write(&oracle_jsonl, &out.stdout).expect("write oracle rows");

    // 3. Our static catalog for the same release.
    let out = run(Command::new(env!("CARGO_BIN_EXE_dagster-api-lint")).args([
        "catalog",
        "show",
        "--package",
        "dagster",
        "--version",
        version,
        "--format",
        "json-lines",
    ]));
    assert!(
        out.status.success(),
        "dagster-api-lint catalog show --version {version} failed ({}):\n{}",
        out.status,
        text(&out)
    );
    std::fs::write(&catalog_jsonl, &out.stdout).expect("write catalog rows");

    // 4. Compare against the known differences for this release.
    let known = repo().join(format!(
        "tests/runtime_oracle/known-differences-dagster-{version}.tsv"
    ));
    assert!(known.is_file(), "missing {}", known.display());
    let out = run(Command::new("python3")
        .arg(repo().join("tests/runtime_oracle/compare.py"))
        .arg("--catalog")
        .arg(&catalog_jsonl)
        .arg("--oracle")
        .arg(&oracle_jsonl)
        .arg("--extra-names")
        .arg(&extra_json)
        .arg("--known")
        .arg(&known));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary: Vec<&str> = stdout
        .lines()
        .filter(|l| {
            ["top-level:", "members:", "parameters:"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect();
    for line in &summary {
        eprintln!("dagster {version}: {line}");
    }
    assert!(
        out.status.success() && stdout.lines().any(|l| l.trim() == "PASS"),
        "compare.py did not PASS for dagster {version} ({}); full output:\n{}",
        out.status,
        text(&out)
    );
    assert_eq!(
        summary.len(),
        3,
        "expected three summary lines (top-level, members, parameters) from compare.py:\n{stdout}"
    );
    eprintln!(
        "dagster {version}: PASS in {:.1}s",
        start.elapsed().as_secs_f64()
    );
}

fn skip(version: &str, reason: &str) {
    eprintln!("SKIPPED: runtime oracle test for dagster {version}: {reason}");
}

/// Whether `scripts/oracle-venv` already installed exactly `spec` into `venv`.
fn venv_has(venv: &Path, spec: &str) -> bool {
    venv.join("bin/python").exists()
        && std::fs::read_to_string(venv.join(".installed")).is_ok_and(|s| s.trim() == spec)
}
