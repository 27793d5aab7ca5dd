//! The cache's store and file format: round trips, misses, corruption, expiry and the reads
//! of files it remembers.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use super::codec::encode_diagnostics;
use super::records::Entry;
use super::store::KEEP_DAYS;
use super::*;
use crate::diagnostic::{Diagnostic, InCell};
use crate::discovery::stamp::{now_secs, Stamp};
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::{self, Rule, Severity};
use crate::syntax::{Location, Span};

fn diagnostic(rule: &'static Rule, message: &str) -> Diagnostic {
    Diagnostic {
        span: Span { start: 3, end: 9 },
        start: Location { row: 1, column: 4 },
        end: Location { row: 1, column: 10 },
        symbol: Some("dagster.SourceAsset".into()),
        breaking_version: Some("2.0.0".into()),
        line_text: "x = dg.SourceAsset(key='a')".into(),
        replacement: Some("AssetSpec".into()),
        fix: Some(Arc::new(
            Fix::new(
                Applicability::Unsafe,
                "Replace `SourceAsset` with `AssetSpec`",
                vec![Edit {
                    span: Span { start: 8, end: 19 },
                    content: "AssetSpec".into(),
                }],
            )
            .located(
                "x = dg.SourceAsset(key='a')",
                &crate::syntax::LineIndex::new("x = dg.SourceAsset(key='a')"),
            ),
        )),
        ..Diagnostic::new(rule, "ignored.py", message)
    }
}

fn same(a: &Diagnostic, b: &Diagnostic) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

/// Runs one "run" that adds `new` entries and hits `used`.
fn run(dir: &Path, fingerprint: u64, new: &[(&str, Vec<Diagnostic>)], used: &[&str]) {
    let cache = Cache::open(dir, fingerprint);
    let mut update = Update::default();
    for (text, diagnostics) in new {
        cache.add(&mut update, content_hash(text.as_bytes()), diagnostics);
    }
    for text in used {
        assert!(cache.get(content_hash(text.as_bytes())).is_some());
    }
    cache.finish(update).unwrap();
}

#[test]
fn round_trips_without_file_names() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cache");
    let d = diagnostic(&rules::DEPRECATED_SYMBOL, "`SourceAsset` is deprecated.");
    assert_eq!(Cache::open(&dir, 7).len(), 0);
    run(&dir, 7, &[("a", vec![d.clone()]), ("b", vec![])], &[]);
    let cache = Cache::open(&dir, 7);
    assert_eq!(cache.len(), 2);
    let got = cache.get(content_hash(b"a")).unwrap();
    assert_eq!(got.len(), 1);
    assert!(got[0].fix.is_some());
    assert!(same(
        &got[0],
        &Diagnostic {
            filename: "".into(),
            ..d.clone()
        }
    ));
    assert!(same(&got[0].in_file(&"ignored.py".into()), &d));
    assert!(cache.get(content_hash(b"b")).unwrap().is_empty());
    assert!(cache.get(content_hash(b"c")).is_none());
    assert!(dir.join("CACHEDIR.TAG").exists());
    assert!(dir.join(".gitignore").exists());
    // A later run that adds one entry keeps the others.
    run(&dir, 7, &[("c", vec![])], &["a"]);
    assert_eq!(Cache::open(&dir, 7).len(), 3);
}

#[test]
fn findings_with_and_without_fixes_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let fixed = diagnostic(
        &rules::PRIVATE_IMPORT,
        "Use the public `dagster.AssetSpec`.",
    );
    let unfixed = Diagnostic {
        fix: None,
        ..fixed.clone()
    };
    run(
        dir.path(),
        3,
        &[("a", vec![fixed.clone(), unfixed.clone()])],
        &[],
    );
    let got = Cache::open(dir.path(), 3).get(content_hash(b"a")).unwrap();
    assert_eq!(got[0].fix, fixed.fix);
    assert_eq!(got[0].fix.as_ref().unwrap().locations.len(), 1);
    assert_eq!(got[1].fix, None);
}

#[test]
fn only_a_cache_directory_this_created_is_marked() {
    let existing = tempfile::tempdir().unwrap();
    run(existing.path(), 7, &[("a", vec![])], &[]);
    assert_eq!(Cache::open(existing.path(), 7).len(), 1);
    assert!(!existing.path().join(".gitignore").exists());
    assert!(!existing.path().join("CACHEDIR.TAG").exists());
}

#[test]
fn a_cache_directory_among_the_projects_files_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("project");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    for bad in [
        PathBuf::new(),
        root.clone(),
        root.join("sub/.."),
        tmp.path().into(),
    ] {
        let err = check_dir(&bad, &root, None).unwrap_err();
        assert!(err.contains("folder of its own"), "{err}");
    }
    let config_root = root.join("sub");
    assert!(check_dir(&config_root, &root, Some(&config_root)).is_err());
    for good in [
        root.join(DIR_NAME),
        root.join("sub"),
        tmp.path().join("elsewhere"),
    ] {
        assert_eq!(check_dir(&good, &root, None), Ok(()), "{good:?}");
    }
}

#[test]
fn severities_other_than_the_rules_default_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut escalated = diagnostic(
        &rules::DEPRECATED_SYMBOL,
        "`SourceAsset` breaks at the target.",
    );
    escalated.severity = Severity::Error;
    let mut lowered = diagnostic(&rules::BETA_SYMBOL, "beta");
    lowered.severity = Severity::Info;
    run(dir.path(), 4, &[("a", vec![escalated, lowered])], &[]);
    let got = Cache::open(dir.path(), 4).get(content_hash(b"a")).unwrap();
    let severities: Vec<Severity> = got.iter().map(|d| d.severity).collect();
    assert_eq!(severities, [Severity::Error, Severity::Info]);
}

#[test]
fn a_notebook_findings_cell_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let mut in_cell = diagnostic(&rules::DEPRECATED_SYMBOL, "`SourceAsset` is deprecated.");
    let at = |row, column| Location { row, column };
    in_cell.cell = Some(InCell {
        cell: 3,
        file_start: at(40, 12),
        file_end: at(40, 23),
    });
    let plain = diagnostic(&rules::BETA_SYMBOL, "beta");
    run(
        dir.path(),
        4,
        &[("a", vec![in_cell.clone(), plain.clone()])],
        &[],
    );
    let got = Cache::open(dir.path(), 4).get(content_hash(b"a")).unwrap();
    assert_eq!(got[0].cell, in_cell.cell);
    assert_eq!(got[1].cell, None);
}

#[test]
fn another_fingerprint_misses() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), 1, &[("a", vec![])], &[]);
    assert_eq!(Cache::open(dir.path(), 1).len(), 1);
    assert_eq!(Cache::open(dir.path(), 2).len(), 0);
}

#[test]
fn corrupt_or_truncated_caches_are_ignored_and_replaced() {
    let dir = tempfile::tempdir().unwrap();
    run(
        dir.path(),
        9,
        &[("a", vec![diagnostic(&rules::PRIVATE_IMPORT, "private")])],
        &[],
    );
    let file = Cache::open(dir.path(), 9).path.clone();
    let bytes = std::fs::read(&file).unwrap();
    for broken in [
        bytes[..bytes.len() / 2].to_vec(),
        Vec::new(),
        b"garbage".to_vec(),
        {
            let mut b = bytes.clone();
            b[30] ^= 0xff;
            b
        },
    ] {
        std::fs::write(&file, &broken).unwrap();
        assert_eq!(Cache::open(dir.path(), 9).len(), 0);
    }
    // The next run replaces the broken file with a good one.
    run(dir.path(), 9, &[("b", vec![])], &[]);
    assert_eq!(Cache::open(dir.path(), 9).len(), 1);
    // No temporary file is left behind.
    let leftovers = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn unchanged_runs_do_not_rewrite_and_old_entries_expire() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), 3, &[("a", vec![])], &[]);
    let file = Cache::open(dir.path(), 3).path.clone();
    let written = std::fs::metadata(&file).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    run(dir.path(), 3, &[], &["a"]);
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        written
    );

    let mut cache = Cache::open(dir.path(), 3);
    let today = cache.today;
    let at = cache.bytes.len();
    cache.bytes.extend(encode_diagnostics(&[]));
    for (hash, last_used) in [(1, today - KEEP_DAYS - 1), (2, today - 1)] {
        let body = at..cache.bytes.len();
        let decoded = OnceLock::new();
        cache.entries.insert(
            hash,
            Entry {
                last_used,
                body,
                decoded,
                used: AtomicBool::new(false),
            },
        );
    }
    cache.finish(Update::default()).unwrap();
    let cache = Cache::open(dir.path(), 3);
    assert!(cache.entries.contains_key(&2));
    assert!(!cache.entries.contains_key(&1));
    assert!(cache.entries.contains_key(&content_hash(b"a")));
}

fn stamp(len: u64, changed_secs: u64) -> Stamp {
    Stamp {
        len,
        modified_ns: changed_secs * 1_000_000_000,
        changed_ns: changed_secs * 1_000_000_000 + 5,
        inode: 42,
    }
}

#[test]
fn file_stamps_are_trusted_only_when_the_read_came_well_after_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let now = now_secs();
    let old = stamp(100, now - 3600);
    let racy = stamp(100, now);
    let cache = Cache::open(dir.path(), 5);
    let mut update = Update::default();
    cache.file_read(&mut update, "a.py", old, now, Content::Hash(7));
    cache.file_read(&mut update, "b.py", racy, now, Content::Untracked);
    cache.file_read(&mut update, "c.py", old, now, Content::Untracked);
    cache.finish(update).unwrap();

    let cache = Cache::open(dir.path(), 5);
    assert_eq!(cache.file("a.py", || Some(old)), Some(Content::Hash(7)));
    assert_eq!(cache.file("c.py", || Some(old)), Some(Content::Untracked));
    // Changed within RACY_SECS of the read: the same stamp could hide a second edit.
    assert_eq!(cache.file("b.py", || Some(racy)), None);
    // Any difference in size, times or inode: read again.
    for changed in [
        Stamp { len: 101, ..old },
        Stamp {
            modified_ns: old.modified_ns + 1,
            ..old
        },
        Stamp {
            changed_ns: old.changed_ns + 1,
            ..old
        },
        Stamp { inode: 43, ..old },
    ] {
        assert_eq!(cache.file("a.py", || Some(changed)), None);
    }
    assert_eq!(cache.file("unknown.py", || Some(old)), None);

    // A run that re-reads the racy file later records a read it can trust, and keeps the
    // entry of a file it did not need to read.
    let mut update = Update::default();
    cache.file_read(&mut update, "b.py", racy, now + 10, Content::Untracked);
    assert!(cache.file("a.py", || Some(old)).is_some()); // not read: kept
    cache.finish(update).unwrap();
    let cache = Cache::open(dir.path(), 5);
    assert_eq!(cache.file("b.py", || Some(racy)), Some(Content::Untracked));
    assert_eq!(cache.file("a.py", || Some(old)), Some(Content::Hash(7)));
    assert_eq!(cache.file("c.py", || Some(old)), Some(Content::Untracked));
}
