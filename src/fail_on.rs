//! `--fail-on`: which remaining findings make the run fail (exit 1). Every finding is still
//! printed; this only decides the exit code.

use crate::check::Diagnostic;
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
    use crate::rules::by_code;
    use crate::runner::io_error;

    fn finding(code: &str) -> Diagnostic {
        let mut d = io_error("a.py", "placeholder");
        d.rule = by_code(code).unwrap();
        d.severity = d.rule.severity;
        d
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
        assert!(warning.matches(&finding("DAG003"))); // error
        assert!(warning.matches(&finding("DAG001"))); // warning
        assert!(!warning.matches(&finding("DAG104"))); // info
        let info = FailOn::Severity(Severity::Info);
        assert!(info.matches(&finding("DAG104")));
        assert!(!FailOn::Severity(Severity::Error).matches(&finding("DAG001")));
    }

    #[test]
    fn statuses_match_exactly_and_overridden_severities_count() {
        let deprecated = FailOn::Status("deprecated");
        assert!(deprecated.matches(&finding("DAG001")));
        assert!(deprecated.matches(&finding("DAG002")));
        assert!(!deprecated.matches(&finding("DAG101")));
        let mut beta = finding("DAG101");
        beta.severity = Severity::Error;
        assert!(FailOn::Severity(Severity::Error).matches(&beta));
    }

    #[test]
    fn by_default_info_findings_do_not_fail() {
        assert!(!fails(&[], &[finding("DAG104")]));
        assert!(!fails(&[], &[finding("DAG202")]));
        assert!(fails(&[], &[finding("DAG104"), finding("DAG101")]));
        assert!(fails(&[], &[finding("DAG003")]));
        let mut raised = finding("DAG104");
        raised.severity = Severity::Warning;
        assert!(fails(&[], &[raised]), "a severity override counts");
        assert!(fails(
            &[FailOn::Severity(Severity::Info)],
            &[finding("DAG104")]
        ));
    }

    #[test]
    fn explicit_values_replace_the_default() {
        let found = vec![finding("DAG104")];
        assert!(!fails(&[], &[]));
        assert!(!fails(&[FailOn::Status("beta")], &found));
        assert!(fails(
            &[FailOn::Status("beta"), FailOn::Severity(Severity::Info)],
            &found
        ));
    }
}
