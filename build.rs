//! Embeds every catalog under `api-catalog/` into the binary (see `src/catalog/shipped.rs`).
//!
//! The committed JSON is the source of truth; what is embedded is its compact binary form
//! (`src/catalog/compact.rs`), which loads several times faster, plus a hash of the JSON text
//! that identifies the catalog in the results cache.

use std::fmt::Write;
use std::path::Path;

#[allow(dead_code)]
#[path = "src/catalog/model.rs"]
mod model;

#[allow(dead_code)]
#[path = "src/catalog/compact.rs"]
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
    let root = Path::new("api-catalog");
    let mut entries = Vec::new();
    if let Ok(packages) = std::fs::read_dir(root) {
        for package in packages.flatten() {
            println!("cargo:rerun-if-changed={}", package.path().display());
            let Ok(files) = std::fs::read_dir(package.path()) else {
                continue;
            };
            for file in files.flatten() {
                let path = file.path();
                if path.extension().is_some_and(|e| e == "json") {
                    let package = package.file_name().to_string_lossy().into_owned();
                    let version = path.file_stem().unwrap().to_string_lossy().into_owned();
                    entries.push((package, version, path));
                }
            }
        }
    }
    entries.sort();
    let mut out = String::from(
        "/// Every shipped catalog: (package, version, compact form, hash of the JSON text).\n\
         pub static SHIPPED: &[(&str, &str, &[u8], u64)] = &[\n",
    );
    // The encoder's own source is part of every stamp: a change of the format re-encodes.
    let encoder = fnv1a(
        format!(
            "{}{}",
            include_str!("src/catalog/compact.rs"),
            include_str!("src/catalog/model.rs")
        )
        .as_bytes(),
    );
    for (i, (package, version, path)) in entries.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        let hash = fnv1a(text.as_bytes());
        let file = Path::new(&out_dir).join(format!("catalog-{i}.bin"));
        // (Re-encoded only when the JSON or the encoder changed: this script also runs on every
        // source edit.)
        let stamp = file.with_extension("hash");
        let stamped = std::fs::read_to_string(&stamp).ok();
        let stamp_text = format!("{hash:x} {encoder:x} {package} {version}");
        if stamped.as_deref() != Some(&stamp_text) || !file.exists() {
            let catalog: model::Catalog =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            std::fs::write(&file, compact::encode(&catalog)).unwrap();
            std::fs::write(&stamp, stamp_text).unwrap();
        }
        writeln!(
            out,
            "    ({package:?}, {version:?}, include_bytes!({:?}), {hash:#x}),",
            file.display().to_string(),
        )
        .unwrap();
    }
    out.push_str("];\n");
    std::fs::write(Path::new(&out_dir).join("shipped_catalogs.rs"), out).unwrap();
}
