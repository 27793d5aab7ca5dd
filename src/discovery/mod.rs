//! Finding the files to check and reading them as text.
//!
//! Directories are walked with the `ignore` crate (honouring `.gitignore`, `.ignore` and
//! hidden-file rules, and skipping virtualenvs and caches like ruff does); files named on the
//! command line are always checked. A symbolic link met by the walk is followed only when it
//! points inside the walked folder; one that leaves it is skipped. Reading decodes UTF-8 (with or without BOM) or the PEP 263
//! coding declaration; anything else is an error for that file only.

pub mod snapshot;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use snapshot::{Folders, Recorder};

/// Directories never descended into (ruff's default exclusions).
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pyenv",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pypackages__",
    "_build",
    "buck-out",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
    ".dagster-api-lint_cache",
];

/// Files larger than this are reported instead of read (generated data, not code).
pub const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// The limit for notebooks, whose outputs (images, tables) are data beside the code and make
/// ordinary notebooks larger than [`MAX_FILE_SIZE`].
pub const MAX_NOTEBOOK_SIZE: u64 = 100 * 1024 * 1024;

/// The most bytes read of the file `path`.
fn size_limit(path: &Path) -> u64 {
    match crate::notebook::is_notebook(path) {
        true => MAX_NOTEBOOK_SIZE,
        false => MAX_FILE_SIZE,
    }
}

/// A discovered file, or a problem found while walking.
#[derive(Debug)]
pub enum Found {
    /// A Python file to check.
    File(PathBuf),
    /// A path that could not be walked (missing, permission denied, symlink loop).
    Error(PathBuf, String),
}

/// Options for discovery.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    /// Extra directory or file names / glob patterns to exclude (`exclude`, `extend-exclude`).
    pub exclude: Vec<String>,
    /// More file names or globs to check (`extend-include`), besides [`CHECKED_EXTENSIONS`].
    pub include: Vec<String>,
    /// Apply `exclude` (and the built-in exclusions) to files named explicitly as well.
    pub force_exclude: bool,
    /// Honour .gitignore and friends (default true; `--no-respect-gitignore` turns it off).
    pub no_gitignore: bool,
    /// Threads that walk (0: one per core).
    pub threads: usize,
}

impl Walk {
    /// Lists the Python files under `paths` (sorted, deduplicated) and the walk errors.
    pub fn run(&self, paths: &[PathBuf]) -> Vec<Found> {
        self.run_recording(paths, None)
    }

    /// [`Walk::run`], telling `recorder` about every folder before it is listed.
    fn run_recording(&self, paths: &[PathBuf], recorder: Option<Arc<Recorder>>) -> Vec<Found> {
        let mut found = Vec::new();
        for path in paths {
            if !path.exists() && path.symlink_metadata().is_err() {
                found.push(Found::Error(
                    path.clone(),
                    "No such file or directory".into(),
                ));
                continue;
            }
            if !path.is_dir() {
                // Named explicitly: checked whatever its extension or ignore rules, unless
                // `force_exclude` and an exclusion matches it or a folder on its path.
                if !(self.force_exclude && self.excludes_named(path)) {
                    found.push(Found::File(path.clone()));
                }
                continue;
            }
            // The `ignore` crate opens the ignore files of the root's folders and of every
            // folder it enters: one that is a FIFO would block it for ever.
            let guarded = !self.no_gitignore;
            let blocked = move |dir: &Path| guarded.then(|| blocking_ignore_file(dir)).flatten();
            if let Some(bad) =
                std::iter::successors(Some(path.as_path()), |d| d.parent()).find_map(blocked)
            {
                found.push(bad);
                continue;
            }
            let excludes = self.exclude.clone();
            let recorder = recorder.clone();
            let tree = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
            let refused = Arc::new(std::sync::Mutex::new(Vec::new()));
            let refused_by_filter = refused.clone();
            let mut builder = ignore::WalkBuilder::new(path);
            builder
                .hidden(true)
                .git_ignore(!self.no_gitignore)
                .git_exclude(!self.no_gitignore)
                .git_global(!self.no_gitignore)
                .ignore(!self.no_gitignore)
                .parents(!self.no_gitignore)
                .require_git(false)
                .follow_links(true)
                .threads(self.threads)
                .filter_entry(move |e| {
                    let name = e.file_name().to_string_lossy();
                    let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                    let excluded_dir = is_dir && DEFAULT_EXCLUDES.contains(&name.as_ref());
                    let mut kept = !excluded_dir
                        && !excludes.iter().any(|x| matches_exclude(x, e.path(), &name))
                        && (!e.path_is_symlink() || stays_in(&tree, e.path()));
                    if kept && is_dir {
                        if let Some(bad) = blocked(e.path()) {
                            refused_by_filter.lock().expect("refused folders").push(bad);
                            kept = false;
                        }
                    }
                    match &recorder {
                        // Kept or not: where a link points can change without its folder's.
                        Some(recorder) if e.path_is_symlink() => recorder.unkeep(),
                        Some(recorder) if kept && is_dir => recorder.folder(e.path()),
                        _ => {}
                    }
                    kept
                });
            // In parallel (one thread per core): reading directories and ignore files is most
            // of what an unchanged, cached run does. The order is restored by the sort below.
            let walked = std::sync::Mutex::new(Vec::new());
            builder.build_parallel().run(|| {
                Box::new(|entry| {
                    let item = match entry {
                        Ok(entry) => {
                            let p = entry.path();
                            let is_file = entry.file_type().is_some_and(|t| !t.is_dir());
                            (is_file && self.includes(p)).then(|| Found::File(p.to_path_buf()))
                        }
                        Err(err) => {
                            let p = error_path(&err).unwrap_or_else(|| path.clone());
                            Some(Found::Error(p, describe_walk_error(&err)))
                        }
                    };
                    if let Some(item) = item {
                        walked.lock().expect("walk results").push(item);
                    }
                    ignore::WalkState::Continue
                })
            });
            found.append(&mut walked.into_inner().expect("walk results"));
            found.append(&mut refused.lock().expect("refused folders"));
        }
        // By bytes (a memcmp; `Path`'s component-wise order was the slowest part of an
        // unchanged, cached run, and its equality shows in a cold run's profile): equal paths
        // are still adjacent.
        found.sort_by(|a, b| key(a).as_os_str().cmp(key(b).as_os_str()));
        found.dedup_by(|a, b| key(a).as_os_str() == key(b).as_os_str());
        found
    }
}

/// True when the symbolic link `link`, met by a walk of the folder `tree` (canonical), points
/// inside that tree. A link out of it is not followed (its target is not part of the checked
/// project, and may be anything the user can read); a dangling one is kept, to be reported.
fn stays_in(tree: &Path, link: &Path) -> bool {
    std::fs::canonicalize(link).map_or(true, |target| target.starts_with(tree))
}

/// The extensions of the files a walk checks: Python sources, stubs and Jupyter notebooks.
pub const CHECKED_EXTENSIONS: [&str; 3] = ["py", "pyi", "ipynb"];

impl Walk {
    /// True when a walk checks the file `path`: by its extension, or an `extend-include`.
    fn includes(&self, path: &Path) -> bool {
        let checked = path
            .extension()
            .is_some_and(|e| CHECKED_EXTENSIONS.iter().any(|c| e == *c));
        checked
            || !self.include.is_empty() && {
                let name = path.file_name().map(|n| n.to_string_lossy());
                let name = name.as_deref().unwrap_or_default();
                self.include.iter().any(|x| matches_exclude(x, path, name))
            }
    }

    /// True when `exclude` or a built-in exclusion matches the file `path` or one of the
    /// folders on it (below the current directory, for an absolute path).
    fn excludes_named(&self, path: &Path) -> bool {
        let cwd = std::env::current_dir().ok();
        let relative = cwd
            .as_deref()
            .and_then(|cwd| path.strip_prefix(cwd).ok())
            .unwrap_or(path);
        relative.ancestors().any(|p| {
            let Some(name) = p.file_name().map(|n| n.to_string_lossy()) else {
                return false;
            };
            let is_folder = p != relative;
            (is_folder && DEFAULT_EXCLUDES.contains(&name.as_ref()))
                || self.exclude.iter().any(|x| matches_exclude(x, p, &name))
        })
    }
}

/// The ignore files a walk reads in a folder.
const IGNORE_FILES: [&str; 3] = [".gitignore", ".ignore", ".git/info/exclude"];

/// An error for the first ignore file of `dir` that exists but is not a regular file (a FIFO
/// would block the walk, a device would never end): the folder is then not walked.
fn blocking_ignore_file(dir: &Path) -> Option<Found> {
    IGNORE_FILES.iter().find_map(|name| {
        let file = dir.join(name);
        let meta = std::fs::metadata(&file).ok()?;
        (!meta.is_file()).then(|| {
            let message = format!(
                "{}; the folder `{}` is not checked: the ignore file that applies to it cannot be read",
                not_regular(&meta),
                dir.display()
            );
            Found::Error(file, message)
        })
    })
}

fn key(f: &Found) -> &Path {
    match f {
        Found::File(p) | Found::Error(p, _) => p,
    }
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

fn describe_walk_error(err: &ignore::Error) -> String {
    match err {
        ignore::Error::Loop { ancestor, .. } => {
            format!("symlink loop (points back to {})", ancestor.display())
        }
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => describe_walk_error(err),
        ignore::Error::Io(e) => e.to_string(),
        other => other.to_string(),
    }
}

/// An exclude entry matches a file or directory name, or a glob against the path. (The glob is
/// an override's whitelist glob: a file it does not match is `Ignore`, which is no match.)
fn matches_exclude(pattern: &str, path: &Path, name: &str) -> bool {
    if !pattern.contains(['*', '?', '[', '/']) {
        return name == pattern;
    }
    ignore::overrides::OverrideBuilder::new("/")
        .add(pattern)
        .and_then(|b| b.build())
        .is_ok_and(|o| o.matched(path, path.is_dir()).is_whitelist())
}

/// What the snapshot of this run's walk knows of its folders (see [`know_folders`]).
static KNOWN_FOLDERS: OnceLock<Folders> = OnceLock::new();

/// Lets [`file_in`] answer from what this run's walk found instead of asking the file system.
/// For a command-line run, which checks one tree once; never for the language server, whose
/// files change under it.
pub fn know_folders(folders: Folders) {
    let _ = KNOWN_FOLDERS.set(folders);
}

/// True when this run's walk is known (see [`know_folders`]) and none of the folders it listed
/// holds a file named one of `names`.
pub fn no_known_folder_holds(names: &[&str]) -> bool {
    KNOWN_FOLDERS
        .get()
        .is_some_and(|known| !known.any_holds(names))
}

/// True when the folder `dir` holds a file (or a link to one) named `name`.
pub fn file_in(dir: &Path, name: &str) -> bool {
    KNOWN_FOLDERS
        .get()
        .and_then(|known| known.file_in(dir, name))
        .unwrap_or_else(|| dir.join(name).is_file())
}

/// [`std::path::absolute`], without its work for a path that is already absolute and normal
/// (no `.` component, repeated or trailing separator), the form of every path a walk under an
/// absolute root yields.
pub fn absolute(path: &Path) -> std::io::Result<PathBuf> {
    let bytes = path.as_os_str().as_encoded_bytes();
    let normal = cfg!(unix)
        && bytes.starts_with(b"/")
        && memchr::memmem::find(bytes, b"//").is_none()
        && memchr::memmem::find(bytes, b"/./").is_none()
        && !bytes.ends_with(b"/.")
        && (bytes.len() == 1 || !bytes.ends_with(b"/"));
    if normal {
        return Ok(path.to_path_buf());
    }
    std::path::absolute(path)
}

/// The folder part of a file's path, as a key for what is remembered per folder: the same
/// folder as [`Path::parent`] names for the paths a walk yields (without its parse of every
/// component), `""` for a bare file name.
pub fn folder_of(file: &Path) -> &std::ffi::OsStr {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = file.as_os_str().as_bytes();
        match memchr::memrchr(b'/', bytes) {
            Some(0) => "/".as_ref(),
            Some(slash) => std::ffi::OsStr::from_bytes(&bytes[..slash]),
            None => "".as_ref(),
        }
    }
    #[cfg(not(unix))]
    file.parent().unwrap_or(Path::new("")).as_os_str()
}

/// A package's name, shared (each file of a folder gets the one its folder remembers).
pub type Package = std::sync::Arc<str>;

/// The top-level package a Python file belongs to: the outermost of the unbroken run of folders
/// above it that hold an `__init__.py` (`dagster_dbt` for `src/dagster_dbt/core/resource.py`).
/// `None` for a file outside a package.
pub fn top_package(file: &Path) -> Option<Package> {
    let remembering = TOP_BY_DIR.with(|m| m.borrow().is_some());
    if !remembering {
        return top_package_uncached(file);
    }
    // Remembered under the folder as given too (relative names cannot collide with the
    // absolute ones), so that most files cost one look-up and no path arithmetic.
    let given = folder_of(file);
    if let Some(hit) = remembered_top(given) {
        return hit;
    }
    let absolute = absolute(file).ok()?;
    let top = top_of_folder(absolute.parent()?);
    remember_top(given, &top);
    top
}

/// The top package of the file shown as `filename` (see [`top_package`]); none for standard
/// input (`-`), which is in no folder.
pub fn own_package(filename: &str) -> Option<Package> {
    (filename != "-")
        .then(|| top_package(Path::new(filename)))
        .flatten()
}

/// The remembered answer for a folder: `None` when not remembered.
fn remembered_top(dir: &std::ffi::OsStr) -> Option<Option<Package>> {
    TOP_BY_DIR.with(|m| m.borrow().as_ref()?.get(dir).cloned())
}

fn remember_top(dir: &std::ffi::OsStr, top: &Option<Package>) {
    TOP_BY_DIR.with(|m| {
        if let Some(m) = m.borrow_mut().as_mut() {
            m.insert(dir.to_owned(), top.clone());
        }
    });
}

/// The top package of a file in `dir`, remembered per folder (a package folder's answer is its
/// parent's, or its own name at the top of the run).
fn top_of_folder(dir: &Path) -> Option<Package> {
    if let Some(hit) = remembered_top(dir.as_os_str()) {
        return hit;
    }
    let top = if file_in(dir, "__init__.py") {
        dir.parent()
            .and_then(top_of_folder)
            .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into()))
    } else {
        None
    };
    remember_top(dir.as_os_str(), &top);
    top
}

thread_local! {
    /// [`top_package`] by directory, on threads that asked for it with
    /// [`remember_top_packages`].
    static TOP_BY_DIR: std::cell::RefCell<
        Option<rustc_hash::FxHashMap<std::ffi::OsString, Option<Package>>>,
    > = const { std::cell::RefCell::new(None) };
}

/// Makes [`top_package`] remember its answer per directory on this thread (it costs a `stat`
/// per enclosing package folder, for every file). For the short-lived workers of one run,
/// where the file tree does not change; not for the language server.
pub fn remember_top_packages() {
    TOP_BY_DIR.with(|m| *m.borrow_mut() = Some(rustc_hash::FxHashMap::default()));
}

fn top_package_uncached(file: &Path) -> Option<Package> {
    let absolute = absolute(file).ok()?;
    let mut top = None;
    let mut dir = absolute.parent();
    while let Some(d) = dir.filter(|d| file_in(d, "__init__.py")) {
        top = d.file_name().map(|n| n.to_string_lossy().into());
        dir = d.parent();
    }
    top
}

/// Reads a source file's bytes (not decoded: see [`decode_owned`]). Only a regular file is
/// read (a FIFO, device or socket named `.py` would block or never end), and never more than
/// [`MAX_FILE_SIZE`] bytes ([`MAX_NOTEBOOK_SIZE`] for a notebook), whatever its size claims
/// (`/proc` files and links to devices claim 0).
pub fn read_bytes(path: &Path) -> Result<(Vec<u8>, std::fs::Metadata), String> {
    // One open and one fstat (a separate stat first cost a system call per file). Opened
    // without blocking: opening a FIFO would otherwise wait for a writer.
    let mut file = open_nonblocking(path).map_err(|e| io_message(&e))?;
    let meta = file.metadata().map_err(|e| io_message(&e))?;
    if meta.is_dir() {
        return Err("is a directory".into());
    }
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let limit = size_limit(path);
    if meta.len() > limit {
        return Err(too_big(meta.len(), limit));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    read_to_end(&mut file, &mut bytes, limit).map_err(|e| io_message(&e))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64, limit));
    }
    Ok((bytes, meta))
}

/// Reads a file the user named (a baseline, a file quoted in a report) as [`read_bytes`]
/// does: a regular file of at most [`MAX_FILE_SIZE`] bytes, else an error saying why.
pub fn read_user_file(path: &Path) -> Result<Vec<u8>, String> {
    read_bytes(path).map(|(bytes, _)| bytes)
}

/// Reads at most [`MAX_FILE_SIZE`]` + 1` bytes from `input` (stdin): more than
/// [`MAX_FILE_SIZE`] is over the limit (see [`over_limit`]).
pub fn read_capped(input: impl std::io::Read) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut input.take(MAX_FILE_SIZE + 1), &mut bytes)?;
    Ok(bytes)
}

/// Why `bytes` cannot be checked because of their size, if they are over the limit.
pub fn over_limit(bytes: &[u8]) -> Option<String> {
    (bytes.len() as u64 > MAX_FILE_SIZE).then(|| too_big(bytes.len() as u64, MAX_FILE_SIZE))
}

fn too_big(len: u64, limit: u64) -> String {
    // Past the limit reading stops: the true size is known only from a file's metadata.
    let size = match len > limit + 1 {
        true => format!("file is {len} bytes, "),
        false => String::new(),
    };
    let what = match limit {
        MAX_NOTEBOOK_SIZE => "notebooks",
        _ => "source files",
    };
    format!("{size}over the {} MiB limit for {what}", limit >> 20)
}

/// What a path that is neither a file nor a folder is, as the reason it is not read.
fn not_regular(meta: &std::fs::Metadata) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        let what = if t.is_fifo() {
            "a FIFO (named pipe)"
        } else if t.is_char_device() {
            "a character device"
        } else if t.is_block_device() {
            "a block device"
        } else if t.is_socket() {
            "a socket"
        } else {
            "not a regular file"
        };
        format!("{what}, not a regular file: not read")
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        "not a regular file: not read".into()
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Reads the rest of `file` into `bytes`, stopping once it holds more than `limit` bytes: reads into the spare capacity until one returns nothing (std's
/// `File::read_to_end` first asks the file's size and position again, two more system calls
/// per file).
#[cfg(unix)]
fn read_to_end(file: &mut std::fs::File, bytes: &mut Vec<u8>, limit: u64) -> std::io::Result<()> {
    while bytes.len() as u64 <= limit {
        if bytes.len() == bytes.capacity() {
            bytes.reserve(8 * 1024);
        }
        match rustix::io::read(&*file, rustix::buffer::spare_capacity(bytes)) {
            Ok(0) => return Ok(()),
            Ok(_) | Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn read_to_end(file: &mut std::fs::File, bytes: &mut Vec<u8>, limit: u64) -> std::io::Result<()> {
    std::io::Read::read_to_end(&mut std::io::Read::take(file, limit + 1), bytes).map(|_| ())
}

/// [`decode`] of bytes it may keep: plain UTF-8 (the common case) becomes the string without a
/// copy.
pub fn decode_owned(bytes: Vec<u8>) -> Result<String, String> {
    if !bytes.starts_with(b"\xEF\xBB\xBF")
        && memchr::memchr(0, &bytes).is_none()
        && matches!(
            coding_declaration(&bytes).as_deref(),
            None | Some("utf-8" | "utf8" | "utf-8-sig")
        )
    {
        return String::from_utf8(bytes).or_else(|e| decode(e.as_bytes()));
    }
    decode(&bytes)
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => e.to_string(),
    }
}

/// Decodes source bytes: UTF-8 (BOM allowed), or the encoding a PEP 263 coding line declares.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if memchr::memchr(0, bytes).is_some() {
        return Err("binary file (contains NUL bytes), not Python source".into());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let declared = coding_declaration(bytes);
    match declared.as_deref() {
        None | Some("utf-8") | Some("utf8") | Some("utf-8-sig") => match std::str::from_utf8(bytes)
        {
            Ok(s) => Ok(s.to_string()),
            Err(e) => {
                let line = bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                Err(format!(
                    "invalid UTF-8 at line {line} (byte {}); declare the encoding with a PEP 263 coding line",
                    e.valid_up_to()
                ))
            }
        },
        // CPython's ASCII codec and its aliases (the web's `ascii` label means windows-1252,
        // which would accept every byte).
        Some(
            "ascii" | "us-ascii" | "us" | "646" | "ansi-x3.4-1968" | "cp367" | "csascii" | "ibm367"
            | "iso646-us" | "iso-646.irv-1991" | "iso-ir-6",
        ) => match bytes.iter().position(|b| !b.is_ascii()) {
            None => Ok(String::from_utf8(bytes.to_vec()).expect("ASCII is UTF-8")),
            Some(at) => Err(format!(
                "byte {:#04x} at line {} (byte {at}) is not ASCII, as the coding declaration says",
                bytes[at],
                bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1
            )),
        },
        Some("latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1") => {
            Ok(bytes.iter().map(|&b| b as char).collect())
        }
        Some(label) => {
            let encoding = encoding_rs::Encoding::for_label(label.as_bytes())
                .ok_or_else(|| format!("unknown encoding `{label}` in the coding declaration"))?;
            let (text, _, had_errors) = encoding.decode(bytes);
            if had_errors {
                return Err(format!("not valid {label} text"));
            }
            Ok(text.into_owned())
        }
    }
}

/// The encoding named by a PEP 263 declaration in the first two lines.
fn coding_declaration(bytes: &[u8]) -> Option<String> {
    for line in bytes.split(|&b| b == b'\n').take(2) {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') {
            if trimmed.is_empty() {
                continue;
            }
            return None;
        }
        if let Some(pos) = trimmed.find("coding") {
            let rest = &trimmed[pos + 6..];
            let rest = rest.strip_prefix([':', '='])?;
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            if !name.is_empty() {
                return Some(name.to_ascii_lowercase().replace('_', "-"));
            }
        }
    }
    None
}

/// Makes `root/<dotted path>` a package folder for a test (each segment gets its
/// `__init__.py`) and returns it.
#[cfg(test)]
pub fn make_package(root: &Path, dotted: &str) -> std::path::PathBuf {
    let mut dir = root.to_path_buf();
    for segment in dotted.split('.') {
        dir.push(segment);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("__init__.py"), "").unwrap();
    }
    dir
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notebooks_may_be_larger_than_source_files() {
        let dir = tempfile::tempdir().unwrap();
        for (name, fits) in [("big.ipynb", true), ("big.py", false)] {
            let path = dir.path().join(name);
            let file = std::fs::File::create(&path).unwrap();
            file.set_len(MAX_FILE_SIZE + 1).unwrap();
            match read_bytes(&path) {
                Ok((bytes, _)) => assert!(fits && bytes.len() as u64 == MAX_FILE_SIZE + 1),
                Err(e) => assert!(!fits && e.contains("10 MiB limit for source files"), "{e}"),
            }
        }
        let path = dir.path().join("huge.ipynb");
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(MAX_NOTEBOOK_SIZE + 1).unwrap();
        let err = read_bytes(&path).unwrap_err();
        assert!(err.contains("100 MiB limit for notebooks"), "{err}");
    }

    #[test]
    fn decodes_utf8_with_bom() {
        assert_eq!(decode(b"\xEF\xBB\xBFx = 1\n").unwrap(), "x = 1\n");
    }

    #[test]
    fn honours_pep263_latin1() {
        let text = decode(b"# -*- coding: latin-1 -*-\ns = '\xe9'\n").unwrap();
        assert!(text.contains('é'));
    }

    #[test]
    fn a_coding_declaration_of_ascii_rejects_other_bytes_as_cpython_does() {
        for declaration in [
            "# -*- coding: ascii -*-",
            "# coding=us-ascii",
            "# coding: 646",
        ] {
            let source = format!("{declaration}\ns = 'x'\n");
            assert_eq!(decode(source.as_bytes()).unwrap(), source);
            let mut bad = format!("{declaration}\ns = '").into_bytes();
            bad.extend_from_slice(b"\xe9'\n");
            let err = decode(&bad).unwrap_err();
            assert!(err.contains("line 2") && err.contains("not ASCII"), "{err}");
            assert!(decode_owned(bad).is_err());
        }
    }

    #[test]
    fn reports_invalid_utf8_with_line() {
        let err = decode(b"x = 1\ns = '\xff'\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn rejects_binary() {
        assert!(decode(b"\x00\x01\x02").unwrap_err().contains("binary"));
    }

    #[test]
    fn top_package_is_the_outermost_package_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let inner = make_package(&tmp.path().join("src"), "dagster_dbt.core");
        assert_eq!(
            top_package(&inner.join("resource.py")).as_deref(),
            Some("dagster_dbt")
        );
        assert_eq!(top_package(&tmp.path().join("src/script.py")), None);
    }

    #[test]
    fn a_file_is_read_whole_whatever_room_is_made_for_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.py");
        let text: Vec<u8> = (0..20_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        std::fs::write(&path, &text).unwrap();
        for room in [0, 100, text.len(), text.len() + 1, 50_000] {
            let mut bytes = Vec::with_capacity(room);
            read_to_end(
                &mut std::fs::File::open(&path).unwrap(),
                &mut bytes,
                MAX_FILE_SIZE,
            )
            .unwrap();
            assert_eq!(bytes, text, "{room}");
        }
        assert_eq!(read_bytes(&path).unwrap().0, text);
    }

    #[test]
    fn absolute_paths_are_what_std_makes_them() {
        for path in [
            "/a/b.py", "/a//b", "/a/./b", "/a/.", "/a/b/", "/", "/a/../b", "a/b", "./a", "", ".",
        ] {
            let path = Path::new(path);
            assert_eq!(
                absolute(path).ok(),
                std::path::absolute(path).ok(),
                "{path:?}"
            );
        }
    }

    #[test]
    fn a_files_folder_is_its_parent() {
        for file in [
            "/a/b/c.py",
            "/c.py",
            "c.py",
            "./c.py",
            "a/c.py",
            "../a/c.py",
        ] {
            let file = Path::new(file);
            assert_eq!(
                folder_of(file),
                file.parent().unwrap().as_os_str(),
                "{file:?}"
            );
        }
    }

    #[test]
    fn windows_1252_declaration() {
        let text = decode(b"# coding=cp1252\ns = '\x93q\x94'\n").unwrap();
        assert!(text.contains('\u{201c}'));
    }
}
