//! Real-world test: the checker on the published sources of four libraries that use dagster,
//! with findings verified by hand, counts kept as snapshots, and every finding's status
//! cross-checked against an installed dagster.
//!
//! For each package below the test
//! 1. pip-downloads the pinned wheel (`pip download --no-deps`) and unpacks its `.py` files;
//! 2. runs `dagster-api-lint check PACKAGE --isolated --output-format json --exit-zero
//!    --dagster-version V` in the unpacked folder (V: the dagster release the package was built
//!    for when it pins one, as near as the shipped catalogs go, else one it supports);
//! 3. asserts that findings read and confirmed in the package's code are present (file, line,
//!    code, symbol, parameter), that the false positives fixed while writing this test stay
//!    gone, and snapshots the count per rule (`tests/snapshots/real_world__*.snap`);
//! 4. installs the package's dagster into a venv (`scripts/oracle-venv`) and runs
//!    `tests/runtime_oracle/crosscheck.py`, which resolves every reported symbol at runtime
//!    and asks `dagster._annotations` for its status; each disagreement must be listed, with a
//!    reason, in `tests/real_world/known-differences-DIST-VERSION.tsv`;
//! 5. runs `--fix` on a copy of the sources (the count of findings fixed is a snapshot,
//!    `tests/snapshots/real_world__DIST-fixes.snap`) and checks in the venv that every fixed
//!    file compiles and every changed import binds the very same object (`is`) as before
//!    (`tests/real_world/fixcheck.py`), that a second `--fix` changes nothing, and that the
//!    fixed sources have no finding the original had not (same file, code, message; the opt-in
//!    DAG203 aside, which judges members of publicly imported classes only).
//!
//! **Needs `python3` with `pip` and `venv`, and the network (PyPI) until the wheels and venvs
//! are cached.** When `python3` is missing, or something is not cached yet and PyPI is
//! unreachable, each test prints `SKIPPED: <reason>` on stderr and returns without failing.
//!
//! Wheels and sources are cached in `$DAGSTER_API_LINT_CACHE/real-world/` if that variable is
//! set, else in `target/real-world/`; venvs in `$DAGSTER_API_LINT_CACHE/dagster-...`, else
//! `target/oracle-venvs/dagster-...` (the dagster-only venvs are the runtime oracle test's).
//! A cold run takes a few minutes (pip installs); a warm one a few seconds.
//!
//! See the figures with `cargo test --test real_world -- --nocapture`.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

use common::{pypi_reachable, python3_works, repo, run, text};

/// One checked package.
struct Package {
    /// Distribution name on PyPI.
    dist: &'static str,
    /// Pinned version.
    version: &'static str,
    /// Import name (the folder checked).
    module: &'static str,
    /// `--dagster-version` for the check.
    dagster: &'static str,
    /// Venv folder name and the pip specs installed in it for the cross-check.
    venv: &'static str,
    specs: &'static [&'static str],
    /// Findings verified by reading the code: (file, line, code, symbol, parameter).
    present: &'static [Expect],
    /// False positives fixed in the checker: (file, line, code, symbol) that must not return.
    absent: &'static [Expect],
}

/// (file under the package folder, line, code, symbol, parameter).
type Expect = (
    &'static str,
    u64,
    &'static str,
    &'static str,
    Option<&'static str>,
);

const DAGSTER_DBT: Package = Package {
    dist: "dagster-dbt",
    version: "0.29.27",
    module: "dagster_dbt",
    // Built for dagster==1.13.27; checked against 1.13.28 (the release its known differences
    // were taken with).
    dagster: "1.13.28",
    venv: "dagster-dbt-0.29.27",
    specs: &["dagster-dbt==0.29.27"],
    present: &[
        // `@multi_asset(..., allow_arbitrary_check_specs=True)`: a `hidden_param` with
        // `breaking_version=""`.
        ("asset_decorator.py", 369, "DAG002", "dagster.multi_asset", Some("allow_arbitrary_check_specs")),
        ("cloud/asset_defs.py", 456, "DAG002", "dagster.multi_asset", Some("compute_kind")),
        // `AssetSpec(..., auto_materialize_policy=...)` with AssetSpec from a private module.
        ("cloud/asset_defs.py", 433, "DAG002", "dagster._core.definitions.assets.definition.asset_spec.AssetSpec", Some("auto_materialize_policy")),
        ("cloud/asset_defs.py", 14, "DAG001", "dagster.LegacyFreshnessPolicy", None),
        // `return AutoMaterializePolicy.eager()`: the deprecated class and its static method.
        ("asset_utils.py", 781, "DAG001", "dagster.AutoMaterializePolicy.eager", None),
        ("asset_utils.py", 781, "DAG001", "dagster.AutoMaterializePolicy", None),
        ("dagster_dbt_translator.py", 818, "DAG101", "dagster._core.definitions.metadata.source_code.CodeReferencesMetadataValue", None),
        ("freshness_builder.py", 122, "DAG104", "dagster._core.definitions.asset_checks.asset_check_factories.freshness_checks.time_partition.build_time_partition_freshness_checks", None),
        ("freshness_builder.py", 7, "DAG201", "dagster._check", None),
        ("cloud/asset_defs.py", 21, "DAG201", "dagster._annotations.beta", None),
        ("components/dbt_project/component.py", 13, "DAG202", "dagster.components.resolved.model.Resolver", None),
        // Members: `self` in a ConfigurableResource subclass, annotated parameters.
        ("cloud/resources.py", 644, "DAG203", "dagster.ConfigurableResource.get_resource_context", None),
        ("cloud/asset_defs.py", 507, "DAG203", "dagster.AssetExecutionContext.run", None),
        ("cloud_v2/sensor_builder.py", 88, "DAG203", "dagster.SensorEvaluationContext.log", None),
        ("asset_utils.py", 1116, "DAG203", "dagster.AssetsDefinition.get_upstream_input_keys", None),
    ],
    absent: &[
        // The package's own modules (was DAG101 and DAG202).
        ("__init__.py", 15, "DAG101", "dagster_dbt.cloud.DbtCloudClientResource", None),
        ("cloud/resources.py", 16, "DAG003", "dagster.__version__", None),
        // Defined by the user's own base class DbtProjectManager, not by dagster's Resolvable.
        ("dbt_project_manager.py", 189, "DAG201", "dagster.Resolvable._local_project_dir", None),
    ],
};

const DAGSTER_AWS: Package = Package {
    dist: "dagster-aws",
    version: "0.29.27",
    module: "dagster_aws",
    // Built for dagster==1.13.27; checked against 1.13.28 (the release its known differences
    // were taken with).
    dagster: "1.13.28",
    venv: "dagster-aws-0.29.27",
    specs: &["dagster-aws==0.29.27"],
    present: &[
        (
            "emr/pyspark_step_launcher.py",
            16,
            "DAG104",
            "dagster._core.definitions.step_launcher.StepLauncher",
            None,
        ),
        (
            "emr/pyspark_step_launcher.py",
            221,
            "DAG104",
            "dagster._core.definitions.step_launcher.StepLauncher",
            None,
        ),
        (
            "emr/pyspark_step_launcher.py",
            16,
            "DAG201",
            "dagster._core.definitions.step_launcher._step_launcher_supersession",
            None,
        ),
        (
            "ecs/launcher.py",
            33,
            "DAG201",
            "dagster._core.storage.dagster_run.DagsterRun",
            None,
        ),
        // Members: `self` in subclasses of RunLauncher[T] and UPathIOManager.
        (
            "ecs/launcher.py",
            442,
            "DAG201",
            "dagster._core.launcher.base.RunLauncher._instance",
            None,
        ),
        (
            "s3/io_manager.py",
            72,
            "DAG201",
            "dagster.UPathIOManager._get_path",
            None,
        ),
        // Members through annotations, and chains of them.
        (
            "ecs/executor.py",
            120,
            "DAG203",
            "dagster.DagsterInstance.run_launcher",
            None,
        ),
        (
            "pipes/clients/emr_serverless.py",
            333,
            "DAG203",
            "dagster.PipesSession.report_launched",
            None,
        ),
    ],
    absent: &[
        // A data attribute (record field): not reported since DAG202 covers methods and
        // properties only.
        (
            "ecs/container_context.py",
            365,
            "DAG203",
            "dagster._core.origin.RepositoryPythonOrigin.container_context",
            None,
        ),
        // A data attribute (record field): not reported since DAG202 covers methods and
        // properties only.
        (
            "ecs/utils.py",
            77,
            "DAG203",
            "dagster._core.remote_origin.RemoteJobOrigin.job_name",
            None,
        ),
        // A data attribute (class constant or record field): not reported since DAG202 covers
        // methods and properties only.
        (
            "pipes/message_readers.py",
            378,
            "DAG203",
            "dagster_pipes.PipesDefaultMessageWriter.STDOUT",
            None,
        ),
        // Attributes the Pipes clients set on themselves (`self._client = ...`).
        (
            "pipes/clients/glue.py",
            51,
            "DAG201",
            "dagster.PipesClient._client",
            None,
        ),
        ("emr/emr.py", 192, "DAG003", "dagster.__version__", None),
        // The package's own modules.
        (
            "__init__.py",
            4,
            "DAG103",
            "dagster_aws.components.AthenaClientResourceComponent",
            None,
        ),
    ],
};

const DAGSTER_DELTA: Package = Package {
    dist: "dagster-delta",
    version: "0.5.9",
    module: "dagster_delta",
    // Requires dagster>=1.8,<2 and imports private paths with fallbacks for older releases:
    // checked against 1.9.13, an older supported release (the last with `@experimental`).
    dagster: "1.9.13",
    venv: "dagster-1.9.13",
    specs: &["dagster==1.9.13"],
    present: &[
        // `context: InputContext` in a DbTypeHandler method; `context.metadata` is deprecated.
        (
            "io_manager/polars.py",
            77,
            "DAG001",
            "dagster.InputContext.metadata",
            None,
        ),
        (
            "io_manager/polars.py",
            135,
            "DAG203",
            "dagster.OutputContext.consume_logged_metadata",
            None,
        ),
        (
            "_db_io_manager/custom_db_io_manager.py",
            23,
            "DAG201",
            "dagster._core.execution.context.input.InputContext",
            None,
        ),
        (
            "_db_io_manager/custom_db_io_manager.py",
            25,
            "DAG201",
            "dagster._core.storage.db_io_manager.DbIOManager",
            None,
        ),
        // The `except ModuleNotFoundError:` fallback for dagster < 1.11.
        (
            "_db_io_manager/custom_db_io_manager.py",
            17,
            "DAG201",
            "dagster._core.definitions.multi_dimensional_partitions.MultiPartitionsDefinition",
            None,
        ),
        (
            "io_manager/base.py",
            10,
            "DAG201",
            "dagster._config.pythonic_config.ConfigurableIOManagerFactory",
            None,
        ),
    ],
    absent: &[
        // A use of a privately imported name (the base class): reported at the import only.
        (
            "_db_io_manager/custom_db_io_manager.py",
            35,
            "DAG201",
            "dagster._core.storage.db_io_manager.DbIOManager",
            None,
        ),
        // A data attribute (class constant or record field): not reported since DAG202 covers
        // methods and properties only.
        (
            "io_manager/polars.py",
            114,
            "DAG203",
            "dagster.AssetKey.parts",
            None,
        ),
    ],
};

const DAGSTER_RAY: Package = Package {
    dist: "dagster-ray",
    version: "0.4.8",
    module: "dagster_ray",
    // Requires dagster>=1.12: checked against the newest shipped release.
    dagster: "1.13.29",
    venv: "dagster-1.13.29",
    specs: &["dagster==1.13.29"],
    present: &[
        (
            "core/run_launcher.py",
            162,
            "DAG201",
            "dagster._check",
            None,
        ),
        (
            "kuberay/pipes.py",
            19,
            "DAG201",
            "dagster._core.definitions.resource_annotation.TreatAsResourceParam",
            None,
        ),
        // Members: `handler: PipesMessageHandler`, `context: dg.SensorEvaluationContext`,
        // `init_context: dg.InitExecutorContext`, `run: DagsterRun`.
        (
            "core/pipes.py",
            140,
            "DAG201",
            "dagster.PipesMessageHandler._context",
            None,
        ),
        (
            "kuberay/sensors.py",
            56,
            "DAG203",
            "dagster.SensorEvaluationContext.log",
            None,
        ),
        (
            "kuberay/sensors.py",
            48,
            "DAG203",
            "dagster._core.remote_origin.CodeLocationOrigin.location_name",
            None,
        ),
        (
            "core/executor.py",
            94,
            "DAG203",
            "dagster.DagsterInstance.run_launcher",
            None,
        ),
    ],
    absent: &[
        // A use (an annotation) of a privately imported name: reported at the import only.
        (
            "core/run_launcher.py",
            284,
            "DAG201",
            "dagster._core.storage.dagster_run.DagsterRun",
            None,
        ),
        // A data attribute (record field): not reported since DAG202 covers methods and
        // properties only.
        (
            "core/run_launcher.py",
            162,
            "DAG203",
            "dagster.DagsterRun.job_code_origin",
            None,
        ),
        // A data attribute (class constant or record field): not reported since DAG202 covers
        // methods and properties only.
        (
            "core/pipes.py",
            130,
            "DAG203",
            "dagster_pipes.PipesDefaultMessageWriter.STDOUT",
            None,
        ),
        // Attributes PipesKubeRayJobClient sets on itself.
        (
            "kuberay/pipes.py",
            178,
            "DAG201",
            "dagster.PipesClient._context_injector",
            None,
        ),
        (
            "kuberay/pipes.py",
            199,
            "DAG201",
            "dagster.PipesClient._job_submission_client",
            None,
        ),
        (
            "core/executor.py",
            177,
            "DAG003",
            "dagster.__version__",
            None,
        ),
    ],
};

#[test]
fn dagster_dbt_0_29_27() {
    check_package(&DAGSTER_DBT);
}

#[test]
fn dagster_aws_0_29_27() {
    check_package(&DAGSTER_AWS);
}

#[test]
fn dagster_delta_0_5_9() {
    check_package(&DAGSTER_DELTA);
}

#[test]
fn dagster_ray_0_4_8() {
    check_package(&DAGSTER_RAY);
}

/// `$DAGSTER_API_LINT_CACHE`, else `target/` (real-world files) and `target/oracle-venvs`.
fn cache_dirs() -> (PathBuf, PathBuf) {
    match std::env::var_os("DAGSTER_API_LINT_CACHE") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            (dir.join("real-world"), dir)
        }
        _ => (
            repo().join("target/real-world"),
            repo().join("target/oracle-venvs"),
        ),
    }
}

fn check_package(p: &Package) {
    let start = Instant::now();
    let label = format!("{} {}", p.dist, p.version);
    let (cache, venvs) = cache_dirs();
    let sources = cache.join("src").join(format!("{}-{}", p.dist, p.version));
    let venv = venvs.join(p.venv);
    let spec_line = p.specs.join(" ");

    if let Err(reason) = python3_works() {
        return skip(&label, &reason);
    }
    let venv_ready = venv.join("bin/python").exists()
        && std::fs::read_to_string(venv.join(".installed")).is_ok_and(|s| s.trim() == spec_line);
    if !(sources.join(".complete").exists() && venv_ready) {
        if let Err(reason) = pypi_reachable() {
            return skip(&label, &reason);
        }
    }

    // 1. Sources.
    if !sources.join(".complete").exists() {
        let wheel = download_wheel(&cache.join("wheels"), p.dist, p.version);
        unpack_sources(&wheel, &sources);
    }

    // 2. Our findings.
    let out = run(Command::new(env!("CARGO_BIN_EXE_dagster-api-lint"))
        .current_dir(&sources)
        .args(["check", p.module, "--isolated", "--select", "ALL"])
        .args(["--output-format", "json"])
        .args(["--exit-zero", "--quiet", "--dagster-version", p.dagster])
        .env_remove("VIRTUAL_ENV"));
    assert!(
        out.status.success(),
        "check failed on {label}:\n{}",
        text(&out)
    );
    let findings_text = out.stdout;
    let findings: Vec<Value> = serde_json::from_slice(&findings_text).expect("JSON findings");

    // 3. Hand-verified findings, fixed false positives, counts.
    let key = |f: &Value| -> (String, u64, String, String, Option<String>) {
        (
            f["filename"].as_str().unwrap_or_default().to_string(),
            f["location"]["row"].as_u64().unwrap_or_default(),
            f["code"].as_str().unwrap_or_default().to_string(),
            f["symbol"].as_str().unwrap_or_default().to_string(),
            f["parameter"].as_str().map(str::to_string),
        )
    };
    let keys: Vec<_> = findings.iter().map(key).collect();
    let expected = |e: &Expect| {
        (
            format!("{}/{}", p.module, e.0),
            e.1,
            e.2.to_string(),
            e.3.to_string(),
            e.4.map(str::to_string),
        )
    };
    for e in p.present {
        let want = expected(e);
        let near: Vec<_> = keys
            .iter()
            .filter(|k| k.0 == want.0 && k.1.abs_diff(want.1) <= 3)
            .collect();
        assert!(
            keys.contains(&want),
            "{label}: missing {want:?}; findings nearby: {near:#?}"
        );
    }
    for e in p.absent {
        let unwanted = expected(e);
        assert!(
            !keys.contains(&unwanted),
            "{label}: false positive is back: {unwanted:?}"
        );
    }
    insta::assert_snapshot!(p.dist, counts(p, &findings));

    // 4. Runtime cross-check.
    let out = run(Command::new("bash")
        .arg(repo().join("scripts/oracle-venv"))
        .arg(&venv)
        .args(p.specs));
    assert!(
        out.status.success(),
        "scripts/oracle-venv {} {spec_line} failed:\n{}",
        venv.display(),
        text(&out)
    );
    let tmp = tempfile::tempdir().expect("temp dir");
    let findings_json = tmp.path().join("findings.json");
    std::fs::write(&findings_json, &findings_text).expect("write findings");
    let known = repo().join(format!(
        "tests/real_world/known-differences-{}-{}.tsv",
        p.dist, p.version
    ));
    assert!(known.is_file(), "missing {}", known.display());
    let out = run(Command::new(venv.join("bin/python"))
        .arg(repo().join("tests/runtime_oracle/crosscheck.py"))
        .arg("--findings")
        .arg(&findings_json)
        .arg("--known")
        .arg(&known));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in stdout
        .lines()
        .filter(|l| l.starts_with("DAG") || l.starts_with("all:"))
    {
        eprintln!("{label}: cross-check {line}");
    }
    assert!(
        out.status.success() && stdout.lines().any(|l| l.trim() == "PASS"),
        "{label}: the runtime disagrees with findings not listed in {} ({}):\n{}",
        known.display(),
        out.status,
        text(&out)
    );
    // 5. Fixes.
    check_fixes(p, &sources, &venv, &findings);
    eprintln!("{label}: PASS in {:.1}s", start.elapsed().as_secs_f64());
}

/// `--fix` on a copy of the sources: the number of findings fixed is snapshotted; every fixed
/// file compiles and binds the same objects as before (`tests/real_world/fixcheck.py`, in the
/// venv); a second `--fix` changes nothing; the fixed sources have no finding that the
/// original had not (by file, code, message and parameter: the symbol of a finding reached
/// through a private path named that path, and names the public one after the fix), except
/// opt-in DAG203 findings on members of classes that are now imported publicly.
fn check_fixes(p: &Package, sources: &Path, venv: &Path, before: &[Value]) {
    let label = format!("{} {}", p.dist, p.version);
    let tmp = tempfile::tempdir().expect("temp dir");
    let fixed = tmp.path().join("src");
    copy_tree(sources, &fixed);
    let tool = |args: &[&str]| {
        run(Command::new(env!("CARGO_BIN_EXE_dagster-api-lint"))
            .current_dir(&fixed)
            .args([
                "check",
                p.module,
                "--isolated",
                "--select",
                "ALL",
                "--no-cache",
            ])
            .args(["--dagster-version", p.dagster])
            .args(args)
            .env_remove("VIRTUAL_ENV"))
    };
    let out = tool(&["--fix-only"]);
    assert!(
        out.status.success(),
        "{label}: --fix-only failed:\n{}",
        text(&out)
    );
    let summary = String::from_utf8_lossy(&out.stdout).trim().to_string();
    eprintln!("{label}: {summary}");
    insta::assert_snapshot!(format!("{}-fixes", p.dist), summary);

    let changed: Vec<String> = walk_py(&fixed)
        .into_iter()
        .filter(|f| std::fs::read(fixed.join(f)).ok() != std::fs::read(sources.join(f)).ok())
        .collect();
    assert!(!changed.is_empty(), "{label}: --fix changed no file");
    let out = run(Command::new(venv.join("bin/python"))
        .arg(repo().join("tests/real_world/fixcheck.py"))
        .arg(sources)
        .arg(&fixed)
        .args(&changed));
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{label}: fix check {}", stdout.lines().next().unwrap_or(""));
    assert!(
        out.status.success() && stdout.lines().any(|l| l.trim() == "PASS"),
        "{label}: a fixed file does not compile or binds another object:\n{}",
        text(&out)
    );

    let again = tool(&["--diff"]);
    assert!(
        again.status.success() && again.stdout.is_empty(),
        "{label}: a second fix would change something:\n{}",
        text(&again)
    );

    let out = tool(&["--output-format", "json", "--exit-zero", "--quiet"]);
    let after: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON findings");
    let key = |f: &Value| {
        ["filename", "code", "message", "parameter"]
            .map(|k| f[k].as_str().unwrap_or_default().to_string())
    };
    let mut known: BTreeMap<[String; 4], usize> = BTreeMap::new();
    for f in before {
        *known.entry(key(f)).or_default() += 1;
    }
    let mut surfaced = 0;
    for f in &after {
        let left = known.entry(key(f)).or_default();
        if *left == 0 && f["code"] == "DAG203" {
            // The opt-in DAG203 judges members of a class reached through a public name, not
            // through a private path (that path is the finding there): a member of a class
            // now imported publicly surfaces.
            surfaced += 1;
            continue;
        }
        assert!(*left > 0, "{label}: a new finding after the fix: {f}");
        *left -= 1;
    }
    eprintln!("{label}: after the fix, {surfaced} opt-in DAG203 findings surfaced");
}

/// Copies the folder `from` to `to` (files and folders only).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The `.py` files under `root`, as paths relative to it.
fn walk_py(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "py") {
                let relative = path.strip_prefix(root).unwrap();
                out.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

/// The snapshot: findings per rule, and how many of them are members of an inferred object.
fn counts(p: &Package, findings: &[Value]) -> String {
    let mut per_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for f in findings {
        let entry = per_rule
            .entry(f["code"].as_str().unwrap_or("?"))
            .or_default();
        entry.0 += 1;
        if f["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Type inferred from")
        {
            entry.1 += 1;
        }
    }
    let mut out = format!(
        "{} {} checked against dagster {}: {} findings\n",
        p.dist,
        p.version,
        p.dagster,
        findings.len()
    );
    for (code, (all, members)) in per_rule {
        out.push_str(&format!("{code} {all} ({members} on inferred objects)\n"));
    }
    out
}

/// Downloads `dist==version` (no dependencies) into `dir` unless it is there; returns the wheel.
fn download_wheel(dir: &Path, dist: &str, version: &str) -> PathBuf {
    let prefix = format!("{}-{version}-", dist.replace('-', "_"));
    let find = || {
        std::fs::read_dir(dir)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".whl"))
            })
    };
    if let Some(wheel) = find() {
        return wheel;
    }
    let out = run(Command::new("python3")
        .args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:"])
        .args(["--disable-pip-version-check", "--quiet", "--dest"])
        .arg(dir)
        .arg(format!("{dist}=={version}")));
    assert!(
        out.status.success(),
        "pip download {dist}=={version} failed:\n{}",
        text(&out)
    );
    find().unwrap_or_else(|| panic!("pip download left no {prefix}*.whl in {}", dir.display()))
}

/// Unpacks the `.py` files of a wheel into `dest` (replacing it), then marks it complete.
fn unpack_sources(wheel: &Path, dest: &Path) {
    let _ = std::fs::remove_dir_all(dest);
    let file = std::fs::File::open(wheel).expect("open wheel");
    let mut archive = zip::ZipArchive::new(file).expect("read wheel");
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("wheel entry");
        let Some(path) = entry.enclosed_name() else {
            continue;
        };
        if path.extension().is_none_or(|e| e != "py") {
            continue;
        }
        let target = dest.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        let mut out = std::fs::File::create(&target).unwrap();
        std::io::copy(&mut entry, &mut out).unwrap();
    }
    std::fs::write(dest.join(".complete"), wheel.display().to_string()).unwrap();
}

fn skip(label: &str, reason: &str) {
    eprintln!("SKIPPED: real-world test for {label}: {reason}");
}
