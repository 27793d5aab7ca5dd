//! Statements: [`Suite`], [`Stmt`] and what it is ([`StmtKind`]), with the handles its kinds
//! hold: import aliases, `with` items, `elif`/`else` clauses, exception handlers, and
//! function and class definitions.

use ruff_python_ast as ast;
use ruff_python_ast::visitor::{self, Visitor};
use smallvec::SmallVec;

use super::at::span;
use super::at::At;
use super::expr::{Children, Collector, Expr, Exprs, Keywords, Params};
use crate::syntax::Span;

/// A block of statements.
#[derive(Clone, Copy)]
pub struct Suite<'a>(&'a [ast::Stmt]);

impl<'a> Suite<'a> {
    pub(in crate::syntax) fn new(stmts: &'a [ast::Stmt]) -> Suite<'a> {
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
