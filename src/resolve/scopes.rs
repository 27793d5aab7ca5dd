//! Python's scopes as the resolver keeps them: module, class, function and lambda (or
//! comprehension) scopes with their bindings, the functions whose bodies wait for their
//! enclosing scope, binding and lookup, and the entry point [`resolve`].

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::bound::{joined, Bound, Instance};
use super::reference::{Knowledge, Reference};
use crate::syntax::view::{Expr, ExprKind, FunctionDef, StmtKind, Suite};
use crate::syntax::Name;

/// The names bound, in any scope so far, to something tracked: a set, with a bitmap of
/// (length, first byte) in front, since nearly every lookup is of a name not in it.
#[derive(Default)]
pub(super) struct EverBound {
    pub(super) names: HashSet<Name>,
    pub(super) signatures: [u64; 8],
}

impl EverBound {
    fn signature(name: &str) -> (usize, u64) {
        let first = name.as_bytes().first().copied().unwrap_or(0) as usize;
        let key = (name.len().min(15) << 5) | (first & 31);
        (key >> 6, 1 << (key & 63))
    }

    pub(super) fn contains(&self, name: &str) -> bool {
        let (word, bit) = Self::signature(name);
        self.signatures[word] & bit != 0 && self.names.contains(name)
    }

    pub(super) fn insert(&mut self, name: &str) {
        if !self.contains(name) {
            let (word, bit) = Self::signature(name);
            self.signatures[word] |= bit;
            self.names.insert(Name::from(name));
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
}

pub(super) struct Scope<'m> {
    pub(super) kind: ScopeKind,
    pub(super) parent: Option<usize>,
    /// Current binding of each name; `None` means bound to something untracked.
    pub(super) bindings: HashMap<Name, Option<Bound>>,
    /// For function scopes: every name the body binds (local throughout the function).
    pub(super) locals: HashSet<&'m str>,
    /// `from tracked import *` seen in this scope, by module.
    pub(super) star_imports: Vec<String>,
}

pub(super) struct Deferred<'m> {
    pub(super) def: FunctionDef<'m>,
    pub(super) parent: usize,
    /// When the function is a method of a user subclass of a catalogued class: what `self` is.
    pub(super) self_class: Option<Instance>,
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

/// The state of one module's resolution.
pub(super) struct Resolver<'k, 'm> {
    pub(super) knowledge: &'k dyn Knowledge,
    pub(super) scopes: Vec<Scope<'m>>,
    pub(super) current: usize,
    pub(super) deferred: Vec<Deferred<'m>>,
    pub(super) refs: Vec<Reference>,
    /// Depth of conditional blocks (`if`/`else`, `except`): there an untracked binding does not
    /// replace a tracked one (`try: from dagster import X` / `except ImportError: X = None`).
    pub(super) conditional: usize,
    /// Every name bound, in any scope so far, to something tracked. A name not in it can only
    /// resolve to nothing (or through a star import), so most lookups stop at one probe.
    pub(super) ever_bound: EverBound,
    /// Some scope has a `from tracked import *`.
    pub(super) any_star_import: bool,
}

impl<'m> Resolver<'_, 'm> {
    pub(super) fn push_scope(&mut self, kind: ScopeKind, parent: usize) -> usize {
        self.scopes.push(Scope {
            kind,
            parent: Some(parent),
            bindings: HashMap::default(),
            locals: HashSet::default(),
            star_imports: Vec::new(),
        });
        self.scopes.len() - 1
    }

    pub(super) fn bind(&mut self, name: &str, bound: Option<Bound>) {
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
    pub(super) fn lookup(&self, name: &str) -> Option<Bound> {
        self.lookup_from(self.current, name)
    }

    /// Looks a name up starting at scope `start`.
    pub(super) fn lookup_from(&self, start: usize, name: &str) -> Option<Bound> {
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

    pub(super) fn tracked(&self, dotted: &str) -> bool {
        self.knowledge
            .is_tracked(dotted.split('.').next().unwrap_or(dotted))
    }

    pub(super) fn bind_target(&mut self, target: Expr<'m>, bound: Option<Bound>) {
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

    /// Binds a lambda parameter or comprehension variable (untracked) in the current scope,
    /// which is visited at once: when no lookup could find `name` bound to anything tracked,
    /// the binding would change none and is not recorded.
    pub(super) fn bind_untracked_here(&mut self, name: &str) {
        if self.any_star_import || self.ever_bound.contains(name) {
            self.scopes[self.current]
                .bindings
                .insert(Name::from(name), None);
        }
    }

    pub(super) fn bind_comprehension_target(&mut self, target: Expr) {
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
}

/// Names a function body binds (its locals), not descending into nested scopes, and those it
/// declares `global` or `nonlocal` (not local anywhere in it).
pub(super) fn collect_locals<'m>(
    body: Suite<'m>,
    out: &mut HashSet<&'m str>,
    globals: &mut Vec<&'m str>,
) {
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
