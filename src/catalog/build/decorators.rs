//! Decorators: dagster's lifecycle markers (`@beta`, `@deprecated(...)`,
//! `@deprecated_param(...)`, `@public`, markers stored in variables, `**helper()` keyword
//! arguments) and the member kinds (`@property`, `@classmethod`, `@staticmethod`) they give a
//! function.

use std::collections::HashMap;

use super::analyzer::Analyzer;
use super::definitions::{mark_hidden, normalize, thin_forward};
use super::eval::{Eval, Locals, Val};
use super::index::Target;
use crate::catalog::model::{Kind, Marker, Object, Status};
use crate::syntax::view::{Expr, ExprKind, FunctionDef, Keywords};

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
pub(super) enum Decoration {
    Public,
    Lifecycle(Marker),
    Param(String, Marker),
    Property,
    Classmethod,
    Staticmethod,
    Other,
}

impl<'a> Analyzer<'_, 'a> {
    pub(super) fn decoration(&mut self, module: &str, decorator: Expr) -> Decoration {
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
    pub(super) fn eval_str(&self, module: &str, e: Expr) -> Option<String> {
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
    pub(super) fn function(
        &mut self,
        module: &str,
        def: FunctionDef,
        default_kind: Kind,
    ) -> Object {
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
}
