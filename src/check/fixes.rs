//! Attaching the fixes the catalog proves right (see [`crate::fix`]).

use std::rc::Rc;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::checker::Checker;
use super::dotted::{alias_prefix, object_of_path, public_path_of};
use crate::catalog::Signature;
use crate::diagnostic::Diagnostic;
use crate::resolve::{self, RefKind, Target};
use crate::rules;
use crate::syntax::{self, LineIndex, Span};

impl Checker {
    /// Attaches the fixes the catalog proves right to `found` (see [`crate::fix`]).
    pub(super) fn attach_fixes(
        &self,
        source: &str,
        parsed: &syntax::Parsed,
        found: &mut [Diagnostic],
    ) {
        let mut imports = None;
        if found
            .iter()
            .any(|d| [&rules::PRIVATE_IMPORT, &rules::NON_PUBLIC_API].contains(&d.rule))
        {
            let imports = imports.get_or_insert_with(|| syntax::imports::imports(parsed));
            crate::fix::imports::attach(source, imports, found, &|path| {
                self.public_equivalent(path)
            });
        }
        crate::fix::aliases::attach(source, parsed, &mut imports, found, &|path| {
            self.unmarked_twin(path)
        });
        self.attach_forward_fixes(source, parsed, found);
        self.attach_rename_fixes(source, parsed, found);
    }

    /// For a name `symbol` (`dagster.ExecuteJobResult`) that its public module exports with
    /// markers of its own (a deprecated alias): the name the module also exports the same
    /// object as, without markers, when the object itself has none.
    fn unmarked_twin(&self, symbol: &str) -> Option<String> {
        let catalog = self.catalog_for(symbol)?;
        let (module, _) = symbol.rsplit_once('.')?;
        if !catalog.index.public_modules.contains(module) {
            return None;
        }
        let export = catalog.catalog.exports.get(symbol)?;
        let target = export.target.as_deref()?;
        if export.markers.is_empty() || !catalog.objects.get(target)?.markers.is_empty() {
            return None;
        }
        let prefix = format!("{module}.");
        catalog
            .catalog
            .exports
            .range(prefix.clone()..)
            .take_while(|(path, _)| path.starts_with(&prefix))
            .find(|(path, other)| {
                !path[prefix.len()..].contains('.')
                    && path.as_str() != symbol
                    && other.markers.is_empty()
                    && other.target.as_deref() == Some(target)
            })
            .map(|(path, _)| path[prefix.len()..].to_string())
    }

    /// Attaches unsafe rename fixes (see [`crate::fix::renames`]) to the DAG001 findings of
    /// calls of deprecated callables whose hint names a replacement that the call fits.
    fn attach_rename_fixes(&self, source: &str, parsed: &syntax::Parsed, found: &mut [Diagnostic]) {
        // Calls first (a token scan), signatures only for the callables called, once each.
        let mut signatures = FxHashMap::default();
        let mut index = None;
        for d in found.iter_mut() {
            if *d.rule != rules::DEPRECATED_SYMBOL || d.fix.is_some() {
                continue;
            }
            let Some(new) = d.replacement.as_deref().filter(|r| !r.contains('.')) else {
                continue;
            };
            let Some(symbol) = d.symbol.as_deref() else {
                continue;
            };
            let Some(call) = syntax::calls::call_at(parsed, source, d.span.end) else {
                continue;
            };
            let pair = signatures
                .entry((symbol.to_string(), new.to_string()))
                .or_insert_with(|| self.rename_signatures(symbol, new));
            let Some((from, to)) = pair.as_ref() else {
                continue;
            };
            if !crate::fix::renames::fits(&call, from, to) {
                continue;
            }
            let old = symbol.rsplit('.').next().unwrap_or(symbol);
            let index = index.get_or_insert_with(|| LineIndex::new(source));
            d.fix = crate::fix::renames::rename(source, index, d.span, old, new).map(Arc::new);
        }
    }

    /// The signatures of the callable `symbol` (`dagster.SourceAsset`) and of `new`, the name
    /// its hint gives, exported by the same public module without markers.
    fn rename_signatures(&self, symbol: &str, new: &str) -> Option<(Signature, Signature)> {
        let catalog = self.catalog_for(symbol)?;
        let (module, _) = symbol.rsplit_once('.')?;
        if !catalog.index.public_modules.contains(module) {
            return None;
        }
        let target = format!("{module}.{new}");
        let export = catalog.catalog.exports.get(&target)?;
        let (from, _) = object_of_path(catalog.catalog, symbol)?;
        let (to, object) = object_of_path(catalog.catalog, &target)?;
        if !export.markers.is_empty() || !object.markers.is_empty() {
            return None;
        }
        let signature = |id: &str| {
            self.catalog_with_object(id)
                .and_then(|c| c.catalog.objects.signature(id))
        };
        Some((signature(&from)?, signature(&to)?))
    }

    /// Attaches forward fixes (see [`crate::fix::members`]) to the DAG001 findings of
    /// deprecated members used on inferred instances.
    fn attach_forward_fixes(
        &self,
        source: &str,
        parsed: &syntax::Parsed,
        found: &mut [Diagnostic],
    ) {
        let candidates: Vec<(usize, String, String)> = found
            .iter()
            .enumerate()
            .filter(|(_, d)| *d.rule == rules::DEPRECATED_SYMBOL && d.fix.is_none())
            .filter_map(|(i, d)| {
                let (name, forward) = self.public_forward(d.symbol.as_deref()?)?;
                Some((i, name, forward))
            })
            .collect();
        if candidates.is_empty() {
            return;
        }
        let members: Vec<(Span, Rc<str>)> = resolve::resolve(parsed.body(), self)
            .into_iter()
            .filter_map(|r| match (r.target, r.kind) {
                (Target::Member { name, .. }, RefKind::Member { .. }) => Some((r.span, name)),
                _ => None,
            })
            .collect();
        let index = LineIndex::new(source);
        for (i, name, forward) in candidates {
            let span = found[i].span;
            if members.iter().any(|(s, n)| *s == span && **n == *name) {
                found[i].fix = crate::fix::members::forward(source, &index, span, &name, &forward)
                    .map(Arc::new);
            }
        }
    }

    /// For the deprecated member `symbol` (`dagster.AssetExecutionContext.run_id`) that is a
    /// thin forward: its name and the chain it forwards to, when every link of the chain is a
    /// public member without markers.
    fn public_forward(&self, symbol: &str) -> Option<(String, String)> {
        let catalog = self.catalog_for(symbol)?;
        let (member_id, object) = object_of_path(&catalog, symbol)?;
        let forward = object.forward.as_deref()?;
        let (mut class, name) = member_id.rsplit_once('.')?;
        let mut owned;
        let links: Vec<&str> = forward.split('.').collect();
        for (i, link) in links.iter().enumerate() {
            let (_, Some(member)) = catalog.member(class, link)? else {
                return None;
            };
            if !member.public || !member.markers.is_empty() {
                return None;
            }
            if i + 1 < links.len() {
                owned = member.returns.clone()?;
                class = &owned;
            }
        }
        Some((name.to_string(), forward.to_string()))
    }

    /// The public export path of the object that the (private, aliased or non-public) dotted
    /// `path` reaches, when a public module exports that very object.
    pub fn public_equivalent(&self, path: &str) -> Option<String> {
        let catalog = self.catalog_for(path)?;
        let resolved = match alias_prefix(&catalog, path) {
            Some((prefix, target)) => format!("{target}{}", &path[prefix.len()..]),
            None => path.to_string(),
        };
        let (id, _) = object_of_path(&catalog, &resolved)?;
        public_path_of(catalog, &id).filter(|public| public != path)
    }
}
