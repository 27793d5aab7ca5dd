//! Static evaluation of the strings and keyword dicts dagster builds for its markers
//! (messages, breaking versions, `**helper()` keyword arguments).

use std::collections::HashMap;

use super::index::{Index, Target};
use crate::syntax::view::{Expr, ExprKind, FunctionDef, StmtKind, StrPart, Suite};

/// A value the static evaluator knows: a string or a dict of strings (`None`: unknown).
#[derive(Clone, Debug)]
pub(super) enum Val {
    Str(Option<String>),
    Dict(HashMap<String, Option<String>>),
}

/// The local variables of a helper being evaluated.
pub(super) type Locals = HashMap<String, Val>;

/// How deep helper calls and constants are followed.
const EVAL_DEPTH: usize = 12;

/// Static evaluation of the string-building code dagster writes around its markers: string
/// literals, f-strings and `+` of known parts, module-level constants (also imported ones),
/// subscripts of module-level dicts, and calls of helper functions (`_kwargs("run_id")`,
/// `_msg(name)`) whose bodies assign strings and dicts, take `if`/`elif` branches decided by
/// `x in CONSTANT` / `x not in CONSTANT`, and return a string or a dict. What depends on
/// anything else is unknown (`None`); a value assigned in a branch that cannot be decided is
/// unknown too.
pub(super) struct Eval<'i, 'a> {
    index: &'i Index<'a>,
}

impl<'i, 'a> Eval<'i, 'a> {
    pub(super) fn new(index: &'i Index<'a>) -> Self {
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
    pub(super) fn text(
        &self,
        module: &str,
        e: Expr,
        locals: &Locals,
        depth: usize,
    ) -> Option<String> {
        match self.value(module, e, locals, depth)? {
            Val::Str(s) => s,
            Val::Dict(_) => None,
        }
    }

    pub(super) fn value(
        &self,
        module: &str,
        e: Expr,
        locals: &Locals,
        depth: usize,
    ) -> Option<Val> {
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
