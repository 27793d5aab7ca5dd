//! A package's own references: a library's modules use its internals freely.

use super::checker::Checker;
use super::dotted::top;
use crate::resolve::{Knowledge, Reference, Target};

impl Checker {
    /// True when a reference, written in a module of package `own`, reaches only code of that
    /// package: a path into it, or a member that it defines. A member defined in an untracked
    /// package whose objects `own`'s catalog carries (`dagster_shared` for dagster) is the
    /// package's own too when the object's class is: dagster's modules using `_replace` on their
    /// own `RunRequest` (a `dagster_shared` mixin) use no unstable API.
    pub(super) fn is_own(&self, r: &Reference, own: &str) -> bool {
        match &r.target {
            Target::Path(path) => top(path) == own,
            Target::Member { class, name } => self
                .answer(&["own", own, class, name], || {
                    let definer = self
                        .catalog_with_object(class)
                        .and_then(|c| c.catalog.member(class, name))
                        .map(|(id, _)| id);
                    let definer = top(definer.as_deref().unwrap_or(class));
                    let owned = definer == own
                        || (self.carries(own, definer) && self.carries(own, top(class)));
                    owned.then(String::new)
                })
                .is_some(),
        }
    }

    /// True when `package` is `own`, or an untracked package that `own`'s catalog carries
    /// objects of.
    fn carries(&self, own: &str, package: &str) -> bool {
        package == own
            || (!self.is_tracked(package)
                && self.catalogs.get(own).is_some_and(|entry| {
                    Self::cat(entry)
                        .index
                        .object_packages
                        .binary_search(&package)
                        .is_ok()
                }))
    }

    /// True when this checker (and the one of the upgrade target) reports nothing in a module
    /// of package `own` that names no other tracked package: every object `own`'s catalog
    /// holds is its own or of an untracked package it carries, so every reference that starts
    /// at an import of `own` is its own (see [`Checker::is_own`]). True for dagster, whose
    /// catalog holds dagster and dagster_shared objects; false for integration libraries,
    /// whose classes derive from dagster's. Used by [`crate::gate`].
    pub fn own_package_is_closed(&self, own: &str) -> bool {
        let closed = self.catalogs.get(own).is_some_and(|entry| {
            Self::cat(entry)
                .index
                .object_packages
                .iter()
                .all(|p| self.carries(own, p))
        });
        closed
            && self
                .target
                .as_ref()
                .is_none_or(|(_, target, _)| target.own_package_is_closed(own))
    }
}
