//! The cache file's format: the header, the result entries (findings with their fixes and
//! notebook cells), the file entries, and the trailing checksum.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap as HashMap;

use super::records::{Content, Decoded, Entry, FileEntry, KnownFile};
use crate::catalog::compact::{Reader, Writer};
use crate::diagnostic::{Diagnostic, InCell, Text};
use crate::discovery::stamp::Stamp;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{self, Severity};
use crate::syntax::{Location, Span};

pub(super) const MAGIC: &[u8; 4] = b"DALR";

/// Bumped whenever what an entry holds changes (8: fixes and notebook cells).
pub(super) const FORMAT: u8 = 8;

/// One entry: a 1 tag byte, the hash, the day it was last used, then the length of its
/// encoded findings and those ([`encode_diagnostics`]).
pub(super) fn encode_entry(hash: u128, last_used: u64, body: &[u8]) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(32 + body.len()));
    w.0.push(1);
    w.0.extend_from_slice(&hash.to_le_bytes());
    w.uint(last_used);
    w.uint(body.len() as u64);
    w.0.extend_from_slice(body);
    w.0
}

/// A file's findings: their count, then each (the file name is not stored). The severity is
/// stored: the checker's raw output already differs from the rule's default where upgrade
/// planning escalates a finding (see [`crate::upgrade`]).
pub(super) fn encode_diagnostics(diagnostics: &[Diagnostic]) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(8 + 256 * diagnostics.len()));
    w.uint(diagnostics.len() as u64);
    for d in diagnostics {
        w.str(d.rule.code);
        w.0.push(severity_byte(d.severity));
        w.str(&d.message);
        for n in [
            d.span.start,
            d.span.end,
            d.start.row,
            d.start.column,
            d.end.row,
            d.end.column,
        ] {
            w.uint(u64::from(n));
        }
        w.opt_str(d.symbol.as_deref());
        w.opt_str(d.parameter.as_deref());
        w.opt_str(d.breaking_version.as_deref());
        w.str(&d.line_text);
        w.opt_str(d.replacement.as_deref());
        encode_fix(&mut w, d.fix.as_deref());
        match &d.cell {
            None => w.0.push(0),
            Some(place) => {
                w.0.push(1);
                let (from, to) = (place.file_start, place.file_end);
                for n in [place.cell, from.row, from.column, to.row, to.column] {
                    w.uint(u64::from(n));
                }
            }
        }
    }
    w.0
}

/// A finding's fix: 0 for none; else 1, its applicability, message, and edits (count, then
/// each edit's span and content).
fn encode_fix(w: &mut Writer, fix: Option<&Fix>) {
    let Some(fix) = fix else {
        w.0.push(0);
        return;
    };
    w.0.push(1);
    w.str(fix.applicability.as_str());
    w.str(&fix.message);
    w.uint(fix.edits.len() as u64);
    for edit in &fix.edits {
        w.uint(u64::from(edit.span.start));
        w.uint(u64::from(edit.span.end));
        w.str(&edit.content);
    }
    w.uint(fix.locations.len() as u64);
    for location in fix.locations.iter().flatten() {
        w.uint(u64::from(location.row));
        w.uint(u64::from(location.column));
    }
}

/// Reads what [`encode_fix`] wrote.
fn decode_fix(r: &mut Reader) -> Result<Option<Arc<Fix>>, String> {
    if r.byte()? == 0 {
        return Ok(None);
    }
    let applicability = Applicability::from_name(r.str()?).ok_or("bad applicability")?;
    let message: Text = r.str()?.into();
    let count = r.len()?;
    let mut edits = Vec::with_capacity(count.min(64));
    let offset = |r: &mut Reader| u32::try_from(r.uint()?).map_err(|e| e.to_string());
    for _ in 0..count {
        let start = offset(r)?;
        let end = offset(r)?;
        let content = r.str()?.into();
        edits.push(Edit {
            span: Span { start, end },
            content,
        });
    }
    let count = r.len()?;
    let mut locations = Vec::with_capacity(count.min(64));
    for _ in 0..count {
        let mut at = [Location { row: 0, column: 0 }; 2];
        for location in &mut at {
            location.row = offset(r)?;
            location.column = offset(r)?;
        }
        locations.push(at);
    }
    Ok(Some(Arc::new(Fix {
        applicability,
        message,
        edits,
        locations,
    })))
}

/// One file entry: a 2 tag byte, the path's key, the stamp, when it was read, and what was found
/// (0: untracked; 1 and a hash).
pub(super) fn encode_file(path: u128, entry: &FileEntry) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(64));
    w.0.push(2);
    w.0.extend_from_slice(&path.to_le_bytes());
    entry.stamp.encode(&mut w);
    w.uint(entry.read_at);
    match entry.content {
        Content::Untracked => w.0.push(0),
        Content::Hash(hash) => {
            w.0.push(1);
            w.0.extend_from_slice(&hash.to_le_bytes());
        }
    }
    w.0
}

/// Reads a cache file: the header, entries until a 0 tag byte, the numbers of entries and of
/// files (4 bytes each), and the checksum of all that.
pub(super) fn decode(bytes: &[u8], fingerprint: u64) -> Result<Decoded, String> {
    if bytes.len() < 8 {
        return Err("short".into());
    }
    let (body, checksum) = bytes.split_at(bytes.len() - 8);
    if xxhash_rust::xxh3::xxh3_64(body).to_le_bytes() != checksum {
        return Err("checksum mismatch".into());
    }
    let rest = body.strip_prefix(MAGIC.as_slice()).ok_or("not a cache")?;
    let mut r = Reader { bytes: rest };
    if r.byte()? != FORMAT {
        return Err("other format".into());
    }
    let mut stored = [0u8; 8];
    for b in &mut stored {
        *b = r.byte()?;
    }
    if u64::from_le_bytes(stored) != fingerprint {
        return Err("other fingerprint".into());
    }
    // The trailer: how many entries and files there are (see `Cache::finish`).
    let (rest, counts) = r
        .bytes
        .split_at(r.bytes.len().checked_sub(8).ok_or("short")?);
    r.bytes = rest;
    let count = |at: usize| u32::from_le_bytes(counts[at..at + 4].try_into().expect("4 bytes"));
    let capacity = |n: u32| (n as usize).min(body.len() / 16);
    let mut entries = HashMap::with_capacity_and_hasher(capacity(count(0)), Default::default());
    let mut files = HashMap::with_capacity_and_hasher(capacity(count(4)), Default::default());
    loop {
        match r.byte()? {
            0 => break,
            1 => {}
            2 => {
                let path = hash128(&mut r)?;
                let stamp = Stamp::decode(&mut r)?;
                let read_at = r.uint()?;
                let content = match r.byte()? {
                    0 => Content::Untracked,
                    _ => Content::Hash(hash128(&mut r)?),
                };
                let entry = FileEntry {
                    stamp,
                    read_at,
                    content,
                };
                let unread = AtomicBool::new(false);
                files.insert(path, KnownFile { entry, unread });
                continue;
            }
            _ => return Err("bad tag".into()),
        }
        let hash = hash128(&mut r)?;
        let last_used = r.uint()?;
        let len = r.len()?;
        let at = body.len() - counts.len() - r.bytes.len();
        r.bytes = &r.bytes[len..];
        entries.insert(
            hash,
            Entry {
                last_used,
                body: at..at + len,
                decoded: OnceLock::new(),
                used: AtomicBool::new(false),
            },
        );
    }
    if !r.bytes.is_empty() {
        return Err("trailing bytes".into());
    }
    Ok((entries, files))
}

/// Decodes what [`encode_diagnostics`] wrote (with empty file names).
pub(super) fn decode_diagnostics(bytes: &[u8]) -> Result<Vec<Diagnostic>, String> {
    let mut r = Reader { bytes };
    let count = r.len()?;
    let mut diagnostics = Vec::with_capacity(count);
    let unnamed: Text = "".into();
    let text = |r: &mut Reader| r.str().map(Text::from);
    let opt_text = |r: &mut Reader| match r.byte()? {
        0 => Ok(None),
        _ => text(r).map(Some),
    };
    for _ in 0..count {
        let rule = rules::by_code(r.str()?).ok_or("unknown rule")?;
        let severity = severity_of_byte(r.byte()?)?;
        let message = text(&mut r)?;
        let mut numbers = [0u32; 6];
        for x in &mut numbers {
            *x = u32::try_from(r.uint()?).map_err(|e| e.to_string())?;
        }
        let [span_start, span_end, start_row, start_column, end_row, end_column] = numbers;
        diagnostics.push(Diagnostic {
            rule,
            severity,
            message,
            filename: unnamed.clone(),
            span: Span {
                start: span_start,
                end: span_end,
            },
            start: Location {
                row: start_row,
                column: start_column,
            },
            end: Location {
                row: end_row,
                column: end_column,
            },
            symbol: opt_text(&mut r)?,
            parameter: opt_text(&mut r)?,
            breaking_version: opt_text(&mut r)?,
            line_text: text(&mut r)?,
            replacement: opt_text(&mut r)?,
            fix: decode_fix(&mut r)?,
            cell: match r.byte()? {
                0 => None,
                _ => {
                    let mut n = [0u32; 5];
                    for x in &mut n {
                        *x = u32::try_from(r.uint()?).map_err(|e| e.to_string())?;
                    }
                    let at = |row, column| Location { row, column };
                    Some(InCell {
                        cell: n[0],
                        file_start: at(n[1], n[2]),
                        file_end: at(n[3], n[4]),
                    })
                }
            },
        });
    }
    if !r.bytes.is_empty() {
        return Err("trailing bytes".into());
    }
    Ok(diagnostics)
}

/// A severity as one byte in [`encode_diagnostics`].
fn severity_byte(severity: Severity) -> u8 {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// Reads what [`severity_byte`] wrote.
fn severity_of_byte(byte: u8) -> Result<Severity, String> {
    match byte {
        0 => Ok(Severity::Error),
        1 => Ok(Severity::Warning),
        2 => Ok(Severity::Info),
        _ => Err("bad severity".into()),
    }
}

fn hash128(r: &mut Reader) -> Result<u128, String> {
    let mut hash = [0u8; 16];
    for b in &mut hash {
        *b = r.byte()?;
    }
    Ok(u128::from_le_bytes(hash))
}
