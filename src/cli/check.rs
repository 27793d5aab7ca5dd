//! `check`: resolves the run (see [`crate::pipeline`]), checks standard input or the files
//! found, and reports, fixes, adds noqa directives or applies the baseline.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{stdout_written, CheckArgs, ColorChoice, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::baseline::Baseline;
use crate::config;
use crate::diagnostic::{Diagnostic, Findings};
use crate::fail_on::{self, FailOn};
use crate::fix::{self, Applicability};
use crate::pipeline::{self, FileChecker, Pipeline, Request};
use crate::project::Project;
use crate::report::{self, RenderOptions, RepoPaths, Report};
use crate::runner::{self, Totals};

/// Runs `check`; returns the exit code.
pub(super) fn run(args: CheckArgs) -> Result<i32, String> {
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
    let project = Project::open(&anchor, config_source(&args)?, overrides(&args))?;
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
    let fixer = (args.fix || args.fix_only || args.diff).then(|| {
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
    let mut session = Session {
        args: &args,
        streaming: emitter.is_streaming(),
        fail_on,
        failed: false,
        baseline,
        checked: Vec::new(),
        fixer,
        fixes_only,
        noqa_added: 0,
        noqa_errors: Vec::new(),
    };
    let (totals, project) = match stdin {
        true => {
            let totals = session.check_stdin(&mut emitter, &project, &anchor)?;
            (totals, project)
        }
        false => session.check_walk(&mut emitter, project, paths)?,
    };
    if args.add_noqa {
        for error in &session.noqa_errors {
            eprintln!("error: {error}");
        }
        if !args.quiet {
            let added = session.noqa_added;
            let s = if added == 1 { "" } else { "s" };
            eprintln!("Added {added} noqa directive{s}.");
        }
        return Ok(match session.noqa_errors.is_empty() {
            true => EXIT_CLEAN,
            false => EXIT_ERROR,
        });
    }
    if let Some(report) = emitter.collected() {
        apply_baseline(&args, &project, report, &session.checked)?;
        session.failed = fail_on::fails(&session.fail_on, &report.diagnostics);
    }
    let (report, write_error) = emitter.finish(totals.files_checked, totals.suppressed_by_noqa);
    drop(out);
    match (&args.output_file, write_error) {
        (Some(path), Some(e)) => return Err(format!("{}: {e}", path.display())),
        (None, Some(e)) => stdout_written(Err(e))?,
        (_, None) => {}
    }

    let human = report::is_human(args.output_format) || args.statistics;
    if let Some(fixer) = &session.fixer {
        let mut stdout = std::io::stdout().lock();
        for diff in &fixer.diffs {
            stdout_written(stdout.write_all(diff.as_bytes()))?;
        }
        stdout_written(stdout.flush())?;
        if !args.quiet && (args.show_fixes || session.fixes_only) {
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
        if session.fixes_only {
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
        fixed: session.fixer.as_ref().map_or(0, |f| f.fixed),
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
    } else if args.exit_zero || !session.failed {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

/// Where the configuration comes from: `--isolated`, `--config PATH`, else discovered.
fn config_source(args: &CheckArgs) -> Result<config::Source, String> {
    Ok(if args.isolated {
        config::Source::Isolated
    } else if let Some(path) = &args.config {
        let loaded = config::load(path)?
            .ok_or_else(|| format!("{}: has no [tool.dagster-api-lint] table", path.display()))?;
        config::Source::Fixed(Some(std::sync::Arc::new(loaded)))
    } else {
        config::Source::Discover
    })
}

/// The command line's settings, over those of the configuration files.
fn overrides(args: &CheckArgs) -> config::Overrides {
    config::Overrides {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        dagster_version: args.dagster_version.clone(),
        target_version: args.target_version.clone(),
        force_exclude: args.force_exclude,
    }
}

/// What a `check` run keeps while its files' findings are emitted.
struct Session<'a> {
    args: &'a CheckArgs,
    /// Findings are emitted as they come (the exit code is decided on the way).
    streaming: bool,
    /// What fails the run (see [`fail_on::fails`]).
    fail_on: Vec<FailOn>,
    /// A finding fails the run.
    failed: bool,
    /// A baseline is written or applied.
    baseline: bool,
    /// With a baseline: the files this run checked (its entries for other files are kept).
    checked: Vec<String>,
    /// With `--fix`, `--fix-only` or `--diff`.
    fixer: Option<fix::run::Fixer>,
    /// Only what was fixed is reported (errors aside).
    fixes_only: bool,
    /// With `--add-noqa`: the directives added.
    noqa_added: usize,
    /// With `--add-noqa`: the files that could not take theirs.
    noqa_errors: Vec<String>,
}

impl Session<'_> {
    /// Checks (or fixes) the source on standard input as the file `anchor` stands for.
    fn check_stdin(
        &mut self,
        emitter: &mut report::Emitter,
        project: &Project,
        anchor: &Path,
    ) -> Result<Totals, String> {
        let args = self.args;
        let source = crate::discovery::read_capped(std::io::stdin().lock())
            .map_err(|e| format!("reading stdin: {e}"))?;
        let name = args
            .stdin_filename
            .as_deref()
            .map_or_else(|| "-".to_string(), crate::paths::display_path);
        let (judge, versions) = FileChecker::of(project, anchor)?;
        if !args.quiet {
            pipeline::print_notes(std::slice::from_ref(&versions));
        }
        // A notebook is fixed whole: its own text is what is printed or diffed.
        let notebook = (self.fixer.is_some() && crate::notebook::is_notebook(Path::new(&name)))
            .then(|| String::from_utf8_lossy(&source).into_owned());
        let fixer = &mut self.fixer;
        let (diagnostics, suppressed) =
            runner::on_big_stack(|| {
                match crate::discovery::over_limit(&source)
                    .map_or_else(|| runner::source_of(Path::new(&name), source), Err)
                {
                    Ok((text, _)) if args.parse_only => {
                        crate::syntax::parse_and_drop(&text);
                        (Vec::new(), 0)
                    }
                    Ok((text, cells)) => {
                        let Some(fixer) = fixer.as_mut() else {
                            return judge.check(&name, &text, cells.as_ref());
                        };
                        let check = judge.checking(&name);
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
        let diagnostics = match self.fixes_only {
            true => errors_only(diagnostics),
            false => diagnostics,
        };
        self.failed |= self.streaming && fail_on::fails(&self.fail_on, &diagnostics);
        self.checked.push(name.clone());
        emitter.file(&name, Findings::Owned(diagnostics));
        Ok(Totals {
            files_checked: 1,
            suppressed_by_noqa: suppressed,
            ..Totals::default()
        })
    }

    /// Checks (fixes, or adds noqa directives to) the files found under `paths`; gives the
    /// project back for the baseline and `fail-on`.
    fn check_walk(
        &mut self,
        emitter: &mut report::Emitter,
        project: Project,
        paths: Vec<PathBuf>,
    ) -> Result<(Totals, Project), String> {
        let args = self.args;
        let request = Request {
            paths,
            threads: args.threads,
            cache: (!args.no_cache).then(|| args.cache_dir.clone()),
            parse_only: args.parse_only,
        };
        let mut pipeline = Pipeline::resolve(project, request)?;
        if !args.quiet {
            pipeline::print_notes(pipeline.projects());
        }
        for kept in pipeline.python_support()? {
            self.failed |= self.streaming && fail_on::fails(&self.fail_on, &kept);
            emitter.insert(kept);
        }
        let totals = pipeline.run(&mut |name, d, folders| {
            if args.add_noqa {
                match crate::add_noqa::add_to_file(Path::new(name), d.as_slice()) {
                    Ok(added) => self.noqa_added += added,
                    Err(e) => self.noqa_errors.push(e),
                }
                return;
            }
            if self.baseline {
                self.checked.push(name.to_string());
            }
            let d = match self.fixer.as_mut() {
                Some(fixer) if fixer.wants(d.as_slice()) => {
                    let path = Path::new(name);
                    let judge = folders.file_checker(path);
                    let check = judge.checking(name);
                    fixer.file(path, name, d, &check)
                }
                _ => d,
            };
            let d = match self.fixes_only {
                true => Findings::Owned(errors_only(d.into_owned(name))),
                false => d,
            };
            self.failed |= self.streaming && fail_on::fails(&self.fail_on, d.as_slice());
            emitter.file(name, d);
        });
        Ok((totals, pipeline.project))
    }
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
