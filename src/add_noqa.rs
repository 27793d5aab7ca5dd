//! `check --add-noqa`: writes into each file the line directives that hide its findings (the
//! edits of [`noqa::DirectiveWriter`], shared with the editor's noqa actions), replacing the
//! file atomically as `--fix` does ([`fix::file::write_atomically`]).

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::fix;
use crate::rules::noqa;
use crate::syntax;

/// Adds the directives for `findings` (of the file at `path`, as checked) to the file, and
/// returns how many lines got one. A file that is not UTF-8 is left alone (an error): writing
/// it back would change its encoding.
pub fn add_to_file(path: &Path, findings: &[Diagnostic]) -> Result<usize, String> {
    if !findings.iter().any(|d| noqa::suppressible(d.rule)) {
        return Ok(0);
    }
    let failed = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let bytes = std::fs::read(path).map_err(|e| failed(&e))?;
    let source = fix::file::fixable_text(&bytes)
        .ok_or_else(|| failed(&"not UTF-8; no noqa directives added (the encoding is kept)"))?;
    let parsed = syntax::parse(source);
    let edits = noqa::DirectiveWriter::new(source, &parsed).edits(findings);
    let added = edits.len();
    if added > 0 {
        let changed = noqa::apply(source, edits);
        fix::file::write_atomically(path, &bytes, &changed).map_err(|e| failed(&e))?;
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{self, Rule};

    fn finding(rule: &'static Rule, row: u32) -> Diagnostic {
        let mut d = Diagnostic::new(rule, "x.py", "");
        d.start.row = row;
        d
    }

    #[test]
    fn writes_directives_keeping_bom_and_permissions() {
        let dir = std::env::temp_dir().join(format!("add-noqa-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.py");
        std::fs::write(&path, "\u{feff}import dagster\r\nx = 1\r\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        let added = add_to_file(
            &path,
            &[
                finding(&rules::DEPRECATED_SYMBOL, 2),
                finding(&rules::SYNTAX_ERROR, 1),
            ],
        )
        .unwrap();
        assert_eq!(added, 1);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "\u{feff}import dagster\r\nx = 1  # noqa: DAG001\r\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
