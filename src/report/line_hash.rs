//! Not an output format: the `primaryLocationLineHash` fingerprint that GitHub's SARIF upload
//! action (`github/codeql-action`) computes for a result's first line, so that `sarif.rs` can
//! fill it in itself and alerts stay matched when lines move.
//!
//! The algorithm, as the action describes it: a rolling hash over a window of the next 100
//! characters of the file counted from the start of each line, skipping spaces and tabs, with
//! `\r\n` and `\r` read as `\n`. Characters are UTF-16 code units of the file read as UTF-8.
//! The hash is `h = 37 * h + c - 37^100 * c_leaving` in wrapping 64-bit arithmetic; after the
//! last character an end marker (65535) is hashed, then zeros until every line's window is
//! full. A line's value is the hash in lowercase hex, a colon, and how many lines so far (this
//! one included) had the same hash: `5f7a3d0c9e1b2a44:1`.

use std::collections::HashMap;

const WINDOW: usize = 100;
const BASE: u64 = 37;
const END_OF_FILE: u64 = 65535;

/// The fingerprint of every line of `text`: index 0 is line 1. (There may be one more entry
/// than lines: a file ending in a newline has an empty last line, as the action counts.)
pub fn line_hashes(text: &str) -> Vec<String> {
    let mut hasher = Hasher {
        window: [0; WINDOW],
        line_at: [0; WINDOW],
        hash: 0,
        base_pow_window: BASE.wrapping_pow(WINDOW as u32),
        index: 0,
        line: 0,
        line_start: true,
        previous_cr: false,
        seen: HashMap::new(),
        out: Vec::new(),
    };
    for unit in text.encode_utf16() {
        hasher.push(u64::from(unit));
    }
    hasher.push(END_OF_FILE);
    for _ in 0..WINDOW {
        hasher.emit_if_line_start();
        hasher.roll(0);
    }
    hasher.out
}

struct Hasher {
    /// The last `WINDOW` characters hashed (a ring buffer at `index`).
    window: [u64; WINDOW],
    /// For each window slot: the 1-based line its character starts, or 0.
    line_at: [usize; WINDOW],
    hash: u64,
    base_pow_window: u64,
    index: usize,
    line: usize,
    line_start: bool,
    previous_cr: bool,
    seen: HashMap<u64, usize>,
    out: Vec<String>,
}

impl Hasher {
    fn push(&mut self, mut c: u64) {
        let (space, tab, lf, cr) = (u64::from(b' '), u64::from(b'\t'), 10, 13);
        if c == space || c == tab || (self.previous_cr && c == lf) {
            self.previous_cr = false;
            return;
        }
        self.previous_cr = c == cr;
        if c == cr {
            c = lf;
        }
        self.emit_if_line_start();
        if self.line_start {
            self.line_start = false;
            self.line += 1;
            self.line_at[self.index] = self.line;
        }
        if c == lf {
            self.line_start = true;
        }
        self.roll(c);
    }

    /// The slot about to be overwritten started a line: its window is complete, so the hash
    /// now covers exactly that line's 100 characters.
    fn emit_if_line_start(&mut self) {
        let line = self.line_at[self.index];
        if line == 0 {
            return;
        }
        let count = self.seen.entry(self.hash).or_default();
        *count += 1;
        if self.out.len() < line {
            self.out.resize(line, String::new());
        }
        self.out[line - 1] = format!("{:x}:{count}", self.hash);
        self.line_at[self.index] = 0;
    }

    fn roll(&mut self, c: u64) {
        let leaving = std::mem::replace(&mut self.window[self.index], c);
        self.hash = BASE
            .wrapping_mul(self.hash)
            .wrapping_add(c)
            .wrapping_sub(self.base_pow_window.wrapping_mul(leaving));
        self.index = (self.index + 1) % WINDOW;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference values printed by `tests/line_hash_reference.py`, a separate Python
    /// implementation written from the algorithm's description (see its docstring), for the
    /// same input: `python3 tests/line_hash_reference.py`.
    #[test]
    fn matches_the_independent_reference() {
        let text = include_str!("../../tests/data/line_hash_input.txt");
        let expected: Vec<&str> = include_str!("../../tests/data/line_hash_expected.txt")
            .lines()
            .collect();
        assert_eq!(line_hashes(text), expected);
    }

    #[test]
    fn whitespace_and_line_endings_do_not_matter() {
        let a = line_hashes("x = 1\nfrom dagster import SourceAsset\n");
        let b = line_hashes("x  =  1\r\n\tfrom dagster import SourceAsset\r\n");
        assert_eq!(a, b);
    }

    #[test]
    fn identical_lines_are_numbered() {
        let hashes = line_hashes("a\na\n");
        let (h1, n1) = hashes[0].split_once(':').unwrap();
        let (h2, n2) = hashes[1].split_once(':').unwrap();
        assert_ne!(
            h1, h2,
            "the windows differ: the second one reaches the end marker"
        );
        assert_eq!((n1, n2), ("1", "1"));
        let hashes = line_hashes(&"same line\n".repeat(3).repeat(40));
        assert!(hashes[1].ends_with(":2"), "{}", hashes[1]);
    }

    #[test]
    fn moving_code_keeps_the_hash_of_a_line_unless_its_window_changes() {
        let body = "from dagster import SourceAsset\nraw = SourceAsset(key='raw')\n";
        let before = line_hashes(body);
        let after = line_hashes(&format!("import os\n\n{body}"));
        assert_eq!(before[0], after[2]);
    }
}
