//! The file names whose presence in a folder a run asks about: configuration files (read by
//! [`crate::config`]) and the package marker. A walk snapshot records them per folder.

/// Configuration file names, in order of precedence within one folder.
pub const CONFIG_FILES: [&str; 3] = [
    ".dagster-api-lint.toml",
    "dagster-api-lint.toml",
    "pyproject.toml",
];

/// The file names a walk snapshot records for each folder: the package marker and the
/// configuration files.
pub const MARKERS: [&str; 4] = {
    let [first, second, third] = CONFIG_FILES;
    ["__init__.py", first, second, third]
};
