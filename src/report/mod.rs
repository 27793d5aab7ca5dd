//! Output formats. Each format is one file; all of them read the same [`Report`] (model.rs)
//! and, where they describe a finding as a JSON object, the same [`Record`] (record.rs). This
//! module declares them, streams findings out ([`Emitter`]) and dispatches to the format.

mod github;
mod gitlab;
mod json;
mod junit;
mod line_hash;
pub(crate) mod model;
mod printable;
mod record;
pub(crate) mod repo_paths;
mod sarif;
pub mod text;
pub mod upgrade;

pub use model::{RenderOptions, Report, Tally};
pub use printable::printable;
pub use record::{EditRecord, FixRecord, Record};
pub use repo_paths::RepoPaths;

use std::io::{self, Write};

use clap::ValueEnum;

use crate::diagnostic::{Diagnostic, Findings};

/// Writes findings as files are checked. Formats that print one finding at a time (`full`,
/// `concise`, `json-lines`) and `--statistics` are written as they come, file by file, so a
/// run holds one file's findings at a time, not the whole report; the others (a JSON array)
/// are collected and written by [`Emitter::finish`].
pub struct Emitter<'w> {
    out: &'w mut dyn Write,
    format: OutputFormat,
    statistics: bool,
    options: RenderOptions,
    streaming: bool,
    report: Report,
    tally: Tally,
    /// Findings of files that are not checked (a `pyproject.toml`), waiting for their place in
    /// the file order.
    extras: Vec<Diagnostic>,
    sorted: bool,
    error: Option<io::Error>,
}

impl<'w> Emitter<'w> {
    /// An emitter writing `format` (or the statistics) to `out`; it streams when the format
    /// allows and `may_stream` (false when, say, a baseline must see every finding first).
    pub fn new(
        out: &'w mut dyn Write,
        format: OutputFormat,
        statistics: bool,
        options: RenderOptions,
        may_stream: bool,
    ) -> Self {
        let streaming = may_stream
            && (statistics
                || matches!(
                    format,
                    OutputFormat::Full | OutputFormat::Concise | OutputFormat::JsonLines
                ));
        Emitter {
            out,
            format,
            statistics,
            options,
            streaming,
            report: Report::default(),
            tally: Tally::default(),
            extras: Vec::new(),
            sorted: false,
            error: None,
        }
    }

    /// True when findings are written as they come.
    pub fn is_streaming(&self) -> bool {
        self.streaming
    }

    /// Adds findings about other files (not checked ones), shown in file-name order.
    pub fn insert(&mut self, mut diagnostics: Vec<Diagnostic>) {
        if !self.streaming {
            self.report.diagnostics.extend(diagnostics);
            return;
        }
        self.extras.append(&mut diagnostics);
        self.extras.sort_by(|a, b| {
            (&a.filename, a.position(), a.rule.code).cmp(&(&b.filename, b.position(), b.rule.code))
        });
    }

    /// Takes the findings of the next file, named `name` (files come in name order, findings
    /// by position).
    pub fn file(&mut self, name: &str, findings: Findings) {
        if !self.streaming {
            self.report.diagnostics.extend(findings.into_owned(name));
            return;
        }
        let before = self
            .extras
            .iter()
            .take_while(|d| &*d.filename <= name)
            .count();
        if before > 0 {
            let extras: Vec<Diagnostic> = self.extras.drain(..before).collect();
            self.stream(&extras, None);
        }
        self.stream(findings.as_slice(), findings.unnamed(name));
    }

    /// Writes findings as they come; `filename`, when given, is shown for each of them.
    fn stream(&mut self, diagnostics: &[Diagnostic], filename: Option<&str>) {
        self.tally.add_file(diagnostics);
        if self.statistics || self.error.is_some() || diagnostics.is_empty() {
            return;
        }
        let result = match self.format {
            OutputFormat::Full | OutputFormat::Concise => text::write_diagnostics(
                self.out,
                diagnostics,
                filename,
                self.format == OutputFormat::Full,
                &self.options,
            ),
            _ => json::write_lines_of(self.out, diagnostics, filename),
        };
        if let Err(e) = result {
            self.error = Some(e);
        }
    }

    /// The report collected so far, sorted, when findings are not streamed (for a baseline to
    /// filter before anything is written); `None` when they are.
    pub fn collected(&mut self) -> Option<&mut Report> {
        if self.streaming {
            return None;
        }
        if !self.sorted {
            self.report.diagnostics.sort_by(|a, b| {
                (&a.filename, a.position(), a.rule.code).cmp(&(
                    &b.filename,
                    b.position(),
                    b.rule.code,
                ))
            });
            self.sorted = true;
        }
        Some(&mut self.report)
    }

    /// Writes what was collected (or the statistics) and returns the report, with
    /// `files_checked` and `suppressed_by_noqa` as given, and the first write error, if any.
    pub fn finish(
        mut self,
        files_checked: usize,
        suppressed_by_noqa: usize,
    ) -> (Report, Option<io::Error>) {
        if self.streaming {
            let extras = std::mem::take(&mut self.extras);
            self.stream(&extras, None);
            self.report.streamed = Some(std::mem::take(&mut self.tally));
        } else {
            self.collected();
        }
        self.report.files_checked = files_checked;
        self.report.suppressed_by_noqa = suppressed_by_noqa;
        if self.error.is_none() {
            let result = if self.statistics {
                write_statistics(self.out, &self.report)
            } else if self.streaming {
                Ok(())
            } else {
                write(self.out, self.format, &self.report, self.options.clone())
            };
            self.error = result.err();
        }
        if self.error.is_none() {
            self.error = self.out.flush().err();
        }
        (self.report, self.error)
    }
}

/// `--output-format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutputFormat {
    /// Diagnostics with the source line and a caret underline (default).
    Full,
    /// One line per diagnostic.
    Concise,
    /// A JSON array.
    Json,
    /// One JSON object per line.
    JsonLines,
    /// SARIF 2.1.0, as GitHub code scanning reads it.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality report (JSON).
    Gitlab,
    /// JUnit XML, one test suite per file.
    Junit,
}

/// Writes the report in `format`.
pub fn write(
    out: &mut dyn Write,
    format: OutputFormat,
    report: &Report,
    options: RenderOptions,
) -> io::Result<()> {
    match format {
        OutputFormat::Full => text::write(out, report, true, options),
        OutputFormat::Concise => text::write(out, report, false, options),
        OutputFormat::Json => json::write_array(out, report),
        OutputFormat::JsonLines => json::write_lines(out, report),
        OutputFormat::Sarif => sarif::write(out, report, &options),
        OutputFormat::Github => github::write(out, report),
        OutputFormat::Gitlab => gitlab::write(out, report),
        OutputFormat::Junit => junit::write(out, report),
    }
}

/// True for formats meant for people (a summary line belongs with them on stdout).
pub fn is_human(format: OutputFormat) -> bool {
    matches!(format, OutputFormat::Full | OutputFormat::Concise)
}

/// Writes the one-line summary: `Found 12 issues (3 deprecated, 9 beta) in 5 files.`
pub fn write_summary(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    text::write_summary(out, report)
}

/// Writes `--statistics`: a count per rule.
pub fn write_statistics(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    text::write_statistics(out, report)
}
