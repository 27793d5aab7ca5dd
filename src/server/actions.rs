//! Code actions for findings: the fix a finding carries (see [`crate::fix`]; safe ones
//! preferred, unsafe ones marked in the title), suppressing with `# noqa` (one finding, or
//! every finding of a line; the edits of [`noqa::DirectiveWriter`], shared with `--add-noqa`),
//! and fixing the whole document ([`FIX_ALL`]).

use std::collections::{BTreeSet, HashMap, HashSet};

use lsp_types::{CodeAction, CodeActionKind, TextEdit, Uri, WorkspaceEdit};

use super::diagnostics;
use super::position::Positions;
use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::noqa;
use crate::syntax::Span;

/// The kind of the action that applies every safe fix of a document, for editors to run on
/// save (`"editor.codeActionsOnSave": {"source.fixAll.dagster-api-lint": "explicit"}`).
pub const FIX_ALL: &str = "source.fixAll.dagster-api-lint";

/// The title of the per-line noqa action.
pub const NOQA_LINE: &str = "Add # noqa for all findings on this line";

/// The code action kinds the server offers.
pub fn kinds() -> Vec<CodeActionKind> {
    vec![CodeActionKind::QUICKFIX, CodeActionKind::from(FIX_ALL)]
}

/// True when a request whose `only` is `only` wants actions of `kind`: with no `only`, every
/// kind; else those that one of its kinds names or is a prefix of (`source` covers
/// `source.fixAll.dagster-api-lint`), as the protocol defines.
pub fn wanted(only: Option<&[CodeActionKind]>, kind: &str) -> bool {
    only.is_none_or(|only| {
        only.iter().any(|asked| {
            let asked = asked.as_str();
            asked.is_empty()
                || kind == asked
                || kind
                    .strip_prefix(asked)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

/// The quick fixes for the findings that touch `range` (byte span) of `source`: each one's fix,
/// its noqa directive, and a directive for every finding of its line when they are of more
/// than one code.
pub fn quick_fixes(
    uri: &Uri,
    source: &str,
    text: &Positions,
    findings: &[Diagnostic],
    range: Span,
) -> Vec<CodeAction> {
    let touching: Vec<&Diagnostic> = findings
        .iter()
        .filter(|d| d.span.start <= range.end && range.start <= d.span.end)
        .collect();
    if touching.is_empty() {
        return Vec::new();
    }
    let parsed = crate::syntax::parse(source);
    let writer = noqa::DirectiveWriter::new(source, &parsed);
    let mut actions = Vec::new();
    let mut suppressed = HashSet::new();
    let mut rows = BTreeSet::new();
    for finding in touching {
        let diagnostic = diagnostics::to_lsp(finding, text);
        // In a notebook opened as text (JSON), a fix's edits are placed in the code, not here.
        if let Some(fix) = finding.fix.as_deref().filter(|_| finding.cell.is_none()) {
            actions.push(fix_action(uri, text, fix, diagnostic.clone()));
        }
        let row = writer.directive_row(finding.start.row);
        rows.insert(row);
        if !suppressed.insert((row, finding.rule.code)) {
            continue;
        }
        if let Some(edit) = writer.edits([finding]).pop() {
            let title = format!("Suppress with # noqa: {}", finding.rule.code);
            actions.push(action(
                uri,
                title,
                vec![text_edit(text, edit)],
                vec![diagnostic],
            ));
        }
    }
    for row in rows {
        let on_line: Vec<&Diagnostic> = findings
            .iter()
            .filter(|d| writer.directive_row(d.start.row) == row)
            .collect();
        let codes: HashSet<&str> = on_line
            .iter()
            .filter(|d| noqa::suppressible(d.rule))
            .map(|d| d.rule.code)
            .collect();
        if codes.len() < 2 {
            continue; // the finding's own noqa action does the same
        }
        if let Some(edit) = writer.edits(on_line.iter().copied()).pop() {
            let about = on_line
                .iter()
                .map(|d| diagnostics::to_lsp(d, text))
                .collect();
            actions.push(action(
                uri,
                NOQA_LINE.into(),
                vec![text_edit(text, edit)],
                about,
            ));
        }
    }
    actions
}

/// The action that applies a finding's fix: preferred when safe, marked when unsafe.
fn fix_action(
    uri: &Uri,
    text: &Positions,
    fix: &Fix,
    diagnostic: lsp_types::Diagnostic,
) -> CodeAction {
    let safe = fix.applicability == Applicability::Safe;
    let title = match safe {
        true => fix.message.to_string(),
        false => format!("{} (unsafe fix)", fix.message),
    };
    let edits = fix
        .edits
        .iter()
        .map(|edit| text_edit(text, edit.clone()))
        .collect();
    CodeAction {
        is_preferred: safe.then_some(true),
        ..action(uri, title, edits, vec![diagnostic])
    }
}

/// The [`FIX_ALL`] action that turns `source` into `fixed` (the document with every safe fix
/// applied, to a fixed point): one edit of the whole document. None when nothing changes.
pub fn fix_all(uri: &Uri, source: &str, text: &Positions, fixed: &str) -> Option<CodeAction> {
    if fixed == source {
        return None;
    }
    let whole = Span {
        start: 0,
        end: source.len() as u32,
    };
    let edit = TextEdit {
        range: text.range(whole),
        new_text: fixed.to_string(),
    };
    Some(CodeAction {
        kind: Some(CodeActionKind::from(FIX_ALL)),
        diagnostics: None,
        ..action(
            uri,
            "Fix all dagster-api-lint safe fixes".into(),
            vec![edit],
            Vec::new(),
        )
    })
}

fn action(
    uri: &Uri,
    title: String,
    edits: Vec<TextEdit>,
    diagnostics: Vec<lsp_types::Diagnostic>,
) -> CodeAction {
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(diagnostics),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        ..CodeAction::default()
    }
}

/// An edit as the client sees it.
fn text_edit(text: &Positions, edit: Edit) -> TextEdit {
    TextEdit {
        range: text.range(edit.span),
        new_text: edit.content.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;
    use std::sync::Arc;

    use super::*;
    use crate::rules::{self, Rule};
    use crate::server::position::Encoding;
    use crate::syntax::LineIndex;

    const SOURCE: &str = "import dagster as dg\nx = dg.SourceAsset(key='a')\n";

    /// A finding of `code` on the first `name` of [`SOURCE`], with `fix`.
    fn finding(rule: &'static Rule, name: &str, fix: Option<Fix>) -> Diagnostic {
        let at = SOURCE.find(name).unwrap() as u32;
        let span = Span {
            start: at,
            end: at + name.len() as u32,
        };
        let index = LineIndex::new(SOURCE);
        let mut d = Diagnostic::at(rule, "a.py", SOURCE, &index, span, "m".into());
        d.replacement = Some("AssetSpec".into());
        d.fix = fix.map(Arc::new);
        d
    }

    fn rename(applicability: Applicability) -> Fix {
        let at = SOURCE.find("SourceAsset").unwrap() as u32;
        let span = Span {
            start: at,
            end: at + 11,
        };
        let edit = Edit {
            span,
            content: "AssetSpec".into(),
        };
        Fix::new(applicability, "Use `AssetSpec`", vec![edit])
    }

    fn titles(findings: &[Diagnostic]) -> Vec<(String, Option<bool>)> {
        let uri = Uri::from_str("file:///a.py").unwrap();
        let text = Positions::new(SOURCE, Encoding::Utf16);
        let at = SOURCE.find("Source").unwrap() as u32;
        let range = Span { start: at, end: at };
        quick_fixes(&uri, SOURCE, &text, findings, range)
            .into_iter()
            .map(|a| (a.title, a.is_preferred))
            .collect()
    }

    fn owned(titles: &[(&str, Option<bool>)]) -> Vec<(String, Option<bool>)> {
        titles.iter().map(|(t, p)| (t.to_string(), *p)).collect()
    }

    #[test]
    fn quick_fixes_come_from_the_fix_model() {
        // A hint that names a replacement is no fix: no rename is offered.
        let plain = finding(&rules::DEPRECATED_SYMBOL, "dg.SourceAsset", None);
        assert_eq!(
            titles(&[plain]),
            owned(&[("Suppress with # noqa: DAG001", None)])
        );
        let safe = finding(
            &rules::DEPRECATED_SYMBOL,
            "dg.SourceAsset",
            Some(rename(Applicability::Safe)),
        );
        assert_eq!(
            titles(&[safe]),
            owned(&[
                ("Use `AssetSpec`", Some(true)),
                ("Suppress with # noqa: DAG001", None)
            ])
        );
        let risky = finding(
            &rules::DEPRECATED_SYMBOL,
            "dg.SourceAsset",
            Some(rename(Applicability::Unsafe)),
        );
        assert_eq!(
            titles(&[risky])[0],
            ("Use `AssetSpec` (unsafe fix)".to_string(), None)
        );
    }

    #[test]
    fn one_directive_for_every_code_of_a_line() {
        let findings = [
            finding(&rules::DEPRECATED_SYMBOL, "dg.SourceAsset", None),
            finding(&rules::BETA_SYMBOL, "key", None),
        ];
        let uri = Uri::from_str("file:///a.py").unwrap();
        let text = Positions::new(SOURCE, Encoding::Utf16);
        let at = findings[0].span;
        let found = quick_fixes(&uri, SOURCE, &text, &findings, at);
        let line = found
            .iter()
            .find(|a| a.title == NOQA_LINE)
            .expect("the line action");
        let edits = &line.edit.as_ref().unwrap().changes.as_ref().unwrap()[&uri];
        assert_eq!(edits[0].new_text, "  # noqa: DAG001, DAG101");
        assert_eq!(line.diagnostics.as_ref().unwrap().len(), 2);
        // One code on the line: the finding's own action is enough.
        let single = quick_fixes(&uri, SOURCE, &text, &findings[..1], at);
        assert!(single.iter().all(|a| a.title != NOQA_LINE));
    }

    #[test]
    fn fix_all_replaces_the_document_and_kinds_follow_the_protocol() {
        let uri = Uri::from_str("file:///a.py").unwrap();
        let text = Positions::new(SOURCE, Encoding::Utf16);
        let fixed = SOURCE.replace("SourceAsset", "AssetSpec");
        let action = fix_all(&uri, SOURCE, &text, &fixed).unwrap();
        assert_eq!(action.kind.unwrap().as_str(), FIX_ALL);
        let edits = &action.edit.unwrap().changes.unwrap()[&uri];
        assert_eq!(edits[0].new_text, fixed);
        assert_eq!(edits[0].range.end.line, 2);
        assert!(fix_all(&uri, SOURCE, &text, SOURCE).is_none());

        let only = |kinds: &[&str]| -> Vec<CodeActionKind> {
            kinds
                .iter()
                .map(|k| CodeActionKind::from(k.to_string()))
                .collect()
        };
        assert!(wanted(None, FIX_ALL));
        assert!(wanted(Some(&only(&["source"])), FIX_ALL));
        assert!(wanted(Some(&only(&["source.fixAll"])), FIX_ALL));
        assert!(!wanted(Some(&only(&["source.fix"])), FIX_ALL));
        assert!(!wanted(Some(&only(&["quickfix"])), FIX_ALL));
        assert!(wanted(Some(&only(&["quickfix"])), "quickfix"));
        assert!(!wanted(
            Some(&only(&["source.organizeImports"])),
            "quickfix"
        ));
    }
}
