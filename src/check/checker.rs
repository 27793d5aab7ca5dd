//! The [`Checker`]: the catalogs it judges against, what decides its results besides the
//! source (fingerprint, cache key), and the catalog that holds a path or an object.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use super::catalog_index::{Cat, Index};
use super::dotted::top;
use crate::catalog::shipped::CatalogRef;

/// Judges references against one catalog per tracked package. A catalog is decoded the first
/// time a file needs it (a file that imports only `dagster` never decodes `dagster_dbt`'s).
pub struct Checker {
    pub(super) catalogs: BTreeMap<&'static str, (CatalogRef, OnceLock<Index>)>,
    pub(super) extra_packages: Vec<String>,
    /// Upgrade planning: the version moved to, and a checker over its catalog when one exists.
    pub(super) target: Option<(String, Box<Checker>, bool)>,
    /// Distinguishes checkers in the per-thread memo tables.
    pub(super) id: u64,
}

static NEXT_CHECKER_ID: AtomicU64 = AtomicU64::new(1);

impl Checker {
    /// A checker over these catalogs (one per package), also tracking `extra_packages`
    /// (uncatalogued integrations: only private paths are reported for them).
    pub fn new(catalogs: Vec<CatalogRef>, extra_packages: Vec<String>) -> Checker {
        Checker {
            catalogs: catalogs
                .into_iter()
                .map(|c| (c.package(), (c, OnceLock::new())))
                .collect(),
            extra_packages,
            target: None,
            id: NEXT_CHECKER_ID.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Also judges every file against `version` (`--target-version`) with `target`, a checker
    /// over that version's catalogs (`exact`) or, for a version newer than every release, the
    /// newest release's (see [`crate::upgrade`]).
    pub fn with_target(mut self, version: String, target: Checker, exact: bool) -> Checker {
        self.target = Some((version, Box::new(target), exact));
        self
    }

    /// The key the results cache stores a file's findings under: [`Checker::check_source`]
    /// depends on the text and on `own`, the package the file belongs to (its own references
    /// are not judged), not on the rest of its name. `content` is
    /// [`crate::cache::content_hash`] of the file's bytes, before decoding (see
    /// `runner::check_one`).
    pub fn cache_key(&self, own: Option<&str>, content: u128) -> u128 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        if let Some(own) = own {
            h.update(own.as_bytes());
        }
        h.update(&[0]);
        h.update(&content.to_le_bytes());
        h.digest128()
    }

    /// A fingerprint of everything that decides what [`Checker::check_source`] reports besides
    /// the source: the tool version and a hash of its source code, each catalog (package,
    /// version, content hash), the extra packages and the target version of upgrade planning.
    /// Results cached under one fingerprint are valid for any checker with it.
    pub fn fingerprint(&self) -> u64 {
        let mut text = format!(
            "dagster-api-lint {} {}\n",
            env!("CARGO_PKG_VERSION"),
            env!("DAGSTER_API_LINT_SOURCE_HASH")
        );
        for (c, _) in self.catalogs.values() {
            text.push_str(&format!(
                "catalog {} {} {:016x}\n",
                c.package(),
                c.version(),
                c.content_hash()
            ));
        }
        for p in &self.extra_packages {
            text.push_str(&format!("extra {p}\n"));
        }
        if let Some((version, target, exact)) = &self.target {
            let target = target.fingerprint();
            text.push_str(&format!("target {version} {target:016x} {exact}\n"));
        }
        xxhash_rust::xxh3::xxh3_64(text.as_bytes())
    }

    /// Substrings whose absence proves a file names no tracked package: `dagster` (in every
    /// integration library's name) and any other tracked package's name. See [`crate::gate`].
    pub fn needles(&self) -> Vec<String> {
        let mut needles: Vec<String> = vec!["dagster".to_string()];
        for p in self.packages() {
            if !p.contains("dagster") && !needles.iter().any(|n| n == p) {
                needles.push(p.to_string());
            }
        }
        needles
    }

    /// True when `package` (a top-level name) is tracked by this checker or by the one of the
    /// upgrade target.
    pub fn tracks_package(&self, package: &str) -> bool {
        self.packages().any(|p| p == package)
    }

    /// The tracked packages, with those of the upgrade target's checker.
    fn packages(&self) -> impl Iterator<Item = &str> {
        let target = self.target.as_ref().map(|(_, target, _)| target.as_ref());
        self.catalogs
            .keys()
            .copied()
            .chain(self.extra_packages.iter().map(String::as_str))
            .chain(target.into_iter().flat_map(|t| {
                t.catalogs
                    .keys()
                    .copied()
                    .chain(t.extra_packages.iter().map(String::as_str))
            }))
    }

    /// A catalog entry, its index built on first use.
    pub(super) fn cat<'a>(entry: &'a (CatalogRef, OnceLock<Index>)) -> Cat<'a> {
        let catalog = entry.0.get();
        Cat {
            catalog,
            index: entry.1.get_or_init(|| Index::new(catalog)),
        }
    }

    /// The catalog of the package a dotted path starts with.
    pub(super) fn catalog_for(&self, path: &str) -> Option<Cat<'_>> {
        self.catalogs.get(top(path)).map(Self::cat)
    }

    /// The catalog that holds a class id (its own package's first, else the first in package
    /// order that has it: only then are the other catalogs decoded).
    pub(super) fn catalog_with_object(&self, id: &str) -> Option<Cat<'_>> {
        self.catalog_for(id)
            .filter(|c| c.objects.contains_key(id))
            .or_else(|| {
                self.catalogs
                    .values()
                    .map(Self::cat)
                    .find(|c| c.objects.contains_key(id))
            })
    }
}
