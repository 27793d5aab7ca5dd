//! The results cache: what the checker found in a file, by the hash of the file's content, so
//! that an unchanged file is not parsed again (`.dagster-api-lint_cache/` in the project
//! root like ruff's `.ruff_cache/`, see [`crate::project::Project::cache_dir`]; `--no-cache`
//! turns it off).
//!
//! **What a result depends on, and so the key.** [`crate::check::Checker::check_source`] is a
//! function of the source text, of the package the file belongs to (a package's references to
//! itself are not judged) and of the checker: the tool version (and a hash of the tool's own
//! source code, so that two builds of one version never share results), the catalogs (package,
//! version and a hash of each catalog's content), the checker's settings (extra packages) and
//! the target version of upgrade planning. The checker's
//! [`fingerprint`](crate::check::Checker::fingerprint) of all of those names the cache file
//! (`<tool version>/<fingerprint>`), and inside it each entry is keyed by
//! [`cache_key`](crate::check::Checker::cache_key): the 128-bit XXH3 hash of the file's package
//! and text. What is cached is the checker's raw output (every field of each finding,
//! severity included: upgrade planning escalates some) before the user's rule selection,
//! per-file ignores, severities and `# noqa` are applied, so those settings are applied afresh
//! on every run and cannot make an entry stale; the file name is not stored either (it labels
//! the diagnostics when they are re-emitted), so a moved or copied file hits.
//!
//! **Skipping the read.** Hashing a file needs its bytes, and reading every file of a large
//! project costs more than anything else a warm run does. So the cache also remembers, per file
//! path (by the path's 128-bit hash), the file's [`Stamp`] (size, modification and change
//! times, inode) when it was read and what the read found: the content hash, or that the file
//! never mentions a tracked package.
//! A file whose stamp is unchanged is not read again. Like git's index, a stamp is trusted
//! only when the file was last changed at least [`RACY_SECS`] seconds before it was read, so
//! that an edit in the same clock tick as a read (same size, same times) is never missed; such
//! a file is read and hashed as if unknown. The content key still includes the file's package,
//! recomputed on every run, so adding an `__init__.py` above a file is noticed too.
//!
//! **Robustness.** The file is written to a temporary file in the same directory and renamed
//! over the old one, so a reader sees the old or the new cache, never a half-written one. A
//! file that is truncated, corrupt (its trailing checksum does not match) or of another format
//! is ignored as if absent and replaced on the next write. Entries unused for
//! [`KEEP_DAYS`] days are dropped when the cache is written.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use xxhash_rust::xxh3::Xxh3;

use crate::catalog::compact::{Reader, Writer};
use crate::diagnostic::{Diagnostic, InCell, Text};
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{self, Severity};
use crate::syntax::{Location, Span};

/// The name of the cache directory (in the project root unless configured).
pub const DIR_NAME: &str = ".dagster-api-lint_cache";

/// Entries not used for this many days are dropped.
pub const KEEP_DAYS: u64 = 30;

/// A file changed less than this many seconds before it was read is read again next time.
pub const RACY_SECS: u64 = 2;

const MAGIC: &[u8; 4] = b"DALR";
/// Bumped whenever what an entry holds changes (8: fixes and notebook cells).
const FORMAT: u8 = 8;

/// The hash of a file's bytes (with its package, it keys the results; see
/// [`crate::check::Checker::cache_key`]).
pub fn content_hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// What identifies a version of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified_ns: u64,
    changed_ns: u64,
    inode: u64,
}

impl Stamp {
    /// The stamp of a file from its metadata (`None` where the platform gives no times).
    pub fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let modified = (meta.mtime(), meta.mtime_nsec());
            let changed = (meta.ctime(), meta.ctime_nsec());
            Stamp::from_unix(meta.len(), modified, changed, meta.ino())
        }
        #[cfg(not(unix))]
        {
            let nanos = |t: SystemTime| {
                t.duration_since(UNIX_EPOCH)
                    .ok()
                    .map(|d| d.as_nanos() as u64)
            };
            let modified_ns = nanos(meta.modified().ok()?)?;
            Some(Stamp {
                len: meta.len(),
                modified_ns,
                changed_ns: modified_ns,
                inode: 0,
            })
        }
    }

    /// A stamp from the fields of a `stat`: size, modification and change times (seconds and
    /// nanoseconds; `None` before the epoch) and inode.
    #[cfg(unix)]
    fn from_unix(len: u64, modified: (i64, i64), changed: (i64, i64), inode: u64) -> Option<Stamp> {
        let nanos = |(secs, nsecs): (i64, i64)| {
            Some(u64::try_from(secs).ok()? * 1_000_000_000 + u64::try_from(nsecs).ok()?)
        };
        Some(Stamp {
            len,
            modified_ns: nanos(modified)?,
            changed_ns: nanos(changed)?,
            inode,
        })
    }

    /// Seconds since the epoch of the file's last change (of content or metadata).
    pub fn last_change_secs(&self) -> u64 {
        self.modified_ns.max(self.changed_ns) / 1_000_000_000
    }

    /// True when a stamp taken at `taken_at` (seconds) can vouch for the file: it was last
    /// changed at least [`RACY_SECS`] before, so that a later change in the same clock tick
    /// cannot leave the stamp as it was.
    pub fn trusted_at(&self, taken_at: u64) -> bool {
        self.last_change_secs() + RACY_SECS <= taken_at
    }

    /// Writes the stamp (four varints).
    pub fn encode(&self, w: &mut Writer) {
        for n in [self.len, self.modified_ns, self.changed_ns, self.inode] {
            w.uint(n);
        }
    }

    /// Reads what [`Stamp::encode`] wrote.
    pub fn decode(r: &mut Reader) -> Result<Stamp, String> {
        Ok(Stamp {
            len: r.uint()?,
            modified_ns: r.uint()?,
            changed_ns: r.uint()?,
            inode: r.uint()?,
        })
    }
}

/// Takes the stamps of a run's files relative to the deepest folder that holds them all, opened
/// once: the kernel then looks up only the part of each path below it (a third less time per
/// file on a tree a dozen folders deep).
#[derive(Default)]
pub struct Stamper {
    /// The folder's path with its trailing separator, and the folder.
    #[cfg(unix)]
    anchor: Option<(std::ffi::OsString, rustix::fd::OwnedFd)>,
}

impl Stamper {
    /// A stamper for these files (falling back to whole paths where no folder holds them all).
    pub fn for_files<'a>(files: impl Iterator<Item = &'a Path>) -> Stamper {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let (mut low, mut high): (Option<&[u8]>, Option<&[u8]>) = (None, None);
            for bytes in files.map(|f| f.as_os_str().as_bytes()) {
                low = Some(low.map_or(bytes, |l| l.min(bytes)));
                high = Some(high.map_or(bytes, |h| h.max(bytes)));
            }
            let (Some(low), Some(high)) = (low, high) else {
                return Stamper::default();
            };
            // The longest start all paths share (that of the first and last in byte order),
            // back to a separator.
            let shared = low.iter().zip(high).take_while(|(a, b)| a == b).count();
            let Some(slash) = memchr::memrchr(b'/', &low[..shared]) else {
                return Stamper::default();
            };
            let folder = std::ffi::OsStr::from_bytes(&low[..slash.max(1)]);
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let anchor = rustix::fs::openat(rustix::fs::CWD, folder, flags, Mode::empty())
                .ok()
                .map(|fd| (std::ffi::OsStr::from_bytes(&low[..=slash]).to_owned(), fd));
            Stamper { anchor }
        }
        #[cfg(not(unix))]
        {
            let _ = files;
            Stamper::default()
        }
    }

    /// The stamp of the file at `path` now, following links as [`std::fs::metadata`] does
    /// (`None`: it cannot be looked at).
    pub fn stamp(&self, path: &Path) -> Option<Stamp> {
        #[cfg(unix)]
        if let Some(found) = self.stat(path, rustix::fs::AtFlags::empty()) {
            return found.map(|(stamp, _)| stamp);
        }
        Stamp::of(&std::fs::metadata(path).ok()?)
    }

    /// The stamp of the folder at `path` now, not following a link as
    /// [`std::fs::symlink_metadata`] does (`None`: it cannot be looked at, or is no folder).
    pub fn folder_stamp(&self, path: &Path) -> Option<Stamp> {
        #[cfg(unix)]
        if let Some(found) = self.stat(path, rustix::fs::AtFlags::SYMLINK_NOFOLLOW) {
            return found.filter(|(_, is_dir)| *is_dir).map(|(stamp, _)| stamp);
        }
        let meta = std::fs::symlink_metadata(path).ok()?;
        meta.is_dir().then(|| Stamp::of(&meta)).flatten()
    }

    /// `stat` below the anchor: `None` for a path not below it, else the stamp and whether it is
    /// a folder, if it can be looked at.
    #[cfg(unix)]
    fn stat(&self, path: &Path, flags: rustix::fs::AtFlags) -> Option<Option<(Stamp, bool)>> {
        use std::os::unix::ffi::OsStrExt;
        let (prefix, folder) = self.anchor.as_ref()?;
        let below = path
            .as_os_str()
            .as_bytes()
            .strip_prefix(prefix.as_bytes())?;
        if below.is_empty() {
            return None;
        }
        let Ok(stat) = rustix::fs::statat(folder, std::ffi::OsStr::from_bytes(below), flags) else {
            return Some(None);
        };
        let is_dir = rustix::fs::FileType::from_raw_mode(stat.st_mode as _).is_dir();
        // (The fields' integer types differ between platforms.)
        #[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
        let stamp = Stamp::from_unix(
            stat.st_size as u64,
            (stat.st_mtime as i64, stat.st_mtime_nsec as i64),
            (stat.st_ctime as i64, stat.st_ctime_nsec as i64),
            stat.st_ino as u64,
        );
        Some(stamp.map(|stamp| (stamp, is_dir)))
    }
}

/// What a read of a file at some stamp found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// The file's bytes hash to this ([`content_hash`]).
    Hash(u128),
    /// The file decodes and never mentions a tracked package: it has no findings.
    Untracked,
}

#[derive(Debug, Clone, Copy)]
struct FileEntry {
    stamp: Stamp,
    /// Seconds since the epoch when the file was read.
    read_at: u64,
    content: Content,
}

/// The cached results of one checker configuration, as read when the run started. Workers
/// look entries up concurrently; what the run adds goes through an [`Update`].
#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    fingerprint: u64,
    today: u64,
    /// The cache file as read.
    bytes: Vec<u8>,
    entries: HashMap<u128, Entry>,
    /// By [`path_key`].
    files: HashMap<u128, KnownFile>,
}

/// A file the cache remembers a read of.
#[derive(Debug)]
struct KnownFile {
    entry: FileEntry,
    /// Set when this run trusted the read instead of reading the file (so it is kept).
    unread: AtomicBool,
}

/// An entry as read from the cache file: its findings stay encoded (in [`Cache::bytes`])
/// until a file asks for them, so that opening a large cache costs an index, not a decode
/// (and the decoding happens on the workers, once per entry).
#[derive(Debug)]
struct Entry {
    last_used: u64,
    /// Where its encoded findings are in [`Cache::bytes`].
    body: std::ops::Range<usize>,
    /// The findings, once decoded (`None`: they did not decode), without a file name: every
    /// file with this content shares them.
    decoded: OnceLock<Option<Arc<[Diagnostic]>>>,
    /// Set when this run used the entry.
    used: AtomicBool,
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
    fn len(&self) -> usize {
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

/// Two reads of a file that found the same thing at the same stamp (the later one may have
/// been taken later: it is worth writing only when the earlier one could not be trusted).
fn same_file(old: &FileEntry, new: &FileEntry) -> bool {
    old.stamp == new.stamp && old.content == new.content && old.stamp.trusted_at(old.read_at)
}

/// The key of a file's entry: the 128-bit hash of its path as displayed.
fn path_key(path: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(path.as_bytes())
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Days since the Unix epoch.
fn today() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400)
}

/// Refuses a cache directory that would put the cache's files among the project's own: an
/// empty path, the project root (`project_root`), the configuration's folder (`config_root`)
/// or a folder above either. Anywhere else is accepted, also outside the project.
pub fn check_dir(
    dir: &Path,
    project_root: &Path,
    config_root: Option<&Path>,
) -> Result<(), String> {
    if dir.as_os_str().is_empty() {
        return Err("the results cache directory is empty: name a folder of its own".into());
    }
    let absolute = |p: &Path| {
        let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        p.canonicalize().unwrap_or(p)
    };
    let cache = absolute(dir);
    for root in std::iter::once(project_root).chain(config_root) {
        if absolute(root).starts_with(&cache) {
            return Err(format!(
                "the results cache directory {} is {} or holds it: the cache needs a folder of \
                 its own (for instance {})",
                dir.display(),
                root.display(),
                root.join(DIR_NAME).display()
            ));
        }
    }
    Ok(())
}

/// Creates `version_dir`, a folder of the cache directory; the cache directory itself, when
/// this creates it, is marked as ruff marks its own (ignored by git, skipped by backup tools).
/// A folder that existed already is never marked: its `.gitignore` could hide what is not ours.
pub fn create_dir(version_dir: &Path) -> std::io::Result<()> {
    let root = version_dir
        .parent()
        .expect("version directory has a parent");
    if !root.exists() {
        std::fs::create_dir_all(root)?;
        mark_cache_dir(root);
    }
    std::fs::create_dir_all(version_dir)
}

/// Marks a cache directory like ruff does: ignored by git, skipped by backup tools.
fn mark_cache_dir(root: &Path) {
    let gitignore = root.join(".gitignore");
    if !gitignore.exists() {
        let _ = std::fs::write(
            gitignore,
            "# Automatically created by dagster-api-lint.\n*\n",
        );
    }
    let tag = root.join("CACHEDIR.TAG");
    if !tag.exists() {
        let _ = std::fs::write(
            tag,
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # This file is a cache directory tag created by dagster-api-lint.\n",
        );
    }
}

/// One entry: a 1 tag byte, the hash, the day it was last used, then the length of its
/// encoded findings and those ([`encode_diagnostics`]).
fn encode_entry(hash: u128, last_used: u64, body: &[u8]) -> Vec<u8> {
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
fn encode_diagnostics(diagnostics: &[Diagnostic]) -> Vec<u8> {
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
fn encode_file(path: u128, entry: &FileEntry) -> Vec<u8> {
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

/// The results and the file entries of a cache file.
type Decoded = (HashMap<u128, Entry>, HashMap<u128, KnownFile>);

/// Reads a cache file: the header, entries until a 0 tag byte, the numbers of entries and of
/// files (4 bytes each), and the checksum of all that.
fn decode(bytes: &[u8], fingerprint: u64) -> Result<Decoded, String> {
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
fn decode_diagnostics(bytes: &[u8]) -> Result<Vec<Diagnostic>, String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rule;

    fn diagnostic(rule: &'static Rule, message: &str) -> Diagnostic {
        Diagnostic {
            span: Span { start: 3, end: 9 },
            start: Location { row: 1, column: 4 },
            end: Location { row: 1, column: 10 },
            symbol: Some("dagster.SourceAsset".into()),
            breaking_version: Some("2.0.0".into()),
            line_text: "x = dg.SourceAsset(key='a')".into(),
            replacement: Some("AssetSpec".into()),
            fix: Some(Arc::new(
                Fix::new(
                    Applicability::Unsafe,
                    "Replace `SourceAsset` with `AssetSpec`",
                    vec![Edit {
                        span: Span { start: 8, end: 19 },
                        content: "AssetSpec".into(),
                    }],
                )
                .located(
                    "x = dg.SourceAsset(key='a')",
                    &crate::syntax::LineIndex::new("x = dg.SourceAsset(key='a')"),
                ),
            )),
            ..Diagnostic::new(rule, "ignored.py", message)
        }
    }

    fn same(a: &Diagnostic, b: &Diagnostic) -> bool {
        format!("{a:?}") == format!("{b:?}")
    }

    /// Runs one "run" that adds `new` entries and hits `used`.
    fn run(dir: &Path, fingerprint: u64, new: &[(&str, Vec<Diagnostic>)], used: &[&str]) {
        let cache = Cache::open(dir, fingerprint);
        let mut update = Update::default();
        for (text, diagnostics) in new {
            cache.add(&mut update, content_hash(text.as_bytes()), diagnostics);
        }
        for text in used {
            assert!(cache.get(content_hash(text.as_bytes())).is_some());
        }
        cache.finish(update).unwrap();
    }

    #[test]
    fn round_trips_without_file_names() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("cache");
        let d = diagnostic(&rules::DEPRECATED_SYMBOL, "`SourceAsset` is deprecated.");
        assert_eq!(Cache::open(&dir, 7).len(), 0);
        run(&dir, 7, &[("a", vec![d.clone()]), ("b", vec![])], &[]);
        let cache = Cache::open(&dir, 7);
        assert_eq!(cache.len(), 2);
        let got = cache.get(content_hash(b"a")).unwrap();
        assert_eq!(got.len(), 1);
        assert!(got[0].fix.is_some());
        assert!(same(
            &got[0],
            &Diagnostic {
                filename: "".into(),
                ..d.clone()
            }
        ));
        assert!(same(&got[0].in_file(&"ignored.py".into()), &d));
        assert!(cache.get(content_hash(b"b")).unwrap().is_empty());
        assert!(cache.get(content_hash(b"c")).is_none());
        assert!(dir.join("CACHEDIR.TAG").exists());
        assert!(dir.join(".gitignore").exists());
        // A later run that adds one entry keeps the others.
        run(&dir, 7, &[("c", vec![])], &["a"]);
        assert_eq!(Cache::open(&dir, 7).len(), 3);
    }

    #[test]
    fn findings_with_and_without_fixes_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let fixed = diagnostic(
            &rules::PRIVATE_IMPORT,
            "Use the public `dagster.AssetSpec`.",
        );
        let unfixed = Diagnostic {
            fix: None,
            ..fixed.clone()
        };
        run(
            dir.path(),
            3,
            &[("a", vec![fixed.clone(), unfixed.clone()])],
            &[],
        );
        let got = Cache::open(dir.path(), 3).get(content_hash(b"a")).unwrap();
        assert_eq!(got[0].fix, fixed.fix);
        assert_eq!(got[0].fix.as_ref().unwrap().locations.len(), 1);
        assert_eq!(got[1].fix, None);
    }

    #[test]
    fn only_a_cache_directory_this_created_is_marked() {
        let existing = tempfile::tempdir().unwrap();
        run(existing.path(), 7, &[("a", vec![])], &[]);
        assert_eq!(Cache::open(existing.path(), 7).len(), 1);
        assert!(!existing.path().join(".gitignore").exists());
        assert!(!existing.path().join("CACHEDIR.TAG").exists());
    }

    #[test]
    fn a_cache_directory_among_the_projects_files_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("project");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        for bad in [
            PathBuf::new(),
            root.clone(),
            root.join("sub/.."),
            tmp.path().into(),
        ] {
            let err = check_dir(&bad, &root, None).unwrap_err();
            assert!(err.contains("folder of its own"), "{err}");
        }
        let config_root = root.join("sub");
        assert!(check_dir(&config_root, &root, Some(&config_root)).is_err());
        for good in [
            root.join(DIR_NAME),
            root.join("sub"),
            tmp.path().join("elsewhere"),
        ] {
            assert_eq!(check_dir(&good, &root, None), Ok(()), "{good:?}");
        }
    }

    #[test]
    fn severities_other_than_the_rules_default_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut escalated = diagnostic(
            &rules::DEPRECATED_SYMBOL,
            "`SourceAsset` breaks at the target.",
        );
        escalated.severity = Severity::Error;
        let mut lowered = diagnostic(&rules::BETA_SYMBOL, "beta");
        lowered.severity = Severity::Info;
        run(dir.path(), 4, &[("a", vec![escalated, lowered])], &[]);
        let got = Cache::open(dir.path(), 4).get(content_hash(b"a")).unwrap();
        let severities: Vec<Severity> = got.iter().map(|d| d.severity).collect();
        assert_eq!(severities, [Severity::Error, Severity::Info]);
    }

    #[test]
    fn a_notebook_findings_cell_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let mut in_cell = diagnostic(&rules::DEPRECATED_SYMBOL, "`SourceAsset` is deprecated.");
        let at = |row, column| Location { row, column };
        in_cell.cell = Some(InCell {
            cell: 3,
            file_start: at(40, 12),
            file_end: at(40, 23),
        });
        let plain = diagnostic(&rules::BETA_SYMBOL, "beta");
        run(
            dir.path(),
            4,
            &[("a", vec![in_cell.clone(), plain.clone()])],
            &[],
        );
        let got = Cache::open(dir.path(), 4).get(content_hash(b"a")).unwrap();
        assert_eq!(got[0].cell, in_cell.cell);
        assert_eq!(got[1].cell, None);
    }

    #[test]
    fn another_fingerprint_misses() {
        let dir = tempfile::tempdir().unwrap();
        run(dir.path(), 1, &[("a", vec![])], &[]);
        assert_eq!(Cache::open(dir.path(), 1).len(), 1);
        assert_eq!(Cache::open(dir.path(), 2).len(), 0);
    }

    #[test]
    fn corrupt_or_truncated_caches_are_ignored_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        run(
            dir.path(),
            9,
            &[("a", vec![diagnostic(&rules::PRIVATE_IMPORT, "private")])],
            &[],
        );
        let file = Cache::open(dir.path(), 9).path.clone();
        let bytes = std::fs::read(&file).unwrap();
        for broken in [
            bytes[..bytes.len() / 2].to_vec(),
            Vec::new(),
            b"garbage".to_vec(),
            {
                let mut b = bytes.clone();
                b[30] ^= 0xff;
                b
            },
        ] {
            std::fs::write(&file, &broken).unwrap();
            assert_eq!(Cache::open(dir.path(), 9).len(), 0);
        }
        // The next run replaces the broken file with a good one.
        run(dir.path(), 9, &[("b", vec![])], &[]);
        assert_eq!(Cache::open(dir.path(), 9).len(), 1);
        // No temporary file is left behind.
        let leftovers = std::fs::read_dir(file.parent().unwrap())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(leftovers, 0);
    }

    #[test]
    fn unchanged_runs_do_not_rewrite_and_old_entries_expire() {
        let dir = tempfile::tempdir().unwrap();
        run(dir.path(), 3, &[("a", vec![])], &[]);
        let file = Cache::open(dir.path(), 3).path.clone();
        let written = std::fs::metadata(&file).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        run(dir.path(), 3, &[], &["a"]);
        assert_eq!(
            std::fs::metadata(&file).unwrap().modified().unwrap(),
            written
        );

        let mut cache = Cache::open(dir.path(), 3);
        let today = cache.today;
        let at = cache.bytes.len();
        cache.bytes.extend(encode_diagnostics(&[]));
        for (hash, last_used) in [(1, today - KEEP_DAYS - 1), (2, today - 1)] {
            let body = at..cache.bytes.len();
            let decoded = OnceLock::new();
            cache.entries.insert(
                hash,
                Entry {
                    last_used,
                    body,
                    decoded,
                    used: AtomicBool::new(false),
                },
            );
        }
        cache.finish(Update::default()).unwrap();
        let cache = Cache::open(dir.path(), 3);
        assert!(cache.entries.contains_key(&2));
        assert!(!cache.entries.contains_key(&1));
        assert!(cache.entries.contains_key(&content_hash(b"a")));
    }

    fn stamp(len: u64, changed_secs: u64) -> Stamp {
        Stamp {
            len,
            modified_ns: changed_secs * 1_000_000_000,
            changed_ns: changed_secs * 1_000_000_000 + 5,
            inode: 42,
        }
    }

    #[test]
    fn file_stamps_are_trusted_only_when_the_read_came_well_after_the_change() {
        let dir = tempfile::tempdir().unwrap();
        let now = now_secs();
        let old = stamp(100, now - 3600);
        let racy = stamp(100, now);
        let cache = Cache::open(dir.path(), 5);
        let mut update = Update::default();
        cache.file_read(&mut update, "a.py", old, now, Content::Hash(7));
        cache.file_read(&mut update, "b.py", racy, now, Content::Untracked);
        cache.file_read(&mut update, "c.py", old, now, Content::Untracked);
        cache.finish(update).unwrap();

        let cache = Cache::open(dir.path(), 5);
        assert_eq!(cache.file("a.py", || Some(old)), Some(Content::Hash(7)));
        assert_eq!(cache.file("c.py", || Some(old)), Some(Content::Untracked));
        // Changed within RACY_SECS of the read: the same stamp could hide a second edit.
        assert_eq!(cache.file("b.py", || Some(racy)), None);
        // Any difference in size, times or inode: read again.
        for changed in [
            Stamp { len: 101, ..old },
            Stamp {
                modified_ns: old.modified_ns + 1,
                ..old
            },
            Stamp {
                changed_ns: old.changed_ns + 1,
                ..old
            },
            Stamp { inode: 43, ..old },
        ] {
            assert_eq!(cache.file("a.py", || Some(changed)), None);
        }
        assert_eq!(cache.file("unknown.py", || Some(old)), None);

        // A run that re-reads the racy file later records a read it can trust, and keeps the
        // entry of a file it did not need to read.
        let mut update = Update::default();
        cache.file_read(&mut update, "b.py", racy, now + 10, Content::Untracked);
        assert!(cache.file("a.py", || Some(old)).is_some()); // not read: kept
        cache.finish(update).unwrap();
        let cache = Cache::open(dir.path(), 5);
        assert_eq!(cache.file("b.py", || Some(racy)), Some(Content::Untracked));
        assert_eq!(cache.file("a.py", || Some(old)), Some(Content::Hash(7)));
        assert_eq!(cache.file("c.py", || Some(old)), Some(Content::Untracked));
    }

    #[test]
    fn a_stamper_stamps_as_file_metadata_does() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("pkg/sub");
        std::fs::create_dir_all(&deep).unwrap();
        let files = [dir.path().join("pkg/a.py"), deep.join("b.py")];
        for file in &files {
            std::fs::write(file, "import dagster\n").unwrap();
        }
        let stamper = Stamper::for_files(files.iter().map(PathBuf::as_path));
        let elsewhere = tempfile::NamedTempFile::new().unwrap();
        for file in files.iter().map(PathBuf::as_path).chain([elsewhere.path()]) {
            let expected = Stamp::of(&std::fs::metadata(file).unwrap());
            assert_eq!(stamper.stamp(file), expected, "{file:?}");
        }
        assert_eq!(stamper.stamp(&dir.path().join("pkg/missing.py")), None);
        let folder = Stamp::of(&std::fs::symlink_metadata(&deep).unwrap());
        assert_eq!(stamper.folder_stamp(&deep), folder);
        assert_eq!(stamper.folder_stamp(&files[0]), None, "a file is no folder");
    }

    #[test]
    fn stamps_come_from_file_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.py");
        std::fs::write(&path, "import dagster\n").unwrap();
        let before = Stamp::of(&std::fs::metadata(&path).unwrap()).unwrap();
        assert_eq!(before.len, 15);
        // Same size and the old modification time put back: the change time still differs.
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, "import dagsteR\n").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        let after = Stamp::of(&std::fs::metadata(&path).unwrap()).unwrap();
        assert_eq!(
            (after.len, after.modified_ns),
            (before.len, before.modified_ns)
        );
        assert_ne!(after, before);
    }
}
