//! `upgrade-report`: one page a team reads before upgrading dagster — findings grouped by
//! symbol, with counts, files, breaking versions and hints; text or Markdown.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{printable, Report};
use crate::diagnostic::Diagnostic;

struct Group<'a> {
    code: &'a str,
    status: &'a str,
    severity: &'a str,
    breaking_version: Option<&'a str>,
    message: &'a str,
    files: BTreeMap<&'a str, Vec<String>>,
    count: usize,
}

fn groups(report: &Report) -> Vec<(String, Group<'_>)> {
    let mut by_symbol: BTreeMap<String, Group> = BTreeMap::new();
    for d in &report.diagnostics {
        let key = group_key(d);
        let g = by_symbol.entry(key).or_insert_with(|| Group {
            code: d.rule.code,
            status: d.status(),
            severity: d.severity.as_str(),
            breaking_version: d.breaking_version.as_deref(),
            message: &d.message,
            files: BTreeMap::new(),
            count: 0,
        });
        g.count += 1;
        // A line, or in a notebook its cell and the line in it.
        let line = match d.cell {
            Some(place) => format!("cell {}:{}", place.cell, d.start.row),
            None => d.start.row.to_string(),
        };
        g.files.entry(&d.filename).or_default().push(line);
    }
    let mut out: Vec<_> = by_symbol.into_iter().collect();
    // Errors first (what breaks), then by how often the symbol is used.
    let rank = |s: &str| match s {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    };
    out.sort_by(|a, b| {
        (rank(a.1.severity), std::cmp::Reverse(a.1.count), &a.0).cmp(&(
            rank(b.1.severity),
            std::cmp::Reverse(b.1.count),
            &b.0,
        ))
    });
    out
}

fn group_key(d: &Diagnostic) -> String {
    let symbol = d.symbol.as_deref().unwrap_or(d.rule.name).to_string();
    match &d.parameter {
        Some(p) => format!("{symbol}({p}=)"),
        None => symbol,
    }
}

fn files_text(files: &BTreeMap<&str, Vec<String>>) -> String {
    files
        .iter()
        .map(|(f, lines)| format!("{}:{}", printable(f), lines.join(",")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes the report; `markdown` for pasting into a pull request.
pub fn write(
    out: &mut dyn Write,
    report: &Report,
    from: &str,
    to: &str,
    markdown: bool,
) -> io::Result<()> {
    let groups = groups(report);
    let errors = groups
        .iter()
        .filter(|g| g.1.severity == "error")
        .map(|g| g.1.count)
        .sum::<usize>();
    if markdown {
        writeln!(out, "## Upgrading dagster {from} → {to}\n")?;
    } else {
        writeln!(out, "Upgrading dagster {from} -> {to}")?;
    }
    writeln!(
        out,
        "{} uses of {} symbols need attention; {errors} will break on {to}.\n",
        report.diagnostics.len(),
        groups.len()
    )?;
    if markdown {
        writeln!(
            out,
            "| Symbol | Status | Uses | Breaks in | Files | What to do |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|")?;
        for (symbol, g) in &groups {
            writeln!(
                out,
                "| `{symbol}` | {} {} | {} | {} | {} | {} |",
                g.status,
                if g.severity == "error" {
                    "**(breaks)**"
                } else {
                    ""
                },
                g.count,
                g.breaking_version.unwrap_or("–"),
                files_text(&g.files).replace('|', "\\|"),
                g.message.replace('|', "\\|")
            )?;
        }
    } else {
        for (symbol, g) in &groups {
            writeln!(
                out,
                "{symbol}  [{} {}, {}]  {} use(s)",
                g.code, g.status, g.severity, g.count
            )?;
            if let Some(v) = g.breaking_version {
                writeln!(out, "    breaks in: {v}")?;
            }
            writeln!(out, "    files: {}", files_text(&g.files))?;
            writeln!(out, "    {}", g.message)?;
        }
    }
    Ok(())
}
