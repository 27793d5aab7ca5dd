//! Repository-relative file names, as the CI formats and baselines write them.

use std::path::{Component, Path, PathBuf};

/// Maps file names as the report holds them to repository-relative paths: relative to the
/// current directory when the file is under it, without `./`, always with `/` separators.
#[derive(Debug, Clone)]
pub struct RepoPaths {
    /// The current directory, as given and canonicalised (either may prefix absolute names).
    roots: Vec<PathBuf>,
}

impl RepoPaths {
    /// Paths relative to the process's current directory.
    pub fn from_cwd() -> RepoPaths {
        RepoPaths::under(std::env::current_dir().ok().as_deref())
    }

    /// Paths relative to `root` (`None`: absolute names stay absolute).
    pub fn under(root: Option<&Path>) -> RepoPaths {
        let mut roots: Vec<PathBuf> = root.into_iter().map(Path::to_path_buf).collect();
        if let Some(canonical) = root.and_then(|r| r.canonicalize().ok()) {
            if !roots.contains(&canonical) {
                roots.push(canonical);
            }
        }
        RepoPaths { roots }
    }

    /// The repository-relative form of `filename` (absolute when it is outside the root). A
    /// backslash is a separator only on Windows; elsewhere it is part of a name.
    pub fn get(&self, filename: &str) -> String {
        let path = Path::new(filename);
        let relative = if path.is_absolute() {
            self.roots
                .iter()
                .find_map(|root| path.strip_prefix(root).ok())
                .unwrap_or(path)
        } else {
            path
        };
        let mut out = String::new();
        for component in relative.components() {
            let part = match component {
                Component::CurDir => continue,
                Component::RootDir => {
                    out.push('/');
                    continue;
                }
                Component::Prefix(p) => p.as_os_str().to_string_lossy(),
                Component::ParentDir => "..".into(),
                Component::Normal(name) => name.to_string_lossy(),
            };
            if !out.is_empty() && !out.ends_with('/') {
                out.push('/');
            }
            out.push_str(&part);
        }
        if out.is_empty() {
            out.push('.');
        }
        if cfg!(windows) {
            out = out.replace('\\', "/");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_paths_are_relative_with_slashes() {
        let paths = RepoPaths::under(Some(Path::new("/work/repo")));
        assert_eq!(paths.get("./pkg/a.py"), "pkg/a.py");
        assert_eq!(paths.get("pkg/./a.py"), "pkg/a.py");
        assert_eq!(paths.get("/work/repo/pkg/a.py"), "pkg/a.py");
        assert_eq!(paths.get("/elsewhere/a.py"), "/elsewhere/a.py");
        assert_eq!(paths.get("../sibling/a.py"), "../sibling/a.py");
        let backslash = if cfg!(windows) {
            "pkg/win.py"
        } else {
            "pkg\\win.py"
        };
        assert_eq!(paths.get("pkg\\win.py"), backslash);
        assert_eq!(paths.get("-"), "-");
    }
}
