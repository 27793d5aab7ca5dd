//! Command-line interface: argument parsing and the subcommands.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::baseline::Baseline;
use crate::catalog::{self, shipped, sources::SourceSet, Catalog};
use crate::check::Checker;
use crate::config;
use crate::diagnostic::Diagnostic;
use crate::discovery::{snapshot, Found, Walk};
use crate::fail_on::{self, FailOn};
use crate::fix::{self, Applicability};
use crate::gate::Gate;
use crate::project::{Project, VersionProject};
use crate::report::{self, OutputFormat, RenderOptions, RepoPaths, Report};
use crate::rules;
use crate::runner;
use rayon::prelude::*;
use std::sync::Arc;

/// Exit code: nothing found.
pub const EXIT_CLEAN: i32 = 0;
/// Exit code: findings reported.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: usage or I/O error.
pub const EXIT_ERROR: i32 = 2;

#[derive(Parser)]
#[command(
    name = "dagster-api-lint",
    version = version_text(),
    about = "Finds uses of Dagster APIs without a stability guarantee",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check Python files for unstable dagster API uses (the default command).
    Check(Box<CheckArgs>),
    /// Print the documentation of a rule.
    Rule {
        /// Rule code, e.g. DAG001.
        code: String,
    },
    /// List every rule.
    Rules {
        /// `markdown` prints every rule's documentation as one page.
        #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
        format: RulesFormat,
    },
    /// Query and build API catalogs.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// One page to read before upgrading dagster: findings against the target, grouped by symbol.
    UpgradeReport {
        /// Files or directories (default: the current directory).
        paths: Vec<PathBuf>,
        /// The dagster version to upgrade to (e.g. 1.13 or 1.13.29; 2.0 is judged by breaking versions).
        #[arg(long)]
        to: String,
        /// The version upgraded from (default: detected, as for `check`).
        #[arg(long)]
        from: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = UpgradeFormat::Text)]
        format: UpgradeFormat,
    },
    /// Run the language server for editors (LSP over stdio).
    Server,
    /// Print a shell completion script (e.g. `dagster-api-lint completions bash > ~/.local/share/bash-completion/completions/dagster-api-lint`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// `--version`: the tool's version and the range of dagster releases its embedded catalogs
/// cover, e.g. `0.1.0 (dagster 1.0.0 to 1.13.29)`.
fn version_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let versions = shipped::versions("dagster");
        match (versions.first(), versions.last()) {
            (Some(first), Some(last)) => {
                format!("{} (dagster {first} to {last})", env!("CARGO_PKG_VERSION"))
            }
            _ => env!("CARGO_PKG_VERSION").to_string(),
        }
    })
}

#[derive(Clone, Copy, ValueEnum)]
enum UpgradeFormat {
    Text,
    Markdown,
}

/// Arguments of `check`.
#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// Files or directories to check (default: the current directory). `-` reads stdin.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Full)]
    output_format: OutputFormat,
    /// Write the findings to this file instead of stdout (the summary still goes to the terminal).
    #[arg(short = 'o', long)]
    output_file: Option<PathBuf>,
    /// Show a count per rule instead of the findings.
    #[arg(long)]
    statistics: bool,
    /// Print only the findings, no summary.
    #[arg(short, long)]
    quiet: bool,
    /// Rules to enable (codes or prefixes, comma-separated; default ALL).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Rules to add to the selection.
    #[arg(long, value_delimiter = ',')]
    extend_select: Vec<String>,
    /// Rules to disable (codes or prefixes).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Exit with 0 even when there are findings.
    #[arg(long)]
    exit_zero: bool,
    /// Judge against this dagster version's catalog (default: newest shipped).
    #[arg(long)]
    dagster_version: Option<String>,
    /// With `-`: the path the source on stdin stands for.
    #[arg(long)]
    stdin_filename: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Colour: auto (on a terminal), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Apply `exclude` / `extend-exclude` also to files named on the command line (for
    /// pre-commit, which passes files by name).
    #[arg(long)]
    force_exclude: bool,
    /// Use this configuration file for every checked file.
    #[arg(long, conflicts_with = "isolated")]
    config: Option<PathBuf>,
    /// Ignore all configuration files.
    #[arg(long)]
    isolated: bool,
    /// Print the resolved settings for FILE (and where each came from), then exit.
    #[arg(long, value_name = "FILE")]
    show_settings: Option<PathBuf>,
    /// Also judge findings against this dagster version (upgrade planning).
    #[arg(long)]
    target_version: Option<String>,
    /// Add `# noqa: CODE` directives that hide every current finding to the files, instead of
    /// reporting them (for adopting the tool on a large codebase).
    #[arg(
        long,
        conflicts_with_all = ["write_baseline", "output_file", "statistics", "fix", "fix_only", "diff"]
    )]
    add_noqa: bool,

    // CI integration (docs/ci.md): baseline, failure threshold, SARIF category.
    /// Hide the findings recorded in this baseline file (written by --write-baseline).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record every current finding in this baseline file, then hide them (exit 0).
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Exit 1 only for findings at this severity or worse (error, warning, info) or with this
    /// status (deprecated, removed, beta, ...); comma-separated. Default: any finding.
    #[arg(long, value_delimiter = ',', value_parser = FailOn::parse, value_name = "LEVEL")]
    fail_on: Vec<FailOn>,
    /// SARIF `automationDetails.id`: the code scanning category of this analysis.
    #[arg(long, visible_alias = "automation-id", value_name = "ID")]
    sarif_category: Option<String>,

    // Fixes (README "Fixes").
    /// Apply the fixes the catalog proves safe (add --unsafe-fixes for the likely ones), write
    /// the files, and report what remains.
    #[arg(long)]
    fix: bool,
    /// Also apply unsafe fixes (with --fix, --fix-only or --diff).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Apply fixes and report nothing but what was fixed (exit 0).
    #[arg(long)]
    fix_only: bool,
    /// Write no file: print each file's fixes as a unified diff (exit 1 when there is one).
    #[arg(long)]
    diff: bool,
    /// List the fixes applied, per file and rule.
    #[arg(long)]
    show_fixes: bool,

    // Speed (docs/benchmark.md).
    /// Neither read nor write the results cache (`.dagster-api-lint_cache/`).
    #[arg(long)]
    no_cache: bool,
    /// Where the results cache lives (default: `.dagster-api-lint_cache` in the project root,
    /// or the configuration's `cache-dir`).
    #[arg(long, env = "DAGSTER_API_LINT_CACHE_DIR", value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Benchmarking aid: walk, read and parse the files that mention a tracked package, then
    /// drop the trees; no analysis, no findings (the floor a check cannot go below).
    #[arg(long, hide = true)]
    parse_only: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
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
enum RulesFormat {
    Table,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ShowFormat {
    Text,
    JsonLines,
}

/// True for a first argument that is taken as a path for the default `check`: an option, an
/// existing file or folder, or a name with a `/` or a `.py` in it.
fn looks_like_path(arg: &str) -> bool {
    arg.starts_with('-') || arg.contains('/') || arg.contains(".py") || Path::new(arg).exists()
}

/// Runs the tool on the given arguments and returns the exit code.
pub fn run(mut args: Vec<OsString>) -> i32 {
    // `dagster-api-lint src/` is `dagster-api-lint check src/`.
    let known = [
        "check",
        "rule",
        "rules",
        "catalog",
        "server",
        "upgrade-report",
        "completions",
        "help",
    ];
    let first = args.get(1).and_then(|a| a.to_str()).map(str::to_string);
    match first.as_deref() {
        Some(a) if known.contains(&a) => {}
        Some("-h" | "--help" | "-V" | "--version") => {}
        // A word that names no file and does not look like a path is a mistyped subcommand
        // (`chekc`): clap rejects it with a did-you-mean suggestion instead of an E902.
        Some(a) if !looks_like_path(a) => {}
        _ => args.insert(1.min(args.len()), OsString::from("check")),
    }
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
        Command::Check(args) => run_check(*args),
        Command::Rule { code } => match rules::by_code(&code) {
            Some(rule) => {
                print!("{}", rules::render_doc(rule));
                Ok(EXIT_CLEAN)
            }
            None => Err(format!(
                "unknown rule `{code}`; `dagster-api-lint rules` lists them"
            )),
        },
        Command::Rules {
            format: RulesFormat::Markdown,
        } => {
            print!("{}", rules::render_markdown());
            Ok(EXIT_CLEAN)
        }
        Command::Rules { .. } => {
            for rule in rules::RULES {
                println!(
                    "{}\t{:<22}{:<8}{}{}",
                    rule.code,
                    rule.name,
                    rule.severity.as_str(),
                    rule.summary,
                    if rule.selected_by_default {
                        ""
                    } else {
                        " (opt-in)"
                    }
                );
            }
            Ok(EXIT_CLEAN)
        }
        Command::Catalog(c) => run_catalog(c),
        Command::UpgradeReport {
            paths,
            to,
            from,
            format,
        } => run_upgrade_report(paths, to, from, format),
        Command::Server => Ok(crate::server::run()),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "dagster-api-lint", &mut script);
            stdout_written(std::io::stdout().write_all(&script)).map(|()| EXIT_CLEAN)
        }
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

fn run_check(args: CheckArgs) -> Result<i32, String> {
    for selector in args
        .select
        .iter()
        .chain(&args.extend_select)
        .chain(&args.ignore)
    {
        crate::config::validate_selector(selector)?;
    }
    // As with ruff, `--stdin-filename` without paths reads stdin too.
    let stdin = match args.paths.as_slice() {
        [] => args.stdin_filename.is_some(),
        [only] => only.as_os_str() == "-",
        _ => false,
    };
    if args.add_noqa && stdin {
        return Err("--add-noqa writes files: it cannot be used with standard input".into());
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    // The file whose project and configuration apply: the stdin stand-in, else the first path.
    let anchor = match (&args.stdin_filename, stdin) {
        (Some(name), true) => name.clone(),
        _ => paths[0].clone(),
    };
    let source = if args.isolated {
        config::Source::Isolated
    } else if let Some(path) = &args.config {
        let loaded = config::load(path)?
            .ok_or_else(|| format!("{}: has no [tool.dagster-api-lint] table", path.display()))?;
        config::Source::Fixed(Some(std::sync::Arc::new(loaded)))
    } else {
        config::Source::Discover
    };
    let overrides = config::Overrides {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        dagster_version: args.dagster_version.clone(),
        target_version: args.target_version.clone(),
        force_exclude: args.force_exclude,
    };
    let project = Project::open(&anchor, source, overrides)?;
    if let Some(file) = &args.show_settings {
        print!(
            "{}",
            project.show_settings(file, args.cache_dir.as_deref())?
        );
        return Ok(EXIT_CLEAN);
    }

    let fail_on = fail_on_levels(&args, &project)?;
    // A baseline (written or applied) needs every finding before any is shown.
    let baseline = args.baseline.is_some()
        || args.write_baseline.is_some()
        || project
            .root_config
            .as_deref()
            .is_some_and(|c| c.options.baseline.is_some());

    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            use std::io::IsTerminal;
            args.output_file.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let options = RenderOptions {
        color,
        automation_id: args.sarif_category.clone(),
    };
    let mut fixer = (args.fix || args.fix_only || args.diff).then(|| {
        let allowed = match args.unsafe_fixes {
            true => Applicability::Unsafe,
            false => Applicability::Safe,
        };
        let output = match args.diff {
            true => fix::run::Output::Diff,
            false => fix::run::Output::Write,
        };
        fix::run::Fixer::new(allowed, output)
    });
    // Only what was fixed is reported (errors aside).
    let fixes_only = args.fix_only || args.diff;
    // With stdin, `--fix` prints the fixed source on stdout, the findings on stderr.
    let fixed_stdin = stdin && fixer.is_some() && !args.diff;
    let mut out: Box<dyn Write> = match &args.output_file {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?,
        )),
        None if fixed_stdin => Box::new(std::io::stderr().lock()),
        None => Box::new(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout().lock(),
        )),
    };
    // Findings are written as files are checked, unless the format or a baseline needs them all
    // first (see report::Emitter): a run then holds one file's findings at a time.
    let mut emitter = report::Emitter::new(
        &mut out,
        args.output_format,
        args.statistics,
        options,
        !baseline,
    );
    let streaming = emitter.is_streaming();
    let mut failed = false;
    // With a baseline: the files this run checked (its entries for other files are kept).
    let mut checked: Vec<String> = Vec::new();
    // With --add-noqa: the directives added, and the files that could not take theirs.
    let (mut noqa_added, mut noqa_errors) = (0, Vec::new());
    let totals = if stdin {
        let source = crate::discovery::read_capped(std::io::stdin().lock())
            .map_err(|e| format!("reading stdin: {e}"))?;
        let name = args
            .stdin_filename
            .as_deref()
            .map_or_else(|| "-".to_string(), runner::display_path);
        let settings = project.rule_settings(&anchor)?;
        let versions = project.version_project(&anchor)?;
        if !args.quiet {
            print_notes(std::slice::from_ref(&versions));
        }
        let checker = &*versions.checker;
        // A notebook is fixed whole: its own text is what is printed or diffed.
        let notebook = (fixer.is_some() && crate::notebook::is_notebook(Path::new(&name)))
            .then(|| String::from_utf8_lossy(&source).into_owned());
        let (diagnostics, suppressed) =
            runner::on_big_stack(|| {
                match crate::discovery::over_limit(&source).map_or_else(
                    || runner::source_of(std::path::Path::new(&name), source),
                    Err,
                ) {
                    Ok((text, _)) if args.parse_only => {
                        crate::syntax::parse_and_drop(&text);
                        (Vec::new(), 0)
                    }
                    Ok((text, cells)) => {
                        let gate = Gate::new(checker);
                        let Some(fixer) = fixer.as_mut() else {
                            return runner::check_text(
                                checker,
                                &name,
                                &text,
                                cells.as_ref(),
                                &settings,
                                &gate,
                            );
                        };
                        let check =
                            |t: &str| runner::check_text(checker, &name, t, None, &settings, &gate);
                        let (original, fixed) = match notebook.as_deref() {
                            Some(ipynb) => match fixer.notebook(&name, ipynb, &check) {
                                Ok(fixed) => (ipynb, fixed),
                                Err(e) => {
                                    let e = format!("not fixed: {e}");
                                    return (vec![Diagnostic::io_error(&name, &e)], 0);
                                }
                            },
                            None => (text.as_str(), fixer.text(&name, &text, &check)),
                        };
                        let (fixed, remaining) = fixed;
                        if args.diff && fixed != original {
                            fixer
                                .diffs
                                .push(fix::file::unified_diff(&name, original, &fixed));
                        } else if !args.diff {
                            let mut stdout = std::io::stdout().lock();
                            let written = stdout.write_all(fixed.as_bytes());
                            if let Err(e) = stdout_written(written) {
                                return (vec![Diagnostic::io_error(&name, &e)], 0);
                            }
                        }
                        (remaining.into_owned(&name), 0)
                    }
                    Err(message) => (vec![Diagnostic::io_error(&name, &message)], 0),
                }
            });
        let diagnostics = match fixes_only {
            true => errors_only(diagnostics),
            false => diagnostics,
        };
        failed |= streaming && fail_on::fails(&fail_on, &diagnostics);
        checked.push(name.clone());
        emitter.file(&name, runner::Findings::Owned(diagnostics));
        runner::Totals {
            files_checked: 1,
            suppressed_by_noqa: suppressed,
            ..runner::Totals::default()
        }
    } else {
        let walk = Walk {
            exclude: project.exclude(),
            include: project.extend_include(),
            force_exclude: project.force_exclude().0,
            threads: args.threads,
            ..Walk::default()
        };
        let cache_dir = match !args.no_cache && !args.parse_only {
            true => Some(project.cache_dir(args.cache_dir.as_deref())?.0),
            false => None,
        };
        // The cache of the first path's project is read while the tree is walked (most runs
        // have one project); those of other projects once the files' projects are known.
        let opening = match &cache_dir {
            Some(dir) => {
                let first = &paths[0];
                let versions = if first.is_dir() {
                    project.version_project_of_dir(first)?
                } else {
                    project.version_project(first)?
                };
                let (dir, fingerprint) = (dir.clone(), versions.checker.fingerprint());
                let opening =
                    std::thread::spawn(move || crate::cache::Cache::open(&dir, fingerprint));
                Some((fingerprint, opening))
            }
            None => None,
        };
        // With the cache, an unchanged tree is not walked again (see discovery::snapshot).
        let found: Vec<Found> = match &cache_dir {
            Some(dir) if paths.iter().all(|p| p.is_dir()) => {
                let (found, folders) = snapshot::walk_remembered(&walk, &paths, dir);
                if let Some(folders) = folders {
                    crate::discovery::know_folders(folders);
                }
                found
            }
            _ => walk.run(&paths),
        };
        // Every file's settings and project first: a broken configuration file is a usage
        // error.
        let settings_by_dir = settings_by_folder(&project, &paths, &found, args.threads)?;
        if !args.quiet {
            print_notes(&settings_by_dir.projects);
        }
        for versions in &settings_by_dir.projects {
            if let Some(d) = project.python_support(versions) {
                let folder = versions.folder.as_deref().unwrap_or(Path::new("."));
                let settings = project.rule_settings(&folder.join("pyproject.toml"))?;
                let (kept, _) = runner::apply_settings(vec![d], &settings);
                failed |= streaming && fail_on::fails(&fail_on, &kept);
                emitter.insert(kept);
            }
        }
        let benches = open_benches(&settings_by_dir.checkers, cache_dir.as_deref(), opening);
        let run = runner::RunOptions {
            threads: args.threads,
            parse_only: args.parse_only,
        };
        runner::run_files(
            benches,
            found,
            &|path| settings_by_dir.bench_of(path),
            &|path| settings_by_dir.of(path),
            run,
            &mut |name, d| {
                if args.add_noqa {
                    match crate::add_noqa::add_to_file(Path::new(name), d.as_slice()) {
                        Ok(added) => noqa_added += added,
                        Err(e) => noqa_errors.push(e),
                    }
                    return;
                }
                if baseline {
                    checked.push(name.to_string());
                }
                let d = match fixer.as_mut() {
                    Some(fixer) if fixer.wants(d.as_slice()) => {
                        let path = Path::new(name);
                        let checker = &*settings_by_dir.checkers[settings_by_dir.bench_of(path)];
                        let settings = settings_by_dir.of(path);
                        let gate = Gate::new(checker);
                        let check =
                            |t: &str| runner::check_text(checker, name, t, None, &settings, &gate);
                        fixer.file(path, name, d, &check)
                    }
                    _ => d,
                };
                let d = match fixes_only {
                    true => runner::Findings::Owned(errors_only(d.into_owned(name))),
                    false => d,
                };
                failed |= streaming && fail_on::fails(&fail_on, d.as_slice());
                emitter.file(name, d);
            },
        )
    };
    if args.add_noqa {
        for error in &noqa_errors {
            eprintln!("error: {error}");
        }
        if !args.quiet {
            let s = if noqa_added == 1 { "" } else { "s" };
            eprintln!("Added {noqa_added} noqa directive{s}.");
        }
        return Ok(match noqa_errors.is_empty() {
            true => EXIT_CLEAN,
            false => EXIT_ERROR,
        });
    }
    if let Some(report) = emitter.collected() {
        apply_baseline(&args, &project, report, &checked)?;
        failed = fail_on::fails(&fail_on, &report.diagnostics);
    }
    let (report, write_error) = emitter.finish(totals.files_checked, totals.suppressed_by_noqa);
    drop(out);
    match (&args.output_file, write_error) {
        (Some(path), Some(e)) => return Err(format!("{}: {e}", path.display())),
        (None, Some(e)) => stdout_written(Err(e))?,
        (_, None) => {}
    }

    let human = report::is_human(args.output_format) || args.statistics;
    if let Some(fixer) = &fixer {
        let mut stdout = std::io::stdout().lock();
        for diff in &fixer.diffs {
            stdout_written(stdout.write_all(diff.as_bytes()))?;
        }
        stdout_written(stdout.flush())?;
        if !args.quiet && (args.show_fixes || fixes_only) {
            let mut summary = Vec::new();
            match args.show_fixes {
                true => fix::run::write_fixes(&mut summary, fixer),
                false => fix::run::write_count(&mut summary, fixer),
            }
            .map_err(|e| e.to_string())?;
            write_summary_bytes(
                &summary,
                human && !args.diff && !fixed_stdin && args.output_file.is_none(),
            )?;
        }
        if fixes_only {
            return Ok(if report.had_io_errors() {
                EXIT_ERROR
            } else if args.diff && !fixer.diffs.is_empty() {
                EXIT_FINDINGS
            } else {
                EXIT_CLEAN
            });
        }
    }
    let report = report::Report {
        fixed: fixer.as_ref().map_or(0, |f| f.fixed),
        ..report
    };
    if !args.quiet {
        let mut summary = Vec::new();
        report::write_summary(&mut summary, &report).map_err(|e| e.to_string())?;
        write_summary_bytes(
            &summary,
            human && !fixed_stdin && args.output_file.is_none(),
        )?;
    }
    Ok(if report.had_io_errors() {
        EXIT_ERROR
    } else if args.exit_zero || !failed {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

/// Writes summary lines on stdout (`to_stdout`: the findings went there in a human format) or
/// stderr.
fn write_summary_bytes(summary: &[u8], to_stdout: bool) -> Result<(), String> {
    if to_stdout {
        let mut stdout = std::io::stdout().lock();
        stdout_written(stdout.write_all(summary).and_then(|()| stdout.flush()))
    } else {
        let _ = std::io::stderr().write_all(summary);
        Ok(())
    }
}

/// The error findings among `diagnostics` (files that could not be read or fixed): what
/// `--fix-only` and `--diff` still report.
fn errors_only(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.retain(|d| d.rule.run_error);
    diagnostics
}

/// The outcome of writing to stdout: a reader that closed the pipe (`| head -1`) wanted no
/// more, which is no error; any other failure (a full disk, `> /dev/full`) is one (exit 2).
fn stdout_written(result: std::io::Result<()>) -> Result<(), String> {
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to stdout: {e}"))
        }
        _ => Ok(()),
    }
}

/// The rule settings and version projects of the found files, by folder (see
/// [`settings_by_folder`]).
struct FolderSettings {
    /// The settings of every file, when one configuration applies to all.
    all: Option<Arc<runner::RuleSettings>>,
    /// Else each folder's, by [`crate::discovery::folder_of`].
    by_folder: rustc_hash::FxHashMap<std::ffi::OsString, Arc<runner::RuleSettings>>,
    /// The version projects of the found files, sorted by folder.
    projects: Vec<Arc<VersionProject>>,
    /// Their distinct checkers (a run's benches).
    checkers: Vec<Arc<Checker>>,
    /// The index in `checkers` of each folder's, when there is more than one.
    bench_by_folder: rustc_hash::FxHashMap<std::ffi::OsString, usize>,
}

impl FolderSettings {
    /// The settings of the found file at `path`.
    fn of(&self, path: &Path) -> Arc<runner::RuleSettings> {
        match &self.all {
            Some(all) => all.clone(),
            None => (self.by_folder.get(crate::discovery::folder_of(path)))
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// The index of the checker of the found file at `path` (a hash look-up of its folder).
    fn bench_of(&self, path: &Path) -> usize {
        if self.checkers.len() <= 1 {
            return 0;
        }
        (self.bench_by_folder.get(crate::discovery::folder_of(path)))
            .copied()
            .unwrap_or(0)
    }
}

/// Prints the notes of these version projects (inexact catalogs, no version found), once
/// each.
fn print_notes(projects: &[Arc<VersionProject>]) {
    let mut printed: Vec<&str> = Vec::new();
    for note in projects.iter().flat_map(|p| &p.notes) {
        if !printed.contains(&note.as_str()) {
            eprintln!("dagster-api-lint: note: {note}");
            printed.push(note);
        }
    }
}

/// The benches of a run: each checker with its results cache (under `cache_dir`, when
/// caching), the one `opening` (by fingerprint) already reads among them.
fn open_benches(
    checkers: &[Arc<Checker>],
    cache_dir: Option<&Path>,
    opening: Option<(u64, std::thread::JoinHandle<crate::cache::Cache>)>,
) -> Vec<runner::Bench> {
    let Some(dir) = cache_dir else {
        return checkers
            .iter()
            .cloned()
            .map(runner::Bench::uncached)
            .collect();
    };
    let mut opening = opening;
    let mut others = Vec::new();
    let mut benches: Vec<Option<runner::Bench>> = Vec::new();
    for (i, checker) in checkers.iter().enumerate() {
        let fingerprint = checker.fingerprint();
        match opening.take_if(|(f, _)| *f == fingerprint) {
            Some((_, handle)) => benches.push(Some(runner::Bench {
                checker: checker.clone(),
                cache: Some(handle.join().expect("the cache opens without panicking")),
            })),
            None => {
                let dir = dir.to_path_buf();
                others.push((
                    i,
                    std::thread::spawn(move || crate::cache::Cache::open(&dir, fingerprint)),
                ));
                benches.push(None);
            }
        }
    }
    for (i, handle) in others {
        benches[i] = Some(runner::Bench {
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
    let mut first_file_of_dir: rustc_hash::FxHashMap<&std::ffi::OsStr, &Path> =
        rustc_hash::FxHashMap::default();
    let mut last: Option<&std::ffi::OsStr> = None;
    for f in found {
        if let Found::File(path) = f {
            let dir = crate::discovery::folder_of(path);
            // Files of a folder mostly come together: one hash per folder, not per file.
            if last != Some(dir) {
                first_file_of_dir.entry(dir).or_insert(path);
                last = Some(dir);
            }
        }
    }
    let mut dirs: Vec<(&std::ffi::OsStr, &Path)> = first_file_of_dir.into_iter().collect();
    dirs.sort_unstable();
    // One configuration for every file: see above.
    let one_config = match (dirs.first(), roots) {
        (Some((_, file)), [root]) => (root.is_dir()
            && crate::discovery::no_known_folder_holds(config::FILE_NAMES))
        .then_some(*file),
        _ => None,
    };
    // Each folder's version project (memoised: a folder's search stops at the first folder
    // already asked about) and configuration, in one pass over the folders.
    type Resolved = (
        Result<Arc<VersionProject>, String>,
        Option<Result<Option<Arc<config::ConfigFile>>, String>>,
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
    let mut made: Vec<(Option<Arc<config::ConfigFile>>, Arc<runner::RuleSettings>)> = Vec::new();
    let mut by_folder = rustc_hash::FxHashMap::default();
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
        let same = |(c, _): &&(Option<Arc<config::ConfigFile>>, _)| match (c, &config) {
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

fn run_upgrade_report(
    paths: Vec<PathBuf>,
    to: String,
    from: Option<String>,
    format: UpgradeFormat,
) -> Result<i32, String> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    };
    let overrides = config::Overrides {
        dagster_version: from,
        target_version: Some(to.clone()),
        ..config::Overrides::default()
    };
    let project = Project::open(&paths[0], config::Source::Discover, overrides)?;
    let walk = Walk {
        exclude: project.exclude(),
        include: project.extend_include(),
        ..Walk::default()
    };
    let found = walk.run(&paths);
    // Each file is judged by its own project's versions, as `check` judges it.
    let setup = settings_by_folder(&project, &paths, &found, 0)?;
    print_notes(&setup.projects);
    let benches = open_benches(&setup.checkers, None, None);
    let mut report = runner::check_files(
        benches,
        &found,
        &|path| setup.bench_of(path),
        &|path| setup.of(path),
        0,
    );
    report.diagnostics.retain(|d| d.rule.suppressible); // not syntax and read errors: not upgrade facts
    let mut from_versions: Vec<&str> = setup
        .projects
        .iter()
        .filter_map(|p| Some(p.choices.get("dagster")?.catalog.version()))
        .collect();
    from_versions.sort_by(|a, b| shipped::compare_versions(a, b));
    from_versions.dedup();
    let from_version = match from_versions.is_empty() {
        true => "?".to_string(),
        false => from_versions.join(", "),
    };
    let mut out = std::io::stdout().lock();
    report::upgrade::write(
        &mut out,
        &report,
        &from_version,
        &to,
        matches!(format, UpgradeFormat::Markdown),
    )
    .map_err(|e| e.to_string())?;
    Ok(EXIT_CLEAN)
}

/// `--fail-on`, else the configuration's `fail-on`.
fn fail_on_levels(args: &CheckArgs, project: &Project) -> Result<Vec<FailOn>, String> {
    match project.root_config.as_deref() {
        Some(config) if args.fail_on.is_empty() => {
            let values = config.options.fail_on.iter().flatten();
            values
                .map(|v| {
                    FailOn::parse(v).map_err(|e| format!("{}: fail-on: {e}", config.path.display()))
                })
                .collect()
        }
        _ => Ok(args.fail_on.clone()),
    }
}

/// `--write-baseline` records the current findings; then the baseline (that one, else the one
/// `--baseline` or the configuration's `baseline` names) hides the findings it records. Only
/// the `checked` files' entries are rewritten or reported stale: a run on one file keeps the
/// others.
fn apply_baseline(
    args: &CheckArgs,
    project: &Project,
    report: &mut Report,
    checked: &[String],
) -> Result<(), String> {
    let paths = RepoPaths::from_cwd();
    // Files with a finding were checked too (the project's `pyproject.toml` for DAG301).
    let checked: std::collections::BTreeSet<String> = checked
        .iter()
        .map(String::as_str)
        .chain(report.diagnostics.iter().map(|d| &*d.filename))
        .map(|name| paths.get(name))
        .collect();
    let checked = |file: &str| checked.contains(file);
    let configured = project.root_config.as_deref().and_then(|config| {
        let path = config.options.baseline.as_ref()?;
        Some(config.root().join(path))
    });
    let (baseline, path) = match (&args.write_baseline, args.baseline.clone().or(configured)) {
        (Some(path), _) => {
            let previous = match path.is_file() {
                true => Baseline::read(path).unwrap_or_default(),
                false => Baseline::default(),
            };
            let baseline = Baseline::of(report, &paths).keeping_unchecked(&previous, &checked);
            baseline.write(path)?;
            if !args.quiet {
                eprintln!(
                    "Wrote {} findings to the baseline {}.",
                    baseline.total(),
                    path.display()
                );
            }
            (baseline, path.clone())
        }
        (None, Some(path)) => (Baseline::read(&path)?, path),
        (None, None) => return Ok(()),
    };
    let applied = baseline.apply(report, &paths, &checked);
    if applied.stale > 0 && !args.quiet {
        eprintln!(
            "note: {} baseline entries match no finding any more; rerun with --write-baseline {} to drop them.",
            applied.stale,
            path.display()
        );
    }
    Ok(())
}
