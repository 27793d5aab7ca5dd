//! A checked project: its configuration, the dagster versions it runs on and the catalogs that
//! answer for them. The CLI, stdin mode and the language server all start here.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rustc_hash::FxHashMap;

use crate::catalog::shipped;
use crate::check::Checker;
use crate::config::{self, ConfigFile, Overrides, Source};
use crate::paths::{normalise, relative_to_cwd};
use crate::rules::selection::RuleSettings;
use crate::versions::{self, Choice, Detected};

mod python;
mod show;

/// Everything a run needs to know about the project.
pub struct Project {
    /// The folder of the run's configuration (the nearest configuration file's, else the
    /// nearest folder with a `pyproject.toml`, else the current directory): where the results
    /// cache, the baseline and `fail-on` come from.
    pub root: PathBuf,
    /// Per-file configuration.
    pub config: config::Resolver,
    /// The configuration file of the root.
    pub root_config: Option<Arc<ConfigFile>>,
    /// The version project of each folder, opened when first asked for.
    versions: Versions,
}

/// The dagster versions a file is judged by: those of its *version project*, the nearest
/// folder above it that holds a version source (see [`Project::version_project`]).
pub struct VersionProject {
    /// The project's folder. For a file above which no folder holds a version source: the
    /// folder of its nearest configuration file, else of its nearest `pyproject.toml`, else
    /// `None`.
    pub folder: Option<PathBuf>,
    /// True when a folder above the file holds a version source (false: the newest catalogs
    /// answer, and a note says so).
    pub has_versions: bool,
    /// The detected versions, by package.
    pub detected: BTreeMap<String, Detected>,
    /// The checker over the chosen catalogs (shared by the projects whose catalogs, extra
    /// packages and target are the same).
    pub checker: Arc<Checker>,
    /// The catalog chosen per package, with the reason.
    pub choices: BTreeMap<String, Choice>,
    /// Notes for the user (inexact catalogs, no version found), printed once per project.
    pub notes: Vec<String>,
}

impl VersionProject {
    /// The project as notes and `--show-settings` name it.
    pub fn label(&self) -> String {
        label_of(self.folder.as_deref())
    }
}

/// How notes and `--show-settings` name the project in `folder`.
fn label_of(folder: Option<&Path>) -> String {
    match folder {
        Some(folder) => {
            let shown = relative_to_cwd(folder);
            if shown.as_os_str().is_empty() {
                ".".to_string()
            } else {
                crate::paths::display_path(&shown)
            }
        }
        None => "files outside any project".to_string(),
    }
}

/// What a folder's version source says of dagster.
struct FolderVersion {
    /// The version it names (`None`: it names only integration libraries).
    dagster: Option<String>,
    /// When dagster's version comes from a `pyproject.toml` dependency alone: its specifier.
    range: Option<String>,
}

/// A version project's folder, and whether it holds a version source.
type ProjectKey = (Option<PathBuf>, bool);

/// The version projects opened by a run, memoised: the version folder of every folder asked
/// about, each project once, and each distinct checker once.
#[derive(Default)]
struct Versions {
    /// The current directory when the project was opened (relative paths are under it).
    cwd: PathBuf,
    /// By folder (absolute, normalised): the nearest folder at or above it holding a version
    /// source.
    source_dirs: Mutex<FxHashMap<PathBuf, Option<PathBuf>>>,
    /// By folder: the fallback folder (nearest configuration, else `pyproject.toml`) of a
    /// folder without a version source above it.
    fallback_dirs: Mutex<FxHashMap<PathBuf, Option<PathBuf>>>,
    /// By (folder, whether it holds a version source).
    projects: Mutex<HashMap<ProjectKey, Arc<VersionProject>>>,
    /// By [`Checker::fingerprint`].
    checkers: Mutex<HashMap<u64, Arc<Checker>>>,
}

impl Project {
    /// Opens the project that `first_path` (a checked path) belongs to: its configuration.
    /// Versions are detected per file (see [`Project::version_project`]).
    pub fn open(
        first_path: &Path,
        source: Source,
        overrides: Overrides,
    ) -> Result<Project, String> {
        let config = config::Resolver::new(source, overrides);
        let absolute = std::path::absolute(first_path).unwrap_or_else(|_| first_path.to_path_buf());
        let start = if absolute.is_dir() {
            absolute.clone()
        } else {
            absolute.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let root_config = config.config_for(&absolute)?;
        let root = match &root_config {
            Some(c) => std::path::absolute(c.root()).unwrap_or_else(|_| c.root().to_path_buf()),
            None => start
                .ancestors()
                .find(|d| d.join("pyproject.toml").is_file())
                .map(Path::to_path_buf)
                .unwrap_or_else(|| std::env::current_dir().unwrap_or_default()),
        };
        Ok(Project {
            root,
            config,
            root_config,
            versions: Versions {
                cwd: std::env::current_dir().unwrap_or_default(),
                ..Versions::default()
            },
        })
    }

    /// `path`, absolute (against the current directory when the project was opened) and
    /// [normalised](normalise); without a system call.
    fn absolute(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            normalise(path)
        } else {
            normalise(&self.versions.cwd.join(path))
        }
    }

    /// The version project of the file at `file` (which need not exist, as with
    /// `--stdin-filename`): that of its folder.
    pub fn version_project(&self, file: &Path) -> Result<Arc<VersionProject>, String> {
        let absolute = self.absolute(file);
        let dir = absolute.parent().unwrap_or(Path::new("/"));
        self.version_project_of_dir(dir)
    }

    /// The version project of the files in the folder `dir`: the nearest folder at or above it
    /// that holds a version source (a `dagster-version` in a configuration file, a virtualenv
    /// `.venv/` or `venv/`, a `uv.lock`, `poetry.lock` or `pdm.lock`, a pinned
    /// `requirements*.txt` or a `pyproject.toml` dependency naming a dagster package; a package
    /// folder only when it also holds a `pyproject.toml` or a configuration file); within
    /// that folder, the sources rank as in [`versions::detect`], a configuration's
    /// `dagster-version` first. The answer does not depend on the current directory or on
    /// the other checked paths. `--dagster-version` (or the `--config` file's
    /// `dagster-version`) replaces dagster's version in every project.
    pub fn version_project_of_dir(&self, dir: &Path) -> Result<Arc<VersionProject>, String> {
        let absolute = self.absolute(dir);
        let (folder, has_versions) = match self.version_folder(&absolute)? {
            Some(folder) => (Some(folder), true),
            None => (self.fallback_folder(&absolute)?, false),
        };
        let key = (folder, has_versions);
        if let Some(hit) = lock(&self.versions.projects).get(&key) {
            return Ok(hit.clone());
        }
        // Opened under the lock: each project once (few per run), its notes once.
        let mut projects = lock(&self.versions.projects);
        if let Some(hit) = projects.get(&key) {
            return Ok(hit.clone());
        }
        let opened = Arc::new(self.open_version_project(key.0.clone(), has_versions)?);
        projects.insert(key, opened.clone());
        Ok(opened)
    }

    /// Forgets the answers memoised per folder (each folder's version folder, fallback folder
    /// and configuration), keeping the version projects opened: once a run has the project
    /// and settings of every folder of its files, the tables only hold memory (thousands of
    /// absolute paths on a large tree), and a question asked again is answered again.
    pub fn forget_folders(&self) {
        *lock(&self.versions.source_dirs) = Default::default();
        *lock(&self.versions.fallback_dirs) = Default::default();
        self.config.forget_folders();
    }

    /// The nearest folder at or above `dir` that holds a version source (memoised per folder).
    fn version_folder(&self, dir: &Path) -> Result<Option<PathBuf>, String> {
        if let Some(hit) = lock(&self.versions.source_dirs).get(dir) {
            return Ok(hit.clone());
        }
        let outer = |s: &Self| match dir.parent() {
            Some(parent) => s.version_folder(parent),
            None => Ok(None),
        };
        let found = match self.version_source(dir)? {
            None => outer(self)?,
            // A member of a uv (or poetry) workspace names a range in its `pyproject.toml`
            // and the workspace's lock pins the release: the member is judged by the lock of
            // the folder above when the range allows its version.
            Some(FolderVersion {
                range: Some(range), ..
            }) => {
                let outer = outer(self)?;
                let pinned = match &outer {
                    Some(o) => self.version_source(o)?.filter(|v| v.range.is_none()),
                    None => None,
                };
                match pinned.and_then(|v| v.dagster) {
                    Some(v) if versions::allows(&range, &v) => outer,
                    _ => Some(dir.to_path_buf()),
                }
            }
            Some(_) => Some(dir.to_path_buf()),
        };
        lock(&self.versions.source_dirs).insert(dir.to_path_buf(), found.clone());
        Ok(found)
    }

    /// The configuration file in the folder `dir` itself, when configuration files are
    /// discovered.
    fn config_in(&self, dir: &Path) -> Result<Option<Arc<ConfigFile>>, String> {
        if !matches!(self.config.source(), Source::Discover) {
            return Ok(None);
        }
        let nearest = self.config.config_for_file(&dir.join("__init__.py"))?;
        Ok(nearest.filter(|c| self.absolute(c.root()) == dir))
    }

    /// The version source the folder `dir` holds, if any.
    fn version_source(&self, dir: &Path) -> Result<Option<FolderVersion>, String> {
        let configured = self
            .config_in(dir)?
            .and_then(|c| c.options.dagster_version.clone());
        if let Some(version) = configured {
            return Ok(Some(FolderVersion {
                dagster: Some(version),
                range: None,
            }));
        }
        // A package folder (one with an `__init__.py`) is no project's root unless it holds a
        // `pyproject.toml` or a configuration file: it is not listed (most folders of a large
        // tree are packages, and with a remembered walk this costs no system call).
        let file_in = |name: &str| crate::discovery::file_in(dir, name);
        if file_in("__init__.py") && !config::FILE_NAMES.iter().any(|n| file_in(n)) {
            return Ok(None);
        }
        let detected = versions::detect_with(Some(dir), false);
        if detected.is_empty() {
            return Ok(None);
        }
        let dagster = detected.get("dagster");
        let range = dagster
            .filter(|d| d.source.starts_with(versions::PYPROJECT_SOURCE))
            .and_then(|_| versions::dependency_range(dir, "dagster"));
        Ok(Some(FolderVersion {
            dagster: dagster.map(|d| d.version.clone()),
            range,
        }))
    }

    /// For a folder without a version source above it: the folder of its nearest
    /// configuration file, else of its nearest `pyproject.toml` (memoised per folder).
    fn fallback_folder(&self, dir: &Path) -> Result<Option<PathBuf>, String> {
        if let Some(hit) = lock(&self.versions.fallback_dirs).get(dir) {
            return Ok(hit.clone());
        }
        let config = match self.config.source() {
            Source::Discover => self.config.config_for_file(&dir.join("__init__.py"))?,
            _ => None,
        };
        let found = match config {
            Some(c) => Some(self.absolute(c.root())),
            None => dir
                .ancestors()
                .find(|d| crate::discovery::file_in(d, "pyproject.toml"))
                .map(Path::to_path_buf),
        };
        lock(&self.versions.fallback_dirs).insert(dir.to_path_buf(), found.clone());
        Ok(found)
    }

    /// Detects the versions of a project and makes (or shares) its checker.
    fn open_version_project(
        &self,
        folder: Option<PathBuf>,
        has_versions: bool,
    ) -> Result<VersionProject, String> {
        // The active virtualenv counts for the project that holds it, and for files that
        // belong to no project.
        let active_inside = std::env::var_os("VIRTUAL_ENV").is_some_and(|v| {
            let v = self.absolute(Path::new(&v));
            folder.as_ref().is_some_and(|f| v.starts_with(f))
        });
        let mut detected = if has_versions {
            versions::detect_with(folder.as_deref(), active_inside)
        } else {
            versions::detect_with(None, true)
        };
        let project_config = match &folder {
            Some(f) => self.config.config_for(f)?,
            None => match self.config.source() {
                Source::Fixed(c) => c.clone(),
                _ => None,
            },
        };
        let folder_config = match &folder {
            Some(f) if has_versions => self.config_in(f)?,
            _ => None,
        };
        let fixed_config = match self.config.source() {
            Source::Fixed(c) => c.clone(),
            _ => None,
        };
        let from_config = |c: &Option<Arc<ConfigFile>>| {
            let c = c.as_ref()?;
            let v = c.options.dagster_version.clone()?;
            Some((v, format!("`dagster-version` in {}", c.path.display())))
        };
        let flag_or_config = self
            .config
            .overrides()
            .dagster_version
            .as_ref()
            .map(|v| (v.clone(), "--dagster-version".to_string()))
            .or_else(|| from_config(&fixed_config))
            .or_else(|| from_config(&folder_config));
        if let Some((version, source)) = flag_or_config {
            // An invalid version is a usage error, as it is in a configuration file.
            versions::pick_release("dagster", &version).map_err(|e| format!("{source}: {e}"))?;
            detected.insert(
                "dagster".into(),
                Detected {
                    version,
                    source,
                    site_packages: None,
                },
            );
        }
        let label = label_of(folder.as_deref());
        let mut packages: Vec<String> = shipped::packages()
            .into_iter()
            .map(str::to_string)
            .collect();
        for (package, d) in &detected {
            if d.site_packages.is_some()
                && !packages.contains(package)
                && package != "dagster_shared"
            {
                packages.push(package.clone());
            }
        }
        let mut choices = BTreeMap::new();
        let mut notes = Vec::new();
        for package in packages {
            if let Some(choice) = versions::choose(&package, detected.get(&package)) {
                if choice.inexact {
                    notes.push(format!("{label}: {}", choice.reason));
                }
                if package == "dagster" && !detected.contains_key("dagster") {
                    notes.push(format!(
                        "no dagster version found for {label}: using the newest shipped catalog, dagster {} (pin it in a lock file or set `dagster-version`)",
                        choice.catalog.version()
                    ));
                }
                choices.insert(package, choice);
            }
        }
        let extra = project_config
            .as_ref()
            .and_then(|c| c.options.packages.clone())
            .unwrap_or_default();
        for package in &extra {
            if !package.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return Err(format!(
                    "`packages` entry `{package}` is not an importable package name"
                ));
            }
        }
        let mut checker =
            Checker::new(choices.values().map(|c| c.catalog).collect(), extra.clone());
        let target_version = self.config.overrides().target_version.clone().or_else(|| {
            project_config
                .as_ref()
                .and_then(|c| c.options.target_version.clone())
        });
        if let Some(target) = target_version {
            // Judged by the target release's own catalog; a target newer than every release
            // by the newest one and, beyond it, by breaking versions (see crate::upgrade).
            let (release, note) = versions::pick_release("dagster", &target)?;
            let beyond = shipped::newest("dagster") == Some(release)
                && shipped::compare_versions(&target, release).is_gt();
            let dagster = shipped::find("dagster", release)
                .ok_or_else(|| format!("no shipped catalog for dagster {release}"))?;
            let mut catalogs: Vec<_> = choices
                .iter()
                .filter(|(p, _)| p.as_str() != "dagster")
                .map(|(_, c)| c.catalog)
                .collect();
            catalogs.push(dagster);
            notes.push(match note {
                None => format!("judging against the target dagster {target} with its own catalog ({release})"),
                Some(_) if beyond => format!("dagster {target} is newer than every release known to this tool: judging against {release} and, beyond it, by breaking versions"),
                Some(note) => note,
            });
            let target_checker = Checker::new(catalogs, extra.clone());
            checker = checker.with_target(target, target_checker, !beyond);
        }
        let checker = lock(&self.versions.checkers)
            .entry(checker.fingerprint())
            .or_insert_with(|| Arc::new(checker))
            .clone();
        Ok(VersionProject {
            folder,
            has_versions,
            detected,
            checker,
            choices,
            notes,
        })
    }

    /// The rule settings for a file (its nearest configuration, then the command line).
    pub fn rule_settings(&self, file: &Path) -> Result<RuleSettings, String> {
        let config = self.config.config_for_file(file)?;
        Ok(self.config.rule_settings(config.as_deref()))
    }

    /// The results cache directory and where that choice comes from: `flag` (the command line
    /// or `DAGSTER_API_LINT_CACHE_DIR`), else the root configuration's `cache-dir` (relative to
    /// its folder), else [`crate::cache::DIR_NAME`] in the project root, as ruff keeps
    /// `.ruff_cache` (so that a run from a subfolder, an editor or a hook shares it). A
    /// directory that is empty, the project root or above it is an error naming where it came
    /// from (see [`crate::cache::check_dir`]).
    pub fn cache_dir(&self, flag: Option<&Path>) -> Result<(PathBuf, String), String> {
        let config = self.root_config.as_ref();
        let (dir, origin) = if let Some(dir) = flag {
            (dir.to_path_buf(), "command line or environment".to_string())
        } else if let Some((c, dir)) = config.and_then(|c| Some((c, c.options.cache_dir.as_ref()?)))
        {
            // (An empty setting stays empty rather than naming the configuration's folder.)
            let dir = match dir.as_os_str().is_empty() {
                true => PathBuf::new(),
                false => c.root().join(dir),
            };
            (dir, c.path.display().to_string())
        } else {
            let dir = relative_to_cwd(&self.root.join(crate::cache::DIR_NAME));
            (dir, "default: in the project root".into())
        };
        crate::cache::check_dir(&dir, &self.root, config.map(|c| c.root()))
            .map_err(|e| format!("{origin}: cache-dir: {e}"))?;
        Ok((dir, origin))
    }

    /// More files to check, from the root configuration's `extend-include`.
    pub fn extend_include(&self) -> Vec<String> {
        let Some(c) = &self.root_config else {
            return Vec::new();
        };
        c.options.extend_include.clone().unwrap_or_default()
    }

    /// Exclusions from the root configuration.
    pub fn exclude(&self) -> Vec<String> {
        let Some(c) = &self.root_config else {
            return Vec::new();
        };
        c.options
            .exclude
            .iter()
            .chain(&c.options.extend_exclude)
            .flatten()
            .cloned()
            .collect()
    }

    /// Whether `exclude` applies to files named on the command line too (`--force-exclude` or
    /// the root configuration's `force-exclude`), with where that came from.
    pub fn force_exclude(&self) -> (bool, &'static str) {
        let configured = self
            .root_config
            .as_ref()
            .and_then(|c| c.options.force_exclude);
        match (self.config.overrides().force_exclude, configured) {
            (true, _) => (true, "command line"),
            (false, Some(set)) => (set, "configuration file"),
            (false, None) => (false, "default"),
        }
    }
}

/// Locks a memo table (a panic while it was held leaves it usable: it only memoises).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn lock(version: &str) -> String {
        format!("[[package]]\nname = \"dagster\"\nversion = \"{version}\"\n")
    }

    fn open(anchor: &Path) -> Project {
        Project::open(anchor, Source::Discover, Overrides::default()).unwrap()
    }

    /// The folder (relative to `root`) and dagster version judging the file `file`.
    fn judged(project: &Project, root: &Path, file: &str) -> (String, String) {
        let versions = project.version_project(&root.join(file)).unwrap();
        let folder = versions.folder.as_ref().unwrap();
        let folder = folder.strip_prefix(root).unwrap().display().to_string();
        let dagster = versions.choices["dagster"].catalog.version().to_string();
        (folder, dagster)
    }

    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "uv.lock", &lock("1.9.13"));
        write(root, "a/uv.lock", &lock("1.11.16"));
        write(root, "a/deep/er/x.py", "");
        write(root, "b/poetry.lock", &lock("1.13.29"));
        write(root, "b/pkg/x.py", "");
        // A configuration without `dagster-version` is no version source.
        write(root, "c/dagster-api-lint.toml", "ignore = [\"DAG2\"]\n");
        write(root, "c/x.py", "");
        // A configuration's `dagster-version` outranks the lock beside it.
        write(
            root,
            "d/dagster-api-lint.toml",
            "dagster-version = \"1.12.22\"\n",
        );
        write(root, "d/uv.lock", &lock("1.11.16"));
        // ... and the nearest folder wins over it.
        write(root, "d/e/requirements-prod.txt", "dagster==1.10.21\n");
        write(root, "d/e/x.py", "");
        // A pyproject.toml without a dagster dependency is no version source.
        write(root, "f/pyproject.toml", "[project]\nname = 'f'\n");
        write(root, "f/x.py", "");
        dir
    }

    #[test]
    fn the_nearest_folder_with_a_version_source_decides() {
        let dir = repo();
        let root = dir.path();
        let project = open(root);
        let expected = [
            ("x.py", "", "1.9.13"),
            ("a/deep/er/x.py", "a", "1.11.16"),
            ("b/pkg/x.py", "b", "1.13.29"),
            ("c/x.py", "", "1.9.13"),
            ("d/x.py", "d", "1.12.22"),
            ("d/e/x.py", "d/e", "1.10.21"),
            ("f/x.py", "", "1.9.13"),
        ];
        for (file, folder, version) in expected {
            assert_eq!(
                judged(&project, root, file),
                (folder.to_string(), version.to_string()),
                "{file}"
            );
        }
        let d = project.version_project(&root.join("d/x.py")).unwrap();
        assert!(d.detected["dagster"].source.contains("`dagster-version`"));
        // Folders of one project share it, and projects with one set of versions share a
        // checker.
        let a = project.version_project(&root.join("a/x.py")).unwrap();
        let deep = project
            .version_project(&root.join("a/deep/er/x.py"))
            .unwrap();
        assert!(Arc::ptr_eq(&a, &deep));
        write(root, "g/uv.lock", &lock("1.11.16"));
        let g = project.version_project(&root.join("g/x.py")).unwrap();
        assert!(!Arc::ptr_eq(&a, &g));
        assert!(Arc::ptr_eq(&a.checker, &g.checker));
        // Forgetting the folders' answers frees their tables and keeps the projects: asked
        // again, a folder gets the same project.
        assert!(!super::lock(&project.versions.source_dirs).is_empty());
        assert!(project.config.folders_remembered() > 0);
        project.forget_folders();
        assert!(super::lock(&project.versions.source_dirs).is_empty());
        assert!(super::lock(&project.versions.fallback_dirs).is_empty());
        assert_eq!(project.config.folders_remembered(), 0);
        let again = project
            .version_project(&root.join("a/deep/er/x.py"))
            .unwrap();
        assert!(Arc::ptr_eq(&a, &again));
        for (file, folder, version) in expected {
            assert_eq!(
                judged(&project, root, file),
                (folder.to_string(), version.to_string()),
                "{file} after forgetting"
            );
        }
    }

    #[test]
    fn the_answer_does_not_depend_on_the_anchor_or_the_order() {
        let dir = repo();
        let root = dir.path();
        let files = [
            "x.py",
            "a/deep/er/x.py",
            "b/pkg/x.py",
            "c/x.py",
            "d/x.py",
            "d/e/x.py",
        ];
        let forward = open(root);
        let forward: Vec<_> = files.iter().map(|f| judged(&forward, root, f)).collect();
        for anchor in ["a/deep", "b", "d/e"] {
            let project = open(&root.join(anchor));
            let backward: Vec<_> = files
                .iter()
                .rev()
                .map(|f| judged(&project, root, f))
                .collect();
            let backward: Vec<_> = backward.into_iter().rev().collect();
            assert_eq!(forward, backward, "anchored at {anchor}");
        }
        // Spelled with `..`, a folder is the same folder.
        let project = open(root);
        assert_eq!(
            judged(&project, root, "b/pkg/../../a/deep/er/x.py"),
            ("a".to_string(), "1.11.16".to_string())
        );
    }

    #[test]
    fn the_flag_decides_for_every_project_and_no_source_is_noted() {
        let dir = repo();
        let root = dir.path();
        let flagged = Project::open(
            root,
            Source::Discover,
            Overrides {
                dagster_version: Some("1.5.14".into()),
                ..Overrides::default()
            },
        )
        .unwrap();
        for file in ["x.py", "a/deep/er/x.py", "d/x.py"] {
            assert_eq!(judged(&flagged, root, file).1, "1.5.14", "{file}");
        }
        let bare = tempfile::tempdir().unwrap();
        write(bare.path(), "sub/pyproject.toml", "[project]\nname = 's'\n");
        let project = open(bare.path());
        let versions = project
            .version_project(&bare.path().join("sub/x.py"))
            .unwrap();
        assert!(!versions.has_versions);
        assert_eq!(versions.folder.as_deref(), Some(&*bare.path().join("sub")));
        assert!(
            versions
                .notes
                .iter()
                .any(|n| n.contains("no dagster version found")),
            "{:?}",
            versions.notes
        );
    }

    #[test]
    fn a_workspace_member_with_a_range_is_judged_by_the_workspace_lock() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "uv.lock", &lock("1.13.29"));
        let member =
            |range: &str| format!("[project]\nname = 'm'\ndependencies = [\"dagster{range}\"]\n");
        write(root, "packages/allowed/pyproject.toml", &member(">=1.9"));
        write(
            root,
            "packages/excluded/pyproject.toml",
            &member(">=1.8,<1.10"),
        );
        let project = open(root);
        assert_eq!(
            judged(&project, root, "packages/allowed/src/x.py"),
            (String::new(), "1.13.29".to_string())
        );
        assert_eq!(
            judged(&project, root, "packages/excluded/src/x.py"),
            // (the lowest release the range allows: every release has a catalog)
            ("packages/excluded".to_string(), "1.8.0".to_string())
        );
    }

    #[test]
    fn a_package_folder_is_a_project_only_with_a_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "uv.lock", &lock("1.9.13"));
        write(root, "pkg/__init__.py", "");
        write(root, "pkg/requirements.txt", "dagster==1.13.29\n");
        write(root, "lib/__init__.py", "");
        write(root, "lib/uv.lock", &lock("1.11.16"));
        write(root, "lib/pyproject.toml", "[project]\nname = 'lib'\n");
        let project = open(root);
        assert_eq!(
            judged(&project, root, "pkg/x.py"),
            (String::new(), "1.9.13".to_string())
        );
        assert_eq!(
            judged(&project, root, "lib/x.py"),
            ("lib".to_string(), "1.11.16".to_string())
        );
    }
}
