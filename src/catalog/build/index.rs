//! The index of every parsed module's top-level bindings, and the resolution of names and
//! dotted paths through imports and re-exports to the module that defines them.

use std::collections::HashMap;

use crate::syntax;
use crate::syntax::view::{ClassDef, Expr, ExprKind, FunctionDef, StmtKind, Suite};

/// What a top-level name of a module is bound to.
#[derive(Clone, Copy)]
pub(super) enum Binding<'a> {
    /// An import of the given dotted path (index into `ModuleInfo::import_paths`).
    Import(usize),
    Class(ClassDef<'a>),
    Function(FunctionDef<'a>),
    Value(Expr<'a>),
}

pub(super) struct ModuleInfo<'a> {
    pub(super) name: &'a str,
    pub(super) is_package: bool,
    pub(super) body: Suite<'a>,
    pub(super) bindings: HashMap<&'a str, Binding<'a>>,
    pub(super) import_paths: Vec<String>,
    /// Names bound by a redundant-alias import (`from m import X as X`), the PEP 484 re-export.
    pub(super) reexports: Vec<&'a str>,
    pub(super) all: Option<Vec<String>>,
}

pub(super) struct Index<'a> {
    pub(super) modules: HashMap<&'a str, ModuleInfo<'a>>,
}

/// Where a dotted path leads.
#[derive(Clone, Copy)]
pub(super) enum Target<'a> {
    Module(&'a str),
    Class(&'a str, ClassDef<'a>),
    Function(&'a str, FunctionDef<'a>),
    Value(&'a str, &'a str, Expr<'a>),
}

impl<'a> Index<'a> {
    pub(super) fn new(parsed: &'a [(String, bool, syntax::Parsed)]) -> Self {
        let modules = parsed
            .iter()
            .map(|(name, is_package, module)| {
                let mut info = ModuleInfo {
                    name,
                    is_package: *is_package,
                    body: module.body(),
                    bindings: HashMap::new(),
                    import_paths: Vec::new(),
                    reexports: Vec::new(),
                    all: None,
                };
                collect_bindings(&mut info, module.body(), true);
                (name.as_str(), info)
            })
            .collect();
        Index { modules }
    }

    /// Resolves `name` as seen at the top level of `module`, recording the re-export hops.
    pub(super) fn resolve_name(
        &self,
        module: &str,
        name: &str,
        hops: &mut Vec<String>,
        depth: usize,
    ) -> Option<Target<'a>> {
        if depth > 40 {
            return None;
        }
        let info = self.modules.get(module)?;
        match info.bindings.get(name) {
            Some(Binding::Import(i)) => {
                hops.push(format!("{module}.{name}"));
                self.resolve_path(&info.import_paths[*i], hops, depth + 1)
            }
            Some(Binding::Class(def)) => Some(Target::Class(info.name, *def)),
            Some(Binding::Function(def)) => Some(Target::Function(info.name, *def)),
            Some(Binding::Value(value)) => {
                // `Alias = Original` follows the original when it is a catalogued definition.
                if let Some(dotted) = value.dotted_name() {
                    let mut inner = Vec::new();
                    if let Some(t) = self.resolve_dotted(module, &dotted, &mut inner, depth + 1) {
                        if !matches!(t, Target::Value(..)) {
                            hops.push(format!("{module}.{name}"));
                            return Some(t);
                        }
                    }
                }
                let name = info.bindings.get_key_value(name)?.0;
                Some(Target::Value(info.name, name, *value))
            }
            None => {
                let sub = format!("{module}.{name}");
                self.modules
                    .get_key_value(sub.as_str())
                    .map(|(k, _)| Target::Module(k))
            }
        }
    }

    /// Resolves an absolute dotted path (`dagster._core.definitions.asset_spec.AssetSpec`).
    /// A name the parent module binds wins over a submodule of the same name, as in Python
    /// (`from dagster_k8s.ops import k8s_job_op` is the function `dagster_k8s/ops/__init__.py`
    /// imports over its `k8s_job_op` submodule).
    pub(super) fn resolve_path(
        &self,
        path: &str,
        hops: &mut Vec<String>,
        depth: usize,
    ) -> Option<Target<'a>> {
        if let Some((module, name)) = path.rsplit_once('.') {
            if self
                .modules
                .get(module)
                .is_some_and(|m| m.bindings.contains_key(name))
            {
                return self.resolve_name(module, name, hops, depth);
            }
        }
        if let Some((k, _)) = self.modules.get_key_value(path) {
            return Some(Target::Module(k));
        }
        let (module, name) = path.rsplit_once('.')?;
        if self.modules.contains_key(module) {
            return self.resolve_name(module, name, hops, depth);
        }
        None
    }

    /// Resolves a dotted expression (`a.b.c`) written in `module`.
    pub(super) fn resolve_dotted(
        &self,
        module: &str,
        dotted: &str,
        hops: &mut Vec<String>,
        depth: usize,
    ) -> Option<Target<'a>> {
        let mut parts = dotted.split('.');
        let mut target = self.resolve_name(module, parts.next()?, hops, depth)?;
        for part in parts {
            target = match target {
                Target::Module(m) => self.resolve_name(m, part, hops, depth + 1)?,
                _ => return None,
            };
        }
        Some(target)
    }
}

/// Records the top-level bindings of a module body. Definitions directly at top level win;
/// bindings inside `if`/`try` blocks only fill names not bound yet.
fn collect_bindings<'a>(info: &mut ModuleInfo<'a>, body: Suite<'a>, top: bool) {
    for stmt in body.iter() {
        let bind = |info: &mut ModuleInfo<'a>, name: &'a str, binding: Binding<'a>| {
            if top || !info.bindings.contains_key(name) {
                info.bindings.insert(name, binding);
            }
        };
        match stmt.kind() {
            StmtKind::Import { aliases } => {
                for alias in aliases.iter() {
                    let (local, path) = match alias.asname {
                        Some(asname) => (asname, alias.name.to_string()),
                        None => {
                            let first = alias.name.split('.').next().unwrap_or(alias.name);
                            (first, first.to_string())
                        }
                    };
                    if alias.asname == Some(alias.name) {
                        info.reexports.push(local);
                    }
                    info.import_paths.push(path);
                    let i = info.import_paths.len() - 1;
                    bind(info, local, Binding::Import(i));
                }
            }
            StmtKind::ImportFrom {
                module,
                level,
                aliases,
            } => {
                let base = absolute_module(info.name, info.is_package, module, level);
                for alias in aliases.iter() {
                    if alias.name == "*" {
                        continue;
                    }
                    let local = alias.asname.unwrap_or(alias.name);
                    if alias.asname == Some(alias.name) {
                        info.reexports.push(local);
                    }
                    info.import_paths.push(format!("{base}.{}", alias.name));
                    let i = info.import_paths.len() - 1;
                    bind(info, local, Binding::Import(i));
                }
            }
            StmtKind::ClassDef(def) => bind(info, def.name(), Binding::Class(def)),
            StmtKind::FunctionDef(def) => bind(info, def.name(), Binding::Function(def)),
            StmtKind::Assign {
                targets,
                value: Some(value),
                ..
            } => {
                for target in targets.iter() {
                    if let ExprKind::Name { id, .. } = target.kind() {
                        if id == "__all__" {
                            if let ExprKind::Sequence { elts, .. } = value.kind() {
                                info.all = Some(
                                    elts.iter()
                                        .filter_map(|e| e.as_str().map(str::to_string))
                                        .collect(),
                                );
                            }
                        }
                        bind(info, id, Binding::Value(value));
                    }
                }
            }
            // Only `if` (every clause) and `try` blocks: following `for`/`with` too would
            // change the generated catalogs.
            StmtKind::If { body, clauses, .. } => {
                collect_bindings(info, body, false);
                for (_, body) in clauses.iter() {
                    collect_bindings(info, body, false);
                }
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                collect_bindings(info, body, false);
                for h in handlers.iter() {
                    collect_bindings(info, h.body, false);
                }
                collect_bindings(info, orelse, false);
                collect_bindings(info, finalbody, false);
            }
            _ => {}
        }
    }
}

/// The absolute module named by a (possibly relative) `from` import inside `current`.
pub(super) fn absolute_module(
    current: &str,
    is_package: bool,
    module: Option<&str>,
    level: u32,
) -> String {
    if level == 0 {
        return module.unwrap_or_default().to_string();
    }
    let mut base: Vec<&str> = current.split('.').collect();
    if !is_package {
        base.pop();
    }
    for _ in 1..level {
        base.pop();
    }
    let mut out = base.join(".");
    if let Some(m) = module {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(m);
    }
    out
}

/// The object id a resolved target has (without analysing it); `None` for a module.
pub(super) fn target_id(target: Target) -> Option<String> {
    match target {
        Target::Module(_) => None,
        Target::Class(m, def) => Some(format!("{m}.{}", def.name())),
        Target::Function(m, def) => Some(format!("{m}.{}", def.name())),
        Target::Value(m, name, _) => Some(format!("{m}.{name}")),
    }
}
