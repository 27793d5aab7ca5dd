//! Python parsing. This module is the only place that touches the parser crates
//! (`ruff_python_parser`, `ruff_python_ast`, `ruff_text_size`): it lowers their tree into the
//! small tree of [`tree`], so an upgrade of those 0.0.x crates changes this module alone.

mod lower;
pub mod tree;

pub use tree::*;

use ruff_python_parser::{Mode, ParseOptions};

/// A syntax error found while parsing; the tree is still built around it.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    /// The parser's message.
    pub message: String,
    /// Where the error is.
    pub span: Span,
}

/// The result of parsing a module: a (possibly error-recovered) tree and the syntax errors.
#[derive(Debug)]
pub struct ParsedModule {
    /// The lowered module.
    pub module: Module,
    /// Syntax errors, in source order.
    pub errors: Vec<SyntaxError>,
}

/// Parses Python source (any version up to 3.14 syntax). Never fails: syntax errors are
/// returned beside the recovered tree.
pub fn parse_module(source: &str) -> ParsedModule {
    let parsed = ruff_python_parser::parse_unchecked(source, ParseOptions::from(Mode::Module));
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
    let module = match parsed.syntax() {
        ruff_python_ast::Mod::Module(m) => Module {
            body: lower::suite(&m.body),
        },
        ruff_python_ast::Mod::Expression(_) => Module::default(),
    };
    ParsedModule { module, errors }
}

/// Parses `source` with the same parser and drops the result, without lowering or analysis:
/// the floor of what checking a file can cost (`check --parse-only`, a benchmarking aid).
pub fn parse_and_drop(source: &str) {
    let parsed = ruff_python_parser::parse_unchecked(source, ParseOptions::from(Mode::Module));
    std::hint::black_box(&parsed);
}

/// Parses the text of a string annotation (`"dg.AssetExecutionContext"`) as an expression.
/// Every span in the result is set to `at` (the string literal), since offsets inside a string
/// literal do not map back to the file when it has escapes or prefixes.
pub fn parse_string_annotation(text: &str, at: Span) -> Option<Expr> {
    let parsed = ruff_python_parser::parse_expression(text.trim()).ok()?;
    let mut e = lower::expr(parsed.expr());
    relocate(&mut e, at);
    Some(e)
}

fn relocate(e: &mut Expr, at: Span) {
    match e {
        Expr::Name { span, .. } | Expr::Str { span, .. } | Expr::Constant { span } => *span = at,
        Expr::Attribute { value, span, .. } => {
            *span = at;
            relocate(value, at);
        }
        Expr::Subscript { value, slice, span } => {
            *span = at;
            relocate(value, at);
            relocate(slice, at);
        }
        Expr::Call {
            func,
            args,
            keywords,
            span,
        } => {
            *span = at;
            relocate(func, at);
            args.iter_mut().for_each(|a| relocate(a, at));
            for k in keywords {
                k.span = at;
                relocate(&mut k.value, at);
            }
        }
        Expr::Sequence { elts, span }
        | Expr::Other {
            children: elts,
            span,
        } => {
            *span = at;
            elts.iter_mut().for_each(|a| relocate(a, at));
        }
        Expr::Dict { items, span } => {
            *span = at;
            for (k, v) in items {
                if let Some(k) = k {
                    relocate(k, at);
                }
                relocate(v, at);
            }
        }
        // Lambdas, comprehensions and walruses cannot appear in a type annotation; drop them.
        Expr::Lambda { .. } | Expr::Comprehension { .. } | Expr::Walrus { .. } => {
            *e = Expr::Constant { span: at }
        }
    }
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

    #[test]
    fn parses_modern_syntax_without_errors() {
        let src = "type X[T = int] = list[T]\nf = f\"{'a' + f'{1}'}\"\ntry:\n    pass\nexcept A, B:\n    pass\n";
        let parsed = parse_module(src);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.module.body.len(), 3);
    }

    #[test]
    fn recovers_from_syntax_errors() {
        let parsed = parse_module("import dagster\ndef f(:\n    pass\nx = dagster.asset\n");
        assert!(!parsed.errors.is_empty());
        assert!(parsed
            .module
            .body
            .iter()
            .any(|s| matches!(s, Stmt::Import { .. })));
    }

    #[test]
    fn flattens_long_operator_chains() {
        let src = format!("x = {}\n", vec!["a"; 50_000].join(" + "));
        let parsed = std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || parse_module(&src).module.body.len())
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(parsed, 1);
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
        let e = parse_string_annotation("dg.AssetExecutionContext", at).unwrap();
        assert_eq!(e.dotted_name().as_deref(), Some("dg.AssetExecutionContext"));
        assert!(matches!(e, Expr::Attribute { span, .. } if span == at));
    }
}
