//! `--output-format github`: GitHub Actions workflow commands, one annotation per finding
//! (`::warning file=...,line=...,col=...,endLine=...,endColumn=...,title=...::message`).
//! Values are escaped as workflow commands require (`%`, `\r`, `\n`, and in properties `:` and
//! `,`), then any other control character is made [`printable`]; a backslash stays one.

use std::io::{self, Write};

use super::model::Report;
use super::printable::printable;
use super::repo_paths::RepoPaths;
use crate::rules::Severity;

/// Writes one workflow command per diagnostic.
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let paths = RepoPaths::from_cwd();
    for d in &report.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        // In a notebook: the lines of the `.ipynb` file, and the cell in the title.
        let (start, end) = d.file_range();
        let mut properties = vec![
            ("file", paths.get(&d.filename)),
            ("line", start.row.to_string()),
            ("endLine", end.row.to_string()),
        ];
        // Columns only make sense to GitHub within one line.
        if start.row == end.row {
            properties.push(("col", start.column.to_string()));
            properties.push(("endColumn", end.column.to_string()));
        }
        let mut title = format!("{} {}", d.rule.code, d.rule.name);
        if d.cell.is_some() {
            title = format!("{title} at {}", d.shown_position());
        }
        properties.push(("title", title));
        let properties: Vec<String> = properties
            .iter()
            .map(|(name, value)| format!("{name}={}", printable(&escape_property(value))))
            .collect();
        writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            printable(&escape_data(&d.message))
        )?;
    }
    Ok(())
}

/// Escapes a command's message: `%`, `\r` and `\n`.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as a message, and also `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_messages_and_properties() {
        assert_eq!(
            escape_data("50% done\r\nnext: a,b"),
            "50%25 done%0D%0Anext: a,b"
        );
        assert_eq!(escape_property("C:\\a,b%.py"), "C%3A\\a%2Cb%25.py");
    }
}
