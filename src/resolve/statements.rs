//! Statements: bodies, conditional blocks, class definitions (with `self` of a user subclass
//! of a catalogued class) and function bodies (parameters annotated with a catalogued class,
//! the injected `context` of dagster's definition decorators).

use rustc_hash::FxHashSet as HashSet;

use super::bound::{Bound, Instance};
use super::scopes::{collect_locals, Deferred, Resolver, ScopeKind};
use crate::syntax::view::{ClassDef, Expr, ExprKind, FunctionDef, Params, Stmt, StmtKind, Suite};
use crate::syntax::Name;

impl<'m> Resolver<'_, 'm> {
    pub(super) fn visit_body(&mut self, body: Suite<'m>) {
        for stmt in body.iter() {
            self.visit_stmt(stmt);
        }
    }

    pub(super) fn visit_conditional(&mut self, body: Suite<'m>) {
        self.conditional += 1;
        self.visit_body(body);
        self.conditional -= 1;
    }

    fn visit_stmt(&mut self, stmt: Stmt<'m>) {
        match stmt.kind() {
            StmtKind::Import { aliases } => self.visit_import(aliases),
            StmtKind::ImportFrom {
                module,
                level,
                aliases,
            } => self.visit_import_from(module, level, aliases),
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

    pub(super) fn visit_function_body(
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
