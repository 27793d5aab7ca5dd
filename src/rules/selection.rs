//! Which rules apply where, and how severe their findings are: rule selection (`select`,
//! `extend-select`, `ignore`), `per-file-ignores`, severity overrides, and the `# noqa`
//! directives (see [`super::noqa`]) applied to one file's raw findings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::noqa;
use super::rule::{Rule, Severity};
use crate::diagnostic::Diagnostic;
use crate::paths::normalise;

/// Which rules apply where, and how severe they are.
#[derive(Debug, Clone)]
pub struct RuleSettings {
    /// Selected codes or prefixes (by default the rules selected by default, see
    /// [`super::default_selection`]; `ALL` selects every rule).
    pub select: Vec<String>,
    /// Added to `select`.
    pub extend_select: Vec<String>,
    /// Ignored codes or prefixes.
    pub ignore: Vec<String>,
    /// Codes ignored in the files matching a glob.
    pub per_file_ignores: PerFileIgnores,
    /// Severity overrides by code.
    pub severity: BTreeMap<String, Severity>,
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            select: super::default_selection(),
            extend_select: Vec::new(),
            ignore: Vec::new(),
            per_file_ignores: PerFileIgnores::default(),
            severity: BTreeMap::new(),
        }
    }
}

impl RuleSettings {
    /// True when `rule` is reported for the file named `path` (as a run displays it: relative
    /// to the current directory, or absolute).
    pub fn enabled(&self, path: &str, rule: &Rule) -> bool {
        if rule.run_error {
            return true; // a file that cannot be read is always reported
        }
        let code = rule.code;
        let selected = self
            .select
            .iter()
            .chain(&self.extend_select)
            .any(|s| super::matches(s, code));
        let ignored = self.ignore.iter().any(|s| super::matches(s, code))
            || self.per_file_ignores.ignores(path, code);
        selected && !ignored
    }
}

/// `per-file-ignores`: codes ignored in the files a glob matches. Each glob is compiled once,
/// and one with a `/` is anchored to the folder of the configuration file that declared it
/// (as in ruff): `tests/*.py` in `proj/pyproject.toml` matches `proj/tests/a.py`, wherever the
/// run starts. A glob without a `/` matches a file name in any folder.
#[derive(Clone, Default)]
pub struct PerFileIgnores {
    /// The folder anchored globs are relative to (absolute, normalised).
    base: PathBuf,
    /// The current directory when the globs were compiled: relative file names are under it.
    cwd: PathBuf,
    /// Each glob, in the order declared.
    entries: Vec<PerFileIgnore>,
}

/// One glob of [`PerFileIgnores`] and the codes it ignores.
#[derive(Clone)]
struct PerFileIgnore {
    /// The glob as declared.
    glob: String,
    /// True when it holds a `/`: matched against the path relative to the base folder.
    anchored: bool,
    /// The compiled glob (`None`: it does not compile, and matches nothing; configuration
    /// files are validated when loaded).
    matcher: Option<ignore::overrides::Override>,
    /// Codes or prefixes ignored.
    codes: Vec<String>,
}

impl PerFileIgnores {
    /// Compiles `globs` (glob, codes) declared in a configuration file of the folder `base`.
    pub fn new(base: &Path, globs: impl IntoIterator<Item = (String, Vec<String>)>) -> Self {
        let cwd = std::env::current_dir().unwrap_or_default();
        let entries = globs
            .into_iter()
            .map(|(glob, codes)| {
                let anchored = glob.contains('/');
                let pattern = match anchored {
                    true => glob.clone(),
                    false => format!("**/{glob}"),
                };
                let mut builder = ignore::overrides::OverrideBuilder::new("/");
                let matcher = builder.add(&pattern).ok().and_then(|b| b.build().ok());
                PerFileIgnore {
                    glob,
                    anchored,
                    matcher,
                    codes,
                }
            })
            .collect();
        PerFileIgnores {
            base: normalise(&cwd.join(base)),
            cwd,
            entries,
        }
    }

    /// True when `code` is ignored in the file named `path` (relative to the current
    /// directory, or absolute).
    pub fn ignores(&self, path: &str, code: &str) -> bool {
        let mut wanted = self
            .entries
            .iter()
            .filter(|e| e.codes.iter().any(|s| super::matches(s, code)))
            .peekable();
        if wanted.peek().is_none() {
            return false;
        }
        let absolute = normalise(&self.cwd.join(path));
        let under_base = absolute.strip_prefix(&self.base).ok();
        wanted.any(|entry| {
            let matched = match (entry.anchored, under_base) {
                (true, Some(relative)) => format!("/{}", slashed(relative)),
                (true, None) => return false,
                (false, _) => slashed(&absolute),
            };
            (entry.matcher.as_ref()).is_some_and(|m| m.matched(matched, false).is_whitelist())
        })
    }
}

/// A path with `/` separators.
fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

impl std::fmt::Debug for PerFileIgnores {
    /// As `--show-settings` prints them: each glob as declared, with its codes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.entries.iter().map(|e| (&e.glob, &e.codes)))
            .finish()
    }
}

/// Decides each finding of the file `filename` under `settings`: its severity, or `None` when
/// its rule is off for the file. Whether a code is enabled depends on the code and the file
/// only: it is decided once per code.
struct Verdicts<'s> {
    settings: &'s RuleSettings,
    filename: &'s str,
    enabled: Vec<(&'static Rule, bool)>,
}

impl<'s> Verdicts<'s> {
    fn new(settings: &'s RuleSettings, filename: &'s str) -> Self {
        Verdicts {
            settings,
            filename,
            enabled: Vec::new(),
        }
    }

    fn enabled(&mut self, rule: &'static Rule) -> bool {
        match self.enabled.iter().find(|(r, _)| *r == rule) {
            Some((_, on)) => *on,
            None => {
                let on = self.settings.enabled(self.filename, rule);
                self.enabled.push((rule, on));
                on
            }
        }
    }

    fn verdict(&mut self, d: &Diagnostic) -> Option<Severity> {
        self.enabled(d.rule).then(|| {
            self.settings
                .severity
                .get(d.rule.code)
                .copied()
                .unwrap_or(d.severity)
        })
    }
}

/// Applies rule selection, severity overrides and noqa directives (see [`super::noqa`]) to
/// one file's raw findings, and reports the directives that hid nothing when DAG900 is
/// selected. Returns the kept diagnostics and how many noqa hid.
pub fn apply_settings(
    mut diagnostics: Vec<Diagnostic>,
    settings: &RuleSettings,
) -> (Vec<Diagnostic>, usize) {
    let mut suppressed = 0;
    let Some(first) = diagnostics.first() else {
        return (diagnostics, 0);
    };
    let filename = first.filename.clone();
    let mut directives = noqa::Directives::take(&mut diagnostics);
    let mut verdicts = Verdicts::new(settings, &filename);
    diagnostics.retain_mut(|d| match verdicts.verdict(d) {
        None => false,
        Some(_) if directives.hides(d) => {
            suppressed += 1;
            false
        }
        Some(severity) => {
            d.severity = severity;
            true
        }
    });
    if verdicts.enabled(&super::UNUSED_NOQA) {
        let unused = directives.unused();
        if !unused.is_empty() {
            for mut d in unused {
                d.severity = verdicts.verdict(&d).unwrap_or(d.severity);
                diagnostics.push(d);
            }
            // Stable: findings at one place keep their order.
            diagnostics.sort_by_key(Diagnostic::position);
        }
    }
    (diagnostics, suppressed)
}

/// True when `settings` leave the findings of the file `filename` as they are: every one is
/// shown, with its severity, and no noqa directive is among them.
pub fn keeps_unchanged(
    diagnostics: &[Diagnostic],
    filename: &str,
    settings: &RuleSettings,
) -> bool {
    let mut verdicts = Verdicts::new(settings, filename);
    diagnostics
        .iter()
        .all(|d| !noqa::is_record(d) && verdicts.verdict(d) == Some(d.severity))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;
    use crate::syntax;

    /// `per-file-ignores` declared in the current directory.
    fn here(globs: &[(&str, &str)]) -> PerFileIgnores {
        let globs = globs
            .iter()
            .map(|(glob, code)| (glob.to_string(), vec![code.to_string()]));
        PerFileIgnores::new(Path::new(""), globs)
    }

    #[test]
    fn cached_findings_are_kept_unchanged_only_when_no_setting_touches_them() {
        let d = Diagnostic::new(&rules::DEPRECATED_SYMBOL, "x.py", "placeholder");
        let findings = [d.clone()];
        let defaults = RuleSettings::default();
        assert!(keeps_unchanged(&findings, "x.py", &defaults));
        let ignoring = RuleSettings {
            per_file_ignores: here(&[("x.py", "DAG001")]),
            ..RuleSettings::default()
        };
        assert!(!keeps_unchanged(&findings, "x.py", &ignoring));
        assert!(keeps_unchanged(&findings, "y.py", &ignoring));
        let mut louder = RuleSettings::default();
        louder.severity.insert("DAG001".into(), Severity::Error);
        assert_ne!(d.severity, Severity::Error);
        assert!(!keeps_unchanged(&findings, "x.py", &louder));
        let source = "from dagster import SourceAsset  # noqa\n";
        let mut with_directive = vec![d];
        with_directive.extend(noqa::records("x.py", source, &syntax::parse(source)));
        assert_eq!(with_directive.len(), 2);
        assert!(!keeps_unchanged(&with_directive, "x.py", &defaults));
    }

    #[test]
    fn selection_and_per_file_ignores() {
        let settings = RuleSettings {
            ignore: vec!["DAG2".into()],
            per_file_ignores: here(&[("tests/*.py", "DAG101")]),
            ..RuleSettings::default()
        };
        assert!(settings.enabled("src/a.py", &rules::DEPRECATED_SYMBOL));
        assert!(!settings.enabled("src/a.py", &rules::PRIVATE_IMPORT));
        assert!(!settings.enabled("tests/test_a.py", &rules::BETA_SYMBOL));
        assert!(settings.enabled("src/test_a.py", &rules::BETA_SYMBOL));
        assert!(settings.enabled("src/a.py", &rules::IO_ERROR));
    }

    #[test]
    fn per_file_ignores_are_anchored_to_the_folder_that_declared_them() {
        let cwd = std::env::current_dir().unwrap();
        let ignores = PerFileIgnores::new(
            &cwd.join("proj"),
            [
                ("tests/*.py".to_string(), vec!["DAG1".to_string()]),
                ("conftest.py".to_string(), vec!["DAG2".to_string()]),
            ],
        );
        // Relative to the current directory, or absolute: the same file.
        assert!(ignores.ignores("proj/tests/a.py", "DAG101"));
        let absolute = cwd.join("proj/tests/a.py");
        assert!(ignores.ignores(absolute.to_str().unwrap(), "DAG101"));
        assert!(ignores.ignores("./proj/x/../tests/a.py", "DAG101"));
        assert!(!ignores.ignores("proj/tests/a.py", "DAG201"));
        // Not the folder's `tests/`, nor one outside it.
        assert!(!ignores.ignores("tests/a.py", "DAG101"));
        assert!(!ignores.ignores("proj/src/tests/a.py", "DAG101"));
        assert!(!ignores.ignores("/elsewhere/tests/a.py", "DAG101"));
        // A bare name matches in any folder.
        assert!(ignores.ignores("proj/src/conftest.py", "DAG201"));
        assert!(ignores.ignores("/elsewhere/conftest.py", "DAG201"));
        assert_eq!(
            format!("{ignores:?}"),
            r#"[("tests/*.py", ["DAG1"]), ("conftest.py", ["DAG2"])]"#
        );
    }

    #[test]
    fn opt_in_rules_run_only_when_selected_explicitly() {
        let with = |select: &[&str], extend: &[&str], ignore: &[&str]| RuleSettings {
            select: match select {
                [] => RuleSettings::default().select,
                given => given.iter().map(|s| s.to_string()).collect(),
            },
            extend_select: extend.iter().map(|s| s.to_string()).collect(),
            ignore: ignore.iter().map(|s| s.to_string()).collect(),
            ..RuleSettings::default()
        };
        let defaults = with(&[], &[], &[]);
        assert!(defaults.enabled("a.py", &rules::NON_PUBLIC_API));
        assert!(!defaults.enabled("a.py", &rules::NON_PUBLIC_MEMBER));
        assert!(with(&[], &["DAG203"], &[]).enabled("a.py", &rules::NON_PUBLIC_MEMBER));
        assert!(with(&["ALL"], &[], &[]).enabled("a.py", &rules::NON_PUBLIC_MEMBER));
        assert!(with(&["DAG2"], &[], &[]).enabled("a.py", &rules::NON_PUBLIC_MEMBER));
        assert!(!with(&["ALL"], &[], &["DAG203"]).enabled("a.py", &rules::NON_PUBLIC_MEMBER));
        assert!(!with(&["DAG0"], &[], &[]).enabled("a.py", &rules::NON_PUBLIC_MEMBER));
    }
}
