//! Finding the files to check and reading them as text.
//!
//! Directories are walked with the `ignore` crate (honouring `.gitignore`, `.ignore` and
//! hidden-file rules, and skipping virtualenvs and caches like ruff does); files named on the
//! command line are always checked. A symbolic link met by the walk is followed only when it
//! points inside the walked folder; one that leaves it is skipped. Reading decodes UTF-8 (with or without BOM) or the PEP 263
//! coding declaration; anything else is an error for that file only.

pub mod read;
pub mod snapshot;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use read::not_regular;
pub use read::{decode_owned, over_limit, read_bytes, read_capped, read_user_file};
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
}
