//! Fixing one file: fixes applied pass after pass until none applies (each pass checks the
//! fixed text again), a fixed text that no longer parses given up, the result shown as a
//! unified diff or written over the file atomically.

use std::io::Write;
use std::path::Path;

use super::{apply, Applicability};
use crate::diagnostic::Diagnostic;
use crate::rules;

/// The most passes of fixes over one file: a fix that waits for an overlapping one is applied
/// on a later pass; a fix that keeps producing new fixes stops here.
const MAX_PASSES: usize = 10;

/// What fixing a text did.
#[derive(Debug)]
pub struct Fixed {
    /// The fixed text (the original when nothing applied or the fixes broke the syntax).
    pub text: String,
    /// The findings whose fix was applied, as found on the pass that fixed them.
    pub fixed: Vec<Diagnostic>,
    /// The findings of the fixed text, and how many `# noqa` hid.
    pub remaining: (Vec<Diagnostic>, usize),
    /// True when the fixed text had syntax errors the original had not: nothing was applied.
    pub broke_syntax: bool,
}

/// Fixes `source`: `check` returns a text's findings (after settings and `# noqa`, so that a
/// hidden finding is never fixed) and the count `# noqa` hid; the fixes of `allowed`
/// applicability (and safer) are applied until none applies.
pub fn fix_text(
    source: &str,
    allowed: Applicability,
    check: &dyn Fn(&str) -> (Vec<Diagnostic>, usize),
) -> Fixed {
    let original = check(source);
    let mut found = original.clone();
    let mut text = source.to_string();
    let mut fixed = Vec::new();
    for _ in 0..MAX_PASSES {
        let fixes = found
            .0
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.fix.as_deref().map(|f| (i, f)));
        let applied = apply(&text, fixes, allowed);
        if applied.fixed.is_empty() || applied.text == text {
            break;
        }
        fixed.extend(applied.fixed.iter().map(|&i| found.0[i].clone()));
        text = applied.text;
        found = check(&text);
    }
    let syntax_errors =
        |d: &[Diagnostic]| d.iter().filter(|d| *d.rule == rules::SYNTAX_ERROR).count();
    if syntax_errors(&found.0) > syntax_errors(&original.0) {
        return Fixed {
            text: source.to_string(),
            fixed: Vec::new(),
            remaining: original,
            broke_syntax: true,
        };
    }
    Fixed {
        text,
        fixed,
        remaining: found,
        broke_syntax: false,
    }
}

/// The unified diff from `old` to `new` of the file `name` (ruff's `--diff` layout).
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, name)
        .to_string()
}

/// Writes `text` over the file at `path` atomically: a temporary file in the same folder,
/// given the file's permissions, renamed over it. A UTF-8 byte order mark the file had is
/// kept.
pub fn write_atomically(path: &Path, original: &[u8], text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let permissions = std::fs::metadata(path)?.permissions();
    let mut tmp = tempfile::Builder::new()
        .prefix(".dagster-api-lint-fix")
        .tempfile_in(dir)?;
    if original.starts_with(b"\xEF\xBB\xBF") {
        tmp.write_all(b"\xEF\xBB\xBF")?;
    }
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_data()?;
    tmp.as_file().set_permissions(permissions)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The text of a file's bytes that fixes may rewrite: UTF-8 (after an optional byte order
/// mark). A file in another encoding is not fixed (its byte offsets are not the text's).
pub fn fixable_text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::{Edit, Fix};
    use crate::syntax::{LineIndex, Span};
    use std::sync::Arc;

    /// A checker that reports each `old` with a fix to `new` (and `E999` for `(((`).
    fn renames(old: &'static str, new: &'static str) -> impl Fn(&str) -> (Vec<Diagnostic>, usize) {
        move |text: &str| {
            let index = LineIndex::new(text);
            let mut out = Vec::new();
            for (at, _) in text.match_indices(old) {
                let span = Span {
                    start: at as u32,
                    end: (at + old.len()) as u32,
                };
                let rule = &crate::rules::PRIVATE_IMPORT;
                let mut d = Diagnostic::at(rule, "x.py", text, &index, span, "old".into());
                d.fix = Some(Arc::new(Fix::new(
                    Applicability::Safe,
                    "rename",
                    vec![Edit {
                        span,
                        content: new.into(),
                    }],
                )));
                out.push(d);
            }
            if text.contains("(((") {
                let rule = &crate::rules::SYNTAX_ERROR;
                out.push(Diagnostic::at(
                    rule,
                    "x.py",
                    text,
                    &index,
                    Span::default(),
                    "bad".into(),
                ));
            }
            (out, 0)
        }
    }

    #[test]
    fn fixes_apply_pass_after_pass_until_none_applies() {
        // The first fix makes a new finding, fixed on the next pass.
        let fixed = fix_text("aab ab\n", Applicability::Safe, &renames("ab", "b"));
        assert_eq!(fixed.text, "b b\n");
        assert_eq!(fixed.fixed.len(), 3);
        assert!(fixed.remaining.0.is_empty());
        assert!(!fixed.broke_syntax);
    }

    #[test]
    fn a_fix_that_breaks_the_syntax_leaves_the_text_as_it_was() {
        let fixed = fix_text("x = f(a)\n", Applicability::Safe, &renames("f(a", "f((((a"));
        assert!(fixed.broke_syntax);
        assert_eq!(fixed.text, "x = f(a)\n");
        assert!(fixed.fixed.is_empty());
        assert_eq!(fixed.remaining.0.len(), 1);
    }

    #[test]
    fn a_fix_that_never_settles_stops_after_the_last_pass() {
        let fixed = fix_text("a\n", Applicability::Safe, &renames("a", "aa"));
        assert_eq!(
            fixed.fixed.len(),
            (1..=MAX_PASSES).map(|n| 1 << (n - 1)).sum::<usize>()
        );
    }

    #[test]
    fn diffs_are_unified() {
        let diff = unified_diff("x.py", "a\nb\n", "a\nc\n");
        assert_eq!(diff, "--- x.py\n+++ x.py\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
    }

    #[test]
    fn atomic_writes_keep_permissions_and_the_byte_order_mark() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.py");
        std::fs::write(&path, b"\xEF\xBB\xBFold\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o751)).unwrap();
        }
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(fixable_text(&bytes), Some("old\n"));
        write_atomically(&path, &bytes, "new\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"\xEF\xBB\xBFnew\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o751);
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(fixable_text(b"caf\xe9"), None);
    }
}
