//! What an expression reads as: a dotted name, a string, a constant, the parts of an
//! f-string, the operands of `+` and of `in`.

use ruff_python_ast as ast;

use super::expr::{Expr, ExprKind};

impl<'a> Expr<'a> {
    /// The dotted name of a `Name` or a chain of attributes on a name (`a.b.c`).
    pub fn dotted_name(self) -> Option<String> {
        match self.kind() {
            ExprKind::Name { id, .. } => Some(id.to_string()),
            ExprKind::Attribute { value, attr, .. } => {
                let mut base = value.dotted_name()?;
                base.push('.');
                base.push_str(attr);
                Some(base)
            }
            _ => None,
        }
    }

    /// The last name of a dotted name (`Literal` for `typing.Literal`, `X` for `X`), without
    /// building the dotted name; `None` when the expression is not one.
    pub fn last_name(self) -> Option<&'a str> {
        match self.kind() {
            ExprKind::Name { id, .. } => Some(id),
            ExprKind::Attribute { value, attr, .. } => value.last_name().map(|_| attr),
            _ => None,
        }
    }

    /// The string value of a string literal.
    pub fn as_str(self) -> Option<&'a str> {
        match self.kind() {
            ExprKind::Str { value, .. } => Some(value),
            _ => None,
        }
    }

    /// True for `None`, `True`, `False`, numbers, bytes and `...`.
    pub fn is_constant(self) -> bool {
        matches!(self.kind(), ExprKind::Constant)
    }

    /// The parts of an f-string in order: literal text and `{expr}` holes. `None` for anything
    /// else, and for an f-string with a conversion (`!r`), a format spec or a `{x=}` hole.
    pub fn fstring_parts(self) -> Option<Vec<StrPart<'a>>> {
        let ast::Expr::FString(f) = self.node else {
            return None;
        };
        let mut parts = Vec::new();
        for part in f.value.iter() {
            match part {
                ast::FStringPart::Literal(lit) => parts.push(StrPart::Text(&lit.value)),
                ast::FStringPart::FString(fs) => {
                    for element in &fs.elements {
                        match element {
                            ast::InterpolatedStringElement::Literal(lit) => {
                                parts.push(StrPart::Text(&lit.value))
                            }
                            ast::InterpolatedStringElement::Interpolation(hole) => {
                                if hole.conversion != ast::ConversionFlag::None
                                    || hole.format_spec.is_some()
                                    || hole.debug_text.is_some()
                                {
                                    return None;
                                }
                                parts.push(StrPart::Hole(self.child(&hole.expression)));
                            }
                        }
                    }
                }
            }
        }
        Some(parts)
    }

    /// The two operands of `left + right`.
    pub fn addition(self) -> Option<(Expr<'a>, Expr<'a>)> {
        match self.node {
            ast::Expr::BinOp(b) if b.op == ast::Operator::Add => {
                Some((self.child(&b.left), self.child(&b.right)))
            }
            _ => None,
        }
    }

    /// `item in container` (`negated`: `not in`), a single comparison: `(item, container, negated)`.
    pub fn membership(self) -> Option<(Expr<'a>, Expr<'a>, bool)> {
        let ast::Expr::Compare(c) = self.node else {
            return None;
        };
        let ([op], [container]) = (&*c.ops, &*c.comparators) else {
            return None;
        };
        let negated = match op {
            ast::CmpOp::In => false,
            ast::CmpOp::NotIn => true,
            _ => return None,
        };
        Some((self.child(&c.left), self.child(container), negated))
    }
}

/// A piece of an f-string ([`Expr::fstring_parts`]).
#[derive(Clone, Copy)]
pub enum StrPart<'a> {
    /// Literal text.
    Text(&'a str),
    /// A `{expr}` hole.
    Hole(Expr<'a>),
}
