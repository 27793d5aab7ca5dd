//! Output formats. Each format is one file; all of them read the same [`Report`] and, where
//! they describe a finding as a JSON object, the same [`Record`].

mod github;
mod gitlab;
mod json;
mod junit;
mod line_hash;
mod sarif;
pub mod text;
pub mod upgrade;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use clap::ValueEnum;
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Findings};
use crate::rules;
use crate::syntax::Location;

/// The result of a run: findings (sorted by file, position, code) and what was checked.
#[derive(Debug, Default)]
pub struct Report {
    /// Findings to show. Empty when they were streamed out as they came (see [`Emitter`]):
    /// `streamed` then holds their counts.
    pub diagnostics: Vec<Diagnostic>,
    /// The counts of the findings that were streamed out instead of kept in `diagnostics`.
    pub streamed: Option<Tally>,
    /// Number of files checked (including those that failed to read).
    pub files_checked: usize,
    /// Findings hidden by `# noqa` comments.
    pub suppressed_by_noqa: usize,
    /// Findings hidden by the baseline.
    pub suppressed_by_baseline: usize,
    /// Findings fixed by `--fix` (not among those shown).
    pub fixed: usize,
}

impl Report {
    /// True when some file could not be read (exit code 2, SARIF `executionSuccessful: false`).
    pub fn had_io_errors(&self) -> bool {
        self.tally().io_errors
    }

    /// Counts of the findings (kept or streamed).
    pub fn tally(&self) -> Tally {
        match &self.streamed {
            Some(tally) => {
                let mut tally = tally.clone();
                tally.add_file(&self.diagnostics);
                tally
            }
            None => {
                let mut tally = Tally::default();
                let mut rest = self.diagnostics.as_slice();
                while let Some(first) = rest.first() {
                    let n = rest
                        .iter()
                        .position(|d| d.filename != first.filename)
                        .unwrap_or(rest.len());
                    tally.add_file(&rest[..n]);
                    rest = &rest[n..];
                }
                tally
            }
        }
    }
}

/// Counts over findings, kept while they stream out: the summary line, `--statistics` and the
/// exit code need only these.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Number of findings.
    pub issues: usize,
    /// Files with at least one finding.
    pub files_with_issues: usize,
    /// Some file could not be read.
    pub io_errors: bool,
    /// Findings with a safe fix (`--fix` would apply it).
    pub fixable: usize,
    /// Findings with an unsafe fix (`--fix --unsafe-fixes` would apply it).
    pub unsafe_fixable: usize,
    /// Findings per rule, in the order of [`rules::RULES`].
    per_rule: Vec<usize>,
}

impl Tally {
    /// Counts the findings of one file.
    pub fn add_file(&mut self, diagnostics: &[Diagnostic]) {
        if diagnostics.is_empty() {
            return;
        }
        if self.per_rule.is_empty() {
            self.per_rule = vec![0; rules::RULES.len()];
        }
        self.files_with_issues += 1;
        self.issues += diagnostics.len();
        for d in diagnostics {
            if let Some(i) = rules::RULES.iter().position(|r| *r == d.rule) {
                self.per_rule[i] += 1;
            }
            self.io_errors |= d.rule.run_error;
            match d.fix.as_ref().map(|f| f.applicability) {
                Some(crate::fix::Applicability::Safe) => self.fixable += 1,
                Some(crate::fix::Applicability::Unsafe) => self.unsafe_fixable += 1,
                None => {}
            }
        }
    }

    fn rules(&self) -> impl Iterator<Item = (&'static rules::Rule, usize)> + '_ {
        rules::RULES
            .iter()
            .zip(&self.per_rule)
            .filter(|(_, n)| **n > 0)
            .map(|(r, n)| (*r, *n))
    }

    /// Findings per status.
    pub fn by_status(&self) -> BTreeMap<&'static str, usize> {
        let mut out = BTreeMap::new();
        for (rule, n) in self.rules() {
            *out.entry(rule.status).or_default() += n;
        }
        out
    }

    /// Findings per rule code, with the rule name.
    pub fn by_rule(&self) -> BTreeMap<&'static str, (usize, &'static str)> {
        self.rules()
            .map(|(rule, n)| (rule.code, (n, rule.name)))
            .collect()
    }
}

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

/// Options that affect rendering.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// SARIF `automationDetails.id` (`--sarif-category`).
    pub automation_id: Option<String>,
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

/// One finding as a JSON object (shared by `json` and `json-lines`).
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    /// Rule code.
    pub code: &'a str,
    /// Rule name.
    pub name: &'a str,
    /// Effective severity.
    pub severity: &'a str,
    /// Message.
    pub message: &'a str,
    /// File as given.
    pub filename: &'a str,
    /// In a notebook, the cell (1-based, markdown cells count); `location` and
    /// `end_location` then count from the cell's first line. Absent elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<u32>,
    /// Start (1-based row and column).
    pub location: Location,
    /// End (1-based row, exclusive column).
    pub end_location: Location,
    /// Dotted symbol as reached.
    pub symbol: Option<&'a str>,
    /// Keyword for parameter findings.
    pub parameter: Option<&'a str>,
    /// Status reported.
    pub status: &'a str,
    /// Breaking version of a deprecation.
    pub breaking_version: Option<&'a str>,
    /// Replacement name of a plain rename.
    pub replacement: Option<&'a str>,
    /// The fix, when the catalog proves one (as in ruff's JSON).
    pub fix: Option<FixRecord<'a>>,
    /// Rule documentation.
    pub url: String,
}

/// A finding's fix in JSON: applicability, message and edits.
#[derive(Debug, Serialize)]
pub struct FixRecord<'a> {
    /// `safe` or `unsafe`.
    pub applicability: crate::fix::Applicability,
    /// What the fix does.
    pub message: &'a str,
    /// The edits, in file order.
    pub edits: Vec<EditRecord<'a>>,
}

/// One edit of a fix in JSON.
#[derive(Debug, Serialize)]
pub struct EditRecord<'a> {
    /// The new text.
    pub content: &'a str,
    /// Start of the replaced range (1-based row and column).
    pub location: Location,
    /// End of the replaced range (exclusive column).
    pub end_location: Location,
}

impl<'a> FixRecord<'a> {
    /// The record of a fix whose edits are located (see [`crate::fix::Fix::located`]).
    pub fn of(fix: &'a crate::fix::Fix) -> Option<FixRecord<'a>> {
        (fix.locations.len() == fix.edits.len()).then(|| FixRecord {
            applicability: fix.applicability,
            message: &fix.message,
            edits: fix
                .edits
                .iter()
                .zip(&fix.locations)
                .map(|(edit, [location, end_location])| EditRecord {
                    content: &edit.content,
                    location: *location,
                    end_location: *end_location,
                })
                .collect(),
        })
    }
}

impl<'a> Record<'a> {
    /// The record of a diagnostic.
    pub fn of(d: &'a Diagnostic) -> Record<'a> {
        Record {
            code: d.rule.code,
            name: d.rule.name,
            severity: d.severity.as_str(),
            message: &d.message,
            filename: &d.filename,
            cell: d.cell.map(|c| c.cell),
            location: d.start,
            end_location: d.end,
            symbol: d.symbol.as_deref(),
            parameter: d.parameter.as_deref(),
            status: d.status(),
            breaking_version: d.breaking_version.as_deref(),
            replacement: d.replacement.as_deref(),
            // A notebook's fixes are placed in its code, not in the `.ipynb` text: `--fix`
            // applies them.
            fix: d
                .fix
                .as_deref()
                .filter(|_| d.cell.is_none())
                .and_then(FixRecord::of),
            url: d.rule.url(),
        }
    }
}

/// `text` with every control character (ESC, newline, carriage return, tab, DEL, the C1 range)
/// shown as a visible stand-in, as ruff shows them: the Unicode control picture (`␛`, `␊`, `␉`,
/// `␡`), or `�` for a C1 control, which has none. For what line-based formats print to a terminal
/// or a log (file names, messages, source lines): an escape sequence in a file name must not
/// reach the terminal, nor a newline split a finding's line. Borrowed when there is none.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    text.chars()
        .map(|c| match c as u32 {
            code @ 0..=0x1f => char::from_u32(0x2400 + code).unwrap_or('\u{fffd}'),
            0x7f => '\u{2421}',
            _ if c.is_control() => '\u{fffd}',
            _ => c,
        })
        .collect::<String>()
        .into()
}

/// Maps file names as the report holds them to repository-relative paths: relative to the
/// current directory when the file is under it, without `./`, always with `/` separators.
#[derive(Debug, Clone)]
pub struct RepoPaths {
    /// The current directory, as given and canonicalised (either may prefix absolute names).
    roots: Vec<PathBuf>,
}

impl RepoPaths {
    /// Paths relative to the process's current directory.
    pub fn from_cwd() -> RepoPaths {
        RepoPaths::under(std::env::current_dir().ok().as_deref())
    }

    /// Paths relative to `root` (`None`: absolute names stay absolute).
    pub fn under(root: Option<&Path>) -> RepoPaths {
        let mut roots: Vec<PathBuf> = root.into_iter().map(Path::to_path_buf).collect();
        if let Some(canonical) = root.and_then(|r| r.canonicalize().ok()) {
            if !roots.contains(&canonical) {
                roots.push(canonical);
            }
        }
        RepoPaths { roots }
    }

    /// The repository-relative form of `filename` (absolute when it is outside the root). A
    /// backslash is a separator only on Windows; elsewhere it is part of a name.
    pub fn get(&self, filename: &str) -> String {
        let path = Path::new(filename);
        let relative = if path.is_absolute() {
            self.roots
                .iter()
                .find_map(|root| path.strip_prefix(root).ok())
                .unwrap_or(path)
        } else {
            path
        };
        let mut out = String::new();
        for component in relative.components() {
            let part = match component {
                Component::CurDir => continue,
                Component::RootDir => {
                    out.push('/');
                    continue;
                }
                Component::Prefix(p) => p.as_os_str().to_string_lossy(),
                Component::ParentDir => "..".into(),
                Component::Normal(name) => name.to_string_lossy(),
            };
            if !out.is_empty() && !out.ends_with('/') {
                out.push('/');
            }
            out.push_str(&part);
        }
        if out.is_empty() {
            out.push('.');
        }
        if cfg!(windows) {
            out = out.replace('\\', "/");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_paths_are_relative_with_slashes() {
        let paths = RepoPaths::under(Some(Path::new("/work/repo")));
        assert_eq!(paths.get("./pkg/a.py"), "pkg/a.py");
        assert_eq!(paths.get("pkg/./a.py"), "pkg/a.py");
        assert_eq!(paths.get("/work/repo/pkg/a.py"), "pkg/a.py");
        assert_eq!(paths.get("/elsewhere/a.py"), "/elsewhere/a.py");
        assert_eq!(paths.get("../sibling/a.py"), "../sibling/a.py");
        let backslash = if cfg!(windows) {
            "pkg/win.py"
        } else {
            "pkg\\win.py"
        };
        assert_eq!(paths.get("pkg\\win.py"), backslash);
        assert_eq!(paths.get("-"), "-");
    }

    #[test]
    fn control_characters_are_shown_as_pictures() {
        assert!(matches!(
            printable("pkg/a b.py"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            printable("\x1b[31mred\n\r\t\x7f\u{9b}\\é.py"),
            "␛[31mred␊␍␉␡\u{fffd}\\é.py"
        );
    }
}
