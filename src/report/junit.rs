//! `--output-format junit`: JUnit XML with one test suite per file and one failing test case
//! per finding (an `<error>` for a file that could not be read). A clean run is one passing
//! test case.

use std::io::{self, Write};

use super::{RepoPaths, Report};
use crate::diagnostic::Diagnostic;

/// Writes the report as a JUnit `<testsuites>` document.
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let paths = RepoPaths::from_cwd();
    let errors = report.diagnostics.iter().filter(|d| is_error(d)).count();
    let total = report.diagnostics.len();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="{0}" tests="{1}" failures="{2}" errors="{errors}">"#,
        env!("CARGO_PKG_NAME"),
        total.max(1),
        total - errors
    )?;
    if total == 0 {
        writeln!(
            out,
            r#"  <testsuite name="{0}" tests="1" failures="0" errors="0">"#,
            env!("CARGO_PKG_NAME")
        )?;
        writeln!(
            out,
            r#"    <testcase name="{}" classname="{}"/>"#,
            escape(&format!(
                "all checks passed ({} files checked)",
                report.files_checked
            )),
            env!("CARGO_PKG_NAME")
        )?;
        writeln!(out, "  </testsuite>")?;
    }
    for file in report.diagnostics.chunk_by(|a, b| a.filename == b.filename) {
        let path = escape(&paths.get(&file[0].filename));
        let errors = file.iter().filter(|d| is_error(d)).count();
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{}" failures="{}" errors="{errors}">"#,
            file.len(),
            file.len() - errors
        )?;
        for d in file {
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{path}" file="{path}" line="{}">"#,
                escape(&format!(
                    "{} {} at {}",
                    d.rule.code,
                    d.rule.name,
                    d.shown_position()
                )),
                d.file_range().0.row
            )?;
            let element = if is_error(d) { "error" } else { "failure" };
            writeln!(
                out,
                r#"      <{element} type="{}" message="{}">{}</{element}>"#,
                d.rule.code,
                escape(&d.message),
                escape(&format!(
                    "{}:{}: {} {}\n{}",
                    paths.get(&d.filename),
                    d.shown_position(),
                    d.rule.code,
                    d.message,
                    d.rule.url()
                ))
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Findings that are errors of the run rather than failures of the code.
fn is_error(d: &Diagnostic) -> bool {
    d.rule.run_error
}

/// Escapes text for XML content and attribute values. Characters XML 1.0 cannot hold
/// (control characters other than tab and line breaks) become U+FFFD; line breaks and tabs
/// are written as references so attribute values keep them.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_characters_xml_cannot_hold() {
        assert_eq!(
            escape("a<b>&\"c'\n\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;\u{FFFD}"
        );
    }
}
