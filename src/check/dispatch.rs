//! Which rule family judges a reference: its target (a path or a member) and how it is
//! written (import, use, keyword argument).

use super::checker::Checker;
use super::dotted::{display_name, object_of_path, short_class};
use super::findings::Finding;
use super::member_findings::member_symbol;
use super::param_findings::param_findings;
use super::path_findings::Reach;
use crate::resolve::{RefKind, Target};

impl Checker {
    /// Judges one reference: the findings of the rule family its target and kind call for.
    pub(super) fn findings_for(&self, target: &Target, kind: &RefKind) -> Vec<Finding> {
        match (target, kind) {
            (Target::Member { class, name }, RefKind::Keyword { param }) => {
                let Some(catalog) = self.catalog_with_object(class) else {
                    return Vec::new();
                };
                let display = format!("{}.{name}", short_class(class));
                match catalog.member(class, name) {
                    Some((_, Some(object))) => param_findings(
                        object,
                        &display,
                        &member_symbol(catalog, class, name),
                        param,
                    ),
                    _ => Vec::new(),
                }
            }
            (Target::Member { class, name }, _) => {
                let Some(catalog) = self.catalog_with_object(class) else {
                    return Vec::new();
                };
                let via = match kind {
                    RefKind::Member { via } => via,
                    _ => "",
                };
                self.member_findings(catalog, class, name, via)
            }
            (Target::Path(path), RefKind::Keyword { param }) => {
                let Some(catalog) = self.catalog_for(path) else {
                    return Vec::new();
                };
                match object_of_path(&catalog, path) {
                    Some((_, object)) => {
                        param_findings(object, &display_name(&catalog, path), path, param)
                    }
                    None => Vec::new(),
                }
            }
            (Target::Path(path), RefKind::ImportFrom { module }) => {
                self.import_from_findings(module, path)
            }
            (Target::Path(path), RefKind::ImportModule) => {
                self.path_findings(path, Reach::Whole, true)
            }
            (Target::Path(path), RefKind::Use { chained: false }) => {
                self.path_findings(path, Reach::Name, false)
            }
            (Target::Path(path), RefKind::Use { chained: true } | RefKind::Member { .. }) => {
                self.path_findings(path, Reach::Last, false)
            }
        }
    }
}
