//! What the cache remembers, as the store and its file format share it: the result entries
//! (findings, still encoded until asked for) and the reads of files at a stamp.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::Diagnostic;
use crate::discovery::stamp::Stamp;

/// What a read of a file at some stamp found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// The file's bytes hash to this ([`content_hash`]).
    Hash(u128),
    /// The file decodes and never mentions a tracked package: it has no findings.
    Untracked,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct FileEntry {
    pub(super) stamp: Stamp,
    /// Seconds since the epoch when the file was read.
    pub(super) read_at: u64,
    pub(super) content: Content,
}

/// A file the cache remembers a read of.
#[derive(Debug)]
pub(super) struct KnownFile {
    pub(super) entry: FileEntry,
    /// Set when this run trusted the read instead of reading the file (so it is kept).
    pub(super) unread: AtomicBool,
}

/// An entry as read from the cache file: its findings stay encoded (in [`Cache::bytes`])
/// until a file asks for them, so that opening a large cache costs an index, not a decode
/// (and the decoding happens on the workers, once per entry).
#[derive(Debug)]
pub(super) struct Entry {
    pub(super) last_used: u64,
    /// Where its encoded findings are in [`Cache::bytes`].
    pub(super) body: std::ops::Range<usize>,
    /// The findings, once decoded (`None`: they did not decode), without a file name: every
    /// file with this content shares them.
    pub(super) decoded: OnceLock<Option<Arc<[Diagnostic]>>>,
    /// Set when this run used the entry.
    pub(super) used: AtomicBool,
}

/// The results and the file entries of a cache file.
pub(super) type Decoded = (HashMap<u128, Entry>, HashMap<u128, KnownFile>);

/// Two reads of a file that found the same thing at the same stamp (the later one may have
/// been taken later: it is worth writing only when the earlier one could not be trusted).
pub(super) fn same_file(old: &FileEntry, new: &FileEntry) -> bool {
    old.stamp == new.stamp && old.content == new.content && old.stamp.trusted_at(old.read_at)
}

/// The key of a file's entry: the 128-bit hash of its path as displayed.
pub(super) fn path_key(path: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(path.as_bytes())
}

/// The hash of a file's bytes (with its package, it keys the results; see
/// [`crate::check::Checker::cache_key`]).
pub fn content_hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}
