//! Output formats. Each format is one file; all of them read the same [`Report`] and, where
//! they describe a finding as a JSON object, the same [`Record`].

mod github;
mod gitlab;
mod json;
mod junit;
mod line_hash;
mod sarif;
mod text;
pub mod upgrade;

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use clap::ValueEnum;
use serde::Serialize;

use crate::check::Diagnostic;
use crate::syntax::Location;

/// The result of a run: findings (sorted by file, position, code) and what was checked.
#[derive(Debug, Default)]
pub struct Report {
    /// Findings to show.
    pub diagnostics: Vec<Diagnostic>,
    /// Number of files checked (including those that failed to read).
    pub files_checked: usize,
    /// Findings hidden by `# noqa` comments.
    pub suppressed_by_noqa: usize,
    /// Findings hidden by the baseline.
    pub suppressed_by_baseline: usize,
}

impl Report {
    /// True when some file could not be read (exit code 2, SARIF `executionSuccessful: false`).
    pub fn had_io_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.rule.code == "E902")
    }
}

/// `--output-format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutputFormat {
    /// Diagnostics with the source line and a caret underline (default).
    Full,
    /// One line per diagnostic.
    Concise,
    /// A JSON array.
    Json,
    /// One JSON object per line.
    JsonLines,
    /// SARIF 2.1.0, as GitHub code scanning reads it.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality report (JSON).
    Gitlab,
    /// JUnit XML, one test suite per file.
    Junit,
}

/// Options that affect rendering.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// SARIF `automationDetails.id` (`--sarif-category`).
    pub automation_id: Option<String>,
}

/// Writes the report in `format`.
pub fn write(
    out: &mut dyn Write,
    format: OutputFormat,
    report: &Report,
    options: RenderOptions,
) -> io::Result<()> {
    match format {
        OutputFormat::Full => text::write(out, report, true, options),
        OutputFormat::Concise => text::write(out, report, false, options),
        OutputFormat::Json => json::write_array(out, report),
        OutputFormat::JsonLines => json::write_lines(out, report),
        OutputFormat::Sarif => sarif::write(out, report, &options),
        OutputFormat::Github => github::write(out, report),
        OutputFormat::Gitlab => gitlab::write(out, report),
        OutputFormat::Junit => junit::write(out, report),
    }
}

/// True for formats meant for people (a summary line belongs with them on stdout).
pub fn is_human(format: OutputFormat) -> bool {
    matches!(format, OutputFormat::Full | OutputFormat::Concise)
}

/// Writes the one-line summary: `Found 12 issues (3 deprecated, 9 beta) in 5 files.`
pub fn write_summary(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    text::write_summary(out, report)
}

/// Writes `--statistics`: a count per rule.
pub fn write_statistics(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    text::write_statistics(out, report)
}

/// One finding as a JSON object (shared by `json` and `json-lines`).
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    /// Rule code.
    pub code: &'a str,
    /// Rule name.
    pub name: &'a str,
    /// Effective severity.
    pub severity: &'a str,
    /// Message.
    pub message: &'a str,
    /// File as given.
    pub filename: &'a str,
    /// Start (1-based row and column).
    pub location: Location,
    /// End (1-based row, exclusive column).
    pub end_location: Location,
    /// Dotted symbol as reached.
    pub symbol: Option<&'a str>,
    /// Keyword for parameter findings.
    pub parameter: Option<&'a str>,
    /// Status reported.
    pub status: &'a str,
    /// Breaking version of a deprecation.
    pub breaking_version: Option<&'a str>,
    /// Replacement name of a plain rename.
    pub replacement: Option<&'a str>,
    /// Rule documentation.
    pub url: String,
}

impl<'a> Record<'a> {
    /// The record of a diagnostic.
    pub fn of(d: &'a Diagnostic) -> Record<'a> {
        Record {
            code: d.rule.code,
            name: d.rule.name,
            severity: d.severity.as_str(),
            message: &d.message,
            filename: &d.filename,
            location: d.start,
            end_location: d.end,
            symbol: d.symbol.as_deref(),
            parameter: d.parameter.as_deref(),
            status: d.status(),
            breaking_version: d.breaking_version.as_deref(),
            replacement: d.replacement.as_deref(),
            url: d.rule.url(),
        }
    }
}

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

    /// The repository-relative form of `filename` (absolute when it is outside the root).
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
        out.replace('\\', "/")
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
        assert_eq!(paths.get("pkg\\win.py"), "pkg/win.py");
        assert_eq!(paths.get("-"), "-");
    }
}
