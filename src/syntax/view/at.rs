//! Spans of the viewed tree: a node's own range, or the span every node of a relocated
//! expression (one parsed from a string annotation) is reported at.

use ruff_text_size::TextRange;

use crate::syntax::Span;

pub(super) fn span(range: TextRange) -> Span {
    Span {
        start: range.start().to_u32(),
        end: range.end().to_u32(),
    }
}

/// The span every span of a relocated expression (one parsed from a string annotation) is
/// reported at; [`At::NONE`] for an expression of the file itself.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct At(pub(super) Span);

impl At {
    pub(super) const NONE: At = At(Span {
        start: u32::MAX,
        end: u32::MAX,
    });

    /// The span to report for a node with `range`.
    pub(super) fn or(self, range: TextRange) -> Span {
        if self == At::NONE {
            span(range)
        } else {
            self.0
        }
    }
}
