//! Finding the files to check and reading them as text.
//!
//! Directories are walked with the `ignore` crate (honouring `.gitignore`, `.ignore` and
//! hidden-file rules, and skipping virtualenvs and caches like ruff does); files named on the
//! command line are always checked. A symbolic link met by the walk is followed only when it
//! points inside the walked folder; one that leaves it is skipped. Reading decodes UTF-8 (with or without BOM) or the PEP 263
//! coding declaration; anything else is an error for that file only.

pub mod markers;
pub mod read;
pub mod snapshot;
pub mod stamp;
pub mod walk;

use std::cell::OnceCell;
use std::path::Path;
use std::sync::OnceLock;

pub use read::{decode_owned, over_limit, read_bytes, read_capped, read_user_file};
pub use walk::{Found, Walk};

use crate::paths::{absolute, folder_of};
use snapshot::Folders;

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

/// The top package of the file shown as `filename` (see [`top_package`]; none for standard
/// input, `-`, which is in no folder), worked out on first use and then kept: the gate, the
/// results cache's key and the checker of one file all ask for it.
pub struct OwnPackage<'a> {
    filename: &'a str,
    package: OnceCell<Option<Package>>,
}

impl<'a> OwnPackage<'a> {
    /// The package of the file shown as `filename`, not yet looked for.
    pub fn of(filename: &'a str) -> Self {
        OwnPackage {
            filename,
            package: OnceCell::new(),
        }
    }

    /// The package's name (looked for the first time it is asked).
    pub fn get(&self) -> Option<&str> {
        self.package
            .get_or_init(|| {
                (self.filename != "-")
                    .then(|| top_package(Path::new(self.filename)))
                    .flatten()
            })
            .as_deref()
    }
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
