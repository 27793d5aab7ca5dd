//! Checking one module's source: each reference judged (memoized), the findings placed in
//! the file, then the fixes and the noqa records attached.

use super::checker::Checker;
use super::findings::Finding;
use crate::diagnostic::{Diagnostic, Text};
use crate::resolve;
use crate::rules;
use crate::syntax::{self, Span};

impl Checker {
    /// Checks one module's source, returning its findings and the records of its noqa
    /// directives (see [`crate::rules::noqa::records`]). `filename` labels the diagnostics.
    /// `own` is the package the file belongs to, if any (its caller finds it from the
    /// folders): that package's uses of itself are not reported (a library's own modules carry
    /// no stability promise towards it, like its relative imports).
    pub fn check_source(&self, own: Option<&str>, filename: &str, source: &str) -> Vec<Diagnostic> {
        let parsed = syntax::parse(source);
        let current = self.check_parsed(own, filename, source, &parsed);
        let mut found = match &self.target {
            None => current,
            Some((version, target, exact)) => {
                let judged = target.check_parsed(own, filename, source, &parsed);
                crate::upgrade::merge(current, judged, version, *exact)
            }
        };
        self.attach_fixes(source, &parsed, &mut found);
        // The file's noqa directives go with its findings (and into the results cache), to be
        // applied with the settings.
        found.extend(crate::rules::noqa::records(filename, source, &parsed));
        found
    }

    /// The findings of one judging of a parsed module (by this checker's catalogs), placed in
    /// the file.
    fn check_parsed(
        &self,
        own: Option<&str>,
        filename: &str,
        source: &str,
        parsed: &syntax::Parsed,
    ) -> Vec<Diagnostic> {
        let mut found: Vec<(Span, Finding)> = parsed
            .errors
            .iter()
            .map(|error| {
                let finding = Finding {
                    rule: &rules::SYNTAX_ERROR,
                    message: format!("SyntaxError: {}", error.message).into(),
                    symbol: None,
                    parameter: None,
                    breaking_version: None,
                    replacement: None,
                };
                (error.span, finding)
            })
            .collect();
        // A package's own modules use its internals freely: checking dagster_dbt's sources, its
        // references to dagster_dbt are not uses of an unstable API (its uses of dagster are).
        for reference in resolve::resolve(parsed.body(), self) {
            if own.is_some_and(|p| self.is_own(&reference, p)) {
                continue;
            }
            let span = reference.span;
            for finding in self
                .memoized_findings(reference.target, reference.kind)
                .iter()
            {
                found.push((span, finding.clone()));
            }
        }
        // In file order (then rule and message), each once; then placed in one pass.
        found.sort_by(|(a, fa), (b, fb)| {
            (a.start, fa.rule.code, &fa.message).cmp(&(b.start, fb.rule.code, &fb.message))
        });
        found.dedup_by(|(a, fa), (b, fb)| a == b && fa.rule == fb.rule && fa.message == fb.message);
        let mut locator = syntax::Locator::new(source);
        let filename: Text = filename.into();
        // Findings on one line (they are in file order) share its text.
        let mut line_text: Option<(u32, Text)> = None;
        found
            .into_iter()
            .map(|(span, f)| {
                let (start, line) = locator.start(span.start);
                let end = locator.end(span.end.max(span.start));
                let rule = f.rule;
                let text = match &line_text {
                    Some((at, text)) if *at == line.start => text.clone(),
                    _ => {
                        let text: Text = source[line.start as usize..line.end as usize].into();
                        line_text = Some((line.start, text.clone()));
                        text
                    }
                };
                Diagnostic {
                    rule,
                    severity: rule.severity,
                    message: f.message,
                    filename: filename.clone(),
                    span,
                    start,
                    end,
                    symbol: f.symbol,
                    parameter: f.parameter,
                    breaking_version: f.breaking_version,
                    line_text: text,
                    replacement: f.replacement,
                    fix: None,
                    cell: None,
                }
            })
            .collect()
    }
}
