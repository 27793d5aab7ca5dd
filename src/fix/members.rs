//! Safe fixes of deprecated members that are thin forwards: a deprecated property whose body
//! only returns `self.a.b` (the catalog's [`forward`](crate::catalog::Object::forward), read
//! from dagster's source) is replaced by that chain where it is used on an instance:
//! `context.run_id` becomes `context.op_execution_context.run_id`. The checker offers it only
//! when every link of the chain is a public, unmarked member (so the fix trades the
//! deprecated member for public API, not for another finding).

use super::{Applicability, Fix};
use crate::syntax::{LineIndex, Span};

/// The fix of the member access `span` of `source` (which ends with the member `name`) that
/// writes `forward` in place of `name`; `index` is the source's line index.
pub fn forward(
    source: &str,
    index: &LineIndex,
    span: Span,
    name: &str,
    forward: &str,
) -> Option<Fix> {
    let edit = super::attribute_edit(source, span, name, forward)?;
    let fix = Fix::new(
        Applicability::Safe,
        format!("Use `{forward}`, which `{name}` returns"),
        vec![edit],
    );
    Some(fix.located(source, index))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply;

    #[test]
    fn the_member_name_is_replaced_by_the_chain() {
        let source = "x = context.run_id\n";
        let index = LineIndex::new(source);
        let fix = forward(
            source,
            &index,
            Span { start: 4, end: 18 },
            "run_id",
            "run.run_id",
        )
        .unwrap();
        let applied = apply(source, [(0, &fix)], Applicability::Safe);
        assert_eq!(applied.text, "x = context.run.run_id\n");
        // Not an attribute access ending with the name: no fix.
        assert!(forward(source, &index, Span { start: 4, end: 11 }, "run_id", "a").is_none());
        let bare = "run_id";
        let index = LineIndex::new(bare);
        assert!(forward(bare, &index, Span { start: 0, end: 6 }, "run_id", "a").is_none());
    }
}

#[cfg(test)]
mod checker_tests {
    use std::collections::BTreeMap;

    use crate::catalog::shipped::CatalogRef;
    use crate::catalog::{Catalog, Export, Kind, Marker, Object, Status};
    use crate::check::Checker;
    use crate::fix::{apply, Applicability};

    /// A dagster whose class `K` has a deprecated property `run_id` forwarding to
    /// `self.run.run_id` (`run`: a public property of the public class `Run`) and `old`
    /// forwarding through the non-public `hidden`.
    fn checker() -> Checker {
        let member =
            |public, markers: Vec<Marker>, forward: Option<&str>, returns: Option<&str>| Object {
                kind: Some(Kind::Property),
                public,
                markers,
                forward: forward.map(str::to_string),
                returns: returns.map(str::to_string),
                ..Object::default()
            };
        let deprecated = || {
            vec![Marker {
                status: Status::Deprecated,
                breaking_version: Some("2.0".into()),
                message: None,
                hidden: false,
            }]
        };
        let class = |members: &[&str]| Object {
            kind: Some(Kind::Class),
            members: members.iter().map(|m| m.to_string()).collect(),
            ..Object::default()
        };
        let objects: BTreeMap<String, Object> = [
            ("dagster._k.K", class(&["run_id", "old", "run", "hidden"])),
            (
                "dagster._k.K.run_id",
                member(true, deprecated(), Some("run.run_id"), None),
            ),
            (
                "dagster._k.K.old",
                member(true, deprecated(), Some("hidden.run_id"), None),
            ),
            (
                "dagster._k.K.run",
                member(true, vec![], None, Some("dagster._k.Run")),
            ),
            (
                "dagster._k.K.hidden",
                member(false, vec![], None, Some("dagster._k.Run")),
            ),
            ("dagster._k.Run", class(&["run_id"])),
            ("dagster._k.Run.run_id", member(true, vec![], None, None)),
        ]
        .into_iter()
        .map(|(id, o)| (id.to_string(), o))
        .collect();
        let exports = ["K", "Run"]
            .map(|n| {
                let export = Export {
                    target: Some(format!("dagster._k.{n}")),
                    markers: Vec::new(),
                };
                (format!("dagster.{n}"), export)
            })
            .into_iter()
            .collect();
        let catalog = Catalog {
            package: "dagster".into(),
            distribution: "dagster".into(),
            version: "9.9.9".into(),
            public_modules: vec!["dagster".into()],
            modules: vec!["dagster".into()],
            exports,
            objects: objects.into(),
            ..Catalog::default()
        };
        Checker::new(
            vec![CatalogRef::Loaded(Box::leak(Box::new(catalog)))],
            Vec::new(),
        )
    }

    #[test]
    fn a_thin_forward_through_public_members_is_fixed_on_instances_only() {
        let source =
            "import dagster as dg\n\ndef f(k: dg.K):\n    return k.run_id, k.old, dg.K.run_id\n";
        let found = checker().check_source(None, "x.py", source);
        let fixes: Vec<_> = found.iter().filter_map(|d| d.fix.as_deref()).collect();
        assert_eq!(fixes.len(), 1, "{found:#?}");
        let applied = apply(source, fixes.iter().map(|f| (0, *f)), Applicability::Safe);
        assert_eq!(
            applied.text,
            "import dagster as dg\n\ndef f(k: dg.K):\n    return k.run.run_id, k.old, dg.K.run_id\n"
        );
    }
}
