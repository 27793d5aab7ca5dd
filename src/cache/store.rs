//! The cache of one checker configuration: opened at the start of a run, looked up by the
//! workers, added to through an [`Update`], and written back (old entries expire).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use xxhash_rust::xxh3::Xxh3;

use super::codec::{
    decode, decode_diagnostics, encode_diagnostics, encode_entry, encode_file, FORMAT, MAGIC,
};
use super::dir::create_dir;
use super::records::{path_key, same_file, Content, Entry, FileEntry, KnownFile};
use crate::diagnostic::Diagnostic;
use crate::discovery::stamp::Stamp;

/// Entries not used for this many days are dropped.
pub const KEEP_DAYS: u64 = 30;

/// The cached results of one checker configuration, as read when the run started. Workers
/// look entries up concurrently; what the run adds goes through an [`Update`].
#[derive(Debug)]
pub struct Cache {
    pub(super) path: PathBuf,
    pub(super) fingerprint: u64,
    pub(super) today: u64,
    /// The cache file as read.
    pub(super) bytes: Vec<u8>,
    pub(super) entries: HashMap<u128, Entry>,
    /// By [`path_key`].
    pub(super) files: HashMap<u128, KnownFile>,
}

/// What a run adds to the cache. New entries are encoded into a temporary file as they come
/// (so a cold run does not hold every file's results in memory); [`Cache::finish`] adds the
/// old entries worth keeping and renames the file over the cache.
#[derive(Default)]
pub struct Update {
    file: Option<(PathBuf, BufWriter<File>, Xxh3)>,
    written: HashSet<u128>,
    /// Files read by this run, with what was found.
    files_read: HashMap<u128, FileEntry>,
    error: Option<std::io::Error>,
}

impl Cache {
    /// Opens the cache of a checker with `fingerprint` under `dir` (normally [`DIR_NAME`] in
    /// the project root). A missing, unreadable or corrupt cache is empty.
    pub fn open(dir: &Path, fingerprint: u64) -> Cache {
        let path = dir
            .join(env!("CARGO_PKG_VERSION"))
            .join(format!("{fingerprint:016x}"));
        let bytes = std::fs::read(&path).unwrap_or_default();
        let (entries, files) = decode(&bytes, fingerprint).unwrap_or_default();
        Cache {
            path,
            fingerprint,
            today: today(),
            bytes,
            entries,
            files,
        }
    }

    /// What the last read of the file at `path` found, if the file's stamp now (`stamp_now`,
    /// asked only of a file the cache remembers) is the same and that read can be trusted (see
    /// [`RACY_SECS`]). The read is then kept for the next run.
    pub fn file(&self, path: &str, stamp_now: impl FnOnce() -> Option<Stamp>) -> Option<Content> {
        let known = self.files.get(&path_key(path))?;
        let entry = &known.entry;
        let stamp = stamp_now()?;
        if entry.stamp != stamp || !stamp.trusted_at(entry.read_at) {
            return None;
        }
        known.unread.store(true, Ordering::Relaxed);
        Some(entry.content)
    }

    /// Records what reading `path` at `stamp` found; `read_at` is when it was read (seconds).
    pub fn file_read(
        &self,
        update: &mut Update,
        path: &str,
        stamp: Stamp,
        read_at: u64,
        content: Content,
    ) {
        let entry = FileEntry {
            stamp,
            read_at,
            content,
        };
        update.files_read.insert(path_key(path), entry);
    }

    /// The number of entries.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The cached raw diagnostics of files with this content hash, without a file name, shared
    /// by all of them. (An entry that does not decode, which the checksum makes all but
    /// impossible, is a miss: the file is checked again and the entry replaced.)
    pub fn get(&self, hash: u128) -> Option<Arc<[Diagnostic]>> {
        let entry = self.entries.get(&hash)?;
        // Read first: an entry many files share is written once, not by every worker.
        if !entry.used.load(Ordering::Relaxed) {
            entry.used.store(true, Ordering::Relaxed);
        }
        let decoded = entry.decoded.get_or_init(|| {
            decode_diagnostics(&self.bytes[entry.body.clone()])
                .ok()
                .map(Into::into)
        });
        decoded.clone()
    }

    /// Adds the raw diagnostics of a checked file (written at once to the temporary file).
    pub fn add(&self, update: &mut Update, hash: u128, diagnostics: &[Diagnostic]) {
        if update.error.is_some() || !update.written.insert(hash) {
            return;
        }
        let body = encode_diagnostics(diagnostics);
        if let Err(e) = self.write_entry(update, hash, self.today, &body) {
            update.error = Some(e);
        }
    }

    fn write_entry(
        &self,
        update: &mut Update,
        hash: u128,
        last_used: u64,
        body: &[u8],
    ) -> std::io::Result<()> {
        self.write_bytes(update, &encode_entry(hash, last_used, body))
    }

    /// Appends encoded bytes to the temporary file (created on first use) and its checksum.
    fn write_bytes(&self, update: &mut Update, bytes: &[u8]) -> std::io::Result<()> {
        self.ensure_file(update)?;
        let (_, out, hasher) = update.file.as_mut().expect("just opened");
        hasher.update(bytes);
        out.write_all(bytes)
    }

    /// Creates the temporary file and writes the header, once.
    fn ensure_file(&self, update: &mut Update) -> std::io::Result<()> {
        if update.file.is_none() {
            let dir = self.path.parent().expect("cache file has a directory");
            create_dir(dir)?;
            let tmp = dir.join(format!(
                ".{}.{}.tmp",
                self.path.file_name().unwrap().to_string_lossy(),
                std::process::id()
            ));
            let mut header = Vec::with_capacity(13);
            header.extend_from_slice(MAGIC);
            header.push(FORMAT);
            header.extend_from_slice(&self.fingerprint.to_le_bytes());
            let mut out = BufWriter::new(File::create(&tmp)?);
            out.write_all(&header)?;
            let mut hasher = Xxh3::new();
            hasher.update(&header);
            update.file = Some((tmp, out, hasher));
        }
        Ok(())
    }

    /// Ends the run: keeps the old entries used recently, and replaces the cache file when
    /// anything changed. Errors are returned for a warning; the cache is then left as it was.
    pub fn finish(self, mut update: Update) -> std::io::Result<()> {
        let today = self.today;
        let used = |e: &Entry| e.used.load(Ordering::Relaxed);
        let keep = |hash: &u128, e: &Entry| {
            !update.written.contains(hash)
                && (used(e) || today.saturating_sub(e.last_used) <= KEEP_DAYS)
        };
        let files_read = std::mem::take(&mut update.files_read);
        let keep_file = |path: &u128, known: &KnownFile| {
            !files_read.contains_key(path)
                && (known.unread.load(Ordering::Relaxed)
                    || today.saturating_sub(known.entry.read_at / 86_400) <= KEEP_DAYS)
        };
        let changed = update.file.is_some()
            || self
                .entries
                .iter()
                .any(|(hash, e)| !keep(hash, e) || (used(e) && e.last_used != today))
            || files_read.iter().any(|(path, e)| {
                self.files
                    .get(path)
                    .is_none_or(|old| !same_file(&old.entry, e))
            })
            || self
                .files
                .iter()
                .any(|(path, e)| !keep_file(path, e) && !files_read.contains_key(path));
        if !changed {
            return Ok(());
        }
        let mut result = match update.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        };
        let old: Vec<(&u128, &Entry)> = self.entries.iter().filter(|(h, e)| keep(h, e)).collect();
        // Counted for the trailer, so that a reader can size its tables at once.
        let entry_count = update.written.len() + old.len();
        let mut file_count = 0;
        for (hash, e) in old {
            if result.is_err() {
                break;
            }
            let last_used = if used(e) { today } else { e.last_used };
            let body = &self.bytes[e.body.clone()];
            result = self.write_entry(&mut update, *hash, last_used, body);
        }
        if result.is_ok() {
            // (Every entry may have expired: the cache is then rewritten empty.)
            result = self.ensure_file(&mut update);
        }
        let old_files = (self.files.iter())
            .filter(|(p, known)| keep_file(p, known))
            .map(|(p, known)| (p, &known.entry));
        for (path, entry) in old_files.chain(files_read.iter()) {
            if result.is_err() {
                break;
            }
            result = self.write_bytes(&mut update, &encode_file(*path, entry));
            file_count += 1;
        }
        let Some((tmp, mut out, mut hasher)) = update.file.take() else {
            return result;
        };
        let result = result.and_then(|()| {
            let mut end = vec![0];
            for count in [entry_count, file_count] {
                end.extend_from_slice(&u32::try_from(count).unwrap_or(u32::MAX).to_le_bytes());
            }
            hasher.update(&end);
            out.write_all(&end)?;
            out.write_all(&hasher.digest().to_le_bytes())?;
            out.into_inner().map_err(|e| e.into_error())?.sync_data()?;
            std::fs::rename(&tmp, &self.path)
        });
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

/// Days since the Unix epoch.
fn today() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400)
}
