//! `# noqa` directives, all in one place: line directives (`# noqa`, `# noqa: DAG001, DAG101`),
//! file directives (`# dagster-api-lint: noqa`, `# dagster-api-lint: noqa: DAG201,DAG202`, on
//! any line) and the opt-in rule DAG900 (unused-noqa, like ruff's RUF100).
//!
//! Only real comments count (the parser's comment tokens): `"# noqa"` in a string is text. A
//! file's directives travel with its raw findings as *directive records* (see [`records`]), so
//! that findings read back from the results cache are hidden exactly as fresh ones are;
//! [`Directives::take`] takes the records out again when the settings are applied.

use crate::check::Diagnostic;
use crate::rules::{self, Rule};
use crate::syntax::{Locator, Parsed};

/// The code of the unused-noqa rule, which directive records carry too.
pub const UNUSED: &str = "DAG900";

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

fn unused_rule() -> &'static Rule {
    rules::by_code(UNUSED).expect("registered rule")
}

/// Directive records for every noqa comment (line or file directive) of a parsed file: findings
/// of [`UNUSED`] with an empty message, at the comment, whose symbol is the comment's text.
pub fn records(filename: &str, source: &str, parsed: &Parsed) -> Vec<Diagnostic> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut locator: Option<Locator> = None;
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
        let rule = unused_rule();
        out.push(Diagnostic {
            rule,
            severity: rule.severity,
            message: "".into(),
            filename: filename.into(),
            span: comment,
            start,
            end: locator.end(comment.end),
            symbol: Some(text.into()),
            parameter: None,
            breaking_version: None,
            line_text: source[line.start as usize..line.end as usize].into(),
            replacement: None,
            cell: None,
        });
    }
    out
}

/// True for a directive record (see [`records`]), as opposed to a finding.
pub fn is_record(d: &Diagnostic) -> bool {
    d.rule.code == UNUSED && d.message.is_empty()
}

/// One directive of a file and what it has hidden so far.
struct Directive {
    /// A file directive (else a line directive).
    file: bool,
    /// Its codes; empty for every code.
    codes: Vec<String>,
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
            ..self.record
        })
    }
}

/// The directives of one file, taken out of its raw findings.
pub struct Directives {
    all: Vec<Directive>,
}

impl Directives {
    /// Takes the directive records out of a file's raw findings.
    pub fn take(diagnostics: &mut Vec<Diagnostic>) -> Directives {
        let mut all = Vec::new();
        diagnostics.retain(|d| {
            if !is_record(d) {
                return true;
            }
            let text = d.symbol.as_deref().unwrap_or_default();
            let (file, codes) = match parse_file_noqa(text) {
                Some(codes) => (true, codes),
                None => (false, parse_noqa(text).map(|n| n.codes).unwrap_or_default()),
            };
            all.push(Directive {
                file,
                used: vec![false; codes.len()],
                codes,
                any_used: false,
                record: d.clone(),
            });
            false
        });
        // File directives first: what they hide leaves line directives unused, as in ruff.
        all.sort_by_key(|d| !d.file);
        Directives { all }
    }

    /// True when a directive hides `d`: a file directive covering its code, else a line
    /// directive on its first line. An unreadable file (E902) is never hidden.
    pub fn hides(&mut self, d: &Diagnostic) -> bool {
        let code = d.rule.code;
        code != "E902"
            && self
                .all
                .iter_mut()
                .filter(|n| {
                    n.file
                        || n.record.position().0 == d.position().0
                            && n.record.start.row == d.start.row
                })
                .any(|n| n.hides(code))
    }

    /// The unused-noqa findings (see [`Directive::unused`]), in file order.
    pub fn unused(self) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self.all.into_iter().filter_map(Directive::unused).collect();
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
}
