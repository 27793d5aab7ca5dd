//! Judging dotted paths and imports: private paths (DAG201), non-public modules (DAG202),
//! names a release does not have (DAG003), and the markers of the objects they reach.

use super::catalog_index::Cat;
use super::checker::Checker;
use super::dotted::{alias_prefix, display_name, object_of_path, private_segment, public_path_of};
use super::findings::Finding;
use super::status_findings::status_findings;
use crate::catalog::shipped;
use crate::catalog::{Catalog, Marker, Object};
use crate::rules;

impl Checker {
    /// Judges `path`, imported by name from `module` (`from module import name`).
    pub(super) fn import_from_findings(&self, module: &str, path: &str) -> Vec<Finding> {
        let Some(catalog) = self.catalog_for(path) else {
            return private_only(path);
        };
        if private_segment(module).is_some() || alias_prefix(&catalog, module).is_some() {
            return self.path_findings(path, Reach::Whole, false);
        }
        if catalog.index.public_modules.contains(module) {
            return self.path_findings(path, Reach::Whole, false);
        }
        if catalog.index.modules.contains(module) {
            let mut out = vec![Finding::about(&rules::NON_PUBLIC_API, format!(
                    "`{path}` is imported from `{module}`, which is not a public module: only names exported by {} carry dagster's stability guarantee.{}",
                    public_module_list(&catalog),
                    public_hint(catalog, path)
                ), path)];
            if let Some((_, object)) = object_of_path(&catalog, path) {
                out.extend(status_findings(
                    &catalog,
                    object_markers(object),
                    &display_name(&catalog, path),
                    path,
                ));
            }
            return out;
        }
        vec![absent(&catalog, module, true)]
    }

    /// Judges a dotted path, on the segments `reach` says the reference writes.
    /// `as_module`: the path is imported as a module (`import a.b.c`); otherwise a name that a
    /// public module exports wins over a submodule of the same name (`dagster.components
    /// .definitions` is the function the package binds over its `definitions` submodule).
    pub(super) fn path_findings(&self, path: &str, reach: Reach, as_module: bool) -> Vec<Finding> {
        let Some(catalog) = self.catalog_for(path) else {
            return private_only(path);
        };
        let segments: Vec<&str> = path.split('.').collect();
        let last = segments.len() - 1;
        let whole = reach != Reach::Last;
        let mut out = Vec::new();

        // Private paths: `dagster._core...` or an alias of one (`dagster.core` up to 1.12).
        let private_at = private_segment(path);
        let alias = alias_prefix(&catalog, path);
        if private_at.is_some() || alias.is_some() {
            let reported_here = match reach {
                Reach::Whole => true,
                Reach::Name => false,
                Reach::Last => {
                    private_segment(segments[last]).is_some()
                        || alias
                            .as_ref()
                            .is_some_and(|(prefix, _)| prefix.matches('.').count() == last)
                }
            };
            let resolved = match &alias {
                Some((prefix, target)) => format!("{target}{}", &path[prefix.len()..]),
                None => path.to_string(),
            };
            let object = object_of_path(&catalog, &resolved);
            if reported_here {
                out.push(private_finding(
                    catalog,
                    path,
                    alias.as_ref(),
                    object.as_ref().map(|(id, _)| id.clone()),
                ));
            }
            if let Some((_, object)) = object {
                if whole || private_at.is_none_or(|i| i < last) {
                    let name = segments[last];
                    out.extend(status_findings(
                        &catalog,
                        object_markers(object),
                        name,
                        path,
                    ));
                }
            }
            return out;
        }

        let shadowed = !as_module
            && catalog
                .exports
                .get(path)
                .is_some_and(|e| e.target.as_deref() != Some(path));
        if catalog.index.modules.contains(path) && !shadowed {
            if !catalog.index.public_modules.contains(path) {
                let under_public = catalog
                    .public_modules
                    .iter()
                    .any(|m| path.starts_with(&format!("{m}.")));
                let written = match reach {
                    Reach::Whole => true,
                    Reach::Name => false,
                    Reach::Last => under_public,
                };
                if written {
                    out.push(Finding::about(&rules::NON_PUBLIC_API, format!(
                            "`{path}` is not a public module: only names exported by {} carry dagster's stability guarantee.",
                            public_module_list(&catalog)
                        ), path));
                }
            } else if path.split('.').any(|s| s == "preview") {
                out.push(Finding::about(&rules::PREVIEW_SYMBOL, format!("`{path}` is a preview namespace: its APIs may change or disappear without notice."), path));
            }
            return out;
        }

        // The longest module prefix, then an exported name, then members.
        // (`prefix(n)`: the first n segments, a slice of `path`.)
        let prefix = |n: usize| -> &str {
            let end = path
                .match_indices('.')
                .nth(n - 1)
                .map_or(path.len(), |(i, _)| i);
            &path[..end]
        };
        let Some(module_len) = (1..segments.len())
            .rev()
            .find(|&n| catalog.index.modules.contains(prefix(n)))
        else {
            return out;
        };
        let module = prefix(module_len).to_string();
        let name_path = prefix(module_len + 1).to_string();
        let is_public = catalog.index.public_modules.contains(module.as_str());
        let export = catalog.exports.get(&name_path);
        if module_len == last || whole {
            match (is_public, export) {
                (true, Some(export)) => {
                    let name = &segments[module_len..].join(".");
                    out.extend(status_findings(&catalog, catalog.export_markers(export), name, &name_path));
                    if module.split('.').any(|s| s == "preview") && out.is_empty() {
                        out.push(Finding::about(&rules::PREVIEW_SYMBOL, format!("`{name_path}` is in the preview namespace `{module}`: it may change or disappear without notice."), &name_path));
                    }
                }
                // Module dunders (`__version__`, `__file__`, ...) always exist.
                (true, None) if is_dunder(segments[module_len]) => {}
                (true, None) => out.push(absent(&catalog, &name_path, false)),
                // Where a bound name comes from was reported where it was bound.
                (false, _) if reach == Reach::Name => {}
                (false, _) => out.push(Finding::about(&rules::NON_PUBLIC_API, format!(
                        "`{name_path}` comes from `{module}`, which is not a public module: only names exported by {} carry dagster's stability guarantee.{}",
                        public_module_list(&catalog),
                        public_hint(catalog, &name_path)
                    ), &name_path)),
            }
            if module_len == last {
                return out;
            }
        }
        // Members: follow the class of the export through the chain; judge the last segment.
        let Some(mut class) = export.and_then(|e| e.target.clone()) else {
            return out;
        };
        for (i, member) in segments.iter().enumerate().skip(module_len + 1) {
            if i == last {
                out.extend(self.member_findings(catalog, &class, member, ""));
                break;
            }
            match catalog
                .member(&class, member)
                .and_then(|(_, o)| o?.returns.clone())
            {
                Some(next) => class = next,
                None => break,
            }
        }
        out
    }
}

/// Which segments of a dotted path a reference writes itself: where the path leads through
/// (private segments, non-public modules) is reported only there, once; what the object is
/// (deprecated, beta, ...) at every use, since every use needs a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reach {
    /// An import: every segment.
    Whole,
    /// A use of a name bound to the path: none (its import or assignment wrote them), but the
    /// markers of every object on the path are still reported.
    Name,
    /// An attribute chained on another reference: its last segment (`dg.AssetSelection` in
    /// `dg.AssetSelection.keys` is a reference of its own).
    Last,
}

/// A private-path finding for a path into a tracked package without a catalog, when it
/// has a private segment.
fn private_only(path: &str) -> Vec<Finding> {
    match private_segment(path) {
        Some(_) => vec![Finding::about(
            &rules::PRIVATE_IMPORT,
            format!("`{path}` is a private path: it has no stability guarantee."),
            path,
        )],
        None => Vec::new(),
    }
}

/// The private-path finding of `path` (through `alias`, when a module alias leads there),
/// pointing to the public path of `object` when it has one.
fn private_finding(
    catalog: Cat,
    path: &str,
    alias: Option<&(String, String)>,
    object: Option<String>,
) -> Finding {
    let public = object.as_deref().and_then(|id| public_path_of(catalog, id));
    let mut message = match alias {
        Some((from, to)) => format!(
            "`{path}` goes through `{from}`, an alias of the private module `{to}`: it has no stability guarantee."
        ),
        None => format!("`{path}` is a private path: it has no stability guarantee and may change in any release."),
    };
    if let Some(public) = &public {
        message.push_str(&format!(" Use the public `{public}` instead."));
    }
    Finding::about(&rules::PRIVATE_IMPORT, message, path)
}

/// The finding of a `path` (a module or a name) that the catalog's release does not have:
/// not yet, no longer, or never.
fn absent(catalog: &Catalog, path: &str, module: bool) -> Finding {
    let what = if module { "module" } else { "name" };
    let (dist, version) = (&catalog.distribution, &catalog.version);
    let message = match shipped::absence(&catalog.package, version, path) {
        Some(shipped::Absence::NotYet(added)) => format!(
            "The {what} `{path}` was added in {dist} {added}: your project's {dist} {version} does not have it yet, so importing it fails."
        ),
        Some(shipped::Absence::Removed(removed, added)) => format!(
            "The {what} `{path}` was removed in {dist} {removed} (it existed from {added}): importing it from {dist} {version} fails."
        ),
        Some(shipped::Absence::Never(like)) => {
            let releases = shipped::versions(&catalog.package);
            let mut message = format!(
                "The {what} `{path}` does not exist in any release of {dist} ({} to {}): importing it fails.",
                releases.first().unwrap_or(&"?"),
                releases.last().unwrap_or(&"?")
            );
            if !like.is_empty() {
                let mut names: Vec<String> = like.iter().map(|n| format!("`{n}`")).collect();
                let last = names.pop().unwrap_or_default();
                let names = match names.is_empty() {
                    true => last,
                    false => format!("{} or {last}", names.join(", ")),
                };
                message.push_str(&format!(" Did you mean {names}?"));
            }
            message
        }
        None => format!("The {what} `{path}` does not exist in {dist} {version}: importing it fails."),
    };
    Finding::about(&rules::REMOVED_SYMBOL, message, path)
}

/// True for a dunder name (`__version__`).
fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

/// The first public modules of a catalog, as messages list them.
fn public_module_list(catalog: &Catalog) -> String {
    let list: Vec<String> = catalog
        .public_modules
        .iter()
        .take(3)
        .map(|m| format!("`{m}`"))
        .collect();
    if catalog.public_modules.len() > 3 {
        format!("{} and other documented namespaces", list.join(", "))
    } else {
        list.join(", ")
    }
}

/// ` Use the public `X` instead.` when the object `path` reaches is exported as `X`.
fn public_hint(catalog: Cat, path: &str) -> String {
    object_of_path(&catalog, path)
        .and_then(|(id, _)| public_path_of(catalog, &id))
        .filter(|public| public != path)
        .map_or_else(String::new, |public| {
            format!(" Use the public `{public}` instead.")
        })
}

/// The markers of an object, as [`status_findings`] takes them.
fn object_markers(object: &Object) -> Vec<Marker> {
    object.markers.clone()
}
