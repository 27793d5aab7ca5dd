//! Notebook documents (LSP 3.17 `notebookDocument/*` synchronization): an open notebook's
//! cells in order, each cell a text document of its own. The code cells are checked together
//! as one module (see [`crate::notebook`]); each cell gets the diagnostics of its lines.

use std::path::PathBuf;
use std::time::Duration;

use lsp_types::{
    NotebookCell, NotebookCellKind, NotebookDocumentChangeEvent, TextDocumentItem, Uri,
};

use super::document::{file_path, Document};
use super::position::Encoding;
use crate::notebook::Notebook;

/// An open notebook.
pub struct OpenNotebook {
    /// The `.ipynb` file it stands for, when it has one (`file:` URIs): its project judges it.
    pub path: Option<PathBuf>,
    /// Its cells, in order.
    pub cells: Vec<Cell>,
    /// How long the last check took.
    pub check_time: Duration,
}

/// One cell of an open notebook.
pub struct Cell {
    /// The cell's own document URI.
    pub uri: Uri,
    /// A code cell (markup cells are kept for numbering only).
    pub code: bool,
    /// Its text, once the client has sent it.
    pub document: Option<Document>,
}

impl OpenNotebook {
    /// A notebook opened at `uri` with `cells`, whose texts are `texts`.
    pub fn open(uri: &Uri, cells: Vec<NotebookCell>, texts: Vec<TextDocumentItem>) -> Self {
        let mut notebook = OpenNotebook {
            path: file_path(uri),
            cells: Vec::new(),
            check_time: Duration::ZERO,
        };
        notebook.splice(0, 0, cells);
        notebook.add_texts(texts);
        notebook
    }

    /// Applies a change: cells added, removed or changed in kind, and text edits. Returns the
    /// URIs of the cells it closed, whose diagnostics are to be cleared.
    pub fn apply(&mut self, change: NotebookDocumentChangeEvent, encoding: Encoding) -> Vec<Uri> {
        let Some(cells) = change.cells else {
            return Vec::new();
        };
        let mut closed = Vec::new();
        if let Some(structure) = cells.structure {
            let array = structure.array;
            let removed = self.splice(
                array.start as usize,
                array.delete_count as usize,
                array.cells.unwrap_or_default(),
            );
            closed.extend(removed.into_iter().map(|cell| cell.uri));
            self.add_texts(structure.did_open.unwrap_or_default());
            for gone in structure.did_close.unwrap_or_default() {
                if let Some(cell) = self.cell_mut(&gone.uri) {
                    cell.document = None;
                }
            }
        }
        for data in cells.data.unwrap_or_default() {
            if let Some(cell) = self.cell_mut(&data.document) {
                cell.code = data.kind == NotebookCellKind::Code;
            }
        }
        for edit in cells.text_content.unwrap_or_default() {
            let document = self
                .cell_mut(&edit.document.uri)
                .and_then(|c| c.document.as_mut());
            if let Some(document) = document {
                document.apply(edit.changes, edit.document.version, encoding);
            }
        }
        closed
    }

    /// The code cells as a notebook: Python cells only, numbered by their place among all.
    pub fn code(&self) -> Notebook {
        Notebook::from_cells(self.cells.iter().enumerate().filter_map(|(i, cell)| {
            let document = cell
                .document
                .as_ref()
                .filter(|d| cell.code && d.is_python)?;
            Some((i as u32 + 1, document.text.as_str()))
        }))
    }

    /// Replaces `count` cells from `start` with `cells` (bounds clamped); the removed ones.
    fn splice(&mut self, start: usize, count: usize, cells: Vec<NotebookCell>) -> Vec<Cell> {
        let start = start.min(self.cells.len());
        let end = start.saturating_add(count).min(self.cells.len());
        let added = cells.into_iter().map(|cell| Cell {
            code: cell.kind == NotebookCellKind::Code,
            uri: cell.document,
            document: None,
        });
        self.cells.splice(start..end, added).collect()
    }

    /// Gives the cells their texts.
    fn add_texts(&mut self, texts: Vec<TextDocumentItem>) {
        for item in texts {
            if let Some(cell) = self.cell_mut(&item.uri) {
                let document = Document::new(&item.uri, &item.language_id, item.version, item.text);
                cell.document = Some(document);
            }
        }
    }

    fn cell_mut(&mut self, uri: &Uri) -> Option<&mut Cell> {
        self.cells.iter_mut().find(|c| c.uri == *uri)
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use lsp_types::{
        NotebookCellArrayChange, NotebookDocumentCellChange, NotebookDocumentCellChangeStructure,
        NotebookDocumentChangeTextContent, Position, Range, TextDocumentContentChangeEvent,
        VersionedTextDocumentIdentifier,
    };

    use super::*;

    fn uri(cell: &str) -> Uri {
        Uri::from_str(&format!("vscode-notebook-cell:/n.ipynb#{cell}")).unwrap()
    }

    fn cell(name: &str, kind: NotebookCellKind) -> NotebookCell {
        NotebookCell {
            kind,
            document: uri(name),
            metadata: None,
            execution_summary: None,
        }
    }

    fn text(name: &str, language: &str, text: &str) -> TextDocumentItem {
        TextDocumentItem::new(uri(name), language.into(), 1, text.into())
    }

    #[test]
    fn cells_are_added_removed_and_edited_in_order() {
        let nb_uri = Uri::from_str("file:///p/n.ipynb").unwrap();
        let mut nb = OpenNotebook::open(
            &nb_uri,
            vec![
                cell("a", NotebookCellKind::Code),
                cell("b", NotebookCellKind::Markup),
                cell("c", NotebookCellKind::Code),
            ],
            vec![
                text("a", "python", "import dagster as dg\n"),
                text("b", "markdown", "dg.SourceAsset"),
                text("c", "python", "x = 1\n"),
            ],
        );
        assert_eq!(nb.path, Some(PathBuf::from("/p/n.ipynb")));
        // Cell `b` goes, `d` comes first, and `c` is edited.
        let change = NotebookDocumentChangeEvent {
            metadata: None,
            cells: Some(NotebookDocumentCellChange {
                structure: Some(NotebookDocumentCellChangeStructure {
                    array: NotebookCellArrayChange {
                        start: 1,
                        delete_count: 1,
                        cells: Some(vec![cell("d", NotebookCellKind::Code)]),
                    },
                    did_open: Some(vec![text("d", "python", "%time 1\n")]),
                    did_close: Some(vec![lsp_types::TextDocumentIdentifier::new(uri("b"))]),
                }),
                data: None,
                text_content: Some(vec![NotebookDocumentChangeTextContent {
                    document: VersionedTextDocumentIdentifier::new(uri("c"), 2),
                    changes: vec![TextDocumentContentChangeEvent {
                        range: Some(Range::new(Position::new(0, 0), Position::new(0, 5))),
                        range_length: None,
                        text: "y = dg.SourceAsset".into(),
                    }],
                }]),
            }),
        };
        let closed = nb.apply(change, Encoding::Utf16);
        assert_eq!(closed, [uri("b")]);
        let names: Vec<&str> = nb
            .cells
            .iter()
            .map(|c| c.uri.fragment().unwrap().as_str())
            .collect();
        assert_eq!(names, ["a", "d", "c"]);
        let code = nb.code();
        assert!(
            code.source().ends_with("y = dg.SourceAsset\n"),
            "{}",
            code.source()
        );
        assert!(code.source().starts_with("import dagster as dg\n"));
    }
}
