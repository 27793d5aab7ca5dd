//! Python parsing. This module is the only place that touches the parser crates
//! (`ruff_python_parser`, `ruff_python_ast`, `ruff_text_size`): the checker and the catalog
//! builder walk ruff's tree through the borrowed [`view`], so an upgrade of those 0.0.x crates
//! changes this module alone.

pub mod calls;
pub mod imports;
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

    /// The comment (from its `#` to the end of its line) that holds byte `offset`, if any:
    /// a `#` inside a string literal is in no comment.
    pub fn comment_at(&self, offset: u32) -> Option<Span> {
        use ruff_text_size::Ranged;
        let tokens: &[ast::token::Token] = self.module.tokens();
        let after = tokens.partition_point(|t| t.range().start().to_u32() <= offset);
        let token = tokens.get(after.checked_sub(1)?)?;
        let range = token.range();
        (token.kind() == ast::token::TokenKind::Comment && offset < range.end().to_u32()).then(
            || Span {
                start: range.start().to_u32(),
                end: range.end().to_u32(),
            },
        )
    }
}

impl Parsed {
    /// The first comment that starts in `span`, if any.
    pub fn comment_in(&self, span: Span) -> Option<Span> {
        use ruff_text_size::Ranged;
        let tokens: &[ast::token::Token] = self.module.tokens();
        let from = tokens.partition_point(|t| t.range().start().to_u32() < span.start);
        tokens[from..]
            .iter()
            .take_while(|t| t.range().start().to_u32() < span.end)
            .find(|t| t.kind() == ast::token::TokenKind::Comment)
            .map(|t| Span {
                start: t.range().start().to_u32(),
                end: t.range().end().to_u32(),
            })
    }

    /// The stretches of source that join several lines into one where a comment can only
    /// follow the last: string literals (f- and t-strings whole) and backslash continuations
    /// (the gap between the tokens either side of the backslash), in source order. Some
    /// hold no line break; the caller keeps those that do.
    pub fn joined_stretches(&self, source: &str) -> Vec<Span> {
        use ast::token::TokenKind;
        use ruff_text_size::Ranged;
        let tokens: &[ast::token::Token] = self.module.tokens();
        let mut out = Vec::new();
        let mut open: Vec<u32> = Vec::new();
        let mut previous_end = 0;
        for token in tokens {
            let (start, end) = (token.range().start().to_u32(), token.range().end().to_u32());
            if gap_has_backslash(source, previous_end, start) {
                out.push(Span {
                    start: previous_end,
                    end: start,
                });
            }
            previous_end = end;
            match token.kind() {
                TokenKind::String => out.push(Span { start, end }),
                TokenKind::FStringStart | TokenKind::TStringStart => open.push(start),
                TokenKind::FStringEnd | TokenKind::TStringEnd => {
                    if let Some(start) = open.pop() {
                        out.push(Span { start, end });
                    }
                }
                _ => {}
            }
        }
        out.sort_by_key(|s| s.start);
        out
    }
}

/// True when the text between two tokens holds a backslash (a line continuation).
fn gap_has_backslash(source: &str, start: u32, end: u32) -> bool {
    source
        .as_bytes()
        .get(start as usize..end as usize)
        .is_some_and(|gap| memchr::memchr(b'\\', gap).is_some())
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

/// Finds the locations of a file's findings in one forward pass, for offsets asked in
/// increasing order: counting line breaks between two findings is a vectorised byte count,
/// where a [`LineIndex`] first records every line start of the file. Text with a carriage
/// return (which ends a line on its own too) is located through a [`LineIndex`].
pub struct Locator<'s> {
    source: &'s str,
    /// The offset reached, the line it is on (0-based), where that line starts and the
    /// characters between the two (so that many findings on one long line are located in one
    /// pass over it, not each from the line's start).
    pos: usize,
    row: u32,
    line_start: usize,
    column: usize,
    /// Where the line of the position reached ends (its line break, or the end of the text).
    line_end: usize,
    index: Option<LineIndex>,
}

impl<'s> Locator<'s> {
    /// A locator over `source`, at its start.
    pub fn new(source: &'s str) -> Locator<'s> {
        Locator {
            source,
            pos: 0,
            row: 0,
            line_start: 0,
            column: 0,
            line_end: memchr::memchr(b'\n', source.as_bytes()).unwrap_or(source.len()),
            index: memchr::memchr(b'\r', source.as_bytes()).map(|_| LineIndex::new(source)),
        }
    }

    /// The location of `offset` (at least the previous call's) and the range of its line,
    /// without its line terminator.
    pub fn start(&mut self, offset: u32) -> (Location, Span) {
        if let Some(index) = &self.index {
            let location = index.location(self.source, offset);
            return (
                location,
                index.line_span(self.source, location.row as usize - 1),
            );
        }
        let offset = (offset as usize).clamp(self.pos, self.source.len());
        let (row, line_start) = self.advance(offset);
        self.column = self.characters(line_start, offset);
        if line_start != self.line_start {
            let bytes = self.source.as_bytes();
            self.line_end =
                memchr::memchr(b'\n', &bytes[line_start..]).map_or(bytes.len(), |i| line_start + i);
        }
        (self.row, self.line_start, self.pos) = (row, line_start, offset);
        let line = Span {
            start: self.line_start as u32,
            end: self.line_end as u32,
        };
        let location = Location {
            row: self.row + 1,
            column: self.column as u32 + 1,
        };
        (location, line)
    }

    /// The location of `offset` (at least the last [`Locator::start`]), without moving there.
    pub fn end(&self, offset: u32) -> Location {
        if let Some(index) = &self.index {
            return index.location(self.source, offset);
        }
        let offset = (offset as usize).clamp(self.pos, self.source.len());
        let (row, line_start) = self.advance(offset);
        Location {
            row: row + 1,
            column: self.characters(line_start, offset) as u32 + 1,
        }
    }

    /// The line and line start of `offset`, counted on from the position reached.
    fn advance(&self, offset: usize) -> (u32, usize) {
        let between = &self.source.as_bytes()[self.pos..offset];
        let breaks = bytecount::count(between, b'\n');
        if breaks == 0 {
            return (self.row, self.line_start);
        }
        let last = memchr::memrchr(b'\n', between).expect("a counted line break");
        (self.row + breaks as u32, self.pos + last + 1)
    }

    /// The characters from `line_start`, the start of the line of `offset` (at least the
    /// position reached), to `offset`: counted on from the position reached when it is on that
    /// line. Columns count characters (offsets are character boundaries).
    fn characters(&self, line_start: usize, offset: usize) -> usize {
        let bytes = self.source.as_bytes();
        if line_start == self.line_start {
            self.column + bytecount::num_chars(&bytes[self.pos..offset])
        } else {
            bytecount::num_chars(&bytes[line_start..offset])
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
    fn the_locator_agrees_with_the_line_index() {
        for src in [
            "é = 1\nab = 2\n\nc = 'ü'  # x\n",
            "a\r\nb\rc\n",
            "",
            "x\n\n\n",
            // Many offsets on one line, counted on from each other.
            "x = é + dg.A + ü + dg.B + 🦀 + dg.C\ny = é + dg.D",
        ] {
            let index = LineIndex::new(src);
            let mut locator = Locator::new(src);
            let offsets: Vec<u32> = (0..=src.len() as u32)
                .filter(|&o| src.is_char_boundary(o as usize))
                .collect();
            for &o in &offsets {
                let expected = index.location(src, o);
                let (start, line) = locator.start(o);
                assert_eq!(start, expected, "{src:?} at {o}");
                assert_eq!(
                    line,
                    index.line_span(src, expected.row as usize - 1),
                    "{src:?}"
                );
                let last = *offsets.last().unwrap();
                assert_eq!(locator.end(last), index.location(src, last), "{src:?}");
            }
        }
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
