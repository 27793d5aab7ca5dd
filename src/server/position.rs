//! Conversions between byte offsets in a document and LSP positions, which count UTF-16 code
//! units by default, or UTF-8 / UTF-32 units when the client and server agree on it.

use lsp_types::{ClientCapabilities, Position, PositionEncodingKind, Range};

use crate::syntax::{LineIndex, Location, Span};

/// The unit an LSP `character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes.
    Utf8,
    /// UTF-16 code units (the protocol's default).
    Utf16,
    /// Unicode scalar values.
    Utf32,
}

impl Encoding {
    /// The encoding to use with a client: UTF-8 (our native unit) or UTF-32 when it offers
    /// them, else UTF-16, which every client supports.
    pub fn negotiate(capabilities: &ClientCapabilities) -> Encoding {
        let offered = capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref())
            .unwrap_or_default();
        [Encoding::Utf8, Encoding::Utf32]
            .into_iter()
            .find(|e| offered.contains(&e.kind()))
            .unwrap_or(Encoding::Utf16)
    }

    /// The protocol's name for it.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn units(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        }
    }
}

/// A document's text with its line index: converts between byte offsets and LSP positions.
pub struct Positions<'a> {
    text: &'a str,
    index: LineIndex,
    encoding: Encoding,
    /// The byte offsets of the text's non-ASCII characters, in order: a position counts only
    /// those between its line's start and itself (a line of 100,000 findings would otherwise
    /// cost its length per finding).
    non_ascii: Vec<u32>,
}

impl<'a> Positions<'a> {
    /// Indexes `text` for conversions in `encoding`.
    pub fn new(text: &'a str, encoding: Encoding) -> Self {
        Positions {
            text,
            index: LineIndex::new(text),
            encoding,
            non_ascii: text
                .char_indices()
                .filter(|(_, c)| !c.is_ascii())
                .map(|(at, _)| at as u32)
                .collect(),
        }
    }

    /// The position of byte `offset` (rounded down to a character boundary).
    pub fn position(&self, offset: u32) -> Position {
        let offset = floor_char_boundary(self.text, offset as usize);
        let line = self.index.line_of(offset as u32);
        let start = self.index.line_span(self.text, line).start;
        let offset = offset as u32;
        // One unit per byte, corrected for the non-ASCII characters before `offset`.
        let first = self.non_ascii.partition_point(|&at| at < start);
        let last = self.non_ascii.partition_point(|&at| at < offset);
        let correction: u32 = self.non_ascii[first..last]
            .iter()
            .map(|&at| {
                let c = self.text[at as usize..].chars().next().unwrap_or_default();
                c.len_utf8() as u32 - self.encoding.units(c)
            })
            .sum();
        Position::new(line as u32, offset - start - correction)
    }

    /// The range of a byte span.
    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of a position. As the protocol asks, a character past the end of its
    /// line means the line's end, and a line past the last one means the end of the text; a
    /// position inside a character means that character's start.
    pub fn offset(&self, position: Position) -> u32 {
        let line = position.line as usize;
        if line >= self.index.line_count() {
            return self.text.len() as u32;
        }
        let span = self.index.line_span(self.text, line);
        let mut units = 0;
        for (at, c) in self.text[span.start as usize..span.end as usize].char_indices() {
            units += self.encoding.units(c);
            if units > position.character {
                return span.start + at as u32;
            }
        }
        span.end
    }

    /// The byte span of a range.
    pub fn span(&self, range: Range) -> Span {
        let start = self.offset(range.start);
        Span {
            start,
            end: self.offset(range.end).max(start),
        }
    }

    /// The byte offset of a 1-based row and column (in characters), as findings give them; a
    /// column past the end of its line means the line's end.
    pub fn offset_of(&self, at: Location) -> u32 {
        let line = (at.row as usize).saturating_sub(1);
        if line >= self.index.line_count() {
            return self.text.len() as u32;
        }
        let span = self.index.line_span(self.text, line);
        let text = &self.text[span.start as usize..span.end as usize];
        let skip = (at.column as usize).saturating_sub(1);
        text.char_indices()
            .nth(skip)
            .map_or(span.end, |(i, _)| span.start + i as u32)
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "a = \"é🦀\"; b\r\nsecond\rthird";

    #[test]
    fn positions_count_code_units_of_the_encoding() {
        let b = TEXT.find('b').unwrap() as u32;
        let cases = [
            (Encoding::Utf8, 14),
            (Encoding::Utf16, 11),
            (Encoding::Utf32, 10),
        ];
        for (encoding, character) in cases {
            let text = Positions::new(TEXT, encoding);
            assert_eq!(
                text.position(b),
                Position::new(0, character),
                "{encoding:?}"
            );
            assert_eq!(text.offset(Position::new(0, character)), b, "{encoding:?}");
        }
    }

    #[test]
    fn lines_end_at_any_terminator() {
        let text = Positions::new(TEXT, Encoding::Utf16);
        let third = TEXT.find("third").unwrap() as u32;
        assert_eq!(text.position(third + 2), Position::new(2, 2));
        assert_eq!(
            text.offset(Position::new(1, 0)),
            TEXT.find("second").unwrap() as u32
        );
        assert_eq!(text.offset(Position::new(2, 2)), third + 2);
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = Positions::new(TEXT, Encoding::Utf16);
        let line_end = TEXT.find('\r').unwrap() as u32;
        assert_eq!(text.offset(Position::new(0, 999)), line_end);
        assert_eq!(text.offset(Position::new(9, 0)), TEXT.len() as u32);
        // Inside the surrogate pair of 🦀: the character's start.
        let crab = TEXT.find('🦀').unwrap() as u32;
        let inside = text.position(crab).character + 1;
        assert_eq!(text.offset(Position::new(0, inside)), crab);
    }

    #[test]
    fn utf8_is_preferred_when_offered() {
        let mut capabilities = ClientCapabilities::default();
        assert_eq!(Encoding::negotiate(&capabilities), Encoding::Utf16);
        capabilities.general = Some(lsp_types::GeneralClientCapabilities {
            position_encodings: Some(vec![
                PositionEncodingKind::UTF16,
                PositionEncodingKind::UTF8,
            ]),
            ..Default::default()
        });
        assert_eq!(Encoding::negotiate(&capabilities), Encoding::Utf8);
    }
}
