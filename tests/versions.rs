//! Every release is judged by its own catalog (issue: a version-history catalog): exact
//! releases, minors, unknown and invalid versions, what DAG003 says of a name's history, and
//! upgrade targets judged by the target's real catalog.

mod common;

use std::process::Output;

use common::{run_tool, stdout};

/// A temporary folder with `test.py` holding `source`.
fn file(source: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("test.py"), source).unwrap();
    dir
}

/// `check --no-cache --output-format concise` of `source` with extra arguments.
fn check(source: &str, args: &[&str]) -> Output {
    let dir = file(source);
    let mut all = vec![
        "check",
        "--no-cache",
        "--output-format",
        "concise",
        "test.py",
    ];
    all.extend_from_slice(args);
    run_tool(dir.path(), &all)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The concise lines that report findings.
fn findings(o: &Output) -> Vec<String> {
    stdout(o)
        .lines()
        .filter(|l| l.starts_with("test.py:"))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_name_that_exists_in_the_release_is_never_reported_missing() {
    // Both exist in 1.12.18, which no catalog covered before: the nearest older one (1.11.16)
    // called them removed.
    let source = "from dagster import FreshnessPolicy, apply_freshness_policy\n";
    let out = check(source, &["--dagster-version", "1.12.18"]);
    assert_eq!(findings(&out), Vec::<String>::new(), "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(0));
    assert!(!stderr(&out).contains("note"), "{}", stderr(&out));
}

#[test]
fn dag003_says_whether_a_name_came_later_went_earlier_or_never_was() {
    let out = check(
        "import dagster.components\nfrom dagster import FreshnessPolicy\n",
        &["--dagster-version", "1.9.13"],
    );
    let text = findings(&out).join("\n");
    assert!(
        text.contains("`dagster.components` was added in dagster 1.10.8: your project's dagster 1.9.13 does not have it yet"),
        "{text}"
    );
    let out = check(
        "from dagster import FreshnessPolicy\n",
        &["--dagster-version", "1.11.12"],
    );
    let text = findings(&out).join("\n");
    assert!(
        text.contains("`FreshnessPolicy` was removed in dagster 1.11.0: importing it from dagster 1.11.12 raises ImportError."),
        "{text}"
    );
    let out = check(
        "import dagster.core.definitions\n",
        &["--dagster-version", "1.13.29"],
    );
    let text = findings(&out).join("\n");
    assert!(
        text.contains("was removed in dagster 1.13.0 (it existed from 1.0.0)"),
        "{text}"
    );
    let out = check(
        "from dagster import StaticPartitionDefinition, hook\n",
        &["--dagster-version", "1.13.29"],
    );
    let text = findings(&out).join("\n");
    assert!(
        text.contains("`dagster.StaticPartitionDefinition` does not exist in any release of dagster (1.0.0 to ")
            && text.contains("Did you mean `dagster.StaticPartitionsDefinition`?")
            && !text.contains("DynamicPartitionsDefinition"),
        "{text}"
    );
    assert!(
        text.contains("`dagster.hook` does not exist in any release")
            && text.contains("`dagster.failure_hook`")
            && text.contains("`dagster.success_hook`"),
        "{text}"
    );
}

#[test]
fn a_deprecation_says_since_when() {
    let out = check(
        "from dagster import AutoMaterializePolicy\n",
        &["--dagster-version", "1.13.29"],
    );
    let text = findings(&out).join("\n");
    assert!(
        text.contains("`AutoMaterializePolicy` is deprecated since 1."),
        "{text}"
    );
}

#[test]
fn versions_that_are_not_releases_are_placed_among_them_with_a_note() {
    let source = "from dagster import FreshnessPolicy\n";
    let newer_patch = check(source, &["--dagster-version", "1.12.99"]);
    assert!(
        stderr(&newer_patch).contains(
            "dagster 1.12.99 is newer than every 1.12 release known to this tool: judging by dagster 1.12.22"
        ),
        "{}",
        stderr(&newer_patch)
    );
    let exact = check(source, &["--dagster-version", "1.12.22"]);
    assert_eq!(findings(&newer_patch), findings(&exact));
    let minor = check(source, &["--dagster-version", "1.12"]);
    assert!(!stderr(&minor).contains("note"), "{}", stderr(&minor));
    assert_eq!(findings(&minor), findings(&exact));
    let newest = check(source, &["--dagster-version", "9.0"]);
    assert!(
        stderr(&newest).contains("newer than every release known to this tool"),
        "{}",
        stderr(&newest)
    );
}

#[test]
fn invalid_versions_are_usage_errors() {
    for args in [
        ["--dagster-version", "banana"],
        ["--target-version", "py311"],
    ] {
        let out = check("import dagster\n", &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("is not a version"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn a_target_that_still_has_a_name_past_its_breaking_version_calls_it_overdue() {
    let source = "from dagster import AutoMaterializePolicy\n";
    // 1.13.29 still has it, although its breaking version is 1.10.0: overdue, not broken.
    let out = check(
        source,
        &["--dagster-version", "1.9.13", "--target-version", "1.13.29"],
    );
    let text = findings(&out).join("\n");
    assert!(
        text.contains("Overdue: its removal was planned for 1.10.0, but the target version 1.13.29 still has it."),
        "{text}"
    );
    assert!(!text.contains("breaks at or before"), "{text}");
    // Beyond every release, breaking versions decide.
    let dir = file(source);
    let out = run_tool(
        dir.path(),
        &[
            "check",
            "--no-cache",
            "test.py",
            "--dagster-version",
            "1.9.13",
            "--target-version",
            "2.0",
            "--output-format",
            "json",
        ],
    );
    let records: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let record = &records[0];
    assert_eq!(record["severity"], "error", "{record}");
    assert!(
        record["message"]
            .as_str()
            .unwrap()
            .contains("It breaks at or before the target version 2.0."),
        "{record}"
    );
    // A target that removed the name: DAG003 at the target.
    let out = check(
        "from dagster import FreshnessPolicy\n",
        &["--dagster-version", "1.10.21", "--target-version", "1.11"],
    );
    let text = findings(&out).join("\n");
    assert!(text.contains("DAG003"), "{text}");
}

#[test]
fn catalog_show_and_diff_take_any_release() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_tool(
        dir.path(),
        &[
            "catalog",
            "show",
            "--version",
            "1.12.18",
            "apply_freshness_policy",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("dagster.apply_freshness_policy"));
    let out = run_tool(dir.path(), &["catalog", "diff", "1.10.15", "1.12"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("dagster 1.10.15 -> 1.12.22\n"), "{text}");
    assert!(text.contains("+ dagster.apply_freshness_policy"), "{text}");
    assert!(!text.contains("(breaking in )"), "{text}");
}
