//! Name resolution: which expressions of a module refer to dagster (or a catalogued integration
//! library), and by which dotted path.
//!
//! The resolver walks the tree with Python's scoping rules (module, class, function, lambda and
//! comprehension scopes; function bodies resolved after their enclosing scope, so later
//! module-level imports are visible in them; names assigned anywhere in a function are local to
//! all of it) and emits a [`Reference`] for every import of, and every use of a binding to, a
//! tracked package. It also infers which catalogued class a local variable holds (parameters
//! annotated with a dagster class, the injected `context` of `@asset` and friends, variables
//! assigned from constructors or from functions whose return type the catalog records), so that
//! members used on those objects are references too.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::syntax::view::{
    ClassDef, Expr, ExprKind, Exprs, FunctionDef, Keywords, Params, Stmt, StmtKind, Suite,
};
use crate::syntax::{self, Name, Span};

/// What the resolver needs to know about the tracked packages (answered from the catalogs).
pub trait Knowledge {
    /// True when `top` (`dagster`, `dagster_dbt`, ...) is a package whose uses are tracked.
    fn is_tracked(&self, top: &str) -> bool;
    /// True when `module.name` is exported by `module` (for `from module import *`).
    fn exports(&self, module: &str, name: &str) -> bool;
    /// The catalogued class (its catalog id) that calling `path` returns: the class itself for
    /// a constructor, or the recorded return type of a function.
    fn returns(&self, path: &str) -> Option<String>;
    /// The catalogued class that member `member` of class `class` holds or returns.
    fn member_type(&self, class: &str, member: &str) -> Option<String>;
    /// True when the catalog lists `member` on class `class` (own or inherited).
    fn has_member(&self, class: &str, member: &str) -> bool;
    /// The class that decorator `path` (e.g. `dagster.asset`) injects as its `context` argument.
    fn context_class(&self, decorator: &str) -> Option<String>;
    /// The catalog id of the class `path` names, if it is a catalogued class.
    fn class_id(&self, path: &str) -> Option<String>;
    /// False when an attribute on `path` cannot name anything the catalogs know, so that the
    /// chain `path.a.b...` ends (a long chain from a dagster name would otherwise make a path
    /// per link, each as long as the chain). Default: every path goes on.
    fn extends(&self, path: &str) -> bool {
        let _ = path;
        true
    }
}

/// How a reference was written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RefKind {
    /// `import a.b` / `import a.b as c`: the module path itself.
    ImportModule,
    /// `from module import name`.
    ImportFrom {
        /// The module imported from.
        module: Rc<str>,
    },
    /// A use of a name bound to a tracked path, or of an attribute on one.
    Use {
        /// True for an attribute on an expression that is itself a reference
        /// (`dg.AssetSelection.keys`): only its last segment is new.
        chained: bool,
    },
    /// A keyword argument `param=` in a call of `path`.
    Keyword {
        /// The keyword's name.
        param: Rc<str>,
    },
    /// A member used on an object whose class was inferred (`context.log`).
    Member {
        /// How the object's class was inferred, for messages (`its annotation`, ...).
        via: Rc<str>,
    },
}

/// What a reference reaches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A dotted path into a tracked package, as the user wrote it (`dagster.AssetSelection.keys`).
    Path(Rc<str>),
    /// A member of an object whose catalogued class was inferred.
    Member {
        /// Catalog id of the class.
        class: Rc<str>,
        /// Member name.
        name: Rc<str>,
    },
}

/// One reference to a tracked package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// What it reaches; for [`RefKind::Keyword`] the callee.
    pub target: Target,
    /// Where it is written.
    pub span: Span,
    /// How it is written.
    pub kind: RefKind,
}

/// An object whose catalogued class is known.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Instance {
    /// Catalog id of its class.
    class: Rc<str>,
    /// How the class was inferred (for messages).
    via: Rc<str>,
    /// Members the user's own subclass defines (not dagster's: never reported).
    own: Rc<[Name]>,
    /// The user's subclass also has bases outside the catalogs, which may define any member:
    /// only members the catalog lists for `class` are dagster's.
    open: bool,
}

/// What a name is bound to, as far as this tool cares.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bound {
    /// A tracked dotted path (module, class, function, member, ...), interned (see [`joined`]).
    Path(Rc<str>),
    /// An instance of a catalogued class.
    Instance(Instance),
}

thread_local! {
    /// Every dotted path and name this thread's resolver has passed on, and a scratch buffer:
    /// one met again, in this file or an earlier one, costs a look-up instead of an allocation,
    /// and two copies of it compare equal by pointer.
    static JOINED: RefCell<(HashSet<Rc<str>>, String)> = RefCell::default();
}

/// Interned texts are dropped when this many have been made (a bound on memory).
const JOINED_LIMIT: usize = 1 << 16;

/// `parts` joined by dots (`["dagster", "asset"]`: `dagster.asset`), as this thread's shared
/// copy of that text.
fn joined(parts: &[&str]) -> Rc<str> {
    JOINED.with(|cell| {
        let (texts, scratch) = &mut *cell.borrow_mut();
        scratch.clear();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                scratch.push('.');
            }
            scratch.push_str(part);
        }
        if let Some(text) = texts.get(scratch.as_str()) {
            return text.clone();
        }
        if texts.len() >= JOINED_LIMIT {
            texts.clear();
        }
        let text: Rc<str> = Rc::from(scratch.as_str());
        texts.insert(text.clone());
        text
    })
}

/// The names bound, in any scope so far, to something tracked: a set, with a bitmap of
/// (length, first byte) in front, since nearly every lookup is of a name not in it.
#[derive(Default)]
struct EverBound {
    names: HashSet<Name>,
    signatures: [u64; 8],
}

impl EverBound {
    fn signature(name: &str) -> (usize, u64) {
        let first = name.as_bytes().first().copied().unwrap_or(0) as usize;
        let key = (name.len().min(15) << 5) | (first & 31);
        (key >> 6, 1 << (key & 63))
    }

    fn contains(&self, name: &str) -> bool {
        let (word, bit) = Self::signature(name);
        self.signatures[word] & bit != 0 && self.names.contains(name)
    }

    fn insert(&mut self, name: &str) {
        if !self.contains(name) {
            let (word, bit) = Self::signature(name);
            self.signatures[word] |= bit;
            self.names.insert(Name::from(name));
        }
    }
}

impl Instance {
    /// True when the user's own subclass defines `member`.
    fn defines(&self, member: &str) -> bool {
        self.own.iter().any(|m| m == member)
    }
}

impl Bound {
    fn instance(class: impl Into<Rc<str>>, via: impl Into<Rc<str>>) -> Bound {
        Bound::Instance(Instance {
            class: class.into(),
            via: via.into(),
            own: Rc::from([]),
            open: false,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
}

struct Scope<'m> {
    kind: ScopeKind,
    parent: Option<usize>,
    /// Current binding of each name; `None` means bound to something untracked.
    bindings: HashMap<Name, Option<Bound>>,
    /// For function scopes: every name the body binds (local throughout the function).
    locals: HashSet<&'m str>,
    /// `from tracked import *` seen in this scope, by module.
    star_imports: Vec<String>,
}

struct Deferred<'m> {
    def: FunctionDef<'m>,
    parent: usize,
    /// When the function is a method of a user subclass of a catalogued class: what `self` is.
    self_class: Option<Instance>,
}

/// Resolves every reference to a tracked package in `module`.
pub fn resolve(module: Suite, knowledge: &dyn Knowledge) -> Vec<Reference> {
    let mut r = Resolver {
        knowledge,
        scopes: vec![Scope {
            kind: ScopeKind::Module,
            parent: None,
            bindings: HashMap::default(),
            locals: HashSet::default(),
            star_imports: Vec::new(),
        }],
        current: 0,
        deferred: Vec::new(),
        refs: Vec::new(),
        conditional: 0,
        ever_bound: EverBound::default(),
        any_star_import: false,
    };
    r.visit_body(module);
    let mut next = 0;
    while next < r.deferred.len() {
        let deferred = &mut r.deferred[next];
        let (def, parent, self_class) = (deferred.def, deferred.parent, deferred.self_class.take());
        r.visit_function_body(def, parent, self_class);
        next += 1;
    }
    r.refs
}

struct Resolver<'k, 'm> {
    knowledge: &'k dyn Knowledge,
    scopes: Vec<Scope<'m>>,
    current: usize,
    deferred: Vec<Deferred<'m>>,
    refs: Vec<Reference>,
    /// Depth of conditional blocks (`if`/`else`, `except`): there an untracked binding does not
    /// replace a tracked one (`try: from dagster import X` / `except ImportError: X = None`).
    conditional: usize,
    /// Every name bound, in any scope so far, to something tracked. A name not in it can only
    /// resolve to nothing (or through a star import), so most lookups stop at one probe.
    ever_bound: EverBound,
    /// Some scope has a `from tracked import *`.
    any_star_import: bool,
}

impl<'m> Resolver<'_, 'm> {
    fn push_scope(&mut self, kind: ScopeKind, parent: usize) -> usize {
        self.scopes.push(Scope {
            kind,
            parent: Some(parent),
            bindings: HashMap::default(),
            locals: HashSet::default(),
            star_imports: Vec::new(),
        });
        self.scopes.len() - 1
    }

    fn bind(&mut self, name: &str, bound: Option<Bound>) {
        if bound.is_none() && !self.any_star_import && !self.ever_bound.contains(name) {
            // Binding a name that nothing tracked was ever bound to, in a scope that does not
            // have it yet, changes no lookup: one from here finds the function's `locals`
            // (or, at module and class level, nothing tracked further out: class bodies run
            // before any later module-level binding, and methods skip class scopes), so it is
            // not recorded. Most assignments in a module are such bindings.
            let scope = &self.scopes[self.current];
            let covered = match scope.kind {
                ScopeKind::Function => scope.locals.contains(name),
                ScopeKind::Module | ScopeKind::Class => true,
                ScopeKind::Lambda => false,
            };
            if covered && !scope.bindings.contains_key(name) {
                return;
            }
        }
        let scope = &mut self.scopes[self.current];
        if bound.is_none() && self.conditional > 0 {
            if let Some(Some(_)) = scope.bindings.get(name) {
                return;
            }
        }
        if bound.is_some() {
            self.ever_bound.insert(name);
        }
        scope.bindings.insert(Name::from(name), bound);
    }

    /// Looks a name up through the scope chain (class scopes are only visible to their own body).
    fn lookup(&self, name: &str) -> Option<Bound> {
        self.lookup_from(self.current, name)
    }

    /// Looks a name up starting at scope `start`.
    fn lookup_from(&self, start: usize, name: &str) -> Option<Bound> {
        if !self.any_star_import && !self.ever_bound.contains(name) {
            return None; // never bound to anything tracked: every binding of it is untracked
        }
        let mut id = Some(start);
        let mut first = true;
        while let Some(i) = id {
            let scope = &self.scopes[i];
            if first || scope.kind != ScopeKind::Class {
                if let Some(b) = scope.bindings.get(name) {
                    return b.clone();
                }
                if scope.locals.contains(name) {
                    return None; // local, not bound yet (or bound to something untracked)
                }
                for module in &scope.star_imports {
                    if self.knowledge.exports(module, name) {
                        return Some(Bound::Path(joined(&[module, name])));
                    }
                }
            }
            first = false;
            id = scope.parent;
        }
        None
    }

    fn tracked(&self, dotted: &str) -> bool {
        self.knowledge
            .is_tracked(dotted.split('.').next().unwrap_or(dotted))
    }

    fn visit_body(&mut self, body: Suite<'m>) {
        for stmt in body.iter() {
            self.visit_stmt(stmt);
        }
    }

    fn visit_conditional(&mut self, body: Suite<'m>) {
        self.conditional += 1;
        self.visit_body(body);
        self.conditional -= 1;
    }

    fn visit_stmt(&mut self, stmt: Stmt<'m>) {
        match stmt.kind() {
            StmtKind::Import { aliases } => {
                for alias in aliases.iter() {
                    let tracked = self.tracked(alias.name);
                    if tracked {
                        self.refs.push(Reference {
                            target: Target::Path(joined(&[alias.name])),
                            span: alias.span,
                            kind: RefKind::ImportModule,
                        });
                    }
                    match alias.asname {
                        Some(asname) => {
                            let bound = tracked.then(|| Bound::Path(joined(&[alias.name])));
                            self.bind(asname, bound);
                        }
                        None => {
                            let top = alias.name.split('.').next().unwrap_or(alias.name);
                            let bound = tracked.then(|| Bound::Path(joined(&[top])));
                            self.bind(top, bound);
                        }
                    }
                }
            }
            StmtKind::ImportFrom {
                module,
                level,
                aliases,
            } => {
                let module = module.unwrap_or("");
                let tracked = level == 0 && self.tracked(module);
                for alias in aliases.iter() {
                    if alias.name == "*" {
                        if tracked {
                            // The module is judged here (a private or non-public one is
                            // reported once, not at each name used from it).
                            self.refs.push(Reference {
                                target: Target::Path(joined(&[module])),
                                span: alias.span,
                                kind: RefKind::ImportModule,
                            });
                            self.any_star_import = true;
                            self.scopes[self.current]
                                .star_imports
                                .push(module.to_string());
                        }
                        continue;
                    }
                    let local = alias.asname.unwrap_or(alias.name);
                    if !tracked {
                        self.bind(local, None);
                        continue;
                    }
                    let path = joined(&[module, alias.name]);
                    self.refs.push(Reference {
                        target: Target::Path(path.clone()),
                        span: alias.span,
                        kind: RefKind::ImportFrom {
                            module: joined(&[module]),
                        },
                    });
                    self.bind(local, Some(Bound::Path(path)));
                }
            }
            StmtKind::FunctionDef(def) => {
                for decorator in def.decorators() {
                    self.visit_expr(decorator);
                }
                self.visit_params(def.params());
                if let Some(returns) = def.returns() {
                    self.visit_annotation(returns);
                }
                let self_class = None;
                self.deferred.push(Deferred {
                    def,
                    parent: self.current,
                    self_class,
                });
                self.bind(def.name(), None);
            }
            StmtKind::ClassDef(def) => self.visit_class(def),
            StmtKind::Assign {
                targets,
                annotation,
                value,
                augmented,
            } => {
                let value_bound = value.and_then(|value| self.visit_value(value));
                if let Some(annotation) = annotation {
                    self.visit_annotation(annotation);
                }
                if augmented {
                    for target in targets.iter() {
                        self.visit_expr(target);
                    }
                    return;
                }
                let bound = match annotation.and_then(|a| self.annotation_class(a)) {
                    Some(class) => Some(Bound::instance(class, "its annotation")),
                    None => value_bound,
                };
                for target in targets.iter() {
                    self.bind_target(target, bound.clone());
                }
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.visit_expr(iter);
                self.bind_target(target, None);
                self.visit_body(body);
                self.visit_conditional(orelse);
            }
            StmtKind::With { items, body } => {
                for (context, var) in items.iter() {
                    match var {
                        // `with build_asset_context() as ctx:` binds what the call returns.
                        Some(var) => {
                            let bound = self.visit_value(context);
                            self.bind_target(var, bound);
                        }
                        None => self.visit_expr(context),
                    }
                }
                self.visit_body(body);
            }
            StmtKind::If {
                test,
                body,
                clauses,
            } => {
                self.visit_expr(test);
                self.visit_conditional(body);
                // Each `elif`/`else` clause is conditional (as the `else` of the one before).
                self.conditional += 1;
                for (test, body) in clauses.iter() {
                    if let Some(test) = test {
                        self.visit_expr(test);
                    }
                    self.visit_conditional(body);
                }
                self.conditional -= 1;
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.visit_body(body);
                for handler in handlers.iter() {
                    if let Some(t) = handler.type_ {
                        self.visit_expr(t);
                    }
                    if let Some(name) = handler.name {
                        self.conditional += 1;
                        self.bind(name, None);
                        self.conditional -= 1;
                    }
                    self.visit_conditional(handler.body);
                }
                self.visit_conditional(orelse);
                self.visit_body(finalbody);
            }
            StmtKind::Return(value) => {
                if let Some(v) = value {
                    self.visit_expr(v);
                }
            }
            StmtKind::Global(_) => {}
            StmtKind::Other { exprs, bodies } => {
                for e in exprs {
                    self.visit_expr(e);
                }
                for b in bodies {
                    self.visit_conditional(b);
                }
            }
        }
    }

    fn visit_class(&mut self, def: ClassDef<'m>) {
        for decorator in def.decorators() {
            self.visit_expr(decorator);
        }
        let mut base_class = None;
        let mut other_bases = false;
        for base in def.bases().iter() {
            self.visit_expr(base);
            // `Base[T]` is `Base`; `ABC`, `Generic[T]`, `Protocol` and `object` add no members.
            let base = match base.kind() {
                ExprKind::Subscript { value, .. } => value,
                _ => base,
            };
            let class = match self.expr_binding(base) {
                Some(Bound::Path(p)) => self.knowledge.class_id(&p),
                _ => None,
            };
            match class {
                Some(class) if base_class.is_none() => base_class = Some(class),
                Some(_) => {}
                None => {
                    let name = base.last_name().unwrap_or_default();
                    other_bases |= !["ABC", "Generic", "Protocol", "object"].contains(&name);
                }
            }
        }
        for keyword in def.keywords().iter() {
            self.visit_expr(keyword.value);
        }
        let parent = self.current;
        self.current = self.push_scope(ScopeKind::Class, parent);
        let deferred_before = self.deferred.len();
        self.visit_body(def.body());
        // Methods of a subclass of a catalogued class: `self` is an instance of that class,
        // so inherited members used on `self` are checked (members the user defines are not).
        if let Some(base) = base_class {
            let mut own = Vec::new();
            for stmt in def.body().iter() {
                match stmt.kind() {
                    StmtKind::FunctionDef(f) => {
                        own.push(Name::from(f.name()));
                        collect_self_attributes(f, &mut own);
                    }
                    StmtKind::Assign { targets, .. } => {
                        own.extend(targets.iter().filter_map(|t| match t.kind() {
                            ExprKind::Name { id, .. } => Some(Name::from(id)),
                            _ => None,
                        }));
                    }
                    _ => {}
                }
            }
            let instance = Instance {
                class: base.into(),
                via: format!(
                    "`self` of a subclass of a dagster class in `{}`",
                    def.name()
                )
                .into(),
                own: own.into(),
                open: other_bases,
            };
            for deferred in &mut self.deferred[deferred_before..] {
                if deferred.parent == self.current {
                    deferred.self_class = Some(instance.clone());
                }
            }
        }
        self.current = parent;
        self.bind(def.name(), None);
    }

    fn visit_params(&mut self, params: Params<'m>) {
        for param in params.iter() {
            if let Some(a) = param.annotation {
                self.visit_annotation(a);
            }
            if let Some(d) = param.default {
                self.visit_expr(d);
            }
        }
    }

    fn visit_function_body(
        &mut self,
        def: FunctionDef<'m>,
        parent: usize,
        self_class: Option<Instance>,
    ) {
        let scope = self.push_scope(ScopeKind::Function, parent);
        let saved = std::mem::replace(&mut self.current, scope);
        let mut locals = HashSet::default();
        let mut globals = Vec::new();
        collect_locals(def.body(), &mut locals, &mut globals);
        for g in globals {
            locals.remove(g);
        }
        // The injected context of dagster's definition decorators.
        let context_class = def.decorators().find_map(|d| {
            let callee = match d.kind() {
                ExprKind::Call { func, .. } => func,
                _ => d,
            };
            let Some(Bound::Path(p)) = self.expr_binding_in(callee, parent) else {
                return None;
            };
            self.knowledge
                .context_class(&p)
                .map(|c| (c, p.rsplit('.').next().unwrap_or(&p).to_string()))
        });
        let first_non_self = def.params().iter().position(|p| p.name != "self");
        for (i, param) in def.params().iter().enumerate() {
            locals.insert(param.name);
            let annotated = param
                .annotation
                .and_then(|a| self.annotation_class_in(a, parent))
                .map(|c| Bound::instance(c, "its annotation"));
            let bound = annotated.or_else(|| {
                if i == 0 && param.name == "self" {
                    return self_class.clone().map(Bound::Instance);
                }
                let (class, decorator) = context_class.as_ref()?;
                (param.name == "context"
                    || (first_non_self == Some(i) && param.name.contains("context")))
                .then(|| Bound::instance(class.clone(), format!("the context of @{decorator}")))
            });
            // An untracked parameter needs no binding: it is in `locals`, which a lookup from
            // this scope finds first.
            if let Some(bound) = bound {
                self.ever_bound.insert(param.name);
                self.scopes[scope]
                    .bindings
                    .insert(Name::from(param.name), Some(bound));
            }
        }
        self.scopes[scope].locals = locals;
        self.visit_body(def.body());
        self.current = saved;
    }

    /// Visits an assigned value and returns the binding it gives a name: an alias of a tracked
    /// path, or an instance of the class a tracked call returns (each link of the value
    /// resolved once, as it is visited).
    fn visit_value(&mut self, value: Expr) -> Option<Bound> {
        match value.kind() {
            ExprKind::Name { .. } | ExprKind::Attribute { .. } => match self.visit_chain(value)? {
                Bound::Path(p) => Some(Bound::Path(p)),
                Bound::Instance(..) => None,
            },
            ExprKind::Call {
                func,
                args,
                keywords,
            } => match self.visit_call(func, args, keywords)? {
                Bound::Path(p) => self.knowledge.returns(&p).map(|c| {
                    let short = p.rsplit('.').next().unwrap_or(&p);
                    Bound::instance(c, format!("what `{short}(...)` returns"))
                }),
                // `obj.method(...)` on an inferred instance: the method's return type (what the
                // chain `obj.method` is bound to).
                Bound::Instance(method) => match func.kind() {
                    ExprKind::Attribute { attr, .. } => Some(Bound::instance(
                        method.class,
                        format!("what `.{attr}(...)` returns"),
                    )),
                    _ => None,
                },
            },
            _ => {
                self.visit_expr(value);
                None
            }
        }
    }

    fn bind_target(&mut self, target: Expr<'m>, bound: Option<Bound>) {
        match target.kind() {
            ExprKind::Name { id, .. } => self.bind(id, bound),
            // A tuple or list of targets, or `*rest` in an unpacking.
            kind @ (ExprKind::Sequence { .. } | ExprKind::Other { .. }) => {
                for e in kind.parts() {
                    self.bind_target(e, None);
                }
            }
            _ => self.visit_expr(target),
        }
    }

    /// What an expression is bound to: a name, or an attribute chain on a bound name.
    /// What `path.attr` is bound to: its own path, unless `path` names nothing an attribute
    /// could continue (see [`Knowledge::extends`]).
    fn attribute_path(&self, path: &str, attr: &str) -> Option<Bound> {
        self.knowledge
            .extends(path)
            .then(|| Bound::Path(joined(&[path, attr])))
    }

    fn expr_binding(&self, e: Expr) -> Option<Bound> {
        self.expr_binding_in(e, self.current)
    }

    fn expr_binding_in(&self, e: Expr, scope: usize) -> Option<Bound> {
        match e.kind() {
            ExprKind::Name { id, .. } => self.lookup_from(scope, id),
            ExprKind::Attribute { value, attr, .. } => match self.expr_binding_in(value, scope)? {
                Bound::Path(p) => self.attribute_path(&p, attr),
                // A property or attribute whose type the catalog records continues the chain.
                Bound::Instance(i) if !i.defines(attr) => self
                    .knowledge
                    .member_type(&i.class, attr)
                    .map(|c| Bound::instance(c, i.via)),
                Bound::Instance(_) => None,
            },
            _ => None,
        }
    }

    /// False when the text of a string annotation names nothing a lookup could find bound to
    /// something tracked (every lookup passes [`EverBound`] first): parsed, it would yield no
    /// reference and no class. A text with a non-ASCII character may hold an identifier that
    /// Python normalizes (NFKC), so it is always parsed.
    fn may_name_tracked(&self, text: &str) -> bool {
        self.any_star_import
            || !text.is_ascii()
            || text
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(|word| self.ever_bound.contains(word))
    }

    fn annotation_class(&self, annotation: Expr) -> Option<String> {
        self.annotation_class_in(annotation, self.current)
    }

    /// The catalogued class an annotation names: `X`, `"X"`, `Optional[X]`, `X | None`.
    fn annotation_class_in(&self, annotation: Expr, scope: usize) -> Option<String> {
        match annotation.kind() {
            ExprKind::Str { value, span } if self.may_name_tracked(value) => {
                let parsed = syntax::parse_string_annotation(value, span)?;
                self.annotation_class_in(parsed.expr(), scope)
            }
            ExprKind::Subscript { value, slice, .. } => {
                let outer = value.last_name()?;
                outer
                    .ends_with("Optional")
                    .then(|| self.annotation_class_in(slice, scope))?
            }
            ExprKind::Other { children, .. } => {
                let mut non_none = children.into_iter().filter(|c| !c.is_constant());
                match (non_none.next(), non_none.next()) {
                    (Some(one), None) => self.annotation_class_in(one, scope),
                    _ => None,
                }
            }
            ExprKind::Name { .. } | ExprKind::Attribute { .. } => {
                match self.expr_binding_in(annotation, scope)? {
                    Bound::Path(p) => self.knowledge.class_id(&p),
                    Bound::Instance(_) => None,
                }
            }
            _ => None,
        }
    }

    fn visit_annotation(&mut self, e: Expr) {
        match e.kind() {
            ExprKind::Str { value, span } => {
                if !self.may_name_tracked(value) {
                    return;
                }
                if let Some(parsed) = syntax::parse_string_annotation(value, span) {
                    self.visit_expr(parsed.expr());
                }
            }
            ExprKind::Subscript { value, slice, .. } => {
                self.visit_expr(value);
                let literal = value.last_name().is_some_and(|d| d.ends_with("Literal"));
                if literal {
                    self.visit_expr(slice);
                } else {
                    self.visit_annotation(slice);
                }
            }
            kind @ (ExprKind::Sequence { .. } | ExprKind::Other { .. }) => {
                for e in kind.parts() {
                    self.visit_annotation(e);
                }
            }
            _ => self.visit_expr(e),
        }
    }

    /// Visits an expression (of the module, or parsed from a string annotation: nothing is
    /// kept from it but references).
    fn visit_expr(&mut self, e: Expr) {
        self.visit_chain(e);
    }

    /// Visits an expression other than a name or an attribute (see [`Resolver::visit_chain`]).
    fn visit_other(&mut self, kind: ExprKind) {
        match kind {
            ExprKind::Name { .. } | ExprKind::Attribute { .. } => {
                unreachable!("names and attributes are visited as chains")
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                self.visit_call(func, args, keywords);
            }
            ExprKind::Str { .. } | ExprKind::Constant { .. } => {}
            ExprKind::Subscript { value, slice, .. } => {
                self.visit_expr(value);
                self.visit_expr(slice);
            }
            kind @ (ExprKind::Sequence { .. } | ExprKind::Other { .. }) => {
                for e in kind.parts() {
                    self.visit_expr(e);
                }
            }
            ExprKind::Dict { items, .. } => {
                for (k, v) in items.iter() {
                    if let Some(k) = k {
                        self.visit_expr(k);
                    }
                    self.visit_expr(v);
                }
            }
            ExprKind::Lambda { params, body } => {
                for p in params.iter() {
                    if let Some(d) = p.default {
                        self.visit_expr(d);
                    }
                }
                let parent = self.current;
                self.current = self.push_scope(ScopeKind::Lambda, parent);
                for p in params.iter() {
                    self.bind_untracked_here(p.name);
                }
                self.visit_expr(body);
                self.current = parent;
            }
            ExprKind::Comprehension { generators, elts } => {
                let parent = self.current;
                if let Some(first) = generators.iter().next() {
                    self.visit_expr(first.iter);
                }
                self.current = self.push_scope(ScopeKind::Lambda, parent);
                for (i, g) in generators.iter().enumerate() {
                    if i > 0 {
                        self.visit_expr(g.iter);
                    }
                    self.bind_comprehension_target(g.target);
                    for cond in g.ifs.iter() {
                        self.visit_expr(cond);
                    }
                }
                for e in elts.into_iter().flatten() {
                    self.visit_expr(e);
                }
                self.current = parent;
            }
            ExprKind::Walrus { target, value } => {
                let ExprKind::Name { id, .. } = target.kind() else {
                    self.visit_expr(value);
                    return;
                };
                let bound = self.visit_value(value);
                // A walrus binds in the enclosing non-comprehension scope.
                let mut scope = self.current;
                while self.scopes[scope].kind == ScopeKind::Lambda {
                    scope = self.scopes[scope].parent.unwrap_or(0);
                }
                if bound.is_some() {
                    self.ever_bound.insert(id);
                }
                self.scopes[scope].bindings.insert(Name::from(id), bound);
            }
        }
    }

    /// Binds a lambda parameter or comprehension variable (untracked) in the current scope,
    /// which is visited at once: when no lookup could find `name` bound to anything tracked,
    /// the binding would change none and is not recorded.
    fn bind_untracked_here(&mut self, name: &str) {
        if self.any_star_import || self.ever_bound.contains(name) {
            self.scopes[self.current]
                .bindings
                .insert(Name::from(name), None);
        }
    }

    fn bind_comprehension_target(&mut self, target: Expr) {
        match target.kind() {
            ExprKind::Name { id, .. } => self.bind_untracked_here(id),
            kind @ (ExprKind::Sequence { .. } | ExprKind::Other { .. }) => {
                for e in kind.parts() {
                    self.bind_comprehension_target(e);
                }
            }
            _ => {}
        }
    }

    /// Visits an expression and returns what it is bound to, as [`Resolver::expr_binding`]
    /// would: for a name or an attribute chain each link is resolved once, on the way back up,
    /// and reported as it is (`dg.AssetSelection`, then `dg.AssetSelection.keys`; `context.log`
    /// as a member of the inferred `context`); anything else is bound to nothing.
    fn visit_chain(&mut self, e: Expr) -> Option<Bound> {
        match e.kind() {
            ExprKind::Name { id, span } => {
                let bound = self.lookup(id);
                if let Some(path @ Bound::Path(_)) = &bound {
                    self.reference(path.clone(), span, false);
                }
                bound
            }
            ExprKind::Attribute { value, attr, span } => {
                let base = self.visit_chain(value);
                let bound = match &base {
                    Some(Bound::Path(p)) => self.attribute_path(p, attr),
                    // A property or attribute whose type the catalog records continues the chain.
                    Some(Bound::Instance(i)) if !i.defines(attr) => self
                        .knowledge
                        .member_type(&i.class, attr)
                        .map(|c| Bound::instance(c, i.via.clone())),
                    _ => None,
                };
                match (&bound, &base) {
                    (Some(path @ Bound::Path(_)), _) => self.reference(path.clone(), span, true),
                    (_, Some(Bound::Instance(i))) => self.member_reference(i, attr, span),
                    _ => {}
                }
                bound
            }
            other => {
                self.visit_other(other);
                None
            }
        }
    }

    /// Visits a call and returns what its callee `func` is bound to.
    fn visit_call(&mut self, func: Expr, args: Exprs, keywords: Keywords) -> Option<Bound> {
        let callee = self.visit_chain(func);
        for a in args.iter() {
            self.visit_expr(a);
        }
        if !keywords.is_empty() {
            self.visit_keywords(func, &callee, keywords);
        }
        callee
    }

    /// Visits the keyword arguments of a call of `func`, which is bound to `callee`.
    fn visit_keywords(&mut self, func: Expr, callee: &Option<Bound>, keywords: Keywords) {
        for keyword in keywords.iter() {
            self.visit_expr(keyword.value);
            let Some(name) = keyword.name else { continue };
            let target = match &callee {
                Some(Bound::Path(p)) => Some(Target::Path(p.clone())),
                // A method called on an inferred instance: `context.foo(param=...)`.
                _ => match func.kind() {
                    ExprKind::Attribute { value, attr, .. } => match self.expr_binding(value) {
                        Some(Bound::Instance(i)) if !i.defines(attr) => Some(Target::Member {
                            class: i.class,
                            name: joined(&[attr]),
                        }),
                        _ => None,
                    },
                    _ => None,
                },
            };
            if let Some(target) = target {
                self.refs.push(Reference {
                    target,
                    span: keyword.span,
                    kind: RefKind::Keyword {
                        param: joined(&[name]),
                    },
                });
            }
        }
    }

    fn reference(&mut self, bound: Bound, span: Span, chained: bool) {
        if let Bound::Path(path) = bound {
            self.refs.push(Reference {
                target: Target::Path(path),
                span,
                kind: RefKind::Use { chained },
            });
        }
    }

    fn member_reference(&mut self, instance: &Instance, member: &str, span: Span) {
        if instance.defines(member) {
            return; // defined by the user's own subclass
        }
        if instance.open && !self.knowledge.has_member(&instance.class, member) {
            return; // may come from one of the user's other bases
        }
        self.refs.push(Reference {
            target: Target::Member {
                class: instance.class.clone(),
                name: joined(&[member]),
            },
            span,
            kind: RefKind::Member {
                via: instance.via.clone(),
            },
        });
    }
}

/// Attributes a method assigns on its first parameter (`self._client = ...`), not descending
/// into nested scopes: they belong to the user's subclass, not to the dagster base class.
fn collect_self_attributes(def: FunctionDef, out: &mut Vec<Name>) {
    fn target_attributes(e: Expr, receiver: &str, out: &mut Vec<Name>) {
        match e.kind() {
            ExprKind::Attribute { value, attr, .. } => {
                if matches!(value.kind(), ExprKind::Name { id, .. } if id == receiver) {
                    out.push(Name::from(attr));
                }
            }
            kind @ (ExprKind::Sequence { .. } | ExprKind::Other { .. }) => kind
                .parts()
                .for_each(|e| target_attributes(e, receiver, out)),
            _ => {}
        }
    }
    fn walk(body: Suite, receiver: &str, out: &mut Vec<Name>) {
        for stmt in body.iter() {
            let kind = stmt.kind();
            match &kind {
                StmtKind::Assign { targets, .. } => {
                    for t in targets.iter() {
                        target_attributes(t, receiver, out);
                    }
                }
                StmtKind::For { target, .. } => target_attributes(*target, receiver, out),
                StmtKind::With { items, .. } => {
                    for var in items.iter().filter_map(|(_, var)| var) {
                        target_attributes(var, receiver, out);
                    }
                }
                _ => {}
            }
            kind.for_each_block(|block| walk(block, receiver, out));
        }
    }
    if let Some(receiver) = def.params().iter().next().filter(|p| !p.variadic) {
        walk(def.body(), receiver.name, out);
    }
}

/// Names a function body binds (its locals), not descending into nested scopes, and those it
/// declares `global` or `nonlocal` (not local anywhere in it).
fn collect_locals<'m>(body: Suite<'m>, out: &mut HashSet<&'m str>, globals: &mut Vec<&'m str>) {
    fn target_names<'m>(e: Expr<'m>, out: &mut HashSet<&'m str>) {
        match e.kind() {
            ExprKind::Name { id, .. } => {
                out.insert(id);
            }
            kind @ (ExprKind::Sequence { .. } | ExprKind::Other { .. }) => {
                kind.parts().for_each(|e| target_names(e, out))
            }
            _ => {}
        }
    }
    for stmt in body.iter() {
        let kind = stmt.kind();
        match &kind {
            StmtKind::Import { aliases } | StmtKind::ImportFrom { aliases, .. } => {
                for a in aliases.iter() {
                    let name = a
                        .asname
                        .unwrap_or_else(|| a.name.split('.').next().unwrap_or(a.name));
                    if name != "*" {
                        out.insert(name);
                    }
                }
            }
            StmtKind::FunctionDef(f) => {
                out.insert(f.name());
            }
            StmtKind::ClassDef(c) => {
                out.insert(c.name());
            }
            StmtKind::Assign { targets, .. } => targets.iter().for_each(|t| target_names(t, out)),
            StmtKind::For { target, .. } => target_names(*target, out),
            StmtKind::With { items, .. } => {
                for v in items.iter().filter_map(|(_, var)| var) {
                    target_names(v, out);
                }
            }
            StmtKind::Try { handlers, .. } => {
                out.extend(handlers.iter().filter_map(|h| h.name));
            }
            StmtKind::Global(names) => globals.extend(names.iter()),
            StmtKind::If { .. } | StmtKind::Other { .. } | StmtKind::Return(_) => {}
        }
        kind.for_each_block(|block| collect_locals(block, out, globals));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny fake of the catalogs: `dagster` exports a few names.
    struct Fake;

    impl Knowledge for Fake {
        fn is_tracked(&self, top: &str) -> bool {
            top == "dagster" || top == "dagster_dbt"
        }
        fn exports(&self, module: &str, name: &str) -> bool {
            module == "dagster" && ["asset", "SourceAsset", "AssetExecutionContext"].contains(&name)
        }
        fn returns(&self, path: &str) -> Option<String> {
            match path {
                "dagster.Definitions" => Some("C.Definitions".into()),
                "dagster.build_asset_context" => Some("C.AssetExecutionContext".into()),
                _ => None,
            }
        }
        fn member_type(&self, class: &str, member: &str) -> Option<String> {
            (class == "C.AssetExecutionContext" && member == "instance")
                .then(|| "C.DagsterInstance".into())
        }
        fn has_member(&self, class: &str, member: &str) -> bool {
            class == "C.ConfigurableResource" && member == "_private_known"
        }
        fn context_class(&self, decorator: &str) -> Option<String> {
            (decorator == "dagster.asset").then(|| "C.AssetExecutionContext".into())
        }
        fn class_id(&self, path: &str) -> Option<String> {
            match path {
                "dagster.AssetExecutionContext" => Some("C.AssetExecutionContext".into()),
                "dagster.Definitions" => Some("C.Definitions".into()),
                "dagster.ConfigurableResource" => Some("C.ConfigurableResource".into()),
                _ => None,
            }
        }
    }

    /// Every reference as `kind path @ text`.
    fn refs(source: &str) -> Vec<String> {
        let parsed = crate::syntax::parse(source);
        resolve(parsed.body(), &Fake)
            .into_iter()
            .map(|r| {
                let text = &source[r.span.start as usize..r.span.end as usize];
                let target = match &r.target {
                    Target::Path(p) => p.to_string(),
                    Target::Member { class, name } => format!("{class}::{name}"),
                };
                let kind = match &r.kind {
                    RefKind::ImportModule => "import".to_string(),
                    RefKind::ImportFrom { .. } => "from".to_string(),
                    RefKind::Use { .. } => "use".to_string(),
                    RefKind::Keyword { param } => format!("kw:{param}"),
                    RefKind::Member { .. } => "member".to_string(),
                };
                format!("{kind} {target} @ {text}")
            })
            .collect()
    }

    fn has(refs: &[String], expected: &str) -> bool {
        refs.iter().any(|r| r == expected)
    }

    #[test]
    fn import_forms() {
        let r = refs(
            "import dagster\nimport dagster as dg\nimport dagster.components\nfrom dagster import asset\nfrom dagster import (\n    SourceAsset as SA,\n)\nfrom dagster.components import load_defs\nimport os\n",
        );
        assert!(has(&r, "import dagster @ dagster"));
        assert!(has(&r, "import dagster @ dagster as dg"));
        assert!(has(&r, "import dagster.components @ dagster.components"));
        assert!(has(&r, "from dagster.asset @ asset"));
        assert!(has(&r, "from dagster.SourceAsset @ SourceAsset as SA"));
        assert!(has(&r, "from dagster.components.load_defs @ load_defs"));
        assert_eq!(r.len(), 6, "{r:#?}");
    }

    #[test]
    fn uses_of_bindings() {
        let r = refs("import dagster as dg\nfrom dagster import SourceAsset as SA\nx = SA(key='a')\n@dg.asset(compute_kind='dbt')\ndef f(): ...\nsel = dg.AssetSelection.keys('a')\n");
        assert!(has(&r, "use dagster.SourceAsset @ SA"));
        assert!(has(&r, "kw:key dagster.SourceAsset @ key='a'"));
        assert!(has(&r, "use dagster.asset @ dg.asset"));
        assert!(has(
            &r,
            "kw:compute_kind dagster.asset @ compute_kind='dbt'"
        ));
        assert!(has(&r, "use dagster.AssetSelection @ dg.AssetSelection"));
        assert!(has(
            &r,
            "use dagster.AssetSelection.keys @ dg.AssetSelection.keys"
        ));
    }

    #[test]
    fn annotations_bases_defaults_and_strings() {
        let r = refs("import dagster as dg\nfrom typing import Optional\ndef f(x: 'dg.AssetKey', y: Optional['dg.AssetSpec'] = dg.AssetSpec('a')) -> dg.Output: ...\nclass R(dg.ConfigurableResource): ...\nz: 'Literal[\"dg.asset\"]' = 1\n");
        assert!(has(&r, "use dagster.AssetKey @ 'dg.AssetKey'"));
        assert!(has(&r, "use dagster.AssetSpec @ 'dg.AssetSpec'"));
        assert!(has(&r, "use dagster.AssetSpec @ dg.AssetSpec"));
        assert!(has(&r, "use dagster.Output @ dg.Output"));
        assert!(has(
            &r,
            "use dagster.ConfigurableResource @ dg.ConfigurableResource"
        ));
        assert!(!r.iter().any(|x| x.contains("dagster.asset")), "{r:#?}");
    }

    #[test]
    fn string_annotations_are_read_whenever_a_name_in_them_may_be_bound() {
        // Through a star import, through a module-level import below the function, and not
        // for a name nothing tracked was ever bound to.
        let r = refs(
            "from dagster import *\ndef f(c: 'Optional[AssetExecutionContext]'):\n    c.log\n",
        );
        assert!(
            has(&r, "member C.AssetExecutionContext::log @ c.log"),
            "{r:#?}"
        );
        let r = refs("def f(c: 'dg.AssetExecutionContext', d: 'Other'):\n    c.log\n    d.log\nimport dagster as dg\n");
        assert!(
            has(&r, "member C.AssetExecutionContext::log @ c.log"),
            "{r:#?}"
        );
        assert!(!r.iter().any(|x| x.contains("d.log")), "{r:#?}");
    }

    #[test]
    fn function_local_and_conditional_imports() {
        let r = refs("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from dagster import AssetKey\ntry:\n    from dagster import asset\nexcept ImportError:\n    asset = None\n\ndef g():\n    import dagster as dg2\n    return dg2.Definitions, asset\n");
        assert!(has(&r, "from dagster.AssetKey @ AssetKey"));
        assert!(has(&r, "use dagster.Definitions @ dg2.Definitions"));
        assert!(has(&r, "use dagster.asset @ asset"), "{r:#?}");
    }

    #[test]
    fn later_module_imports_are_visible_in_functions() {
        let r = refs("def g():\n    return dg.asset\nimport dagster as dg\n");
        assert!(has(&r, "use dagster.asset @ dg.asset"));
    }

    #[test]
    fn shadowing_hides_imports() {
        let r = refs(
            "import dagster as dg\nfrom dagster import asset\n\ndef a(dg):\n    return dg.asset\n\ndef b():\n    x = dg.asset\n    dg = 1\n\ndef c():\n    for asset in []:\n        asset()\n\nys = [dg for dg in range(3)]\nlam = lambda asset: asset\n\ndef d():\n    def asset(): ...\n    asset()\n\nclass K:\n    dg = 1\n    y = dg\n",
        );
        // Only the two imports remain: every use is shadowed.
        assert_eq!(
            r,
            vec![
                "import dagster @ dagster as dg",
                "from dagster.asset @ asset"
            ],
            "{r:#?}"
        );
    }

    #[test]
    fn star_import_resolves_exported_names_only() {
        let r = refs("from dagster import *\nx = SourceAsset('a')\ny = something_else\n");
        assert!(has(&r, "use dagster.SourceAsset @ SourceAsset"));
        assert!(!r.iter().any(|x| x.contains("something_else")));
        // The module itself is judged at the import (a private one is reported there).
        assert!(has(&r, "import dagster @ *"), "{r:#?}");
    }

    #[test]
    fn private_paths_are_references() {
        let r = refs("from dagster._core.definitions import AssetsDefinition\nimport dagster._core.storage as st\nAssetsDefinition\nst.x\n");
        assert!(has(
            &r,
            "from dagster._core.definitions.AssetsDefinition @ AssetsDefinition"
        ));
        assert!(has(
            &r,
            "import dagster._core.storage @ dagster._core.storage as st"
        ));
        assert!(has(
            &r,
            "use dagster._core.definitions.AssetsDefinition @ AssetsDefinition"
        ));
        assert!(has(&r, "use dagster._core.storage.x @ st.x"));
    }

    #[test]
    fn injected_context_and_annotated_members() {
        let r = refs("import dagster as dg\n@dg.asset\ndef a(context):\n    context.log.info('x')\n    context.instance.get_x(limit=1)\n\n@other\ndef b(context):\n    context.log\n\ndef c(ctx: dg.AssetExecutionContext):\n    ctx.run_id\n\ndef d():\n    with dg.build_asset_context() as ctx:\n        ctx.op_config\n    defs = dg.Definitions(assets=[])\n    defs.get_job_def('j')\n    defs = None\n    defs.get_job_def('k')\n");
        assert!(has(&r, "member C.AssetExecutionContext::log @ context.log"));
        assert!(has(
            &r,
            "member C.AssetExecutionContext::instance @ context.instance"
        ));
        assert!(has(
            &r,
            "member C.DagsterInstance::get_x @ context.instance.get_x"
        ));
        assert!(
            has(&r, "kw:limit C.DagsterInstance::get_x @ limit=1"),
            "{r:#?}"
        );
        assert!(has(
            &r,
            "member C.AssetExecutionContext::run_id @ ctx.run_id"
        ));
        assert!(has(
            &r,
            "member C.AssetExecutionContext::op_config @ ctx.op_config"
        ));
        assert!(has(
            &r,
            "member C.Definitions::get_job_def @ defs.get_job_def"
        ));
        // Unknown decorator: no inference. Reassigned variable: no inference.
        assert_eq!(
            r.iter().filter(|x| x.contains("::log")).count(),
            1,
            "{r:#?}"
        );
        assert_eq!(
            r.iter().filter(|x| x.contains("get_job_def")).count(),
            1,
            "{r:#?}"
        );
    }

    #[test]
    fn self_in_user_subclasses() {
        let r = refs("import dagster as dg\nclass R(dg.ConfigurableResource):\n    def mine(self): ...\n    def go(self):\n        self.mine()\n        self.get_resource_context()\n");
        assert!(has(
            &r,
            "member C.ConfigurableResource::get_resource_context @ self.get_resource_context"
        ));
        assert!(!r.iter().any(|x| x.contains("::mine")), "{r:#?}");
    }

    #[test]
    fn attributes_a_subclass_sets_on_self_are_its_own() {
        let r = refs("import dagster as dg\nclass C(dg.ConfigurableResource):\n    _declared: int\n    def __init__(self, client):\n        self._client = client\n        if client:\n            self._a, self.__b = 1, 2\n    def go(self):\n        self._client.run(self._a, self.__b, self._declared)\n        self._inherited\n");
        for own in ["_client", "_a", "__b", "_declared"] {
            assert!(
                !r.iter()
                    .any(|x| x.ends_with(&format!("::{own} @ self.{own}"))),
                "{own}: {r:#?}"
            );
        }
        assert!(has(
            &r,
            "member C.ConfigurableResource::_inherited @ self._inherited"
        ));
    }

    #[test]
    fn other_bases_may_define_unknown_members() {
        let r = refs("import dagster as dg\nfrom abc import ABC\nclass Mine: ...\nclass C(Mine, dg.ConfigurableResource):\n    def go(self):\n        self._from_mine()\n        self._private_known\nclass D(dg.ConfigurableResource, ABC):\n    def go(self):\n        self._unknown\n");
        assert!(!r.iter().any(|x| x.contains("_from_mine")), "{r:#?}");
        assert!(has(
            &r,
            "member C.ConfigurableResource::_private_known @ self._private_known"
        ));
        assert!(has(
            &r,
            "member C.ConfigurableResource::_unknown @ self._unknown"
        ));
    }

    #[test]
    fn relative_imports_and_other_packages_are_ignored() {
        let r = refs(
            "from . import dagster\nfrom .dagster import asset\nimport pandas as dg\ndg.asset\n",
        );
        assert!(r.is_empty(), "{r:#?}");
    }
}
