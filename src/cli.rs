//! Command-line interface: argument parsing and the subcommands.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::catalog::{self, shipped, sources::SourceSet, Catalog};

/// Exit code: nothing found.
pub const EXIT_CLEAN: i32 = 0;
/// Exit code: findings reported.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: usage or I/O error.
pub const EXIT_ERROR: i32 = 2;

#[derive(Parser)]
#[command(
    name = "dagster-api-lint",
    version,
    about = "Finds uses of Dagster APIs without a stability guarantee",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Query and build API catalogs.
    #[command(subcommand)]
    Catalog(CatalogCommand),
}

#[derive(Subcommand)]
enum CatalogCommand {
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
    /// Show what a catalog says about names ("is X stable?").
    Show {
        /// Package import name.
        #[arg(long, default_value = "dagster")]
        package: String,
        /// Catalog version (default: newest shipped).
        #[arg(long)]
        version: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
        /// Only rows whose symbol is NAME, ends with `.NAME`, or starts with `NAME.`.
        name: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ShowFormat {
    Text,
    JsonLines,
}

/// Runs the tool on the given arguments and returns the exit code.
pub fn run(args: Vec<OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_CLEAN
            };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Catalog(c) => run_catalog(c),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("dagster-api-lint: error: {message}");
            EXIT_ERROR
        }
    }
}

fn run_catalog(command: CatalogCommand) -> Result<i32, String> {
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
        CatalogCommand::Show {
            package,
            version,
            format,
            name,
        } => {
            let version = match version {
                Some(v) => v,
                None => shipped::newest(&package)
                    .ok_or_else(|| format!("no shipped catalog for package `{package}`"))?
                    .to_string(),
            };
            let catalog = shipped::load(&package, &version).ok_or_else(|| {
                format!(
                    "no shipped catalog for {package} {version}; shipped versions: {}",
                    shipped::versions(&package).join(", ")
                )
            })?;
            show(catalog, format, name.as_deref())?;
            Ok(EXIT_CLEAN)
        }
    }
}

/// Serialises a catalog the way `api-catalog/` stores it (stable, pretty JSON).
pub fn catalog_json(catalog: &Catalog) -> String {
    let mut text = serde_json::to_string_pretty(catalog).expect("catalog serialises");
    text.push('\n');
    text
}

fn write_catalogs(catalogs: &[Catalog], output: Option<PathBuf>) -> Result<(), String> {
    let io = |p: &std::path::Path, e: std::io::Error| format!("{}: {e}", p.display());
    match output {
        None => {
            let mut stdout = std::io::stdout().lock();
            for c in catalogs {
                stdout
                    .write_all(catalog_json(c).as_bytes())
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
            std::fs::write(&path, catalog_json(c)).map_err(|e| io(&path, e))?;
        }
        Some(dir) => {
            for c in catalogs {
                let folder = dir.join(&c.package);
                std::fs::create_dir_all(&folder).map_err(|e| io(&folder, e))?;
                let file = folder.join(format!("{}.json", c.version));
                std::fs::write(&file, catalog_json(c)).map_err(|e| io(&file, e))?;
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
