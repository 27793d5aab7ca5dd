//! File stamps: what identifies a version of a file without reading it (size, modification
//! and change times, inode), taken from metadata or by a [`Stamper`] that opens each folder
//! once, and when a stamp may be trusted.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::catalog::compact::{Reader, Writer};

/// A file changed less than this many seconds before it was read is read again next time.
pub const RACY_SECS: u64 = 2;

/// What identifies a version of a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub(crate) len: u64,
    pub(crate) modified_ns: u64,
    pub(crate) changed_ns: u64,
    pub(crate) inode: u64,
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

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

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
