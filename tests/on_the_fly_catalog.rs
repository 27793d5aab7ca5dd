//! A dagster build that is not a shipped release (a local `+dev` version), installed in the project's virtualenv: the
//! catalog is built from the installed sources on the fly, cached, and used.
//!
//! Needs the network (PyPI, through pip) to download dagster 1.7.16; prints `SKIPPED` and passes
//! when pip or PyPI is unavailable.

use std::path::Path;
use std::process::Command;

fn pip_download(spec: &str, dest: &Path) -> bool {
    Command::new("python3")
        .args([
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--timeout",
            "30",
            "-d",
        ])
        .arg(dest)
        .arg(spec)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn unshipped_release_in_a_venv_is_catalogued_from_its_sources() {
    let wheels = tempfile::tempdir().unwrap();
    if !pip_download("dagster==1.7.16", wheels.path()) {
        eprintln!("SKIPPED: could not download dagster 1.7.16 from PyPI");
        return;
    }
    let wheel = std::fs::read_dir(wheels.path())
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let project = tempfile::tempdir().unwrap();
    let site = project.path().join(".venv/lib/python3.11/site-packages");
    std::fs::create_dir_all(&site).unwrap();
    let unpacked = Command::new("python3")
        .args(["-m", "zipfile", "-e"])
        .arg(&wheel)
        .arg(&site)
        .status()
        .unwrap();
    assert!(unpacked.success());
    // Every release has a shipped catalog now: a local build of 1.7.16 (`1.7.16+dev`, as an
    // editable or patched install reports itself) is not one, so it is catalogued from its
    // sources.
    std::fs::rename(
        site.join("dagster-1.7.16.dist-info"),
        site.join("dagster-1.7.16+dev.dist-info"),
    )
    .unwrap();
    // In 1.7: `SourceAsset` is stable (deprecated later), `build_metadata_bounds_checks` is new and
    // experimental (absent from the nearest older shipped catalog, 1.5.14, which would call it
    // removed), `AssetSelection.keys` is already deprecated.
    std::fs::write(
        project.path().join("defs.py"),
        "import dagster as dg\nsel = dg.AssetSelection.keys('a')\nsrc = dg.SourceAsset('b')\nx = dg.build_metadata_bounds_checks\n",
    )
    .unwrap();
    let cache = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_dagster-api-lint"))
            .current_dir(project.path())
            .env_remove("VIRTUAL_ENV")
            .env("XDG_CACHE_HOME", cache.path())
            .args(args)
            .output()
            .unwrap()
    };
    let settings =
        String::from_utf8_lossy(&run(&["check", "--show-settings", "defs.py"]).stdout).into_owned();
    assert!(
        settings.contains("dagster 1.7.16+dev from virtualenv .venv/")
            && settings.contains("built from the installed sources"),
        "{settings}"
    );
    let cached: Vec<_> = walk(cache.path());
    assert!(
        cached
            .iter()
            .any(|p| p.contains("dagster-1.7.16+dev-") && p.ends_with(".json")),
        "{cached:?}"
    );

    let out = run(&["defs.py", "--output-format", "concise"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("defs.py:2:7: DAG001 `AssetSelection.keys` is deprecated"),
        "{text}"
    );
    assert!(!text.contains("SourceAsset"), "stable in 1.7: {text}");
    assert!(
        text.contains("defs.py:4:5: DAG101 `build_metadata_bounds_checks` is experimental"),
        "{text}"
    );
    assert!(!text.contains("DAG003"), "{text}");
    // Second run reads the cache and answers the same.
    let again = run(&["defs.py", "--output-format", "concise"]);
    assert_eq!(String::from_utf8_lossy(&again.stdout), text);
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.to_string_lossy().into_owned());
        }
    }
    out
}
