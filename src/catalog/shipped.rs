//! The catalogs shipped inside the binary (generated from `api-catalog/` at build time in the
//! compact form of [`super::compact`]), decoded lazily: only the catalog a check needs is
//! decoded, once per process.

use std::cmp::Ordering;
use std::sync::OnceLock;

use super::{compact, Catalog};

include!(concat!(env!("OUT_DIR"), "/shipped_catalogs.rs"));

/// Compares dotted version strings numerically (`1.10.0` > `1.9.13`); non-numeric parts compare
/// as text.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let parts = |v: &str| -> Vec<(u64, String)> {
        v.split(['.', '-', '+'])
            .map(|p| {
                let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
                (digits.parse().unwrap_or(0), p[digits.len()..].to_string())
            })
            .collect()
    };
    let (pa, pb) = (parts(a), parts(b));
    for i in 0..pa.len().max(pb.len()) {
        let x = pa.get(i).cloned().unwrap_or((0, String::new()));
        let y = pb.get(i).cloned().unwrap_or((0, String::new()));
        match x.0.cmp(&y.0).then_with(|| x.1.cmp(&y.1)) {
            Ordering::Equal => continue,
            other => return other,
        }
    }
    Ordering::Equal
}

/// Packages that have a shipped catalog.
pub fn packages() -> Vec<&'static str> {
    let mut names: Vec<&str> = SHIPPED.iter().map(|(p, ..)| *p).collect();
    names.dedup();
    names
}

/// Shipped versions of `package`, oldest first.
pub fn versions(package: &str) -> Vec<&'static str> {
    let mut versions: Vec<&str> = SHIPPED
        .iter()
        .filter(|(p, ..)| *p == package)
        .map(|(_, v, ..)| *v)
        .collect();
    versions.sort_by(|a, b| compare_versions(a, b));
    versions
}

/// The shipped catalog of `package` at exactly `version`, decoded once per process.
pub fn load(package: &str, version: &str) -> Option<&'static Catalog> {
    find(package, version).map(CatalogRef::get)
}

/// A shipped catalog, not decoded until [`CatalogRef::get`] is first called.
pub fn find(package: &str, version: &str) -> Option<CatalogRef> {
    SHIPPED
        .iter()
        .position(|(p, v, ..)| *p == package && *v == version)
        .map(CatalogRef::Shipped)
}

/// A catalog for the checker: a shipped one (decoded on first use) or one already in memory.
#[derive(Debug, Clone, Copy)]
pub enum CatalogRef {
    /// Index into the shipped table.
    Shipped(usize),
    /// A catalog held in memory for the life of the process.
    Loaded(&'static Catalog),
}

impl CatalogRef {
    /// The import name of the package.
    pub fn package(self) -> &'static str {
        match self {
            CatalogRef::Shipped(i) => SHIPPED[i].0,
            CatalogRef::Loaded(c) => &c.package,
        }
    }

    /// The catalog version.
    pub fn version(self) -> &'static str {
        match self {
            CatalogRef::Shipped(i) => SHIPPED[i].1,
            CatalogRef::Loaded(c) => &c.version,
        }
    }

    /// A hash of the catalog's content (of the committed JSON for a shipped catalog).
    pub fn content_hash(self) -> u64 {
        match self {
            CatalogRef::Shipped(i) => SHIPPED[i].3,
            CatalogRef::Loaded(c) => xxhash_rust::xxh3::xxh3_64(
                serde_json::to_string(c)
                    .expect("catalog serialises")
                    .as_bytes(),
            ),
        }
    }

    /// The catalog, decoded on first use (once per process).
    pub fn get(self) -> &'static Catalog {
        static DECODED: OnceLock<Vec<OnceLock<Catalog>>> = OnceLock::new();
        match self {
            CatalogRef::Loaded(c) => c,
            CatalogRef::Shipped(i) => {
                let cells =
                    DECODED.get_or_init(|| SHIPPED.iter().map(|_| OnceLock::new()).collect());
                cells[i].get_or_init(|| {
                    compact::decode(SHIPPED[i].2).expect("shipped catalogs are valid (tested)")
                })
            }
        }
    }
}

/// The newest shipped version of `package`.
pub fn newest(package: &str) -> Option<&'static str> {
    versions(package).last().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare_versions("1.10.0", "1.9.13"), Ordering::Greater);
        assert_eq!(compare_versions("1.13", "1.13.0"), Ordering::Equal);
        assert_eq!(compare_versions("0.29.27", "0.29.3"), Ordering::Greater);
    }

    #[test]
    fn every_shipped_catalog_decodes_to_its_json() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("api-catalog");
        for (package, version, ..) in SHIPPED {
            let catalog = load(package, version).unwrap();
            assert_eq!(&catalog.package, package);
            assert_eq!(&catalog.version, version);
            let path = root.join(package).join(format!("{version}.json"));
            let text = std::fs::read_to_string(&path).unwrap();
            let from_json: Catalog = serde_json::from_str(&text).unwrap();
            assert!(
                *catalog == from_json,
                "{} decodes differently",
                path.display()
            );
            // Decoding borrows its bytes for the life of the process, as the embedded ones are.
            let encoded: &'static [u8] = compact::encode(&from_json).leak();
            assert_eq!(compact::decode(encoded).unwrap(), from_json);
        }
    }

    #[test]
    fn compact_decoding_rejects_garbage() {
        assert!(compact::decode(b"").is_err());
        assert!(compact::decode(b"DALC\x01\xff\xff").is_err());
        let (_, _, bytes, _) = SHIPPED[0];
        assert!(compact::decode(&bytes[..bytes.len() / 2]).is_err());
    }
}
