//! A borrowed view of ruff's syntax tree in the small shape the resolver works on.
//!
//! Each handle (`Stmt`, `Expr`, `Suite`, ...) is a copyable reference into the parsed tree, and
//! [`Stmt::kind`] / [`Expr::kind`] answer in the shape of imports, definitions with their
//! decorators and parameters, assignments, scopes, names, attribute chains, calls with keywords
//! and string constants; everything else is [`ExprKind::Other`] / [`StmtKind::Other`] with its
//! children, so no reference is lost. Nothing is copied: checking a file walks ruff's tree
//! once, where building an owned copy first cost about a fifth of a parse. This file and
//! `mod.rs` are the only code that knows ruff's node types.

use ruff_python_ast as ast;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_text_size::TextRange;
use smallvec::SmallVec;

use super::Span;

fn span(range: TextRange) -> Span {
    Span {
        start: range.start().to_u32(),
        end: range.end().to_u32(),
    }
}

/// The span every span of a relocated expression (one parsed from a string annotation) is
/// reported at; [`At::NONE`] for an expression of the file itself.
#[derive(Clone, Copy, PartialEq, Eq)]
struct At(Span);

impl At {
    const NONE: At = At(Span {
        start: u32::MAX,
        end: u32::MAX,
    });

    /// The span to report for a node with `range`.
    fn or(self, range: TextRange) -> Span {
        if self == At::NONE {
            span(range)
        } else {
            self.0
        }
    }
}

/// Child expressions gathered for [`ExprKind::Other`] and [`StmtKind::Other`] (most nodes have
/// at most a few, kept inline).
pub type Children<'a> = SmallVec<[Expr<'a>; 4]>;

/// A block of statements.
#[derive(Clone, Copy)]
pub struct Suite<'a>(&'a [ast::Stmt]);

impl<'a> Suite<'a> {
    pub(super) fn new(stmts: &'a [ast::Stmt]) -> Suite<'a> {
        Suite(stmts)
    }

    /// The statements in order.
    pub fn iter(self) -> impl Iterator<Item = Stmt<'a>> {
        self.0.iter().map(Stmt)
    }
}

/// A statement.
#[derive(Clone, Copy)]
pub struct Stmt<'a>(&'a ast::Stmt);

/// What a statement is, as far as resolution cares.
pub enum StmtKind<'a> {
    /// `import a.b as c, d`.
    Import {
        /// The imported modules.
        aliases: Aliases<'a>,
    },
    /// `from .module import X as Y`.
    ImportFrom {
        /// Module path without the leading dots.
        module: Option<&'a str>,
        /// Number of leading dots.
        level: u32,
        /// The imported names.
        aliases: Aliases<'a>,
    },
    /// A `def` (sync or async).
    FunctionDef(FunctionDef<'a>),
    /// A `class`.
    ClassDef(ClassDef<'a>),
    /// `a = b = value`, `a: T = value`, `a += value`.
    Assign {
        /// Assigned targets (names, attributes, tuples, ...).
        targets: Exprs<'a>,
        /// Annotation of an annotated assignment.
        annotation: Option<Expr<'a>>,
        /// Assigned value.
        value: Option<Expr<'a>>,
        /// True for augmented assignment (`+=`), whose target is also read.
        augmented: bool,
    },
    /// `for target in iter: body else: orelse`.
    For {
        /// Loop target.
        target: Expr<'a>,
        /// Iterated expression.
        iter: Expr<'a>,
        /// Loop body.
        body: Suite<'a>,
        /// `else` body.
        orelse: Suite<'a>,
    },
    /// `with a as b, c: body`.
    With {
        /// Context expressions and their optional `as` targets.
        items: WithItems<'a>,
        /// Body.
        body: Suite<'a>,
    },
    /// `if test: body elif ...: ... else: ...`.
    If {
        /// Condition.
        test: Expr<'a>,
        /// Body when true.
        body: Suite<'a>,
        /// The `elif` (with a test) and `else` (without) clauses in order.
        clauses: ElseClauses<'a>,
    },
    /// `try: body except ...: ... else: orelse finally: finalbody`.
    Try {
        /// Guarded body.
        body: Suite<'a>,
        /// Handlers.
        handlers: Handlers<'a>,
        /// `else` body.
        orelse: Suite<'a>,
        /// `finally` body.
        finalbody: Suite<'a>,
    },
    /// `return value`.
    Return(Option<Expr<'a>>),
    /// `global a, b` or `nonlocal a, b`.
    Global(Names<'a>),
    /// Any other statement: the expressions it reads and the blocks it contains.
    Other {
        /// Expressions read by the statement.
        exprs: Children<'a>,
        /// Nested blocks (while body, match cases, ...).
        bodies: SmallVec<[Suite<'a>; 2]>,
    },
}

impl<'a> Stmt<'a> {
    /// What the statement is.
    pub fn kind(self) -> StmtKind<'a> {
        let plain = |e: &'a ast::Expr| Expr::new(e);
        match self.0 {
            ast::Stmt::Import(i) => StmtKind::Import {
                aliases: Aliases(&i.names),
            },
            ast::Stmt::ImportFrom(i) => StmtKind::ImportFrom {
                module: i.module.as_ref().map(|m| m.as_str()),
                level: i.level,
                aliases: Aliases(&i.names),
            },
            ast::Stmt::FunctionDef(f) => StmtKind::FunctionDef(FunctionDef(f)),
            ast::Stmt::ClassDef(c) => StmtKind::ClassDef(ClassDef(c)),
            ast::Stmt::Assign(a) => StmtKind::Assign {
                targets: Exprs::new(&a.targets),
                annotation: None,
                value: Some(plain(&a.value)),
                augmented: false,
            },
            ast::Stmt::AnnAssign(a) => StmtKind::Assign {
                targets: Exprs::new(std::slice::from_ref(&*a.target)),
                annotation: Some(plain(&a.annotation)),
                value: a.value.as_deref().map(plain),
                augmented: false,
            },
            ast::Stmt::AugAssign(a) => StmtKind::Assign {
                targets: Exprs::new(std::slice::from_ref(&*a.target)),
                annotation: None,
                value: Some(plain(&a.value)),
                augmented: true,
            },
            ast::Stmt::For(f) => StmtKind::For {
                target: plain(&f.target),
                iter: plain(&f.iter),
                body: Suite(&f.body),
                orelse: Suite(&f.orelse),
            },
            ast::Stmt::With(w) => StmtKind::With {
                items: WithItems(&w.items),
                body: Suite(&w.body),
            },
            ast::Stmt::If(i) => StmtKind::If {
                test: plain(&i.test),
                body: Suite(&i.body),
                clauses: ElseClauses(&i.elif_else_clauses),
            },
            ast::Stmt::Try(t) => StmtKind::Try {
                body: Suite(&t.body),
                handlers: Handlers(&t.handlers),
                orelse: Suite(&t.orelse),
                finalbody: Suite(&t.finalbody),
            },
            ast::Stmt::Return(r) => StmtKind::Return(r.value.as_deref().map(plain)),
            ast::Stmt::Global(g) => StmtKind::Global(Names(&g.names)),
            ast::Stmt::Nonlocal(n) => StmtKind::Global(Names(&n.names)),
            ast::Stmt::While(w) => StmtKind::Other {
                exprs: SmallVec::from_iter([plain(&w.test)]),
                bodies: SmallVec::from_iter([Suite(&w.body), Suite(&w.orelse)]),
            },
            ast::Stmt::Match(m) => {
                let mut collector = Collector::new(At::NONE);
                collector.0.push(plain(&m.subject));
                for case in &m.cases {
                    collector.visit_pattern(&case.pattern);
                    if let Some(guard) = &case.guard {
                        collector.visit_expr(guard);
                    }
                }
                StmtKind::Other {
                    exprs: collector.0,
                    bodies: m.cases.iter().map(|c| Suite(&c.body)).collect(),
                }
            }
            // A string literal on its own (a docstring) holds no reference.
            ast::Stmt::Expr(e) if e.value.is_string_literal_expr() => StmtKind::Other {
                exprs: SmallVec::new(),
                bodies: SmallVec::new(),
            },
            ast::Stmt::Expr(e) => StmtKind::Other {
                exprs: SmallVec::from_iter([plain(&e.value)]),
                bodies: SmallVec::new(),
            },
            other => {
                // Raise, assert, del, type aliases, pass, ...: the expressions they contain.
                let mut collector = Collector::new(At::NONE);
                visitor::walk_stmt(&mut collector, other);
                StmtKind::Other {
                    exprs: collector.0,
                    bodies: SmallVec::new(),
                }
            }
        }
    }
}

impl<'a> StmtKind<'a> {
    /// Calls `f` with each block of statements nested in this statement that belongs to the
    /// same scope: the suites of `if` (every clause), `for`, `while`, `with`, `try` (handlers
    /// included) and `match`; not the body of a `def` or `class`.
    pub fn for_each_block(&self, mut f: impl FnMut(Suite<'a>)) {
        match self {
            StmtKind::For { body, orelse, .. } => {
                f(*body);
                f(*orelse);
            }
            StmtKind::If { body, clauses, .. } => {
                f(*body);
                clauses.iter().for_each(|(_, body)| f(body));
            }
            StmtKind::With { body, .. } => f(*body),
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                f(*body);
                handlers.iter().for_each(|h| f(h.body));
                f(*orelse);
                f(*finalbody);
            }
            StmtKind::Other { bodies, .. } => bodies.iter().copied().for_each(f),
            _ => {}
        }
    }
}

/// Collects the direct child expressions of a node (relocated like their parent).
struct Collector<'a>(Children<'a>, At);

impl Collector<'_> {
    fn new(at: At) -> Self {
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

/// The names of a `global` or `nonlocal` statement.
#[derive(Clone, Copy)]
pub struct Names<'a>(&'a [ast::Identifier]);

impl<'a> Names<'a> {
    /// The names in order.
    pub fn iter(self) -> impl Iterator<Item = &'a str> {
        self.0.iter().map(|n| n.as_str())
    }
}

/// One `name` or `name as alias` of an import statement.
#[derive(Clone, Copy)]
pub struct ImportAlias<'a> {
    /// The imported dotted name (`a.b` in `import a.b`, `X` in `from m import X`, `*` for a star).
    pub name: &'a str,
    /// The `as` name, if any.
    pub asname: Option<&'a str>,
    /// Range of the whole alias (`X as Y`).
    pub span: Span,
}

/// The aliases of an import statement.
#[derive(Clone, Copy)]
pub struct Aliases<'a>(&'a [ast::Alias]);

impl<'a> Aliases<'a> {
    /// The aliases in order.
    pub fn iter(self) -> impl Iterator<Item = ImportAlias<'a>> {
        self.0.iter().map(|a| ImportAlias {
            name: a.name.as_str(),
            asname: a.asname.as_ref().map(|n| n.as_str()),
            span: span(a.range),
        })
    }
}

/// The items of a `with` statement: each context expression with its optional target.
#[derive(Clone, Copy)]
pub struct WithItems<'a>(&'a [ast::WithItem]);

impl<'a> WithItems<'a> {
    /// The items in order.
    pub fn iter(self) -> impl Iterator<Item = (Expr<'a>, Option<Expr<'a>>)> {
        self.0.iter().map(|i| {
            (
                Expr::new(&i.context_expr),
                i.optional_vars.as_deref().map(Expr::new),
            )
        })
    }
}

/// The `elif` and `else` clauses of an `if`.
#[derive(Clone, Copy)]
pub struct ElseClauses<'a>(&'a [ast::ElifElseClause]);

impl<'a> ElseClauses<'a> {
    /// Each clause's test (`None` for `else`) and body, in order.
    pub fn iter(self) -> impl Iterator<Item = (Option<Expr<'a>>, Suite<'a>)> {
        self.0
            .iter()
            .map(|c| (c.test.as_ref().map(Expr::new), Suite(&c.body)))
    }
}

/// An `except` clause.
#[derive(Clone, Copy)]
pub struct ExceptHandler<'a> {
    /// The exception type expression.
    pub type_: Option<Expr<'a>>,
    /// The `as` name.
    pub name: Option<&'a str>,
    /// Handler body.
    pub body: Suite<'a>,
}

/// The `except` clauses of a `try`.
#[derive(Clone, Copy)]
pub struct Handlers<'a>(&'a [ast::ExceptHandler]);

impl<'a> Handlers<'a> {
    /// The handlers in order.
    pub fn iter(self) -> impl Iterator<Item = ExceptHandler<'a>> {
        self.0.iter().map(|h| {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            ExceptHandler {
                type_: h.type_.as_deref().map(Expr::new),
                name: h.name.as_ref().map(|n| n.as_str()),
                body: Suite(&h.body),
            }
        })
    }
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
    parameters: Option<&'a ast::Parameters>,
    at: At,
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

fn decorators(list: &[ast::Decorator]) -> impl Iterator<Item = Expr<'_>> {
    list.iter().map(|d| Expr::new(&d.expression))
}

/// `def name(params) -> returns: body`.
#[derive(Clone, Copy)]
pub struct FunctionDef<'a>(&'a ast::StmtFunctionDef);

impl<'a> FunctionDef<'a> {
    /// Function name.
    pub fn name(self) -> &'a str {
        self.0.name.as_str()
    }
    /// Decorator expressions, top first.
    pub fn decorators(self) -> impl Iterator<Item = Expr<'a>> {
        decorators(&self.0.decorator_list)
    }
    /// Parameters in order.
    pub fn params(self) -> Params<'a> {
        Params {
            parameters: Some(&self.0.parameters),
            at: At::NONE,
        }
    }
    /// Return annotation.
    pub fn returns(self) -> Option<Expr<'a>> {
        self.0.returns.as_deref().map(Expr::new)
    }
    /// Function body.
    pub fn body(self) -> Suite<'a> {
        Suite(&self.0.body)
    }
}

/// `class name(bases, keywords): body`.
#[derive(Clone, Copy)]
pub struct ClassDef<'a>(&'a ast::StmtClassDef);

impl<'a> ClassDef<'a> {
    /// Class name.
    pub fn name(self) -> &'a str {
        self.0.name.as_str()
    }
    /// Decorator expressions, top first.
    pub fn decorators(self) -> impl Iterator<Item = Expr<'a>> {
        decorators(&self.0.decorator_list)
    }
    /// Positional base expressions.
    pub fn bases(self) -> Exprs<'a> {
        Exprs::new(self.0.arguments.as_deref().map_or(&[], |a| &a.args))
    }
    /// Keyword arguments of the class statement (`metaclass=...`).
    pub fn keywords(self) -> Keywords<'a> {
        Keywords {
            nodes: self.0.arguments.as_deref().map_or(&[], |a| &a.keywords),
            at: At::NONE,
        }
    }
    /// Class body.
    pub fn body(self) -> Suite<'a> {
        Suite(&self.0.body)
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
    nodes: &'a [ast::Keyword],
    at: At,
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
    fn new(nodes: &'a [ast::Expr]) -> Exprs<'a> {
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
    node: &'a ast::Expr,
    at: At,
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

    pub(super) fn relocated(node: &'a ast::Expr, at: Span) -> Expr<'a> {
        Expr { node, at: At(at) }
    }

    fn child(self, node: &'a ast::Expr) -> Expr<'a> {
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
