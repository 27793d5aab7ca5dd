//! The analyzer's state: the index it reads and the catalog objects found so far. Its
//! methods live beside their concern: `super::exports`, `super::decorators`,
//! `super::classes`.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::index::Index;
use crate::catalog::model::Object;
use crate::syntax::view::ClassDef;

/// Walks the indexed modules and records, per object id, what the catalog says about it.
pub(super) struct Analyzer<'i, 'a> {
    pub(super) index: &'i Index<'a>,
    pub(super) objects: BTreeMap<String, Object>,
    pub(super) in_progress: HashSet<String>,
    /// Classes named by annotations, analysed only when a catalog keeps them (analysing them
    /// on sight would recurse into classes still being analysed).
    pub(super) deferred: HashMap<String, (&'a str, ClassDef<'a>)>,
}
