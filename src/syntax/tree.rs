//! The small syntax tree the rest of the tool works on.
//!
//! It keeps only what resolution and the catalog builder look at: imports, definitions with
//! their decorators and parameters, assignments, scopes, names, attribute chains, calls with
//! keywords and string constants. Everything else is folded into [`Expr::Other`] /
//! [`Stmt::Other`] with its children kept, so no reference is lost.

/// An identifier or other short text of the tree: stored inline up to 24 bytes, so that the
/// names of a file (most of what lowering copies) cost no allocation.
pub type Name = compact_str::CompactString;

/// A byte range in the source text (start inclusive, end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
}

/// A parsed Python module.
#[derive(Debug, Default)]
pub struct Module {
    /// Top-level statements.
    pub body: Vec<Stmt>,
}

/// One `name` or `name as alias` of an import statement.
#[derive(Debug, Clone)]
pub struct ImportAlias {
    /// The imported dotted name (`a.b` in `import a.b`, `X` in `from m import X`, `*` for a star).
    pub name: Name,
    /// The `as` name, if any.
    pub asname: Option<Name>,
    /// Range of the whole alias (`X as Y`).
    pub span: Span,
}

/// A function or class parameter.
#[derive(Debug)]
pub struct Param {
    /// Parameter name.
    pub name: Name,
    /// Annotation expression.
    pub annotation: Option<Expr>,
    /// Default value.
    pub default: Option<Expr>,
    /// `*args` or `**kwargs`.
    pub variadic: bool,
}

/// `def name(params) -> returns: body`.
#[derive(Debug)]
pub struct FunctionDef {
    /// Function name.
    pub name: Name,
    /// Decorator expressions, top first.
    pub decorators: Vec<Expr>,
    /// Parameters in order.
    pub params: Vec<Param>,
    /// Return annotation.
    pub returns: Option<Expr>,
    /// Function body.
    pub body: Vec<Stmt>,
}

/// `class name(bases, keywords): body`.
#[derive(Debug)]
pub struct ClassDef {
    /// Class name.
    pub name: Name,
    /// Decorator expressions, top first.
    pub decorators: Vec<Expr>,
    /// Positional base expressions.
    pub bases: Vec<Expr>,
    /// Keyword arguments of the class statement (`metaclass=...`).
    pub keywords: Vec<Keyword>,
    /// Class body.
    pub body: Vec<Stmt>,
}

/// An `except` clause.
#[derive(Debug)]
pub struct ExceptHandler {
    /// The exception type expression.
    pub type_: Option<Expr>,
    /// The `as` name.
    pub name: Option<Name>,
    /// Handler body.
    pub body: Vec<Stmt>,
}

/// A statement.
#[derive(Debug)]
pub enum Stmt {
    /// `import a.b as c, d`.
    Import {
        /// The imported modules.
        aliases: Vec<ImportAlias>,
    },
    /// `from .module import X as Y`.
    ImportFrom {
        /// Module path without the leading dots.
        module: Option<Name>,
        /// Number of leading dots.
        level: u32,
        /// The imported names.
        aliases: Vec<ImportAlias>,
    },
    /// A `def` (sync or async).
    FunctionDef(Box<FunctionDef>),
    /// A `class`.
    ClassDef(Box<ClassDef>),
    /// `a = b = value`, `a: T = value`, `a += value`.
    Assign {
        /// Assigned targets (names, attributes, tuples, ...).
        targets: Vec<Expr>,
        /// Annotation of an annotated assignment.
        annotation: Option<Expr>,
        /// Assigned value.
        value: Option<Expr>,
        /// True for augmented assignment (`+=`), whose target is also read.
        augmented: bool,
    },
    /// `for target in iter: body else: orelse`.
    For {
        /// Loop target.
        target: Expr,
        /// Iterated expression.
        iter: Expr,
        /// Loop body.
        body: Vec<Stmt>,
        /// `else` body.
        orelse: Vec<Stmt>,
    },
    /// `with a as b, c: body`.
    With {
        /// Context expressions and their optional `as` targets.
        items: Vec<(Expr, Option<Expr>)>,
        /// Body.
        body: Vec<Stmt>,
    },
    /// `if test: body else: orelse` (`elif` is a nested `If` in `orelse`).
    If {
        /// Condition.
        test: Expr,
        /// Body when true.
        body: Vec<Stmt>,
        /// Body when false.
        orelse: Vec<Stmt>,
    },
    /// `try: body except ...: ... else: orelse finally: finalbody`.
    Try {
        /// Guarded body.
        body: Vec<Stmt>,
        /// Handlers.
        handlers: Vec<ExceptHandler>,
        /// `else` body.
        orelse: Vec<Stmt>,
        /// `finally` body.
        finalbody: Vec<Stmt>,
    },
    /// `return value`.
    Return(Option<Expr>),
    /// `global a, b` or `nonlocal a, b`.
    Global(Vec<Name>),
    /// Any other statement: the expressions it reads and the blocks it contains.
    Other {
        /// Expressions read by the statement.
        exprs: Vec<Expr>,
        /// Nested blocks (while body, match cases, ...).
        bodies: Vec<Vec<Stmt>>,
    },
}

/// A keyword argument `name=value` (`**value` when `name` is `None`).
#[derive(Debug)]
pub struct Keyword {
    /// Keyword name.
    pub name: Option<Name>,
    /// Argument value.
    pub value: Expr,
    /// Range of `name=value`.
    pub span: Span,
}

/// One `for target in iter if cond` clause of a comprehension.
#[derive(Debug)]
pub struct Generator {
    /// Loop target.
    pub target: Expr,
    /// Iterated expression.
    pub iter: Expr,
    /// Conditions.
    pub ifs: Vec<Expr>,
}

/// An expression.
#[derive(Debug)]
pub enum Expr {
    /// A bare name.
    Name {
        /// The identifier.
        id: Name,
        /// Range.
        span: Span,
    },
    /// `value.attr`.
    Attribute {
        /// The object.
        value: Box<Expr>,
        /// Attribute name.
        attr: Name,
        /// Range of the whole expression.
        span: Span,
    },
    /// `func(args, keywords)`.
    Call {
        /// Callee.
        func: Box<Expr>,
        /// Positional arguments.
        args: Vec<Expr>,
        /// Keyword arguments.
        keywords: Vec<Keyword>,
        /// Range.
        span: Span,
    },
    /// A plain string literal (implicit concatenation joined).
    Str {
        /// The string value.
        value: String,
        /// Range.
        span: Span,
    },
    /// `value[slice]`.
    Subscript {
        /// Subscripted object.
        value: Box<Expr>,
        /// Index expression.
        slice: Box<Expr>,
        /// Range.
        span: Span,
    },
    /// A list, tuple or set display.
    Sequence {
        /// Elements.
        elts: Vec<Expr>,
        /// Range.
        span: Span,
    },
    /// A dict display; `None` keys are `**spread` entries.
    Dict {
        /// Key/value pairs.
        items: Vec<(Option<Expr>, Expr)>,
        /// Range.
        span: Span,
    },
    /// `lambda params: body`.
    Lambda {
        /// Parameters.
        params: Vec<Param>,
        /// Body.
        body: Box<Expr>,
    },
    /// A list/set/dict comprehension or generator expression.
    Comprehension {
        /// `for` clauses in order.
        generators: Vec<Generator>,
        /// The element expressions (key and value for dicts).
        elts: Vec<Expr>,
    },
    /// `target := value`.
    Walrus {
        /// Bound name.
        target: Box<Expr>,
        /// Value.
        value: Box<Expr>,
    },
    /// `None`, `True`, `False`, numbers, bytes, `...`.
    Constant {
        /// Range.
        span: Span,
    },
    /// Any other expression, with the expressions it contains.
    Other {
        /// Child expressions in source order.
        children: Vec<Expr>,
        /// Range.
        span: Span,
    },
}

impl Stmt {
    /// Calls `f` with each block of statements nested in this one that belongs to the same
    /// scope: the suites of `if`, `for`, `with` and `try` (handlers included) and those kept in
    /// [`Stmt::Other`] (`while`, `match`); not the body of a `def` or `class`.
    pub fn for_each_block<'s>(&'s self, mut f: impl FnMut(&'s [Stmt])) {
        match self {
            Stmt::For { body, orelse, .. } | Stmt::If { body, orelse, .. } => {
                f(body);
                f(orelse);
            }
            Stmt::With { body, .. } => f(body),
            Stmt::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                f(body);
                for h in handlers {
                    f(&h.body);
                }
                f(orelse);
                f(finalbody);
            }
            Stmt::Other { bodies, .. } => bodies.iter().for_each(|b| f(b)),
            _ => {}
        }
    }
}

impl Expr {
    /// The dotted name of a `Name` or a chain of attributes on a name (`a.b.c`).
    pub fn dotted_name(&self) -> Option<String> {
        match self {
            Expr::Name { id, .. } => Some(id.to_string()),
            Expr::Attribute { value, attr, .. } => {
                let mut base = value.dotted_name()?;
                base.push('.');
                base.push_str(attr);
                Some(base)
            }
            _ => None,
        }
    }

    /// The string value of a string literal.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Expr::Str { value, .. } => Some(value),
            _ => None,
        }
    }
}
