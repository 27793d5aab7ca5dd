//! A seeded mutation fuzzer: mutants of real dagster-using files (the quickstart, the editor
//! benchmark's pipeline, the CI fixtures) are checked in one run per thread count, and a sample
//! of them through standard input. Every run must end normally (no panic, no abort), exit 0 or 1
//! or 2 as its findings say (2 when a file could not be read), print valid JSON, and give the same findings with one thread and two,
//! and on standard input as from the file.
//!
//! Bounded: `DAGSTER_API_LINT_FUZZ_CASES` mutants (default 300); `DAGSTER_API_LINT_FUZZ_SEED`
//! picks another sequence (default fixed, so a failure reproduces).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The files mutants are made from, relative to the repository.
const SEEDS: &[&str] = &[
    "examples/quickstart/quickstart/assets.py",
    "examples/quickstart/quickstart/definitions.py",
    "examples/quickstart/quickstart/broken.py",
    "benches/editor/retail_pipeline.py",
];

/// Fragments a mutation may insert: brackets and quotes left open, dagster names and imports,
/// noqa directives, bytes that are not UTF-8, a NUL, deep nesting, string prefixes.
const FRAGMENTS: &[&[u8]] = &[
    b"(",
    b")",
    b"[",
    b"}",
    b":",
    b"\"",
    b"'''",
    b"f'{",
    b"\\",
    b"\t",
    b"\n",
    b"\r\n",
    b"dg.",
    b"dagster._core.",
    b"import dagster as dg\n",
    b"from dagster import *\n",
    b"from dagster._core.definitions import AssetsDefinition\n",
    b"dg.SourceAsset(key='k', io_manager_key='x')",
    b"context.",
    b"lambda: ",
    b"**",
    b"# noqa",
    b"# noqa: DAG001",
    b"# dagster-api-lint: noqa\n",
    b"\xc3\xa9",
    b"\xff\xfe",
    b"\x00",
    b"((((((((((((((((((((((((((((((((",
    b"# -*- coding: latin-1 -*-\n",
    b"async def f():\n    await dg.x\n",
    b"match x:\n    case dg.AssetKey(): pass\n",
];

/// xorshift64*: small, seeded, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One to four edits of `source`: delete, duplicate or move a range, insert a fragment,
/// truncate, or swap two lines.
fn mutate(source: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = source.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = out.len();
        let at = rng.below(len + 1);
        let span = 1 + rng.below(64);
        let end = (at + span).min(len);
        match rng.below(6) {
            0 => {
                out.drain(at..end);
            }
            1 => {
                let piece = out[at..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, piece);
            }
            2 | 3 => {
                let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())];
                out.splice(at..at, fragment.iter().copied());
            }
            4 => out.truncate(at),
            _ => {
                let mut lines: Vec<Vec<u8>> =
                    out.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
                let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                lines.swap(a, b);
                out = lines.join(&b'\n');
            }
        }
    }
    out
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The arguments every run shares: no configuration, no cache, a fixed version, every finding
/// failing (so that the exit code says whether there is any).
const COMMON: &[&str] = &[
    "check",
    "--isolated",
    "--no-cache",
    "--dagster-version",
    "1.13.29",
    "--fail-on",
    "info",
    "--output-format",
    "json",
];

/// Runs the tool in `dir` and checks what every run must hold; returns its findings.
fn run(dir: &Path, args: &[&str], stdin: Option<&[u8]>, what: &str) -> Vec<Value> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dagster-api-lint"));
    command
        .args(COMMON)
        .args(args)
        .current_dir(dir)
        .env_remove("VIRTUAL_ENV")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("start the tool");
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        input.write_all(bytes).unwrap();
    }
    drop(input);
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&stderr);
    assert!(
        !stderr.contains("panicked"),
        "{what}: the tool panicked: {stderr}"
    );
    let findings: Vec<Value> = serde_json::from_slice(&stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: not JSON ({e}): {}",
            String::from_utf8_lossy(&stdout)
        )
    });
    // A file that cannot be read (E902, e.g. a NUL byte makes it binary) is an I/O error: 2.
    let expected = if findings.iter().any(|f| f["code"] == "E902") {
        2
    } else if findings.is_empty() {
        0
    } else {
        1
    };
    assert_eq!(
        status.code(),
        Some(expected),
        "{what}: exit status {status} for {} findings; stderr: {stderr}",
        findings.len()
    );
    findings
}

#[test]
fn mutants_of_real_files_never_crash_and_agree_across_modes() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds: Vec<Vec<u8>> = SEEDS
        .iter()
        .map(|s| std::fs::read(repo.join(s)).unwrap())
        .collect();
    let cases = env_number("DAGSTER_API_LINT_FUZZ_CASES", 300) as usize;
    let seed = env_number("DAGSTER_API_LINT_FUZZ_SEED", 0x5eed_da65);
    let mut rng = Rng(seed | 1);
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mutants");
    std::fs::create_dir_all(&folder).unwrap();
    let mut mutants = Vec::with_capacity(cases);
    for i in 0..cases {
        let source = &seeds[rng.below(seeds.len())];
        let mutant = mutate(source, &mut rng);
        let name = format!("mutants/m{i:05}.py");
        std::fs::write(dir.path().join(&name), &mutant).unwrap();
        mutants.push((name, mutant));
    }
    let what = format!("{cases} mutants, seed {seed:#x}");
    let one = run(dir.path(), &["--threads", "1", "mutants"], None, &what);
    let two = run(dir.path(), &["--threads", "2", "mutants"], None, &what);
    assert!(one == two, "{what}: one thread and two differ");
    assert!(
        !one.is_empty(),
        "{what}: mutants of dagster code have findings"
    );

    // A sample through standard input, each against its file's findings.
    let step = (cases / 30).max(1);
    for (name, bytes) in mutants.iter().step_by(step) {
        let from_file: Vec<&Value> = one.iter().filter(|f| f["filename"] == **name).collect();
        let args = ["--stdin-filename", name.as_str(), "-"];
        let what = format!("{name} on stdin (seed {seed:#x})");
        let from_stdin = run(dir.path(), &args, Some(bytes), &what);
        assert!(
            from_stdin.iter().collect::<Vec<_>>() == from_file,
            "{what}: stdin {from_stdin:#?} vs file {from_file:#?}"
        );
    }
}
