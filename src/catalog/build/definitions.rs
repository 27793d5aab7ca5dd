//! Facts read off a single definition or annotation: signatures, thin forwards, hidden
//! parameters, `PublicAttr` annotations, and the normal order of an object's markers.

use crate::catalog::model::{Object, Signature, Status};
use crate::syntax;
use crate::syntax::view::{Expr, ExprKind, FunctionDef, StmtKind};

/// `hidden_param` markers: a deprecated parameter that is not in the signature.
pub(super) fn mark_hidden(def: FunctionDef, object: &mut Object) {
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

/// Sorts and dedups an object's markers and each parameter's, so equal facts compare equal.
pub(super) fn normalize(object: &mut Object) {
    object.markers.sort();
    object.markers.dedup();
    for markers in object.params.values_mut() {
        markers.sort();
        markers.dedup();
    }
}

/// True for a `PublicAttr[...]` annotation (or its string form).
pub(super) fn is_public_attr(annotation: Expr) -> bool {
    match annotation.kind() {
        ExprKind::Subscript { value, .. } => value
            .dotted_name()
            .is_some_and(|d| d.rsplit('.').next() == Some("PublicAttr")),
        ExprKind::Str { value, .. } => value.trim_start().starts_with("PublicAttr["),
        _ => false,
    }
}

/// The type inside a `PublicAttr[...]` annotation; any other annotation as it is.
pub(super) fn strip_public_attr(annotation: Expr) -> Expr {
    match annotation.kind() {
        ExprKind::Subscript { slice, .. } if is_public_attr(annotation) => slice,
        _ => annotation,
    }
}

/// The [`Signature`] of a parameter list (`bound`: a method's, whose first parameter a call
/// does not pass).
pub(super) fn signature(shape: syntax::view::Shape, bound: bool) -> Signature {
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
pub(super) fn thin_forward(def: FunctionDef) -> Option<String> {
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
