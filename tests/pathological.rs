//! Inputs built to hang, exhaust or crash a linter: FIFOs and devices where files are expected,
//! deeply nested code on stdin, very long attribute chains. Each run has a deadline: a run
//! still going when it passes is killed and the test fails.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Long enough for a debug build on a loaded machine; a hang never meets it.
const DEADLINE: Duration = Duration::from_secs(120);

/// Runs the tool in `dir` with `stdin`, killing it (and failing) once [`DEADLINE`] passes.
fn run(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dagster-api-lint"))
        .current_dir(dir)
        .env_remove("VIRTUAL_ENV")
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    // (A broken pipe is fine: the tool may stop reading at its size limit.)
    let writer = std::thread::spawn(move || drop(input.write_all(&stdin)));
    // Drained while it runs: a full pipe would block it.
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).unwrap();
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > DEADLINE {
            child.kill().unwrap();
            let _ = child.wait();
            panic!(
                "`dagster-api-lint {}` still running after {DEADLINE:?}",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    writer.join().unwrap();
    Output {
        status: child.wait().unwrap(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A project folder holding `a.py`, which has one DAG001 finding.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.py"),
        "import dagster as dg\nx = dg.SourceAsset\n",
    )
    .unwrap();
    dir
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_named_py_are_reported_and_the_rest_checked() {
    let dir = project();
    mkfifo(&dir.path().join("fifo.py"));
    // A link out of the checked tree is not followed by a walk (see
    // `links_out_of_the_tree_are_not_followed`); named on the command line, it is read.
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.py")).unwrap();
    for (args, walked) in [
        (
            &["check", "--no-cache", "--output-format", "concise", "."][..],
            true,
        ),
        (&["check", "--output-format", "concise", "."], true),
        (
            &[
                "check",
                "--output-format",
                "concise",
                "fifo.py",
                "zero.py",
                "a.py",
            ],
            false,
        ),
    ] {
        let out = run(dir.path(), args, b"");
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains("fifo.py:1:1: E902") && stdout.contains("FIFO"),
            "{args:?}\n{stdout}"
        );
        assert_eq!(
            !walked,
            stdout.contains("zero.py:1:1: E902") && stdout.contains("character device"),
            "{args:?}\n{stdout}"
        );
        assert!(stdout.contains("a.py:2:5: DAG001"), "{args:?}\n{stdout}");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let out = run(dir.path(), &["upgrade-report", "--to", "2.0", "."], b"");
    assert!(out.status.code().is_some(), "{}", text(&out.stderr));
}

#[cfg(unix)]
#[test]
fn links_out_of_the_tree_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir(outside.path().join("lib")).unwrap();
    let secret = "import dagster as dg\ndef f(:\nOUTSIDE_SECRET = dg.SourceAsset\n";
    std::fs::write(outside.path().join("secret.py"), secret).unwrap();
    std::fs::write(outside.path().join("lib/more.py"), secret).unwrap();
    let dir = project();
    let link = |target: &Path, name: &str| {
        std::os::unix::fs::symlink(target, dir.path().join(name)).unwrap();
    };
    link(&outside.path().join("secret.py"), "linked.py");
    link(&outside.path().join("lib"), "linked_lib");
    // Links that stay in the tree are followed.
    std::fs::create_dir(dir.path().join("pkg")).unwrap();
    link(&dir.path().join("a.py"), "pkg/alias.py");
    link(Path::new("pkg"), "pkg_alias");
    for args in [
        &["check", "--no-cache", "--output-format", "full", "."][..],
        &["check", "--output-format", "full", "."],
        &["check", "--output-format", "full", "."],
    ] {
        let out = run(dir.path(), args, b"");
        let stdout = text(&out.stdout);
        assert!(!stdout.contains("OUTSIDE_SECRET"), "{args:?}\n{stdout}");
        assert!(!stdout.contains("linked"), "{args:?}\n{stdout}");
        for inside in ["a.py:2:5", "pkg/alias.py:2:5", "pkg_alias/alias.py:2:5"] {
            assert!(stdout.contains(inside), "{inside}: {args:?}\n{stdout}");
        }
        assert_eq!(out.status.code(), Some(1), "{args:?}\n{stdout}");
    }
    // Named on the command line, a link is read wherever it points.
    let out = run(dir.path(), &["check", "linked.py"], b"");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("OUTSIDE_SECRET") && stdout.contains("E999"),
        "{stdout}"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_ignore_file_is_reported_and_the_rest_checked() {
    let dir = project();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    mkfifo(&dir.path().join("sub/.gitignore"));
    std::fs::create_dir(dir.path().join("other")).unwrap();
    std::fs::write(
        dir.path().join("other/b.py"),
        "import dagster as dg\nx = dg.SourceAsset\n",
    )
    .unwrap();
    for args in [
        &["check", "--no-cache", "--output-format", "concise", "."][..],
        &["check", "--output-format", "concise", "sub", "other"],
    ] {
        let out = run(dir.path(), args, b"");
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains(".gitignore:1:1: E902") && stdout.contains("FIFO"),
            "{args:?}\n{stdout}"
        );
        assert!(
            stdout.contains("other/b.py:2:5: DAG001"),
            "{args:?}\n{stdout}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_baseline_that_is_a_fifo_or_a_device_is_an_error_naming_it() {
    let dir = project();
    mkfifo(&dir.path().join("baseline.json"));
    for baseline in ["baseline.json", "/dev/zero"] {
        let out = run(
            dir.path(),
            &["check", "--no-cache", "--baseline", baseline, "a.py"],
            b"",
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("reading baseline {baseline}: "))
                && stderr.contains("not a regular file"),
            "{stderr}"
        );
    }
}

/// Sources that nest 7,000 to 250,000 levels deep or long, as the parser sees them.
fn deep_sources() -> Vec<(&'static str, String)> {
    let n = 10_000;
    vec![
        (
            "brackets",
            format!("x = {}1{}\n", "(".repeat(7_000), ")".repeat(7_000)),
        ),
        (
            "calls",
            format!("x = {}1{}\n", "f(".repeat(n), ")".repeat(n)),
        ),
        ("lambdas", format!("x = {}1\n", "lambda: ".repeat(n))),
        (
            "conditionals",
            format!("x = {}1\n", "1 if c else ".repeat(n)),
        ),
        ("subscripts", format!("x = a{}\n", "[0]".repeat(n))),
        ("sum", format!("x = 1{}\n", " + 1".repeat(250_000))),
        ("attributes", format!("x = a{}\n", ".b".repeat(100_000))),
    ]
}

#[test]
fn deep_nesting_on_stdin_is_checked_like_a_file() {
    let dir = tempfile::tempdir().unwrap();
    for (what, body) in deep_sources() {
        let source = format!("import dagster as dg\nfrom dagster import SourceAsset\n{body}");
        std::fs::write(dir.path().join("deep.py"), &source).unwrap();
        let args = ["check", "--no-cache", "--output-format", "json"];
        let from_file = run(dir.path(), &[&args[..], &["deep.py"]].concat(), b"");
        let from_stdin = run(
            dir.path(),
            &[&args[..], &["--stdin-filename", "deep.py", "-"]].concat(),
            source.as_bytes(),
        );
        assert_eq!(
            from_stdin.status.code(),
            from_file.status.code(),
            "{what}: {}",
            text(&from_stdin.stderr)
        );
        assert!(matches!(from_file.status.code(), Some(0 | 1)), "{what}");
        assert_eq!(text(&from_stdin.stdout), text(&from_file.stdout), "{what}");
    }
}

#[test]
fn stdin_over_the_size_limit_is_reported_not_checked() {
    let dir = tempfile::tempdir().unwrap();
    let source = "x = 1\n".repeat((10 << 20) / 6 + 1);
    let out = run(
        dir.path(),
        &[
            "check",
            "--no-cache",
            "--output-format",
            "concise",
            "--stdin-filename",
            "big.py",
            "-",
        ],
        source.as_bytes(),
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("big.py:1:1: E902") && stdout.contains("over the 10 MiB limit"),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(2));
}

/// Seconds `check --no-cache` takes on the file `name` of `dir` holding `source` (which must
/// check without an error).
fn check_seconds(dir: &Path, name: &str, source: &str) -> f64 {
    std::fs::write(dir.join(name), source).unwrap();
    let start = Instant::now();
    let out = run(dir, &["check", "--no-cache", "-q", name], b"");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        text(&out.stderr)
    );
    start.elapsed().as_secs_f64()
}

/// Seconds `check` takes on `import dagster as dg` and `x = {head}` + `link` × `n`.
fn chain_seconds(dir: &Path, head: &str, link: &str, n: usize) -> f64 {
    let source = format!("import dagster as dg\nx = {head}{}\n", link.repeat(n));
    check_seconds(dir, "chain.py", &source)
}

/// An attribute chain from a dagster name costs about its length, not its cube: 8 times the
/// links may take at most 40 times as long (it took 33 s at 4,000 links, cubic, before).
#[test]
fn a_long_attribute_chain_from_a_dagster_name_is_not_cubic() {
    let dir = tempfile::tempdir().unwrap();
    // (The second cycles through a method's return type.)
    for (head, link) in [("dg", ".x"), ("dg.AssetKey", ".with_prefix")] {
        let short = chain_seconds(dir.path(), head, link, 1_000);
        let long = chain_seconds(dir.path(), head, link, 8_000);
        assert!(
            long < 40.0 * short.max(0.05),
            "{link}: 8,000 links took {long:.2} s, 1,000 took {short:.2} s"
        );
    }
}

/// Seconds `check` takes on `import dagster as dg` and `lines` findings, each with `comment`.
fn commented_seconds(dir: &Path, comment: &str, lines: usize) -> f64 {
    let body: String = (0..lines)
        .map(|i| format!("x{i} = dg.SourceAsset(key='a')  {comment}\n"))
        .collect();
    check_seconds(dir, "many.py", &format!("import dagster as dg\n{body}"))
}

/// A file with a `# noqa` on each of its 20,000 findings (what `--add-noqa` leaves on a large
/// file) is checked about as fast as one with other comments there: each finding looks up the
/// directives near its line, not all of them (10.5 s against 1.0 s in a debug build before).
#[test]
fn a_noqa_on_every_line_is_not_quadratic() {
    let dir = tempfile::tempdir().unwrap();
    let plain = commented_seconds(dir.path(), "# DAG001", 20_000);
    let directives = commented_seconds(dir.path(), "# noqa: DAG001", 20_000);
    assert!(
        directives < 4.0 * plain.max(0.05),
        "with directives {directives:.2} s, with comments {plain:.2} s"
    );
}
