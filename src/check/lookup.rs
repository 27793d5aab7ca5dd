//! Hover: the reference under the cursor and what the catalog says about it.

use super::checker::Checker;
use super::dotted::{alias_prefix, object_of_path, private_segment, public_path_of};
use super::status_findings::clean_hint;
use crate::catalog::{Catalog, Kind, Marker, Object};
use crate::resolve::{self, RefKind, Reference, Target};
use crate::syntax::{self, Span};

/// A reference under the cursor and what the catalog says about it (for editor hovers).
#[derive(Debug, Clone)]
pub struct Lookup {
    /// Where the reference is written.
    pub span: Span,
    /// The dotted name as reached (`dagster.AssetSelection.keys`); for a member of an inferred
    /// object, the public path of its class and the member (`dagster.AssetExecutionContext.log`).
    pub symbol: String,
    /// The catalog that judges it; `None` for a tracked package without one.
    pub catalog: Option<&'static Catalog>,
    /// What the catalog says (kind, statuses, breaking version, hint, public); for a keyword
    /// argument, the parameter's row. `None` when the catalog does not know the name.
    pub row: Option<crate::catalog::Row>,
    /// True when the name is reached through a private path (`dagster._core...`).
    pub private: bool,
    /// The public path of the object, when the name is reached by another path.
    pub public_path: Option<String>,
}

/// What a catalog holds for a looked-up name.
struct Entry<'c> {
    kind: &'static str,
    public: bool,
    object: Option<&'c Object>,
    markers: Vec<Marker>,
}

impl Checker {
    /// The innermost reference that covers byte `offset` of `source`, with what the catalog
    /// says about it.
    pub fn lookup(&self, source: &str, offset: u32) -> Option<Lookup> {
        let parsed = syntax::parse(source);
        let reference = resolve::resolve(parsed.body(), self)
            .into_iter()
            .filter(|r| r.span.start <= offset && offset < r.span.end)
            .min_by_key(|r| r.span.end - r.span.start)?;
        Some(self.describe(&reference))
    }

    fn describe(&self, r: &Reference) -> Lookup {
        let (symbol, catalog, private, public_path, entry) = match &r.target {
            Target::Member { class, name } => {
                let catalog = self.catalog_with_object(class);
                let symbol = catalog
                    .and_then(|c| public_path_of(c, class))
                    .map_or_else(|| format!("{class}.{name}"), |p| format!("{p}.{name}"));
                let entry =
                    catalog
                        .and_then(|c| c.catalog.member(class, name))
                        .map(|(_, object)| Entry {
                            kind: object.and_then(|o| o.kind).map_or("member", Kind::as_str),
                            public: object.is_some_and(|o| o.public),
                            object,
                            markers: object.map(|o| o.markers.clone()).unwrap_or_default(),
                        });
                (
                    symbol,
                    catalog.map(|c| c.catalog),
                    private_segment(name).is_some(),
                    None,
                    entry,
                )
            }
            Target::Path(path) => {
                let catalog = self.catalog_for(path);
                let alias = catalog.and_then(|c| alias_prefix(&c, path));
                let private = private_segment(path).is_some() || alias.is_some();
                let resolved = match &alias {
                    Some((from, to)) => format!("{to}{}", &path[from.len()..]),
                    None => path.to_string(),
                };
                let (entry, public_path) = catalog.map_or((None, None), |c| {
                    path_entry(c.catalog, path, &resolved, private)
                });
                (
                    path.to_string(),
                    catalog.map(|c| c.catalog),
                    private,
                    public_path,
                    entry,
                )
            }
        };
        let row = entry
            .map(|e| match &r.kind {
                RefKind::Keyword { param } => {
                    let markers = e.object.and_then(|o| o.params.get(&**param));
                    let markers = markers.map_or(&[][..], Vec::as_slice);
                    crate::catalog::row(&symbol, Some(param), "parameter", e.public, markers)
                }
                _ => crate::catalog::row(&symbol, None, e.kind, e.public, &e.markers),
            })
            .map(|mut row| {
                row.message = row.message.as_deref().map(clean_hint);
                row
            });
        Lookup {
            span: r.span,
            symbol,
            catalog,
            row,
            private,
            public_path,
        }
    }
}

/// What `catalog` holds for `path` (`resolved` is the path with module aliases followed), and
/// the object's public path when that is another one.
fn path_entry<'c>(
    catalog: &'c Catalog,
    path: &str,
    resolved: &str,
    private: bool,
) -> (Option<Entry<'c>>, Option<String>) {
    if catalog.modules.iter().any(|m| m == resolved) {
        let public = !private && catalog.public_modules.iter().any(|m| m == path);
        let entry = Entry {
            kind: "module",
            public,
            object: None,
            markers: Vec::new(),
        };
        return (Some(entry), None);
    }
    let found = object_of_path(catalog, resolved);
    let object = found.as_ref().map(|(_, o)| *o);
    let public_path = found
        .as_ref()
        .and_then(|(id, _)| public_path_scan(catalog, id))
        .filter(|p| p != path);
    let kind = object.and_then(|o| o.kind).map_or("value", Kind::as_str);
    let entry = match catalog.exports.get(path) {
        Some(export) => Some(Entry {
            kind,
            public: true,
            object,
            markers: catalog.export_markers(export),
        }),
        None => object.map(|o| Entry {
            kind,
            public: !private && o.public,
            object,
            markers: o.markers.clone(),
        }),
    };
    (entry, public_path)
}

/// [`public_path_of`] without the index (for lookups outside judging).
fn public_path_scan(catalog: &Catalog, id: &str) -> Option<String> {
    catalog
        .exports
        .iter()
        .filter(|(_, e)| e.target.as_deref() == Some(id))
        .map(|(path, _)| path.clone())
        .min_by_key(|p| (p.matches('.').count(), p.clone()))
}
