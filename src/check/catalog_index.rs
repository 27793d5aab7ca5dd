//! A catalog with the look-ups the checker makes for every reference precomputed.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::catalog::Catalog;

/// A catalog with the lookups the checker makes for every reference precomputed.
#[derive(Clone, Copy)]
pub(super) struct Cat<'a> {
    pub(super) catalog: &'static Catalog,
    pub(super) index: &'a Index,
}

impl std::ops::Deref for Cat<'_> {
    type Target = Catalog;
    fn deref(&self) -> &Catalog {
        self.catalog
    }
}

/// Hash sets and maps over a catalog, built the first time the catalog is used.
pub(super) struct Index {
    pub(super) modules: FxHashSet<&'static str>,
    pub(super) public_modules: FxHashSet<&'static str>,
    /// The public export path of each object that has one: the shortest, then the first by
    /// name.
    pub(super) public_paths: FxHashMap<&'static str, &'static str>,
    /// The packages the catalog's objects belong to: its own, and those it carries objects of
    /// (bases and types from `dagster`, `dagster_shared`, ...).
    pub(super) object_packages: Vec<&'static str>,
}

impl Index {
    /// The index of `catalog`.
    pub(super) fn new(catalog: &'static Catalog) -> Index {
        let mut public_paths: FxHashMap<&'static str, &'static str> = FxHashMap::default();
        for (path, export) in &catalog.exports {
            let Some(target) = export.target.as_deref() else {
                continue;
            };
            let key = |p: &str| (p.matches('.').count(), p.to_string());
            public_paths
                .entry(target)
                .and_modify(|best| {
                    if key(path) < key(best) {
                        *best = path;
                    }
                })
                .or_insert(path);
        }
        Index {
            object_packages: catalog.objects.packages(),
            modules: catalog.modules.iter().map(String::as_str).collect(),
            public_modules: catalog.public_modules.iter().map(String::as_str).collect(),
            public_paths,
        }
    }
}
