//! Runs the checker over many files in parallel and applies what the user configured to each
//! file's findings (see [`crate::rules::selection`]).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};

use crate::cache::{self, Cache, Content};
use crate::check::Checker;
use crate::diagnostic::{Diagnostic, Findings};
use crate::discovery::stamp::{self, Stamp, Stamper};
use crate::discovery::{self, Found, OwnPackage};
use crate::gate::{Gate, Scan};
use crate::notebook::{self, Notebook};
use crate::paths::display_path;
use crate::rules::selection::{apply_settings, keeps_unchanged, RuleSettings};
use crate::syntax;

/// Stack size of worker threads: deeply nested expressions recurse deeply in the parser.
pub const WORKER_STACK: usize = 256 << 20;

/// The rule settings that apply to a file (shared: most files of a run have the same).
pub type SettingsOf<'a> = &'a (dyn Fn(&Path) -> Arc<RuleSettings> + Sync);

/// Checks one source text as if it were at `filename`; `cells`, for the code of a notebook,
/// places the findings in their cells.
pub fn check_text(
    checker: &Checker,
    filename: &str,
    source: &str,
    cells: Option<&Notebook>,
    settings: &RuleSettings,
    gate: &Gate,
) -> (Vec<Diagnostic>, usize) {
    let own = OwnPackage::of(filename);
    if !gate.admits(&own, source.as_bytes()) {
        return (Vec::new(), 0);
    }
    let raw = check_placed(checker, own.get(), filename, source, cells);
    apply_settings(raw, settings)
}

/// The raw findings of a source in the package `own`, placed in their cells for a notebook's.
fn check_placed(
    checker: &Checker,
    own: Option<&str>,
    filename: &str,
    source: &str,
    cells: Option<&Notebook>,
) -> Vec<Diagnostic> {
    let mut raw = checker.check_source(own, filename, source);
    if let Some(notebook) = cells {
        raw.iter_mut().for_each(|d| notebook.place(d));
    }
    raw
}

/// The Python source in the bytes of the file `path`, and for a notebook (`.ipynb`) the
/// notebook whose code cells make that source (see [`crate::notebook`]). An error says why
/// there is none to check.
pub fn source_of(path: &Path, bytes: Vec<u8>) -> Result<(String, Option<Notebook>), String> {
    if !notebook::is_notebook(path) {
        return discovery::decode_owned(bytes).map(|source| (source, None));
    }
    let mut notebook = Notebook::parse(&bytes)?;
    Ok((notebook.take_source(), Some(notebook)))
}

/// Runs `work` on a thread with the workers' stack ([`WORKER_STACK`]): the parser recurses
/// once per nesting level, so deeply nested code (10,000 brackets) needs far more than a main
/// thread's 8 MiB. For the one-file paths (stdin) that do not go through [`check_files`].
pub fn on_big_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(WORKER_STACK)
            .spawn_scoped(scope, work)
            .expect("spawn a thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Runs `work` on a pool of `threads` workers (0: one per core), for rayon's parallel
/// iterators inside it.
pub fn on_workers<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> T {
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

/// A checker of a run, and the results cache of its fingerprint: each distinct checker (one
/// per distinct set of versions among the run's projects) has its own cache file, so a file's
/// cached findings are always those of the checker that judges it.
pub struct Bench {
    /// The checker.
    pub checker: Arc<Checker>,
    /// Its results cache, opened for its fingerprint (see [`crate::cache`]); `None`
    /// (`--no-cache`) for none.
    pub cache: Option<Cache>,
}

impl Bench {
    /// A checker without a cache.
    pub fn uncached(checker: Arc<Checker>) -> Bench {
        Bench {
            checker,
            cache: None,
        }
    }
}

/// Which of a run's [`Bench`]es judges the found file at a path (its index): a look-up by
/// folder, made once per folder before the run.
pub type BenchOf<'a> = &'a (dyn Fn(&Path) -> usize + Sync);

/// How [`run_files`] runs.
#[derive(Debug, Default, Clone, Copy)]
pub struct RunOptions {
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Benchmarking aid (`check --parse-only`): walk, read, byte-gate and parse every file,
    /// then drop the tree: no analysis, no findings. The floor a check cannot go below.
    pub parse_only: bool,
}

/// What a run counted besides the findings it passed on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Files checked (including those that failed to read).
    pub files_checked: usize,
    /// Findings hidden by `# noqa`.
    pub suppressed_by_noqa: usize,
    /// Files whose results came from the cache.
    pub cache_hits: usize,
    /// Files that were parsed.
    pub parsed: usize,
}

/// One file's outcome, sent from a worker to the thread that emits.
struct Outcome {
    findings: Findings,
    suppressed: usize,
    parsed: bool,
    /// The bench that judged the file (whose cache the file goes through).
    bench: usize,
    /// `Some(hash, hit)` when the file went through the cache; on a miss, the raw findings
    /// (before settings) to store.
    cache: Option<(u128, Result<(), Vec<Diagnostic>>)>,
    /// For the cache, when the file was read: its stamp, when it was read (seconds), and what
    /// it holds.
    read: Option<(Stamp, u64, Content)>,
}

/// How far workers may run ahead of the emitting thread (batches: with [`MAX_BATCH`], about a
/// thousand files).
const IN_FLIGHT: usize = 8;

/// The most files a worker takes at a time: one message (and at most one wake-up of the
/// emitting thread) per batch instead of per file. Smaller runs take smaller batches, so that
/// each worker still gets many (see [`batch_size`]).
const MAX_BATCH: usize = 128;

/// Files per batch for `files` files on `threads` workers: at least 16 batches per worker, at
/// most [`MAX_BATCH`] files each.
fn batch_size(files: usize, threads: usize) -> usize {
    (files / (threads * 16)).clamp(1, MAX_BATCH)
}

/// Checks every found file on `threads` workers and passes each file's findings to `emit`, in
/// output order: files sorted by displayed name, findings by position. Each file is judged by
/// the checker of its bench (`bench_of`: an index into `benches`, the checkers of the run's
/// version projects), through that bench's cache. Nothing is kept once emitted: a worker
/// reads, parses, analyses and drops one file at a time, and at most about a thousand files'
/// findings wait to be emitted, so memory does not grow with the number of files.
pub fn run_files(
    benches: Vec<Bench>,
    found: Vec<Found>,
    bench_of: BenchOf,
    settings: SettingsOf,
    options: RunOptions,
    emit: &mut dyn FnMut(&str, Findings),
) -> Totals {
    let mut files: Vec<(String, Found)> = found
        .into_iter()
        .map(|f| {
            let name = match &f {
                Found::File(p) | Found::Error(p, _) => display_path(p),
            };
            (name, f)
        })
        .collect();
    // The order findings are reported in (a stable sort: equal names keep the walk order).
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let (checkers, caches): (Vec<Arc<Checker>>, Vec<Option<Cache>>) = benches
        .into_iter()
        .map(|b| (b.checker, b.cache.filter(|_| !options.parse_only)))
        .unzip();
    let gates: Vec<Gate> = checkers.iter().map(|c| Gate::new(c)).collect();
    let stamper = match caches.iter().any(Option::is_some) {
        true => Stamper::for_files(files.iter().filter_map(|(_, f)| match f {
            Found::File(path) => Some(path.as_path()),
            Found::Error(..) => None,
        })),
        false => Stamper::default(),
    };
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .clamp(1, files.len().max(1));
    let batch = batch_size(files.len(), threads);

    let mut totals = Totals {
        files_checked: files.len(),
        ..Totals::default()
    };
    let mut updates: Vec<cache::Update> = caches.iter().map(|_| cache::Update::default()).collect();
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::sync_channel::<(usize, Vec<Outcome>)>(IN_FLIGHT);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (files, next) = (&files, &next);
            let run = Run {
                parse_only: options.parse_only,
                checkers: &checkers,
                gates: &gates,
                caches: &caches,
                bench_of,
                stamper: &stamper,
            };
            std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || {
                    discovery::remember_top_packages();
                    loop {
                        let first = next.fetch_add(batch, Ordering::Relaxed);
                        let Some(rest) = files.get(first..).filter(|r| !r.is_empty()) else {
                            break;
                        };
                        let outcomes = rest[..batch.min(rest.len())]
                            .iter()
                            .map(|(name, found)| check_one(name, found, settings, &run))
                            .collect();
                        if tx.send((first, outcomes)).is_err() {
                            break;
                        }
                    }
                })
                .expect("spawn worker thread");
        }
        drop(tx);
        // Emit in order: batches that arrive early wait (a few, since workers take files in
        // order) until those before them have been emitted.
        let mut waiting: BTreeMap<usize, Vec<Outcome>> = BTreeMap::new();
        let mut want = 0;
        for (first, outcomes) in rx {
            waiting.insert(first, outcomes);
            while let Some(outcomes) = waiting.remove(&want) {
                for outcome in outcomes {
                    want += 1;
                    totals.suppressed_by_noqa += outcome.suppressed;
                    totals.parsed += usize::from(outcome.parsed);
                    let name = &files[want - 1].0;
                    let bench = outcome.bench;
                    if let Some(cache) = caches.get(bench).and_then(Option::as_ref) {
                        let update = &mut updates[bench];
                        if let Some((stamp, read_at, content)) = outcome.read {
                            cache.file_read(update, name, stamp, read_at, content)
                        }
                        match &outcome.cache {
                            Some((_, Ok(()))) => totals.cache_hits += 1,
                            Some((hash, Err(raw))) => cache.add(update, *hash, raw),
                            None => {}
                        }
                    }
                    emit(name, outcome.findings);
                }
            }
        }
    });
    for (cache, update) in caches.into_iter().zip(updates) {
        if let Some(cache) = cache {
            if let Err(e) = cache.finish(update) {
                eprintln!("dagster-api-lint: warning: could not write the cache: {e}");
            }
        }
    }
    totals
}

/// What every file of a run is checked with: per bench, its checker, gate and cache.
#[derive(Clone, Copy)]
struct Run<'a> {
    parse_only: bool,
    checkers: &'a [Arc<Checker>],
    gates: &'a [Gate<'a>],
    caches: &'a [Option<Cache>],
    bench_of: BenchOf<'a>,
    stamper: &'a Stamper,
}

/// Reads, gates, and checks (or looks up) one file.
fn check_one(name: &str, found: &Found, settings: SettingsOf, run: &Run) -> Outcome {
    let mut outcome = Outcome {
        findings: Findings::Owned(Vec::new()),
        suppressed: 0,
        parsed: false,
        bench: 0,
        cache: None,
        read: None,
    };
    let path = match found {
        Found::Error(path, message) => {
            outcome.findings =
                Findings::Owned(vec![Diagnostic::io_error(&display_path(path), message)]);
            return outcome;
        }
        Found::File(path) => path,
    };
    let bench = match run.checkers.len() {
        1 => 0,
        n => (run.bench_of)(path).min(n - 1),
    };
    outcome.bench = bench;
    let (checker, gate) = (&*run.checkers[bench], &run.gates[bench]);
    let (parse_only, stamper) = (run.parse_only, run.stamper);
    let cache = run.caches[bench].as_ref();
    // The package the file belongs to, asked for once and only when needed.
    let own = OwnPackage::of(name);
    // With the cache, a file whose stamp has not changed since it was last read is not read:
    // what that read found answers (no findings, or the key of its findings). Only a path the
    // cache knows costs this `stat`; any other takes its stamp from the read's own `fstat`.
    if let Some(cache) = cache {
        match cache.file(name, || stamper.stamp(path)) {
            Some(Content::Untracked) => return outcome,
            Some(Content::Hash(content)) => {
                let hash = checker.cache_key(own.get(), content);
                if let Some(raw) = cache.get(hash) {
                    return cached(outcome, hash, name, raw, || settings(path));
                }
            }
            None => {}
        }
    }
    let read_at = stamp::now_secs();
    let (bytes, meta) = match discovery::read_bytes(path) {
        Ok(read) => read,
        Err(message) => {
            outcome.findings = Findings::Owned(vec![Diagnostic::io_error(name, &message)]);
            return outcome;
        }
    };
    let stamp = cache.and_then(|_| Stamp::of(&meta));
    let note = |content| stamp.map(|stamp| (stamp, read_at, content));
    // With the cache, a file that may mention a tracked package is looked up by its bytes
    // first: a hit needs neither decoding nor parsing. (Sound: source encodings are ASCII
    // compatible, so decoding keeps every run of ASCII identifier bytes the gate looks at; and
    // an entry exists only for bytes that decoded.)
    let mut key = None;
    if let Some(cache) = cache {
        if gate.scan(&own, &bytes) != Scan::Untracked {
            let content = cache::content_hash(&bytes);
            let hash = checker.cache_key(own.get(), content);
            if let Some(raw) = cache.get(hash) {
                outcome.read = note(Content::Hash(content));
                return cached(outcome, hash, name, raw, || settings(path));
            }
            key = Some((hash, content));
        }
    }
    let (source, cells) = match source_of(path, bytes) {
        Ok(read) => read,
        Err(message) => {
            outcome.findings = Findings::Owned(vec![Diagnostic::io_error(name, &message)]);
            return outcome;
        }
    };
    match gate.scan(&own, source.as_bytes()) {
        Scan::Tracked => {}
        Scan::Untracked => {
            if cache.is_some() {
                outcome.read = note(Content::Untracked);
            }
            return outcome;
        }
        // Nothing to report while the file belongs to its package: remembered under its key,
        // which names the package (not as untracked, which would outlive a move).
        Scan::OwnOnly => {
            if let Some((hash, content)) = key {
                outcome.cache = Some((hash, Err(Vec::new())));
                outcome.read = note(Content::Hash(content));
            }
            return outcome;
        }
    }
    if parse_only {
        syntax::parse_and_drop(&source);
        outcome.parsed = true;
        return outcome;
    }
    outcome.parsed = true;
    let raw = check_placed(checker, own.get(), name, &source, cells.as_ref());
    if let Some((hash, content)) = key {
        outcome.cache = Some((hash, Err(raw.clone())));
        outcome.read = note(Content::Hash(content));
    }
    drop(source);
    let (kept, suppressed) = apply_settings(raw, &settings(path));
    outcome.findings = Findings::Owned(kept);
    outcome.suppressed = suppressed;
    outcome
}

/// Completes the outcome of the file `name` whose raw findings came from the cache: shared as
/// they are when its settings change none of them.
fn cached(
    mut outcome: Outcome,
    hash: u128,
    name: &str,
    raw: Arc<[Diagnostic]>,
    rules: impl FnOnce() -> Arc<RuleSettings>,
) -> Outcome {
    outcome.cache = Some((hash, Ok(())));
    if raw.is_empty() {
        return outcome;
    }
    let rules = rules();
    if keeps_unchanged(&raw, name, &rules) {
        outcome.findings = Findings::Shared(raw);
        return outcome;
    }
    let (kept, suppressed) = apply_settings(Findings::Shared(raw).into_owned(name), &rules);
    outcome.findings = Findings::Owned(kept);
    outcome.suppressed = suppressed;
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;

    #[test]
    fn batches_shrink_with_the_run_so_that_every_worker_gets_many() {
        assert_eq!(batch_size(0, 2), 1);
        assert_eq!(batch_size(100, 2), 3);
        assert_eq!(batch_size(18_870, 2), MAX_BATCH);
        // Two workers get 16 batches each, unless batches are as large as they get.
        for files in [32, 500, 4_095, 4_096, 100_000] {
            let batch = batch_size(files, 2);
            assert!(files.div_ceil(batch) >= 32 || batch == MAX_BATCH, "{files}");
        }
    }

    #[test]
    fn a_source_without_a_needle_is_not_parsed() {
        use crate::catalog::shipped;
        let dagster = shipped::newest("dagster").unwrap();
        let checker = Checker::new(vec![shipped::find("dagster", dagster).unwrap()], vec![]);
        let gate = Gate::new(&checker);
        let settings = RuleSettings::default();
        // Parsing this would report a syntax error (E999); the gate returns before parsing.
        let broken = "def f(:\n    pass\n";
        assert!(check_text(&checker, "a.py", broken, None, &settings, &gate)
            .0
            .is_empty());
        let mentioned = "# dagster\ndef f(:\n    pass\n";
        let (found, _) = check_text(&checker, "a.py", mentioned, None, &settings, &gate);
        assert!(found.iter().any(|d| *d.rule == rules::SYNTAX_ERROR));
    }

    #[test]
    fn a_file_is_checked_as_part_of_the_package_its_folders_make() {
        use crate::catalog::shipped;
        let catalogs = [("dagster", "1.13.29"), ("dagster_dbt", "0.29.27")];
        let catalogs = catalogs.iter().map(|(p, v)| shipped::find(p, v).unwrap());
        let checker = Checker::new(catalogs.collect(), vec![]);
        let gate = Gate::new(&checker);
        let settings = RuleSettings::default();
        let tmp = tempfile::tempdir().unwrap();
        let package = discovery::make_package(tmp.path(), "dagster_dbt");
        let source = "from dagster_dbt.cloud import DbtCloudResource\n";
        let codes = |file: &Path| -> Vec<&'static str> {
            let name = file.to_string_lossy();
            let found = check_text(&checker, &name, source, None, &settings, &gate).0;
            found.iter().map(|d| d.rule.code).collect()
        };
        // dagster_dbt's own modules use its deprecated names freely; a script does not.
        assert_eq!(codes(&package.join("cloud_utils.py")), Vec::<&str>::new());
        assert_eq!(codes(&tmp.path().join("script.py")), ["DAG101"]);
        // Standard input is in no package, whatever the current folder.
        let found = check_text(&checker, "-", source, None, &settings, &gate).0;
        assert_eq!(found.len(), 1, "{found:#?}");
    }
}
