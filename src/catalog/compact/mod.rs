//! A compact binary form of a package's [`History`], embedded in the binary instead of the JSON.
//!
//! `api-catalog/*.json` stays the source of truth: `build.rs` parses each history and encodes
//! it with [`encode`] (this module is compiled into the build script too), and the checker decodes
//! only the packages it needs with [`HistoryIndex::decode`], then only the release it needs
//! with [`HistoryIndex::at`]. Both read a few fixed-width headers and the small sections; the
//! thousands of aliases and objects are looked up one at a time, by binary search, when asked
//! for (a check touches a few dozen of them), so loading a release costs the same whatever the
//! length of the history.
//!
//! Layout: the magic `DALH`, a format byte, a table of the distinct strings (their count and
//! `count + 1` offsets as 32-bit little-endian integers into their UTF-8 texts, which are
//! written back to back apart, see [`encode::Encoded`]), then the fields of [`History`] in
//! declaration order.
//! Integers are LEB128 varints; a string is its index in the table; an `Option` is a 0/1 byte
//! then the value; a sequence or map is its length then its items. A period is the index of its
//! first release and of the release after it (the release count while it is open), then its
//! value; an object's value is the length of its encoding, then the encoding, so that a reader
//! can skip the periods of other releases without decoding them. The exports, the aliases and
//! the objects are *keyed sections*: their count and, per key in key order, the key's string
//! index and the end of its periods in the data (32-bit little-endian integers), then the data.
//! The objects are followed by the packages their ids belong to, each with the release spans in
//! which it has objects, and by a last keyed section: every export path, module name and alias
//! with the release spans that have it (what "when was this removed" asks), so that no question
//! over all releases builds a map of the whole history.
//!
//! The parts: `encode.rs` writes the form; `decode.rs` reads its string table, keyed sections
//! and values; `lazy.rs` answers a release's aliases and objects from the keyed sections, for
//! [`super::model::Aliases`] and [`super::model::Objects`]; `index.rs` reads a history's header
//! and makes the catalog of a release. This file holds the constants of the format and its
//! primitives.

mod decode;
mod encode;
mod index;
mod lazy;

// (Encoding is for `build.rs` and the tests.)
#[cfg_attr(not(test), allow(unused_imports))]
pub use encode::encode;
pub use index::HistoryIndex;

use super::model::{Kind, Status};

const MAGIC: &[u8; 4] = b"DALH";
const VERSION: u8 = 8;
const KINDS: [Kind; 9] = [
    Kind::Class,
    Kind::Function,
    Kind::Method,
    Kind::Property,
    Kind::Classmethod,
    Kind::Staticmethod,
    Kind::Attribute,
    Kind::Value,
    Kind::Module,
];

const STATUSES: [Status; 6] = [
    Status::Beta,
    Status::Deprecated,
    Status::Experimental,
    Status::Preview,
    Status::Removed,
    Status::Superseded,
];

/// The top-level package of a dotted path.
fn top_package(path: &str) -> &str {
    path.split_once('.').map_or(path, |(top, _)| top)
}

/// Reads a 32-bit little-endian integer at item `i` of a table of `width`-byte items, at byte
/// `at` within the item.
#[inline]
fn fixed(bytes: &[u8], i: usize, width: usize, at: usize) -> usize {
    let start = i * width + at;
    u32::from_le_bytes(bytes[start..start + 4].try_into().expect("four bytes")) as usize
}

/// Writes the primitives of the format (also used by the results cache).
#[derive(Default)]
pub struct Writer(pub Vec<u8>);

impl Writer {
    /// A LEB128 varint.
    pub fn uint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    /// A 32-bit little-endian integer (fixed width, for tables read by position).
    pub fn u32(&mut self, v: usize) {
        let v = u32::try_from(v).expect("fits in 32 bits");
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    /// A length-prefixed string.
    pub fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    /// An optional string.
    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.0.push(0),
            Some(s) => {
                self.0.push(1);
                self.str(s);
            }
        }
    }
}

/// Reads what [`Writer`] wrote.
pub struct Reader<'a> {
    /// The bytes not read yet.
    pub bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    /// One byte.
    pub fn byte(&mut self) -> Result<u8, String> {
        let (&b, rest) = self.bytes.split_first().ok_or("truncated")?;
        self.bytes = rest;
        Ok(b)
    }

    /// A LEB128 varint.
    #[inline]
    pub fn uint(&mut self) -> Result<u64, String> {
        if let Some((&b, rest)) = self.bytes.split_first() {
            if b < 0x80 {
                self.bytes = rest;
                return Ok(u64::from(b));
            }
        }
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("bad varint".into())
    }

    /// A count of items that follow; bounded by the bytes left (each item takes at least one).
    pub fn len(&mut self) -> Result<usize, String> {
        let n = self.uint()? as usize;
        if n > self.bytes.len() {
            return Err("bad length".into());
        }
        Ok(n)
    }

    /// A length-prefixed string, borrowed from the bytes.
    pub fn str(&mut self) -> Result<&'a str, String> {
        let n = self.len()?;
        let (text, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        std::str::from_utf8(text).map_err(|e| e.to_string())
    }
}
