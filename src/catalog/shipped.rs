//! The catalogs shipped inside the binary (generated from `api-catalog/` at build time), parsed
//! lazily: only the catalog a check needs is deserialised.

use std::cmp::Ordering;
use std::sync::OnceLock;

use super::Catalog;

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
    let mut names: Vec<&str> = SHIPPED.iter().map(|(p, _, _)| *p).collect();
    names.dedup();
    names
}

/// Shipped versions of `package`, oldest first.
pub fn versions(package: &str) -> Vec<&'static str> {
    let mut versions: Vec<&str> = SHIPPED
        .iter()
        .filter(|(p, _, _)| *p == package)
        .map(|(_, v, _)| *v)
        .collect();
    versions.sort_by(|a, b| compare_versions(a, b));
    versions
}

/// The shipped catalog of `package` at exactly `version`, parsed once per process.
pub fn load(package: &str, version: &str) -> Option<&'static Catalog> {
    static PARSED: OnceLock<Vec<OnceLock<Catalog>>> = OnceLock::new();
    let cells = PARSED.get_or_init(|| SHIPPED.iter().map(|_| OnceLock::new()).collect());
    let i = SHIPPED
        .iter()
        .position(|(p, v, _)| *p == package && *v == version)?;
    Some(cells[i].get_or_init(|| {
        serde_json::from_str(SHIPPED[i].2).expect("shipped catalogs are valid (tested)")
    }))
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
    fn every_shipped_catalog_parses() {
        for (package, version, _) in SHIPPED {
            let catalog = load(package, version).unwrap();
            assert_eq!(&catalog.package, package);
            assert_eq!(&catalog.version, version);
        }
    }
}
