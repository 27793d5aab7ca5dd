//! The rule registry: every diagnostic the tool can emit, with its code, name, default
//! severity and documentation (`dagster-api-lint rule CODE`).

use serde::Serialize;

pub mod noqa;
pub mod selection;

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

/// One rule: its facts, read wherever a finding's handling depends on its rule. Rules are
/// `static`s declared with [`declare_rule!`] and compared by code.
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
    /// False for findings no `noqa` directive hides, as in ruff: unreadable files and syntax
    /// errors.
    pub suppressible: bool,
    /// True for an error of the run rather than a finding in the code (a file that could not
    /// be read): always reported whatever the selection, never recorded in a baseline, shown
    /// as a tool notification in SARIF and as an error in JUnit, and the exit code is 2.
    pub run_error: bool,
    /// True when whether the code has this finding depends on the release judged (a beta name
    /// that graduated, a name that exists again): in upgrade planning, a finding of this rule
    /// that the target release does not repeat is resolved there.
    pub target_dependent: bool,
    /// One-line summary.
    pub summary: &'static str,
    /// The rule module's doc comment, as `#[doc]` attributes hold it (each line after a space).
    doc_comment: &'static str,
}

impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        self.code == other.code
    }
}

impl Eq for Rule {}

/// Where the rule documentation lives online.
pub const DOCS_URL: &str =
    "https://github.com/dagster-api-lint/dagster-api-lint/blob/main/docs/rules.md";

impl Rule {
    /// Full documentation in Markdown (what it does, why, example, how to fix): the rule
    /// module's doc comment.
    pub fn doc(&self) -> String {
        let lines: Vec<&str> = self
            .doc_comment
            .lines()
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect();
        lines.join("\n").trim_end().to_string()
    }

    /// The rule's documentation URL.
    pub fn url(&self) -> String {
        format!("{DOCS_URL}#{}", self.code.to_ascii_lowercase())
    }
}

/// Every rule, in code order.
/// Declares a rule as a `static`: its doc comment is the rule's documentation (what
/// `rule CODE` prints and docs/rules.md shows), so each rule module holds its facts once.
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* pub static $name:ident = Rule { $($field:ident: $value:expr),* $(,)? };) => {
        $(#[doc = $doc])*
        pub static $name: Rule = Rule {
            $($field: $value,)*
            doc_comment: concat!($($doc, "\n"),*),
        };
    };
}

/// The registry: declares each rule module, re-exports its rule and lists it in [`RULES`].
/// Adding a rule = one module (`src/rules/<name>.rs`, one [`declare_rule!`]) + one line here +
/// one fixture (`tests/fixtures/rules/<CODE>.py`).
macro_rules! registry {
    ($($module:ident::$rule:ident,)*) => {
        $(mod $module; pub use $module::$rule;)*
        /// Every rule, in code order.
        pub static RULES: &[&Rule] = &[$(&$rule,)*];
    };
}

registry! {
    deprecated_symbol::DEPRECATED_SYMBOL,
    deprecated_parameter::DEPRECATED_PARAMETER,
    removed_symbol::REMOVED_SYMBOL,
    beta_symbol::BETA_SYMBOL,
    beta_parameter::BETA_PARAMETER,
    preview_symbol::PREVIEW_SYMBOL,
    superseded_symbol::SUPERSEDED_SYMBOL,
    private_import::PRIVATE_IMPORT,
    non_public_api::NON_PUBLIC_API,
    non_public_member::NON_PUBLIC_MEMBER,
    unsupported_python::UNSUPPORTED_PYTHON,
    unused_noqa::UNUSED_NOQA,
    io_error::IO_ERROR,
    syntax_error::SYNTAX_ERROR,
}

/// The rule with this code (case-insensitive).
pub fn by_code(code: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code))
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
        rule.doc()
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
            r.doc().replace("## ", "### ")
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
            assert!(rule.doc().starts_with("## What it does"), "{}", rule.code);
            assert!(by_code(rule.code).is_some());
        }
    }
}
