//! Annotations: the references in them (string annotations parsed only when they may name
//! something tracked) and the catalogued class they name.

use super::bound::Bound;
use super::scopes::Resolver;
use crate::syntax;
use crate::syntax::view::{Expr, ExprKind};

impl<'m> Resolver<'_, 'm> {
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

    pub(super) fn annotation_class(&self, annotation: Expr) -> Option<String> {
        self.annotation_class_in(annotation, self.current)
    }

    /// The catalogued class an annotation names: `X`, `"X"`, `Optional[X]`, `X | None`.
    pub(super) fn annotation_class_in(&self, annotation: Expr, scope: usize) -> Option<String> {
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

    pub(super) fn visit_annotation(&mut self, e: Expr) {
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
}
