//! Safe fixes of deprecated aliases: a name that a public module exports, deprecated, for the
//! very object it also exports unmarked under another name (dagster 1.3's `_DEPRECATED_RENAMED`
//! maps `ExecuteJobResult` to `JobExecutionResult`) is written as that other name. The proof is
//! the catalog's: both exports are bound to the same object.
//!
//! An import keeps its binding (`from dagster import ExecuteJobResult` becomes `from dagster
//! import JobExecutionResult as ExecuteJobResult`; `... as R` becomes `JobExecutionResult as
//! R`); an attribute reference is renamed (`dg.ExecuteJobResult` -> `dg.JobExecutionResult`).
//! A bare use of an imported name gets no fix: fixing its import is what changes it.

use std::sync::Arc;

use super::{attribute_edit, Applicability, Edit, Fix};
use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::syntax::imports::{imports, ImportStmt};
use crate::syntax::{LineIndex, Parsed};

/// Attaches a fix to each deprecation finding (DAG001) that has none, whose symbol `twin`
/// (a dotted path -> the unmarked name its module exports the same object as) knows, at an
/// import of the name or an attribute reference ending with it. The file's import statements
/// (`statements`, shared with the other import fixes) are collected only when one is needed.
pub fn attach(
    source: &str,
    parsed: &Parsed,
    statements: &mut Option<Vec<ImportStmt>>,
    diagnostics: &mut [Diagnostic],
    twin: &dyn Fn(&str) -> Option<String>,
) {
    let mut index = None;
    for d in diagnostics
        .iter_mut()
        .filter(|d| *d.rule == rules::DEPRECATED_SYMBOL && d.fix.is_none())
    {
        let Some(symbol) = d.symbol.as_deref() else {
            continue;
        };
        let Some((module, old)) = symbol.rsplit_once('.') else {
            continue;
        };
        let Some(new) = twin(symbol) else {
            continue;
        };
        let statements = statements.get_or_insert_with(|| imports(parsed));
        let edit = import_edit(statements, d, module, old, &new)
            .or_else(|| attribute_edit(source, d.span, old, &new));
        let Some(edit) = edit else {
            continue;
        };
        let index = index.get_or_insert_with(|| LineIndex::new(source));
        let fix = Fix::new(
            Applicability::Safe,
            format!("Replace `{old}` with `{new}` (the same object)"),
            vec![edit],
        );
        d.fix = Some(Arc::new(fix.located(source, index)));
    }
}

/// The edit of `from module import old [as bound]` at the finding: `new as old`, or `new` in
/// place of `old` when the import already binds another name.
fn import_edit(
    imports: &[ImportStmt],
    d: &Diagnostic,
    module: &str,
    old: &str,
    new: &str,
) -> Option<Edit> {
    imports
        .iter()
        .filter(|stmt| {
            stmt.from
                .as_ref()
                .is_some_and(|f| f.level == 0 && f.module.as_str() == module)
        })
        .flat_map(|stmt| &stmt.names)
        .find(|name| name.span == d.span && &*name.name == old)
        .map(|name| Edit {
            span: name.name_span,
            content: match name.asname {
                Some(_) => new.into(),
                None => format!("{new} as {old}").into(),
            },
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply;
    use crate::syntax::{self, Span};

    /// A DAG001 finding of `dagster.Old` at the `n`th occurrence of `text` in `source`.
    fn finding(source: &str, text: &str, n: usize) -> Diagnostic {
        let start = source.match_indices(text).nth(n).unwrap().0 as u32;
        let span = Span {
            start,
            end: start + text.len() as u32,
        };
        let rule = &crate::rules::DEPRECATED_SYMBOL;
        let index = LineIndex::new(source);
        let message = "deprecated".to_string();
        Diagnostic {
            symbol: Some("dagster.Old".into()),
            ..Diagnostic::at(rule, "a.py", source, &index, span, message)
        }
    }

    fn fixed(source: &str, findings: &mut [Diagnostic]) -> String {
        let parsed = syntax::parse(source);
        attach(source, &parsed, &mut None, findings, &|symbol| {
            (symbol == "dagster.Old").then(|| "New".to_string())
        });
        let fixes = findings
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.fix.as_deref().map(|f| (i, f)));
        apply(source, fixes, Applicability::Safe).text
    }

    #[test]
    fn imports_keep_their_binding_and_attributes_are_renamed() {
        let source = "import dagster as dg\nfrom dagster import Old, asset\nfrom dagster import (\n    Old as O,  # kept\n)\nx = dg.Old\ny = dg . Old\n";
        let mut findings = vec![
            finding(source, "Old", 0),
            finding(source, "Old as O", 0),
            finding(source, "dg.Old", 0),
            finding(source, "dg . Old", 0),
        ];
        assert_eq!(
            fixed(source, &mut findings),
            "import dagster as dg\nfrom dagster import New as Old, asset\nfrom dagster import (\n    New as O,  # kept\n)\nx = dg.New\ny = dg . New\n"
        );
        assert!(findings.iter().all(|d| d
            .fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe)));
    }

    #[test]
    fn bare_uses_and_other_modules_get_no_fix() {
        let source = "from dagster import Old\nfrom other import Old as Other\nOld()\n";
        let mut findings = vec![
            finding(source, "Old", 2),
            finding(source, "Old as Other", 0),
        ];
        assert_eq!(fixed(source, &mut findings), source);
        assert!(findings.iter().all(|d| d.fix.is_none()));
    }
}
