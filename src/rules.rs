//! The rule registry: every diagnostic the tool can emit, with its code, name, default
//! severity and documentation (`dagster-api-lint rule CODE`).

use serde::Serialize;

/// How serious a finding is by default (mapped to SARIF levels, GitHub annotation kinds, ...).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Will break (or already is broken).
    Error,
    /// No stability guarantee; may break on upgrade.
    Warning,
    /// Worth knowing; low risk.
    Info,
}

impl Severity {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable code (`DAG001`).
    pub code: &'static str,
    /// Kebab-case name (`deprecated-symbol`).
    pub name: &'static str,
    /// The status a finding of this rule reports (`deprecated`, `beta`, ...).
    pub status: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// False for a noisy rule that runs only when selected explicitly (by its code, a prefix
    /// of it, or `ALL`), as ruff's rules outside its default selection.
    pub selected_by_default: bool,
    /// One-line summary.
    pub summary: &'static str,
    /// Full documentation in Markdown (what it does, why, example, how to fix).
    pub doc: &'static str,
}

/// Where the rule documentation lives online.
pub const DOCS_URL: &str =
    "https://github.com/dagster-api-lint/dagster-api-lint/blob/main/docs/rules.md";

impl Rule {
    /// The rule's documentation URL.
    pub fn url(&self) -> String {
        format!("{DOCS_URL}#{}", self.code.to_ascii_lowercase())
    }
}

/// Every rule, in code order.
pub static RULES: &[Rule] = &[
    Rule {
        code: "DAG001",
        name: "deprecated-symbol",
        status: "deprecated",
        severity: Severity::Warning,
        selected_by_default: true,
        summary: "Use of a deprecated Dagster API",
        doc: "## What it does
Flags imports and uses of Dagster names, class members and decorators marked `@deprecated`
(including names served by a module `__getattr__` deprecation table).

## Why is this bad?
A deprecated API is scheduled for removal: it carries a `breaking_version`, the release in
which it stops working. Dagster warns about it only at run time, once, when the code path runs.

## Example
```python
from dagster import SourceAsset

raw = SourceAsset(key=\"raw\")
```

Use instead:
```python
from dagster import AssetSpec

raw = AssetSpec(key=\"raw\")
```

## How to fix
Follow the hint in the message; it comes from Dagster's own deprecation text. A deprecated
property that only returns another public member (its source is `return self.x`) has a safe
fix (`--fix`): `context.asset_partition_key_range` becomes `context.partition_key_range`.
Other deprecations get no fix: a hint that names a replacement is not a rename.",
    },
    Rule {
        code: "DAG002",
        name: "deprecated-parameter",
        status: "deprecated",
        severity: Severity::Warning,
        selected_by_default: true,
        summary: "Use of a deprecated parameter of a Dagster API",
        doc: "## What it does
Flags keyword arguments that Dagster marks with `deprecated_param` or `hidden_param`, in calls,
decorator calls (`@asset(compute_kind=...)`), class constructors and methods.

## Why is this bad?
The parameter goes away in its breaking version; calls that pass it will then fail.

## Example
```python
@dg.asset(compute_kind=\"dbt\")
def orders(): ...
```

Use instead:
```python
@dg.asset(kinds={\"dbt\"})
def orders(): ...
```",
    },
    Rule {
        code: "DAG003",
        name: "removed-symbol",
        status: "removed",
        severity: Severity::Error,
        selected_by_default: true,
        summary: "Use of a Dagster name that does not exist in the selected version",
        doc: "## What it does
Flags names that the selected Dagster version no longer has, or that now raise `ImportError`
(`_DEPRECATED_WITH_ERROR`), and modules that no longer exist (such as `dagster.core` after 1.12).

## Why is this bad?
The import fails: the code does not run on that version.

## How to fix
Use the replacement named in the message, or pin a Dagster version that still has the name
(`--dagster-version`).",
    },
    Rule {
        code: "DAG101",
        name: "beta-symbol",
        status: "beta",
        severity: Severity::Warning,
        selected_by_default: true,
        summary: "Use of a beta (formerly experimental) Dagster API",
        doc: "## What it does
Flags uses of names and members marked `@beta` (called `@experimental` up to Dagster 1.9).

## Why is this bad?
Beta APIs are excluded from Dagster's stability promise: they may change or disappear in any
release, including a patch release.

## How to fix
Pin Dagster tightly while you depend on it, or use a stable alternative. Suppress with
`# noqa: DAG101` where the risk is accepted.",
    },
    Rule {
        code: "DAG102",
        name: "beta-parameter",
        status: "beta",
        severity: Severity::Warning,
        selected_by_default: true,
        summary: "Use of a beta parameter of a Dagster API",
        doc: "## What it does
Flags keyword arguments marked `beta_param` (or `experimental_param` up to Dagster 1.9).

## Why is this bad?
A beta parameter may change meaning or disappear in any release, even on a stable function.",
    },
    Rule {
        code: "DAG103",
        name: "preview-symbol",
        status: "preview",
        severity: Severity::Warning,
        selected_by_default: true,
        summary: "Use of a preview Dagster API",
        doc: "## What it does
Flags uses of names marked `@preview` (and everything under `dagster.preview`).

## Why is this bad?
Preview APIs are early: not ready for production use, and they may change or be removed
without notice.",
    },
    Rule {
        code: "DAG104",
        name: "superseded-symbol",
        status: "superseded",
        severity: Severity::Info,
        selected_by_default: true,
        summary: "Use of a superseded Dagster API",
        doc: "## What it does
Flags uses of names marked `@superseded`: APIs that still work and are not scheduled for
removal, but for which Dagster recommends a newer approach.

## Why is this bad?
New features land on the replacement; the superseded API may be deprecated later.",
    },
    Rule {
        code: "DAG201",
        name: "private-import",
        status: "private",
        severity: Severity::Warning,
        selected_by_default: true,
        summary: "Use of a private Dagster module or attribute",
        doc: "## What it does
Flags imports from and attribute paths into private modules (`dagster._core...`, any segment
starting with `_`, and the old `dagster.core` aliases of them), and private members of Dagster
objects (`context._step_execution_context`).

A name imported from a private module is reported once, at the import, where the fix is: its
uses are reported only where they reach a private path themselves (`dg._core.x`,
`Imported._member`). Markers of what it reaches (deprecated, beta, ...) are still reported at
every use, since every call site needs a change.

## Why is this bad?
Private modules carry no stability guarantee at all: they are reorganised in minor and patch
releases. When the object is also exported publicly, the message says so.

## Example
```python
from dagster._core.definitions import AssetsDefinition
```

Use instead:
```python
from dagster import AssetsDefinition
```

## How to fix
When a public module exports the very same object, `--fix` rewrites the import (a safe fix:
it joins an existing `from dagster import (...)` of the block, keeping aliases and comments).",
    },
    Rule {
        code: "DAG202",
        name: "non-public-api",
        status: "non-public",
        severity: Severity::Info,
        selected_by_default: true,
        summary: "Use of a Dagster name from a module that is not public API",
        doc: "## What it does
Flags names imported from non-underscore Dagster modules that are not public namespaces
(for example `dagster.components.core.context`). A name from a non-public module is reported
at its import, not at each use. Members of classes that are not marked `@public` are the
opt-in rule DAG203 (non-public-member).

## Why is this bad?
Dagster's promise covers the names exported at the top level of each package (and a few
documented namespaces). Anything else may change in any release.

## How to fix
When a public module exports the very same object, `--fix` imports it from there (a safe
fix, as for DAG201).",
    },
    Rule {
        code: "DAG203",
        name: "non-public-member",
        status: "non-public",
        severity: Severity::Info,
        selected_by_default: false,
        summary: "Use of a method or property of a Dagster class that is not marked `@public`",
        doc: "## What it does
Flags methods and properties of Dagster classes that exist but are not marked `@public`
(`result.success`, `SensorEvaluationContext.log`, `DuckDBResource.get_connection`). Data
attributes (record fields, config fields, enum values) are not reported, nor members of a
library that marks nothing `@public` at all (such as `dagster_pipes`).

Not selected by default: dagster's own tutorials use many such members, so the rule is noisy.
Enable it with `--extend-select DAG203` (or `extend-select = [\"DAG203\"]`, or
`select = [\"ALL\"]`).

## Why is this bad?
Dagster's promise covers the `@public` members of its classes; other members may change in any
release, though many are long-standing idioms.",
    },
    Rule {
        code: "DAG301",
        name: "unsupported-python",
        status: "unsupported-python",
        severity: Severity::Warning,
        selected_by_default: true,
        summary: "The project allows a Python version the selected Dagster does not support",
        doc: "## What it does
Compares the project's `requires-python` (pyproject.toml) with the `Requires-Python` of the
selected (or target) Dagster release, and reports Python versions the project allows but Dagster
does not support.

## Why is this bad?
Installs on those Python versions resolve to an older Dagster or fail.",
    },
    Rule {
        code: "DAG900",
        name: "unused-noqa",
        status: "unused-noqa",
        severity: Severity::Warning,
        selected_by_default: false,
        summary: "A `noqa` directive that hides no finding",
        doc: "## What it does
Flags `# noqa: CODE` comments whose codes (of this tool's rules) hide no finding of the line,
and file directives (`# dagster-api-lint: noqa`, `# dagster-api-lint: noqa: CODE`) that hide
nothing in the file, like ruff's RUF100. A bare line `# noqa` is not reported (it speaks to
every linter), nor are codes of other tools (`# noqa: E501`).

Not selected by default: enable it with `--extend-select DAG900` (or `select = [\"ALL\"]`).
Selection, `ignore` and `per-file-ignores` apply to it; noqa directives do not.

## Why is this bad?
A directive left behind after the code was fixed hides the next real finding on that line or
in that file.

## Example
```python
from dagster import AssetSpec  # noqa: DAG001
```

Use instead:
```python
from dagster import AssetSpec
```",
    },
    Rule {
        code: "E902",
        name: "io-error",
        status: "io-error",
        severity: Severity::Error,
        selected_by_default: true,
        summary: "A file could not be read or decoded",
        doc: "## What it does
Reports files that could not be checked: unreadable, not valid text in their declared encoding
(PEP 263), binary, larger than the size limit, or part of a symlink loop. Every other file is
still checked; the exit code is 2.",
    },
    Rule {
        code: "E999",
        name: "syntax-error",
        status: "syntax-error",
        severity: Severity::Error,
        selected_by_default: true,
        summary: "A file has a syntax error",
        doc: "## What it does
Reports Python syntax errors with their location. The parser recovers, so the rest of the file
is still checked.",
    },
];

/// The rule with this code (case-insensitive).
pub fn by_code(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

/// The codes of the rules selected by default (the default `select`).
pub fn default_selection() -> Vec<String> {
    RULES
        .iter()
        .filter(|r| r.selected_by_default)
        .map(|r| r.code.to_string())
        .collect()
}

/// The defaults line of a rule's documentation: severity, whether it fails the run by default
/// (see [`crate::fail_on`]) and whether it is selected by default.
fn defaults(rule: &Rule) -> String {
    let fails = match rule.severity {
        Severity::Info => "does not fail the run unless `--fail-on info`",
        _ => "fails the run",
    };
    let selected = match rule.selected_by_default {
        true => "selected by default",
        false => "not selected by default (opt in with `--extend-select`)",
    };
    format!(
        "Default severity: {} ({fails}); {selected}.",
        rule.severity.as_str()
    )
}

/// The whole documentation of a rule, as `rule CODE` prints it.
pub fn render_doc(rule: &Rule) -> String {
    format!(
        "# {} ({})\n\n{} {}.\n\n{}\n",
        rule.name,
        rule.code,
        defaults(rule),
        rule.summary,
        rule.doc
    )
}

/// All rule docs as one Markdown page (`rules --format markdown`, committed as docs/rules.md).
pub fn render_markdown() -> String {
    let mut out = String::from("# Rules\n\nGenerated by `dagster-api-lint rules --format markdown`; do not edit.\n\nBy default every rule runs except those marked *opt-in* (enable them with `--extend-select CODE`, or `select = [\"ALL\"]`), and only findings of severity `warning` or `error` fail the run (`--fail-on` changes that).\n\n| Code | Name | Default severity | Summary |\n|---|---|---|---|\n");
    for r in RULES {
        out.push_str(&format!(
            "| [{}](#{}) | {} | {}{} | {} |\n",
            r.code,
            r.code.to_ascii_lowercase(),
            r.name,
            r.severity.as_str(),
            if r.selected_by_default {
                ""
            } else {
                ", opt-in"
            },
            r.summary
        ));
    }
    for r in RULES {
        out.push_str(&format!(
            "\n<a id=\"{}\"></a>\n## {} ({})\n\n{} {}.\n\n{}\n",
            r.code.to_ascii_lowercase(),
            r.code,
            r.name,
            defaults(r),
            r.summary,
            r.doc.replace("## ", "### ")
        ));
    }
    out
}

/// True when `code` is selected by `selector` (a full code or a prefix such as `DAG1`, or `ALL`).
pub fn matches(selector: &str, code: &str) -> bool {
    selector.eq_ignore_ascii_case("ALL")
        || code
            .get(..selector.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(selector))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_sorted() {
        let codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn selectors_match_prefixes() {
        assert!(matches("DAG1", "DAG101"));
        assert!(matches("dag001", "DAG001"));
        assert!(matches("ALL", "E999"));
        assert!(!matches("DAG2", "DAG101"));
        assert!(!matches("DAG0011", "DAG001"));
    }

    #[test]
    fn docs_page_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
        let expected = render_markdown();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, &expected).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == expected,
            "docs/rules.md is stale: run `UPDATE_DOCS=1 cargo test docs_page`"
        );
    }

    #[test]
    fn every_rule_has_docs() {
        for rule in RULES {
            assert!(rule.doc.starts_with("## What it does"), "{}", rule.code);
            assert!(by_code(rule.code).is_some());
        }
    }
}
