//! IPython syntax in code cells: line magics (`%time f()`), shell escapes (`!pip install`),
//! their assignment forms (`files = !ls`), help (`obj?`) and cell magics (`%%time`). Each such
//! line becomes a Python placeholder line, so that the cell parses and its line numbers stay
//! the same; the placeholder ends with [`MARK`], by which a rewrite finds the line again.

use std::borrow::Cow;

/// The comment that ends every placeholder line.
pub const MARK: &str = "# ─── IPython syntax, not checked ───";

/// Cell magics whose body is Python run in this kernel: only their first line is replaced.
/// A cell under any other (`%%bash`, `%%sql`, `%%writefile`) is not Python and not checked.
const PYTHON_CELL_MAGICS: [&str; 6] = ["time", "timeit", "capture", "prun", "debug", "python"];

/// A cell's lines (each with its line ending) as Python, and the original text (without line
/// ending) of each line replaced, in order; `None` for a cell that is not Python.
pub fn to_python<'a>(lines: &[&'a str]) -> Option<(Vec<Cow<'a, str>>, Vec<String>)> {
    let mut out = Vec::with_capacity(lines.len());
    let mut replaced = Vec::new();
    let mut state = State::default();
    // The indentation of the magic being continued with a trailing backslash.
    let mut continued: Option<&str> = None;
    for (i, &line) in lines.iter().enumerate() {
        let (body, ending) = split_ending(line);
        let trimmed = body.trim_start();
        let indent = &body[..body.len() - trimmed.len()];
        let placeholder = |head: &str| format!("{head}  {MARK}{ending}");
        if let Some(indent) = continued {
            continued = body.trim_end().ends_with('\\').then_some(indent);
            replaced.push(body.to_owned());
            out.push(Cow::Owned(placeholder(&format!("{indent}pass"))));
            continue;
        }
        if i == 0 && trimmed.starts_with("%%") {
            let name = trimmed[2..].split_whitespace().next().unwrap_or("");
            if !PYTHON_CELL_MAGICS.contains(&name) {
                return None;
            }
            replaced.push(body.to_owned());
            out.push(Cow::Owned(placeholder(&format!("{indent}pass"))));
            continue;
        }
        if state.at_statement_start() {
            let head = if is_magic(trimmed) {
                Some(format!("{indent}pass"))
            } else {
                magic_assignment(body).map(|target| format!("{target} None"))
            };
            if let Some(head) = head {
                continued = body.trim_end().ends_with('\\').then_some(indent);
                replaced.push(body.to_owned());
                out.push(Cow::Owned(placeholder(&head)));
                continue;
            }
        }
        state.scan(body);
        out.push(Cow::Borrowed(line));
    }
    Some((out, replaced))
}

/// A line's text and its line ending (`\n`, `\r\n` or none).
pub fn split_ending(line: &str) -> (&str, &str) {
    let body = line.trim_end_matches(['\n', '\r']);
    (body, &line[body.len()..])
}

/// True for a line (without its indentation) that is IPython syntax as a whole.
fn is_magic(trimmed: &str) -> bool {
    match trimmed.as_bytes().first() {
        Some(b'%' | b'!' | b'?') => true,
        // `obj?` and `obj??`: help. A `?` ends no Python line, except in a comment.
        Some(_) => trimmed.trim_end().ends_with('?') && !trimmed.contains('#'),
        None => false,
    }
}

/// For `files = !ls` or `t = %timeit -o f()`, the text up to and with the `=`.
fn magic_assignment(body: &str) -> Option<&str> {
    let eq = body.find('=')?;
    let (target, value) = (&body[..eq], &body[eq + 1..]);
    let is_target = |c: char| c.is_alphanumeric() || matches!(c, '_' | ',' | ' ' | '\t' | '.');
    let value = value.trim_start();
    let names = !target.trim().is_empty() && target.chars().all(is_target);
    (names && (value.starts_with('%') || value.starts_with('!'))).then(|| &body[..=eq])
}

/// Where a scan of Python lines is: inside brackets, a triple-quoted string, or a line
/// continued with a backslash, where no magic can start.
#[derive(Default)]
struct State {
    depth: u32,
    triple: Option<&'static str>,
    backslash: bool,
}

impl State {
    fn at_statement_start(&self) -> bool {
        self.depth == 0 && self.triple.is_none() && !self.backslash
    }

    /// Follows brackets, strings and comments across one line (without its ending).
    fn scan(&mut self, line: &str) {
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if let Some(close) = self.triple {
                match line[i..].find(close) {
                    Some(at) => {
                        i += at + 3;
                        self.triple = None;
                        continue;
                    }
                    None => break,
                }
            }
            match bytes[i] {
                b'#' => break,
                b'(' | b'[' | b'{' => self.depth += 1,
                b')' | b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                quote @ (b'"' | b'\'') => {
                    let triple = if quote == b'"' { "\"\"\"" } else { "'''" };
                    if line[i..].starts_with(triple) {
                        self.triple = Some(triple);
                        i += 3;
                        continue;
                    }
                    i += 1;
                    while i < bytes.len() && bytes[i] != quote {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.backslash = self.triple.is_none() && line.ends_with('\\');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn python(cell: &str) -> Option<(String, Vec<String>)> {
        let lines: Vec<&str> = cell.split_inclusive('\n').collect();
        to_python(&lines).map(|(out, replaced)| (out.concat(), replaced))
    }

    #[test]
    fn magics_become_placeholders_on_the_same_lines() {
        let cell = "%matplotlib inline\nimport dagster as dg\n!pip install \\\n  dagster\nfiles = !ls\nfor x in []:\n    %time f(x)\ndg.asset?\nx = 1  # why?\n";
        let (out, replaced) = python(cell).unwrap();
        let expected = format!(
            "pass  {MARK}\nimport dagster as dg\npass  {MARK}\npass  {MARK}\nfiles = None  {MARK}\nfor x in []:\n    pass  {MARK}\npass  {MARK}\nx = 1  # why?\n"
        );
        assert_eq!(out, expected);
        assert_eq!(out.lines().count(), cell.lines().count());
        assert_eq!(
            replaced,
            [
                "%matplotlib inline",
                "!pip install \\",
                "  dagster",
                "files = !ls",
                "    %time f(x)",
                "dg.asset?"
            ]
        );
        assert!(crate::syntax::parse(&out).errors.is_empty());
    }

    #[test]
    fn percent_signs_inside_strings_and_brackets_are_python() {
        let cell = "q = \"\"\"\n%s\n\"\"\"\ny = (1\n% 2)\nz = 'a' \\\n!= 'b'\n";
        let (out, replaced) = python(cell).unwrap();
        assert_eq!(out, cell);
        assert!(replaced.is_empty());
    }

    #[test]
    fn cell_magics_of_other_languages_are_not_python() {
        assert!(python("%%bash\necho hi\n").is_none());
        let (out, replaced) = python("%%time\nimport dagster\n").unwrap();
        assert_eq!(out, format!("pass  {MARK}\nimport dagster\n"));
        assert_eq!(replaced, ["%%time"]);
    }
}
