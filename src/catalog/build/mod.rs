//! `catalog build`: reads dagster's own source and writes down, for every public name, its
//! lifecycle markers. Everything is static: no Python runs.
//!
//! The builder indexes every module's top-level bindings, follows re-export chains to the
//! defining module, and reads the decorators found there (`@beta`, `@deprecated(...)`,
//! `@deprecated_param(...)`, `@public`, markers stored in variables, `**helper()` keyword
//! arguments), class bodies (`PublicAttr`, NamedTuple fields, inherited members) and the
//! module `__getattr__` tables (`_DEPRECATED`, `_DEPRECATED_WITH_ERROR`, ...).
//!
//! Layout: `index` resolves names through imports, `exports` assembles a distribution's
//! catalog, `decorators` and `classes` read definitions (with `definitions` for the
//! facts of a single one), and `eval` evaluates the strings markers carry.

mod analyzer;
mod classes;
mod decorators;
mod definitions;
mod eval;
mod exports;
mod index;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use super::model::Catalog;
use super::sources::SourceSet;
use crate::syntax;
use analyzer::Analyzer;
use index::Index;

/// Builds one catalog per dagster distribution in `set`, in the order the set lists them.
pub fn build(set: &SourceSet) -> Vec<Catalog> {
    let parsed: Vec<(String, bool, syntax::Parsed)> = set
        .files
        .par_iter()
        .map(|(name, file)| (name.clone(), file.is_package, syntax::parse(&file.text)))
        .collect();
    let index = Index::new(&parsed);
    let mut analyzer = Analyzer {
        index: &index,
        objects: BTreeMap::new(),
        in_progress: HashSet::new(),
        deferred: HashMap::new(),
    };
    set.dists
        .iter()
        .map(|dist| analyzer.catalog(dist))
        .collect()
}
