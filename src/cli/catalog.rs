//! `catalog`: build, merge, verify, diff and show API catalogs.

use std::io::Write;
use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

use super::{EXIT_CLEAN, EXIT_FINDINGS};
use crate::catalog::{self, shipped, sources::SourceSet, Catalog};

#[derive(Subcommand)]
pub(super) enum CatalogCommand {
    /// Build catalogs from dagster sources: site-packages directories, unpacked wheels or .whl files.
    Build {
        /// Inputs; every dagster / dagster-* distribution found in them is catalogued.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output: a file (one catalog) or a directory (writes DIR/<package>/<version>.json).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Only write catalogs of these packages (import names, e.g. dagster_dbt).
        #[arg(long = "package")]
        packages: Vec<String>,
    },
    /// Merge the per-release catalogs of one package (`catalog build` output) into its history,
    /// the file `api-catalog/<package>.json` that answers for every release.
    Merge {
        /// Per-release catalog files, or folders whose `*.json` files are all merged.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// dagster's history: a library's objects that dagster's catalog at the pinned release
        /// holds unchanged are left out of the library's history and taken from it.
        #[arg(long)]
        base: Option<PathBuf>,
        /// The history file to write.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Check that freshly built catalogs of some releases agree with a history: putting them in
    /// place of the releases they stand for must leave the history byte-identical.
    Verify {
        /// The history (`api-catalog/<package>.json`).
        history: PathBuf,
        /// Per-release catalog files of that package.
        #[arg(required = true)]
        catalogs: Vec<PathBuf>,
        /// dagster's history, for a library (as with `catalog merge`).
        #[arg(long)]
        base: Option<PathBuf>,
    },
    /// Print the identity of this build's catalog builder (a hash of its sources), which keys
    /// the per-release builds that `scripts/refresh-catalogs` keeps.
    BuilderId,
    /// Names added and removed, and status changes, between two versions of a package.
    Diff {
        /// The older version.
        old: String,
        /// The newer version.
        new: String,
        /// Package import name.
        #[arg(long, default_value = "dagster")]
        package: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
    },
    /// Show what a catalog says about names ("is X stable?").
    Show {
        /// Package import name.
        #[arg(long, default_value = "dagster")]
        package: String,
        /// Catalog version (default: newest shipped).
        #[arg(long, conflicts_with = "catalog")]
        version: Option<String>,
        /// Read this catalog file (written by `catalog build`) instead of a shipped one.
        #[arg(long, value_name = "FILE.json")]
        catalog: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
        /// Only rows whose symbol is NAME, ends with `.NAME`, or starts with `NAME.`.
        name: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub(super) enum DiffFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub(super) enum ShowFormat {
    Text,
    JsonLines,
}

/// Runs a `catalog` subcommand; returns the exit code.
pub(super) fn run(command: CatalogCommand) -> Result<i32, String> {
    match command {
        CatalogCommand::Build {
            paths,
            output,
            packages,
        } => {
            let set = SourceSet::read(&paths)?;
            let catalogs: Vec<Catalog> = catalog::build::build(&set)
                .into_iter()
                .filter(|c| packages.is_empty() || packages.contains(&c.package))
                .collect();
            write_catalogs(&catalogs, output)?;
            Ok(EXIT_CLEAN)
        }
        CatalogCommand::Merge {
            inputs,
            base,
            output,
        } => {
            let mut files = Vec::new();
            for input in &inputs {
                if input.is_dir() {
                    let entries = std::fs::read_dir(input)
                        .map_err(|e| format!("{}: {e}", input.display()))?;
                    files.extend(
                        entries
                            .flatten()
                            .map(|e| e.path())
                            .filter(|p| p.extension().is_some_and(|e| e == "json")),
                    );
                } else {
                    files.push(input.clone());
                }
            }
            let catalogs = files
                .iter()
                .map(|f| read_json::<Catalog>(f))
                .collect::<Result<Vec<_>, _>>()?;
            let base = base.map(|p| read_json(&p)).transpose()?;
            let history = catalog::History::merge(catalogs, base.as_ref())?;
            std::fs::write(&output, catalog::history::to_json(&history))
                .map_err(|e| format!("{}: {e}", output.display()))?;
            eprintln!(
                "wrote {} ({} releases, {} exports, {} objects)",
                output.display(),
                history.releases.len(),
                history.exports.len(),
                history.objects.len()
            );
            Ok(EXIT_CLEAN)
        }
        CatalogCommand::Verify {
            history,
            catalogs,
            base,
        } => {
            let text = std::fs::read_to_string(&history)
                .map_err(|e| format!("{}: {e}", history.display()))?;
            let committed: catalog::History =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", history.display()))?;
            let base: Option<catalog::History> = base.map(|p| read_json(&p)).transpose()?;
            let mut fresh: std::collections::BTreeMap<String, Catalog> = Default::default();
            for path in &catalogs {
                let c: Catalog = read_json(path)?;
                if committed.index_of(&c.version).is_none() || c.package != committed.package {
                    return Err(format!(
                        "{}: {} {} is not a release of {}",
                        path.display(),
                        c.package,
                        c.version,
                        history.display()
                    ));
                }
                fresh.insert(c.version.clone(), c);
            }
            let all = committed
                .releases
                .iter()
                .map(|r| match fresh.remove(r) {
                    Some(c) => Ok(c),
                    None => committed
                        .at(r, base.as_ref())
                        .ok_or_else(|| format!("{r}: not in the history")),
                })
                .collect::<Result<Vec<_>, _>>()?;
            let merged = catalog::History::merge(all, base.as_ref())?;
            let versions: Vec<String> = catalogs
                .iter()
                .map(|p| {
                    p.file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
            if catalog::history::to_json(&merged) == text {
                println!(
                    "{}: {} identical when rebuilt",
                    committed.package,
                    versions.join(", ")
                );
                Ok(EXIT_CLEAN)
            } else {
                let differences = catalog::history::differences(&committed, &merged);
                println!(
                    "{}: rebuilding {} changes the history ({} entries), e.g.:\n  {}",
                    committed.package,
                    versions.join(", "),
                    differences.len(),
                    differences
                        .iter()
                        .take(20)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("\n  ")
                );
                Ok(EXIT_FINDINGS)
            }
        }
        CatalogCommand::BuilderId => {
            println!("{}", env!("DAGSTER_API_LINT_BUILDER_ID"));
            Ok(EXIT_CLEAN)
        }
        CatalogCommand::Diff {
            old,
            new,
            package,
            format,
        } => {
            let (a, b) = (
                release_catalog(&package, &old)?,
                release_catalog(&package, &new)?,
            );
            let changes = catalog::diff::diff(a, b);
            match format {
                DiffFormat::Text => print!("{}", catalog::diff::render_text(a, b, &changes)),
                DiffFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&changes).map_err(|e| e.to_string())?
                ),
            }
            Ok(EXIT_CLEAN)
        }
        CatalogCommand::Show {
            package,
            version: _,
            catalog: Some(file),
            format,
            name,
        } => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let catalog: Catalog = serde_json::from_str(&text)
                .map_err(|e| format!("{}: not a catalog: {e}", file.display()))?;
            if catalog.package != package {
                return Err(format!(
                    "{} is a catalog of `{}`, not of `{package}` (pass --package {})",
                    file.display(),
                    catalog.package,
                    catalog.package
                ));
            }
            show(&catalog, format, name.as_deref())?;
            Ok(EXIT_CLEAN)
        }
        CatalogCommand::Show {
            package,
            version,
            catalog: None,
            format,
            name,
        } => {
            let version = match version {
                Some(v) => v,
                None => shipped::newest(&package)
                    .ok_or_else(|| format!("no shipped catalog for package `{package}`"))?
                    .to_string(),
            };
            let catalog = release_catalog(&package, &version)?;
            show(catalog, format, name.as_deref())?;
            Ok(EXIT_CLEAN)
        }
    }
}

/// The shipped catalog that answers for `version` of `package` (see
/// [`crate::versions::pick_release`]); a note on stderr when it is not that exact release.
fn release_catalog(package: &str, version: &str) -> Result<&'static Catalog, String> {
    if shipped::versions(package).is_empty() {
        return Err(format!(
            "no shipped catalog for package `{package}`; shipped packages: {}",
            shipped::packages().join(", ")
        ));
    }
    let (release, note) = crate::versions::pick_release(package, version)?;
    if let Some(note) = note {
        eprintln!("dagster-api-lint: note: {note}");
    }
    shipped::load(package, release)
        .ok_or_else(|| format!("no shipped catalog for {package} {release}"))
}

/// Reads a JSON file (a catalog or a history), naming the file in an error.
fn read_json<T: serde::de::DeserializeOwned>(path: &std::path::Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn write_catalogs(catalogs: &[Catalog], output: Option<PathBuf>) -> Result<(), String> {
    let io = |p: &std::path::Path, e: std::io::Error| format!("{}: {e}", p.display());
    match output {
        None => {
            let mut stdout = std::io::stdout().lock();
            for c in catalogs {
                stdout
                    .write_all(catalog::to_json(c).as_bytes())
                    .map_err(|e| e.to_string())?;
            }
        }
        Some(path) if path.extension().is_some_and(|e| e == "json") => {
            let [c] = catalogs else {
                return Err(format!(
                    "{} names one file but {} catalogs were built; pass a directory or --package",
                    path.display(),
                    catalogs.len()
                ));
            };
            std::fs::write(&path, catalog::to_json(c)).map_err(|e| io(&path, e))?;
        }
        Some(dir) => {
            for c in catalogs {
                let folder = dir.join(&c.package);
                std::fs::create_dir_all(&folder).map_err(|e| io(&folder, e))?;
                let file = folder.join(format!("{}.json", c.version));
                std::fs::write(&file, catalog::to_json(c)).map_err(|e| io(&file, e))?;
                eprintln!(
                    "wrote {} ({} exports, {} objects)",
                    file.display(),
                    c.exports.len(),
                    c.objects.len()
                );
            }
        }
    }
    Ok(())
}

fn show(catalog: &Catalog, format: ShowFormat, name: Option<&str>) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    let rows = catalog.rows();
    let selected = rows.iter().filter(|r| match name {
        None => true,
        Some(n) => {
            r.symbol == n
                || r.symbol.ends_with(&format!(".{n}"))
                || r.symbol.starts_with(&format!("{n}."))
        }
    });
    let mut count = 0;
    for r in selected {
        count += 1;
        let line = match format {
            ShowFormat::JsonLines => serde_json::to_string(r).map_err(|e| e.to_string())?,
            ShowFormat::Text => {
                let status = if r.markers.is_empty() {
                    "stable".to_string()
                } else {
                    r.markers.join(", ")
                };
                let mut line = match &r.parameter {
                    Some(p) => format!("{}({p}=...)  parameter  {status}", r.symbol),
                    None => format!("{}  {}  {status}", r.symbol, r.kind),
                };
                if !r.public {
                    line.push_str("  (not public)");
                }
                if let Some(v) = &r.breaking_version {
                    line.push_str(&format!("  breaking in {v}"));
                }
                if let Some(m) = &r.message {
                    line.push_str(&format!("  — {m}"));
                }
                line
            }
        };
        if writeln!(out, "{line}").is_err() {
            return Ok(());
        }
    }
    if count == 0 {
        if let Some(n) = name {
            return Err(format!(
                "`{n}` is not in the {} {} catalog",
                catalog.package, catalog.version
            ));
        }
    }
    Ok(())
}
