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

/// The releases checked, one per minor version from the oldest that installs and imports on
/// Python 3.11 (1.2) to the newest, with the pip specs each needs besides `dagster==V`:
/// releases before 1.5 import `pendulum.Pendulum` (gone in pendulum 3), 1.2 needs pydantic 1,
/// and 1.7/1.8 import `six` without declaring it. 1.0 and 1.1 pin `grpcio<1.48.1`, which has
/// no Python 3.11 wheel and does not build from source here (its setup.py needs
/// `pkg_resources`), so they are not covered.
macro_rules! oracle_tests {
    ($($name:ident: $version:literal $(+ $extra:literal)*;)*) => {
        $(
            #[test]
            fn $name() {
                check_version($version, &[$($extra),*]);
            }
        )*
    };
}

oracle_tests! {
    dagster_1_2_7_matches_runtime_oracle: "1.2.7" + "pendulum<3" + "pydantic<2";
    dagster_1_3_14_matches_runtime_oracle: "1.3.14" + "pendulum<3";
    dagster_1_4_17_matches_runtime_oracle: "1.4.17" + "pendulum<3";
    dagster_1_5_14_matches_runtime_oracle: "1.5.14";
    dagster_1_6_14_matches_runtime_oracle: "1.6.14";
    dagster_1_7_16_matches_runtime_oracle: "1.7.16" + "six";
    dagster_1_8_13_matches_runtime_oracle: "1.8.13" + "six";
    dagster_1_9_13_matches_runtime_oracle: "1.9.13";
    dagster_1_10_21_matches_runtime_oracle: "1.10.21";
    dagster_1_11_16_matches_runtime_oracle: "1.11.16";
    dagster_1_12_22_matches_runtime_oracle: "1.12.22";
    dagster_1_13_29_matches_runtime_oracle: "1.13.29";
}

/// Integration libraries, at the release the tool ships (0.29.27, for dagster 1.13.27) and at
/// the one for dagster 1.9.13 (0.25.13); the venv folders are the real-world test's where they
/// overlap. dagster-dbt 0.29.27 imports `dateutil` without declaring it.
macro_rules! library_tests {
    ($($name:ident: $dist:literal $version:literal $(+ $extra:literal)*;)*) => {
        $(
            #[test]
            fn $name() {
                check($dist, $version, &[$($extra),*]);
            }
        )*
    };
}

library_tests! {
    dagster_dbt_0_25_13_matches_runtime_oracle: "dagster-dbt" "0.25.13";
    dagster_dbt_0_29_27_matches_runtime_oracle: "dagster-dbt" "0.29.27" + "python-dateutil";
    dagster_aws_0_25_13_matches_runtime_oracle: "dagster-aws" "0.25.13";
    dagster_aws_0_29_27_matches_runtime_oracle: "dagster-aws" "0.29.27";
    dagster_k8s_0_25_13_matches_runtime_oracle: "dagster-k8s" "0.25.13";
    dagster_k8s_0_29_27_matches_runtime_oracle: "dagster-k8s" "0.29.27";
}

fn cache_dir() -> PathBuf {
    match std::env::var_os("DAGSTER_API_LINT_CACHE") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => repo().join("target").join("oracle-venvs"),
    }
}

fn check_version(version: &str, extra: &[&str]) {
    check("dagster", version, extra);
}

/// Checks distribution `dist` (`dagster`, `dagster-dbt`, ...) at `version`; its import name
/// is the distribution's with `_` for `-`.
fn check(dist: &str, version: &str, extra: &[&str]) {
    let start = Instant::now();
    let package = dist.replace('-', "_");
    let package = package.as_str();
    let mut specs = vec![format!("{dist}=={version}")];
    specs.extend(extra.iter().map(|s| s.to_string()));
    let spec = specs.join(" ");
    let venv = cache_dir().join(format!("{dist}-{version}"));

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
        .args(&specs));
    assert!(
        out.status.success(),
        "scripts/oracle-venv {} {spec} failed ({}):\n{}",
        venv.display(),
        out.status,
        text(&out)
    );
    eprintln!(
        "{dist} {version}: venv ready in {:.1}s: {}",
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
        .arg(package)
        .arg("--extra-names")
        .arg(&extra_json));
    assert!(
        out.status.success(),
        "oracle.py failed for {dist} {version} ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !out.stdout.is_empty(),
        "oracle.py printed no rows for {dist} {version}"
    );
    std::fs::write(&oracle_jsonl, &out.stdout).expect("write oracle rows");

    // 3. Our static catalog for the same release: the shipped one; for a release the binary
    //    does not ship, one built from the release's wheels (`catalog build`, then
    //    `catalog show --catalog`).
    let show = |extra: &[&std::ffi::OsStr]| {
        run(Command::new(env!("CARGO_BIN_EXE_dagster-api-lint"))
            .args(["catalog", "show", "--package", package])
            .args(extra)
            .args(["--format", "json-lines"]))
    };
    let mut out = show(&["--version".as_ref(), version.as_ref()]);
    if !out.status.success() && text(&out).contains("no shipped catalog") {
        let built = tmp.path().join("catalog.json");
        build_from_wheels(dist, version, &venv, &built);
        out = show(&["--catalog".as_ref(), built.as_os_str()]);
    }
    assert!(
        out.status.success(),
        "dagster-api-lint catalog show for {version} failed ({}):\n{}",
        out.status,
        text(&out)
    );
    std::fs::write(&catalog_jsonl, &out.stdout).expect("write catalog rows");

    // 4. Compare against the known differences for this release.
    let known = repo().join(format!(
        "tests/runtime_oracle/known-differences-{dist}-{version}.tsv"
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
            ["top-level:", "members:", "parameters:", "hints:"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect();
    for line in &summary {
        eprintln!("{dist} {version}: {line}");
    }
    assert!(
        out.status.success() && stdout.lines().any(|l| l.trim() == "PASS"),
        "compare.py did not PASS for {dist} {version} ({}); full output:\n{}",
        out.status,
        text(&out)
    );
    assert_eq!(
        summary.len(),
        4,
        "expected four summary lines (top-level, members, parameters, hints) from compare.py:\n{stdout}"
    );
    eprintln!(
        "{dist} {version}: PASS in {:.1}s",
        start.elapsed().as_secs_f64()
    );
}

/// Builds the catalog of `dist` at `version` from wheels: dagster's (and dagster-shared's from
/// 1.10), or a library's with those of the dagster release it pins. Wheels are taken from
/// `$DAGSTER_API_LINT_WHEELS` (default `~/.cache/dagster-api-lint/wheels`, the cache
/// `scripts/refresh-catalogs` fills) or downloaded there with the venv's pip.
fn build_from_wheels(dist: &str, version: &str, venv: &Path, output: &Path) {
    let cache = match std::env::var_os("DAGSTER_API_LINT_WHEELS") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(std::env::var_os("HOME").expect("HOME"))
            .join(".cache/dagster-api-lint/wheels"),
    };
    std::fs::create_dir_all(&cache).expect("create wheel cache");
    let wheel = |dist: &str, version: &str| {
        let file = cache.join(format!(
            "{}-{version}-py3-none-any.whl",
            dist.replace('-', "_")
        ));
        if !file.is_file() {
            let out = run(Command::new(venv.join("bin/python"))
                .args([
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--no-deps",
                    "--only-binary=:all:",
                ])
                .arg("-d")
                .arg(&cache)
                .arg(format!("{dist}=={version}")));
            assert!(
                out.status.success(),
                "pip download {dist}=={version}:\n{}",
                text(&out)
            );
        }
        assert!(file.is_file(), "missing {}", file.display());
        file
    };
    let core = |version: &str| {
        let minor: u32 = version
            .split('.')
            .nth(1)
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        let mut wheels = vec![wheel("dagster", version)];
        if minor >= 10 {
            wheels.push(wheel("dagster-shared", version));
        }
        wheels
    };
    let wheels = if dist == "dagster" {
        core(version)
    } else {
        // The dagster release the library pins (`Requires-Dist: dagster==X` / `dagster ==X`).
        let lib = wheel(dist, version);
        let out = run(Command::new("unzip")
            .arg("-p")
            .arg(&lib)
            .arg("*.dist-info/METADATA"));
        let metadata = String::from_utf8_lossy(&out.stdout).into_owned();
        let pinned = metadata
            .lines()
            .filter_map(|l| l.strip_prefix("Requires-Dist: dagster"))
            .find_map(|rest| rest.trim_start().strip_prefix("=="))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("{dist} {version} pins no dagster release"));
        let mut wheels = vec![lib];
        wheels.extend(core(&pinned));
        wheels
    };
    let out = run(Command::new(env!("CARGO_BIN_EXE_dagster-api-lint"))
        .args(["catalog", "build"])
        .args(&wheels)
        .args(["--package", &dist.replace('-', "_"), "-o"])
        .arg(output));
    assert!(
        out.status.success(),
        "catalog build {dist} {version}:\n{}",
        text(&out)
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
