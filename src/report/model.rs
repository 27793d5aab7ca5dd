//! What every output format reads: the [`Report`] of a run, the [`Tally`] of its findings, and
//! the [`RenderOptions`].

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::rules;

/// The result of a run: findings (sorted by file, position, code) and what was checked.
#[derive(Debug, Default)]
pub struct Report {
    /// Findings to show. Empty when they were streamed out as they came (see [`Emitter`]):
    /// `streamed` then holds their counts.
    pub diagnostics: Vec<Diagnostic>,
    /// The counts of the findings that were streamed out instead of kept in `diagnostics`.
    pub streamed: Option<Tally>,
    /// Number of files checked (including those that failed to read).
    pub files_checked: usize,
    /// Findings hidden by `# noqa` comments.
    pub suppressed_by_noqa: usize,
    /// Findings hidden by the baseline.
    pub suppressed_by_baseline: usize,
    /// Findings fixed by `--fix` (not among those shown).
    pub fixed: usize,
}

impl Report {
    /// True when some file could not be read (exit code 2, SARIF `executionSuccessful: false`).
    pub fn had_io_errors(&self) -> bool {
        self.tally().io_errors
    }

    /// Counts of the findings (kept or streamed).
    pub fn tally(&self) -> Tally {
        match &self.streamed {
            Some(tally) => {
                let mut tally = tally.clone();
                tally.add_file(&self.diagnostics);
                tally
            }
            None => {
                let mut tally = Tally::default();
                let mut rest = self.diagnostics.as_slice();
                while let Some(first) = rest.first() {
                    let n = rest
                        .iter()
                        .position(|d| d.filename != first.filename)
                        .unwrap_or(rest.len());
                    tally.add_file(&rest[..n]);
                    rest = &rest[n..];
                }
                tally
            }
        }
    }
}

/// Counts over findings, kept while they stream out: the summary line, `--statistics` and the
/// exit code need only these.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Number of findings.
    pub issues: usize,
    /// Files with at least one finding.
    pub files_with_issues: usize,
    /// Some file could not be read.
    pub io_errors: bool,
    /// Findings with a safe fix (`--fix` would apply it).
    pub fixable: usize,
    /// Findings with an unsafe fix (`--fix --unsafe-fixes` would apply it).
    pub unsafe_fixable: usize,
    /// Findings per rule, in the order of [`rules::RULES`].
    per_rule: Vec<usize>,
}

impl Tally {
    /// Counts the findings of one file.
    pub fn add_file(&mut self, diagnostics: &[Diagnostic]) {
        if diagnostics.is_empty() {
            return;
        }
        if self.per_rule.is_empty() {
            self.per_rule = vec![0; rules::RULES.len()];
        }
        self.files_with_issues += 1;
        self.issues += diagnostics.len();
        for d in diagnostics {
            if let Some(i) = rules::RULES.iter().position(|r| *r == d.rule) {
                self.per_rule[i] += 1;
            }
            self.io_errors |= d.rule.run_error;
            match d.fix.as_ref().map(|f| f.applicability) {
                Some(crate::fix::Applicability::Safe) => self.fixable += 1,
                Some(crate::fix::Applicability::Unsafe) => self.unsafe_fixable += 1,
                None => {}
            }
        }
    }

    fn rules(&self) -> impl Iterator<Item = (&'static rules::Rule, usize)> + '_ {
        rules::RULES
            .iter()
            .zip(&self.per_rule)
            .filter(|(_, n)| **n > 0)
            .map(|(r, n)| (*r, *n))
    }

    /// Findings per status.
    pub fn by_status(&self) -> BTreeMap<&'static str, usize> {
        let mut out = BTreeMap::new();
        for (rule, n) in self.rules() {
            *out.entry(rule.status).or_default() += n;
        }
        out
    }

    /// Findings per rule code, with the rule name.
    pub fn by_rule(&self) -> BTreeMap<&'static str, (usize, &'static str)> {
        self.rules()
            .map(|(rule, n)| (rule.code, (n, rule.name)))
            .collect()
    }
}

/// Options that affect rendering.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// SARIF `automationDetails.id` (`--sarif-category`).
    pub automation_id: Option<String>,
}
