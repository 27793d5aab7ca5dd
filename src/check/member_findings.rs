//! Judging members of classes: private (DAG201) and non-public (DAG203) members, and their
//! markers.

use super::catalog_index::Cat;
use super::checker::Checker;
use super::dotted::{private_segment, public_path_of, short_class, top};
use super::findings::Finding;
use super::status_findings::status_findings;
use crate::catalog::Kind;
use crate::rules;

impl Checker {
    /// Judges member `name` of class `class` (reached through an object inferred `via`).
    pub(super) fn member_findings(
        &self,
        catalog: Cat,
        class: &str,
        name: &str,
        via: &str,
    ) -> Vec<Finding> {
        if name.starts_with("__") && name.ends_with("__") {
            return Vec::new();
        }
        let display = format!("{}.{name}", short_class(class));
        let symbol = member_symbol(catalog, class, name);
        let via_text = if via.is_empty() {
            String::new()
        } else {
            format!(" Type inferred from {via}.")
        };
        let found = catalog.member(class, name);
        if name.starts_with('_') {
            if found.is_some() || private_segment(name).is_some() {
                return vec![Finding::about(
                    &rules::PRIVATE_IMPORT,
                    format!(
                        "`{display}` is a private member: it has no stability guarantee.{via_text}"
                    ),
                    &symbol,
                )];
            }
            return Vec::new();
        }
        match found {
            None => Vec::new(),
            Some((_, Some(object))) if !object.markers.is_empty() => {
                let mut out = status_findings(&catalog, object.markers.clone(), &display, &symbol);
                for f in &mut out {
                    f.message = format!("{}{via_text}", f.message).into();
                }
                out
            }
            Some((_, Some(object))) if object.public || object.kind == Some(Kind::Attribute) => {
                Vec::new()
            }
            // A library that marks nothing `@public` (dagster_pipes, many integrations) draws no
            // line between public and other members: none is reported.
            Some((id, _)) if !self.marks_public(catalog, top(&id)) => Vec::new(),
            Some((_, object)) => {
                let kind = object.and_then(|o| o.kind).map_or("member", Kind::as_str);
                vec![Finding::about(&rules::NON_PUBLIC_MEMBER, format!(
                        "`{display}` is not a public {kind}: dagster's stability guarantee covers only `@public` members.{via_text}"
                    ), &symbol)]
            }
        }
    }

    /// True when `catalog` marks some object of `package` `@public` (memoized per thread).
    fn marks_public(&self, catalog: Cat, package: &str) -> bool {
        self.answer(&["marks-public", &catalog.package, package], || {
            catalog
                .objects
                .iter()
                .any(|(id, object)| object.public && top(id) == package)
                .then(String::new)
        })
        .is_some()
    }
}

/// The dotted symbol of a class member as users reach it (`dagster.AssetExecutionContext.log`).
pub(super) fn member_symbol(catalog: Cat, class: &str, name: &str) -> String {
    public_path_of(catalog, class)
        .map_or_else(|| format!("{class}.{name}"), |p| format!("{p}.{name}"))
}
