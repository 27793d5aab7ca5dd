//! `--output-format full` (default) and `concise`: ruff-style text.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{RenderOptions, Report};
use crate::check::Diagnostic;
use crate::rules::Severity;

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.wrap("1", t)
    }
    fn dim(&self, t: &str) -> String {
        self.wrap("34", t)
    }
    fn code(&self, severity: Severity, t: &str) -> String {
        match severity {
            Severity::Error => self.wrap("1;31", t),
            Severity::Warning => self.wrap("1;33", t),
            Severity::Info => self.wrap("1;36", t),
        }
    }
}

/// Writes every diagnostic; `full` adds the source line with a caret underline.
pub fn write(
    out: &mut dyn Write,
    report: &Report,
    full: bool,
    options: RenderOptions,
) -> io::Result<()> {
    let paint = Paint(options.color);
    for d in &report.diagnostics {
        writeln!(
            out,
            "{}{}{}{}{}{} {} {}",
            paint.bold(&d.filename),
            paint.dim(":"),
            d.start.row,
            paint.dim(":"),
            d.start.column,
            paint.dim(":"),
            paint.code(d.severity, d.rule.code),
            d.message
        )?;
        if full {
            write_snippet(out, d, &paint)?;
        }
    }
    Ok(())
}

fn write_snippet(out: &mut dyn Write, d: &Diagnostic, paint: &Paint) -> io::Result<()> {
    let number = d.start.row.to_string();
    let gutter = " ".repeat(number.len());
    let line = d.line_text.replace('\t', "    ");
    let tabs_before = d
        .line_text
        .chars()
        .take(d.start.column as usize - 1)
        .filter(|&c| c == '\t')
        .count();
    let start = d.start.column as usize - 1 + tabs_before * 3;
    let line_chars = line.chars().count();
    let end = if d.end.row == d.start.row {
        (d.end.column as usize - 1 + tabs_before * 3).max(start + 1)
    } else {
        line_chars.max(start + 1)
    };
    let carets = "^".repeat(end.saturating_sub(start).max(1));
    writeln!(out, "{gutter} {}", paint.dim("|"))?;
    writeln!(out, "{} {} {line}", paint.dim(&number), paint.dim("|"))?;
    writeln!(
        out,
        "{gutter} {} {}{} {}",
        paint.dim("|"),
        " ".repeat(start),
        paint.code(d.severity, &carets),
        paint.code(d.severity, d.rule.code)
    )?;
    writeln!(out, "{gutter} {}", paint.dim("|"))?;
    writeln!(out)
}

/// `Found 12 issues (3 deprecated, 9 beta) in 5 files.` or `All checks passed!`.
pub fn write_summary(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let n = report.diagnostics.len();
    if n == 0 {
        writeln!(
            out,
            "All checks passed! ({} checked)",
            files_phrase(report.files_checked)
        )?;
    } else {
        let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
        let mut files: Vec<&str> = Vec::new();
        for d in &report.diagnostics {
            *by_status.entry(d.status()).or_default() += 1;
            files.push(&d.filename);
        }
        files.dedup();
        let parts: Vec<String> = by_status.iter().map(|(s, c)| format!("{c} {s}")).collect();
        writeln!(
            out,
            "Found {n} {} ({}) in {} {} ({} checked).",
            if n == 1 { "issue" } else { "issues" },
            parts.join(", "),
            files.len(),
            if files.len() == 1 { "file" } else { "files" },
            files_phrase(report.files_checked)
        )?;
    }
    let hidden = report.suppressed_by_noqa + report.suppressed_by_baseline;
    if hidden > 0 {
        writeln!(
            out,
            "{hidden} hidden ({} by noqa, {} by the baseline).",
            report.suppressed_by_noqa, report.suppressed_by_baseline
        )?;
    }
    Ok(())
}

/// A count per rule, most frequent first.
pub fn write_statistics(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let mut counts: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for d in &report.diagnostics {
        counts.entry(d.rule.code).or_insert((0, d.rule.name)).0 += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    for (code, (count, name)) in rows {
        writeln!(out, "{count:>5}\t{code}\t{name}")?;
    }
    Ok(())
}

/// `1 file` / `5 files`.
fn files_phrase(n: usize) -> String {
    format!("{n} {}", if n == 1 { "file" } else { "files" })
}
