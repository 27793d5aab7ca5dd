//! Embeds every catalog under `api-catalog/` into the binary (see `src/catalog/shipped.rs`).

use std::fmt::Write;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=api-catalog");
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
                    entries.push((package, version, path.canonicalize().unwrap()));
                }
            }
        }
    }
    entries.sort();
    let mut out = String::from("/// Every shipped catalog: (package, version, JSON text).\npub static SHIPPED: &[(&str, &str, &str)] = &[\n");
    for (package, version, path) in entries {
        writeln!(
            out,
            "    ({package:?}, {version:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("shipped_catalogs.rs");
    std::fs::write(dest, out).unwrap();
}
