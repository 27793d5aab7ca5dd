//! End to end: a repository of three projects, each on its own real dagster release, is judged
//! per project, and the names it reports as removed really are missing at run time.
//!
//! The test installs dagster 1.9.13, 1.11.16 and 1.13.29 into venvs with
//! `scripts/oracle-venv`, in the cache the runtime-oracle tests use
//! (`$DAGSTER_API_LINT_CACHE/dagster-VERSION`, else `target/oracle-venvs/dagster-VERSION`), so
//! the venvs are shared with them. Then:
//!
//! 1. A repository is made whose root project runs 1.9.13 and whose subprojects `orders/` and
//!    `reports/` run 1.11.16 and 1.13.29, each with its venv as `.venv` (a link to the cached
//!    venv) and a `uv.lock` written from what the venv really has installed (its
//!    `dagster*.dist-info` folders). Each project's sources import the names whose status
//!    differs among the three releases (from `catalog diff`).
//! 2. `check .` runs from the root; for every DAG003 (removed / does not exist) finding in a
//!    project, the project's own Python checks that the name is really missing (its import or
//!    attribute access fails): a name the project's release has is never reported as removed.
//! 3. The project files (not the venvs) are copied into another repository, so that only the
//!    locks remain; `check .` from the root and from a subfolder, and with the projects named
//!    in both orders, give for each file the findings of a check of that file alone with its
//!    project's `--dagster-version`, and the same findings as with the venvs.
//!
//! **Needs `python3` (with `venv` and `pip`) and, the first time, PyPI.** Without them the
//! test prints `SKIPPED: <reason>` on stderr and passes.
#![cfg(unix)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{pypi_reachable, python3_works, repo, run, run_tool, text};

/// The projects: folder (relative to the repository) and dagster release.
const PROJECTS: [(&str, &str); 3] = [
    ("", "1.9.13"),
    ("orders", "1.11.16"),
    ("reports", "1.13.29"),
];

fn cache_dir() -> PathBuf {
    match std::env::var_os("DAGSTER_API_LINT_CACHE") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => repo().join("target").join("oracle-venvs"),
    }
}

/// Whether `scripts/oracle-venv` already installed exactly `spec` into `venv`.
fn venv_has(venv: &Path, spec: &str) -> bool {
    venv.join("bin/python").exists()
        && std::fs::read_to_string(venv.join(".installed")).is_ok_and(|s| s.trim() == spec)
}

fn skip(reason: &str) {
    eprintln!("SKIPPED: multi-project end-to-end test: {reason}");
}

/// The venv's site-packages folder.
fn site_packages(venv: &Path) -> PathBuf {
    std::fs::read_dir(venv.join("lib"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("site-packages"))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| panic!("no site-packages in {}", venv.display()))
}

/// A `uv.lock` listing the dagster distributions the venv has installed, as its
/// `*.dist-info` folders name them.
fn lock_of(venv: &Path) -> String {
    let mut lock = String::from("version = 1\n");
    let mut dists: Vec<(String, String)> = std::fs::read_dir(site_packages(venv))
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let (dist, version) = name.strip_suffix(".dist-info")?.rsplit_once('-')?;
            let dist = dist.to_ascii_lowercase().replace('_', "-");
            dist.starts_with("dagster")
                .then(|| (dist, version.to_string()))
        })
        .collect();
    dists.sort();
    assert!(
        dists.iter().any(|(d, _)| d == "dagster"),
        "no dagster dist-info in {}",
        venv.display()
    );
    for (dist, version) in dists {
        lock.push_str(&format!(
            "\n[[package]]\nname = \"{dist}\"\nversion = \"{version}\"\n"
        ));
    }
    lock
}

/// Top-level dagster names whose status differs among the releases (added, removed or
/// changed between two of them), as `from dagster import ...` lines, plus a few modules.
fn versioned_source() -> String {
    let mut names = BTreeSet::new();
    for (old, new) in [("1.9.13", "1.11.16"), ("1.11.16", "1.13.29")] {
        let out = run_tool(&repo(), &["catalog", "diff", old, new, "--format", "json"]);
        assert!(out.status.success(), "{}", text(&out));
        let changes: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        for change in changes {
            let symbol = change["symbol"].as_str().unwrap_or_default();
            let Some(name) = symbol.strip_prefix("dagster.") else {
                continue;
            };
            if change["parameter"].is_null()
                && !name.contains('.')
                && !name.starts_with('_')
                && change["change"] != "changed"
            {
                names.insert(name.to_string());
            }
        }
    }
    for name in [
        "FreshnessPolicy",
        "apply_freshness_policy",
        "AutomationCondition",
    ] {
        names.insert(name.to_string());
    }
    let mut source = String::from("import dagster.components\nimport dagster.preview\n");
    for name in &names {
        source.push_str(&format!("from dagster import {name}\n"));
    }
    source
}

/// A second file, in a package below the project folder.
const NESTED: &str = "import dagster as dg\n\npolicy = dg.FreshnessPolicy(maximum_lag_minutes=5)\nloaded = dg.components.load_defs\nfresh = dg.apply_freshness_policy\n";

type PerFile = BTreeMap<String, Vec<(u64, u64, String, String, String)>>;

/// `..` and `.` removed, lexically.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
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

/// The JSON findings of `check` in `root/cwd`, by file (relative to `root`).
fn findings(root: &Path, cwd: &str, args: &[&str]) -> PerFile {
    let mut all = vec!["check", "--no-cache", "--output-format", "json"];
    all.extend_from_slice(args);
    let out = run_tool(&root.join(cwd), &all);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{all:?} in {cwd}:\n{}",
        text(&out)
    );
    let records: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{all:?}: {e}\n{}", text(&out)));
    let mut per_file = PerFile::new();
    for r in records {
        let name = lexical(&Path::new(cwd).join(r["filename"].as_str().unwrap()));
        let field = |key: &str| r[key].as_str().unwrap_or_default().to_string();
        per_file
            .entry(name.to_string_lossy().into_owned())
            .or_default()
            .push((
                r["location"]["row"].as_u64().unwrap(),
                r["location"]["column"].as_u64().unwrap(),
                field("code"),
                field("symbol"),
                field("message"),
            ));
    }
    per_file
}

/// The project (index in [`PROJECTS`]) a file of the repository belongs to.
fn project_of(file: &str) -> usize {
    PROJECTS
        .iter()
        .rposition(|(folder, _)| folder.is_empty() || file.starts_with(&format!("{folder}/")))
        .unwrap()
}

/// Asks the venv's Python which of `symbols` (dotted paths) exist: a module that imports, or
/// an attribute reached from the longest importable module.
fn existing(python: &Path, symbols: &BTreeSet<String>) -> BTreeMap<String, bool> {
    const SCRIPT: &str = r#"
import importlib, json, sys, warnings
warnings.simplefilter("ignore")
out = {}
for symbol in sys.argv[1:]:
    parts = symbol.split(".")
    found = False
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except Exception:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
            found = True
        except Exception:
            found = False
        break
    out[symbol] = found
print(json.dumps(out))
"#;
    let out = run(Command::new(python).arg("-c").arg(SCRIPT).args(symbols));
    assert!(out.status.success(), "{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn three_projects_on_three_real_releases() {
    if let Err(reason) = python3_works() {
        skip(&reason);
        return;
    }
    let venvs: Vec<PathBuf> = PROJECTS
        .iter()
        .map(|(_, v)| cache_dir().join(format!("dagster-{v}")))
        .collect();
    let missing = PROJECTS
        .iter()
        .zip(&venvs)
        .any(|((_, v), venv)| !venv_has(venv, &format!("dagster=={v}")));
    if missing {
        if let Err(reason) = pypi_reachable() {
            skip(&reason);
            return;
        }
    }
    for ((_, version), venv) in PROJECTS.iter().zip(&venvs) {
        let spec = format!("dagster=={version}");
        let out = run(Command::new("bash")
            .arg(repo().join("scripts/oracle-venv"))
            .arg(venv)
            .arg(&spec));
        if !out.status.success() {
            skip(&format!(
                "scripts/oracle-venv {} {spec} failed: {}",
                venv.display(),
                text(&out)
            ));
            return;
        }
    }

    // 1. The repository, each project with its venv and the lock of what the venv holds.
    let source = versioned_source();
    let with_venvs = tempfile::tempdir().unwrap();
    let mut files: Vec<String> = Vec::new();
    for ((folder, _), venv) in PROJECTS.iter().zip(&venvs) {
        let dir = with_venvs.path().join(folder);
        std::fs::create_dir_all(dir.join("pipelines")).unwrap();
        std::os::unix::fs::symlink(venv, dir.join(".venv")).unwrap();
        std::fs::write(dir.join("uv.lock"), lock_of(venv)).unwrap();
        std::fs::write(dir.join("definitions.py"), &source).unwrap();
        std::fs::write(dir.join("pipelines/__init__.py"), "").unwrap();
        std::fs::write(dir.join("pipelines/assets.py"), NESTED).unwrap();
        let prefix = if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        };
        files.push(format!("{prefix}definitions.py"));
        files.push(format!("{prefix}pipelines/assets.py"));
    }

    // 2. Every name reported as removed is missing from the project's own release.
    let judged = findings(with_venvs.path(), "", &["."]);
    let mut removed = 0;
    for (index, ((folder, version), venv)) in PROJECTS.iter().zip(&venvs).enumerate() {
        let symbols: BTreeSet<String> = judged
            .iter()
            .filter(|(file, _)| project_of(file) == index)
            .flat_map(|(_, found)| found)
            .filter(|f| f.2 == "DAG003")
            .map(|f| f.3.clone())
            .collect();
        removed += symbols.len();
        let exists = existing(&venv.join("bin/python"), &symbols);
        let wrong: Vec<&String> = symbols.iter().filter(|s| exists[*s]).collect();
        assert!(
            wrong.is_empty(),
            "project `{folder}` (dagster {version}) reports names its release has as removed: {wrong:?}"
        );
        eprintln!(
            "dagster {version}: {} names reported as removed, each missing at run time",
            symbols.len()
        );
    }
    assert!(removed > 0, "no DAG003 finding at all: {judged:?}");

    // 3. Only the locks: the same findings, per file, whatever the folder and path order.
    let locked = tempfile::tempdir().unwrap();
    for (folder, _) in PROJECTS {
        let from = with_venvs.path().join(folder);
        let to = locked.path().join(folder);
        std::fs::create_dir_all(to.join("pipelines")).unwrap();
        for file in [
            "uv.lock",
            "definitions.py",
            "pipelines/__init__.py",
            "pipelines/assets.py",
        ] {
            std::fs::copy(from.join(file), to.join(file)).unwrap();
        }
        assert!(!to.join(".venv").exists());
    }
    let root = locked.path();
    let whole = findings(root, "", &["."]);
    assert_eq!(whole, judged, "the locks judge as the venvs did");
    for (cwd, args) in [
        ("orders", vec![".."]),
        ("reports/pipelines", vec!["../.."]),
        ("", vec!["reports", "orders", "definitions.py", "pipelines"]),
        ("", vec!["pipelines", "definitions.py", "orders", "reports"]),
        (
            "orders",
            vec!["../reports", ".", "../pipelines", "../definitions.py"],
        ),
    ] {
        assert_eq!(findings(root, cwd, &args), whole, "{args:?} from `{cwd}`");
    }
    for file in &files {
        let version = PROJECTS[project_of(file)].1;
        let alone = findings(root, "", &["--dagster-version", version, file]);
        assert_eq!(
            alone.get(file),
            whole.get(file),
            "{file}: its findings are those of dagster {version}"
        );
    }
}
