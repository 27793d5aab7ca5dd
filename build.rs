//! Embeds every package history under `api-catalog/` into the binary (see
//! `src/catalog/shipped.rs`).
//!
//! The committed JSON is the source of truth; what is embedded is its compact binary form
//! (`src/catalog/compact/`), which loads many times faster, plus a hash of the JSON text
//! that identifies the history in the results cache.

use std::fmt::Write;
use std::path::Path;

#[allow(dead_code)]
#[path = "src/catalog/model.rs"]
mod model;

// (Only the encoder is used here: the decoder's items and re-exports are not.)
#[allow(dead_code, unused_imports)]
#[path = "src/catalog/compact/mod.rs"]
mod compact;

/// FNV-1a, 64 bits: a stable content hash without a dependency.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Hashes every file under `dir` (paths and contents, in sorted order).
fn hash_tree(dir: &Path, h: &mut Vec<u8>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            hash_tree(&path, h);
        } else if let Ok(bytes) = std::fs::read(&path) {
            h.extend_from_slice(path.to_string_lossy().as_bytes());
            h.extend_from_slice(&fnv1a(&bytes).to_le_bytes());
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=api-catalog");
    println!("cargo:rerun-if-changed=src");
    let out_dir = std::env::var("OUT_DIR").unwrap();
    // Identifies the checker's code, so that the results cache of one build is never used by
    // another whose code differs (even at the same version number).
    let mut sources = Vec::new();
    hash_tree(Path::new("src"), &mut sources);
    println!(
        "cargo:rustc-env=DAGSTER_API_LINT_SOURCE_HASH={:016x}",
        fnv1a(&sources)
    );
    // Identifies the catalog builder (`catalog builder-id`): per-release builds made by one
    // builder are reused by `scripts/refresh-catalogs` until its sources change (the parser
    // crates are pinned exactly in Cargo.toml).
    let mut builder = Vec::new();
    for file in [
        "src/catalog/build.rs",
        "src/catalog/sources.rs",
        "src/catalog/model.rs",
        "src/syntax/mod.rs",
        "src/syntax/view.rs",
    ] {
        builder.extend_from_slice(&fnv1a(&std::fs::read(file).unwrap_or_default()).to_le_bytes());
    }
    println!(
        "cargo:rustc-env=DAGSTER_API_LINT_BUILDER_ID={:016x}",
        fnv1a(&builder)
    );
    let root = Path::new("api-catalog");
    let mut entries = Vec::new();
    for file in std::fs::read_dir(root).into_iter().flatten().flatten() {
        let path = file.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.extension().is_some_and(|e| e == "json") {
            let package = path.file_stem().unwrap().to_string_lossy().into_owned();
            entries.push((package, path));
        }
    }
    entries.sort();
    let mut out = String::from(
        "/// The compact form of a history: the texts of its string table, then the rest.\n\
         pub type Compact = (&'static str, &'static [u8]);\n\
         /// Every shipped history: (package, its releases oldest first, compact form, hash of the\n\
         /// JSON text).\n\
         pub static SHIPPED: &[(&str, &[&str], Compact, u64)] = &[\n",
    );
    // The encoder's own source is part of every stamp: a change of the format re-encodes.
    let encoder = fnv1a(
        format!(
            "{}{}{}",
            include_str!("src/catalog/compact/mod.rs"),
            include_str!("src/catalog/compact/encode.rs"),
            include_str!("src/catalog/model.rs")
        )
        .as_bytes(),
    );
    for (package, path) in &entries {
        let text = std::fs::read_to_string(path).unwrap();
        let hash = fnv1a(text.as_bytes());
        let file = Path::new(&out_dir).join(format!("history-{package}.bin"));
        // (Re-encoded only when the JSON or the encoder changed: this script also runs on every
        // source edit.)
        let stamp = file.with_extension("hash");
        let stamped = std::fs::read_to_string(&stamp).ok();
        let stamp_text = format!("{hash:x} {encoder:x} {package}");
        let releases_file = file.with_extension("releases");
        // (The texts of the string table are embedded as a `&str`: UTF-8 checked at compile
        // time.)
        let text_file = file.with_extension("txt");
        if stamped.as_deref() != Some(&stamp_text)
            || !file.exists()
            || !releases_file.exists()
            || !text_file.exists()
        {
            let history: model::History =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(
                &history.package,
                package,
                "{}: the file name must be the package",
                path.display()
            );
            let encoded = compact::encode(&history);
            std::fs::write(&file, encoded.data).unwrap();
            std::fs::write(&text_file, encoded.text).unwrap();
            std::fs::write(&releases_file, history.releases.join("\n")).unwrap();
            std::fs::write(&stamp, stamp_text).unwrap();
        }
        // The releases are listed apart, so that choosing a release decodes nothing.
        let releases = std::fs::read_to_string(&releases_file).unwrap();
        let releases: Vec<&str> = releases.lines().collect();
        writeln!(
            out,
            "    ({package:?}, &{releases:?}, (include_str!({:?}), include_bytes!({:?})), {hash:#x}),",
            text_file.display().to_string(),
            file.display().to_string(),
        )
        .unwrap();
    }
    out.push_str("];\n");
    std::fs::write(Path::new(&out_dir).join("shipped_catalogs.rs"), out).unwrap();
}
