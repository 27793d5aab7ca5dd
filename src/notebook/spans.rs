//! Where the parts of a notebook's JSON text are: the byte range of each cell's `source` value
//! and of each of its strings. `serde_json` gives values, not positions; this scanner walks
//! text that `serde_json` has already accepted, so it trusts the syntax.

use std::ops::Range;

/// The positions of one cell in the notebook's text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CellSpans {
    /// The cell's `source` value (a string or an array of strings), if it has one.
    pub source: Option<Range<usize>>,
    /// Each string of that value (one for a string; each element of an array), quotes
    /// included.
    pub strings: Vec<Range<usize>>,
}

/// The spans of every cell of the notebook `text` (valid JSON), in order; empty when the text
/// has no top-level `cells` array.
pub fn cells(text: &str) -> Vec<CellSpans> {
    let mut scan = Scanner {
        text: text.as_bytes(),
        at: 0,
    };
    let mut cells = Vec::new();
    scan.space();
    if scan.peek() != Some(b'{') {
        return cells;
    }
    scan.object(&mut |scan, key| {
        if key != b"cells" || scan.peek() != Some(b'[') {
            scan.value();
            return;
        }
        scan.array(&mut |scan| {
            let mut cell = CellSpans::default();
            if scan.peek() != Some(b'{') {
                scan.value();
                cells.push(cell);
                return;
            }
            scan.object(&mut |scan, key| {
                if key != b"source" {
                    scan.value();
                    return;
                }
                let start = scan.at;
                match scan.peek() {
                    Some(b'"') => cell.strings.push(scan.value()),
                    Some(b'[') => scan.array(&mut |scan| {
                        let item = scan.value();
                        if scan.text[item.start] == b'"' {
                            cell.strings.push(item);
                        }
                    }),
                    _ => {
                        scan.value();
                    }
                }
                let value = &scan.text[start..scan.at];
                let end = start + value.trim_ascii_end().len();
                cell.source = Some(start..end);
            });
            cells.push(cell);
        });
    });
    cells
}

/// A cursor over JSON text known to be valid.
struct Scanner<'t> {
    text: &'t [u8],
    at: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    /// Skips one value (the cursor on its first byte) and the space after it; its range.
    fn value(&mut self) -> Range<usize> {
        let start = self.at;
        match self.peek() {
            Some(b'"') => {
                self.at += 1;
                while let Some(b) = self.peek() {
                    self.at += 1;
                    match b {
                        b'\\' => self.at += 1,
                        b'"' => break,
                        _ => {}
                    }
                }
            }
            Some(b'{') => self.object(&mut |scan, _| {
                scan.value();
            }),
            Some(b'[') => self.array(&mut |scan| {
                scan.value();
            }),
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b']' | b'}') && !b.is_ascii_whitespace())
                {
                    self.at += 1;
                }
            }
        }
        let end = self.at;
        self.space();
        start..end
    }

    /// Walks an object (the cursor on `{`): `member` gets each key's raw bytes with the
    /// cursor on its value, and must skip that value.
    fn object(&mut self, member: &mut dyn FnMut(&mut Self, &[u8])) {
        self.at += 1;
        self.space();
        while let Some(b'"') = self.peek() {
            let key = self.value();
            let text = self.text;
            self.at += 1; // the colon
            self.space();
            member(self, &text[key.start + 1..key.end - 1]);
            if self.peek() == Some(b',') {
                self.at += 1;
                self.space();
            }
        }
        self.at += 1;
        self.space();
    }

    /// Walks an array (the cursor on `[`): `item` is called with the cursor on each element,
    /// and must skip it.
    fn array(&mut self, item: &mut dyn FnMut(&mut Self)) {
        self.at += 1;
        self.space();
        while !matches!(self.peek(), Some(b']') | None) {
            item(self);
            if self.peek() == Some(b',') {
                self.at += 1;
                self.space();
            }
        }
        self.at += 1;
        self.space();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_cells_source_and_strings_whatever_comes_around_them() {
        let text = r#"{"metadata": {"cells": [1]}, "cells": [
 {"cell_type": "markdown", "source": "a \" [b]"},
 {"outputs": [{"text": ["x"]}], "source": ["import dagster\n", "x = 1"], "id": "c"},
 {"source": []}
], "nbformat": 4}"#;
        let cells = cells(text);
        assert_eq!(cells.len(), 3);
        let at = |r: &Range<usize>| &text[r.clone()];
        assert_eq!(at(cells[0].source.as_ref().unwrap()), r#""a \" [b]""#);
        assert_eq!(cells[0].strings.len(), 1);
        assert_eq!(
            at(cells[1].source.as_ref().unwrap()),
            r#"["import dagster\n", "x = 1"]"#
        );
        let strings: Vec<&str> = cells[1].strings.iter().map(at).collect();
        assert_eq!(strings, [r#""import dagster\n""#, r#""x = 1""#]);
        assert_eq!(at(cells[2].source.as_ref().unwrap()), "[]");
        assert!(cells[2].strings.is_empty());
    }
}
