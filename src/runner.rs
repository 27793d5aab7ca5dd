//! Runs the checker over many files in parallel and applies what the user configured:
//! rule selection, per-file ignores, severity overrides and `# noqa` comments.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use crate::check::{Checker, Diagnostic};
use crate::discovery::{self, Found};
use crate::report::Report;
use crate::rules::{self, Severity};
use crate::syntax::{Location, Span};

/// Stack size of worker threads: deeply nested expressions recurse deeply in the parser.
pub const WORKER_STACK: usize = 256 << 20;

/// Which rules apply where, and how severe they are.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSettings {
    /// Selected codes or prefixes (`ALL` by default).
    pub select: Vec<String>,
    /// Added to `select`.
    pub extend_select: Vec<String>,
    /// Ignored codes or prefixes.
    pub ignore: Vec<String>,
    /// `(glob, codes)`: codes ignored in files matching the glob.
    pub per_file_ignores: Vec<(String, Vec<String>)>,
    /// Severity overrides by code.
    pub severity: BTreeMap<String, Severity>,
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            select: vec!["ALL".into()],
            extend_select: Vec::new(),
            ignore: Vec::new(),
            per_file_ignores: Vec::new(),
            severity: BTreeMap::new(),
        }
    }
}

impl RuleSettings {
    /// True when `code` is reported for `path`.
    pub fn enabled(&self, path: &str, code: &str) -> bool {
        if code == "E902" {
            return true; // a file that cannot be read is always reported
        }
        let selected = self
            .select
            .iter()
            .chain(&self.extend_select)
            .any(|s| rules::matches(s, code));
        let ignored = self.ignore.iter().any(|s| rules::matches(s, code))
            || self.per_file_ignores.iter().any(|(glob, codes)| {
                codes.iter().any(|s| rules::matches(s, code)) && glob_matches(glob, path)
            });
        selected && !ignored
    }
}

/// Matches a per-file-ignores glob against a path (relative, `/`-separated).
pub fn glob_matches(glob: &str, path: &str) -> bool {
    // Globs are relative to the current directory; an absolute path under it is made relative.
    let relative = crate::project::relative_to_cwd(std::path::Path::new(path));
    let path = relative.to_string_lossy().replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut builder = ignore::overrides::OverrideBuilder::new("/");
    let pattern = if glob.contains('/') {
        glob.to_string()
    } else {
        format!("**/{glob}")
    };
    if builder.add(&pattern).is_err() {
        return false;
    }
    let Ok(matcher) = builder.build() else {
        return false;
    };
    matcher.matched(format!("/{path}"), false).is_whitelist()
}

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
            let (mut codes, mut end) = (Vec::new(), noqa_end);
            let mut at = line.len() - list.len();
            for token in line[at..].split_inclusive([',', ' ', '\t']) {
                let code = token.trim_end_matches([',', ' ', '\t']);
                if !code.is_empty() {
                    if !is_code(code) {
                        break;
                    }
                    codes.push(code.to_ascii_uppercase());
                    end = at + code.len();
                }
                at += token.len();
            }
            if !codes.is_empty() || list.trim().is_empty() {
                return Some(Noqa { codes, end });
            }
            // `# noqa: text` without a code is no directive; a later `#` may hold one.
        }
        search = hash + 1;
    }
    None
}

/// Letters followed by digits: a rule code or code prefix.
fn is_code(token: &str) -> bool {
    let digits = token.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    digits.len() < token.len() && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

/// The codes of a line's `# noqa` comment: `Some(vec![])` for a bare `# noqa` (all codes),
/// `Some(codes)` for `# noqa: A, B`, `None` without one.
pub fn noqa_codes(line: &str) -> Option<Vec<String>> {
    parse_noqa(line).map(|noqa| noqa.codes)
}

/// Applies rule selection, severity overrides and noqa to one file's diagnostics. Returns the
/// kept diagnostics and how many noqa hid.
pub fn apply_settings(
    diagnostics: Vec<Diagnostic>,
    settings: &RuleSettings,
) -> (Vec<Diagnostic>, usize) {
    let mut kept = Vec::with_capacity(diagnostics.len());
    let mut suppressed = 0;
    for mut d in diagnostics {
        if !settings.enabled(&d.filename, d.rule.code) {
            continue;
        }
        if d.rule.code != "E902" {
            if let Some(codes) = noqa_codes(&d.line_text) {
                if codes.is_empty() || codes.iter().any(|c| rules::matches(c, d.rule.code)) {
                    suppressed += 1;
                    continue;
                }
            }
        }
        if let Some(severity) = settings.severity.get(d.rule.code) {
            d.severity = *severity;
        }
        kept.push(d);
    }
    (kept, suppressed)
}

/// An error diagnostic for a file that could not be read.
pub fn io_error(filename: &str, message: &str) -> Diagnostic {
    let rule = rules::by_code("E902").expect("registered");
    let origin = Location { row: 1, column: 1 };
    Diagnostic {
        rule,
        severity: rule.severity,
        message: format!("{filename}: {message}"),
        filename: filename.to_string(),
        span: Span::default(),
        start: origin,
        end: origin,
        symbol: None,
        parameter: None,
        breaking_version: None,
        line_text: String::new(),
        replacement: None,
    }
}

/// True when the source can mention a tracked package at all. Without one of the needles there
/// is no import to resolve, so the file is clean without being parsed.
pub fn mentions_tracked(source: &str, needles: &[String]) -> bool {
    needles
        .iter()
        .any(|n| memchr::memmem::find(source.as_bytes(), n.as_bytes()).is_some())
}

/// Checks one source text as if it were at `filename`.
pub fn check_text(
    checker: &Checker,
    filename: &str,
    source: &str,
    settings: &RuleSettings,
    needles: &[String],
) -> (Vec<Diagnostic>, usize) {
    if !mentions_tracked(source, needles) {
        return (Vec::new(), 0);
    }
    apply_settings(checker.check_source(filename, source), settings)
}

/// Displays a path the way users typed it (no leading `./`).
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// Checks every found file in parallel on `threads` workers (0: one per core).
pub fn check_files(
    checker: &Checker,
    found: &[Found],
    settings: &(dyn Fn(&Path) -> RuleSettings + Sync),
    threads: usize,
) -> Report {
    let needles = checker.needles();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(WORKER_STACK)
        .build()
        .expect("thread pool");
    let results: Vec<(Vec<Diagnostic>, usize)> = pool.install(|| {
        found
            .par_iter()
            .map(|f| match f {
                Found::Error(path, message) => (vec![io_error(&display_path(path), message)], 0),
                Found::File(path) => {
                    let name = display_path(path);
                    match discovery::read_source(path) {
                        Ok(source) => {
                            check_text(checker, &name, &source, &settings(path), &needles)
                        }
                        Err(message) => (vec![io_error(&name, &message)], 0),
                    }
                }
            })
            .collect()
    });
    let mut report = Report {
        files_checked: found.len(),
        ..Report::default()
    };
    for (diagnostics, suppressed) in results {
        report.diagnostics.extend(diagnostics);
        report.suppressed_by_noqa += suppressed;
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn selection_and_per_file_ignores() {
        let settings = RuleSettings {
            ignore: vec!["DAG2".into()],
            per_file_ignores: vec![("tests/*.py".into(), vec!["DAG101".into()])],
            ..RuleSettings::default()
        };
        assert!(settings.enabled("src/a.py", "DAG001"));
        assert!(!settings.enabled("src/a.py", "DAG201"));
        assert!(!settings.enabled("tests/test_a.py", "DAG101"));
        assert!(settings.enabled("src/test_a.py", "DAG101"));
        assert!(settings.enabled("src/a.py", "E902"));
    }

    #[test]
    fn byte_scan_is_the_gate() {
        let needles = vec!["dagster".to_string()];
        assert!(!mentions_tracked("import os\n", &needles));
        assert!(mentions_tracked("from dagster_dbt import x\n", &needles));
    }
}
