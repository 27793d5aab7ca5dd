//! `--output-format json` and `json-lines`.

use std::io::{self, Write};

use super::{Record, Report};
use crate::check::Diagnostic;

/// A JSON array of records.
pub fn write_array(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let records: Vec<Record> = report.diagnostics.iter().map(Record::of).collect();
    serde_json::to_writer_pretty(&mut *out, &records)?;
    writeln!(out)
}

/// One record per line.
pub fn write_lines(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    write_lines_of(out, &report.diagnostics)
}

/// One record per line, for these diagnostics.
pub fn write_lines_of(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    for d in diagnostics {
        serde_json::to_writer(&mut *out, &Record::of(d))?;
        writeln!(out)?;
    }
    Ok(())
}
