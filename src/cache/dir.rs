//! The cache directory: where it may be (never among the project's own files), and its
//! creation, marked as a cache for backup and version-control tools.

use std::path::Path;

/// The name of the cache directory (in the project root unless configured).
pub const DIR_NAME: &str = ".dagster-api-lint_cache";

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
