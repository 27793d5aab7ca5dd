//! Safe fixes of imports: a name imported from a private or non-public module (or through the
//! `dagster.core` alias) that a public module exports as the very same object is imported from
//! the public module instead. The proof is the catalog's: the private path is an alias hop of
//! the object the public export is bound to (see [`crate::catalog::Catalog::aliases`]).
//!
//! The name's binding is kept (`from dagster._core.x import A as B` becomes `from dagster
//! import A as B`; an export under another name is imported `as` the old one). Where the
//! statement's block already has a `from <public module> import ...` with only imports between
//! the two, the name joins it; else, when every name of the statement moves to the same public
//! module, only the module is rewritten (aliases, comments and layout stay); else the name
//! leaves its statement for a new one just after it.

use super::{Applicability, Edit, Fix};
use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::syntax::imports::{ImportStmt, ImportedName};
use crate::syntax::{LineIndex, Span};

/// Where a fixable name goes: the public module and the name it exports the object as.
struct Public {
    module: String,
    name: String,
}

/// Attaches a fix to each private- or non-public-import finding (DAG201, DAG202) at a name of
/// `imports` whose object `public_path` (a dotted path -> the public path of the same object)
/// knows a public home for.
pub fn attach(
    source: &str,
    imports: &[ImportStmt],
    diagnostics: &mut [Diagnostic],
    public_path: &dyn Fn(&str) -> Option<String>,
) {
    let text = Lines { source };
    let mut index = None;
    for (at, stmt) in imports.iter().enumerate() {
        let Some(from) = stmt.from.as_ref().filter(|f| f.level == 0) else {
            continue;
        };
        let targets: Vec<Option<Public>> = stmt
            .names
            .iter()
            .map(|n| {
                let path = public_path(&format!("{}.{}", from.module, n.name))?;
                let (module, name) = path.rsplit_once('.')?;
                (module != from.module.as_str()).then(|| Public {
                    module: module.to_string(),
                    name: name.to_string(),
                })
            })
            .collect();
        let one_module = targets
            .iter()
            .map(|t| t.as_ref().map(|t| t.module.as_str()))
            .reduce(|a, b| if a == b { a } else { None })
            .flatten();
        for (i, name) in stmt.names.iter().enumerate() {
            let Some(target) = &targets[i] else {
                continue;
            };
            let symbol = format!("{}.{}", from.module, name.name);
            let fix = text
                .merge(imports, at, i, target)
                .or_else(|| one_module.map(|module| text.rewrite_module(stmt, &targets, module)))
                .or_else(|| text.split_off(stmt, i, target));
            let Some(edits) = fix else {
                continue;
            };
            let index = index.get_or_insert_with(|| LineIndex::new(source));
            let fix = std::sync::Arc::new(
                Fix::new(
                    Applicability::Safe,
                    format!("Import `{}` from `{}`", target.name, target.module),
                    edits,
                )
                .located(source, index),
            );
            for d in diagnostics.iter_mut().filter(|d| {
                d.span == name.span
                    && [&rules::PRIVATE_IMPORT, &rules::NON_PUBLIC_API].contains(&d.rule)
                    && d.symbol.as_deref() == Some(symbol.as_str())
            }) {
                d.fix = Some(fix.clone());
            }
        }
    }
}

/// `Name` or `Name as bound`: the public name bound as `name` binds it.
fn imported_as(target: &Public, name: &ImportedName) -> String {
    let bound = name.bound();
    if target.name == bound {
        target.name.clone()
    } else {
        format!("{} as {bound}", target.name)
    }
}

/// Line-level views of the source.
struct Lines<'s> {
    source: &'s str,
}

impl Lines<'_> {
    fn at(&self, span: Span) -> &str {
        &self.source[span.start as usize..span.end as usize]
    }

    fn line_start(&self, offset: u32) -> u32 {
        self.source[..offset as usize]
            .rfind('\n')
            .map_or(0, |i| i as u32 + 1)
    }

    /// The offset of the `\n` ending the line of `offset` (or the end of the text).
    fn line_end(&self, offset: u32) -> u32 {
        self.source[offset as usize..]
            .find('\n')
            .map_or(self.source.len() as u32, |i| offset + i as u32)
    }

    /// The start of the next line, or the end of the text.
    fn next_line(&self, offset: u32) -> u32 {
        (self.line_end(offset) + 1).min(self.source.len() as u32)
    }

    /// The line ending the file uses at `offset`'s line.
    fn newline(&self, offset: u32) -> &'static str {
        let end = self.line_end(offset) as usize;
        if end > 0 && self.source.as_bytes().get(end - 1) == Some(&b'\r') {
            "\r\n"
        } else {
            "\n"
        }
    }

    /// The indentation before `offset` when only whitespace precedes it on its line.
    fn indent(&self, offset: u32) -> Option<&str> {
        let before = &self.source[self.line_start(offset) as usize..offset as usize];
        before
            .chars()
            .all(|c| c == ' ' || c == '\t')
            .then_some(before)
    }

    /// What follows `offset` on its line, without the line ending.
    fn rest_of_line(&self, offset: u32) -> &str {
        self.source[offset as usize..self.line_end(offset) as usize].trim_end_matches('\r')
    }

    /// The edit that removes the statement `stmt`, alone on its lines with no comment after it.
    fn remove_statement(&self, stmt: &ImportStmt) -> Option<Edit> {
        self.indent(stmt.span.start)?;
        if !self.rest_of_line(stmt.span.end).trim().is_empty() {
            return None;
        }
        let span = Span {
            start: self.line_start(stmt.span.start),
            end: self.next_line(stmt.span.end),
        };
        Some(Edit {
            span,
            content: "".into(),
        })
    }

    /// The edit that removes name `i` from `stmt`, which has other names: its whole line when
    /// it stands alone on one (with its comma and comment), else with the comma that joins it
    /// to its neighbour on the same line.
    fn remove_name(&self, stmt: &ImportStmt, i: usize) -> Option<Edit> {
        let names = &stmt.names;
        let name = &names[i];
        let alone = self.indent(name.span.start).is_some() && {
            let rest = self.rest_of_line(name.span.end).trim_start();
            let rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
            rest.is_empty() || rest.starts_with('#')
        };
        let joint = |a: u32, b: u32| {
            let between = &self.source[a as usize..b as usize];
            between.trim().eq(",") && !between.contains(['\n', '\r'])
        };
        let span = if alone {
            Span {
                start: self.line_start(name.span.start),
                end: self.next_line(name.span.end),
            }
        } else if i + 1 < names.len() && joint(name.span.end, names[i + 1].span.start) {
            Span {
                start: name.span.start,
                end: names[i + 1].span.start,
            }
        } else if i > 0 && joint(names[i - 1].span.end, name.span.start) {
            Span {
                start: names[i - 1].span.end,
                end: name.span.end,
            }
        } else {
            return None;
        };
        Some(Edit {
            span,
            content: "".into(),
        })
    }

    /// Moves name `i` of statement `imports[at]` into a `from <target module> import ...` of
    /// the same block with only import statements (that bind other names) between the two.
    fn merge(
        &self,
        imports: &[ImportStmt],
        at: usize,
        i: usize,
        target: &Public,
    ) -> Option<Vec<Edit>> {
        let stmt = &imports[at];
        let name = &stmt.names[i];
        let bound = name.bound();
        let joins = |other: &ImportStmt| {
            other.block == stmt.block
                && other
                    .from
                    .as_ref()
                    .is_some_and(|f| f.level == 0 && f.module.as_str() == target.module)
                && other
                    .names
                    .iter()
                    .all(|n| n.name != "*" && n.bound() != bound)
        };
        // The nearest such statement, first looking back, then ahead; every statement between
        // must be an import that does not bind the name.
        let between_ok = |range: std::ops::Range<u32>, skip: usize| {
            let others: Vec<&ImportStmt> = imports
                .iter()
                .enumerate()
                .filter(|(j, s)| *j != skip && *j != at && s.block == stmt.block)
                .map(|(_, s)| s)
                .filter(|s| range.contains(&s.index))
                .collect();
            others.len() == range.len()
                && others
                    .iter()
                    .all(|s| s.names.iter().all(|n| n.bound() != bound))
        };
        let found = imports
            .iter()
            .enumerate()
            .rev()
            .filter(|(j, _)| *j < at)
            .find_map(|(j, s)| (joins(s) && between_ok(s.index + 1..stmt.index, j)).then_some(s));
        let found = found.or_else(|| {
            imports
                .iter()
                .enumerate()
                .filter(|(j, _)| *j > at)
                .find_map(|(j, s)| {
                    (joins(s) && between_ok(stmt.index + 1..s.index, j)).then_some(s)
                })
        })?;
        let removal = match stmt.names.len() {
            1 => self.remove_statement(stmt)?,
            _ => self.remove_name(stmt, i)?,
        };
        let mut edits = vec![removal];
        edits.extend(self.append_name(found, &imported_as(target, name))?);
        Some(edits)
    }

    /// The edits that add `text` as the last name of `stmt`, in its layout: on a line of its
    /// own (with the same indentation and trailing comma) when the last name stands alone on
    /// its line, else after `, `.
    fn append_name(&self, stmt: &ImportStmt, text: &str) -> Option<Vec<Edit>> {
        let last = stmt.names.last()?;
        let insert = |at: u32, content: String| Edit {
            span: Span { start: at, end: at },
            content: content.into(),
        };
        let rest = self.rest_of_line(last.span.end);
        let multiline = self.indent(last.span.start).is_some()
            && last.span.end < stmt.span.end
            && !self
                .at(Span {
                    start: last.span.end,
                    end: stmt.span.end,
                })
                .trim_start_matches([',', ' ', '\t'])
                .starts_with(')');
        if !multiline {
            return Some(vec![insert(last.span.end, format!(", {text}"))]);
        }
        let indent = self.indent(last.span.start)?;
        let newline = self.newline(last.span.end);
        let next_line = self.next_line(last.span.end);
        if rest.trim_start().starts_with(',') {
            return Some(vec![insert(next_line, format!("{indent}{text},{newline}"))]);
        }
        Some(vec![
            insert(last.span.end, ",".to_string()),
            insert(next_line, format!("{indent}{text}{newline}")),
        ])
    }

    /// Rewrites the module of `stmt`, all of whose names move to `module` (and the names that
    /// `module` exports under another name).
    fn rewrite_module(
        &self,
        stmt: &ImportStmt,
        targets: &[Option<Public>],
        module: &str,
    ) -> Vec<Edit> {
        let from = stmt.from.as_ref().expect("a from statement");
        let mut edits = vec![Edit {
            span: from.span,
            content: module.into(),
        }];
        for (name, target) in stmt.names.iter().zip(targets) {
            let target = target.as_ref().expect("every name moves");
            if target.name != name.name.as_str() {
                let content = match &name.asname {
                    Some(_) => target.name.clone(),
                    None => imported_as(target, name),
                };
                edits.push(Edit {
                    span: name.name_span,
                    content: content.into(),
                });
            }
        }
        edits
    }

    /// Takes name `i` out of `stmt` into a new statement on the line after it.
    fn split_off(&self, stmt: &ImportStmt, i: usize, target: &Public) -> Option<Vec<Edit>> {
        let indent = self.indent(stmt.span.start)?;
        let removal = self.remove_name(stmt, i)?;
        let end = self.line_end(stmt.span.end);
        let end = if self.source[..end as usize].ends_with('\r') {
            end - 1
        } else {
            end
        };
        let newline = self.newline(stmt.span.end);
        let added = format!(
            "{newline}{indent}from {} import {}",
            target.module,
            imported_as(target, &stmt.names[i])
        );
        Some(vec![
            removal,
            Edit {
                span: Span { start: end, end },
                content: added.into(),
            },
        ])
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::shipped;
    use crate::check::Checker;
    use crate::fix::file::fix_text;
    use crate::fix::Applicability;
    use crate::rules::selection::{apply_settings, RuleSettings};

    /// `source` fixed against dagster `version`; checks that fixing again changes nothing and
    /// that no private-import finding with a fix remains.
    fn fixed(version: &str, source: &str) -> String {
        let checker = Checker::new(
            vec![shipped::find("dagster", version).expect("shipped catalog")],
            Vec::new(),
        );
        let settings = RuleSettings::default();
        let check =
            |text: &str| apply_settings(checker.check_source(None, "x.py", text), &settings);
        let once = fix_text(source, Applicability::Safe, &check);
        assert!(!once.broke_syntax);
        assert!(
            once.remaining.0.iter().all(|d| d.fix.is_none()),
            "{:?}",
            once.remaining.0
        );
        let twice = fix_text(&once.text, Applicability::Safe, &check);
        assert_eq!(twice.text, once.text, "a second fix changes nothing");
        assert!(twice.fixed.is_empty());
        once.text
    }

    const NEW: &str = "1.13.29";

    #[test]
    fn a_private_import_moves_to_the_public_module_keeping_its_alias_and_comment() {
        let source =
            "from dagster._core.definitions.metadata import TextMetadataValue as T  # keep\n";
        assert_eq!(
            fixed(NEW, source),
            "from dagster import TextMetadataValue as T  # keep\n"
        );
    }

    #[test]
    fn a_parenthesised_multi_line_import_keeps_its_layout_and_comments() {
        let source = "from dagster._core.definitions.metadata import (  # private\n    TextMetadataValue,  # text\n    JsonMetadataValue as J,\n)\n";
        assert_eq!(
            fixed(NEW, source),
            "from dagster import (  # private\n    TextMetadataValue,  # text\n    JsonMetadataValue as J,\n)\n"
        );
    }

    #[test]
    fn names_join_an_existing_public_import_of_the_same_block() {
        let source = "import os\nfrom dagster import (\n    asset,  # the decorator\n    Definitions,\n)\nfrom dagster._core.definitions.metadata import TextMetadataValue\n\nx = TextMetadataValue\n";
        assert_eq!(
            fixed(NEW, source),
            "import os\nfrom dagster import (\n    asset,  # the decorator\n    Definitions,\n    TextMetadataValue,\n)\n\nx = TextMetadataValue\n"
        );
        // On one line, and with the import in a function, merged there.
        let source = "def f():\n    from dagster import asset\n    from dagster._core.definitions.metadata import TextMetadataValue as T, JsonMetadataValue\n";
        assert_eq!(
            fixed(NEW, source),
            "def f():\n    from dagster import asset, TextMetadataValue as T, JsonMetadataValue\n"
        );
    }

    #[test]
    fn no_merge_across_code_or_a_rebinding() {
        // Code between the two statements: the module is rewritten in place instead.
        let source = "from dagster import asset\nX = 1\nfrom dagster._core.definitions.metadata import TextMetadataValue\n";
        assert_eq!(
            fixed(NEW, source),
            "from dagster import asset\nX = 1\nfrom dagster import TextMetadataValue\n"
        );
        // An import between that binds the same name.
        let source = "from dagster import asset\nfrom m import TextMetadataValue\nfrom dagster._core.definitions.metadata import TextMetadataValue\n";
        assert_eq!(
            fixed(NEW, source),
            "from dagster import asset\nfrom m import TextMetadataValue\nfrom dagster import TextMetadataValue\n"
        );
    }

    #[test]
    fn a_name_without_a_public_home_stays_and_the_others_split_off() {
        let source = "from dagster._core.definitions.metadata import TextMetadataValue, normalize_metadata  # c\n";
        assert_eq!(
            fixed(NEW, source),
            "from dagster._core.definitions.metadata import normalize_metadata  # c\nfrom dagster import TextMetadataValue\n"
        );
    }

    #[test]
    fn findings_hidden_by_noqa_are_not_fixed() {
        let source =
            "from dagster._core.definitions.metadata import TextMetadataValue  # noqa: DAG201\n";
        assert_eq!(fixed(NEW, source), source);
    }

    #[test]
    fn crlf_files_keep_their_line_endings() {
        let source = "from dagster import (\r\n    asset,\r\n)\r\nfrom dagster._core.definitions.metadata import TextMetadataValue\r\nfrom dagster._core.definitions.metadata import JsonMetadataValue, normalize_metadata\r\n";
        assert_eq!(
            fixed(NEW, source),
            "from dagster import (\r\n    asset,\r\n    TextMetadataValue,\r\n    JsonMetadataValue,\r\n)\r\nfrom dagster._core.definitions.metadata import normalize_metadata\r\n"
        );
    }

    #[test]
    fn the_dagster_core_alias_is_fixed_where_it_exists() {
        let source = "from dagster.core.definitions.metadata import TextMetadataValue\n";
        assert_eq!(
            fixed("1.12.0", source),
            "from dagster import TextMetadataValue\n"
        );
    }
}
