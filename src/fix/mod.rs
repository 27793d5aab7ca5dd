//! The fix model: a finding may carry a [`Fix`], text edits that resolve it, with an
//! [`Applicability`] that says whether the fixed program is provably the same one (`safe`) or
//! only likely to be right (`unsafe`, applied only with `--unsafe-fixes`). A fix is only made
//! from a fact of the catalog (generated from dagster's sources); a hint's prose at most
//! proposes the name of a rename ([`renames`]).
//!
//! [`apply`] applies the fixes of one file's findings like ruff does: in file order, skipping a
//! fix that overlaps one already applied (the caller checks the fixed text again and applies
//! what remains, until nothing changes).

pub mod aliases;
pub mod file;
pub mod imports;
pub mod members;
pub mod renames;
pub mod run;

use std::sync::Arc;

use serde::Serialize;

use crate::syntax::{LineIndex, Location, Span};

/// How sure a fix is. Ordered: `Unsafe < Safe`, so "allowed at least" is a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Likely right, but may change behaviour: applied only when asked (`--unsafe-fixes`).
    Unsafe,
    /// The fixed program is provably the same (same runtime object, keyword mapped 1:1).
    Safe,
}

impl Applicability {
    /// The name used in JSON output and the cache (`"safe"`, `"unsafe"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }

    /// The applicability named by [`Applicability::as_str`].
    pub fn from_name(name: &str) -> Option<Applicability> {
        match name {
            "unsafe" => Some(Applicability::Unsafe),
            "safe" => Some(Applicability::Safe),
            _ => None,
        }
    }
}

/// One text edit: replace the bytes of `span` (of the checked source) with `content`. An
/// empty span inserts, empty content deletes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    /// Byte range in the checked source.
    pub span: Span,
    /// The new text of that range.
    pub content: Arc<str>,
}

/// What resolves a finding: non-overlapping edits, applied together or not at all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    /// Whether the fix is safe.
    pub applicability: Applicability,
    /// What the fix does, for people (`` Import `TextMetadataValue` from `dagster` ``).
    pub message: Arc<str>,
    /// The edits, sorted by position.
    pub edits: Vec<Edit>,
    /// The 1-based start and end of each edit in the checked source, for output formats that
    /// give positions (JSON, SARIF); empty until [`Fix::located`].
    pub locations: Vec<[Location; 2]>,
}

impl Fix {
    /// A fix of `edits` (sorted here).
    pub fn new(
        applicability: Applicability,
        message: impl Into<Arc<str>>,
        mut edits: Vec<Edit>,
    ) -> Fix {
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        Fix {
            applicability,
            message: message.into(),
            edits,
            locations: Vec::new(),
        }
    }

    /// This fix with the [`locations`](Fix::locations) of its edits in `source`.
    pub fn located(mut self, source: &str, index: &LineIndex) -> Fix {
        self.locations = self
            .edits
            .iter()
            .map(|e| {
                [
                    index.location(source, e.span.start),
                    index.location(source, e.span.end),
                ]
            })
            .collect();
        self
    }

    /// The smallest range that holds every edit.
    fn range(&self) -> Span {
        let start = self.edits.iter().map(|e| e.span.start).min().unwrap_or(0);
        let end = self.edits.iter().map(|e| e.span.end).max().unwrap_or(0);
        Span { start, end }
    }

    /// Whether the fix's own edits are sorted and apart (a fix whose edits overlap is never
    /// applied).
    fn well_formed(&self, len: usize) -> bool {
        self.edits
            .windows(2)
            .all(|w| w[0].span.end <= w[1].span.start)
            && self
                .edits
                .iter()
                .all(|e| e.span.start <= e.span.end && e.span.end as usize <= len)
    }
}

/// The edit that writes `content` in place of the last name of the attribute expression
/// `span` (`context.run_id`, `dg . SourceAsset`), which must end with `.name`.
pub fn attribute_edit(source: &str, span: Span, name: &str, content: &str) -> Option<Edit> {
    let end = span.end as usize;
    let start = end.checked_sub(name.len())?;
    if start <= span.start as usize || source.get(start..end) != Some(name) {
        return None;
    }
    if !source[span.start as usize..start].trim_end().ends_with('.') {
        return None;
    }
    Some(Edit {
        span: Span {
            start: start as u32,
            end: span.end,
        },
        content: content.into(),
    })
}

/// The outcome of [`apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The fixed text.
    pub text: String,
    /// The indices (as given to [`apply`]) of the findings whose fix was applied.
    pub fixed: Vec<usize>,
}

/// Applies the fixes allowed by `allowed` (`Safe`: safe fixes only; `Unsafe`: all) to `source`.
/// `fixes` pairs each finding's index with its fix. Fixes are taken in file order; one that
/// overlaps one already applied waits for the next pass, except
/// an identical fix (two findings with one fix), which counts as applied for both. A fix whose
/// edits do not fit `source` (they come from a different text, or they overlap) is skipped.
pub fn apply<'a>(
    source: &str,
    fixes: impl IntoIterator<Item = (usize, &'a Fix)>,
    allowed: Applicability,
) -> Applied {
    let mut fixes: Vec<(usize, &Fix)> = fixes
        .into_iter()
        .filter(|(_, f)| f.applicability >= allowed && !f.edits.is_empty())
        .filter(|(_, f)| f.well_formed(source.len()))
        .filter(|(_, f)| {
            f.edits.iter().all(|e| {
                source.is_char_boundary(e.span.start as usize)
                    && source.is_char_boundary(e.span.end as usize)
            })
        })
        .collect();
    fixes.sort_by_key(|&(index, f)| (f.range().start, f.range().end, index));
    let mut text = String::with_capacity(source.len());
    let mut fixed = Vec::new();
    let mut last: Option<&Fix> = None;
    // The end of the last applied edit; `None` before the first, so an insertion at 0 applies.
    let mut copied: Option<u32> = None;
    for (index, fix) in fixes {
        if last.is_some_and(|l| l.edits == fix.edits) {
            fixed.push(index);
            continue;
        }
        if copied.is_some_and(|end| fix.range().start < end) {
            continue;
        }
        let mut at = copied.unwrap_or(0) as usize;
        for edit in &fix.edits {
            text.push_str(&source[at..edit.span.start as usize]);
            text.push_str(&edit.content);
            at = edit.span.end as usize;
        }
        copied = Some(at as u32);
        last = Some(fix);
        fixed.push(index);
    }
    text.push_str(&source[copied.unwrap_or(0) as usize..]);
    fixed.sort_unstable();
    Applied { text, fixed }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: u32, end: u32, content: &str) -> Edit {
        Edit {
            span: Span { start, end },
            content: content.into(),
        }
    }

    fn safe(edits: Vec<Edit>) -> Fix {
        Fix::new(Applicability::Safe, "fix", edits)
    }

    #[test]
    fn applies_edits_in_order() {
        let source = "from dagster.core import A\nA()\n";
        let fix = safe(vec![edit(5, 17, "dagster")]);
        let applied = apply(source, [(0, &fix)], Applicability::Safe);
        assert_eq!(applied.text, "from dagster import A\nA()\n");
        assert_eq!(applied.fixed, vec![0]);
    }

    #[test]
    fn a_fix_applies_all_its_edits() {
        let source = "abc def ghi";
        // Given out of order: `Fix::new` sorts them.
        let fix = safe(vec![edit(8, 11, "GHI"), edit(0, 3, "ABC"), edit(4, 4, "+")]);
        let applied = apply(source, [(3, &fix)], Applicability::Safe);
        assert_eq!(applied.text, "ABC +def GHI");
        assert_eq!(applied.fixed, vec![3]);
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_pass() {
        let source = "0123456789";
        let first = safe(vec![edit(2, 5, "x")]);
        let overlapping = safe(vec![edit(4, 6, "y")]);
        let apart = safe(vec![edit(8, 9, "z")]);
        let applied = apply(
            source,
            [(0, &overlapping), (1, &first), (2, &apart)],
            Applicability::Safe,
        );
        assert_eq!(applied.text, "01x567z9");
        assert_eq!(applied.fixed, vec![1, 2]);
    }

    #[test]
    fn identical_fixes_apply_once_and_count_for_each_finding() {
        let source = "import a";
        let one = safe(vec![edit(7, 8, "b")]);
        let same = safe(vec![edit(7, 8, "b")]);
        let applied = apply(source, [(0, &one), (1, &same)], Applicability::Safe);
        assert_eq!(applied.text, "import b");
        assert_eq!(applied.fixed, vec![0, 1]);
    }

    #[test]
    fn unsafe_fixes_only_when_allowed() {
        let source = "load_defs()";
        let fix = Fix::new(Applicability::Unsafe, "rename", vec![edit(0, 9, "load")]);
        let safe_only = apply(source, [(0, &fix)], Applicability::Safe);
        assert_eq!(safe_only.text, source);
        assert!(safe_only.fixed.is_empty());
        let all = apply(source, [(0, &fix)], Applicability::Unsafe);
        assert_eq!(all.text, "load()");
        assert_eq!(all.fixed, vec![0]);
    }

    #[test]
    fn fixes_that_do_not_fit_the_source_are_skipped() {
        let source = "é = 1";
        let inside_a_char = safe(vec![edit(1, 2, "x")]);
        let past_the_end = safe(vec![edit(4, 40, "x")]);
        let self_overlapping = safe(vec![edit(0, 3, "a"), edit(2, 4, "b")]);
        let applied = apply(
            source,
            [
                (0, &inside_a_char),
                (1, &past_the_end),
                (2, &self_overlapping),
            ],
            Applicability::Safe,
        );
        assert_eq!(applied.text, source);
        assert!(applied.fixed.is_empty());
    }

    #[test]
    fn located_edits_have_one_based_character_positions() {
        let source = "é = 1\nx = 2\n";
        let fix =
            safe(vec![edit(3, 4, "=="), edit(7, 7, "y")]).located(source, &LineIndex::new(source));
        let at = |row, column| Location { row, column };
        assert_eq!(
            fix.locations,
            vec![[at(1, 3), at(1, 4)], [at(2, 1), at(2, 1)]]
        );
    }

    #[test]
    fn applicability_order_and_names() {
        assert!(Applicability::Unsafe < Applicability::Safe);
        for a in [Applicability::Safe, Applicability::Unsafe] {
            assert_eq!(Applicability::from_name(a.as_str()), Some(a));
            assert_eq!(serde_json::to_value(a).unwrap(), a.as_str());
        }
        assert_eq!(Applicability::from_name("maybe"), None);
    }
}
