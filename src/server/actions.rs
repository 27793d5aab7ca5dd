//! Code actions for findings: suppress with `# noqa: CODE`, and replace a name that the catalog
//! says is a plain rename (`SourceAsset` -> `AssetSpec`).

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, TextEdit, Uri, WorkspaceEdit};

use super::diagnostics;
use super::position::Text;
use crate::check::Diagnostic;
use crate::noqa;
use crate::syntax::Span;

/// The quick fixes for the findings that touch `range` (byte span) of `source`.
pub fn quick_fixes(
    uri: &Uri,
    source: &str,
    text: &Text,
    findings: &[Diagnostic],
    range: Span,
) -> Vec<CodeAction> {
    let touching = findings
        .iter()
        .filter(|d| d.span.start <= range.end && range.start <= d.span.end);
    let mut actions = Vec::new();
    let parsed = crate::syntax::parse(source);
    let writer = noqa::DirectiveWriter::new(source, &parsed);
    let mut suppressed = std::collections::HashSet::new();
    for finding in touching {
        let diagnostic = diagnostics::to_lsp(finding, text);
        if let Some((title, edit)) = rename(source, text, finding) {
            actions.push(action(uri, title, edit, diagnostic.clone()));
        }
        let key = (finding.start.row, finding.rule.code);
        if !suppressed.insert(key) {
            continue;
        }
        if let Some(edit) = writer.edits([finding]).pop() {
            let title = format!("Suppress with # noqa: {}", finding.rule.code);
            actions.push(action(uri, title, text_edit(text, edit), diagnostic));
        }
    }
    actions
}

fn action(
    uri: &Uri,
    title: String,
    edit: TextEdit,
    diagnostic: lsp_types::Diagnostic,
) -> CodeAction {
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
            ..WorkspaceEdit::default()
        }),
        ..CodeAction::default()
    }
}

/// A noqa edit as the client sees it.
fn text_edit(text: &Text, edit: noqa::Edit) -> TextEdit {
    TextEdit {
        range: text.range(edit.span),
        new_text: edit.text,
    }
}

/// Replaces the last segment of the reference's text with the replacement's
/// (`dg.SourceAsset` -> `dg.AssetSpec`). A dotted replacement (`AssetSelection.assets`) applies
/// only where the reference ends with the same prefix (`dg.AssetSelection.keys`).
fn rename(source: &str, text: &Text, finding: &Diagnostic) -> Option<(String, TextEdit)> {
    let replacement = finding.replacement.as_deref()?;
    let written = source
        .get(finding.span.start as usize..finding.span.end as usize)?
        .trim_end();
    let segments: Vec<&str> = written.split('.').map(str::trim).collect();
    let (name, prefix) = segments.split_last()?;
    let new_segments: Vec<&str> = replacement.split('.').collect();
    let (new_name, new_prefix) = new_segments.split_last()?;
    let is_identifier = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    // The reference must name the object the finding is about, and the prefixes must agree.
    let about = finding.symbol.as_deref()?.rsplit('.').next();
    if !is_identifier(name) || about != Some(*name) || !prefix.ends_with(new_prefix) {
        return None;
    }
    let end = finding.span.start + written.len() as u32;
    let span = Span {
        start: end - name.len() as u32,
        end,
    };
    let title = format!("Replace `{name}` with `{new_name}`");
    Some((
        title,
        TextEdit {
            range: text.range(span),
            new_text: new_name.to_string(),
        },
    ))
}
