//! One finding as a JSON object, the [`Record`] the JSON formats share (and SARIF's fixes).

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::syntax::Location;

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
