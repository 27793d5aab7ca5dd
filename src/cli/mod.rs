//! Command-line interface: the arguments (clap) and the dispatch to the subcommands: `check`
//! ([`check`], with its arguments), `catalog` ([`catalog`], with its subcommands),
//! `upgrade-report`, the rule documentation, the language server and shell completions. The
//! exit codes are in [`exit`].

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::catalog::shipped;
use crate::config;
use crate::pipeline::{self, Pipeline, Request};
use crate::project::Project;
use crate::report::{self, Report};
use crate::rules;

mod catalog;
mod check;
mod exit;
use catalog::CatalogCommand;
use check::CheckArgs;
use exit::stdout_written;
pub use exit::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

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
