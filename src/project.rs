//! A checked project: its configuration, the dagster versions it runs on and the catalogs that
//! answer for them. The CLI, stdin mode and the language server all start here.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::catalog::shipped;
use crate::check::{Checker, Diagnostic};
use crate::config::{self, ConfigFile, Overrides, Source};
use crate::rules;
use crate::runner::{self, RuleSettings};
use crate::syntax::{LineIndex, Span};
use crate::versions::{self, Choice, Detected};

/// Everything a run needs to know about the project.
pub struct Project {
    /// The folder versions are detected in (the nearest configuration file's, else the
    /// nearest folder with a `pyproject.toml`, else the current directory).
    pub root: PathBuf,
    /// Per-file configuration.
    pub config: config::Resolver,
    /// The configuration file of the root.
    pub root_config: Option<Arc<ConfigFile>>,
    /// The checker over the chosen catalogs.
    pub checker: Checker,
    /// The catalog chosen per package, with the reason.
    pub choices: BTreeMap<String, Choice>,
    /// Notes for the user (inexact catalogs).
    pub notes: Vec<String>,
}

impl Project {
    /// Opens the project that `first_path` (a checked path) belongs to.
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

        let mut detected = versions::detect(&root);
        let flag_or_config = config
            .overrides()
            .dagster_version
            .as_ref()
            .map(|v| (v.clone(), "--dagster-version".to_string()))
            .or_else(|| {
                let c = root_config.as_ref()?;
                let v = c.options.dagster_version.clone()?;
                Some((v, format!("`dagster-version` in {}", c.path.display())))
            });
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
                    notes.push(choice.reason.clone());
                }
                choices.insert(package, choice);
            }
        }
        let extra = root_config
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
        let target_version = config.overrides().target_version.clone().or_else(|| {
            root_config
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
        Ok(Project {
            root,
            config,
            root_config,
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
    /// `.ruff_cache` (so that a run from a subfolder, an editor or a hook shares it).
    pub fn cache_dir(&self, flag: Option<&Path>) -> (PathBuf, String) {
        if let Some(dir) = flag {
            return (dir.to_path_buf(), "command line or environment".into());
        }
        let configured = self.root_config.as_ref().and_then(|c| {
            let dir = c.options.cache_dir.as_ref()?;
            Some((c.root().join(dir), c.path.display().to_string()))
        });
        configured.unwrap_or_else(|| {
            let dir = relative_to_cwd(&self.root.join(crate::cache::DIR_NAME));
            (dir, "default: in the project root".into())
        })
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

    /// DAG301: Python versions the project's `requires-python` allows but the selected dagster
    /// release does not support. One finding, at the `requires-python` line of the root's
    /// `pyproject.toml`.
    pub fn python_support(&self) -> Option<Diagnostic> {
        let pyproject = self.root.join("pyproject.toml");
        let text = std::fs::read_to_string(&pyproject).ok()?;
        let doc: toml::Table = toml::from_str(&text).ok()?;
        let spec = doc.get("project")?.get("requires-python")?.as_str()?;
        let dagster = self.choices.get("dagster")?.catalog.get();
        let dagster_spec = dagster.requires_python.as_deref()?;
        let allowed = versions::python_minors(spec)?;
        let supported = versions::python_minors(dagster_spec)?;
        let unsupported: Vec<String> = allowed
            .iter()
            .filter(|m| !supported.contains(m))
            .map(|m| format!("3.{m}"))
            .collect();
        if unsupported.is_empty() {
            return None;
        }
        let offset = text.find("requires-python").unwrap_or(0);
        let line_end = text[offset..].find('\n').map_or(text.len(), |e| offset + e);
        let span = Span {
            start: offset as u32,
            end: line_end as u32,
        };
        let filename = runner::display_path(&relative_to_cwd(&pyproject));
        let message = format!(
            "`requires-python = \"{spec}\"` allows Python {}, which dagster {} does not support (it requires Python {dagster_spec}).",
            unsupported.join(", "),
            dagster.version
        );
        Some(Diagnostic::at(
            rules::by_code("DAG301")?,
            &filename,
            &text,
            &LineIndex::new(&text),
            span,
            message,
        ))
    }

    /// `--show-settings`: the resolved settings for `file` and where each came from
    /// (`cache_flag`: `--cache-dir`, if given).
    pub fn show_settings(&self, file: &Path, cache_flag: Option<&Path>) -> Result<String, String> {
        let config = self.config.config_for(file)?;
        let settings = self.config.rule_settings(config.as_deref());
        let mut out = String::new();
        let from = |set: bool, what: &str| -> String {
            if set {
                what.to_string()
            } else {
                "default".to_string()
            }
        };
        let file_label = config
            .as_ref()
            .map_or("no configuration file".to_string(), |c| {
                c.path.display().to_string()
            });
        let _ = writeln!(out, "Settings for {}", file.display());
        let _ = writeln!(out, "  configuration file: {file_label}");
        let _ = writeln!(out, "  project root: {}", self.root.display());
        let o = config
            .as_ref()
            .map(|c| c.options.clone())
            .unwrap_or_default();
        let overrides = self.config.overrides();
        let origin = |cli: bool, file: bool| -> String {
            if cli {
                "command line".into()
            } else {
                from(file, &file_label)
            }
        };
        let rows = [
            (
                "select",
                format!("{:?}", settings.select),
                origin(!overrides.select.is_empty(), o.select.is_some()),
            ),
            (
                "extend-select",
                format!("{:?}", settings.extend_select),
                origin(
                    !overrides.extend_select.is_empty(),
                    o.extend_select.is_some(),
                ),
            ),
            (
                "ignore",
                format!("{:?}", settings.ignore),
                origin(!overrides.ignore.is_empty(), o.ignore.is_some()),
            ),
            (
                "per-file-ignores",
                format!("{:?}", settings.per_file_ignores),
                from(o.per_file_ignores.is_some(), &file_label),
            ),
            (
                "severity",
                format!("{:?}", settings.severity),
                from(o.severity.is_some(), &file_label),
            ),
        ];
        for (key, value, origin) in rows {
            let _ = writeln!(out, "  {key} = {value}  ({origin})");
        }
        let _ = writeln!(out, "  exclude = {:?}", self.exclude());
        let (cache_dir, cache_origin) = self.cache_dir(cache_flag);
        let _ = writeln!(
            out,
            "  cache-dir = {}  ({cache_origin})",
            cache_dir.display()
        );
        if let Some(t) = overrides
            .target_version
            .as_ref()
            .or(o.target_version.as_ref())
        {
            let _ = writeln!(out, "  target-version = {t}");
        }
        let _ = writeln!(out, "  catalogs:");
        for (package, choice) in &self.choices {
            let _ = writeln!(
                out,
                "    {package} {}: {}",
                choice.catalog.version(),
                choice.reason
            );
        }
        Ok(out)
    }
}

/// A path relative to the current directory when it is under it.
pub fn relative_to_cwd(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}
