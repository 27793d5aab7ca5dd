//! One distribution's catalog: its public modules and their exports, the aliases that reach
//! exported objects, the module `__getattr__` tables (`_DEPRECATED`,
//! `_DEPRECATED_WITH_ERROR`, ...) and the objects the catalog keeps.

use std::collections::{BTreeMap, HashSet};

use super::analyzer::Analyzer;
use super::definitions::signature;
use super::index::{target_id, Binding, ModuleInfo, Target};
use crate::catalog::model::*;
use crate::catalog::sources::Distribution;
use crate::syntax::view::{Expr, ExprKind, StmtKind, Suite};

impl<'a> Analyzer<'_, 'a> {
    pub(super) fn catalog(&mut self, dist: &Distribution) -> Catalog {
        let package = dist
            .packages
            .iter()
            .find(|p| p.starts_with("dagster"))
            .cloned()
            .unwrap_or_else(|| dist.name.replace('-', "_"));
        let mut public_modules: Vec<String> = self
            .index
            .modules
            .values()
            .filter(|m| is_public_namespace(&package, m))
            .map(|m| m.name.to_string())
            .collect();
        public_modules.sort();
        let mut modules: Vec<String> = self
            .index
            .modules
            .keys()
            .filter(|m| {
                (**m == package || m.starts_with(&format!("{package}.")))
                    && !m.split('.').any(|s| s.starts_with('_'))
            })
            .map(|m| m.to_string())
            .collect();
        modules.sort();

        let mut exports = BTreeMap::new();
        let mut aliases = BTreeMap::new();
        let mut module_aliases = BTreeMap::new();
        for module_name in &public_modules {
            let info = &self.index.modules[module_name.as_str()];
            for name in export_names(info) {
                let mut hops = Vec::new();
                let target = self.index.resolve_name(module_name, &name, &mut hops, 0);
                let id = target.map(|t| self.object_for(t));
                if let Some(id) = &id {
                    for hop in hops {
                        if hop != *id
                            && !public_modules.iter().any(|m| hop == format!("{m}.{name}"))
                        {
                            aliases.insert(hop, id.clone());
                        }
                    }
                }
                exports.insert(
                    format!("{module_name}.{name}"),
                    Export {
                        target: id,
                        markers: Vec::new(),
                    },
                );
            }
            for (name, export) in self.getattr_tables(info) {
                exports.insert(format!("{module_name}.{name}"), export);
            }
            if module_name == &package {
                find_module_aliases(info.body, &mut module_aliases);
            }
        }

        // Every other import of an exported object inside the package is a path that reaches it
        // too (`dagster._core.definitions.ExpectationResult`, re-exported by a private
        // `__init__` that `dagster/__init__.py` does not go through): the checker judges such a
        // path by the object's markers and names its public export.
        let exported: HashSet<&str> = exports
            .values()
            .filter_map(|e| e.target.as_deref())
            .collect();
        let prefix = format!("{package}.");
        let mut hops_found = Vec::new();
        for (module_name, info) in &self.index.modules {
            if **module_name != package && !module_name.starts_with(&prefix) {
                continue;
            }
            for (name, binding) in &info.bindings {
                let reexport = match binding {
                    Binding::Import(_) => true,
                    Binding::Value(v) => v.dotted_name().is_some(),
                    _ => false,
                };
                if !reexport {
                    continue;
                }
                let hop = format!("{module_name}.{name}");
                if exports.contains_key(&hop) || aliases.contains_key(&hop) {
                    continue;
                }
                let Some(id) = self
                    .index
                    .resolve_name(module_name, name, &mut Vec::new(), 0)
                    .and_then(target_id)
                else {
                    continue;
                };
                if id != hop && exported.contains(id.as_str()) {
                    hops_found.push((hop, id));
                }
            }
        }
        aliases.extend(hops_found);

        // Keep the objects reachable from the exports: members, bases and returned classes.
        let mut keep = BTreeMap::new();
        let mut dropped = Vec::new();
        let mut work: Vec<String> = exports.values().filter_map(|e| e.target.clone()).collect();
        work.extend(aliases.values().cloned());
        while let Some(id) = work.pop() {
            if keep.contains_key(&id) {
                continue;
            }
            if !self.objects.contains_key(&id) {
                if let Some((module, def)) = self.deferred.get(&id).copied() {
                    self.class(module, def);
                }
            }
            let Some(object) = self.objects.get(&id).cloned() else {
                continue;
            };
            work.extend(object.members.iter().map(|m| format!("{id}.{m}")));
            work.extend(object.bases.iter().cloned());
            work.extend(object.returns.iter().cloned());
            // A member with nothing to say (not public, unmarked, no known type) is listed in
            // its class's `members` only: absence from `objects` means exactly that.
            let plain = object
                == Object {
                    kind: object.kind,
                    ..Object::default()
                };
            if !(plain && matches!(object.kind, Some(k) if k.is_member())) {
                keep.insert(id, object);
            } else {
                keep.insert(id.clone(), object);
                dropped.push(id);
            }
        }
        for id in dropped {
            keep.remove(&id);
        }
        Catalog {
            format: FORMAT_VERSION,
            package,
            distribution: dist.name.clone(),
            version: dist.version.clone(),
            requires_python: dist.requires_python.clone(),
            requires_dagster: dist.requires_dagster.clone(),
            public_modules,
            modules,
            module_aliases,
            exports,
            aliases: aliases.into(),
            objects: keep.into(),
        }
    }

    /// The catalog object id of a resolved target, analysing it on first sight.
    pub(super) fn object_for(&mut self, target: Target<'a>) -> String {
        match target {
            Target::Module(name) => {
                self.objects
                    .entry(name.to_string())
                    .or_insert_with(|| Object {
                        kind: Some(Kind::Module),
                        ..Object::default()
                    });
                name.to_string()
            }
            Target::Class(module, def) => self.class(module, def),
            Target::Function(module, def) => {
                let id = format!("{module}.{}", def.name());
                if !self.objects.contains_key(&id) {
                    let mut object = self.function(module, def, Kind::Function);
                    object.signature = Some(signature(def.params().shape(), false));
                    self.objects.insert(id.clone(), object);
                }
                id
            }
            Target::Value(module, name, value) => {
                let id = format!("{module}.{name}");
                if !self.objects.contains_key(&id) {
                    let returns = self.class_of_value(module, value);
                    let markers = self.typing_alias_markers(module, value);
                    self.objects.insert(
                        id.clone(),
                        Object {
                            kind: Some(Kind::Value),
                            markers,
                            returns,
                            ..Object::default()
                        },
                    );
                }
                id
            }
        }
    }

    /// Entries of the module `__getattr__` tables: `_DEPRECATED*` dicts.
    fn getattr_tables(&mut self, info: &ModuleInfo<'a>) -> Vec<(String, Export)> {
        let mut out = Vec::new();
        for stmt in info.body.iter() {
            let StmtKind::Assign {
                targets,
                value: Some(value),
                ..
            } = stmt.kind()
            else {
                continue;
            };
            let ExprKind::Dict { items, .. } = value.kind() else {
                continue;
            };
            let Some(ExprKind::Name { id: table, .. }) = targets.single().map(Expr::kind) else {
                continue;
            };
            if !table.starts_with("_DEPRECATED") {
                continue;
            }
            for (key, value) in items.iter() {
                let Some(name) = key.and_then(Expr::as_str) else {
                    continue;
                };
                let export = match value.kind() {
                    ExprKind::Str { value, .. } if table == "_DEPRECATED_WITH_ERROR" => Export {
                        target: None,
                        markers: vec![Marker {
                            status: Status::Removed,
                            breaking_version: None,
                            message: Some(value.to_string()),
                            hidden: false,
                        }],
                    },
                    ExprKind::Sequence { elts, .. } => {
                        let strs: Vec<Option<String>> =
                            elts.iter().map(|e| self.eval_str(info.name, e)).collect();
                        let (target, breaking_version, message) = match strs.as_slice() {
                            [Some(m), bv, msg] => {
                                let path = format!("{m}.{name}");
                                let t = self.index.resolve_path(&path, &mut Vec::new(), 0);
                                (t.map(|t| self.object_for(t)), bv.clone(), msg.clone())
                            }
                            [_, bv] => {
                                let t = elts.get(0).and_then(Expr::dotted_name).and_then(|d| {
                                    self.index.resolve_dotted(info.name, &d, &mut Vec::new(), 0)
                                });
                                (
                                    t.map(|t| self.object_for(t)),
                                    bv.clone(),
                                    Some(format!("Use `{name}` instead.")),
                                )
                            }
                            _ => (None, None, None),
                        };
                        Export {
                            target,
                            markers: vec![Marker {
                                status: Status::Deprecated,
                                breaking_version,
                                message,
                                hidden: false,
                            }],
                        }
                    }
                    _ => continue,
                };
                out.push((name.to_string(), export));
            }
        }
        out
    }
}

/// Public namespaces: the package, its direct non-private subpackages, and `*.preview.*`.
fn is_public_namespace(package: &str, module: &ModuleInfo) -> bool {
    let name = module.name;
    if name == package {
        return true;
    }
    let Some(rest) = name.strip_prefix(package).and_then(|r| r.strip_prefix('.')) else {
        return false;
    };
    if !module.is_package || rest.split('.').any(|s| s.starts_with('_')) {
        return false;
    }
    !rest.contains('.') || rest.starts_with("preview.")
}

/// The names a public module exports: `__all__` when present, otherwise redundant-alias
/// imports and the module's own non-underscore definitions.
fn export_names(info: &ModuleInfo) -> Vec<String> {
    if let Some(all) = &info.all {
        return all.clone();
    }
    let mut names: Vec<String> = info
        .reexports
        .iter()
        .map(|n| n.to_string())
        .chain(info.bindings.iter().filter_map(|(name, b)| {
            let own = matches!(
                b,
                Binding::Class(_) | Binding::Function(_) | Binding::Value(_)
            );
            (own && !name.starts_with('_')).then(|| name.to_string())
        }))
        .filter(|n| !n.starts_with('_'))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// `AliasedModuleFinder({"dagster.core": "dagster._core", ...})` in the package `__init__`.
fn find_module_aliases(body: Suite, out: &mut BTreeMap<String, String>) {
    fn visit(e: Expr, out: &mut BTreeMap<String, String>) {
        if let ExprKind::Call { func, args, .. } = e.kind() {
            if func
                .dotted_name()
                .is_some_and(|d| d.ends_with("AliasedModuleFinder"))
            {
                if let Some(ExprKind::Dict { items, .. }) = args.get(0).map(Expr::kind) {
                    for (k, v) in items.iter() {
                        if let (Some(k), Some(v)) = (k.and_then(Expr::as_str), v.as_str()) {
                            out.insert(k.to_string(), v.to_string());
                        }
                    }
                }
            }
            args.iter().for_each(|a| visit(a, out));
        }
    }
    for stmt in body.iter() {
        if let StmtKind::Other { exprs, .. } = stmt.kind() {
            exprs.into_iter().for_each(|e| visit(e, out));
        }
    }
}
