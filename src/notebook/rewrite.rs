//! Writing changed code back into a notebook (for `--fix`): only the `source` values of the
//! cells whose code changed are replaced, in the file's own layout, and every other byte of
//! the file (cell ids, outputs, metadata, key order, indentation) is kept.

use super::magics::{split_ending, MARK};
use super::{spans, Notebook, SEPARATOR};

/// The notebook text `ipynb` with the code of `code`, a changed [`Notebook::source`] of it
/// (its cells still separated by [`SEPARATOR`] lines, IPython placeholders still in place).
/// An error when `code` does not fit the notebook (another number of cells or of IPython
/// lines in a cell).
pub fn rewrite(ipynb: &str, code: &str) -> Result<String, String> {
    let notebook = Notebook::parse(ipynb.as_bytes())?;
    let chunks = split(code);
    if notebook.cells.is_empty() && code.is_empty() {
        return Ok(ipynb.to_owned());
    }
    if chunks.len() != notebook.cells.len() {
        return Err(format!(
            "the changed code has {} cells, the notebook {}",
            chunks.len(),
            notebook.cells.len()
        ));
    }
    let spans = spans::cells(ipynb);
    let mut out = String::with_capacity(ipynb.len() + code.len());
    let mut copied = 0;
    for (cell, chunk) in notebook.cells.iter().zip(chunks) {
        if notebook.source[cell.text.clone()] == *chunk {
            continue;
        }
        let mut text = restore(chunk, &cell.magics)
            .ok_or_else(|| format!("cell {}: its IPython lines changed", cell.number))?;
        if !cell.final_newline && text.ends_with('\n') {
            text.pop();
        }
        let Some(span) = spans.get(cell.position).and_then(|s| s.source.clone()) else {
            return Err(format!("cell {}: no `source` to replace", cell.number));
        };
        out.push_str(&ipynb[copied..span.start]);
        out.push_str(&render(ipynb, span.clone(), &text));
        copied = span.end;
    }
    out.push_str(&ipynb[copied..]);
    Ok(out)
}

/// The cells of a notebook's code: the text between [`SEPARATOR`] lines.
fn split(code: &str) -> Vec<&str> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut at = 0;
    for line in code.split_inclusive('\n') {
        if split_ending(line).0 == SEPARATOR {
            chunks.push(&code[start..at]);
            start = at + line.len();
        }
        at += line.len();
    }
    chunks.push(&code[start..]);
    chunks
}

/// A cell's code with its IPython lines back in place of their placeholders; `None` when the
/// placeholders are not the cell's.
fn restore(chunk: &str, magics: &[String]) -> Option<String> {
    let mut originals = magics.iter();
    let mut out = String::with_capacity(chunk.len());
    for line in chunk.split_inclusive('\n') {
        let (body, ending) = split_ending(line);
        if body.trim_end().ends_with(MARK) {
            out.push_str(originals.next()?);
            out.push_str(ending);
        } else {
            out.push_str(line);
        }
    }
    originals.next().is_none().then_some(out)
}

/// `text` as the JSON value that replaces the `source` value at `span` of `ipynb`, laid out
/// as that value was: a string stays a string; a list keeps its layout (the space before its
/// first element and before its `]`), and an empty one takes nbformat's (one element a line,
/// one level deeper than the key, a level being the file's first indentation).
fn render(ipynb: &str, span: std::ops::Range<usize>, text: &str) -> String {
    let quote = |s: &str| serde_json::to_string(s).expect("strings serialize");
    let original = &ipynb[span.clone()];
    if original.starts_with('"') {
        return quote(text);
    }
    if text.is_empty() {
        return "[]".into();
    }
    let inner = &original[1..original.len() - 1];
    let (lead, trail) = if inner.trim().is_empty() {
        let line = &ipynb[ipynb[..span.start].rfind('\n').map_or(0, |i| i + 1)..];
        let indent = &line[..line.len() - line.trim_start().len()];
        let second = ipynb.lines().nth(1).unwrap_or("");
        let level = &second[..second.len() - second.trim_start().len()];
        let ending = if ipynb.contains("\r\n") { "\r\n" } else { "\n" };
        (
            format!("{ending}{indent}{level}"),
            format!("{ending}{indent}"),
        )
    } else {
        let first = inner.find('"').unwrap_or(0);
        let last = inner.trim_end().len();
        (inner[..first].to_owned(), inner[last..].to_owned())
    };
    let items: Vec<String> = text.split_inclusive('\n').map(quote).collect();
    format!("[{lead}{}{trail}]", items.join(&format!(",{lead}")))
}

#[cfg(test)]
mod tests {
    use super::super::tests::notebook;
    use super::*;

    fn cells() -> String {
        notebook(&[
            (
                "markdown",
                &["# Assets\n", "from dagster import SourceAsset"],
            ),
            (
                "code",
                &["%pip install dagster\n", "from dagster import SourceAsset"],
            ),
            ("code", &["a = SourceAsset(key='a')\n", "b = 1"]),
            ("code", &[]),
        ])
    }

    #[test]
    fn unchanged_code_gives_the_same_bytes() {
        let text = cells();
        let code = Notebook::parse(text.as_bytes()).unwrap().into_source();
        assert_eq!(rewrite(&text, &code).unwrap(), text);
        let crlf = text.replace('\n', "\r\n");
        let code = Notebook::parse(crlf.as_bytes()).unwrap().into_source();
        assert_eq!(rewrite(&crlf, &code).unwrap(), crlf);
    }

    #[test]
    fn only_the_changed_cells_source_is_replaced_in_nbformats_layout() {
        let text = cells();
        let code = Notebook::parse(text.as_bytes()).unwrap().into_source();
        let fixed = code
            .replace("import SourceAsset", "import AssetSpec")
            .replace("a = SourceAsset(key='a')", "a = AssetSpec(key='a')\nc = 2");
        let out = rewrite(&text, &fixed).unwrap();
        let (markdown, code_cells) = text.split_at(text.find("cell-1").unwrap());
        let expected = markdown.to_owned()
            + &code_cells
                .replace(
                    "   \"from dagster import SourceAsset\"\n   ]",
                    "   \"from dagster import AssetSpec\"\n   ]",
                )
                .replace(
                    "\"a = SourceAsset(key='a')\\n\",",
                    "\"a = AssetSpec(key='a')\\n\",\n    \"c = 2\\n\",",
                );
        // The markdown cell's text is as it was; the magic is back.
        assert!(out.contains("\"# Assets\\n\",\n    \"from dagster import SourceAsset\""));
        assert!(out.contains("\"%pip install dagster\\n\""));
        assert_eq!(out, expected);
        let again = Notebook::parse(out.as_bytes()).unwrap().into_source();
        assert_eq!(again, fixed);
    }

    #[test]
    fn an_empty_cell_and_other_layouts_get_their_code() {
        let compact = r#"{"cells":[{"cell_type":"code","id":"x","source":"import dagster"},{"cell_type":"code","source":["a = 1\n","b"]}],"metadata":{},"nbformat":4,"nbformat_minor":5}"#;
        let code = Notebook::parse(compact.as_bytes()).unwrap().into_source();
        let out = rewrite(
            compact,
            &code
                .replace("import dagster\n", "import dagster as dg\n")
                .replace("\nb\n", "\nc\n"),
        )
        .unwrap();
        assert_eq!(
            out,
            r#"{"cells":[{"cell_type":"code","id":"x","source":"import dagster as dg"},{"cell_type":"code","source":["a = 1\n","c"]}],"metadata":{},"nbformat":4,"nbformat_minor":5}"#
        );
        let text = cells();
        let code = Notebook::parse(text.as_bytes()).unwrap().into_source();
        let out = rewrite(&text, &format!("{code}import dagster\n")).unwrap();
        assert!(
            out.contains("   \"source\": [\n    \"import dagster\"\n   ]"),
            "{out}"
        );
    }

    /// Real notebooks (dagstermill's examples, see tests/fixtures/notebooks-real).
    const REAL: [&str; 3] = [
        include_str!("../../tests/fixtures/notebooks-real/dagstermill/tutorial_RF.ipynb"),
        include_str!("../../tests/fixtures/notebooks-real/dagstermill/clean_data.ipynb"),
        include_str!(
            "../../tests/fixtures/notebooks-real/dagstermill/hello_world_explicit_yield.ipynb"
        ),
    ];

    #[test]
    fn real_notebooks_round_trip_and_keep_every_byte_but_the_changed_source() {
        for text in REAL {
            let code = Notebook::parse(text.as_bytes()).unwrap().into_source();
            assert_eq!(rewrite(text, &code).unwrap(), text);
            // The first line of the first cell changes: the rest of the file is the same.
            let first = code.lines().next().unwrap();
            let changed = code.replacen(first, &format!("{first}  # changed"), 1);
            let out = rewrite(text, &changed).unwrap();
            let at = text
                .find(&serde_json::to_string(first).unwrap()[..first.len()])
                .unwrap();
            assert_eq!(out[..at], text[..at]);
            let before: serde_json::Value = serde_json::from_str(text).unwrap();
            let mut after: serde_json::Value = serde_json::from_str(&out).unwrap();
            let source = &mut after["cells"][0]["source"];
            let first_line = source[0].as_str().unwrap().replacen("  # changed", "", 1);
            source[0] = first_line.into();
            assert_eq!(after, before);
            assert_eq!(
                Notebook::parse(out.as_bytes()).unwrap().into_source(),
                changed
            );
        }
    }

    #[test]
    fn code_that_does_not_fit_the_notebook_is_refused() {
        let text = cells();
        let code = Notebook::parse(text.as_bytes()).unwrap().into_source();
        let fewer = code.replacen(SEPARATOR, "", 1);
        assert!(rewrite(&text, &fewer).unwrap_err().contains("cells"));
        let lost_magic = code.replacen(MARK, "", 1);
        assert!(rewrite(&text, &lost_magic).unwrap_err().contains("IPython"));
    }
}
