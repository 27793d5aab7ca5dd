//! Fixing during a check run (`--fix`, `--fix-only`, `--diff`): each file whose findings carry
//! an allowed fix is fixed (see [`super::file`]), and what the run reports for it is what
//! remains in the fixed text.

use std::path::Path;

use super::file::{fix_text, fixable_text, unified_diff, write_atomically};
use super::Applicability;
use crate::diagnostic::{Diagnostic, Findings};
use crate::notebook::{self, Notebook};

/// What a run does with fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Write the fixed files (`--fix`, `--fix-only`).
    Write,
    /// Write nothing; keep a unified diff of each change (`--diff`).
    Diff,
}

/// The fixes of one run and what they did.
pub struct Fixer {
    allowed: Applicability,
    output: Output,
    /// Findings fixed (or, with `--diff`, that would be).
    pub fixed: usize,
    /// The findings fixed, per file, in run order (for `--show-fixes`).
    pub fixed_by_file: Vec<(String, Vec<Diagnostic>)>,
    /// With [`Output::Diff`]: the diffs, in run order.
    pub diffs: Vec<String>,
}

impl Fixer {
    /// A fixer applying fixes of `allowed` applicability and safer.
    pub fn new(allowed: Applicability, output: Output) -> Fixer {
        Fixer {
            allowed,
            output,
            fixed: 0,
            fixed_by_file: Vec::new(),
            diffs: Vec::new(),
        }
    }

    /// True when one of `findings` has a fix this fixer applies.
    pub fn wants(&self, findings: &[Diagnostic]) -> bool {
        findings.iter().any(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| f.applicability >= self.allowed)
        })
    }

    /// Fixes the file `path` (shown as `name`) whose findings are `findings`; `check` checks a
    /// text as that file. Returns what remains to report: the findings of the fixed text, or
    /// the findings as they were with an error finding when the file could not be fixed.
    pub fn file(
        &mut self,
        path: &Path,
        name: &str,
        findings: Findings,
        check: &dyn Fn(&str) -> (Vec<Diagnostic>, usize),
    ) -> Findings {
        if !self.wants(findings.as_slice()) {
            return findings;
        }
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => return with_error(findings, name, &format!("not fixed: {e}")),
        };
        let Some(source) = fixable_text(&bytes) else {
            return findings;
        };
        let (text, remaining) = match notebook::is_notebook(path) {
            true => match self.notebook(name, source, check) {
                Ok(fixed) => fixed,
                Err(e) => return with_error(findings, name, &format!("not fixed: {e}")),
            },
            false => self.text(name, source, check),
        };
        if text == source {
            return remaining;
        }
        match self.output {
            Output::Diff => self.diffs.push(unified_diff(name, source, &text)),
            Output::Write => {
                if let Err(e) = write_atomically(path, &bytes, &text) {
                    return with_error(findings, name, &format!("not fixed: {e}"));
                }
            }
        }
        remaining
    }

    /// Fixes the notebook `ipynb` (the text of `name`): its code is fixed as one module, the
    /// fixed code written back into its cells (ids, outputs and metadata untouched) and what
    /// remains placed in the cells of the fixed notebook. `check` checks the code, unplaced.
    pub fn notebook(
        &mut self,
        name: &str,
        ipynb: &str,
        check: &dyn Fn(&str) -> (Vec<Diagnostic>, usize),
    ) -> Result<(String, Findings), String> {
        let code = Notebook::parse(ipynb.as_bytes())?.take_source();
        let (fixed, remaining) = self.text(name, &code, check);
        let text = match fixed == code {
            true => ipynb.to_string(),
            false => notebook::rewrite(ipynb, &fixed)?,
        };
        let cells = Notebook::parse(text.as_bytes())?;
        let mut remaining = remaining.into_owned(name);
        remaining.iter_mut().for_each(|d| cells.place(d));
        Ok((text, Findings::Owned(remaining)))
    }

    /// Fixes `source`, the text of `name`: returns the fixed text and what remains to report.
    pub fn text(
        &mut self,
        name: &str,
        source: &str,
        check: &dyn Fn(&str) -> (Vec<Diagnostic>, usize),
    ) -> (String, Findings) {
        let fixed = fix_text(source, self.allowed, check);
        let (mut remaining, _) = fixed.remaining;
        if fixed.broke_syntax {
            remaining.push(Diagnostic::io_error(
                name,
                "not fixed: the fixed text would not parse (please report this bug)",
            ));
        }
        if !fixed.fixed.is_empty() {
            self.fixed += fixed.fixed.len();
            self.fixed_by_file.push((name.to_string(), fixed.fixed));
        }
        (fixed.text, Findings::Owned(remaining))
    }
}

/// `findings` (of the file `name`) and an error finding saying `message`.
fn with_error(findings: Findings, name: &str, message: &str) -> Findings {
    let mut all = findings.into_owned(name);
    all.push(Diagnostic::io_error(name, message));
    Findings::Owned(all)
}

/// Writes `--show-fixes`: per file, how many findings of each rule were fixed.
pub fn write_fixes(out: &mut dyn std::io::Write, fixer: &Fixer) -> std::io::Result<()> {
    if fixer.fixed == 0 {
        return Ok(());
    }
    let verb = match fixer.output {
        Output::Write => "Fixed",
        Output::Diff => "Would fix",
    };
    writeln!(out, "{verb} {}:", issues(fixer.fixed))?;
    for (name, fixed) in &fixer.fixed_by_file {
        writeln!(out, "- {name}:")?;
        let mut counts: Vec<(&str, &str, usize)> = Vec::new();
        for d in fixed {
            match counts.iter_mut().find(|(code, ..)| *code == d.rule.code) {
                Some(row) => row.2 += 1,
                None => counts.push((d.rule.code, d.rule.name, 1)),
            }
        }
        counts.sort();
        for (code, rule, n) in counts {
            writeln!(out, "    {n} × {code} ({rule})")?;
        }
    }
    Ok(())
}

/// Writes how many findings were fixed (`--fix-only`) or would be (`--diff`).
pub fn write_count(out: &mut dyn std::io::Write, fixer: &Fixer) -> std::io::Result<()> {
    let verb = match fixer.output {
        Output::Write => "Fixed",
        Output::Diff => "Would fix",
    };
    writeln!(out, "{verb} {}.", issues(fixer.fixed))
}

/// `1 issue` / `2 issues`.
pub fn issues(n: usize) -> String {
    format!("{n} {}", if n == 1 { "issue" } else { "issues" })
}
