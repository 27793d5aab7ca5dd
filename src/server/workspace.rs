//! The workspace: its folders, and the project each document belongs to (configuration,
//! dagster versions, catalogs and checker, as the CLI opens them), reopened when a
//! configuration file changes.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::Uri;

use super::log::log;
use crate::check::Checker;
use crate::config::{Overrides, Source};
use crate::pipeline::FileChecker;
use crate::project::Project;
use crate::rules::selection::RuleSettings;

/// Version sources whose change reloads the versions of the projects (their names, or a glob
/// for requirements files), besides the configuration files ([`crate::config::FILE_NAMES`]).
const VERSION_FILES: [&str; 4] = ["uv.lock", "poetry.lock", "pdm.lock", "requirements*.txt"];

/// Files whose change reloads the configuration and the versions of the projects: the
/// configuration files and the [`VERSION_FILES`]. The client is asked to watch them.
pub fn config_files() -> impl Iterator<Item = &'static str> {
    crate::config::FILE_NAMES.into_iter().chain(VERSION_FILES)
}

/// True when `path` is one of the [`config_files`].
pub fn is_config_file(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        config_files().any(|f| f == n) || (n.starts_with("requirements") && n.ends_with(".txt"))
    })
}

/// The name a document's findings carry, and that per-file rules match: its path as the CLI
/// shows it (relative to the current directory when under it), else the URI of an unsaved
/// buffer.
pub fn display_name(path: Option<&Path>, uri: &Uri) -> String {
    match path {
        Some(path) => crate::paths::display_relative(path),
        None => uri.as_str().to_string(),
    }
}

/// The workspace folders and the projects opened in them.
#[derive(Default)]
pub struct Workspace {
    roots: Vec<PathBuf>,
    projects: HashMap<PathBuf, Project>,
    /// The version projects whose notes were logged (once each).
    noted: HashSet<Option<PathBuf>>,
    /// Configuration errors not yet shown to the user (see [`Workspace::take_problems`]).
    problems: Vec<String>,
    /// Configuration errors shown since the last reload (each is shown once).
    shown: HashSet<String>,
}

impl Workspace {
    /// Sets the workspace folders (innermost first). Their projects are opened when a
    /// document needs one.
    pub fn set_roots(&mut self, mut roots: Vec<PathBuf>) {
        roots.sort_by_key(|r| std::cmp::Reverse(r.as_os_str().len()));
        self.roots = roots;
        self.reload();
    }

    /// The project of a document: the one of the innermost workspace folder that holds it,
    /// else of its own folder (of the outermost workspace folder for an unsaved buffer).
    pub fn project_for(&mut self, path: Option<&Path>) -> &Project {
        let anchor = match path {
            Some(path) => match self.roots.iter().find(|r| path.starts_with(r)) {
                Some(root) => root.clone(),
                None => path.parent().unwrap_or(path).to_path_buf(),
            },
            None => self
                .roots
                .last()
                .cloned()
                .unwrap_or_else(|| PathBuf::from("/")),
        };
        if !self.projects.contains_key(&anchor) {
            let project = Project::open(&anchor, Source::Discover, Overrides::default())
                .unwrap_or_else(|error| {
                    self.problem(format!("{error}; using the default configuration"));
                    Project::open(&anchor, Source::Isolated, Overrides::default())
                        .expect("a project without configuration opens")
                });
            self.projects.insert(anchor.clone(), project);
        }
        &self.projects[&anchor]
    }

    /// The checker of a document: that of the version project of its path (see
    /// [`Project::version_project`]), memoised per project folder; for an unsaved buffer,
    /// that of the outermost workspace folder (never of the server's current directory).
    pub fn checker_for(&mut self, path: Option<&Path>) -> Arc<Checker> {
        let folder = self.roots.last().cloned();
        let project = self.project_for(path);
        let versions = match (path, &folder) {
            (Some(path), _) => project.version_project(path),
            (None, Some(folder)) => project.version_project_of_dir(folder),
            (None, None) => project.version_project_of_dir(Path::new("/")),
        };
        let versions = versions.unwrap_or_else(|error| {
            self.problem(format!("{error}; using the default configuration"));
            let dir = path.and_then(Path::parent).or(folder.as_deref());
            let dir = dir.unwrap_or(Path::new("/"));
            Project::open(dir, Source::Isolated, Overrides::default())
                .and_then(|p| p.version_project_of_dir(dir))
                .expect("a project without configuration opens")
        });
        if self.noted.insert(versions.folder.clone()) {
            for note in &versions.notes {
                log(&format!("note: {note}"));
            }
        }
        versions.checker.clone()
    }

    /// How the document at `path` is judged: the checker of [`Workspace::checker_for`] and the
    /// rule settings of its project (the defaults when its configuration cannot be read).
    pub fn file_checker(&mut self, path: Option<&Path>) -> FileChecker {
        let checker = self.checker_for(path);
        let settings = Arc::new(self.settings_for(path));
        FileChecker { checker, settings }
    }

    /// The rule settings of the document at `path` in its project; the defaults (and a
    /// problem to show) when its configuration cannot be read.
    fn settings_for(&mut self, path: Option<&Path>) -> RuleSettings {
        let project = self.project_for(path);
        let Some(path) = path else {
            return project.config.rule_settings(None);
        };
        match project.rule_settings(path) {
            Ok(settings) => settings,
            Err(error) => {
                self.problem(format!("{error}; using the default settings"));
                RuleSettings::default()
            }
        }
    }

    /// Forgets the projects: a configuration file changed.
    pub fn reload(&mut self) {
        self.projects.clear();
        self.noted.clear();
        self.shown.clear();
    }

    /// Logs a configuration error and queues it to be shown, once until the next reload.
    fn problem(&mut self, message: String) {
        log(&message);
        if self.shown.insert(message.clone()) {
            self.problems.push(message);
        }
    }

    /// The configuration errors met since the last call, for the user to see (the CLI exits 2
    /// on them; an editor keeps going with the defaults but says so).
    pub fn take_problems(&mut self) -> Vec<String> {
        std::mem::take(&mut self.problems)
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn names_are_the_cli_names() {
        let cwd = std::env::current_dir().unwrap();
        let uri = Uri::from_str("file:///x.py").unwrap();
        let inside = cwd.join("pkg").join("a.py");
        assert_eq!(display_name(Some(&inside), &uri), "pkg/a.py");
        let outside = Path::new("/elsewhere/c.py");
        assert_eq!(display_name(Some(outside), &uri), "/elsewhere/c.py");
        let untitled = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(display_name(None, &untitled), "untitled:Untitled-1");
    }

    #[test]
    fn config_files_are_recognised() {
        assert!(is_config_file(Path::new("/repo/pyproject.toml")));
        assert!(is_config_file(Path::new("/repo/.dagster-api-lint.toml")));
        assert!(!is_config_file(Path::new("/repo/setup.cfg")));
        assert!(is_config_file(Path::new("/repo/sub/uv.lock")));
        assert!(is_config_file(Path::new("/repo/requirements-dev.txt")));
    }

    #[test]
    fn documents_belong_to_the_innermost_folder() {
        let dir = tempfile::tempdir().unwrap();
        let (outer, inner) = (dir.path().to_path_buf(), dir.path().join("inner"));
        std::fs::create_dir_all(&inner).unwrap();
        std::fs::write(
            inner.join("pyproject.toml"),
            "[tool.dagster-api-lint]\nignore = [\"DAG2\"]\n",
        )
        .unwrap();
        let mut workspace = Workspace::default();
        workspace.set_roots(vec![outer.clone(), inner.clone()]);
        let file = inner.join("a.py");
        let project = workspace.project_for(Some(&file));
        assert_eq!(project.root, inner);
        assert_eq!(workspace.settings_for(Some(&file)).ignore, ["DAG2"]);
        assert!(workspace
            .settings_for(Some(&outer.join("b.py")))
            .ignore
            .is_empty());
        assert!(workspace.take_problems().is_empty());
    }

    #[test]
    fn each_document_is_judged_by_its_own_project() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let lock = |v: &str| format!("[[package]]\nname = \"dagster\"\nversion = \"{v}\"\n");
        std::fs::write(root.join("uv.lock"), lock("1.9.13")).unwrap();
        std::fs::create_dir_all(root.join("sub/pkg")).unwrap();
        std::fs::write(root.join("sub/uv.lock"), lock("1.13.29")).unwrap();
        let mut workspace = Workspace::default();
        workspace.set_roots(vec![root.clone()]);
        let source = "import dagster.components\n";
        let codes = |checker: &Checker| -> Vec<&'static str> {
            checker
                .check_source(None, "x.py", source)
                .iter()
                .map(|d| d.rule.code)
                .collect()
        };
        let top = workspace.checker_for(Some(&root.join("a.py")));
        let sub = workspace.checker_for(Some(&root.join("sub/pkg/a.py")));
        assert_eq!(codes(&top), ["DAG003"], "1.9.13 has no dagster.components");
        assert!(codes(&sub).is_empty(), "1.13.29 has it");
        // Memoised: the same checker for every document of a project.
        let again = workspace.checker_for(Some(&root.join("sub/b.py")));
        assert!(Arc::ptr_eq(&sub, &again));
        // An unsaved buffer takes the workspace folder's project, not the current directory's.
        let unsaved = workspace.checker_for(None);
        assert!(Arc::ptr_eq(&top, &unsaved));
    }
}
