//! Python parsing. This module is the only place that touches the parser crates
//! (`ruff_python_parser`, `ruff_python_ast`, `ruff_text_size`): the checker and the catalog
//! builder walk ruff's tree through the borrowed [`view`], so an upgrade of those 0.0.x crates
//! changes this module alone.

pub mod view;

use ruff_python_ast as ast;
use ruff_python_parser::{Mode, ParseOptions};

/// An identifier or other short text of the tree: stored inline up to 24 bytes, so that the
/// names of a file (most of what lowering copies) cost no allocation.
pub type Name = compact_str::CompactString;

/// A byte range in the source text (start inclusive, end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
}

/// A syntax error found while parsing; the tree is still built around it.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    /// The parser's message.
    pub message: String,
    /// Where the error is.
    pub span: Span,
}

/// A parsed module: ruff's (possibly error-recovered) tree, seen through [`view`], and the
/// syntax errors.
pub struct Parsed {
    module: ruff_python_parser::Parsed<ast::ModModule>,
    /// Syntax errors, in source order.
    pub errors: Vec<SyntaxError>,
}

impl Parsed {
    /// The module's top-level statements.
    pub fn body(&self) -> view::Suite<'_> {
        view::Suite::new(&self.module.syntax().body)
    }
}

fn parse_ruff(source: &str) -> ruff_python_parser::Parsed<ast::Mod> {
    ruff_python_parser::parse_unchecked(source, ParseOptions::from(Mode::Module))
}

/// Parses Python source (any version up to 3.14 syntax). Never fails: syntax errors are
/// returned beside the recovered tree.
pub fn parse(source: &str) -> Parsed {
    let parsed = parse_ruff(source);
    let errors = parsed
        .errors()
        .iter()
        .map(|e| SyntaxError {
            message: e.error.to_string(),
            span: Span {
                start: e.location.start().to_u32(),
                end: e.location.end().to_u32(),
            },
        })
        .collect();
    let module = parsed
        .try_into_module()
        .expect("a module is parsed in module mode");
    Parsed { module, errors }
}

/// Parses `source` with the same parser and drops the result, without lowering or analysis:
/// the floor of what checking a file can cost (`check --parse-only`, a benchmarking aid).
pub fn parse_and_drop(source: &str) {
    let parsed = parse_ruff(source);
    std::hint::black_box(&parsed);
}

/// The expression of a string annotation (`"dg.AssetExecutionContext"`), parsed.
pub struct StringAnnotation {
    parsed: ruff_python_parser::Parsed<ast::ModExpression>,
    at: Span,
}

impl StringAnnotation {
    /// The expression, with every span set to the string literal's.
    pub fn expr(&self) -> view::Expr<'_> {
        view::Expr::relocated(self.parsed.expr(), self.at)
    }
}

/// Parses the text of a string annotation (`"dg.AssetExecutionContext"`) as an expression.
/// Every span in the result is `at` (the string literal), since offsets inside a string
/// literal do not map back to the file when it has escapes or prefixes.
pub fn parse_string_annotation(text: &str, at: Span) -> Option<StringAnnotation> {
    let parsed = ruff_python_parser::parse_expression(text.trim()).ok()?;
    Some(StringAnnotation { parsed, at })
}

/// Maps byte offsets to 1-based line and character columns (wraps `ruff_source_file`).
#[derive(Debug, Clone)]
pub struct LineIndex {
    index: ruff_source_file::LineIndex,
}

/// A 1-based line and column (columns count Unicode scalar values, as ruff does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Location {
    /// 1-based line.
    pub row: u32,
    /// 1-based column in characters.
    pub column: u32,
}

impl LineIndex {
    /// Indexes the line starts of `source`.
    pub fn new(source: &str) -> Self {
        LineIndex {
            index: ruff_source_file::LineIndex::from_source_text(source),
        }
    }

    /// The number of lines (a final line terminator starts one more, empty line).
    pub fn line_count(&self) -> usize {
        self.index.line_count()
    }

    /// The 0-based line that contains byte `offset` (at most the text's length).
    pub fn line_of(&self, offset: u32) -> usize {
        self.index.line_index(offset.into()).to_zero_indexed()
    }

    /// The byte range of 0-based `line`, without its line terminator.
    pub fn line_span(&self, source: &str, line: usize) -> Span {
        let range = self.index.line_range(
            ruff_source_file::OneIndexed::from_zero_indexed(line),
            source,
        );
        let (start, mut end) = (range.start().to_u32(), range.end().to_u32());
        let bytes = source.as_bytes();
        while end > start && matches!(bytes[end as usize - 1], b'\n' | b'\r') {
            end -= 1;
        }
        Span { start, end }
    }

    /// The location of byte `offset` in `source`.
    pub fn location(&self, source: &str, offset: u32) -> Location {
        let offset = offset.min(source.len() as u32);
        let lc = self.index.line_column(offset.into(), source);
        Location {
            row: lc.line.get() as u32,
            column: lc.column.get() as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use view::{ExprKind, StmtKind};

    #[test]
    fn parses_modern_syntax_without_errors() {
        let src = "type X[T = int] = list[T]\nf = f\"{'a' + f'{1}'}\"\ntry:\n    pass\nexcept A, B:\n    pass\n";
        let parsed = parse(src);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.body().iter().count(), 3);
    }

    #[test]
    fn recovers_from_syntax_errors() {
        let parsed = parse("import dagster\ndef f(:\n    pass\nx = dagster.asset\n");
        assert!(!parsed.errors.is_empty());
        assert!(parsed
            .body()
            .iter()
            .any(|s| matches!(s.kind(), StmtKind::Import { .. })));
    }

    #[test]
    fn flattens_long_operator_chains() {
        let src = format!("x = {}\n", vec!["a"; 50_000].join(" + "));
        let operands = std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || {
                let parsed = parse(&src);
                let stmt = parsed.body().iter().next().unwrap();
                let StmtKind::Assign {
                    value: Some(value), ..
                } = stmt.kind()
                else {
                    panic!("an assignment");
                };
                let operands = match value.kind() {
                    ExprKind::Other { children } => children.count(),
                    _ => 0,
                };
                operands
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(operands, 50_000);
    }

    #[test]
    fn locations_count_characters() {
        let src = "é = 1\nab = 2\r\nc";
        let index = LineIndex::new(src);
        assert_eq!(index.location(src, 2), Location { row: 1, column: 2 });
        assert_eq!(index.location(src, 3), Location { row: 1, column: 3 });
        assert_eq!(
            index.location(src, src.find('c').unwrap() as u32),
            Location { row: 3, column: 1 }
        );
        assert_eq!(index.line_span(src, 1), Span { start: 7, end: 13 });
    }

    #[test]
    fn string_annotations_are_relocated() {
        let at = Span { start: 5, end: 20 };
        let parsed = parse_string_annotation("dg.AssetExecutionContext", at).unwrap();
        let e = parsed.expr();
        assert_eq!(e.dotted_name().as_deref(), Some("dg.AssetExecutionContext"));
        let ExprKind::Attribute { value, span, .. } = e.kind() else {
            panic!("an attribute");
        };
        assert_eq!(span, at);
        assert!(matches!(value.kind(), ExprKind::Name { span, .. } if span == at));
    }
}
