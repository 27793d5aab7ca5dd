//! Remembering a walk, so that an unchanged tree is not listed again (the idea of git's
//! "untracked cache").
//!
//! Listing every folder was most of what an unchanged, cached run did. A [`Snapshot`] is a
//! walk's answer together with everything that answer depends on:
//!
//! - every folder the walk listed, with the folder's [`Stamp`] taken *before* it was listed
//!   (creating, removing or renaming an entry changes a folder's modification and change
//!   times);
//! - every ignore file that could apply, present or absent: `.gitignore`, `.ignore` and
//!   `.git/info/exclude` in the listed folders and above the walked roots, the global
//!   excludes file, and the git configuration files that could name another one (a present
//!   file by its stamp, which changes with its content);
//! - in its key, the walk's settings: tool version, current folder, roots, exclusions, whether
//!   ignore files are honoured, and the environment variables git's configuration is found by.
//!
//! A later walk with the same key `stat`s those folders and files instead of listing the
//! tree. When every one is as recorded, and each was last changed at least
//! [`super::stamp::RACY_SECS`] before the snapshot was taken (so that a change in the same
//! clock tick cannot hide), the tree holds what it held and the recorded answer is the walk's.
//! Otherwise the tree is walked and recorded again. What a snapshot cannot vouch for means no
//! snapshot is kept: a symbolic link met by the walk, a `.git` file (worktrees and submodules
//! name their git folder in one), a walk error, a path that is not valid UTF-8, or a file named
//! on the command line (those are checked without a walk anyway).
//!
//! A snapshot also records which [`MARKERS`] each listed folder holds, to answer the run's
//! package (`__init__.py`) and configuration look-ups without a `stat`
//! ([`crate::discovery::file_in`]). Presence is all those look-ups ask, and the folder's stamp
//! vouches for it; a configuration file's content is read afresh on every run.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::stamp::{self, Stamp, Stamper};
use crate::cache;
use crate::catalog::compact::{Reader, Writer};

use super::markers::MARKERS;
use super::walk::{FolderObserver, Found, Walk};

/// Ignore files read from a folder (besides `.git/info/exclude`).
const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

/// Environment variables that decide which git configuration and global excludes apply.
const GIT_ENVIRONMENT: [&str; 4] = [
    "HOME",
    "XDG_CONFIG_HOME",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
];

const MAGIC: &[u8; 4] = b"DALW";
const FORMAT: u8 = 2;

/// What a watched path was when the snapshot was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Absent,
    /// A folder (only its presence matters, as for `.git`).
    Folder,
    /// A file, with its stamp.
    File(Stamp),
}

impl Seen {
    /// True when what was seen can vouch for the path on a later run: a file's stamp taken
    /// well after its last change (see [`Stamp::trusted_at`]); presence or absence always.
    fn trusted_at(&self, taken_at: u64) -> bool {
        match self {
            Seen::File(stamp) => stamp.trusted_at(taken_at),
            Seen::Absent | Seen::Folder => true,
        }
    }
}

/// A folder the walk listed.
#[derive(Debug, Clone, PartialEq)]
struct Folder {
    /// Absolute (as [`std::path::absolute`] makes it: not resolving links).
    path: PathBuf,
    stamp: Stamp,
    /// Bit `i` set: the folder holds a file named `MARKERS[i]`.
    markers: u8,
}

/// A walk's answer and what it depends on (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    key: u64,
    /// Seconds since the epoch when the walk started.
    taken_at: u64,
    folders: Vec<Folder>,
    watched: Vec<(PathBuf, Seen)>,
    files: Vec<PathBuf>,
}

/// Which [`MARKERS`] each folder of a snapshot holds.
#[derive(Debug, Default)]
pub struct Folders(FxHashMap<std::ffi::OsString, u8>);

impl Folders {
    /// Whether `dir` holds a file `name`, if known: `None` for a folder the snapshot did not
    /// list or a name that is not one of [`MARKERS`].
    pub fn file_in(&self, dir: &Path, name: &str) -> Option<bool> {
        let bit = MARKERS.iter().position(|m| *m == name)?;
        (self.0.get(dir.as_os_str())).map(|markers| markers & (1 << bit) != 0)
    }

    /// True when some folder holds a file named one of `names`, or may (a name that is not
    /// one of [`MARKERS`] is not recorded).
    pub fn any_holds(&self, names: &[&str]) -> bool {
        let mut mask = 0u8;
        for name in names {
            match MARKERS.iter().position(|m| m == name) {
                Some(bit) => mask |= 1 << bit,
                None => return true,
            }
        }
        self.0.values().any(|markers| markers & mask != 0)
    }
}

/// Collects a snapshot while a walk runs (shared by the walk's threads).
#[derive(Debug, Default)]
pub struct Recorder(Mutex<Recorded>);

#[derive(Debug, Default)]
struct Recorded {
    folders: Vec<Folder>,
    watched: Vec<(PathBuf, Seen)>,
    /// Something was met that a snapshot cannot vouch for.
    unkept: bool,
}

impl FolderObserver for Recorder {
    /// Records a folder that is about to be listed: its stamp first, then its markers and
    /// ignore files.
    fn folder(&self, path: &Path) {
        let looked = crate::paths::absolute(path)
            .ok()
            .and_then(|p| look_folder(&p));
        let mut recorded = self.0.lock().expect("snapshot recorder");
        match looked {
            Some((folder, mut watched)) => {
                recorded.folders.push(folder);
                recorded.watched.append(&mut watched);
            }
            None => recorded.unkept = true,
        }
    }

    /// Notes that the walk met something a snapshot cannot vouch for.
    fn unkeep(&self) {
        self.0.lock().expect("snapshot recorder").unkept = true;
    }
}

/// The stamp, markers and ignore files of a folder (`None`: nothing a snapshot can vouch for).
fn look_folder(dir: &Path) -> Option<(Folder, Vec<(PathBuf, Seen)>)> {
    let meta = std::fs::symlink_metadata(dir).ok()?;
    if !meta.is_dir() {
        return None;
    }
    let stamp = Stamp::of(&meta)?;
    let mut markers = 0;
    for (bit, name) in MARKERS.iter().enumerate() {
        // Not followed: a link's target can vanish without the folder changing.
        match std::fs::symlink_metadata(dir.join(name)) {
            Ok(m) if m.is_symlink() => return None,
            Ok(m) if m.is_file() => markers |= 1 << bit,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(_) => return None,
        }
    }
    let folder = Folder {
        path: dir.to_path_buf(),
        stamp,
        markers,
    };
    // Absent ignore files are vouched for by the folder's stamp; present ones by their own.
    let mut watched = ignore_files_of(dir)?;
    watched.retain(|(_, seen)| *seen != Seen::Absent);
    Some((folder, watched))
}

/// The ignore files a walk may read from `dir`, as they are now (`None`: a `.git` file).
fn ignore_files_of(dir: &Path) -> Option<Vec<(PathBuf, Seen)>> {
    let mut watched: Vec<(PathBuf, Seen)> = IGNORE_FILES
        .iter()
        .map(|name| {
            let path = dir.join(name);
            look(&path).map(|seen| (path, seen))
        })
        .collect::<Option<_>>()?;
    let git = dir.join(".git");
    match look(&git)? {
        Seen::Absent => {}
        Seen::Folder => {
            let exclude = git.join("info").join("exclude");
            watched.push((git, Seen::Folder));
            watched.push((exclude.clone(), look(&exclude)?));
        }
        Seen::File(_) => return None,
    }
    Some(watched)
}

/// What `path` is now, following links: a link's target decides what a reader of the path
/// gets, and retargeting a link gives a different stamp (`None`: it cannot be looked at).
fn look(path: &Path) -> Option<Seen> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Some(Seen::Folder),
        Ok(meta) => Stamp::of(&meta).map(Seen::File),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(Seen::Absent),
        Err(_) => None,
    }
}

/// The files outside the walked tree that decide what it ignores: ignore files above each
/// root and git's global excludes with the configuration files that name them.
fn outside_files(roots: &[PathBuf]) -> Option<Vec<(PathBuf, Seen)>> {
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut above = Vec::new();
    for root in roots {
        let absolute = std::path::absolute(root).ok()?;
        let canonical = root.canonicalize().ok()?;
        for start in [absolute, canonical] {
            above.extend(start.ancestors().skip(1).map(Path::to_path_buf));
        }
    }
    above.sort();
    above.dedup();
    let mut watched = Vec::new();
    for dir in above {
        watched.extend(ignore_files_of(&dir)?);
    }
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let home = var("HOME");
    let xdg = var("XDG_CONFIG_HOME").or_else(|| home.as_ref().map(|h| h.join(".config")));
    paths.extend(var("GIT_CONFIG_GLOBAL"));
    paths.push(var("GIT_CONFIG_SYSTEM").unwrap_or_else(|| PathBuf::from("/etc/gitconfig")));
    paths.extend(home.map(|h| h.join(".gitconfig")));
    paths.extend(xdg.map(|x| x.join("git").join("config")));
    paths.extend(ignore::gitignore::gitconfig_excludes_path());
    for path in paths {
        let seen = look(&path)?;
        watched.push((path, seen));
    }
    Some(watched)
}

/// The key of a walk: everything besides the tree that decides its answer.
fn key(walk: &Walk, roots: &[PathBuf]) -> Option<u64> {
    let mut w = Writer::default();
    w.str(env!("CARGO_PKG_VERSION"));
    w.str(std::env::current_dir().ok()?.to_str()?);
    for root in roots {
        w.str(root.to_str()?);
    }
    w.uint(0);
    for exclude in &walk.exclude {
        w.str(exclude);
    }
    w.uint(0);
    for include in &walk.include {
        w.str(include);
    }
    w.uint(u64::from(walk.no_gitignore));
    for name in GIT_ENVIRONMENT {
        w.str(&std::env::var(name).unwrap_or_default());
    }
    Some(xxhash_rust::xxh3::xxh3_64(&w.0))
}

impl Snapshot {
    /// Walks `roots` (folders) and records what the answer depends on. The snapshot is `None`
    /// when the walk met something it cannot vouch for (see the module documentation).
    pub fn take(walk: &Walk, roots: &[PathBuf]) -> (Vec<Found>, Option<Snapshot>) {
        let taken_at = stamp::now_secs();
        let key = key(walk, roots);
        let outside = outside_files(roots);
        let recorder = std::sync::Arc::new(Recorder::default());
        for root in roots {
            recorder.folder(root);
        }
        let found = walk.run_recording(roots, Some(recorder.clone()));
        let recorded = std::sync::Arc::into_inner(recorder)
            .expect("the walk is over")
            .0
            .into_inner()
            .expect("snapshot recorder");
        let files: Option<Vec<PathBuf>> = found
            .iter()
            .map(|f| match f {
                Found::File(p) if p.to_str().is_some() => Some(p.clone()),
                _ => None,
            })
            .collect();
        let snapshot = match (key, outside, files, recorded.unkept) {
            (Some(key), Some(mut watched), Some(files), false) => {
                watched.extend(recorded.watched);
                let mut folders = recorded.folders;
                folders.sort_by(|a, b| a.path.cmp(&b.path));
                Some(Snapshot {
                    key,
                    taken_at,
                    folders,
                    watched,
                    files,
                })
            }
            _ => None,
        };
        (found, snapshot)
    }

    /// True when the tree is as recorded: every folder and watched file has the recorded
    /// stamp (or is still absent), and every stamp was taken well after its last change.
    pub fn holds(&self) -> bool {
        let stamper = Stamper::for_files(self.folders.iter().map(|f| f.path.as_path()));
        let folder_holds = |f: &Folder| {
            f.stamp.trusted_at(self.taken_at) && stamper.folder_stamp(&f.path) == Some(f.stamp)
        };
        let watched_holds = |(path, seen): &(PathBuf, Seen)| {
            seen.trusted_at(self.taken_at) && look(path) == Some(*seen)
        };
        self.watched.par_iter().all(watched_holds) && self.folders.par_iter().all(folder_holds)
    }

    /// True when every stamp could vouch for its path on a later run (a snapshot that cannot
    /// is not worth writing).
    fn trusted(&self) -> bool {
        self.folders
            .iter()
            .all(|f| f.stamp.trusted_at(self.taken_at))
            && (self.watched.iter()).all(|(_, seen)| seen.trusted_at(self.taken_at))
    }

    /// The walk's answer and the markers of each listed folder.
    pub fn into_answer(self) -> (Vec<Found>, Folders) {
        let found = self.files.into_iter().map(Found::File).collect();
        let markers = (self.folders.into_iter())
            .map(|f| (f.path.into_os_string(), f.markers))
            .collect();
        (found, Folders(markers))
    }

    fn encode(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(
            64 * (self.folders.len() + self.files.len()),
        ));
        w.0.extend_from_slice(MAGIC);
        w.0.push(FORMAT);
        w.0.extend_from_slice(&self.key.to_le_bytes());
        w.uint(self.taken_at);
        w.uint(self.folders.len() as u64);
        let mut paths = FrontCoder::default();
        for f in &self.folders {
            paths.put(&mut w, &f.path);
            f.stamp.encode(&mut w);
            w.0.push(f.markers);
        }
        w.uint(self.watched.len() as u64);
        let mut paths = FrontCoder::default();
        for (path, seen) in &self.watched {
            paths.put(&mut w, path);
            match seen {
                Seen::Absent => w.0.push(0),
                Seen::Folder => w.0.push(1),
                Seen::File(stamp) => {
                    w.0.push(2);
                    stamp.encode(&mut w);
                }
            }
        }
        w.uint(self.files.len() as u64);
        let mut paths = FrontCoder::default();
        for file in &self.files {
            paths.put(&mut w, file);
        }
        let checksum = xxhash_rust::xxh3::xxh3_64(&w.0);
        w.0.extend_from_slice(&checksum.to_le_bytes());
        w.0
    }

    fn decode(bytes: &[u8]) -> Result<Snapshot, String> {
        if bytes.len() < 8 {
            return Err("short".into());
        }
        let (body, checksum) = bytes.split_at(bytes.len() - 8);
        if xxhash_rust::xxh3::xxh3_64(body).to_le_bytes() != checksum {
            return Err("checksum mismatch".into());
        }
        let rest = body
            .strip_prefix(MAGIC.as_slice())
            .ok_or("not a snapshot")?;
        let mut r = Reader { bytes: rest };
        if r.byte()? != FORMAT {
            return Err("other format".into());
        }
        let mut key = [0u8; 8];
        for b in &mut key {
            *b = r.byte()?;
        }
        let taken_at = r.uint()?;
        let mut paths = FrontCoder::default();
        let folders = (0..r.len()?)
            .map(|_| {
                Ok(Folder {
                    path: paths.get(&mut r)?,
                    stamp: Stamp::decode(&mut r)?,
                    markers: r.byte()?,
                })
            })
            .collect::<Result<_, String>>()?;
        let mut paths = FrontCoder::default();
        let watched = (0..r.len()?)
            .map(|_| {
                let path = paths.get(&mut r)?;
                let seen = match r.byte()? {
                    0 => Seen::Absent,
                    1 => Seen::Folder,
                    2 => Seen::File(Stamp::decode(&mut r)?),
                    _ => return Err("bad tag".to_string()),
                };
                Ok((path, seen))
            })
            .collect::<Result<_, String>>()?;
        let mut paths = FrontCoder::default();
        let files = (0..r.len()?)
            .map(|_| paths.get(&mut r))
            .collect::<Result<_, String>>()?;
        if !r.bytes.is_empty() {
            return Err("trailing bytes".into());
        }
        Ok(Snapshot {
            key: u64::from_le_bytes(key),
            taken_at,
            folders,
            watched,
            files,
        })
    }
}

/// Writes and reads a list of paths, each as the length of the start it shares with the one
/// before and the rest (sorted paths share most of their bytes: this makes the file about a
/// sixth of the size).
#[derive(Default)]
struct FrontCoder {
    previous: Vec<u8>,
}

impl FrontCoder {
    /// Writes `path` (UTF-8: [`Snapshot::take`] keeps no other).
    fn put(&mut self, w: &mut Writer, path: &Path) {
        let bytes = path.to_str().unwrap_or_default().as_bytes();
        let shared = (self.previous.iter().zip(bytes))
            .take_while(|(a, b)| a == b)
            .count();
        w.uint(shared as u64);
        w.uint((bytes.len() - shared) as u64);
        w.0.extend_from_slice(&bytes[shared..]);
        self.previous.clear();
        self.previous.extend_from_slice(bytes);
    }

    /// Reads what [`FrontCoder::put`] wrote.
    fn get(&mut self, r: &mut Reader) -> Result<PathBuf, String> {
        let shared = usize::try_from(r.uint()?).map_err(|e| e.to_string())?;
        let rest = r.len()?;
        if shared > self.previous.len() {
            return Err("bad path".into());
        }
        self.previous.truncate(shared);
        self.previous.extend_from_slice(&r.bytes[..rest]);
        r.bytes = &r.bytes[rest..];
        let text = std::str::from_utf8(&self.previous).map_err(|e| e.to_string())?;
        Ok(PathBuf::from(text))
    }
}

/// The snapshot file of a walk with `key` in the cache directory `dir`.
fn snapshot_path(dir: &Path, key: u64) -> PathBuf {
    dir.join(env!("CARGO_PKG_VERSION"))
        .join(format!("walk-{key:016x}"))
}

/// [`Walk::run`] of the folders `roots` through a snapshot kept in the cache directory `dir`:
/// the recorded answer when the tree is unchanged, else a walk (recorded for next time).
/// Also returns the listed folders' markers, when known.
pub fn walk_remembered(
    walk: &Walk,
    roots: &[PathBuf],
    dir: &Path,
) -> (Vec<Found>, Option<Folders>) {
    let Some(key) = key(walk, roots) else {
        return (walk.run(roots), None);
    };
    let path = snapshot_path(dir, key);
    let kept = std::fs::read(&path)
        .ok()
        .and_then(|bytes| Snapshot::decode(&bytes).ok())
        .filter(|s| s.key == key && s.holds());
    if let Some(snapshot) = kept {
        let (found, folders) = snapshot.into_answer();
        return (found, Some(folders));
    }
    let (found, snapshot) = Snapshot::take(walk, roots);
    let Some(snapshot) = snapshot else {
        return (found, None);
    };
    if snapshot.trusted() {
        if let Err(e) = write(&path, &snapshot.encode()) {
            eprintln!("dagster-api-lint: warning: could not write the cache: {e}");
        }
    }
    (found, Some(snapshot.into_answer().1))
}

/// Writes `bytes` to `path` through a temporary file renamed over it.
fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().expect("snapshot file has a directory");
    cache::create_dir(dir)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree whose every folder and file was last changed an hour ago is not old enough: its
    /// change times (ctime) are now. So the tests that need a trusted snapshot wait them out.
    fn settle() {
        std::thread::sleep(std::time::Duration::from_millis(2100));
    }

    fn tree() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let package = crate::discovery::make_package(tmp.path(), "pkg.sub");
        std::fs::write(package.join("a.py"), "import dagster\n").unwrap();
        std::fs::write(tmp.path().join("pyproject.toml"), "").unwrap();
        std::fs::write(tmp.path().join(".gitignore"), "ignored.py\n").unwrap();
        std::fs::write(tmp.path().join("ignored.py"), "").unwrap();
        tmp
    }

    fn names(found: &[Found]) -> Vec<String> {
        found
            .iter()
            .map(|f| match f {
                Found::File(p) | Found::Error(p, _) => {
                    p.file_name().unwrap().to_string_lossy().into()
                }
            })
            .collect()
    }

    #[test]
    fn the_key_covers_extend_include() {
        let roots = [PathBuf::from(".")];
        let including = Walk {
            include: vec!["*.pyw".into()],
            ..Walk::default()
        };
        assert_ne!(key(&including, &roots), key(&Walk::default(), &roots));
    }

    #[test]
    fn a_snapshot_round_trips_and_knows_its_folders_markers() {
        let tmp = tree();
        let (found, snapshot) = Snapshot::take(&Walk::default(), &[tmp.path().to_path_buf()]);
        let snapshot = snapshot.expect("nothing here a snapshot cannot vouch for");
        // pkg/__init__.py, pkg/sub/__init__.py, pkg/sub/a.py (ignored.py is ignored).
        assert_eq!(names(&found), ["__init__.py", "__init__.py", "a.py"]);
        assert_eq!(Snapshot::decode(&snapshot.encode()).unwrap(), snapshot);
        let (remembered, folders) = snapshot.into_answer();
        assert_eq!(names(&remembered), names(&found));
        let root = std::path::absolute(tmp.path()).unwrap();
        assert_eq!(folders.file_in(&root, "pyproject.toml"), Some(true));
        assert_eq!(folders.file_in(&root, "__init__.py"), Some(false));
        assert_eq!(
            folders.file_in(&root.join("pkg/sub"), "__init__.py"),
            Some(true)
        );
        assert_eq!(
            folders.file_in(&root.join("elsewhere"), "__init__.py"),
            None
        );
        assert_eq!(folders.file_in(&root, "setup.py"), None);
    }

    #[test]
    fn a_snapshot_holds_until_the_tree_changes() {
        let tmp = tree();
        let roots = [tmp.path().to_path_buf()];
        settle();
        let take = || Snapshot::take(&Walk::default(), &roots).1.unwrap();
        let snapshot = take();
        assert!(snapshot.trusted() && snapshot.holds());
        // A new file in a folder.
        std::fs::write(tmp.path().join("pkg/sub/b.py"), "").unwrap();
        assert!(!snapshot.holds());
        settle();
        let snapshot = take();
        assert!(snapshot.holds());
        // An ignore file edited in place (its folder does not change).
        std::fs::write(tmp.path().join(".gitignore"), "other.py\n").unwrap();
        assert!(!snapshot.holds());
        settle();
        let snapshot = take();
        assert!(snapshot.holds());
        // An ignore file above the walked root.
        let inner = [tmp.path().join("pkg")];
        let snapshot = Snapshot::take(&Walk::default(), &inner).1.unwrap();
        assert!(snapshot.holds());
        std::fs::write(tmp.path().join(".ignore"), "sub/\n").unwrap();
        assert!(!snapshot.holds());
    }

    #[test]
    fn a_fresh_change_is_not_trusted() {
        let tmp = tree();
        let (_, snapshot) = Snapshot::take(&Walk::default(), &[tmp.path().to_path_buf()]);
        assert!(!snapshot.unwrap().trusted());
    }

    #[cfg(unix)]
    #[test]
    fn links_and_git_files_are_not_vouched_for() {
        let tmp = tree();
        std::os::unix::fs::symlink(tmp.path().join("pkg"), tmp.path().join("link")).unwrap();
        assert!(
            Snapshot::take(&Walk::default(), &[tmp.path().to_path_buf()])
                .1
                .is_none()
        );
        let tmp = tree();
        std::fs::write(tmp.path().join("pkg/.git"), "gitdir: ../elsewhere\n").unwrap();
        assert!(
            Snapshot::take(&Walk::default(), &[tmp.path().to_path_buf()])
                .1
                .is_none()
        );
    }
}
