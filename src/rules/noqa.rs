//! `# noqa` directives, all in one place: line directives (`# noqa`, `# noqa: DAG001, DAG101`),
//! file directives (`# dagster-api-lint: noqa`, `# dagster-api-lint: noqa: DAG201,DAG202`, on
//! any line) and the opt-in rule DAG900 (unused-noqa, like ruff's RUF100).
//!
//! Only real comments count (the parser's comment tokens): `"# noqa"` in a string is text. A
//! file's directives travel with its raw findings as *directive records* (see [`records`]), so
//! that findings read back from the results cache are hidden exactly as fresh ones are;
//! [`Directives::take`] takes the records out again when the settings are applied.
//!
//! A comment can only end a stretch of lines joined into one (a multi-line string, lines
//! continued with a backslash): as in ruff, a line directive on the last line of such a
//! stretch covers findings on every line of it ([`NoqaLines`]), and that is where
//! [`DirectiveWriter`] (`--add-noqa`, the editor's noqa actions) writes one.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{self, Rule};
use crate::syntax::{LineIndex, Locator, Parsed, Span};

/// A `# noqa` comment found on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Noqa {
    /// The codes after `# noqa:`, uppercased; empty for a bare `# noqa` (all codes).
    pub codes: Vec<String>,
    /// Byte offset in the line just past the last code (or past `noqa` when there are none):
    /// where another code can be appended.
    pub end: usize,
}

/// Finds the `# noqa` comment of a line. Its codes are the tokens after the colon, separated
/// by commas or whitespace, up to the first one that is not a code (letters then digits, such
/// as `DAG001` or the prefix `DAG1`), so `# noqa: DAG001 reason` lists only `DAG001`; a colon
/// followed by text but no code is not a directive.
pub fn parse_noqa(line: &str) -> Option<Noqa> {
    memchr::memchr(b'#', line.as_bytes())?;
    let lower = line.to_ascii_lowercase();
    let mut search = 0;
    while let Some(found) = lower[search..].find('#') {
        let hash = search + found;
        let after = lower[hash + 1..].trim_start();
        if let Some(rest) = after.strip_prefix("noqa") {
            let noqa_end = line.len() - rest.len();
            let Some(list) = rest.trim_start().strip_prefix(':') else {
                return Some(Noqa {
                    codes: Vec::new(),
                    end: noqa_end,
                });
            };
            let at = line.len() - list.len();
            let (codes, end) = code_list(line, at);
            if !codes.is_empty() || list.trim().is_empty() {
                return Some(Noqa {
                    codes,
                    end: end.unwrap_or(noqa_end),
                });
            }
            // `# noqa: text` without a code is no directive; a later `#` may hold one.
        }
        search = hash + 1;
    }
    None
}

/// The codes listed in `text` from byte `at` (see [`parse_noqa`]), uppercased, and the offset
/// just past the last one.
fn code_list(text: &str, mut at: usize) -> (Vec<String>, Option<usize>) {
    let (mut codes, mut end) = (Vec::new(), None);
    for token in text[at..].split_inclusive([',', ' ', '\t']) {
        let code = token.trim_end_matches([',', ' ', '\t']);
        if !code.is_empty() {
            if !is_code(code) {
                break;
            }
            codes.push(code.to_ascii_uppercase());
            end = Some(at + code.len());
        }
        at += token.len();
    }
    (codes, end)
}

/// Letters followed by digits: a rule code or code prefix.
fn is_code(token: &str) -> bool {
    let digits = token.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    digits.len() < token.len() && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

/// The codes of a file directive: `Some(vec![])` for `# dagster-api-lint: noqa` (every code),
/// `Some(codes)` for `# dagster-api-lint: noqa: DAG201, DAG202`, `None` for any other comment
/// (and for a colon followed by no code). Case-insensitive, like [`parse_noqa`].
pub fn parse_file_noqa(comment: &str) -> Option<Vec<String>> {
    let rest = comment.trim_start().strip_prefix('#')?.trim_start();
    let rest = strip_prefix_ignore_case(rest, "dagster-api-lint")?;
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let rest = strip_prefix_ignore_case(rest, "noqa")?.trim_start();
    match rest.strip_prefix(':') {
        None if rest.is_empty() || !rest.starts_with(|c: char| c.is_alphanumeric()) => {
            Some(Vec::new())
        }
        None => None, // `noqafoo`
        Some(list) => {
            let (codes, _) = code_list(list, 0);
            (!codes.is_empty()).then_some(codes)
        }
    }
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Where the line directives of a file go: the stretches of lines joined into one (see the
/// module documentation), each covered by a directive on its last line.
pub struct NoqaLines {
    /// 1-based first and last lines of each stretch of two lines or more, disjoint, in order.
    stretches: Vec<(u32, u32)>,
}

impl NoqaLines {
    /// The joined stretches of `source`.
    pub fn new(source: &str, parsed: &Parsed) -> NoqaLines {
        let index = LineIndex::new(source);
        let mut stretches: Vec<(u32, u32)> = Vec::new();
        for span in parsed.joined_stretches(source) {
            let first = index.line_of(span.start) as u32 + 1;
            let last = index.line_of(span.end) as u32 + 1;
            match stretches.last_mut() {
                _ if first == last => {}
                Some((_, end)) if first <= *end => *end = (*end).max(last),
                _ => stretches.push((first, last)),
            }
        }
        NoqaLines { stretches }
    }

    fn stretch_of(&self, row: u32) -> Option<(u32, u32)> {
        let after = self.stretches.partition_point(|&(first, _)| first <= row);
        let stretch = *self.stretches.get(after.checked_sub(1)?)?;
        (row <= stretch.1).then_some(stretch)
    }

    /// The line whose directive covers findings that start on `row`.
    pub fn directive_row(&self, row: u32) -> u32 {
        self.stretch_of(row).map_or(row, |(_, last)| last)
    }

    /// The first line that a directive on `row` covers (`row` itself, or the first line of the
    /// stretch that `row` ends).
    pub fn first_covered(&self, row: u32) -> u32 {
        match self.stretch_of(row) {
            Some((first, last)) if last == row => first,
            _ => row,
        }
    }
}

/// True for the rules a directive written for them would hide: [`Rule::suppressible`] ones,
/// but not unused directives (DAG900, which speaks of the directive itself).
pub fn suppressible(rule: &Rule) -> bool {
    rule.suppressible && *rule != rules::UNUSED_NOQA
}

/// Writes line directives into one source text (`--add-noqa`, the editor's noqa actions).
pub struct DirectiveWriter<'s> {
    source: &'s str,
    parsed: &'s Parsed,
    lines: NoqaLines,
    index: LineIndex,
}

impl<'s> DirectiveWriter<'s> {
    /// A writer for `source`, parsed as `parsed`.
    pub fn new(source: &'s str, parsed: &'s Parsed) -> Self {
        DirectiveWriter {
            source,
            parsed,
            lines: NoqaLines::new(source, parsed),
            index: LineIndex::new(source),
        }
    }

    /// The line whose directive covers findings that start on `row` (see [`NoqaLines`]).
    pub fn directive_row(&self, row: u32) -> u32 {
        self.lines.directive_row(row)
    }

    /// The edits that make line directives hide `findings`: per line that a directive for them
    /// goes on, the codes its `# noqa:` list lacks appended to it, or a new
    /// `  # noqa: CODE, ...` comment after the line's text. A line with a bare `# noqa` hides
    /// everything already and is left alone, as are codes that are not [`suppressible`]. In
    /// line order, one edit per line.
    pub fn edits<'d>(&self, findings: impl IntoIterator<Item = &'d Diagnostic>) -> Vec<Edit> {
        let mut by_row: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
        for d in findings {
            if suppressible(d.rule) {
                by_row
                    .entry(self.directive_row(d.start.row))
                    .or_default()
                    .push(d.rule.code);
            }
        }
        by_row
            .into_iter()
            .filter_map(|(row, mut codes)| {
                codes.sort_unstable();
                codes.dedup();
                let line = self.index.line_span(self.source, row as usize - 1);
                directive_edit(self.source, self.parsed, line, &codes)
            })
            .collect()
    }
}

/// The edit that makes the directive of `line` hide `codes` (see [`DirectiveWriter::edits`]).
fn directive_edit(source: &str, parsed: &Parsed, line: Span, codes: &[&str]) -> Option<Edit> {
    let existing = parsed.comment_in(line).and_then(|comment| {
        let text = &source[comment.start as usize..comment.end as usize];
        parse_noqa(text).map(|noqa| (comment.start, noqa))
    });
    match existing {
        Some((_, noqa)) if noqa.codes.is_empty() => None,
        Some((comment, noqa)) => {
            let missing: String = codes
                .iter()
                .filter(|code| !noqa.codes.iter().any(|listed| rules::matches(listed, code)))
                .map(|code| format!(", {code}"))
                .collect();
            let at = comment + noqa.end as u32;
            (!missing.is_empty()).then(|| Edit {
                span: Span { start: at, end: at },
                content: missing.into(),
            })
        }
        None => {
            let text = source[line.start as usize..line.end as usize].trim_end();
            // Only where the file ends in a continuation: the comment would be continued.
            if text.ends_with('\\') {
                return None;
            }
            Some(Edit {
                span: Span {
                    start: line.start + text.len() as u32,
                    end: line.end,
                },
                content: format!("  # noqa: {}", codes.join(", ")).into(),
            })
        }
    }
}

/// `source` with `edits` (from [`DirectiveWriter::edits`]) made.
pub fn apply(source: &str, edits: Vec<Edit>) -> String {
    let all = Fix::new(Applicability::Safe, "Add noqa directives", edits);
    crate::fix::apply(source, [(0, &all)], Applicability::Safe).text
}

/// Directive records for every noqa comment (line or file directive) of a parsed file: findings
/// of [`rules::UNUSED_NOQA`] with an empty message, at the comment, whose symbol is the comment's text and
/// whose parameter, for a comment that ends a stretch of joined lines (see [`NoqaLines`]), is
/// the number of the stretch's lines above the comment's.
pub fn records(filename: &str, source: &str, parsed: &Parsed) -> Vec<Diagnostic> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut locator: Option<Locator> = None;
    let mut lines: Option<NoqaLines> = None;
    let mut past = 0;
    // `noqa` is rare, and `q` rarer still in Python: the comments are looked at only there.
    for q in memchr::memchr2_iter(b'q', b'Q', bytes) {
        let Some(at) = q.checked_sub(2).filter(|&at| at >= past) else {
            continue;
        };
        if !bytes
            .get(at..at + 4)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"noqa"))
        {
            continue;
        }
        let Some(comment) = parsed.comment_at(at as u32) else {
            continue;
        };
        past = comment.end as usize;
        let text = &source[comment.start as usize..comment.end as usize];
        if parse_noqa(text).is_none() && parse_file_noqa(text).is_none() {
            continue;
        }
        let locator = locator.get_or_insert_with(|| Locator::new(source));
        let (start, line) = locator.start(comment.start);
        let lines = lines.get_or_insert_with(|| NoqaLines::new(source, parsed));
        let first = lines.first_covered(start.row);
        out.push(Diagnostic {
            span: comment,
            start,
            end: locator.end(comment.end),
            symbol: Some(text.into()),
            parameter: (first < start.row).then(|| (start.row - first).to_string().into()),
            line_text: source[line.start as usize..line.end as usize].into(),
            ..Diagnostic::new(&rules::UNUSED_NOQA, filename, "")
        });
    }
    out
}

/// True for a directive record (see [`records`]), as opposed to a finding.
pub fn is_record(d: &Diagnostic) -> bool {
    *d.rule == rules::UNUSED_NOQA && d.message.is_empty()
}

/// One directive of a file and what it has hidden so far.
struct Directive {
    /// A file directive (else a line directive).
    file: bool,
    /// Its codes; empty for every code.
    codes: Vec<String>,
    /// The first line it covers (a line directive covers the lines from there to its own).
    first_row: u32,
    /// Per code: it hid a finding.
    used: Vec<bool>,
    /// It hid a finding.
    any_used: bool,
    /// Its record (where it is).
    record: Diagnostic,
}

impl Directive {
    /// Hides `code` when the directive covers it, and remembers that.
    fn hides(&mut self, code: &str) -> bool {
        let hit = if self.codes.is_empty() {
            true
        } else {
            let mut hit = false;
            for (listed, used) in self.codes.iter().zip(&mut self.used) {
                if rules::matches(listed, code) {
                    *used = true;
                    hit = true;
                }
            }
            hit
        };
        self.any_used |= hit;
        hit
    }

    /// The finding for this directive when it hid nothing of this tool's: its listed codes
    /// that name one of our rules and hid nothing, or a bare file directive that hid nothing.
    /// A bare line `# noqa` is never reported: it speaks to every linter.
    fn unused(self) -> Option<Diagnostic> {
        let what = if self.file {
            "file-level `noqa`"
        } else {
            "`noqa`"
        };
        let message = if self.codes.is_empty() {
            if !self.file || self.any_used {
                return None;
            }
            format!("Unused {what} directive: it hides nothing.")
        } else {
            let unused: Vec<String> = self
                .codes
                .iter()
                .zip(&self.used)
                .filter(|(code, used)| {
                    !**used && rules::RULES.iter().any(|r| rules::matches(code, r.code))
                })
                .map(|(code, _)| format!("`{code}`"))
                .collect();
            if unused.is_empty() {
                return None;
            }
            format!("Unused {what} directive (unused: {}).", unused.join(", "))
        };
        Some(Diagnostic {
            message: message.into(),
            symbol: None,
            parameter: None,
            ..self.record
        })
    }
}

/// The directives of one file, taken out of its raw findings.
pub struct Directives {
    /// File directives.
    files: Vec<Directive>,
    /// Line directives, by line: a finding looks up the few near its own line, so a file with
    /// a directive on each of its many lines (after `--add-noqa`) is not checked in quadratic
    /// time.
    lines: Vec<Directive>,
}

impl Directives {
    /// Takes the directive records out of a file's raw findings.
    pub fn take(diagnostics: &mut Vec<Diagnostic>) -> Directives {
        let (mut files, mut lines) = (Vec::new(), Vec::new());
        diagnostics.retain(|d| {
            if !is_record(d) {
                return true;
            }
            let text = d.symbol.as_deref().unwrap_or_default();
            let (file, codes) = match parse_file_noqa(text) {
                Some(codes) => (true, codes),
                None => (false, parse_noqa(text).map(|n| n.codes).unwrap_or_default()),
            };
            // Counted back from its own row, which a notebook's cell placement may have moved.
            let above: u32 = d
                .parameter
                .as_deref()
                .and_then(|above| above.parse().ok())
                .unwrap_or(0);
            let first_row = d.start.row.saturating_sub(above);
            let directive = Directive {
                file,
                first_row,
                used: vec![false; codes.len()],
                codes,
                any_used: false,
                record: d.clone(),
            };
            match file {
                true => files.push(directive),
                false => lines.push(directive),
            }
            false
        });
        lines.sort_by_key(|n| (n.record.position().0, n.record.start.row));
        Directives { files, lines }
    }

    /// True when a directive hides `d`: a file directive covering its code, else a line
    /// directive that covers its first line. Unreadable files and syntax errors are never
    /// hidden (see [`Rule::suppressible`]).
    pub fn hides(&mut self, d: &Diagnostic) -> bool {
        if !d.rule.suppressible {
            return false;
        }
        let code = d.rule.code;
        // File directives first: what they hide leaves line directives unused, as in ruff.
        if self.files.iter_mut().any(|n| n.hides(code)) {
            return true;
        }
        // The directives of its cell on its row or below whose stretch reaches up to its row
        // (stretches are disjoint, so their first lines grow with their lines).
        let (cell, at) = d.position();
        let from = self
            .lines
            .partition_point(|n| (n.record.position().0, n.record.start.row) < (cell, at.row));
        self.lines[from..]
            .iter_mut()
            .take_while(|n| n.record.position().0 == cell && n.first_row <= at.row)
            .any(|n| n.hides(code))
    }

    /// The unused-noqa findings (see [`Directive::unused`]), in file order.
    pub fn unused(self) -> Vec<Diagnostic> {
        let all = self.files.into_iter().chain(self.lines);
        let mut out: Vec<Diagnostic> = all.filter_map(Directive::unused).collect();
        out.sort_by_key(|d| d.span.start);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax;

    fn noqa_codes(line: &str) -> Option<Vec<String>> {
        parse_noqa(line).map(|noqa| noqa.codes)
    }

    #[test]
    fn parses_noqa_comments() {
        assert_eq!(noqa_codes("x = 1  # noqa"), Some(vec![]));
        assert_eq!(
            noqa_codes("x = 1  # noqa: DAG001, dag101"),
            Some(vec!["DAG001".to_string(), "DAG101".to_string()])
        );
        assert_eq!(
            noqa_codes("x = 1  # NOQA:DAG1"),
            Some(vec!["DAG1".to_string()])
        );
        assert_eq!(noqa_codes("x = 1  # a comment"), None);
        assert_eq!(
            noqa_codes("x = 1  # noqa: DAG001 because, reasons"),
            Some(vec!["DAG001".to_string()])
        );
        assert_eq!(
            noqa_codes("x = '#'  # noqa:E999"),
            Some(vec!["E999".to_string()])
        );
    }

    #[test]
    fn noqa_list_end_is_where_codes_are_appended() {
        let line = "x = 1  # noqa: DAG101, DAG2 reason";
        let noqa = parse_noqa(line).unwrap();
        assert_eq!(&line[..noqa.end], "x = 1  # noqa: DAG101, DAG2");
        let bare = "x = 1  # noqa";
        assert_eq!(parse_noqa(bare).unwrap().end, bare.len());
        let empty = "x  # NOQA:  ";
        assert_eq!(parse_noqa(empty).unwrap().end, "x  # NOQA".len());
        assert_eq!(parse_noqa("x  # noqa: see below"), None);
        let later = "x  # noqa: see below  # noqa: DAG001";
        assert_eq!(parse_noqa(later).unwrap().end, later.len());
    }

    #[test]
    fn parses_file_directives() {
        assert_eq!(parse_file_noqa("# dagster-api-lint: noqa"), Some(vec![]));
        assert_eq!(parse_file_noqa("#Dagster-API-Lint:NOQA  "), Some(vec![]));
        assert_eq!(
            parse_file_noqa("# dagster-api-lint: noqa: DAG201,dag202 legacy"),
            Some(vec!["DAG201".to_string(), "DAG202".to_string()])
        );
        assert_eq!(parse_file_noqa("# dagster-api-lint: noqa: see below"), None);
        assert_eq!(parse_file_noqa("# noqa: DAG201"), None);
        assert_eq!(parse_file_noqa("# ruff: noqa"), None);
        assert_eq!(parse_file_noqa("# dagster-api-lint: noqaz"), None);
    }

    #[test]
    fn only_comments_are_directives() {
        let source = "x = '# noqa'\ny = \"\"\"\n# dagster-api-lint: noqa\n\"\"\"\nz = 1  # NoQA: DAG001\n# dagster-api-lint: noqa: DAG2\n";
        let parsed = syntax::parse(source);
        let found: Vec<(u32, String)> = records("a.py", source, &parsed)
            .iter()
            .map(|d| (d.start.row, d.symbol.as_deref().unwrap().to_string()))
            .collect();
        assert_eq!(
            found,
            [
                (5, "# NoQA: DAG001".to_string()),
                (6, "# dagster-api-lint: noqa: DAG2".to_string())
            ]
        );
        let plain = "import dagster  # a comment\n";
        assert!(records("a.py", plain, &syntax::parse(plain)).is_empty());
    }

    /// Findings of `codes` on 1-based `rows`.
    fn findings(at: &[(&'static Rule, u32)]) -> Vec<Diagnostic> {
        at.iter()
            .map(|&(rule, row)| {
                let mut d = Diagnostic::new(rule, "a.py", "");
                d.start.row = row;
                d
            })
            .collect()
    }

    fn added(source: &str, at: &[(&'static Rule, u32)]) -> String {
        let parsed = syntax::parse(source);
        let edits = DirectiveWriter::new(source, &parsed).edits(&findings(at));
        apply(source, edits)
    }

    #[test]
    fn adds_new_directives_and_merges_lists() {
        assert_eq!(
            added(
                "a = 1   \nb = 2  # noqa: DAG101\nc = 3  # noqa\nd = '# noqa'\n",
                &[
                    (&rules::BETA_SYMBOL, 1),
                    (&rules::DEPRECATED_SYMBOL, 1),
                    (&rules::BETA_SYMBOL, 1),
                    (&rules::DEPRECATED_SYMBOL, 2),
                    (&rules::BETA_SYMBOL, 2),
                    (&rules::DEPRECATED_SYMBOL, 3),
                    (&rules::DEPRECATED_SYMBOL, 4),
                ]
            ),
            "a = 1  # noqa: DAG001, DAG101\nb = 2  # noqa: DAG101, DAG001\nc = 3  # noqa\nd = '# noqa'  # noqa: DAG001\n"
        );
        // A prefix already listed covers the code; a comment that is no directive stays.
        assert_eq!(
            added(
                "a = 1  # noqa: DAG1 reason\nb = 2  # why\n",
                &[(&rules::BETA_SYMBOL, 1), (&rules::DEPRECATED_SYMBOL, 2)]
            ),
            "a = 1  # noqa: DAG1 reason\nb = 2  # why  # noqa: DAG001\n"
        );
    }

    #[test]
    fn never_adds_for_io_syntax_or_unused_noqa() {
        let source = "a = 1\n";
        assert_eq!(
            added(
                source,
                &[
                    (&rules::IO_ERROR, 1),
                    (&rules::SYNTAX_ERROR, 1),
                    (&rules::UNUSED_NOQA, 1)
                ]
            ),
            source
        );
    }

    #[test]
    fn directives_go_after_joined_lines_and_cover_them() {
        let source = "x = f(1, \\\n      2)\ny = g('''a\nb''', 3)\nz = f\"\"\"{\n1}\"\"\"\r\n";
        assert_eq!(
            added(source, &[(&rules::DEPRECATED_SYMBOL, 1), (&rules::BETA_SYMBOL, 3), (&rules::DEPRECATED_SYMBOL, 5)]),
            "x = f(1, \\\n      2)  # noqa: DAG001\ny = g('''a\nb''', 3)  # noqa: DAG101\nz = f\"\"\"{\n1}\"\"\"  # noqa: DAG001\r\n"
        );
        let lines = NoqaLines::new(source, &syntax::parse(source));
        assert_eq!(lines.stretches, [(1, 2), (3, 4), (5, 6)]);
        assert_eq!(
            (
                lines.directive_row(1),
                lines.first_covered(2),
                lines.first_covered(1)
            ),
            (2, 1, 1)
        );
        // The directive written there hides the finding of the stretch's first line.
        let fixed = added(source, &[(&rules::DEPRECATED_SYMBOL, 1)]);
        let parsed = syntax::parse(&fixed);
        let mut all = findings(&[
            (&rules::DEPRECATED_SYMBOL, 1),
            (&rules::DEPRECATED_SYMBOL, 3),
            (&rules::SYNTAX_ERROR, 2),
        ]);
        all.extend(records("a.py", &fixed, &parsed));
        let mut directives = Directives::take(&mut all);
        // A syntax error is never hidden, as in ruff.
        assert_eq!(
            all.iter().map(|d| directives.hides(d)).collect::<Vec<_>>(),
            [true, false, false]
        );
    }
}
