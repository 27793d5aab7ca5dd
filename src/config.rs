//! Configuration files: `[tool.dagster-api-lint]` in `pyproject.toml`, `dagster-api-lint.toml`
//! or `.dagster-api-lint.toml`, found by walking up from each checked file (the nearest wins,
//! like ruff). `--config PATH` names one file for every file; `--isolated` ignores them all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Deserialize;

use crate::rules::selection::{PerFileIgnores, RuleSettings};
use crate::rules::{self, Severity};

/// The options a configuration file may set. Unknown keys are errors.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    /// Rule codes or prefixes to enable (default `ALL`).
    pub select: Option<Vec<String>>,
    /// Rule codes or prefixes added to `select`.
    pub extend_select: Option<Vec<String>>,
    /// Rule codes or prefixes to disable.
    pub ignore: Option<Vec<String>>,
    /// Glob → codes ignored in matching files (relative to the configuration file's folder).
    pub per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    /// File or directory names or globs never checked (replaces nothing: the built-in
    /// exclusions of virtualenvs and caches always apply).
    pub exclude: Option<Vec<String>>,
    /// More exclusions, added to `exclude`.
    pub extend_exclude: Option<Vec<String>>,
    /// Apply `exclude` also to files named on the command line (as pre-commit passes them).
    pub force_exclude: Option<bool>,
    /// File names or globs a walk checks besides `*.py`, `*.pyi` and `*.ipynb` (like ruff's
    /// `extend-include`); a match named `.ipynb` is read as a notebook, any other as Python.
    pub extend_include: Option<Vec<String>>,
    /// The dagster version the code runs on (skips detection).
    pub dagster_version: Option<String>,
    /// The dagster version the code is moving to (upgrade planning).
    pub target_version: Option<String>,
    /// Severity per rule code: `error`, `warning` or `info`.
    pub severity: Option<BTreeMap<String, Severity>>,
    /// Fail (exit 1) only on findings of these statuses or severities.
    pub fail_on: Option<Vec<String>>,
    /// Baseline file hiding known findings (relative to the configuration file's folder).
    pub baseline: Option<PathBuf>,
    /// Extra top-level packages to treat as dagster integrations (private paths are reported).
    pub packages: Option<Vec<String>>,
    /// The results cache directory (relative to the configuration file's folder).
    pub cache_dir: Option<PathBuf>,
}

/// Every key [`Options`] accepts (its fields, as serde names them), for error messages.
pub fn keys() -> &'static [&'static str] {
    /// A deserializer that only records the field names a struct asks it for.
    struct FieldNames<'a>(&'a mut &'static [&'static str]);

    impl<'de> serde::Deserializer<'de> for FieldNames<'_> {
        type Error = serde::de::value::Error;

        fn deserialize_any<V: serde::de::Visitor<'de>>(
            self,
            _: V,
        ) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("only struct field names are read"))
        }

        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            self.deserialize_any(visitor)
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    static KEYS: std::sync::OnceLock<&'static [&'static str]> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let mut fields: &'static [&'static str] = &[];
        let _ = Options::deserialize(FieldNames(&mut fields));
        fields
    })
}

/// A loaded configuration file.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigFile {
    /// The file.
    pub path: PathBuf,
    /// Its options.
    pub options: Options,
}

impl ConfigFile {
    /// The folder the file's relative paths and globs are relative to.
    pub fn root(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
}

/// Configuration file names, in order of precedence within one folder.
pub use crate::discovery::markers::CONFIG_FILES as FILE_NAMES;

#[derive(Deserialize)]
struct Pyproject {
    tool: Option<Tool>,
}

#[derive(Deserialize)]
struct Tool {
    #[serde(rename = "dagster-api-lint")]
    dagster_api_lint: Option<toml::Value>,
}

/// Loads one configuration file; `Ok(None)` for a `pyproject.toml` without our table.
pub fn load(path: &Path) -> Result<Option<ConfigFile>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let table = if is_pyproject {
        let doc: Pyproject = toml::from_str(&text)
            .map_err(|e| format!("{}: invalid TOML: {}", path.display(), e.message()))?;
        match doc.tool.and_then(|t| t.dagster_api_lint) {
            Some(v) => v,
            None => return Ok(None),
        }
    } else {
        toml::from_str::<toml::Value>(&text)
            .map_err(|e| format!("{}: invalid TOML: {}", path.display(), e.message()))?
    };
    let section = if is_pyproject {
        "[tool.dagster-api-lint]"
    } else {
        "the top level"
    };
    let options = Options::deserialize(table).map_err(|e| {
        let message = e.message().to_string();
        if message.starts_with("unknown field") {
            format!(
                "{}: {message} in {section}; accepted keys: {}",
                path.display(),
                keys().join(", ")
            )
        } else {
            format!("{}: {message} in {section}", path.display())
        }
    })?;
    validate(path, &options)?;
    Ok(Some(ConfigFile {
        path: path.to_path_buf(),
        options,
    }))
}

fn validate(path: &Path, options: &Options) -> Result<(), String> {
    let codes = options
        .select
        .iter()
        .chain(&options.extend_select)
        .chain(&options.ignore)
        .flatten()
        .chain(
            options
                .per_file_ignores
                .iter()
                .flat_map(|m| m.values().flatten()),
        );
    for code in codes {
        validate_selector(code).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    // Globs are compiled when they are matched; a malformed one would match nothing, silently.
    let globs = [
        ("exclude", &options.exclude),
        ("extend-exclude", &options.extend_exclude),
        ("extend-include", &options.extend_include),
    ]
    .into_iter()
    .flat_map(|(key, globs)| globs.iter().flatten().map(move |g| (key, g)))
    .chain(
        options
            .per_file_ignores
            .iter()
            .flat_map(|m| m.keys().map(|g| ("per-file-ignores", g))),
    );
    for (key, glob) in globs {
        validate_glob(glob).map_err(|e| format!("{}: `{key}`: {e}", path.display()))?;
    }
    for value in options.fail_on.iter().flatten() {
        crate::fail_on::FailOn::parse(value)
            .map_err(|e| format!("{}: `fail-on`: {e}", path.display()))?;
    }
    if let Some(severity) = &options.severity {
        for code in severity.keys() {
            if rules::by_code(code).is_none() {
                return Err(format!(
                    "{}: `severity` names unknown rule `{code}`; rules: {}",
                    path.display(),
                    rule_codes()
                ));
            }
        }
    }
    for (key, version) in [
        ("dagster-version", &options.dagster_version),
        ("target-version", &options.target_version),
    ] {
        if let Some(v) = version {
            if v.parse::<pep440_rs::Version>().is_err() {
                return Err(format!(
                    "{}: `{key}` = \"{v}\" is not a version (expected e.g. \"1.13\" or \"1.13.29\")",
                    path.display()
                ));
            }
        }
    }
    Ok(())
}

fn rule_codes() -> String {
    rules::RULES
        .iter()
        .map(|r| r.code)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks that a glob of `exclude` or `per-file-ignores` compiles (as it will be matched).
pub fn validate_glob(glob: &str) -> Result<(), String> {
    ignore::overrides::OverrideBuilder::new("/")
        .add(glob)
        .and_then(|b| b.build())
        .map(drop)
        .map_err(|e| format!("`{glob}` is not a valid glob: {e}"))
}

/// Checks that a selector names a rule or a prefix of one (or `ALL`).
pub fn validate_selector(selector: &str) -> Result<(), String> {
    if rules::RULES
        .iter()
        .any(|r| rules::matches(selector, r.code))
    {
        Ok(())
    } else {
        Err(format!(
            "unknown rule selector `{selector}`; use a code or prefix of: ALL, {}",
            rule_codes()
        ))
    }
}

/// Finds the nearest configuration file at or above `dir`.
/// (Runs use the resolver's cached equivalent, `Resolver::discover`.)
#[cfg_attr(not(test), allow(dead_code))]
pub fn find(dir: &Path) -> Result<Option<ConfigFile>, String> {
    let mut current = Some(dir);
    while let Some(d) = current {
        for name in FILE_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                if let Some(config) = load(&candidate)? {
                    return Ok(Some(config));
                }
            }
        }
        current = d.parent();
    }
    Ok(None)
}

/// Options given on the command line; they override the file's.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--select` (replaces the file's).
    pub select: Vec<String>,
    /// `--extend-select` (added).
    pub extend_select: Vec<String>,
    /// `--ignore` (added).
    pub ignore: Vec<String>,
    /// `--dagster-version`.
    pub dagster_version: Option<String>,
    /// `--target-version`.
    pub target_version: Option<String>,
    /// `--force-exclude` (true wins over the file's setting).
    pub force_exclude: bool,
}

/// Where the configuration comes from for a run.
#[derive(Debug, Clone)]
pub enum Source {
    /// `--isolated`: defaults and command-line options only.
    Isolated,
    /// `--config PATH`: this file for every checked file.
    Fixed(Option<Arc<ConfigFile>>),
    /// The nearest file above each checked file (cached per folder).
    Discover,
}

/// Resolves configuration per checked file.
pub struct Resolver {
    source: Source,
    overrides: Overrides,
    /// By folder (its bytes: a path's own hash walks its components).
    cache: Mutex<rustc_hash::FxHashMap<std::ffi::OsString, Option<Arc<ConfigFile>>>>,
}

impl Resolver {
    /// A resolver for a run.
    pub fn new(source: Source, overrides: Overrides) -> Resolver {
        Resolver {
            source,
            overrides,
            cache: Mutex::new(rustc_hash::FxHashMap::default()),
        }
    }

    /// Forgets the configuration found for each folder so far (a run that has resolved every
    /// folder of its files needs them no more; they are looked up again if asked).
    pub fn forget_folders(&self) {
        *self.cache.lock().expect("config cache") = Default::default();
    }

    /// How many folders' configurations are remembered.
    #[cfg(test)]
    pub fn folders_remembered(&self) -> usize {
        self.cache.lock().expect("config cache").len()
    }

    /// The configuration file that applies to `file` (None: defaults).
    pub fn config_for(&self, file: &Path) -> Result<Option<Arc<ConfigFile>>, String> {
        match &self.source {
            Source::Isolated => Ok(None),
            Source::Fixed(config) => Ok(config.clone()),
            Source::Discover if file.is_dir() => {
                let absolute = crate::paths::absolute(file).unwrap_or_else(|_| file.to_path_buf());
                self.discover(&absolute)
            }
            Source::Discover => self.config_for_file(file),
        }
    }

    /// [`Resolver::config_for`] a path known to name a file (or to be a file's name, as with
    /// `--stdin-filename`): its folder's configuration, without asking the file system what
    /// the path is.
    pub fn config_for_file(&self, file: &Path) -> Result<Option<Arc<ConfigFile>>, String> {
        match &self.source {
            Source::Discover => {
                let absolute = crate::paths::absolute(file).unwrap_or_else(|_| file.to_path_buf());
                self.discover(absolute.parent().unwrap_or(Path::new("")))
            }
            _ => self.config_for(file),
        }
    }

    /// [`find`] for a folder, cached per folder: a folder without its own file takes its
    /// parent's answer (one `stat` per file name and folder, not per folder and ancestor).
    fn discover(&self, dir: &Path) -> Result<Option<Arc<ConfigFile>>, String> {
        if let Some(hit) = self
            .cache
            .lock()
            .expect("config cache")
            .get(dir.as_os_str())
        {
            return Ok(hit.clone());
        }
        let mut found = None;
        for name in FILE_NAMES {
            if crate::discovery::file_in(dir, name) {
                if let Some(config) = load(&dir.join(name))? {
                    found = Some(Arc::new(config));
                    break;
                }
            }
        }
        let found = match (found, dir.parent()) {
            (Some(config), _) => Some(config),
            (None, Some(parent)) => self.discover(parent)?,
            (None, None) => None,
        };
        self.cache
            .lock()
            .expect("config cache")
            .insert(dir.as_os_str().to_owned(), found.clone());
        Ok(found)
    }

    /// Where configuration comes from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The command-line overrides.
    pub fn overrides(&self) -> &Overrides {
        &self.overrides
    }

    /// Rule settings for `file`: the file's options with the command line on top.
    pub fn rule_settings(&self, config: Option<&ConfigFile>) -> RuleSettings {
        let mut settings = RuleSettings::default();
        if let Some(config) = config {
            let o = &config.options;
            if let Some(select) = &o.select {
                settings.select = select.clone();
            }
            settings.extend_select = o.extend_select.clone().unwrap_or_default();
            settings.ignore = o.ignore.clone().unwrap_or_default();
            settings.per_file_ignores = PerFileIgnores::new(
                config.root(),
                o.per_file_ignores.clone().into_iter().flatten(),
            );
            settings.severity = o.severity.clone().unwrap_or_default();
        }
        if !self.overrides.select.is_empty() {
            settings.select = self.overrides.select.clone();
        }
        settings
            .extend_select
            .extend(self.overrides.extend_select.iter().cloned());
        settings
            .ignore
            .extend(self.overrides.ignore.iter().cloned());
        settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_snapshot_knows_every_configuration_file_name() {
        for name in FILE_NAMES {
            assert!(crate::discovery::markers::MARKERS.contains(&name), "{name}");
        }
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn reads_pyproject_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "pyproject.toml",
            "[project]\nname='x'\n[tool.dagster-api-lint]\nignore = [\"DAG2\"]\ndagster-version = \"1.9.13\"\nseverity = { DAG101 = \"error\" }\n",
        );
        let config = load(&path).unwrap().unwrap();
        assert_eq!(config.options.ignore, Some(vec!["DAG2".to_string()]));
        assert_eq!(config.options.dagster_version.as_deref(), Some("1.9.13"));
        assert_eq!(config.options.severity.unwrap()["DAG101"], Severity::Error);
    }

    #[test]
    fn pyproject_without_table_is_not_a_config() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "pyproject.toml", "[project]\nname='x'\n");
        assert_eq!(load(&path).unwrap(), None);
    }

    #[test]
    fn the_accepted_keys_are_the_options_fields_in_order() {
        let expected = "select, extend-select, ignore, per-file-ignores, exclude, extend-exclude, \
            force-exclude, extend-include, dagster-version, target-version, severity, fail-on, \
            baseline, packages, cache-dir";
        assert_eq!(keys().join(", "), expected);
    }

    #[test]
    fn unknown_keys_name_the_file_key_and_accepted_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "dagster-api-lint.toml", "selekt = [\"DAG\"]\n");
        let err = load(&path).unwrap_err();
        assert!(err.contains("dagster-api-lint.toml"), "{err}");
        assert!(err.contains("selekt"), "{err}");
        assert!(err.contains("accepted keys: select"), "{err}");
    }

    #[test]
    fn malformed_globs_and_fail_on_values_are_errors_naming_the_key() {
        let dir = tempfile::tempdir().unwrap();
        for (text, key) in [
            ("exclude = [\"[\"]\n", "`exclude`"),
            ("extend-exclude = [\"a/[b\"]\n", "`extend-exclude`"),
            (
                "[per-file-ignores]\n\"tests/[x\" = [\"DAG201\"]\n",
                "`per-file-ignores`",
            ),
            ("fail-on = [\"banana\"]\n", "`fail-on`"),
        ] {
            let path = write(dir.path(), "dagster-api-lint.toml", text);
            let err = load(&path).unwrap_err();
            assert!(
                err.contains(key) && err.contains("dagster-api-lint.toml"),
                "{err}"
            );
        }
        let path = write(
            dir.path(),
            "dagster-api-lint.toml",
            "exclude = [\"build\", \"*.gen.py\"]\nfail-on = [\"deprecated\", \"warning\"]\n",
        );
        assert!(load(&path).unwrap().is_some());
    }

    #[test]
    fn bad_values_are_explained() {
        let dir = tempfile::tempdir().unwrap();
        let bad_code = write(
            dir.path(),
            "a/dagster-api-lint.toml",
            "ignore = [\"XYZ1\"]\n",
        );
        assert!(load(&bad_code)
            .unwrap_err()
            .contains("unknown rule selector `XYZ1`"));
        let bad_severity = write(
            dir.path(),
            "b/dagster-api-lint.toml",
            "severity = { DAG001 = \"fatal\" }\n",
        );
        let err = load(&bad_severity).unwrap_err();
        assert!(err.contains("fatal") && err.contains("error"), "{err}");
        let bad_version = write(
            dir.path(),
            "c/dagster-api-lint.toml",
            "dagster-version = \"one\"\n",
        );
        assert!(load(&bad_version).unwrap_err().contains("is not a version"));
    }

    #[test]
    fn nearest_file_wins_and_dotfile_beats_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "pyproject.toml",
            "[tool.dagster-api-lint]\nignore = [\"DAG1\"]\n",
        );
        write(
            dir.path(),
            "sub/.dagster-api-lint.toml",
            "ignore = [\"DAG2\"]\n",
        );
        write(
            dir.path(),
            "sub/pyproject.toml",
            "[tool.dagster-api-lint]\nignore = [\"DAG0\"]\n",
        );
        let top = find(dir.path()).unwrap().unwrap();
        assert_eq!(top.options.ignore, Some(vec!["DAG1".to_string()]));
        let sub = find(&dir.path().join("sub")).unwrap().unwrap();
        assert_eq!(sub.options.ignore, Some(vec!["DAG2".to_string()]));
        let deeper = find(&dir.path().join("sub/pkg/mod")).unwrap().unwrap();
        assert_eq!(deeper.options.ignore, Some(vec!["DAG2".to_string()]));
    }

    #[test]
    fn command_line_overrides_file() {
        let config = ConfigFile {
            path: PathBuf::from("pyproject.toml"),
            options: Options {
                select: Some(vec!["DAG0".into()]),
                ignore: Some(vec!["DAG002".into()]),
                ..Options::default()
            },
        };
        let resolver = Resolver::new(
            Source::Isolated,
            Overrides {
                ignore: vec!["DAG003".into()],
                ..Overrides::default()
            },
        );
        let settings = resolver.rule_settings(Some(&config));
        assert_eq!(settings.select, vec!["DAG0".to_string()]);
        assert_eq!(
            settings.ignore,
            vec!["DAG002".to_string(), "DAG003".to_string()]
        );
        let resolver = Resolver::new(
            Source::Isolated,
            Overrides {
                select: vec!["DAG1".into()],
                ..Overrides::default()
            },
        );
        assert_eq!(
            resolver.rule_settings(Some(&config)).select,
            vec!["DAG1".to_string()]
        );
    }
}
