//! The import statements of a module, with the byte ranges that fixes edit: the statement, the
//! module after `from`, each imported name, and where each statement sits among its siblings
//! (which block, which position), in every block of the file (function and class bodies too).

use ruff_python_ast as ast;
use ruff_python_ast::statement_visitor::{walk_body, StatementVisitor};
use ruff_text_size::Ranged;

use super::{Name, Parsed, Span};

/// One `import ...` or `from ... import ...` statement.
#[derive(Debug, Clone)]
pub struct ImportStmt {
    /// The whole statement (to its closing parenthesis).
    pub span: Span,
    /// Which block of statements holds it (an id unique within the file).
    pub block: u32,
    /// Its position in that block.
    pub index: u32,
    /// `from` statements: the module, its range and the number of leading dots.
    pub from: Option<FromModule>,
    /// The imported names, in order.
    pub names: Vec<ImportedName>,
}

/// The module of a `from` statement.
#[derive(Debug, Clone)]
pub struct FromModule {
    /// The dotted module, without the leading dots (empty for `from . import x`).
    pub module: Name,
    /// Its range (empty at the `import` keyword when there is no module).
    pub span: Span,
    /// Number of leading dots (0: absolute).
    pub level: u32,
}

/// One `name` or `name as alias` of an import statement.
#[derive(Debug, Clone)]
pub struct ImportedName {
    /// The imported (dotted) name; `*` for a star import.
    pub name: Name,
    /// The `as` name.
    pub asname: Option<Name>,
    /// The whole `name as alias`.
    pub span: Span,
    /// The name alone.
    pub name_span: Span,
}

impl ImportedName {
    /// The name this binds in its scope (`c` for `a as c`; `a` for `import a.b`).
    pub fn bound(&self) -> &str {
        match &self.asname {
            Some(asname) => asname,
            None => self.name.split('.').next().unwrap_or(&self.name),
        }
    }
}

fn span(node: &impl Ranged) -> Span {
    let range = node.range();
    Span {
        start: range.start().to_u32(),
        end: range.end().to_u32(),
    }
}

/// Every import statement of the module, in file order.
pub fn imports(parsed: &Parsed) -> Vec<ImportStmt> {
    let mut collector = Collector::default();
    collector.visit_body(&parsed.module.syntax().body);
    collector.out.sort_by_key(|s| s.span.start);
    collector.out
}

#[derive(Default)]
struct Collector {
    out: Vec<ImportStmt>,
    blocks: u32,
}

impl<'a> StatementVisitor<'a> for Collector {
    fn visit_body(&mut self, body: &'a [ast::Stmt]) {
        let block = self.blocks;
        self.blocks += 1;
        for (index, stmt) in body.iter().enumerate() {
            let names = |aliases: &[ast::Alias]| -> Vec<ImportedName> {
                aliases
                    .iter()
                    .map(|a| ImportedName {
                        name: a.name.as_str().into(),
                        asname: a.asname.as_ref().map(|n| n.as_str().into()),
                        span: span(a),
                        name_span: span(&a.name),
                    })
                    .collect()
            };
            let (from, names) = match stmt {
                ast::Stmt::Import(i) => (None, names(&i.names)),
                ast::Stmt::ImportFrom(i) => {
                    let module = match &i.module {
                        Some(m) => FromModule {
                            module: m.as_str().into(),
                            span: span(m),
                            level: i.level,
                        },
                        None => FromModule {
                            module: Name::default(),
                            span: Span::default(),
                            level: i.level,
                        },
                    };
                    (Some(module), names(&i.names))
                }
                _ => continue,
            };
            self.out.push(ImportStmt {
                span: span(stmt),
                block,
                index: index as u32,
                from,
                names,
            });
        }
        walk_body(self, body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_names_and_ranges() {
        let source = "import a.b\nfrom dagster._core import (\n    X as Y,  # c\n    Z,\n)\ndef f():\n    from . import w\n";
        let found = imports(&super::super::parse(source));
        assert_eq!(found.len(), 3);
        let text = |s: Span| &source[s.start as usize..s.end as usize];
        assert_eq!(found[0].names[0].bound(), "a");
        assert!(found[0].from.is_none());
        let from = found[1].from.as_ref().unwrap();
        assert_eq!(text(from.span), "dagster._core");
        assert_eq!(
            text(found[1].span),
            &source[11..source.find(")\n").unwrap() + 1]
        );
        assert_eq!(text(found[1].names[0].span), "X as Y");
        assert_eq!(text(found[1].names[0].name_span), "X");
        assert_eq!(found[1].names[0].bound(), "Y");
        assert_eq!((found[0].block, found[0].index), (found[1].block, 0));
        assert_eq!(found[1].index, 1);
        assert_ne!(found[2].block, found[1].block);
        assert_eq!(found[2].from.as_ref().unwrap().level, 1);
    }
}
