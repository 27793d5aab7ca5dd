//! Dotted paths and where they lead in a catalog: the arithmetic of names and the look-ups
//! every part of the checker shares.

use super::catalog_index::Cat;
use crate::catalog::{Catalog, Export, Kind, Object};

/// The top-level package of a dotted path (its first segment).
pub(super) fn top(path: &str) -> &str {
    // (A byte scan: this runs for every reference, where `split('.')` showed in profiles.)
    match path.bytes().position(|b| b == b'.') {
        Some(i) => &path[..i],
        None => path,
    }
}

/// Index of the first private segment (`_x`, not a dunder) of a dotted path.
pub(super) fn private_segment(path: &str) -> Option<usize> {
    path.split('.')
        .position(|s| s.starts_with('_') && !(s.starts_with("__") && s.ends_with("__")))
}

/// The module alias (`dagster.core` -> `dagster._core`) a path starts with.
pub(super) fn alias_prefix(catalog: &Catalog, path: &str) -> Option<(String, String)> {
    catalog
        .module_aliases
        .iter()
        .filter(|(from, _)| path == from.as_str() || path.starts_with(&format!("{from}.")))
        .max_by_key(|(from, _)| from.len())
        .map(|(f, t)| (f.clone(), t.clone()))
}

/// The short class name of a catalog class id.
pub(super) fn short_class(id: &str) -> &str {
    id.rsplit('.').next().unwrap_or(id)
}

/// How a path is named in messages: the part after its public module (`AssetSelection.keys`).
pub(super) fn display_name(catalog: &Catalog, path: &str) -> String {
    if let Some(i) = private_segment(path) {
        // A private path: name the object by what follows the private module, at least its name.
        let segments: Vec<&str> = path.split('.').collect();
        let from = segments
            .len()
            .saturating_sub(1)
            .max(i + 1)
            .min(segments.len() - 1);
        return segments[from..].join(".");
    }
    catalog
        .public_modules
        .iter()
        .filter(|m| path.starts_with(&format!("{m}.")))
        .max_by_key(|m| m.len())
        .map_or_else(|| path.to_string(), |m| path[m.len() + 1..].to_string())
}

/// The public export path of an object, if it has one.
pub(super) fn public_path_of(catalog: Cat, id: &str) -> Option<String> {
    catalog.index.public_paths.get(id).map(|p| p.to_string())
}

/// Resolves a dotted path (public, private or alias hop) to a catalogued object.
pub(super) fn object_of_path<'c>(catalog: &'c Catalog, path: &str) -> Option<(String, &'c Object)> {
    let id = catalog
        .exports
        .get(path)
        .and_then(|e: &Export| e.target.clone())
        .or_else(|| catalog.aliases.get(path).map(str::to_string))
        .or_else(|| catalog.objects.contains_key(path).then(|| path.to_string()));
    if let Some(id) = id {
        return catalog.objects.get(&id).map(|o| (id, o));
    }
    let (parent, name) = path.rsplit_once('.')?;
    let (parent_id, parent_object) = object_of_path(catalog, parent)?;
    let class_id = if parent_object.kind == Some(Kind::Class) {
        parent_id
    } else {
        parent_object.returns.clone()?
    };
    let (member_id, object) = catalog.member(&class_id, name)?;
    object.map(|o| (member_id, o))
}
