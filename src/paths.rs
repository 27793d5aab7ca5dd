//! How paths are spelled: displayed the way users typed them, relative to the current
//! directory when under it, and normalised lexically.

use std::path::{Component, Path, PathBuf};

/// Displays a path the way users typed it (no leading `./`).
pub fn display_path(path: &Path) -> String {
    // `to_str` first: its check (the standard library's fast UTF-8 validation) costs less
    // than `to_string_lossy`'s chunk by chunk one, and every name of a run is displayed
    // before the first file is checked.
    let s = match path.to_str() {
        Some(s) => std::borrow::Cow::Borrowed(s),
        None => path.to_string_lossy(),
    };
    s.strip_prefix("./").unwrap_or(&s).to_owned()
}

/// An absolute path without `.` and `..` components (lexically: `a/b/..` is `a`), so that a
/// folder's ancestors are the folders above it whatever the path's spelling.
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if out.parent().is_some() {
                    out.pop();
                } else if !out.has_root() {
                    out.push(component);
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// A path relative to the current directory when it is under it.
pub fn relative_to_cwd(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// `path` as the CLI shows it: relative to the current directory when under it, without a
/// leading `./`.
pub fn display_relative(path: &Path) -> String {
    display_path(&relative_to_cwd(path))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_is_lexical() {
        assert_eq!(normalise(Path::new("/a/b/../c/./d")), Path::new("/a/c/d"));
        assert_eq!(normalise(Path::new("/..")), Path::new("/"));
    }

    #[test]
    fn a_path_is_displayed_without_its_leading_dot_whatever_its_bytes() {
        assert_eq!(display_path(Path::new("./src/a.py")), "src/a.py");
        assert_eq!(display_path(Path::new("src/./a.py")), "src/./a.py");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let name = std::ffi::OsStr::from_bytes(b"./caf\xe9.py");
            assert_eq!(display_path(Path::new(name)), "caf\u{fffd}.py");
        }
    }
}
