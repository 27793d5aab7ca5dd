//! What a rule is ([`Rule`]) and how serious its findings are ([`Severity`]); the rules
//! themselves are the `static`s of the sibling modules, listed in the registry.

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

/// One rule: its facts, read wherever a finding's handling depends on its rule. Rules are
/// `static`s declared with [`declare_rule!`] and compared by identity.
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
    pub(super) doc_comment: &'static str,
}

/// Rules are compared by identity: each is one `static` (a `Rule` cannot be built outside
/// `rules/`, whose private `doc_comment` field only [`declare_rule!`] sets), so two references
/// to the same rule are the same address, and a comparison on the hot paths (selection, the
/// tally per rule, deduplication) costs no string compare.
impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        std::ptr::eq(self, other)
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
