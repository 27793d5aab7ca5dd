//! Walking the checked paths: the `ignore` crate's parallel walk with ruff's default
//! exclusions, the configured include and exclude patterns, and guards against ignore files
//! and links that would block or leave the walk.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::read::not_regular;

/// Told about every folder a walk is about to list (see [`super::snapshot::Recorder`], which
/// remembers a walk), so that the walk does not depend on what is done with them.
pub trait FolderObserver: Send + Sync {
    /// A folder the walk keeps and is about to list.
    fn folder(&self, path: &Path);
    /// The walk met something an observer cannot vouch for (a symbolic link).
    fn unkeep(&self);
}

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
    pub(super) fn run_recording(
        &self,
        paths: &[PathBuf],
        recorder: Option<Arc<dyn FolderObserver>>,
    ) -> Vec<Found> {
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
