//! Expressions: values and attribute chains resolved link by link, calls and their keyword
//! arguments, and the members used on inferred instances (`context.log`).

use super::bound::{joined, Bound, Instance};
use super::reference::{RefKind, Reference, Target};
use super::scopes::{Resolver, ScopeKind};
use crate::syntax::view::{Expr, ExprKind, Exprs, Keywords};
use crate::syntax::{Name, Span};

impl<'m> Resolver<'_, 'm> {
    /// Visits an assigned value and returns the binding it gives a name: an alias of a tracked
    /// path, or an instance of the class a tracked call returns (each link of the value
    /// resolved once, as it is visited).
    pub(super) fn visit_value(&mut self, value: Expr) -> Option<Bound> {
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

    /// What `path.attr` is bound to: its own path, unless `path` names nothing an attribute
    /// could continue (see [`Knowledge::extends`]).
    fn attribute_path(&self, path: &str, attr: &str) -> Option<Bound> {
        self.knowledge
            .extends(path)
            .then(|| Bound::Path(joined(&[path, attr])))
    }

    /// What an expression is bound to: a name, or an attribute chain on a bound name.
    pub(super) fn expr_binding(&self, e: Expr) -> Option<Bound> {
        self.expr_binding_in(e, self.current)
    }

    pub(super) fn expr_binding_in(&self, e: Expr, scope: usize) -> Option<Bound> {
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

    /// Visits an expression (of the module, or parsed from a string annotation: nothing is
    /// kept from it but references).
    pub(super) fn visit_expr(&mut self, e: Expr) {
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
