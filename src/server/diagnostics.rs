//! Findings as LSP diagnostics.

use std::str::FromStr;

use lsp_types::{CodeDescription, DiagnosticSeverity, DiagnosticTag, NumberOrString, Uri};

use super::position::Positions;
use crate::diagnostic::Diagnostic;
use crate::rules::Severity;
use crate::syntax::Span;

/// The `source` of every diagnostic the server publishes.
pub const SOURCE: &str = "dagster-api-lint";

/// A finding as an LSP diagnostic, its range in the client's position encoding.
pub fn to_lsp(finding: &Diagnostic, text: &Positions) -> lsp_types::Diagnostic {
    let severity = match finding.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    };
    // A notebook's finding is placed by row and column: in the `.ipynb` text, or in its
    // cell's document (see `diagnostic::InCell`); its span is in the cells' joined code.
    let span = match finding.cell {
        None => finding.span,
        Some(place) => Span {
            start: text.offset_of(place.file_start),
            end: text.offset_of(place.file_end),
        },
    };
    lsp_types::Diagnostic {
        range: text.range(span),
        severity: Some(severity),
        code: Some(NumberOrString::String(finding.rule.code.to_string())),
        code_description: Uri::from_str(&finding.rule.url())
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: finding.message.to_string(),
        related_information: None,
        // Editors strike deprecated names through.
        tags: (finding.status() == "deprecated").then(|| vec![DiagnosticTag::DEPRECATED]),
        data: None,
    }
}
