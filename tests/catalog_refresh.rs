//! The committed histories are what `scripts/refresh-catalogs` generates from the real wheels,
//! byte for byte: `--check` rebuilds a sample of releases (the first dagster 1.x release, the
//! newest of every minor up to the newest release, and library releases at both ends of their
//! histories) and verifies that putting each rebuilt catalog in place of its release leaves the
//! history byte-identical.
//!
//! Needs the network (PyPI, through pip) the first time, to download the wheels into the cache
//! (`$DAGSTER_API_LINT_WHEELS`, default `~/.cache/dagster-api-lint/wheels`); prints `SKIPPED`
//! and passes when pip or PyPI is unavailable and the wheels are not cached.

mod common;

use std::path::PathBuf;
use std::process::Command;

#[test]
fn regeneration_is_byte_identical() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if which("unzip").is_none() {
        eprintln!("SKIPPED: unzip is not installed");
        return;
    }
    if let Err(why) = common::pypi_reachable() {
        eprintln!("SKIPPED: {why}");
        return;
    }
    let out = Command::new("bash")
        .arg(repo.join("scripts/refresh-catalogs"))
        .arg("--check")
        .env(
            "DAGSTER_API_LINT_BIN",
            env!("CARGO_BIN_EXE_dagster-api-lint"),
        )
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("regeneration of the sample is byte-identical"),
        "{text}"
    );
    // Every sampled release was verified (one line per package).
    for package in ["dagster", "dagster_pipes", "dagster_dbt", "dagster_aws"] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("{package}: ")) && l.contains("identical")),
            "{package} not verified:\n{text}"
        );
    }
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(tool))
            .find(|p| p.is_file())
    })
}
