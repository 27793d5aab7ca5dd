//! The one finding type, [`Diagnostic`], and its constructors: what every rule reports and
//! every output format, the cache, the baseline and the language server read.

use crate::rules::{self, Rule, Severity};
use crate::syntax::{LineIndex, Location, Span};

/// Shared, immutable text of a finding: cloning a finding (as the results cache does for
/// every file with the same content) copies pointers, not text.
pub type Text = std::sync::Arc<str>;

/// One finding.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The rule.
    pub rule: &'static Rule,
    /// Effective severity (the rule default unless configured).
    pub severity: Severity,
    /// Human-readable message; its first sentence stands alone.
    pub message: Text,
    /// The file, as given on the command line (or `--stdin-filename`).
    pub filename: Text,
    /// Byte range in the file.
    pub span: Span,
    /// 1-based start.
    pub start: Location,
    /// 1-based end (exclusive column).
    pub end: Location,
    /// The dotted name as the user reached it (`dagster.components.load_defs`).
    pub symbol: Option<Text>,
    /// The keyword, for parameter findings.
    pub parameter: Option<Text>,
    /// Breaking version of a deprecation.
    pub breaking_version: Option<Text>,
    /// Text of the line the finding starts on (for snippets, baselines and fingerprints).
    pub line_text: Text,
    /// A plain rename that fixes the finding (`SourceAsset` -> `AssetSpec`), when the catalog
    /// hint names one. Information only: the edits that fix a finding are in `fix`.
    pub replacement: Option<Text>,
    /// The edits that resolve the finding, when the catalog proves them right (see
    /// [`crate::fix`]).
    pub fix: Option<std::sync::Arc<crate::fix::Fix>>,
    /// For a notebook, the cell the finding is in (its rows then count from the cell's first
    /// line) and where it is in the `.ipynb` file; `None` in a Python file.
    pub cell: Option<InCell>,
}

impl Diagnostic {
    /// Where the finding starts, in the order findings are shown: its cell (0 outside
    /// notebooks), then its row and column.
    pub fn position(&self) -> (u32, Location) {
        (self.cell.map_or(0, |c| c.cell), self.start)
    }

    /// Where the finding starts and ends in its file's own text: in a notebook, in the
    /// `.ipynb` JSON (see [`InCell`]); elsewhere its start and end.
    pub fn file_range(&self) -> (Location, Location) {
        self.cell
            .map_or((self.start, self.end), |c| (c.file_start, c.file_end))
    }

    /// Its place as the text formats show it: `row:column`, or `cell N:row:column`.
    pub fn shown_position(&self) -> String {
        let at = format!("{}:{}", self.start.row, self.start.column);
        match self.cell {
            Some(place) => format!("cell {}:{at}", place.cell),
            None => at,
        }
    }

    /// The status this finding reports (`deprecated`, `beta`, ...).
    pub fn status(&self) -> &'static str {
        self.rule.status
    }

    /// This finding, in the file `filename`.
    pub fn in_file(&self, filename: &Text) -> Diagnostic {
        Diagnostic {
            filename: filename.clone(),
            ..self.clone()
        }
    }

    /// A finding of `rule` in `filename` with just a message, placed at the file's start
    /// (1:1, an empty span, no line text): for what is about the whole file, such as a file
    /// that could not be read. The other fields are set with struct update syntax.
    pub fn new(rule: &'static Rule, filename: &str, message: impl Into<Text>) -> Diagnostic {
        let origin = Location { row: 1, column: 1 };
        Diagnostic {
            rule,
            severity: rule.severity,
            message: message.into(),
            filename: filename.into(),
            span: Span::default(),
            start: origin,
            end: origin,
            symbol: None,
            parameter: None,
            breaking_version: None,
            line_text: "".into(),
            replacement: None,
            fix: None,
            cell: None,
        }
    }

    /// An error for a file that could not be read (E902).
    pub fn io_error(filename: &str, message: &str) -> Diagnostic {
        Diagnostic::new(&rules::IO_ERROR, filename, format!("{filename}: {message}"))
    }

    /// A finding of `rule` at `span` of `source` with just a message.
    pub fn at(
        rule: &'static Rule,
        filename: &str,
        source: &str,
        index: &LineIndex,
        span: Span,
        message: String,
    ) -> Diagnostic {
        let start = index.location(source, span.start);
        let end = index.location(source, span.end.max(span.start));
        let line = index.line_span(source, start.row as usize - 1);
        Diagnostic {
            span,
            start,
            end,
            line_text: source[line.start as usize..line.end as usize].into(),
            ..Diagnostic::new(rule, filename, message)
        }
    }
}

/// Where a finding of a notebook is: its cell (its row and column, in [`Diagnostic::start`]
/// and [`Diagnostic::end`], count from the cell's first line), and the same place in the
/// `.ipynb` file itself, for the formats that point into files (SARIF, GitLab).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InCell {
    /// The cell, 1-based among all the notebook's cells (markdown and raw cells count), as
    /// ruff and the notebook editors number them.
    pub cell: u32,
    /// The start in the `.ipynb` file: the line of the JSON string that holds the cell's line,
    /// and the column in it (exact unless JSON escapes precede the finding on that line).
    pub file_start: Location,
    /// The end in the `.ipynb` file, found the same way.
    pub file_end: Location,
}

/// One file's findings, as a run passes them on.
#[derive(Debug)]
pub enum Findings {
    /// Findings of this file.
    Owned(Vec<Diagnostic>),
    /// The cached findings of every file with this file's content, shown as they are: shared,
    /// and without a file name (the file's name goes with them).
    Shared(std::sync::Arc<[Diagnostic]>),
}

impl Findings {
    /// The findings (those of [`Findings::Shared`] without their file name).
    pub fn as_slice(&self) -> &[Diagnostic] {
        match self {
            Findings::Owned(diagnostics) => diagnostics,
            Findings::Shared(diagnostics) => diagnostics,
        }
    }

    /// The findings as those of the file `name`.
    pub fn into_owned(self, name: &str) -> Vec<Diagnostic> {
        match self {
            Findings::Owned(diagnostics) => diagnostics,
            Findings::Shared(diagnostics) => relabel(&diagnostics, name),
        }
    }

    /// The file name to show with each finding, when they do not carry it.
    pub fn unnamed<'n>(&self, name: &'n str) -> Option<&'n str> {
        matches!(self, Findings::Shared(_)).then_some(name)
    }
}

/// `diagnostics`, in the file `name`.
fn relabel(diagnostics: &[Diagnostic], name: &str) -> Vec<Diagnostic> {
    let name = name.into();
    diagnostics.iter().map(|d| d.in_file(&name)).collect()
}
