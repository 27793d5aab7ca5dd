//! `catalog build`: reads dagster's own source and writes down, for every public name, its
//! lifecycle markers. Everything is static: no Python runs.
//!
//! The builder indexes every module's top-level bindings, follows re-export chains to the
//! defining module, and reads the decorators found there (`@beta`, `@deprecated(...)`,
//! `@deprecated_param(...)`, `@public`, markers stored in variables, `**helper()` keyword
//! arguments), class bodies (`PublicAttr`, NamedTuple fields, inherited members) and the
//! module `__getattr__` tables (`_DEPRECATED`, `_DEPRECATED_WITH_ERROR`, ...).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rayon::prelude::*;

use super::model::*;
use super::sources::{Distribution, SourceSet};
use crate::syntax;
use crate::syntax::view::{
    ClassDef, Expr, ExprKind, Exprs, FunctionDef, Keywords, StmtKind, StrPart, Suite,
};

/// Builds one catalog per dagster distribution in `set`, in the order the set lists them.
pub fn build(set: &SourceSet) -> Vec<Catalog> {
    let parsed: Vec<(String, bool, syntax::Parsed)> = set
        .files
        .par_iter()
        .map(|(name, file)| (name.clone(), file.is_package, syntax::parse(&file.text)))
        .collect();
    let index = Index::new(&parsed);
    let mut analyzer = Analyzer {
        index: &index,
        objects: BTreeMap::new(),
        in_progress: HashSet::new(),
        deferred: HashMap::new(),
    };
    set.dists
        .iter()
        .map(|dist| analyzer.catalog(dist))
        .collect()
}

/// What a top-level name of a module is bound to.
#[derive(Clone, Copy)]
enum Binding<'a> {
    /// An import of the given dotted path (index into `ModuleInfo::import_paths`).
    Import(usize),
    Class(ClassDef<'a>),
    Function(FunctionDef<'a>),
    Value(Expr<'a>),
}

struct ModuleInfo<'a> {
    name: &'a str,
    is_package: bool,
    body: Suite<'a>,
    bindings: HashMap<&'a str, Binding<'a>>,
    import_paths: Vec<String>,
    /// Names bound by a redundant-alias import (`from m import X as X`), the PEP 484 re-export.
    reexports: Vec<&'a str>,
    all: Option<Vec<String>>,
}

struct Index<'a> {
    modules: HashMap<&'a str, ModuleInfo<'a>>,
}

/// Where a dotted path leads.
#[derive(Clone, Copy)]
enum Target<'a> {
    Module(&'a str),
    Class(&'a str, ClassDef<'a>),
    Function(&'a str, FunctionDef<'a>),
    Value(&'a str, &'a str, Expr<'a>),
}

impl<'a> Index<'a> {
    fn new(parsed: &'a [(String, bool, syntax::Parsed)]) -> Self {
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
    fn resolve_name(
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
    fn resolve_path(&self, path: &str, hops: &mut Vec<String>, depth: usize) -> Option<Target<'a>> {
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
    fn resolve_dotted(
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
pub fn absolute_module(
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

/// The lifecycle decorators dagster defines, by function name.
fn marker_function(name: &str) -> Option<(Option<Status>, bool)> {
    // (status, is a parameter marker); `None` status means `@public`.
    Some(match name {
        "public" => (None, false),
        "deprecated" => (Some(Status::Deprecated), false),
        "beta" => (Some(Status::Beta), false),
        "experimental" => (Some(Status::Experimental), false),
        "preview" => (Some(Status::Preview), false),
        "superseded" => (Some(Status::Superseded), false),
        "deprecated_param" | "hidden_param" => (Some(Status::Deprecated), true),
        "beta_param" => (Some(Status::Beta), true),
        "experimental_param" => (Some(Status::Experimental), true),
        _ => return None,
    })
}

/// What one decorator does to the object it decorates.
enum Decoration {
    Public,
    Lifecycle(Marker),
    Param(String, Marker),
    Property,
    Classmethod,
    Staticmethod,
    Other,
}

struct Analyzer<'i, 'a> {
    index: &'i Index<'a>,
    objects: BTreeMap<String, Object>,
    in_progress: HashSet<String>,
    /// Classes named by annotations, analysed only when a catalog keeps them (analysing them
    /// on sight would recurse into classes still being analysed).
    deferred: HashMap<String, (&'a str, ClassDef<'a>)>,
}

impl<'a> Analyzer<'_, 'a> {
    fn catalog(&mut self, dist: &Distribution) -> Catalog {
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
    fn object_for(&mut self, target: Target<'a>) -> String {
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

    /// The markers of the class inside `ResourceParam[X]` / `Annotated[X, ...]`: such an alias
    /// hands attribute lookups to `X`, so the runtime answers `is_beta` (...) with `X`'s.
    fn typing_alias_markers(&mut self, module: &str, value: Expr) -> Vec<Marker> {
        let ExprKind::Subscript {
            value: generic,
            slice,
        } = value.kind()
        else {
            return Vec::new();
        };
        if !matches!(generic.last_name(), Some("ResourceParam" | "Annotated")) {
            return Vec::new();
        }
        let inner = match slice.kind() {
            ExprKind::Sequence { elts } => elts.get(0),
            _ => Some(slice),
        };
        let Some(dotted) = inner.and_then(Expr::dotted_name) else {
            return Vec::new();
        };
        match self
            .index
            .resolve_dotted(module, &dotted, &mut Vec::new(), 0)
        {
            Some(Target::Class(m, def)) => {
                let id = self.class(m, def);
                self.objects
                    .get(&id)
                    .map(|o| o.markers.clone())
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        }
    }

    /// The class a module-level value is an instance of, when it is a constructor call.
    fn class_of_value(&mut self, module: &str, value: Expr) -> Option<String> {
        let ExprKind::Call { func, .. } = value.kind() else {
            return None;
        };
        let dotted = func.dotted_name()?;
        match self
            .index
            .resolve_dotted(module, &dotted, &mut Vec::new(), 0)?
        {
            Target::Class(m, def) => Some(self.defer_class(m, def)),
            _ => None,
        }
    }

    /// The id of a class whose analysis waits until a catalog needs it.
    fn defer_class(&mut self, module: &'a str, def: ClassDef<'a>) -> String {
        let id = format!("{module}.{}", def.name());
        self.deferred.entry(id.clone()).or_insert((module, def));
        id
    }

    fn decoration(&mut self, module: &str, decorator: Expr) -> Decoration {
        let (callee, keywords) = match decorator.kind() {
            ExprKind::Call { func, keywords, .. } => (func, Some(keywords)),
            _ => (decorator, None),
        };
        let Some(dotted) = callee.dotted_name() else {
            return Decoration::Other;
        };
        match self
            .index
            .resolve_dotted(module, &dotted, &mut Vec::new(), 0)
        {
            Some(Target::Function(def_module, def)) if def_module.contains("_annotations") => {
                match marker_function(def.name()) {
                    Some((status, is_param)) => self.marker(module, status, is_param, keywords),
                    None => Decoration::Other,
                }
            }
            // A marker stored in a variable: `_x = superseded(...)` then `@_x`.
            Some(Target::Value(value_module, _, value))
                if matches!(
                    decorator.kind(),
                    ExprKind::Name { .. } | ExprKind::Attribute { .. }
                ) =>
            {
                let ExprKind::Call { func, keywords, .. } = value.kind() else {
                    return Decoration::Other;
                };
                let Some(inner) = func.dotted_name() else {
                    return Decoration::Other;
                };
                match self
                    .index
                    .resolve_dotted(value_module, &inner, &mut Vec::new(), 0)
                {
                    Some(Target::Function(def_module, def))
                        if def_module.contains("_annotations") =>
                    {
                        match marker_function(def.name()) {
                            Some((status, is_param)) => {
                                self.marker(value_module, status, is_param, Some(keywords))
                            }
                            None => Decoration::Other,
                        }
                    }
                    _ => Decoration::Other,
                }
            }
            Some(_) => Decoration::Other,
            None => match dotted.rsplit('.').next().unwrap_or("") {
                "property" | "cached_property" => Decoration::Property,
                "classmethod" => Decoration::Classmethod,
                "staticmethod" => Decoration::Staticmethod,
                _ => Decoration::Other,
            },
        }
    }

    fn marker(
        &mut self,
        module: &str,
        status: Option<Status>,
        is_param: bool,
        keywords: Option<Keywords>,
    ) -> Decoration {
        let Some(status) = status else {
            return Decoration::Public;
        };
        let mut args: HashMap<String, Option<String>> = HashMap::new();
        let mut unknown_spread = false;
        for keyword in keywords.iter().flat_map(|k| k.iter()) {
            match keyword.name {
                Some(name) => {
                    args.insert(name.to_string(), self.eval_str(module, keyword.value));
                }
                None => match self.eval_kwargs_helper(module, keyword.value) {
                    Some(values) => args.extend(values),
                    None => unknown_spread = true,
                },
            }
        }
        let _ = unknown_spread; // an unevaluable `**spread` leaves the breaking version unknown
        let get = |k: &str| args.get(k).cloned().flatten();
        let marker = Marker {
            status,
            breaking_version: if status == Status::Deprecated {
                get("breaking_version")
            } else {
                None
            },
            message: get("additional_warn_text"),
            hidden: false,
        };
        if is_param {
            match get("param") {
                Some(param) => Decoration::Param(param, marker),
                None => Decoration::Other,
            }
        } else {
            Decoration::Lifecycle(marker)
        }
    }

    /// The value of a string expression, when it can be evaluated statically (see [`Eval`]).
    fn eval_str(&self, module: &str, e: Expr) -> Option<String> {
        Eval::new(self.index).text(module, e, &Locals::new(), 0)
    }

    /// Evaluates the `**spread` of a marker call: a dict literal, a module-level dict, or a
    /// helper call that builds and returns a dict of keyword arguments (see [`Eval`]).
    fn eval_kwargs_helper(
        &self,
        module: &str,
        call: Expr,
    ) -> Option<HashMap<String, Option<String>>> {
        match Eval::new(self.index).value(module, call, &Locals::new(), 0)? {
            Val::Dict(d) => Some(d),
            Val::Str(_) => None,
        }
    }

    /// Applies a function's decorators: markers, parameter markers, member kind.
    fn function(&mut self, module: &str, def: FunctionDef, default_kind: Kind) -> Object {
        let mut object = Object {
            kind: Some(default_kind),
            ..Object::default()
        };
        for decorator in def.decorators() {
            match self.decoration(module, decorator) {
                Decoration::Public => object.public = true,
                Decoration::Lifecycle(m) => object.markers.push(m),
                Decoration::Param(p, m) => object.params.entry(p).or_default().push(m),
                Decoration::Property if default_kind == Kind::Method => {
                    object.kind = Some(Kind::Property)
                }
                Decoration::Classmethod if default_kind == Kind::Method => {
                    object.kind = Some(Kind::Classmethod)
                }
                Decoration::Staticmethod if default_kind == Kind::Method => {
                    object.kind = Some(Kind::Staticmethod)
                }
                _ => {}
            }
        }
        mark_hidden(def, &mut object);
        object.returns = def.returns().and_then(|r| self.annotation_class(module, r));
        if object.kind == Some(Kind::Property)
            && object
                .markers
                .iter()
                .any(|m| m.status == Status::Deprecated)
        {
            object.forward = thin_forward(def);
        }
        normalize(&mut object);
        object
    }

    /// The catalogued class an annotation names (`X`, `"X"`, `Optional[X]`, `X | None`).
    fn annotation_class(&mut self, module: &str, annotation: Expr) -> Option<String> {
        if let ExprKind::Str { value, span } = annotation.kind() {
            let parsed = syntax::parse_string_annotation(value, span)?;
            return self.annotation_class(module, parsed.expr());
        }
        match annotation.kind() {
            ExprKind::Subscript { value, slice, .. } => {
                let outer = value.dotted_name()?;
                if outer.ends_with("Optional") {
                    self.annotation_class(module, slice)
                } else {
                    None
                }
            }
            ExprKind::Other { children } if children.count() == 2 => {
                // `X | None`
                let mut non_none = children.into_iter().filter(|c| !c.is_constant());
                match (non_none.next(), non_none.next()) {
                    (Some(one), None) => self.annotation_class(module, one),
                    _ => None,
                }
            }
            ExprKind::Name { .. } | ExprKind::Attribute { .. } => {
                let dotted = annotation.dotted_name()?;
                match self
                    .index
                    .resolve_dotted(module, &dotted, &mut Vec::new(), 0)?
                {
                    Target::Class(m, def) => Some(self.defer_class(m, def)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Analyses a class (memoised): its markers, `__init__` parameter markers, members and bases.
    fn class(&mut self, module: &str, def: ClassDef<'a>) -> String {
        let id = format!("{module}.{}", def.name());
        if self.objects.contains_key(&id) || !self.in_progress.insert(id.clone()) {
            return id;
        }
        let mut object = Object {
            kind: Some(Kind::Class),
            ..Object::default()
        };
        for decorator in def.decorators() {
            match self.decoration(module, decorator) {
                Decoration::Public => object.public = true,
                Decoration::Lifecycle(m) => object.markers.push(m),
                Decoration::Param(p, m) => object.params.entry(p).or_default().push(m),
                _ => {}
            }
        }
        // Bases: members, markers and parameter markers are inherited (dagster stores markers
        // as class attributes, so subclasses answer `is_deprecated` like their base).
        let mut inherited_params = BTreeMap::new();
        let bases: Vec<Expr> = def.bases().iter().collect();
        for base in bases.into_iter().rev() {
            let base = match base.kind() {
                ExprKind::Subscript { value, .. } => value,
                _ => base,
            };
            if let ExprKind::Call { func, args, .. } = base.kind() {
                if func
                    .dotted_name()
                    .is_some_and(|d| d.ends_with("NamedTuple"))
                {
                    self.namedtuple_fields(module, &id, args, &mut object.members);
                }
                continue;
            }
            let Some(dotted) = base.dotted_name() else {
                continue;
            };
            if let Some(Target::Class(m, base_def)) =
                self.index
                    .resolve_dotted(module, &dotted, &mut Vec::new(), 0)
            {
                let base_id = self.class(m, base_def);
                if let Some(base_object) = self.objects.get(&base_id) {
                    object.markers.extend(base_object.markers.iter().cloned());
                    for (p, ms) in &base_object.params {
                        inherited_params
                            .entry(p.clone())
                            .or_insert_with(|| ms.clone());
                    }
                }
                object.bases.insert(0, base_id);
            }
        }
        // Members of an enum are instances of it and answer `is_public`, `is_beta`, ... like
        // it (the markers are attributes of the class).
        let is_enum = def
            .bases()
            .iter()
            .any(|b| b.dotted_name().is_some_and(|d| d.ends_with("Enum")));
        let public_enum = is_enum && object.public;
        let enum_markers = if is_enum {
            object.markers.clone()
        } else {
            Vec::new()
        };
        for stmt in def.body().iter() {
            match stmt.kind() {
                StmtKind::FunctionDef(f) => {
                    let member_id = format!("{id}.{}", f.name());
                    let member = self.function(module, f, Kind::Method);
                    self.merge_member(&member_id, member);
                    object.members.insert(f.name().to_string());
                }
                StmtKind::Assign {
                    targets,
                    annotation,
                    ..
                } => {
                    for target in targets.iter() {
                        let ExprKind::Name { id: name, .. } = target.kind() else {
                            continue;
                        };
                        let member_id = format!("{id}.{name}");
                        let enum_value = is_enum && !name.starts_with('_');
                        let public =
                            annotation.is_some_and(is_public_attr) || (public_enum && enum_value);
                        let markers = if enum_value {
                            enum_markers.clone()
                        } else {
                            Vec::new()
                        };
                        let returns = annotation
                            .and_then(|a| self.annotation_class(module, strip_public_attr(a)));
                        // A plain data attribute (not public, no known type) is not listed:
                        // dagster's `@public` applies to methods and properties, and config
                        // fields and enum values are not API to warn about.
                        if !public && returns.is_none() && markers.is_empty() {
                            continue;
                        }
                        self.objects.entry(member_id.clone()).or_insert(Object {
                            kind: Some(Kind::Attribute),
                            public,
                            markers,
                            returns,
                            ..Object::default()
                        });
                        object.members.insert(name.to_string());
                    }
                }
                _ => {}
            }
        }
        // Markers on the class's own `__init__`/`__new__` (`@beta_param` above `def __init__`)
        // are parameters of the class as well: the runtime warns on `Class(param=...)`.
        for ctor in ["__init__", "__new__"] {
            if let Some(m) = self.objects.get(&format!("{id}.{ctor}")) {
                for (p, ms) in &m.params {
                    object
                        .params
                        .entry(p.clone())
                        .or_default()
                        .extend(ms.iter().cloned());
                }
            }
        }
        // Inherited `__init__` parameter markers apply while the class accepts the parameter:
        // it keeps the base `__init__`, or its own one names it or takes `**kwargs`.
        let own_init = def.body().iter().find_map(|s| match s.kind() {
            StmtKind::FunctionDef(f) if f.name() == "__init__" => Some(f),
            _ => None,
        });
        for (param, markers) in inherited_params {
            let accepted = own_init.is_none_or(|init| {
                init.params()
                    .iter()
                    .any(|p| p.name == param || (p.variadic && p.name != "args"))
            });
            if accepted || markers.iter().all(|m| m.hidden) {
                object.params.entry(param).or_insert(markers);
            }
        }
        // Constructors: the class's own `__new__` or `__init__` (both: unknown, either may
        // refuse what the other takes).
        let constructors: Vec<FunctionDef> = def
            .body()
            .iter()
            .filter_map(|s| match s.kind() {
                StmtKind::FunctionDef(f) if matches!(f.name(), "__init__" | "__new__") => Some(f),
                _ => None,
            })
            .collect();
        if let [ctor] = constructors.as_slice() {
            object.signature = Some(signature(ctor.params().shape(), true));
        }
        normalize(&mut object);
        self.in_progress.remove(&id);
        self.objects.insert(id.clone(), object);
        id
    }

    /// A method defined twice (overloads, property setters) keeps every marker it gets.
    fn merge_member(&mut self, member_id: &str, member: Object) {
        match self.objects.get_mut(member_id) {
            Some(existing)
                if existing.kind == Some(Kind::Property) || member.kind == Some(Kind::Property) =>
            {
                existing.public |= member.public;
                existing.markers.extend(member.markers);
                existing.kind = Some(Kind::Property);
                for (p, ms) in member.params {
                    existing.params.entry(p).or_default().extend(ms);
                }
                existing.returns = existing.returns.take().or(member.returns);
                existing.forward = existing.forward.take().or(member.forward);
                normalize(existing);
            }
            _ => {
                self.objects.insert(member_id.to_string(), member);
            }
        }
    }

    /// `NamedTuple("_X", [("field", PublicAttr[T]), ...])` fields as members of the class.
    fn namedtuple_fields(
        &mut self,
        module: &str,
        class_id: &str,
        args: Exprs,
        members: &mut BTreeSet<String>,
    ) {
        let Some(ExprKind::Sequence { elts, .. }) = args.get(1).map(Expr::kind) else {
            return;
        };
        for field in elts.iter() {
            let ExprKind::Sequence { elts: pair, .. } = field.kind() else {
                continue;
            };
            let (Some(name), Some(annotation)) = (pair.get(0).and_then(Expr::as_str), pair.get(1))
            else {
                continue;
            };
            let member_id = format!("{class_id}.{name}");
            let returns = self.annotation_class(module, strip_public_attr(annotation));
            let public = is_public_attr(annotation);
            if !public && returns.is_none() {
                continue;
            }
            self.objects.insert(
                member_id.clone(),
                Object {
                    kind: Some(Kind::Attribute),
                    public,
                    returns,
                    ..Object::default()
                },
            );
            members.insert(name.to_string());
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

/// A value the static evaluator knows: a string or a dict of strings (`None`: unknown).
#[derive(Clone, Debug)]
enum Val {
    Str(Option<String>),
    Dict(HashMap<String, Option<String>>),
}

/// The local variables of a helper being evaluated.
type Locals = HashMap<String, Val>;

/// How deep helper calls and constants are followed.
const EVAL_DEPTH: usize = 12;

/// Static evaluation of the string-building code dagster writes around its markers: string
/// literals, f-strings and `+` of known parts, module-level constants (also imported ones),
/// subscripts of module-level dicts, and calls of helper functions (`_kwargs("run_id")`,
/// `_msg(name)`) whose bodies assign strings and dicts, take `if`/`elif` branches decided by
/// `x in CONSTANT` / `x not in CONSTANT`, and return a string or a dict. What depends on
/// anything else is unknown (`None`); a value assigned in a branch that cannot be decided is
/// unknown too.
struct Eval<'i, 'a> {
    index: &'i Index<'a>,
}

impl<'i, 'a> Eval<'i, 'a> {
    fn new(index: &'i Index<'a>) -> Self {
        Eval { index }
    }

    /// The module-level value bound to `name` in `module` (following imports).
    fn constant(&self, module: &str, name: &str) -> Option<(&'a str, Expr<'a>)> {
        match self.index.resolve_name(module, name, &mut Vec::new(), 0)? {
            Target::Value(m, _, e) => Some((m, e)),
            _ => None,
        }
    }

    /// The string value of an expression.
    fn text(&self, module: &str, e: Expr, locals: &Locals, depth: usize) -> Option<String> {
        match self.value(module, e, locals, depth)? {
            Val::Str(s) => s,
            Val::Dict(_) => None,
        }
    }

    fn value(&self, module: &str, e: Expr, locals: &Locals, depth: usize) -> Option<Val> {
        if depth > EVAL_DEPTH {
            return None;
        }
        if let Some(parts) = e.fstring_parts() {
            let mut out = String::new();
            for part in parts {
                match part {
                    StrPart::Text(t) => out.push_str(t),
                    StrPart::Hole(h) => out.push_str(&self.text(module, h, locals, depth)?),
                }
            }
            return Some(Val::Str(Some(out)));
        }
        if let Some((left, right)) = e.addition() {
            let left = self.text(module, left, locals, depth)?;
            let right = self.text(module, right, locals, depth)?;
            return Some(Val::Str(Some(left + &right)));
        }
        match e.kind() {
            ExprKind::Str { value, .. } => Some(Val::Str(Some(value.to_string()))),
            ExprKind::Dict { items, .. } => {
                let mut dict = HashMap::new();
                for (k, v) in items.iter() {
                    // `**other` inside a dict display: unknown keys.
                    let k = self.text(module, k?, locals, depth)?;
                    dict.insert(k, self.text(module, v, locals, depth));
                }
                Some(Val::Dict(dict))
            }
            ExprKind::Name { id, .. } => match locals.get(id) {
                Some(v) => Some(v.clone()),
                None => {
                    let (m, value) = self.constant(module, id)?;
                    self.value(m, value, &Locals::new(), depth + 1)
                }
            },
            ExprKind::Subscript { value, slice } => {
                let key = self.text(module, slice, locals, depth)?;
                match self.container(module, value, locals, depth)? {
                    Container::Dict(items) => items
                        .into_iter()
                        .find(|(k, _)| *k == key)
                        .and_then(|(_, v)| v)
                        .map(|v| Val::Str(Some(v))),
                    Container::Seq(_) => None,
                }
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                let dotted = func.dotted_name()?;
                let Target::Function(m, def) =
                    self.index
                        .resolve_dotted(module, &dotted, &mut Vec::new(), 0)?
                else {
                    return None;
                };
                let positional: Vec<Option<String>> = args
                    .iter()
                    .map(|a| self.text(module, a, locals, depth))
                    .collect();
                let mut named = HashMap::new();
                for k in keywords.iter() {
                    named.insert(
                        k.name?.to_string(),
                        self.text(module, k.value, locals, depth),
                    );
                }
                self.call(m, def, &positional, &named, depth + 1)
            }
            _ => None,
        }
    }

    /// The keys (dict) or elements (list, tuple, set) of a container, as far as known.
    fn container(&self, module: &str, e: Expr, locals: &Locals, depth: usize) -> Option<Container> {
        if depth > EVAL_DEPTH {
            return None;
        }
        if let ExprKind::Name { id, .. } = e.kind() {
            match locals.get(id) {
                Some(Val::Dict(d)) => {
                    return Some(Container::Dict(
                        d.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                    ))
                }
                Some(Val::Str(_)) => return None,
                None => {
                    let (m, value) = self.constant(module, id)?;
                    return self.container(m, value, &Locals::new(), depth + 1);
                }
            }
        }
        match e.kind() {
            ExprKind::Dict { items, .. } => {
                let mut out = Vec::new();
                for (k, v) in items.iter() {
                    let k = self.text(module, k?, locals, depth)?;
                    out.push((k, self.text(module, v, locals, depth)));
                }
                Some(Container::Dict(out))
            }
            ExprKind::Sequence { elts } => elts
                .iter()
                .map(|x| self.text(module, x, locals, depth))
                .collect::<Option<Vec<_>>>()
                .map(Container::Seq),
            _ => None,
        }
    }

    /// Decides a condition: `x in C` / `x not in C` with known `x` and `C`.
    fn condition(&self, module: &str, e: Expr, locals: &Locals, depth: usize) -> Option<bool> {
        let (item, container, negated) = e.membership()?;
        let item = self.text(module, item, locals, depth)?;
        let found = match self.container(module, container, locals, depth)? {
            Container::Dict(items) => items.iter().any(|(k, _)| *k == item),
            Container::Seq(elts) => elts.contains(&item),
        };
        Some(found != negated)
    }

    /// Calls a helper function with known (or unknown) string arguments.
    fn call(
        &self,
        module: &str,
        def: FunctionDef,
        positional: &[Option<String>],
        named: &HashMap<String, Option<String>>,
        depth: usize,
    ) -> Option<Val> {
        if depth > EVAL_DEPTH {
            return None;
        }
        let mut locals = Locals::new();
        let mut i = 0;
        for p in def.params().iter() {
            if p.variadic {
                continue;
            }
            let value = if let Some(v) = named.get(p.name) {
                v.clone()
            } else if i < positional.len() {
                i += 1;
                positional[i - 1].clone()
            } else {
                p.default
                    .and_then(|d| self.text(module, d, &Locals::new(), depth))
            };
            locals.insert(p.name.to_string(), Val::Str(value));
        }
        match self.body(module, def.body(), &mut locals, false, depth)? {
            Returned::Known(v) => Some(v),
            Returned::Unknown => None,
        }
    }

    /// Runs a body; `Some` when it returned. `conditional`: the body may or may not run.
    fn body(
        &self,
        module: &str,
        body: Suite,
        locals: &mut Locals,
        conditional: bool,
        depth: usize,
    ) -> Option<Returned> {
        for stmt in body.iter() {
            match stmt.kind() {
                StmtKind::Assign {
                    targets,
                    value: Some(value),
                    augmented,
                    ..
                } => {
                    let Some(target) = targets.single() else {
                        forget_names(targets.iter(), locals);
                        continue;
                    };
                    match target.kind() {
                        ExprKind::Name { id, .. } => {
                            let new = if augmented {
                                match (locals.get(id), self.text(module, value, locals, depth)) {
                                    (Some(Val::Str(Some(a))), Some(b)) => {
                                        Some(Val::Str(Some(format!("{a}{b}"))))
                                    }
                                    _ => None,
                                }
                            } else {
                                self.value(module, value, locals, depth)
                            };
                            let new = match new {
                                Some(Val::Dict(d)) if !conditional || !locals.contains_key(id) => {
                                    Val::Dict(d)
                                }
                                Some(Val::Str(s)) if !conditional => Val::Str(s),
                                _ => Val::Str(None),
                            };
                            locals.insert(id.to_string(), new);
                        }
                        ExprKind::Subscript {
                            value: target,
                            slice,
                        } => {
                            let ExprKind::Name { id, .. } = target.kind() else {
                                continue;
                            };
                            let key = self.text(module, slice, locals, depth);
                            let v = if conditional || augmented {
                                None
                            } else {
                                self.text(module, value, locals, depth)
                            };
                            match (locals.get_mut(id), key) {
                                (Some(Val::Dict(d)), Some(key)) => {
                                    d.insert(key, v);
                                }
                                // An unknown key could be any: the dict is unknown.
                                (Some(Val::Dict(_)), None) => {
                                    locals.remove(id);
                                }
                                _ => {}
                            }
                        }
                        _ => forget_names(std::iter::once(target), locals),
                    }
                }
                StmtKind::If {
                    test,
                    body,
                    clauses,
                } => {
                    let branches = std::iter::once((Some(test), body)).chain(clauses.iter());
                    let mut undecided = conditional;
                    for (test, body) in branches {
                        let decided = match test {
                            None => Some(true),
                            Some(t) => self.condition(module, t, locals, depth),
                        };
                        if undecided || decided.is_none() {
                            undecided = true;
                            if self.body(module, body, locals, true, depth).is_some() {
                                return Some(Returned::Unknown);
                            }
                        } else if decided == Some(true) {
                            if let Some(r) = self.body(module, body, locals, false, depth) {
                                return Some(r);
                            }
                            break;
                        }
                    }
                }
                StmtKind::Return(value) => {
                    if conditional {
                        return Some(Returned::Unknown);
                    }
                    return Some(
                        value
                            .and_then(|v| self.value(module, v, locals, depth))
                            .map_or(Returned::Unknown, Returned::Known),
                    );
                }
                StmtKind::For { body, .. } | StmtKind::With { body, .. }
                    if self.body(module, body, locals, true, depth).is_some() =>
                {
                    return Some(Returned::Unknown);
                }
                StmtKind::Try {
                    body,
                    handlers,
                    orelse,
                    finalbody,
                } => {
                    let mut bodies = vec![body, orelse, finalbody];
                    bodies.extend(handlers.iter().map(|h| h.body));
                    for b in bodies {
                        if self.body(module, b, locals, true, depth).is_some() {
                            return Some(Returned::Unknown);
                        }
                    }
                }
                StmtKind::Other { exprs, bodies } => {
                    // `d.update(...)`, `s.append(...)`: a tracked variable changed unseen.
                    for e in exprs.iter() {
                        if let ExprKind::Call { func, .. } = e.kind() {
                            if let ExprKind::Attribute { value, .. } = func.kind() {
                                forget_names(std::iter::once(value), locals);
                            }
                        }
                    }
                    for b in bodies.iter() {
                        if self.body(module, *b, locals, true, depth).is_some() {
                            return Some(Returned::Unknown);
                        }
                    }
                }
                _ => {}
            }
        }
        None
    }
}

/// What a helper returned.
enum Returned {
    Known(Val),
    Unknown,
}

/// A container's contents: dict items (keys known, values as far as known) or elements.
enum Container {
    Dict(Vec<(String, Option<String>)>),
    Seq(Vec<String>),
}

/// Forgets the local variables these expressions name.
fn forget_names<'e>(exprs: impl Iterator<Item = Expr<'e>>, locals: &mut Locals) {
    for e in exprs {
        match e.kind() {
            ExprKind::Name { id, .. } => {
                locals.remove(id);
            }
            ExprKind::Sequence { elts } => forget_names(elts.iter(), locals),
            _ => {}
        }
    }
}

/// The object id a resolved target has (without analysing it); `None` for a module.
fn target_id(target: Target) -> Option<String> {
    match target {
        Target::Module(_) => None,
        Target::Class(m, def) => Some(format!("{m}.{}", def.name())),
        Target::Function(m, def) => Some(format!("{m}.{}", def.name())),
        Target::Value(m, name, _) => Some(format!("{m}.{name}")),
    }
}

/// `hidden_param` markers: a deprecated parameter that is not in the signature.
fn mark_hidden(def: FunctionDef, object: &mut Object) {
    for (param, markers) in object.params.iter_mut() {
        if !def.params().iter().any(|p| p.name == param) {
            for m in markers
                .iter_mut()
                .filter(|m| m.status == Status::Deprecated)
            {
                m.hidden = true;
            }
        }
    }
}

fn normalize(object: &mut Object) {
    object.markers.sort();
    object.markers.dedup();
    for markers in object.params.values_mut() {
        markers.sort();
        markers.dedup();
    }
}

fn is_public_attr(annotation: Expr) -> bool {
    match annotation.kind() {
        ExprKind::Subscript { value, .. } => value
            .dotted_name()
            .is_some_and(|d| d.rsplit('.').next() == Some("PublicAttr")),
        ExprKind::Str { value, .. } => value.trim_start().starts_with("PublicAttr["),
        _ => false,
    }
}

fn strip_public_attr(annotation: Expr) -> Expr {
    match annotation.kind() {
        ExprKind::Subscript { slice, .. } if is_public_attr(annotation) => slice,
        _ => annotation,
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

/// The [`Signature`] of a parameter list (`bound`: a method's, whose first parameter a call
/// does not pass).
fn signature(shape: syntax::view::Shape, bound: bool) -> Signature {
    let first = shape.positional.first().copied().filter(|_| bound);
    let strings = |names: &[&str]| -> Vec<String> {
        names
            .iter()
            .filter(|n| Some(**n) != first)
            .map(|n| n.to_string())
            .collect()
    };
    Signature {
        positional: strings(&shape.positional),
        keyword: strings(&shape.keyword),
        var_positional: shape.var_positional,
        var_keyword: shape.var_keyword,
        required: strings(&shape.required),
    }
}

/// `a.b` (or `a`) when the body of `def` is, after an optional docstring, only `return
/// self.a.b` (or `return self.a`) with public names: a deprecated property that is a thin
/// forward to another member chain (`AssetExecutionContext.run_id` returns
/// `self.op_execution_context.run_id`).
fn thin_forward(def: FunctionDef) -> Option<String> {
    // (The view shows a docstring, like `pass`, as a statement that reads nothing.)
    let mut body = def.body().iter().peekable();
    if body.peek().is_some_and(|first| {
        matches!(first.kind(), StmtKind::Other { exprs, bodies } if exprs.is_empty() && bodies.is_empty())
    }) {
        body.next();
    }
    let (Some(stmt), None) = (body.next(), body.next()) else {
        return None;
    };
    let StmtKind::Return(Some(value)) = stmt.kind() else {
        return None;
    };
    let dotted = value.dotted_name()?;
    let chain = dotted.strip_prefix("self.")?;
    let names: Vec<&str> = chain.split('.').collect();
    let public = |n: &&str| !n.is_empty() && !n.starts_with('_');
    (names.len() <= 2 && names.iter().all(public)).then(|| chain.to_string())
}

#[cfg(test)]
mod tests {
    //! Each test builds a small fake distribution written for this project and checks one of
    //! the forms dagster's sources use.

    use super::*;
    use crate::catalog::sources::SourceSet;

    /// The annotations module of the fake dagster (the same shape as dagster's).
    const ANNOTATIONS: &str = "def public(obj): return obj\ndef beta(obj=None, **kw): return obj\ndef preview(obj=None, **kw): return obj\ndef superseded(obj=None, **kw): return obj\ndef experimental(obj=None, **kw): return obj\ndef deprecated(obj=None, *, breaking_version, additional_warn_text=None, subject=None, emit_runtime_warning=True): return obj\ndef deprecated_param(obj=None, *, param, breaking_version, additional_warn_text=None): return obj\ndef hidden_param(obj=None, *, param, breaking_version, additional_warn_text=None): return obj\ndef beta_param(obj=None, *, param, additional_warn_text=None): return obj\ndef experimental_param(obj=None, *, param, additional_warn_text=None): return obj\nPublicAttr = object()\n";

    /// Writes a fake site-packages with the given distributions and files, and builds it.
    fn build_fake(dists: &[(&str, &str)], files: &[(&str, &str)]) -> Vec<Catalog> {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (name, version) in dists {
            let info = root.join(format!("{}-{version}.dist-info", name.replace('-', "_")));
            std::fs::create_dir_all(&info).unwrap();
            std::fs::write(
                info.join("METADATA"),
                format!("Name: {name}\nVersion: {version}\nRequires-Python: >=3.9\n\n"),
            )
            .unwrap();
            let package = name.replace('-', "_");
            let record: String = files
                .iter()
                .filter(|(p, _)| p.starts_with(&format!("{package}/")))
                .map(|(p, _)| format!("{p},,\n"))
                .collect();
            std::fs::write(info.join("RECORD"), record).unwrap();
        }
        for (path, text) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
        }
        build(&SourceSet::read(&[root.to_path_buf()]).unwrap())
    }

    fn dagster(files: &[(&str, &str)]) -> Catalog {
        let mut all = vec![("dagster/_annotations.py", ANNOTATIONS)];
        all.extend_from_slice(files);
        build_fake(&[("dagster", "9.9.9")], &all).remove(0)
    }

    fn statuses(catalog: &Catalog, export: &str) -> Vec<&'static str> {
        let e = &catalog.exports[export];
        catalog
            .export_markers(e)
            .iter()
            .map(|m| m.status.as_str())
            .collect()
    }

    fn member<'c>(catalog: &'c Catalog, export: &str, name: &str) -> Option<&'c Object> {
        let class = catalog.exports[export].target.as_ref().unwrap();
        catalog.member(class, name).and_then(|m| m.1)
    }

    #[test]
    fn form1_bare_called_multiline_and_helper_kwargs() {
        let c = dagster(&[
            ("dagster/__init__.py", "from dagster._impl import A as A, B as B, C as C, D as D\n"),
            (
                "dagster/_impl.py",
                "from dagster._annotations import beta, deprecated\n\n@beta\nclass A: ...\n\n@deprecated(\n    breaking_version=\"2.0\",\n    additional_warn_text=(\n        \"Use X \"\n        \"instead.\"\n    ),\n)\ndef B(): ...\n\ndef _kwargs(name):\n    d = {\"breaking_version\": \"a future release\"}\n    d[\"subject\"] = f\"B.{name}\"\n    if name:\n        d[\"additional_warn_text\"] = f\"Use {name}.\"\n    return d\n\n@deprecated(**_kwargs(\"c\"))\ndef C(): ...\n\n@deprecated(**undefined_helper())\ndef D(): ...\n",
            ),
        ]);
        assert_eq!(statuses(&c, "dagster.A"), vec!["beta"]);
        let b = c.export_markers(&c.exports["dagster.B"]);
        assert_eq!(b[0].breaking_version.as_deref(), Some("2.0"));
        assert_eq!(b[0].message.as_deref(), Some("Use X instead."));
        let cm = c.export_markers(&c.exports["dagster.C"]);
        assert_eq!(cm[0].breaking_version.as_deref(), Some("a future release"));
        assert_eq!(cm[0].message, None, "set under a condition: unknown");
        // An unevaluable helper keeps the marker with an unknown breaking version.
        let dm = c.export_markers(&c.exports["dagster.D"]);
        assert_eq!(
            (dm[0].status, dm[0].breaking_version.clone()),
            (Status::Deprecated, None)
        );
    }

    #[test]
    fn deprecated_properties_that_only_return_a_member_chain_are_forwards() {
        let c = dagster(&[
            ("dagster/__init__.py", "from dagster._impl import K as K\n"),
            (
                "dagster/_impl.py",
                "from dagster._annotations import public, deprecated\n\nclass K:\n    @deprecated(breaking_version=\"2.0\")\n    @property\n    def run_id(self):\n        \"\"\"Doc.\"\"\"\n        return self.run.run_id\n    @deprecated(breaking_version=\"2.0\")\n    @property\n    def old_name(self):\n        return self.kept\n    @deprecated(breaking_version=\"2.0\")\n    @property\n    def private(self):\n        return self._run.run_id\n    @deprecated(breaking_version=\"2.0\")\n    @property\n    def more(self):\n        x = 1\n        return self.run.run_id\n    @deprecated(breaking_version=\"2.0\")\n    def method(self):\n        return self.run.run_id\n    @public\n    @property\n    def kept(self):\n        return self.run.run_id\n",
            ),
        ]);
        let forward = |name| member(&c, "dagster.K", name).and_then(|m| m.forward.clone());
        assert_eq!(forward("run_id").as_deref(), Some("run.run_id"));
        assert_eq!(forward("old_name").as_deref(), Some("kept"));
        // A private hop, other statements, a method, a member that is not deprecated: none.
        for name in ["private", "more", "method", "kept"] {
            assert_eq!(forward(name), None, "{name}");
        }
    }

    #[test]
    fn signatures_of_functions_and_constructors() {
        let c = dagster(&[
            ("dagster/__init__.py", "from dagster._impl import f as f, K as K, N as N, B as B\n"),
            (
                "dagster/_impl.py",
                "def f(a, /, b, *args, c=1, **kw): ...\n\nclass K:\n    def __init__(self, key, *, deps=None): ...\n\nclass N:\n    def __new__(cls, key): ...\n    def __init__(self, key): ...\n\nclass B: ...\n",
            ),
        ]);
        let sig = |export: &str| {
            let id = c.exports[export].target.as_ref().unwrap();
            c.objects.get(id).unwrap().signature.clone()
        };
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            sig("dagster.f"),
            Some(Signature {
                positional: strings(&["a", "b"]),
                keyword: strings(&["b", "c"]),
                var_positional: true,
                var_keyword: true,
                required: strings(&["a", "b"]),
            })
        );
        assert_eq!(
            sig("dagster.K"),
            Some(Signature {
                positional: strings(&["key"]),
                keyword: strings(&["key", "deps"]),
                required: strings(&["key"]),
                ..Signature::default()
            })
        );
        // Both constructors, or none: unknown.
        assert_eq!(sig("dagster.N"), None);
        assert_eq!(sig("dagster.B"), None);
    }

    #[test]
    fn form2_targets_and_decorator_order() {
        let c = dagster(&[
            ("dagster/__init__.py", "from dagster._impl import K as K\n"),
            (
                "dagster/_impl.py",
                "from dagster._annotations import public, beta, deprecated, preview\n\nclass K:\n    @beta\n    def __init__(self): ...\n    @public\n    @property\n    @deprecated(breaking_version=\"2.0\")\n    def p(self): ...\n    @deprecated(breaking_version=\"3.0\")\n    @public\n    @staticmethod\n    def s(): ...\n    @classmethod\n    @preview\n    def c(cls): ...\n    @public\n    def plain(self): ...\n    def hidden(self): ...\n",
            ),
        ]);
        let init = member(&c, "dagster.K", "__init__").unwrap();
        assert_eq!(init.markers[0].status, Status::Beta);
        let p = member(&c, "dagster.K", "p").unwrap();
        assert_eq!(
            (p.kind, p.public, p.markers[0].status),
            (Some(Kind::Property), true, Status::Deprecated)
        );
        let s = member(&c, "dagster.K", "s").unwrap();
        assert_eq!(
            (s.kind, s.public, s.markers[0].breaking_version.as_deref()),
            (Some(Kind::Staticmethod), true, Some("3.0"))
        );
        let cm = member(&c, "dagster.K", "c").unwrap();
        assert_eq!(
            (cm.kind, cm.public, cm.markers[0].status),
            (Some(Kind::Classmethod), false, Status::Preview)
        );
        assert!(member(&c, "dagster.K", "plain").unwrap().public);
        assert!(
            member(&c, "dagster.K", "hidden").is_none(),
            "plain members are listed by name only"
        );
        assert!(c
            .member_names(c.exports["dagster.K"].target.as_ref().unwrap())
            .contains("hidden"));
    }

    #[test]
    fn form3_stacked_markers_and_definition_decorators() {
        let c = dagster(&[
            ("dagster/__init__.py", "from dagster._impl import f as f, g as g\n"),
            (
                "dagster/_impl.py",
                "from dagster._annotations import deprecated, superseded, beta\nfrom functools import wraps\n\ndef op(fn): return fn\n\n@deprecated(breaking_version=\"2.0\")\n@superseded(additional_warn_text=\"Use h.\")\n@wraps(print)\ndef f(): ...\n\n@op\n@beta\ndef g(): ...\n",
            ),
        ]);
        assert_eq!(statuses(&c, "dagster.f"), vec!["deprecated", "superseded"]);
        assert_eq!(
            statuses(&c, "dagster.g"),
            vec!["beta"],
            "counted even under @op"
        );
    }

    #[test]
    fn form4_param_markers_on_a_class_describe_init() {
        let c = dagster(&[
            ("dagster/__init__.py", "from dagster._impl import R as R, fn as fn\n"),
            (
                "dagster/_impl.py",
                "from dagster._annotations import deprecated_param, hidden_param, beta_param\n\n@deprecated_param(param=\"old\", breaking_version=\"2.0\", additional_warn_text=\"Use new.\")\n@beta_param(param=\"fresh\")\nclass R:\n    def __init__(self, old=None, fresh=None, new=None): ...\n\n@hidden_param(param=\"gone\", breaking_version=\"1.10\")\ndef fn(**kwargs): ...\n",
            ),
        ]);
        let r = c
            .objects
            .get(c.exports["dagster.R"].target.as_ref().unwrap())
            .unwrap();
        assert_eq!(r.params["old"][0].breaking_version.as_deref(), Some("2.0"));
        assert_eq!(r.params["fresh"][0].status, Status::Beta);
        let f = c
            .objects
            .get(c.exports["dagster.fn"].target.as_ref().unwrap())
            .unwrap();
        assert!(f.params["gone"][0].hidden);
    }

    #[test]
    fn form5_marker_in_a_variable_also_across_packages() {
        let catalogs = build_fake(
            &[("dagster", "9.9.9"), ("dagster-lib", "0.9.9")],
            &[
                ("dagster/_annotations.py", ANNOTATIONS),
                ("dagster/__init__.py", "from dagster._impl import L as L\n"),
                ("dagster/_impl.py", "from dagster._annotations import superseded\n_marker = superseded(additional_warn_text=\"Use pipes.\")\n\n@_marker\nclass L: ...\n"),
                ("dagster_lib/__init__.py", "from dagster_lib.impl import M as M\n"),
                ("dagster_lib/impl.py", "from dagster._impl import _marker\n\n@_marker\nclass M: ...\n"),
            ],
        );
        for c in &catalogs {
            let name = format!(
                "{}.{}",
                c.package,
                if c.package == "dagster" { "L" } else { "M" }
            );
            let m = c.export_markers(&c.exports[&name]);
            assert_eq!(
                (m[0].status, m[0].message.as_deref()),
                (Status::Superseded, Some("Use pipes.")),
                "{name}"
            );
        }
    }

    #[test]
    fn form6_public_attr_fields() {
        let c = dagster(&[
            ("dagster/__init__.py", "from dagster._impl import N as N, F as F\n"),
            (
                "dagster/_impl.py",
                "from typing import NamedTuple\nfrom dagster._annotations import PublicAttr\n\nclass N(NamedTuple(\"_N\", [(\"a\", PublicAttr[int]), (\"b\", int)])): ...\n\nclass F:\n    x: PublicAttr[str]\n    y: \"PublicAttr[int]\"\n    z: int\n",
            ),
        ]);
        assert!(member(&c, "dagster.N", "a").unwrap().public);
        assert!(member(&c, "dagster.N", "b").is_none());
        assert!(member(&c, "dagster.F", "x").unwrap().public);
        assert!(member(&c, "dagster.F", "y").unwrap().public);
        assert!(member(&c, "dagster.F", "z").is_none());
    }

    #[test]
    fn form7_getattr_tables_in_core_and_integrations() {
        let catalogs = build_fake(
            &[("dagster", "9.9.9"), ("dagster-lib", "0.9.9")],
            &[
                ("dagster/_annotations.py", ANNOTATIONS),
                ("dagster/__init__.py", "from dagster._impl import New as New\n_DEPRECATED = {\"Old\": (\"dagster._impl\", \"2.0\", \"Use New.\")}\n_DEPRECATED_RENAMED = {\"Older\": (New, \"1.10\")}\n_DEPRECATED_WITH_ERROR = {\"Gone\": \"Gone was removed in 1.11.\"}\n"),
                ("dagster/_impl.py", "class New: ...\nclass Old: ...\n"),
                ("dagster_lib/__init__.py", "_DEPRECATED_WARNING = {\"Thing\": (\"dagster_lib.impl\", \"0.30\", \"Use Other.\")}\n"),
                ("dagster_lib/impl.py", "class Thing: ...\n"),
            ],
        );
        let c = &catalogs[0];
        let old = c.export_markers(&c.exports["dagster.Old"]);
        assert_eq!(
            (old[0].status, old[0].breaking_version.as_deref()),
            (Status::Deprecated, Some("2.0"))
        );
        assert!(c.exports["dagster.Old"].target.as_deref() == Some("dagster._impl.Old"));
        assert_eq!(statuses(c, "dagster.Older"), vec!["deprecated"]);
        let gone = c.export_markers(&c.exports["dagster.Gone"]);
        assert_eq!(
            (gone[0].status, gone[0].message.as_deref()),
            (Status::Removed, Some("Gone was removed in 1.11."))
        );
        assert_eq!(
            statuses(&catalogs[1], "dagster_lib.Thing"),
            vec!["deprecated"]
        );
    }

    #[test]
    fn form8_reexport_chains_through_packages() {
        let catalogs = build_fake(
            &[("dagster", "9.9.9"), ("dagster-shared", "9.9.9")],
            &[
                ("dagster/_annotations.py", ANNOTATIONS),
                ("dagster/__init__.py", "from dagster._core.defs import Deep as Deep\nfrom dagster_shared.error import Err as Err\n"),
                ("dagster/_core/__init__.py", ""),
                ("dagster/_core/defs/__init__.py", "from dagster._core.defs.deep import Deep as Deep\n"),
                ("dagster/_core/defs/deep.py", "from dagster._annotations import beta\n\n@beta\nclass Deep: ...\n"),
                ("dagster_shared/__init__.py", ""),
                ("dagster_shared/error.py", "from dagster._annotations import deprecated\n\n@deprecated(breaking_version=\"3.0\")\nclass Err(Exception): ...\n"),
            ],
        );
        let c = &catalogs[0];
        assert_eq!(
            c.exports["dagster.Deep"].target.as_deref(),
            Some("dagster._core.defs.deep.Deep")
        );
        assert_eq!(statuses(c, "dagster.Deep"), vec!["beta"]);
        assert_eq!(
            &c.aliases["dagster._core.defs.Deep"],
            "dagster._core.defs.deep.Deep"
        );
        assert_eq!(statuses(c, "dagster.Err"), vec!["deprecated"]);
    }

    #[test]
    fn form9_public_namespaces_and_module_aliases() {
        let c = dagster(&[
            ("dagster/__init__.py", "import sys\nfrom dagster import _alias\nsys.meta_path.insert(0, _alias.AliasedModuleFinder({\"dagster.core\": \"dagster._core\"}))\nfrom dagster._core.x import X as X\n"),
            ("dagster/_alias.py", "class AliasedModuleFinder: ...\n"),
            ("dagster/_core/__init__.py", ""),
            ("dagster/_core/x.py", "class X: ...\n"),
            ("dagster/components/__init__.py", "from dagster.components.core.thing import Thing as Thing\n"),
            ("dagster/components/core/__init__.py", ""),
            ("dagster/components/core/thing.py", "class Thing: ...\n"),
            ("dagster/preview/__init__.py", ""),
            ("dagster/preview/freshness/__init__.py", "from dagster._core.x import X as X\nfrom dagster._core.x import X as NotReexported\n"),
            ("dagster/deprecated/__init__.py", "from dagster._core.x import X as X\n"),
        ]);
        assert_eq!(
            c.public_modules,
            vec![
                "dagster",
                "dagster.components",
                "dagster.deprecated",
                "dagster.preview",
                "dagster.preview.freshness"
            ]
        );
        assert!(c
            .modules
            .contains(&"dagster.components.core.thing".to_string()));
        assert!(!c.modules.iter().any(|m| m.contains("_core")));
        assert_eq!(c.module_aliases["dagster.core"], "dagster._core");
        assert!(c.exports.contains_key("dagster.components.Thing"));
        assert!(c.exports.contains_key("dagster.preview.freshness.X"));
        assert!(!c
            .exports
            .contains_key("dagster.preview.freshness.NotReexported"));
    }

    #[test]
    fn form10_inherited_members_and_markers() {
        let c = dagster(&[
            ("dagster/__init__.py", "from dagster._impl import Base as Base, Child as Child\n"),
            (
                "dagster/_impl.py",
                "from dagster._annotations import public, deprecated, deprecated_param\n\n@deprecated_param(param=\"v\", breaking_version=\"2.0\")\nclass Base:\n    def __init__(self, v=None): ...\n    @public\n    def run(self): ...\n    @public\n    @deprecated(breaking_version=\"2.0\")\n    def old(self): ...\n\nclass Child(Base):\n    @public\n    def old(self): ...\n",
            ),
        ]);
        assert!(
            member(&c, "dagster.Child", "run").unwrap().public,
            "inherited"
        );
        assert!(
            member(&c, "dagster.Child", "old")
                .unwrap()
                .markers
                .is_empty(),
            "overridden"
        );
        assert!(!member(&c, "dagster.Base", "old")
            .unwrap()
            .markers
            .is_empty());
        let child = c
            .objects
            .get(c.exports["dagster.Child"].target.as_ref().unwrap())
            .unwrap();
        assert!(
            child.params.contains_key("v"),
            "inherits __init__ parameter markers"
        );
        let rows = c.rows();
        assert!(rows
            .iter()
            .any(|r| r.symbol == "dagster.Child.run" && r.public));
    }

    #[test]
    fn form11_private_hops_of_exported_objects_are_aliases() {
        // `dagster/__init__.py` imports from the defining module; the private package
        // `dagster._core.definitions` re-exports the same object, and another private module
        // imports it for its own use: both paths reach the deprecated class.
        let c = dagster(&[
            ("dagster/__init__.py", "from dagster._core.definitions.events import ExpectationResult as ExpectationResult\n"),
            ("dagster/_core/__init__.py", ""),
            ("dagster/_core/definitions/__init__.py", "from dagster._core.definitions.events import ExpectationResult as ExpectationResult\n"),
            ("dagster/_core/definitions/events.py", "from dagster._annotations import deprecated\n\n@deprecated(breaking_version=\"2.0\", additional_warn_text=\"Use checks.\")\nclass ExpectationResult: ...\n"),
            ("dagster/_core/other.py", "from dagster._core.definitions import ExpectationResult\nfrom dagster._core.definitions.events import ExpectationResult as _ER\nclass Unexported: ...\n"),
            ("dagster/_core/third.py", "from dagster._core.other import Unexported\n"),
        ]);
        let id = "dagster._core.definitions.events.ExpectationResult";
        assert_eq!(
            &c.aliases["dagster._core.definitions.ExpectationResult"],
            id
        );
        assert_eq!(&c.aliases["dagster._core.other.ExpectationResult"], id);
        assert_eq!(&c.aliases["dagster._core.other._ER"], id);
        assert!(
            c.aliases.get("dagster._core.third.Unexported").is_none(),
            "only objects a public module exports"
        );
        assert!(c.aliases.get("dagster.ExpectationResult").is_none());
        assert_eq!(
            c.objects.get(id).unwrap().markers[0].status,
            Status::Deprecated
        );
    }

    #[test]
    fn form12_param_markers_on_init_and_new_are_the_class_params() {
        let c = dagster(&[
            ("dagster/__init__.py", "from dagster._impl import AD as AD, Checks as Checks, Run as Run, Own as Own\n"),
            (
                "dagster/_impl.py",
                "from typing import NamedTuple\nfrom dagster._annotations import beta_param, experimental_param, public\n\n@public\nclass AD:\n    @beta_param(param=\"execution_type\")\n    @experimental_param(param=\"specs\")\n    def __init__(self, execution_type=None, specs=None): ...\n\nclass Checks(AD): ...\n\nclass Own(AD):\n    def __init__(self, other=None): ...\n\nclass Run(NamedTuple(\"_Run\", [(\"x\", int)])):\n    @experimental_param(param=\"exclude_subruns\")\n    def __new__(cls, x=None, exclude_subruns=None): ...\n",
            ),
        ]);
        let object = |name: &str| {
            c.objects
                .get(c.exports[name].target.as_ref().unwrap())
                .unwrap()
        };
        let ad = object("dagster.AD");
        assert_eq!(ad.params["execution_type"][0].status, Status::Beta);
        assert_eq!(ad.params["specs"][0].status, Status::Experimental);
        assert!(
            member(&c, "dagster.AD", "__init__").unwrap().params["execution_type"][0].status
                == Status::Beta,
            "the __init__ member keeps them too"
        );
        assert!(
            object("dagster.Checks").params.contains_key("specs"),
            "inherited with the __init__"
        );
        assert!(
            object("dagster.Own").params.is_empty(),
            "an own __init__ without the parameter drops it"
        );
        assert_eq!(
            object("dagster.Run").params["exclude_subruns"][0].status,
            Status::Experimental
        );
        let rows = c.rows();
        assert!(rows.iter().any(|r| r.symbol == "dagster.AD"
            && r.parameter.as_deref() == Some("execution_type")
            && r.markers == ["beta"]));
    }

    #[test]
    fn form13_hints_built_by_helpers_are_evaluated() {
        let c = dagster(&[
            ("dagster/__init__.py", "from dagster._ctx import Ctx as Ctx\n"),
            ("dagster/_texts.py", "PREFIX = \"You have called\"\n"),
            (
                "dagster/_ctx.py",
                concat!(
                    "from dagster._annotations import deprecated, public\n",
                    "from dagster._texts import PREFIX\n",
                    "ALTERNATE_METHODS = {\"run_id\": \"run.run_id\"}\n",
                    "ALTERNATE_EXPRESSIONS = {\"has_tag\": \"key in context.run.tags\"}\n",
                    "USE_OP_CONTEXT = [\"op_config\"]\n",
                    "\n",
                    "def _kwargs(attr):\n",
                    "    kw = {\"breaking_version\": \"a future release\"}\n",
                    "    kw[\"subject\"] = f\"Ctx.{attr}\"\n",
                    "    if attr in ALTERNATE_METHODS:\n",
                    "        kw[\"additional_warn_text\"] = (\n",
                    "            f\"{PREFIX} the deprecated method {attr} on Ctx. Use\"\n",
                    "            f\" context.{ALTERNATE_METHODS[attr]} instead.\"\n",
                    "        )\n",
                    "    elif attr in ALTERNATE_EXPRESSIONS:\n",
                    "        kw[\"additional_warn_text\"] = \"Use \" + ALTERNATE_EXPRESSIONS[attr] + \" instead.\"\n",
                    "    elif attr not in USE_OP_CONTEXT:\n",
                    "        return {\"breaking_version\": \"2.0\"}\n",
                    "    else:\n",
                    "        kw[\"additional_warn_text\"] = _op_text(attr)\n",
                    "    return kw\n",
                    "\n",
                    "def _op_text(name, where=\"op_execution_context\"):\n",
                    "    text = f\"Use context.{where}.\"\n",
                    "    text += name\n",
                    "    return text + \" instead.\"\n",
                    "\n",
                    "def _unknown(attr):\n",
                    "    kw = {\"breaking_version\": \"1.0\"}\n",
                    "    if attr.startswith(\"x\"):\n",
                    "        kw[\"additional_warn_text\"] = \"maybe\"\n",
                    "    return kw\n",
                    "\n",
                    "@public\n",
                    "class Ctx:\n",
                    "    @deprecated(**_kwargs(\"run_id\"))\n",
                    "    @property\n",
                    "    def run_id(self): ...\n",
                    "    @deprecated(**_kwargs(\"has_tag\"))\n",
                    "    def has_tag(self, key): ...\n",
                    "    @deprecated(**_kwargs(\"op_config\"))\n",
                    "    def op_config(self): ...\n",
                    "    @deprecated(**_kwargs(\"other\"))\n",
                    "    def other(self): ...\n",
                    "    @deprecated(**_unknown(\"xy\"))\n",
                    "    def unknown(self): ...\n",
                    "    @deprecated(breaking_version=\"2.0\", additional_warn_text=_op_text(\"direct\"))\n",
                    "    def direct(self): ...\n",
                ),
            ),
        ]);
        let hint = |name: &str| {
            let m = &member(&c, "dagster.Ctx", name).unwrap().markers[0];
            (m.breaking_version.clone(), m.message.clone())
        };
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            hint("run_id"),
            (
                s("a future release"),
                s("You have called the deprecated method run_id on Ctx. Use context.run.run_id instead.")
            )
        );
        assert_eq!(
            hint("has_tag"),
            (
                s("a future release"),
                s("Use key in context.run.tags instead.")
            )
        );
        assert_eq!(
            hint("op_config"),
            (
                s("a future release"),
                s("Use context.op_execution_context.op_config instead.")
            )
        );
        assert_eq!(hint("other"), (s("2.0"), None), "an early return");
        assert_eq!(
            hint("unknown"),
            (s("1.0"), None),
            "a branch that cannot be decided: unknown"
        );
        assert_eq!(
            hint("direct"),
            (
                s("2.0"),
                s("Use context.op_execution_context.direct instead.")
            )
        );
    }

    #[test]
    fn form14_a_name_bound_over_its_submodule_is_the_name() {
        let c = dagster(&[
            (
                "dagster/__init__.py",
                "from dagster.components.definitions import definitions as definitions\n",
            ),
            (
                "dagster/components/__init__.py",
                "from dagster.components.definitions import definitions as definitions\n",
            ),
            (
                "dagster/components/definitions.py",
                "def definitions(fn): return fn\n",
            ),
        ]);
        // The submodule exists (`import dagster.components.definitions` works) and the
        // package's attribute is the function: both are recorded, and the export says which
        // object the name is.
        assert!(c
            .modules
            .contains(&"dagster.components.definitions".to_string()));
        assert!(!c
            .public_modules
            .contains(&"dagster.components.definitions".to_string()));
        let target = c.exports["dagster.components.definitions"]
            .target
            .as_deref();
        assert_eq!(target, Some("dagster.components.definitions.definitions"));
        assert_eq!(target, c.exports["dagster.definitions"].target.as_deref());
        assert_eq!(
            c.objects.get(target.unwrap()).unwrap().kind,
            Some(Kind::Function)
        );
        // Through an intermediate package whose `__init__` binds the function over the
        // submodule (dagster-k8s's `k8s_job_op`).
        let c = dagster(&[
            (
                "dagster/__init__.py",
                "from dagster.ops import job_op as job_op\n",
            ),
            (
                "dagster/ops/__init__.py",
                "from dagster.ops.job_op import job_op as job_op\n",
            ),
            (
                "dagster/ops/job_op.py",
                "from dagster._annotations import beta\n\n@beta\ndef job_op(): ...\n",
            ),
        ]);
        assert_eq!(
            c.exports["dagster.job_op"].target.as_deref(),
            Some("dagster.ops.job_op.job_op")
        );
        assert_eq!(statuses(&c, "dagster.job_op"), vec!["beta"]);
    }

    #[test]
    fn form15_enum_values_and_typing_aliases_carry_markers() {
        let c = dagster(&[
            ("dagster/__init__.py", "from dagster._impl import Severity as Severity, Client as Client\n"),
            (
                "dagster/_impl.py",
                "from enum import Enum\nfrom typing import Annotated\nfrom dagster._annotations import experimental\n\nResourceParam = Annotated\n\n@experimental\nclass Severity(Enum):\n    WARN = \"WARN\"\n    _hidden = 1\n\n@experimental\nclass _Client: ...\n\nClient = ResourceParam[_Client]\n",
            ),
        ]);
        let warn = member(&c, "dagster.Severity", "WARN").unwrap();
        assert_eq!(
            (warn.public, warn.markers[0].status),
            (false, Status::Experimental)
        );
        assert!(member(&c, "dagster.Severity", "_hidden").is_none());
        assert_eq!(statuses(&c, "dagster.Client"), vec!["experimental"]);
    }
}
