//! Jupyter notebooks (`.ipynb`, nbformat 4). The code cells of a notebook are checked as one
//! Python module: cells in order, each followed by a [`SEPARATOR`] line, so that an import in
//! one cell binds names in the next, as in the kernel. IPython syntax becomes placeholder
//! lines (see [`magics`]), markdown and raw cells are left out. The checker never sees a
//! notebook: the runner gives it [`Notebook::source`] and places the findings in their cells
//! with [`Notebook::place`].

mod magics;
mod rewrite;
mod spans;

use std::ops::Range;
use std::path::Path;

pub use rewrite::rewrite;

use crate::diagnostic::{Diagnostic, InCell};
use crate::syntax::Location;

/// The line between two cells in [`Notebook::source`] (a comment, so the module still
/// parses; [`rewrite`] splits a changed source at it).
/// It names no tracked package, which would make the byte gate parse every notebook.
pub const SEPARATOR: &str = "# %% ─── next notebook cell ───";

/// True for a path that names a notebook (`.ipynb`). By its bytes: asked of every checked
/// file, it must cost nothing next to `Path::extension`'s parse of the components.
pub fn is_notebook(path: &Path) -> bool {
    let name = path.as_os_str().as_encoded_bytes();
    name.ends_with(b".ipynb") && !name.ends_with(b"/.ipynb")
}

/// A notebook's code as one Python module, and where each cell is in it and in the file.
#[derive(Debug)]
pub struct Notebook {
    source: String,
    cells: Vec<CodeCell>,
}

/// One checked code cell.
#[derive(Debug)]
struct CodeCell {
    /// 1-based among all cells.
    number: u32,
    /// Its position in the notebook's `cells` array.
    position: usize,
    /// The row of [`Notebook::source`] its first line is on (1-based).
    first_row: u32,
    /// Its text in [`Notebook::source`] (placeholders for magics, a final newline).
    text: Range<usize>,
    /// The lines replaced by placeholders, in order (see [`magics::to_python`]).
    magics: Vec<String>,
    /// For each of its lines, where the line's text is in the `.ipynb` file.
    file_lines: Vec<FileLine>,
    /// Whether the cell's own source ends with a newline (nbformat's do not).
    final_newline: bool,
}

impl Notebook {
    /// Reads a notebook's bytes; an error says why they are not one this tool can check.
    pub fn parse(bytes: &[u8]) -> Result<Notebook, String> {
        let mut notebook = Notebook {
            source: String::new(),
            cells: Vec::new(),
        };
        // An empty file (as editors create one) is an empty notebook, as for ruff.
        if bytes.trim_ascii().is_empty() {
            return Ok(notebook);
        }
        let text = std::str::from_utf8(bytes)
            .map_err(|e| format!("not a notebook: the file is not UTF-8 ({e})"))?;
        let json: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("not a notebook: invalid JSON ({e})"))?;
        let top = json
            .as_object()
            .ok_or("not a notebook: the JSON is not an object")?;
        match top.get("nbformat").and_then(|v| v.as_u64()) {
            Some(4) | None => {}
            Some(n) => {
                return Err(format!(
                    "nbformat {n} notebooks are not supported, only nbformat 4 (convert it \
                     with `jupyter nbconvert --to notebook --nbformat 4`)"
                ))
            }
        }
        let cells = top
            .get("cells")
            .and_then(|c| c.as_array())
            .ok_or("not a notebook: no `cells` list (nbformat 4)")?;
        if !is_python(top) {
            return Ok(notebook);
        }
        let spans = spans::cells(text);
        let lines_of = LineStarts::new(text);
        for (position, cell) in cells.iter().enumerate() {
            if cell.get("cell_type").and_then(|t| t.as_str()) != Some("code") {
                continue;
            }
            let number = position as u32 + 1;
            let strings = source_strings(cell)
                .ok_or_else(|| format!("cell {number}: `source` is not text"))?;
            // Where each line starts in the file: the string that holds it, after the quote.
            let holders = spans.get(position).map_or(&[][..], |s| &s.strings[..]);
            let mut file_lines = Vec::with_capacity(strings.len());
            let mut open = false;
            for string in holders {
                let at = lines_of.location(string.start + 1);
                let raw = &text[string.start + 1..string.end - 1];
                open = FileLine::read(raw, at, open, &mut file_lines);
            }
            notebook.add_cell(number, position, &strings.concat(), file_lines);
        }
        Ok(notebook)
    }

    /// The notebook of an editor's code cells: each cell's number (1-based, among all cells)
    /// and text. Its findings have no place in a file (see [`InCell`]): they are shown in the
    /// cells' own documents.
    pub fn from_cells<'t>(cells: impl IntoIterator<Item = (u32, &'t str)>) -> Notebook {
        let mut notebook = Notebook {
            source: String::new(),
            cells: Vec::new(),
        };
        for (number, text) in cells {
            notebook.add_cell(number, number as usize - 1, text, Vec::new());
        }
        notebook
    }

    /// Appends one code cell to the source, IPython syntax replaced (see [`magics`]); a cell
    /// under a cell magic of another language is left out.
    fn add_cell(&mut self, number: u32, position: usize, text: &str, file_lines: Vec<FileLine>) {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let Some((python, magics)) = magics::to_python(&lines) else {
            return;
        };
        if !self.cells.is_empty() {
            self.source.push_str(SEPARATOR);
            self.source.push('\n');
        }
        let first_row = self.source.bytes().filter(|&b| b == b'\n').count() as u32 + 1;
        let start = self.source.len();
        python.iter().for_each(|line| self.source.push_str(line));
        let empty = self.source.len() == start;
        let final_newline = !empty && self.source.ends_with('\n');
        if !empty && !final_newline {
            self.source.push('\n');
        }
        self.cells.push(CodeCell {
            number,
            position,
            first_row,
            text: start..self.source.len(),
            magics,
            file_lines,
            final_newline,
        });
    }

    /// The code cells as one Python module.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The source, given up.
    #[cfg(test)]
    pub fn into_source(self) -> String {
        self.source
    }

    /// Takes the source out, leaving what [`Notebook::place`] needs.
    pub fn take_source(&mut self) -> String {
        std::mem::take(&mut self.source)
    }

    /// Places a finding of [`Notebook::source`] in its cell: rows count from the cell's first
    /// line, and [`Diagnostic::cell`] says which cell and where in the file.
    pub fn place(&self, d: &mut Diagnostic) {
        let Some(start) = self.cell_of(d.start.row) else {
            return;
        };
        let cell = &self.cells[start];
        let in_cell = |at: Location| Location {
            row: at.row - cell.first_row + 1,
            column: at.column,
        };
        let end = match self.cell_of(d.end.row) {
            Some(other) if other == start => d.end,
            _ => d.start,
        };
        let file = |at: Location| {
            let line = (at.row as usize).clamp(1, cell.file_lines.len().max(1)) - 1;
            cell.file_lines.get(line).map_or(at, |place| Location {
                row: place.start.row,
                column: place.column(at.column),
            })
        };
        let (start, end) = (in_cell(d.start), in_cell(end));
        d.start = start;
        d.end = end;
        d.cell = Some(InCell {
            cell: cell.number,
            file_start: file(start),
            file_end: file(end),
        });
    }

    /// The index of the cell that holds a row of the source (the one before, for the
    /// separator line and the end of the source).
    fn cell_of(&self, row: u32) -> Option<usize> {
        self.cells
            .partition_point(|c| c.first_row <= row)
            .checked_sub(1)
    }
}

/// Where a line of a cell is in the `.ipynb` file: inside a JSON string, whose escapes
/// (`\"`, `\\`, `\t`, `\u00e9`) take more characters than the characters they write.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileLine {
    /// Where the line's first character is.
    start: Location,
    /// For each escape in the line: the column (in the cell) of the character it writes, and
    /// how many more characters than written the file spends up to and with it.
    escapes: Vec<(u32, u32)>,
}

impl FileLine {
    /// The file column of a column of the line.
    fn column(&self, column: u32) -> u32 {
        let before = self.escapes.partition_point(|&(c, _)| c < column);
        let extra = before.checked_sub(1).map_or(0, |i| self.escapes[i].1);
        self.start.column + column - 1 + extra
    }

    /// Adds the lines of a JSON string (`raw`, its text between the quotes, which starts at
    /// `at`) to `lines`; `open` when the string before did not end its line (this one's first
    /// line then continues that one, and is not mapped). Returns whether this one leaves its
    /// last line open in turn.
    fn read(raw: &str, at: Location, open: bool, lines: &mut Vec<FileLine>) -> bool {
        let new = |width: u32| FileLine {
            start: Location {
                row: at.row,
                column: at.column + width,
            },
            escapes: Vec::new(),
        };
        let mut line = (!open).then(|| new(0));
        let (mut column, mut extra, mut width) = (1u32, 0u32, 0u32);
        let mut chars = raw.chars();
        let mut ended = false;
        while let Some(c) = chars.next() {
            let (newline, size) = match c {
                '\\' => match chars.next() {
                    Some('n') => (true, 2),
                    Some('u') => {
                        let code: String = chars.by_ref().take(4).collect();
                        // A surrogate pair is one character written with twelve.
                        let high = u32::from_str_radix(&code, 16)
                            .is_ok_and(|u| (0xD800..0xDC00).contains(&u));
                        if high {
                            chars.by_ref().take(6).for_each(drop);
                        }
                        (false, if high { 12 } else { 6 })
                    }
                    _ => (false, 2),
                },
                _ => (false, 1),
            };
            width += size;
            ended = newline;
            if newline {
                lines.extend(line.take());
                line = Some(new(width));
                (column, extra) = (1, 0);
                continue;
            }
            if size > 1 {
                extra += size - 1;
                if let Some(line) = &mut line {
                    line.escapes.push((column, extra));
                }
            }
            column += 1;
        }
        if !ended {
            lines.extend(line);
        }
        !ended
    }
}

/// False when the notebook's metadata names a language other than Python.
fn is_python(top: &serde_json::Map<String, serde_json::Value>) -> bool {
    let metadata = top.get("metadata");
    let language = metadata
        .and_then(|m| m.pointer("/language_info/name"))
        .or_else(|| metadata.and_then(|m| m.pointer("/kernelspec/language")))
        .and_then(|l| l.as_str());
    language.is_none_or(|l| l.eq_ignore_ascii_case("python"))
}

/// A cell's `source` as its strings (nbformat allows one string or a list of them).
fn source_strings(cell: &serde_json::Value) -> Option<Vec<&str>> {
    match cell.get("source") {
        None => Some(Vec::new()),
        Some(serde_json::Value::String(s)) => Some(vec![s.as_str()]),
        Some(serde_json::Value::Array(items)) => items.iter().map(|i| i.as_str()).collect(),
        Some(_) => None,
    }
}

/// The line starts of a text, for 1-based locations of byte offsets.
struct LineStarts<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineStarts<'t> {
    fn new(text: &'t str) -> LineStarts<'t> {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        LineStarts { text, starts }
    }

    fn location(&self, offset: usize) -> Location {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let column = self.text[self.starts[line]..offset].chars().count() + 1;
        Location {
            row: line as u32 + 1,
            column: column as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A notebook in nbformat's own layout from cells given as (type, source lines).
    pub(crate) fn notebook(cells: &[(&str, &[&str])]) -> String {
        let cells: Vec<serde_json::Value> = cells
            .iter()
            .enumerate()
            .map(|(i, (kind, lines))| {
                let mut cell = serde_json::json!({
                    "cell_type": kind,
                    "id": format!("cell-{i}"),
                    "metadata": {},
                    "source": lines,
                });
                if *kind == "code" {
                    cell["execution_count"] = serde_json::Value::Null;
                    cell["outputs"] = serde_json::json!([]);
                }
                cell
            })
            .collect();
        let nb = serde_json::json!({
            "cells": cells,
            "metadata": {"language_info": {"name": "python"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        });
        let mut out = Vec::new();
        let indent = serde_json::ser::PrettyFormatter::with_indent(b" ");
        let mut ser = serde_json::Serializer::with_formatter(&mut out, indent);
        serde::Serialize::serialize(&nb, &mut ser).unwrap();
        String::from_utf8(out).unwrap() + "\n"
    }

    #[test]
    fn code_cells_make_one_module_with_their_lines_in_place() {
        let text = notebook(&[
            ("markdown", &["# Title\n", "import os"]),
            ("code", &["%load_ext autoreload\n", "import dagster as dg"]),
            ("raw", &["dg.SourceAsset"]),
            ("code", &["x = dg.SourceAsset(\n", "    key='a')\n"]),
            ("code", &[]),
        ]);
        let nb = Notebook::parse(text.as_bytes()).unwrap();
        let expected = format!(
            "pass  {}\nimport dagster as dg\n{SEPARATOR}\nx = dg.SourceAsset(\n    key='a')\n{SEPARATOR}\n",
            magics::MARK
        );
        assert_eq!(nb.source(), expected);
        let cells: Vec<(u32, u32)> = nb.cells.iter().map(|c| (c.number, c.first_row)).collect();
        assert_eq!(cells, [(2, 1), (4, 4), (5, 7)]);
        // Cell 4's second line is on line ... of the file, after the quote.
        let line = text.lines().position(|l| l.contains("key='a'")).unwrap() as u32 + 1;
        let column = text
            .lines()
            .nth(line as usize - 1)
            .unwrap()
            .find('"')
            .unwrap() as u32
            + 2;
        assert_eq!(
            nb.cells[1].file_lines[1].start,
            Location { row: line, column }
        );
    }

    /// A finding at the first `SourceAsset` of the notebook's code, not yet placed.
    fn source_asset_finding(nb: &Notebook) -> Diagnostic {
        let source = nb.source();
        let at = source.find("SourceAsset").unwrap() as u32;
        let index = crate::syntax::LineIndex::new(source);
        let rule = &crate::rules::DEPRECATED_SYMBOL;
        let span = crate::syntax::Span {
            start: at,
            end: at + 11,
        };
        Diagnostic::at(rule, "n.ipynb", source, &index, span, "m".into())
    }

    #[test]
    fn a_finding_is_placed_in_its_cell_and_in_the_file() {
        let text = notebook(&[
            ("markdown", &["intro"]),
            ("code", &["import dagster as dg\n"]),
            ("code", &["\n", "a = dg.SourceAsset"]),
        ]);
        let nb = Notebook::parse(text.as_bytes()).unwrap();
        let mut d = source_asset_finding(&nb);
        assert_eq!(d.start, Location { row: 4, column: 8 });
        nb.place(&mut d);
        assert_eq!(d.start, Location { row: 2, column: 8 });
        assert_eq!(d.end, Location { row: 2, column: 19 });
        let place = d.cell.unwrap();
        assert_eq!(place.cell, 3);
        let line = text
            .lines()
            .position(|l| l.contains("dg.SourceAsset"))
            .unwrap();
        let column = text.lines().nth(line).unwrap().find("SourceAsset").unwrap() as u32 + 1;
        assert_eq!(
            place.file_start,
            Location {
                row: line as u32 + 1,
                column
            }
        );
        assert_eq!(place.file_end.column, column + 11);
    }

    #[test]
    fn file_columns_count_the_json_escapes_before_them() {
        let line = "s = \"é\\t\\\"\"; b = dg.SourceAsset\n";
        let as_list = notebook(&[("code", &["import dagster as dg\n", line])]);
        let as_string = format!(
            "{{\"cells\": [{{\"cell_type\": \"code\", \"source\": {}}}]}}",
            serde_json::to_string(&format!("import dagster as dg\n{line}")).unwrap()
        );
        for text in [as_list, as_string] {
            let nb = Notebook::parse(text.as_bytes()).unwrap();
            let mut d = source_asset_finding(&nb);
            nb.place(&mut d);
            let place = d.cell.unwrap();
            let file_line = text.lines().nth(place.file_start.row as usize - 1).unwrap();
            let chars: Vec<char> = file_line.chars().collect();
            let (from, to) = (
                place.file_start.column as usize - 1,
                place.file_end.column as usize - 1,
            );
            assert_eq!(
                chars[from..to].iter().collect::<String>(),
                "SourceAsset",
                "{text}"
            );
        }
    }

    #[test]
    fn notebooks_are_known_by_their_extension() {
        assert!(is_notebook(Path::new("nb/explore.ipynb")));
        assert!(!is_notebook(Path::new("nb/explore.py")));
        assert!(!is_notebook(Path::new("nb/.ipynb")));
        assert!(!is_notebook(Path::new("nb/x.ipynb.bak")));
    }

    #[test]
    fn what_is_not_a_checkable_notebook_says_why() {
        let err = |text: &str| Notebook::parse(text.as_bytes()).unwrap_err();
        assert!(
            err("{\"cells\": [").contains("invalid JSON"),
            "{}",
            err("{")
        );
        assert!(err("[]").contains("not an object"));
        assert!(err("{\"nbformat\": 4}").contains("no `cells` list"));
        assert!(err("{\"nbformat\": 3, \"worksheets\": []}").contains("nbformat 3"));
        let bad = "{\"cells\": [{\"cell_type\": \"code\", \"source\": 7}]}";
        assert!(err(bad).contains("cell 1"));
        let r = "{\"cells\": [{\"cell_type\": \"code\", \"source\": \"x\"}], \"metadata\": {\"kernelspec\": {\"language\": \"R\"}}}";
        assert_eq!(Notebook::parse(r.as_bytes()).unwrap().source(), "");
        assert_eq!(Notebook::parse(b" \n").unwrap().source(), "");
    }
}
