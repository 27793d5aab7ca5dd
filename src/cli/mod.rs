//! Command-line interface: the arguments (clap) and the dispatch to the subcommands: `check`
//! ([`check`]), `catalog` ([`catalog`]), `upgrade-report`, the rule documentation, the language
//! server and shell completions.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::catalog::shipped;
use crate::config;
use crate::fail_on::FailOn;
use crate::pipeline::{self, Pipeline, Request};
use crate::project::Project;
use crate::report::{self, OutputFormat, Report};
use crate::rules;

mod catalog;
mod check;
use catalog::CatalogCommand;

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

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    Table,
    Markdown,
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
        Command::Check(args) => check::run(*args),
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
        Command::Catalog(c) => catalog::run(c),
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

/// `upgrade-report`: every file judged by its own project's versions against the target `to`
/// (as `check --target-version` judges it), grouped by symbol.
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
    let request = Request {
        paths,
        ..Request::default()
    };
    let mut pipeline = Pipeline::resolve(project, request)?;
    pipeline::print_notes(pipeline.projects());
    let mut report = Report::default();
    let totals = pipeline.run(&mut |name, findings, _| {
        report.diagnostics.extend(findings.into_owned(name));
    });
    report.files_checked = totals.files_checked;
    report.suppressed_by_noqa = totals.suppressed_by_noqa;
    report.diagnostics.retain(|d| d.rule.suppressible); // not syntax and read errors: not upgrade facts
    let mut from_versions: Vec<&str> = pipeline
        .projects()
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
