//! Helpers shared by the integration tests that need Python and PyPI (each test binary
//! compiles this module on its own and uses part of it).
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long the PyPI probe may take before PyPI counts as unreachable.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(60);

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the tool in `dir` with a clean environment (no active virtualenv, no colour).
pub fn run_tool(dir: &std::path::Path, args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("dagster-api-lint")
        .unwrap()
        .current_dir(dir)
        .env_remove("VIRTUAL_ENV")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

/// A command's stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs a command to completion with its output captured; panics if it cannot be started.
pub fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// A command's stdout and stderr, labelled, for assertion messages.
pub fn text(out: &Output) -> String {
    format!(
        "--- stdout ---\n{}--- stderr ---\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `Ok` when `python3 --version` runs.
pub fn python3_works() -> Result<(), String> {
    match Command::new("python3")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(format!("`python3 --version` failed ({})", out.status)),
        Err(e) => Err(format!("python3 not found ({e})")),
    }
}

/// Probes PyPI by downloading a tiny wheel with pip (so pip's own index/proxy settings apply),
/// bypassing pip's cache and local find-links so that a success means the index answered.
/// The error says why, for the test's `SKIPPED` line.
pub fn pypi_reachable() -> Result<(), String> {
    let dest = tempfile::tempdir().map_err(|e| format!("cannot create temp dir: {e}"))?;
    // stderr goes to a file (not a pipe) so a chatty pip can never block on a full pipe.
    let log_path = dest.path().join("pip.log");
    let log =
        std::fs::File::create(&log_path).map_err(|e| format!("cannot create {log_path:?}: {e}"))?;
    let mut child = Command::new("python3")
        .args(["-m", "pip", "download", "--no-deps", "--no-cache-dir"])
        .args(["--disable-pip-version-check", "--quiet", "--retries", "1"])
        .args(["--timeout", "20", "--dest"])
        .arg(dest.path().join("wheels"))
        .arg("six==1.16.0")
        .env_remove("PIP_FIND_LINKS")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot run `python3 -m pip` ({e})"))?;
    let deadline = Instant::now() + PROBE_TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                let err = std::fs::read_to_string(&log_path).unwrap_or_default();
                let last = err
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("");
                return Err(format!(
                    "PyPI unreachable (or pip unusable): `python3 -m pip download six==1.16.0` failed ({status}): {}",
                    last.trim()
                ));
            }
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "PyPI unreachable: `python3 -m pip download six==1.16.0` took over {}s",
                    PROBE_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(format!("waiting for pip: {e}")),
        }
    }
}

/// Validates a SARIF log against the official SARIF 2.1.0 schema (tests/data), formats
/// (`uri`, `uri-reference`, `date-time`) included.
pub fn assert_valid_sarif(log: &serde_json::Value) {
    let mut schema: serde_json::Value =
        serde_json::from_str(include_str!("../data/sarif-schema-2.1.0.json")).unwrap();
    // The official schema's `language` patterns (on `run` and `toolComponent`) read
    // `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`, with a stray `]`: the draft-07 meta-schema
    // rejects that as a regex, so the schema would not compile. Fix them in memory to what they
    // mean (the committed file stays the official copy); we never write `language` anyway.
    assert_eq!(fix_language_patterns(&mut schema), 2);
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
}

fn fix_language_patterns(schema: &mut serde_json::Value) -> usize {
    use serde_json::Value;
    match schema {
        Value::Object(map) => {
            let mut fixed = 0;
            if let Some(pattern) = map.get_mut("pattern") {
                if pattern == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                    *pattern = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".into();
                    fixed += 1;
                }
            }
            fixed + map.values_mut().map(fix_language_patterns).sum::<usize>()
        }
        Value::Array(items) => items.iter_mut().map(fix_language_patterns).sum(),
        _ => 0,
    }
}
