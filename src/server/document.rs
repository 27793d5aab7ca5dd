//! Open documents: their text as the editor has it (full or incremental changes applied), and
//! where they are on disk.

use std::path::PathBuf;
use std::time::Duration;

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::position::{Encoding, Positions};
use crate::diagnostic::Diagnostic;

/// A document the client has opened.
pub struct Document {
    /// The text, with every change applied.
    pub text: String,
    /// The client's version of the text.
    pub version: i32,
    /// The file it stands for, when it has one (`file:` URIs).
    pub path: Option<PathBuf>,
    /// True for Python sources; other documents are tracked but not checked.
    pub is_python: bool,
    /// True for a notebook (`.ipynb`) opened as text: its JSON is checked as a notebook.
    pub is_notebook: bool,
    /// The findings of the last check of this text, or `None` when it is yet to be checked.
    pub findings: Option<Vec<Diagnostic>>,
    /// The text with every safe fix applied (`None` inside: no safe fix), once a fix-all
    /// action asked for it; cleared whenever `findings` change.
    pub fixed: Option<Option<String>>,
    /// How long the last check took.
    pub check_time: Duration,
}

impl Document {
    /// A document opened with `text` at `version`.
    pub fn new(uri: &Uri, language_id: &str, version: i32, text: String) -> Document {
        let path = file_path(uri);
        let is_python = language_id == "python"
            || path
                .as_ref()
                .and_then(|p| p.extension())
                .is_some_and(|e| e == "py" || e == "pyi");
        let is_notebook = path.as_deref().is_some_and(crate::notebook::is_notebook);
        Document {
            text,
            version,
            path,
            is_python: is_python && !is_notebook,
            is_notebook,
            findings: None,
            fixed: None,
            check_time: Duration::ZERO,
        }
    }

    /// Applies the client's changes, in order, and moves to `version`.
    pub fn apply(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: Encoding,
    ) {
        for change in changes {
            match change.range {
                None => self.text = change.text,
                Some(range) => {
                    let span = Positions::new(&self.text, encoding).span(range);
                    self.text
                        .replace_range(span.start as usize..span.end as usize, &change.text);
                }
            }
        }
        self.version = version;
        self.findings = None;
        self.fixed = None;
    }
}

/// The path of a `file:` URI (percent-decoded); `None` for other schemes.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    if !uri
        .scheme()
        .is_some_and(|s| s.as_str().eq_ignore_ascii_case("file"))
    {
        return None;
    }
    let decoded = uri.path().as_estr().decode().into_string().ok()?;
    // `file:///C:/x` on Windows: the path is `/C:/x`.
    let path = match decoded.as_bytes() {
        [b'/', drive, b':', ..] if cfg!(windows) && drive.is_ascii_alphabetic() => &decoded[1..],
        _ => &decoded[..],
    };
    Some(PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use lsp_types::{Position, Range};

    use super::*;

    fn uri(text: &str) -> Uri {
        Uri::from_str(text).unwrap()
    }

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(
            file_path(&uri("file:///home/me/My%20Project/a%C3%A9.py")),
            Some(PathBuf::from("/home/me/My Project/aé.py"))
        );
        assert_eq!(file_path(&uri("untitled:Untitled-1")), None);
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        let mut doc = Document::new(
            &uri("file:///a.py"),
            "python",
            1,
            "x = 1\ny = \"🦀\"\n".into(),
        );
        let edit = |line, start, end, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(line, start),
                Position::new(line, end),
            )),
            range_length: None,
            text: text.into(),
        };
        // UTF-16: the crab is two units; replace it, then the `1`.
        doc.apply(
            vec![edit(1, 5, 7, "ok"), edit(0, 4, 5, "22")],
            2,
            Encoding::Utf16,
        );
        assert_eq!(doc.text, "x = 22\ny = \"ok\"\n");
        assert_eq!(doc.version, 2);
        assert!(doc.is_python);
    }
}
