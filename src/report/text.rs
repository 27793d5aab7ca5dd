//! `--output-format full` (default) and `concise`: ruff-style text.

use std::io::{self, Write};

use super::{printable, RenderOptions, Report};
use crate::diagnostic::Diagnostic;
use crate::rules::Severity;

/// Writes text in an ANSI style, or plain without colour.
struct Paint(bool);

impl Paint {
    fn put(&self, out: &mut dyn Write, style: &str, text: &str) -> io::Result<()> {
        if self.0 {
            write!(out, "\x1b[{style}m{text}\x1b[0m")
        } else {
            out.write_all(text.as_bytes())
        }
    }
    fn bold(&self, out: &mut dyn Write, t: &str) -> io::Result<()> {
        self.put(out, "1", t)
    }
    fn dim(&self, out: &mut dyn Write, t: &str) -> io::Result<()> {
        self.put(out, "34", t)
    }
    fn code(&self, out: &mut dyn Write, severity: Severity, t: &str) -> io::Result<()> {
        let style = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        self.put(out, style, t)
    }
}

/// Writes every diagnostic; `full` adds the source line with a caret underline.
pub fn write(
    out: &mut dyn Write,
    report: &Report,
    full: bool,
    options: RenderOptions,
) -> io::Result<()> {
    write_diagnostics(out, &report.diagnostics, None, full, &options)
}

/// Writes these diagnostics (`filename`, when given, is the file of each); `full` adds the
/// source line with a caret underline.
pub fn write_diagnostics(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    filename: Option<&str>,
    full: bool,
    options: &RenderOptions,
) -> io::Result<()> {
    let paint = Paint(options.color);
    let mut line = String::new();
    for d in diagnostics {
        let filename = printable(filename.unwrap_or(&d.filename));
        let message = printable(&d.message);
        if !options.color {
            // The common case (a pipe, a file, CI) as one write per finding.
            line.clear();
            line.push_str(&filename);
            line.push(':');
            if let Some(place) = &d.cell {
                line.push_str("cell ");
                push_number(&mut line, place.cell);
                line.push(':');
            }
            push_number(&mut line, d.start.row);
            line.push(':');
            push_number(&mut line, d.start.column);
            line.push_str(": ");
            line.push_str(d.rule.code);
            line.push(' ');
            line.push_str(&message);
            line.push('\n');
            out.write_all(line.as_bytes())?;
            if full {
                write_snippet(out, d, &paint)?;
            }
            continue;
        }
        paint.bold(out, &filename)?;
        paint.dim(out, ":")?;
        if let Some(place) = &d.cell {
            write!(out, "cell {}", place.cell)?;
            paint.dim(out, ":")?;
        }
        write!(out, "{}", d.start.row)?;
        paint.dim(out, ":")?;
        write!(out, "{}", d.start.column)?;
        paint.dim(out, ":")?;
        out.write_all(b" ")?;
        paint.code(out, d.severity, d.rule.code)?;
        out.write_all(b" ")?;
        out.write_all(message.as_bytes())?;
        out.write_all(b"\n")?;
        if full {
            write_snippet(out, d, &paint)?;
        }
    }
    Ok(())
}

/// Appends a number in decimal (without `fmt`, which dominated writing many findings).
fn push_number(out: &mut String, n: u32) {
    out.push_str(itoa::Buffer::new().format(n));
}

fn write_snippet(out: &mut dyn Write, d: &Diagnostic, paint: &Paint) -> io::Result<()> {
    let number = d.start.row.to_string();
    let gutter = " ".repeat(number.len());
    let line = printable(&d.line_text.replace('\t', "    ")).into_owned();
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
    write!(out, "{gutter} ")?;
    paint.dim(out, "|")?;
    writeln!(out)?;
    paint.dim(out, &number)?;
    out.write_all(b" ")?;
    paint.dim(out, "|")?;
    writeln!(out, " {line}")?;
    write!(out, "{gutter} ")?;
    paint.dim(out, "|")?;
    write!(out, " {}", " ".repeat(start))?;
    paint.code(out, d.severity, &carets)?;
    out.write_all(b" ")?;
    paint.code(out, d.severity, d.rule.code)?;
    writeln!(out)?;
    write!(out, "{gutter} ")?;
    paint.dim(out, "|")?;
    writeln!(out)?;
    writeln!(out)
}

/// `Found 12 issues (3 deprecated, 9 beta) in 5 files.` or `All checks passed!`.
pub fn write_summary(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let tally = report.tally();
    let n = tally.issues;
    if report.fixed > 0 {
        let found = n + report.fixed;
        writeln!(
            out,
            "Found {found} {} ({} fixed, {n} remaining) in {} checked.",
            if found == 1 { "issue" } else { "issues" },
            report.fixed,
            files_phrase(report.files_checked)
        )?;
    } else if n == 0 {
        writeln!(
            out,
            "All checks passed! ({} checked)",
            files_phrase(report.files_checked)
        )?;
    } else {
        let files = tally.files_with_issues;
        let parts: Vec<String> = tally
            .by_status()
            .iter()
            .map(|(s, c)| format!("{c} {s}"))
            .collect();
        writeln!(
            out,
            "Found {n} {} ({}) in {} {} ({} checked).",
            if n == 1 { "issue" } else { "issues" },
            parts.join(", "),
            files,
            if files == 1 { "file" } else { "files" },
            files_phrase(report.files_checked)
        )?;
    }
    if tally.fixable > 0 {
        writeln!(
            out,
            "[*] {} fixable with the `--fix` option.",
            tally.fixable
        )?;
    }
    match tally.unsafe_fixable {
        0 => {}
        1 => writeln!(out, "1 more fix is available with `--unsafe-fixes`.")?,
        n => writeln!(out, "{n} more fixes are available with `--unsafe-fixes`.")?,
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
    let mut rows: Vec<_> = report.tally().by_rule().into_iter().collect();
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
