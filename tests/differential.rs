//! Differential tests of the results cache: for every setting that changes a finding, a run
//! with `--no-cache`, a cold run (empty cache) and a warm run (the cache the cold run wrote)
//! give byte-identical stdout and the same exit code.

mod common;

use std::path::Path;
use std::process::Output;

use common::run_tool;

/// What a run shows: its exit code and stdout.
type Shown = (Option<i32>, String);

fn shown(out: &Output) -> Shown {
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Runs `check` in `dir` with `args` three ways (`--no-cache`, then with an empty cache
/// in `cache`, then again with what that run cached) and asserts they show the same thing.
/// Returns what they showed.
fn same_three_ways(dir: &Path, cache: &Path, args: &[&str]) -> Shown {
    let _ = std::fs::remove_dir_all(cache);
    let cache_arg = cache.to_str().expect("a UTF-8 temporary path");
    let with_cache = || {
        let mut all = vec!["check", "--cache-dir", cache_arg];
        all.extend(args);
        shown(&run_tool(dir, &all))
    };
    let mut uncached = vec!["check", "--no-cache"];
    uncached.extend(args);
    let reference = shown(&run_tool(dir, &uncached));
    let cold = with_cache();
    assert_eq!(cold, reference, "cold cache vs --no-cache for {args:?}");
    let warm = with_cache();
    assert_eq!(warm, reference, "warm cache vs --no-cache for {args:?}");
    reference
}

/// A temporary project with the given files.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// Issue 19, item 1: upgrade planning escalates a deprecation that breaks by a target newer
/// than every release to an error; the cache used to store the rule's default severity, so a
/// warm run said `warning`.
#[test]
fn upgrade_planning_severities_survive_the_cache() {
    let dir = project(&[(
        "a.py",
        "import dagster as dg\nx = dg.SourceAsset(key=\"a\")\n",
    )]);
    let cache = dir.path().join("cache");
    for (current, target) in [("1.12.22", "2.0"), ("1.9.13", "1.13.28")] {
        let args = [
            "--dagster-version",
            current,
            "--target-version",
            target,
            "--output-format",
            "json",
            "a.py",
        ];
        let (code, json) = same_three_ways(dir.path(), &cache, &args);
        assert_eq!(code, Some(1));
        assert!(json.contains("SourceAsset"), "{json}");
        if target == "2.0" {
            assert!(json.contains("\"severity\": \"error\""), "{json}");
        }
    }
}
