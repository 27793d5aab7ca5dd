//! `--fail-on`: which remaining findings make the run fail (exit 1). Every finding is still
//! printed; this only decides the exit code.

use crate::diagnostic::Diagnostic;
use crate::rules::{Severity, RULES};

/// One `--fail-on` value: a severity (that one or worse) or a status (exactly that status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Findings at this severity or a more serious one (`warning`: warnings and errors).
    Severity(Severity),
    /// Findings reporting this status (`deprecated`, `beta`, ...).
    Status(&'static str),
}

impl FailOn {
    /// Parses `error|warning|info` or a rule status (as `dagster-api-lint rules` shows).
    pub fn parse(value: &str) -> Result<FailOn, String> {
        let value = value.trim().to_ascii_lowercase();
        for severity in [Severity::Error, Severity::Warning, Severity::Info] {
            if severity.as_str() == value {
                return Ok(FailOn::Severity(severity));
            }
        }
        if let Some(rule) = RULES.iter().find(|r| r.status == value) {
            return Ok(FailOn::Status(rule.status));
        }
        Err(format!(
            "`{value}` is neither a severity (error, warning, info) nor a status ({})",
            statuses().join(", ")
        ))
    }

    /// True when `d` is a finding this value fails on.
    pub fn matches(self, d: &Diagnostic) -> bool {
        match self {
            // `Severity` orders from most (Error) to least (Info) serious.
            FailOn::Severity(level) => d.severity <= level,
            FailOn::Status(status) => d.status() == status,
        }
    }
}

/// Every status a rule reports, in rule order, once each.
fn statuses() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for rule in RULES {
        if !out.contains(&rule.status) {
            out.push(rule.status);
        }
    }
    out
}

/// What fails the run when neither `--fail-on` nor `fail-on` is given: warnings and errors,
/// not info findings (as ruff, whose informational output never fails a run).
pub const DEFAULT: FailOn = FailOn::Severity(Severity::Warning);

/// True when the findings fail the run: a finding that one of the values matches ([`DEFAULT`]
/// when `fail_on` is empty).
pub fn fails(fail_on: &[FailOn], diagnostics: &[Diagnostic]) -> bool {
    let fail_on = match fail_on {
        [] => &[DEFAULT][..],
        given => given,
    };
    diagnostics
        .iter()
        .any(|d| fail_on.iter().any(|f| f.matches(d)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{self, Rule};

    fn finding(rule: &'static Rule) -> Diagnostic {
        Diagnostic::new(rule, "a.py", "placeholder")
    }

    #[test]
    fn parses_severities_and_statuses() {
        assert_eq!(
            FailOn::parse("Warning"),
            Ok(FailOn::Severity(Severity::Warning))
        );
        assert_eq!(
            FailOn::parse("deprecated"),
            Ok(FailOn::Status("deprecated"))
        );
        assert_eq!(FailOn::parse("removed"), Ok(FailOn::Status("removed")));
        let err = FailOn::parse("sometimes").unwrap_err();
        assert!(err.contains("beta") && err.contains("warning"), "{err}");
    }

    #[test]
    fn severities_include_more_serious_ones() {
        let warning = FailOn::Severity(Severity::Warning);
        assert!(warning.matches(&finding(&rules::REMOVED_SYMBOL))); // error
        assert!(warning.matches(&finding(&rules::DEPRECATED_SYMBOL))); // warning
        assert!(!warning.matches(&finding(&rules::SUPERSEDED_SYMBOL))); // info
        let info = FailOn::Severity(Severity::Info);
        assert!(info.matches(&finding(&rules::SUPERSEDED_SYMBOL)));
        assert!(!FailOn::Severity(Severity::Error).matches(&finding(&rules::DEPRECATED_SYMBOL)));
    }

    #[test]
    fn statuses_match_exactly_and_overridden_severities_count() {
        let deprecated = FailOn::Status("deprecated");
        assert!(deprecated.matches(&finding(&rules::DEPRECATED_SYMBOL)));
        assert!(deprecated.matches(&finding(&rules::DEPRECATED_PARAMETER)));
        assert!(!deprecated.matches(&finding(&rules::BETA_SYMBOL)));
        let mut beta = finding(&rules::BETA_SYMBOL);
        beta.severity = Severity::Error;
        assert!(FailOn::Severity(Severity::Error).matches(&beta));
    }

    #[test]
    fn by_default_info_findings_do_not_fail() {
        assert!(!fails(&[], &[finding(&rules::SUPERSEDED_SYMBOL)]));
        assert!(!fails(&[], &[finding(&rules::NON_PUBLIC_API)]));
        assert!(fails(
            &[],
            &[
                finding(&rules::SUPERSEDED_SYMBOL),
                finding(&rules::BETA_SYMBOL)
            ]
        ));
        assert!(fails(&[], &[finding(&rules::REMOVED_SYMBOL)]));
        let mut raised = finding(&rules::SUPERSEDED_SYMBOL);
        raised.severity = Severity::Warning;
        assert!(fails(&[], &[raised]), "a severity override counts");
        assert!(fails(
            &[FailOn::Severity(Severity::Info)],
            &[finding(&rules::SUPERSEDED_SYMBOL)]
        ));
    }

    #[test]
    fn explicit_values_replace_the_default() {
        let found = vec![finding(&rules::SUPERSEDED_SYMBOL)];
        assert!(!fails(&[], &[]));
        assert!(!fails(&[FailOn::Status("beta")], &found));
        assert!(fails(
            &[FailOn::Status("beta"), FailOn::Severity(Severity::Info)],
            &found
        ));
    }
}
