//! `--output-format json` and `json-lines`.

use std::io::{self, Write};

use super::{Record, Report};
use crate::diagnostic::Diagnostic;

/// A JSON array of records.
pub fn write_array(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let records: Vec<Record> = report.diagnostics.iter().map(Record::of).collect();
    serde_json::to_writer_pretty(&mut *out, &records)?;
    writeln!(out)
}

/// One record per line.
pub fn write_lines(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    write_lines_of(out, &report.diagnostics, None)
}

/// One record per line, for these diagnostics; `filename`, when given, is the file of each.
pub fn write_lines_of(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    filename: Option<&str>,
) -> io::Result<()> {
    for d in diagnostics {
        let mut record = Record::of(d);
        if let Some(filename) = filename {
            record.filename = filename;
        }
        serde_json::to_writer(&mut *out, &record)?;
        writeln!(out)?;
    }
    Ok(())
}
