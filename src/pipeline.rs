//! One pipeline for `check`, `upgrade-report` and the language server, in two steps (as
//! ripgrep turns its low-level arguments into high-level ones): what the command line asked
//! for ([`Request`], over an opened [`Project`]) is resolved once into what every file is
//! checked with ([`Pipeline`]: the found files, each folder's rule settings and checker, the
//! caches and the run options); then [`Pipeline::run`] checks the files. A single file (standard
//! input, a fix's re-check, an editor's document) is judged by a [`FileChecker`].

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::cache::Cache;
use crate::check::Checker;
use crate::config::{self, ConfigFile};
use crate::diagnostic::{Diagnostic, Findings};
use crate::discovery::{self, snapshot, Found, Walk};
use crate::gate::Gate;
use crate::notebook::Notebook;
use crate::project::{Project, VersionProject};
use crate::rules::selection::{self, RuleSettings};
use crate::runner::{self, Bench, RunOptions, Totals};

/// What a run over files and folders asks for, besides the project's configuration.
#[derive(Debug, Default)]
pub struct Request {
    /// The files and folders to check.
    pub paths: Vec<PathBuf>,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Use the results cache (and the walk's snapshot): in this directory (`--cache-dir`), else
    /// where the project keeps it (see [`Project::cache_dir`]).
    pub cache: Option<Option<PathBuf>>,
    /// `check --parse-only` (see [`RunOptions::parse_only`]).
    pub parse_only: bool,
}

/// A run resolved: the project, the files found, what each is checked with, and how.
pub struct Pipeline {
    /// The project (configuration, version projects).
    pub project: Project,
    /// The files found.
    found: Vec<Found>,
    /// The rule settings and version project of each folder of the found files.
    folders: FolderSettings,
    /// The results cache directory, when caching.
    cache_dir: Option<PathBuf>,
    /// The cache of the first path's checker, being read (by its fingerprint).
    opening: Option<(u64, JoinHandle<Cache>)>,
    /// How the files are checked.
    options: RunOptions,
}

impl Pipeline {
    /// Walks `request.paths` in `project` and resolves the settings and checker of every
    /// folder of the found files. A broken configuration file is an error.
    pub fn resolve(project: Project, request: Request) -> Result<Pipeline, String> {
        let Request {
            paths,
            threads,
            cache,
            parse_only,
        } = request;
        let walk = Walk {
            exclude: project.exclude(),
            include: project.extend_include(),
            force_exclude: project.force_exclude().0,
            threads,
            ..Walk::default()
        };
        let cache_dir = match cache.filter(|_| !parse_only) {
            Some(flag) => Some(project.cache_dir(flag.as_deref())?.0),
            None => None,
        };
        // The cache of the first path's project is read while the tree is walked (most runs
        // have one project); those of other projects once the files' projects are known.
        let opening = match &cache_dir {
            Some(dir) => {
                let first = &paths[0];
                let versions = match first.is_dir() {
                    true => project.version_project_of_dir(first)?,
                    false => project.version_project(first)?,
                };
                let (dir, fingerprint) = (dir.clone(), versions.checker.fingerprint());
                Some((
                    fingerprint,
                    std::thread::spawn(move || Cache::open(&dir, fingerprint)),
                ))
            }
            None => None,
        };
        // With the cache, an unchanged tree is not walked again (see discovery::snapshot).
        let found: Vec<Found> = match &cache_dir {
            Some(dir) if paths.iter().all(|p| p.is_dir()) => {
                let (found, folders) = snapshot::walk_remembered(&walk, &paths, dir);
                if let Some(folders) = folders {
                    discovery::know_folders(folders);
                }
                found
            }
            _ => walk.run(&paths),
        };
        // Every file's settings and project first: a broken configuration file is a usage
        // error.
        let folders = settings_by_folder(&project, &paths, &found, threads)?;
        Ok(Pipeline {
            project,
            found,
            folders,
            cache_dir,
            opening,
            options: RunOptions {
                threads,
                parse_only,
            },
        })
    }

    /// The version projects of the found files, sorted by folder.
    pub fn projects(&self) -> &[Arc<VersionProject>] {
        &self.folders.projects
    }

    /// DAG301 findings of the run's version projects (see [`Project::python_support`]), each
    /// under the settings of its `pyproject.toml`.
    pub fn python_support(&self) -> Result<Vec<Vec<Diagnostic>>, String> {
        let mut found = Vec::new();
        for versions in &self.folders.projects {
            if let Some(d) = self.project.python_support(versions) {
                let folder = versions.folder.as_deref().unwrap_or(Path::new("."));
                let settings = self.project.rule_settings(&folder.join("pyproject.toml"))?;
                found.push(selection::apply_settings(vec![d], &settings).0);
            }
        }
        Ok(found)
    }

    /// Checks every found file (see [`runner::run_files`]) and passes each file's findings to
    /// `emit`, in output order, with what the files are checked with. Runs once: the found files
    /// are handed to the run.
    pub fn run(&mut self, emit: &mut dyn FnMut(&str, Findings, &FolderSettings)) -> Totals {
        let found = std::mem::take(&mut self.found);
        let folders = &self.folders;
        let benches = open_benches(
            &folders.checkers,
            self.cache_dir.as_deref(),
            self.opening.take(),
        );
        runner::run_files(
            benches,
            found,
            &|path| folders.bench_of(path),
            &|path| folders.of(path),
            self.options,
            &mut |name, findings| emit(name, findings, folders),
        )
    }
}

/// How one file is judged: its checker and rule settings.
pub struct FileChecker {
    /// The checker of its version project.
    pub checker: Arc<Checker>,
    /// Its rule settings.
    pub settings: Arc<RuleSettings>,
}

impl FileChecker {
    /// The file at `path` (which need not exist, as with `--stdin-filename`) in `project`, and
    /// its version project.
    pub fn of(
        project: &Project,
        path: &Path,
    ) -> Result<(FileChecker, Arc<VersionProject>), String> {
        let settings = Arc::new(project.rule_settings(path)?);
        let versions = project.version_project(path)?;
        let checker = versions.checker.clone();
        Ok((FileChecker { checker, settings }, versions))
    }

    /// Checks `text` as the file `name` (`cells`: the notebook it is the code of), with the
    /// settings applied: the kept findings and how many noqa hid.
    pub fn check(
        &self,
        name: &str,
        text: &str,
        cells: Option<&Notebook>,
    ) -> (Vec<Diagnostic>, usize) {
        let gate = Gate::new(&self.checker);
        runner::check_text(&self.checker, name, text, cells, &self.settings, &gate)
    }

    /// [`FileChecker::check`] of texts of the file `name`, over and over (as a fix re-checks
    /// its result).
    pub fn checking<'a>(&'a self, name: &'a str) -> impl Fn(&str) -> (Vec<Diagnostic>, usize) + 'a {
        let gate = Gate::new(&self.checker);
        move |text| runner::check_text(&self.checker, name, text, None, &self.settings, &gate)
    }
}

/// Prints the notes of these version projects (inexact catalogs, no version found), once
/// each.
pub fn print_notes(projects: &[Arc<VersionProject>]) {
    let mut printed: Vec<&str> = Vec::new();
    for note in projects.iter().flat_map(|p| &p.notes) {
        if !printed.contains(&note.as_str()) {
            eprintln!("dagster-api-lint: note: {note}");
            printed.push(note);
        }
    }
}

/// The rule settings and version projects of the found files, by folder (see
/// [`settings_by_folder`]).
pub struct FolderSettings {
    /// The settings of every file, when one configuration applies to all.
    all: Option<Arc<RuleSettings>>,
    /// Else each folder's, by [`crate::paths::folder_of`].
    by_folder: FxHashMap<OsString, Arc<RuleSettings>>,
    /// The version projects of the found files, sorted by folder.
    projects: Vec<Arc<VersionProject>>,
    /// Their distinct checkers (a run's benches).
    checkers: Vec<Arc<Checker>>,
    /// The index in `checkers` of each folder's, when there is more than one.
    bench_by_folder: FxHashMap<OsString, usize>,
}

impl FolderSettings {
    /// The settings of the found file at `path`.
    fn of(&self, path: &Path) -> Arc<RuleSettings> {
        match &self.all {
            Some(all) => all.clone(),
            None => (self.by_folder.get(crate::paths::folder_of(path)))
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// How the found file at `path` is judged (for a fix's re-checks).
    pub fn file_checker(&self, path: &Path) -> FileChecker {
        FileChecker {
            checker: self.checkers[self.bench_of(path)].clone(),
            settings: self.of(path),
        }
    }

    /// The index of the checker of the found file at `path` (a hash look-up of its folder).
    fn bench_of(&self, path: &Path) -> usize {
        if self.checkers.len() <= 1 {
            return 0;
        }
        (self.bench_by_folder.get(crate::paths::folder_of(path)))
            .copied()
            .unwrap_or(0)
    }
}

/// The benches of a run: each checker with its results cache (under `cache_dir`, when
/// caching), the one `opening` (by fingerprint) already reads among them.
fn open_benches(
    checkers: &[Arc<Checker>],
    cache_dir: Option<&Path>,
    opening: Option<(u64, JoinHandle<Cache>)>,
) -> Vec<Bench> {
    let Some(dir) = cache_dir else {
        return checkers.iter().cloned().map(Bench::uncached).collect();
    };
    let mut opening = opening;
    let mut others = Vec::new();
    let mut benches: Vec<Option<Bench>> = Vec::new();
    for (i, checker) in checkers.iter().enumerate() {
        let fingerprint = checker.fingerprint();
        match opening.take_if(|(f, _)| *f == fingerprint) {
            Some((_, handle)) => benches.push(Some(Bench {
                checker: checker.clone(),
                cache: Some(handle.join().expect("the cache opens without panicking")),
            })),
            None => {
                let dir = dir.to_path_buf();
                others.push((
                    i,
                    std::thread::spawn(move || Cache::open(&dir, fingerprint)),
                ));
                benches.push(None);
            }
        }
    }
    for (i, handle) in others {
        benches[i] = Some(Bench {
            checker: checkers[i].clone(),
            cache: Some(handle.join().expect("the cache opens without panicking")),
        });
    }
    benches.into_iter().flatten().collect()
}
/// The rule settings and the version project of each folder that holds a found file:
/// configurations and version projects are looked up once per folder, in parallel on
/// `threads` workers (a configuration look-up may `stat` a few names per folder; a version
/// look-up lists each folder not yet asked about once), and each configuration's settings are
/// made once and shared by its folders, as each distinct checker is. The error is that of the
/// first broken configuration by folder name.
///
/// When the walk of a single root folder listed no configuration file in any folder, every
/// folder's look-up passes up to the root and on to the same folders above it: one look-up
/// answers for all.
fn settings_by_folder(
    project: &Project,
    roots: &[PathBuf],
    found: &[Found],
    threads: usize,
) -> Result<FolderSettings, String> {
    let mut first_file_of_dir: FxHashMap<&OsStr, &Path> = FxHashMap::default();
    let mut last: Option<&OsStr> = None;
    for f in found {
        if let Found::File(path) = f {
            let dir = crate::paths::folder_of(path);
            // Files of a folder mostly come together: one hash per folder, not per file.
            if last != Some(dir) {
                first_file_of_dir.entry(dir).or_insert(path);
                last = Some(dir);
            }
        }
    }
    let mut dirs: Vec<(&OsStr, &Path)> = first_file_of_dir.into_iter().collect();
    dirs.sort_unstable();
    // One configuration for every file: see above.
    let one_config = match (dirs.first(), roots) {
        (Some((_, file)), [root]) => (root.is_dir()
            && discovery::no_known_folder_holds(&config::FILE_NAMES))
        .then_some(*file),
        _ => None,
    };
    // Each folder's version project (memoised: a folder's search stops at the first folder
    // already asked about) and configuration, in one pass over the folders.
    type Resolved = (
        Result<Arc<VersionProject>, String>,
        Option<Result<Option<Arc<ConfigFile>>, String>>,
    );
    let resolve = |path: &Path| -> Resolved {
        let config = one_config
            .is_none()
            .then(|| project.config.config_for_file(path));
        (project.version_project(path), config)
    };
    // A pool of workers costs more than a few look-ups.
    let resolved: Vec<Resolved> = if dirs.len() < 64 {
        dirs.iter().map(|(_, path)| resolve(path)).collect()
    } else {
        runner::on_workers(threads, || {
            dirs.par_iter().map(|(_, path)| resolve(path)).collect()
        })
    };
    let mut projects: Vec<Arc<VersionProject>> = Vec::new();
    let mut checkers: Vec<Arc<Checker>> = Vec::new();
    let mut bench_of_dir: Vec<usize> = Vec::with_capacity(dirs.len());
    let mut made: Vec<(Option<Arc<ConfigFile>>, Arc<RuleSettings>)> = Vec::new();
    let mut by_folder = FxHashMap::default();
    for ((dir, _), (versions, config)) in dirs.iter().zip(resolved) {
        let versions = versions?;
        let bench = match checkers
            .iter()
            .position(|c| Arc::ptr_eq(c, &versions.checker))
        {
            Some(i) => i,
            None => {
                checkers.push(versions.checker.clone());
                checkers.len() - 1
            }
        };
        bench_of_dir.push(bench);
        if !projects.iter().any(|p| Arc::ptr_eq(p, &versions)) {
            projects.push(versions);
        }
        let Some(config) = config else {
            continue;
        };
        let config = config?;
        let same = |(c, _): &&(Option<Arc<ConfigFile>>, _)| match (c, &config) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        };
        let settings = match made.iter().find(same) {
            Some((_, settings)) => settings.clone(),
            None => {
                let settings = Arc::new(project.config.rule_settings(config.as_deref()));
                made.push((config, settings.clone()));
                settings
            }
        };
        by_folder.insert(dir.to_os_string(), settings);
    }
    projects.sort_by(|a, b| a.folder.cmp(&b.folder));
    let all = match one_config {
        Some(file) => {
            let config = project.config.config_for_file(file)?;
            Some(Arc::new(project.config.rule_settings(config.as_deref())))
        }
        None => None,
    };
    // With one checker, every file's is it: no table (see `FolderSettings::bench_of`).
    let bench_by_folder = match checkers.len() {
        0 | 1 => Default::default(),
        _ => (dirs.iter().zip(bench_of_dir))
            .map(|((dir, _), bench)| (dir.to_os_string(), bench))
            .collect(),
    };
    // Every folder is resolved: what the look-ups memoised per folder is needed no more.
    project.forget_folders();
    Ok(FolderSettings {
        all,
        by_folder,
        projects,
        checkers,
        bench_by_folder,
    })
}
