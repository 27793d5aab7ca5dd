//! Expressions: [`Expr`] and what it is ([`ExprKind`]), with the handles its kinds hold:
//! arguments and keywords, dict items, comprehension clauses, lambda (and function)
//! parameters, and the children of every other expression.

use ruff_python_ast as ast;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_text_size::TextRange;
use smallvec::SmallVec;

use super::at::At;
use crate::syntax::Span;

/// Child expressions gathered for [`ExprKind::Other`] and [`StmtKind::Other`] (most nodes have
/// at most a few, kept inline).
pub type Children<'a> = SmallVec<[Expr<'a>; 4]>;

/// Collects the direct child expressions of a node (relocated like their parent).
pub(super) struct Collector<'a>(pub(super) Children<'a>, At);

impl Collector<'_> {
    pub(super) fn new(at: At) -> Self {
        Collector(SmallVec::new(), at)
    }
}

impl<'a> Visitor<'a> for Collector<'a> {
    fn visit_expr(&mut self, e: &'a ast::Expr) {
        self.0.push(Expr {
            node: e,
            at: self.1,
        });
    }
    fn visit_stmt(&mut self, _: &'a ast::Stmt) {}
}

/// A function or lambda parameter.
#[derive(Clone, Copy)]
pub struct Param<'a> {
    /// Parameter name.
    pub name: &'a str,
    /// Annotation expression.
    pub annotation: Option<Expr<'a>>,
    /// Default value.
    pub default: Option<Expr<'a>>,
    /// `*args` or `**kwargs`.
    pub variadic: bool,
}

/// The parameters of a function or lambda.
#[derive(Clone, Copy)]
pub struct Params<'a> {
    pub(super) parameters: Option<&'a ast::Parameters>,
    pub(super) at: At,
}

impl<'a> Params<'a> {
    /// The parameters in order: positional-only, positional, `*args`, keyword-only, `**kwargs`.
    pub fn iter(self) -> impl Iterator<Item = Param<'a>> {
        let at = self.at;
        let with_default = move |p: &'a ast::ParameterWithDefault| Param {
            name: p.parameter.name.as_str(),
            annotation: p
                .parameter
                .annotation
                .as_deref()
                .map(|e| Expr { node: e, at }),
            default: p.default.as_deref().map(|e| Expr { node: e, at }),
            variadic: false,
        };
        let variadic = move |p: &'a ast::Parameter| Param {
            name: p.name.as_str(),
            annotation: p.annotation.as_deref().map(|e| Expr { node: e, at }),
            default: None,
            variadic: true,
        };
        self.parameters.into_iter().flat_map(move |p| {
            p.posonlyargs
                .iter()
                .chain(p.args.iter())
                .map(with_default)
                .chain(p.vararg.as_deref().map(variadic))
                .chain(p.kwonlyargs.iter().map(with_default))
                .chain(p.kwarg.as_deref().map(variadic))
        })
    }
}

/// How a function's parameters may be passed (see [`Params::shape`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shape<'a> {
    /// The parameters that may be passed by position, in order (positional-only first).
    pub positional: Vec<&'a str>,
    /// The parameters that may be passed by keyword (not the positional-only ones).
    pub keyword: Vec<&'a str>,
    /// A `*args`.
    pub var_positional: bool,
    /// A `**kwargs`.
    pub var_keyword: bool,
    /// The parameters without a default value (not `*args` or `**kwargs`), in order.
    pub required: Vec<&'a str>,
}

impl<'a> Params<'a> {
    /// How the parameters may be passed.
    pub fn shape(self) -> Shape<'a> {
        let mut shape = Shape::default();
        if let Some(p) = self.parameters {
            let name = |p: &'a ast::ParameterWithDefault| p.parameter.name.as_str();
            shape.positional = p.posonlyargs.iter().chain(&p.args).map(name).collect();
            shape.keyword = p.args.iter().chain(&p.kwonlyargs).map(name).collect();
            shape.var_positional = p.vararg.is_some();
            shape.var_keyword = p.kwarg.is_some();
            shape.required = (p.posonlyargs.iter().chain(&p.args).chain(&p.kwonlyargs))
                .filter(|p| p.default.is_none())
                .map(name)
                .collect();
        }
        shape
    }
}

/// A keyword argument `name=value` (`**value` when `name` is `None`).
#[derive(Clone, Copy)]
pub struct Keyword<'a> {
    /// Keyword name.
    pub name: Option<&'a str>,
    /// Argument value.
    pub value: Expr<'a>,
    /// Range of `name=value`.
    pub span: Span,
}

/// The keyword arguments of a call or class statement.
#[derive(Clone, Copy)]
pub struct Keywords<'a> {
    pub(super) nodes: &'a [ast::Keyword],
    pub(super) at: At,
}

impl<'a> Keywords<'a> {
    /// The keywords in order.
    pub fn iter(self) -> impl Iterator<Item = Keyword<'a>> {
        let at = self.at;
        self.nodes.iter().map(move |k| Keyword {
            name: k.arg.as_ref().map(|n| n.as_str()),
            value: Expr { node: &k.value, at },
            span: at.or(k.range),
        })
    }
    /// True when there are none.
    pub fn is_empty(self) -> bool {
        self.nodes.is_empty()
    }
}

/// A list of expressions (arguments, elements, targets).
#[derive(Clone, Copy)]
pub struct Exprs<'a> {
    nodes: &'a [ast::Expr],
    at: At,
}

impl<'a> Exprs<'a> {
    pub(super) fn new(nodes: &'a [ast::Expr]) -> Exprs<'a> {
        Exprs {
            nodes,
            at: At::NONE,
        }
    }
    /// The expressions in order.
    pub fn iter(self) -> impl Iterator<Item = Expr<'a>> {
        let at = self.at;
        self.nodes.iter().map(move |node| Expr { node, at })
    }
    /// The expression at `index`.
    pub fn get(self, index: usize) -> Option<Expr<'a>> {
        self.nodes.get(index).map(|node| Expr { node, at: self.at })
    }
    /// The only expression, when there is exactly one.
    pub fn single(self) -> Option<Expr<'a>> {
        match self.nodes {
            [node] => Some(Expr { node, at: self.at }),
            _ => None,
        }
    }
}

/// One `for target in iter if cond` clause of a comprehension.
#[derive(Clone, Copy)]
pub struct Generator<'a> {
    /// Loop target.
    pub target: Expr<'a>,
    /// Iterated expression.
    pub iter: Expr<'a>,
    /// Conditions.
    pub ifs: Exprs<'a>,
}

/// The `for` clauses of a comprehension.
#[derive(Clone, Copy)]
pub struct Generators<'a>(&'a [ast::Comprehension]);

impl<'a> Generators<'a> {
    /// The clauses in order.
    pub fn iter(self) -> impl Iterator<Item = Generator<'a>> {
        self.0.iter().map(|g| Generator {
            target: Expr::new(&g.target),
            iter: Expr::new(&g.iter),
            ifs: Exprs::new(&g.ifs),
        })
    }
}

/// The entries of a dict display; `None` keys are `**spread` entries.
#[derive(Clone, Copy)]
pub struct DictItems<'a> {
    nodes: &'a [ast::DictItem],
    at: At,
}

impl<'a> DictItems<'a> {
    /// The key/value pairs in order.
    pub fn iter(self) -> impl Iterator<Item = (Option<Expr<'a>>, Expr<'a>)> {
        let at = self.at;
        self.nodes.iter().map(move |item| {
            (
                item.key.as_ref().map(|node| Expr { node, at }),
                Expr {
                    node: &item.value,
                    at,
                },
            )
        })
    }
}

/// The child expressions of an expression seen as [`ExprKind::Other`], gathered when iterated.
/// Left-leaning operator chains (`a + b + ... + z`, tens of thousands of terms in generated code)
/// give every operand, gathered with a loop instead of recursion.
#[derive(Clone, Copy)]
pub struct Others<'a>(Expr<'a>);

impl<'a> Others<'a> {
    fn gather(self) -> Children<'a> {
        let Others(e) = self;
        if let ast::Expr::BinOp(_) = e.node {
            let mut operands: Children<'a> = SmallVec::new();
            let mut current = e.node;
            while let ast::Expr::BinOp(b) = current {
                operands.push(e.child(&b.right));
                current = &b.left;
            }
            operands.push(e.child(current));
            operands.reverse();
            return operands;
        }
        let mut collector = Collector::new(e.at);
        visitor::walk_expr(&mut collector, e.node);
        collector.0
    }

    /// How many there are.
    pub fn count(self) -> usize {
        self.gather().len()
    }
}

impl<'a> IntoIterator for Others<'a> {
    type Item = Expr<'a>;
    type IntoIter = smallvec::IntoIter<[Expr<'a>; 4]>;

    fn into_iter(self) -> Self::IntoIter {
        self.gather().into_iter()
    }
}

/// An expression. One parsed from a string annotation is relocated: all its spans are the
/// string literal's (offsets inside a literal do not map back to the file when it has escapes
/// or prefixes).
#[derive(Clone, Copy)]
pub struct Expr<'a> {
    pub(super) node: &'a ast::Expr,
    pub(super) at: At,
}

/// What an expression is, as far as resolution cares.
pub enum ExprKind<'a> {
    /// A bare name.
    Name {
        /// The identifier.
        id: &'a str,
        /// Range.
        span: Span,
    },
    /// `value.attr`.
    Attribute {
        /// The object.
        value: Expr<'a>,
        /// Attribute name.
        attr: &'a str,
        /// Range of the whole expression.
        span: Span,
    },
    /// `func(args, keywords)`.
    Call {
        /// Callee.
        func: Expr<'a>,
        /// Positional arguments.
        args: Exprs<'a>,
        /// Keyword arguments.
        keywords: Keywords<'a>,
    },
    /// A plain string literal (implicit concatenation joined).
    Str {
        /// The string value.
        value: &'a str,
        /// Range.
        span: Span,
    },
    /// `value[slice]`.
    Subscript {
        /// Subscripted object.
        value: Expr<'a>,
        /// Index expression.
        slice: Expr<'a>,
    },
    /// A list, tuple or set display.
    Sequence {
        /// Elements.
        elts: Exprs<'a>,
    },
    /// A dict display.
    Dict {
        /// Key/value pairs.
        items: DictItems<'a>,
    },
    /// `lambda params: body`.
    Lambda {
        /// Parameters.
        params: Params<'a>,
        /// Body.
        body: Expr<'a>,
    },
    /// A list/set/dict comprehension or generator expression.
    Comprehension {
        /// `for` clauses in order.
        generators: Generators<'a>,
        /// The element expression (key and value for dicts).
        elts: [Option<Expr<'a>>; 2],
    },
    /// `target := value`.
    Walrus {
        /// Bound name.
        target: Expr<'a>,
        /// Value.
        value: Expr<'a>,
    },
    /// `None`, `True`, `False`, numbers, bytes, `...`.
    Constant,
    /// Any other expression, with the expressions it contains.
    Other {
        /// Child expressions in source order.
        children: Others<'a>,
    },
}

impl<'a> ExprKind<'a> {
    /// The elements of a list, tuple or set display, or the children of an
    /// [`ExprKind::Other`] (what an unpacking target or an annotation union is made of);
    /// nothing for any other kind.
    pub fn parts(self) -> Parts<'a> {
        Parts(match self {
            ExprKind::Sequence { elts } => PartsOf::Elements(elts.nodes.iter(), elts.at),
            ExprKind::Other { children } => PartsOf::Children(children.into_iter()),
            _ => PartsOf::Elements([].iter(), At::NONE),
        })
    }
}

/// The iterator of [`ExprKind::parts`].
pub struct Parts<'a>(PartsOf<'a>);

enum PartsOf<'a> {
    Elements(std::slice::Iter<'a, ast::Expr>, At),
    Children(smallvec::IntoIter<[Expr<'a>; 4]>),
}

impl<'a> Iterator for Parts<'a> {
    type Item = Expr<'a>;

    fn next(&mut self) -> Option<Expr<'a>> {
        match &mut self.0 {
            PartsOf::Elements(nodes, at) => nodes.next().map(|node| Expr { node, at: *at }),
            PartsOf::Children(children) => children.next(),
        }
    }
}

impl<'a> Expr<'a> {
    pub(super) fn new(node: &'a ast::Expr) -> Expr<'a> {
        Expr { node, at: At::NONE }
    }

    pub(in crate::syntax) fn relocated(node: &'a ast::Expr, at: Span) -> Expr<'a> {
        Expr { node, at: At(at) }
    }

    pub(super) fn child(self, node: &'a ast::Expr) -> Expr<'a> {
        Expr { node, at: self.at }
    }

    fn span_of(self, range: TextRange) -> Span {
        self.at.or(range)
    }

    /// What the expression is.
    pub fn kind(self) -> ExprKind<'a> {
        let at = self.at;
        match self.node {
            ast::Expr::Name(n) => ExprKind::Name {
                id: n.id.as_str(),
                span: self.span_of(n.range),
            },
            ast::Expr::Attribute(a) => ExprKind::Attribute {
                value: self.child(&a.value),
                attr: a.attr.as_str(),
                span: self.span_of(a.range),
            },
            ast::Expr::Call(c) => ExprKind::Call {
                func: self.child(&c.func),
                args: Exprs {
                    nodes: &c.arguments.args,
                    at,
                },
                keywords: Keywords {
                    nodes: &c.arguments.keywords,
                    at,
                },
            },
            ast::Expr::StringLiteral(s) => ExprKind::Str {
                value: s.value.to_str(),
                span: self.span_of(s.range),
            },
            ast::Expr::Subscript(s) => ExprKind::Subscript {
                value: self.child(&s.value),
                slice: self.child(&s.slice),
            },
            ast::Expr::List(ast::ExprList { elts, .. })
            | ast::Expr::Tuple(ast::ExprTuple { elts, .. })
            | ast::Expr::Set(ast::ExprSet { elts, .. }) => ExprKind::Sequence {
                elts: Exprs { nodes: elts, at },
            },
            ast::Expr::Dict(d) => ExprKind::Dict {
                items: DictItems {
                    nodes: &d.items,
                    at,
                },
            },
            // Lambdas, comprehensions and walruses cannot appear in a type annotation: in one
            // parsed from a string they are constants.
            ast::Expr::Lambda(_)
            | ast::Expr::ListComp(_)
            | ast::Expr::SetComp(_)
            | ast::Expr::Generator(_)
            | ast::Expr::DictComp(_)
            | ast::Expr::Named(_)
                if at != At::NONE =>
            {
                ExprKind::Constant
            }
            ast::Expr::Lambda(l) => ExprKind::Lambda {
                params: Params {
                    parameters: l.parameters.as_deref(),
                    at: At::NONE,
                },
                body: self.child(&l.body),
            },
            ast::Expr::ListComp(ast::ExprListComp {
                elt, generators, ..
            })
            | ast::Expr::SetComp(ast::ExprSetComp {
                elt, generators, ..
            })
            | ast::Expr::Generator(ast::ExprGenerator {
                elt, generators, ..
            }) => ExprKind::Comprehension {
                generators: Generators(generators),
                elts: [Some(self.child(elt)), None],
            },
            ast::Expr::DictComp(c) => ExprKind::Comprehension {
                generators: Generators(&c.generators),
                elts: [
                    c.key.as_deref().map(|k| self.child(k)),
                    Some(self.child(&c.value)),
                ],
            },
            ast::Expr::Named(n) => ExprKind::Walrus {
                target: self.child(&n.target),
                value: self.child(&n.value),
            },
            ast::Expr::NoneLiteral(_)
            | ast::Expr::BooleanLiteral(_)
            | ast::Expr::NumberLiteral(_)
            | ast::Expr::BytesLiteral(_)
            | ast::Expr::EllipsisLiteral(_) => ExprKind::Constant,
            _ => ExprKind::Other {
                children: Others(self),
            },
        }
    }
}
