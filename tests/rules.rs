//! Per-rule fixture tests, in process, as ruff's `test_case`s: each rule's fixture
//! `tests/fixtures/rules/<CODE>.py` (a folder `<CODE>/` for a rule about projects) is checked against dagster 1.13.29 (with dagster-dbt
//! 0.29.27) with the default rules and that one selected, and what it reports, in the text
//! format with snippets, is an insta snapshot (`tests/snapshots/rules__<CODE>.snap`). The fixtures hold the
//! tricky resolution cases (aliases, star and function-local imports, the injected `context`,
//! decorator keywords, noqa) beside the plain ones; a comment on each line says what to expect.
//!
//! Adding a rule: its module under `src/rules/`, a registry line, a fixture here and a line
//! in `fixture_tests!`; `every_rule_has_a_fixture_test` fails until the last two exist.

use std::path::Path;

use dagster_api_lint::catalog::shipped;
use dagster_api_lint::check::Checker;
use dagster_api_lint::config::{Overrides, Source};
use dagster_api_lint::diagnostic::Diagnostic;
use dagster_api_lint::project::Project;
use dagster_api_lint::report::{text, RenderOptions};
use dagster_api_lint::rules::selection::{apply_settings, RuleSettings};
use dagster_api_lint::rules::{self, Rule};
use dagster_api_lint::runner;

/// The fixture of `rule`: `<CODE>.py`, or the folder `<CODE>/` for a rule about projects.
fn fixture(rule: &Rule) -> String {
    let folder = format!("{FIXTURES}/{}", rule.code);
    match Path::new(&folder).is_dir() {
        true => folder,
        false => format!("{folder}.py"),
    }
}

/// The releases the fixtures are judged by.
const CATALOGS: [(&str, &str); 2] = [("dagster", "1.13.29"), ("dagster_dbt", "0.29.27")];

/// Where the fixtures are, relative to the crate root (the tests' current directory).
const FIXTURES: &str = "tests/fixtures/rules";

fn checker() -> Checker {
    let catalogs = CATALOGS
        .iter()
        .map(|(package, version)| shipped::find(package, version).expect("shipped catalog"))
        .collect();
    Checker::new(catalogs, Vec::new())
}

/// The project-level findings of the fixture folder `tests/fixtures/rules/<CODE>/` (a
/// project: its `pyproject.toml`), as a check of that folder reports them first.
fn project_findings(code: &str) -> Vec<Diagnostic> {
    let folder = Path::new(FIXTURES).join(code);
    let project = Project::open(&folder, Source::Isolated, Overrides::default()).unwrap();
    let versions = project.version_project_of_dir(&folder).unwrap();
    project.python_support(&versions).into_iter().collect()
}

/// The findings of `rule` in its fixture, after selection and noqa directives, as the text
/// format shows them (with snippets).
fn reported(rule: &'static Rule) -> String {
    let path = fixture(rule);
    let found = if Path::new(&path).is_dir() {
        project_findings(rule.code)
    } else {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        match runner::source_of(Path::new(&path), bytes) {
            // (The fixtures are in no package: no `__init__.py` above them.)
            Ok((source, _)) => checker().check_source(None, &path, &source),
            Err(message) => vec![Diagnostic::io_error(&path, &message)],
        }
    };
    // The default selection plus this rule (for the opt-in ones), as a user enables it: the
    // other rules' findings decide which noqa directives are used.
    let settings = RuleSettings {
        extend_select: vec![rule.code.to_string()],
        ..RuleSettings::default()
    };
    let (mut kept, _hidden) = apply_settings(found, &settings);
    kept.retain(|d| d.rule == rule);
    assert!(!kept.is_empty(), "{path} must report {}", rule.code);
    let mut out = Vec::new();
    text::write_diagnostics(&mut out, &kept, None, true, &RenderOptions::default()).unwrap();
    String::from_utf8(out).unwrap()
}

/// One test per rule, named after it, and the list of the rules they cover.
macro_rules! fixture_tests {
    ($($test:ident: $rule:ident,)*) => {
        $(
            #[test]
            fn $test() {
                insta::assert_snapshot!(rules::$rule.code, reported(&rules::$rule));
            }
        )*
        /// The rules with a fixture test.
        const TESTED: &[&Rule] = &[$(&rules::$rule,)*];
    };
}

fixture_tests! {
    deprecated_symbol: DEPRECATED_SYMBOL,
    deprecated_parameter: DEPRECATED_PARAMETER,
    removed_symbol: REMOVED_SYMBOL,
    beta_symbol: BETA_SYMBOL,
    beta_parameter: BETA_PARAMETER,
    preview_symbol: PREVIEW_SYMBOL,
    superseded_symbol: SUPERSEDED_SYMBOL,
    private_import: PRIVATE_IMPORT,
    non_public_api: NON_PUBLIC_API,
    non_public_member: NON_PUBLIC_MEMBER,
    unsupported_python: UNSUPPORTED_PYTHON,
    unused_noqa: UNUSED_NOQA,
    io_error: IO_ERROR,
    syntax_error: SYNTAX_ERROR,
}

#[test]
fn every_rule_has_a_fixture_test() {
    let untested: Vec<&str> = rules::RULES
        .iter()
        .filter(|rule| !TESTED.contains(rule))
        .map(|rule| rule.code)
        .collect();
    assert!(
        untested.is_empty(),
        "rules without a fixture test: {untested:?}"
    );
    for rule in TESTED {
        let fixture = fixture(rule);
        assert!(Path::new(&fixture).exists(), "{fixture} is missing");
    }
}

/// The README's rules table lists every rule of the registry, one row each, with its name,
/// default severity and whether it is opt-in, in registry order.
#[test]
fn the_readme_rules_table_matches_the_registry() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let rows: Vec<Vec<&str>> = readme
        .lines()
        .skip_while(|line| !line.starts_with("| Code | Name | Default |"))
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| line.split('|').map(str::trim).skip(1).take(3).collect())
        .collect();
    let expected: Vec<Vec<String>> = rules::RULES
        .iter()
        .map(|rule| {
            let default = match rule.selected_by_default {
                true => rule.severity.as_str().to_string(),
                false => format!("{}, opt-in", rule.severity.as_str()),
            };
            vec![rule.code.to_string(), rule.name.to_string(), default]
        })
        .collect();
    assert_eq!(rows, expected, "README.md's rules table is out of date");
}
