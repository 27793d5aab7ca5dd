//! Lowers ruff's syntax tree into [`super::tree`]. The only code that knows ruff's node types.

use ruff_python_ast as ast;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_text_size::{Ranged, TextRange};

use super::tree::*;

fn span(range: TextRange) -> Span {
    Span {
        start: range.start().to_u32(),
        end: range.end().to_u32(),
    }
}

/// Lowers a whole suite of statements.
pub(super) fn suite(stmts: &[ast::Stmt]) -> Vec<Stmt> {
    stmts.iter().map(stmt).collect()
}

fn aliases(names: &[ast::Alias]) -> Vec<ImportAlias> {
    names
        .iter()
        .map(|a| ImportAlias {
            name: Name::from(a.name.as_str()),
            asname: a.asname.as_ref().map(|n| Name::from(n.as_str())),
            span: span(a.range),
        })
        .collect()
}

fn params(parameters: &ast::Parameters) -> Vec<Param> {
    let with_default = |p: &ast::ParameterWithDefault| Param {
        name: Name::from(p.parameter.name.as_str()),
        annotation: p.parameter.annotation.as_deref().map(expr),
        default: p.default.as_deref().map(expr),
        variadic: false,
    };
    let variadic = |p: &ast::Parameter| Param {
        name: Name::from(p.name.as_str()),
        annotation: p.annotation.as_deref().map(expr),
        default: None,
        variadic: true,
    };
    let mut out: Vec<Param> = parameters
        .posonlyargs
        .iter()
        .chain(parameters.args.iter())
        .map(with_default)
        .collect();
    out.extend(parameters.vararg.as_deref().map(variadic));
    out.extend(parameters.kwonlyargs.iter().map(with_default));
    out.extend(parameters.kwarg.as_deref().map(variadic));
    out
}

fn keywords(keywords: &[ast::Keyword]) -> Vec<Keyword> {
    keywords
        .iter()
        .map(|k| Keyword {
            name: k.arg.as_ref().map(|n| Name::from(n.as_str())),
            value: expr(&k.value),
            span: span(k.range),
        })
        .collect()
}

fn stmt(s: &ast::Stmt) -> Stmt {
    match s {
        ast::Stmt::Import(i) => Stmt::Import {
            aliases: aliases(&i.names),
        },
        ast::Stmt::ImportFrom(i) => Stmt::ImportFrom {
            module: i.module.as_ref().map(|m| Name::from(m.as_str())),
            level: i.level,
            aliases: aliases(&i.names),
        },
        ast::Stmt::FunctionDef(f) => Stmt::FunctionDef(Box::new(FunctionDef {
            name: Name::from(f.name.as_str()),
            decorators: f
                .decorator_list
                .iter()
                .map(|d| expr(&d.expression))
                .collect(),
            params: params(&f.parameters),
            returns: f.returns.as_deref().map(expr),
            body: suite(&f.body),
        })),
        ast::Stmt::ClassDef(c) => {
            let (bases, kws) = match c.arguments.as_deref() {
                Some(args) => (
                    args.args.iter().map(expr).collect(),
                    keywords(&args.keywords),
                ),
                None => (Vec::new(), Vec::new()),
            };
            Stmt::ClassDef(Box::new(ClassDef {
                name: Name::from(c.name.as_str()),
                decorators: c
                    .decorator_list
                    .iter()
                    .map(|d| expr(&d.expression))
                    .collect(),
                bases,
                keywords: kws,
                body: suite(&c.body),
            }))
        }
        ast::Stmt::Assign(a) => Stmt::Assign {
            targets: a.targets.iter().map(expr).collect(),
            annotation: None,
            value: Some(expr(&a.value)),
            augmented: false,
        },
        ast::Stmt::AnnAssign(a) => Stmt::Assign {
            targets: vec![expr(&a.target)],
            annotation: Some(expr(&a.annotation)),
            value: a.value.as_deref().map(expr),
            augmented: false,
        },
        ast::Stmt::AugAssign(a) => Stmt::Assign {
            targets: vec![expr(&a.target)],
            annotation: None,
            value: Some(expr(&a.value)),
            augmented: true,
        },
        ast::Stmt::For(f) => Stmt::For {
            target: expr(&f.target),
            iter: expr(&f.iter),
            body: suite(&f.body),
            orelse: suite(&f.orelse),
        },
        ast::Stmt::With(w) => Stmt::With {
            items: w
                .items
                .iter()
                .map(|i| (expr(&i.context_expr), i.optional_vars.as_deref().map(expr)))
                .collect(),
            body: suite(&w.body),
        },
        ast::Stmt::If(i) => {
            // Fold `elif`/`else` clauses from the last one backwards into nested ifs.
            let mut orelse = Vec::new();
            for clause in i.elif_else_clauses.iter().rev() {
                let body = suite(&clause.body);
                orelse = match &clause.test {
                    Some(test) => vec![Stmt::If {
                        test: expr(test),
                        body,
                        orelse,
                    }],
                    None => body,
                };
            }
            Stmt::If {
                test: expr(&i.test),
                body: suite(&i.body),
                orelse,
            }
        }
        ast::Stmt::Try(t) => Stmt::Try {
            body: suite(&t.body),
            handlers: t
                .handlers
                .iter()
                .map(|h| {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    ExceptHandler {
                        type_: h.type_.as_deref().map(expr),
                        name: h.name.as_ref().map(|n| Name::from(n.as_str())),
                        body: suite(&h.body),
                    }
                })
                .collect(),
            orelse: suite(&t.orelse),
            finalbody: suite(&t.finalbody),
        },
        ast::Stmt::Return(r) => Stmt::Return(r.value.as_deref().map(expr)),
        ast::Stmt::Global(g) => {
            Stmt::Global(g.names.iter().map(|n| Name::from(n.as_str())).collect())
        }
        ast::Stmt::Nonlocal(n) => {
            Stmt::Global(n.names.iter().map(|n| Name::from(n.as_str())).collect())
        }
        ast::Stmt::While(w) => Stmt::Other {
            exprs: vec![expr(&w.test)],
            bodies: vec![suite(&w.body), suite(&w.orelse)],
        },
        ast::Stmt::Match(m) => {
            let mut exprs = vec![expr(&m.subject)];
            let mut collector = Children::default();
            for case in &m.cases {
                collector.visit_pattern(&case.pattern);
                if let Some(guard) = &case.guard {
                    collector.visit_expr(guard);
                }
            }
            exprs.append(&mut collector.0);
            Stmt::Other {
                exprs,
                bodies: m.cases.iter().map(|c| suite(&c.body)).collect(),
            }
        }
        // A string literal on its own (a docstring) holds no reference: not copied.
        ast::Stmt::Expr(e) if e.value.is_string_literal_expr() => Stmt::Other {
            exprs: Vec::new(),
            bodies: Vec::new(),
        },
        other => {
            // Expression statements, raise, assert, del, type aliases, pass, ...: keep the
            // expressions they contain.
            let mut collector = Children::default();
            visitor::walk_stmt(&mut collector, other);
            Stmt::Other {
                exprs: collector.0,
                bodies: Vec::new(),
            }
        }
    }
}

/// Collects the lowered direct child expressions of a node.
#[derive(Default)]
struct Children(Vec<Expr>);

impl<'a> Visitor<'a> for Children {
    fn visit_expr(&mut self, e: &'a ast::Expr) {
        self.0.push(expr(e));
    }
    fn visit_stmt(&mut self, _: &'a ast::Stmt) {}
}

fn children(e: &ast::Expr) -> Vec<Expr> {
    let mut collector = Children::default();
    visitor::walk_expr(&mut collector, e);
    collector.0
}

/// Lowers an expression. Left-leaning operator chains (`a + b + ... + z`, tens of thousands of
/// terms in generated code) are flattened with a loop instead of recursion.
pub(super) fn expr(e: &ast::Expr) -> Expr {
    match e {
        ast::Expr::Name(n) => Expr::Name {
            id: Name::from(n.id.as_str()),
            span: span(n.range),
        },
        ast::Expr::Attribute(a) => Expr::Attribute {
            value: Box::new(expr(&a.value)),
            attr: Name::from(a.attr.as_str()),
            span: span(a.range),
        },
        ast::Expr::Call(c) => Expr::Call {
            func: Box::new(expr(&c.func)),
            args: c.arguments.args.iter().map(expr).collect(),
            keywords: keywords(&c.arguments.keywords),
            span: span(c.range()),
        },
        ast::Expr::StringLiteral(s) => Expr::Str {
            value: s.value.to_str().to_string(),
            span: span(s.range),
        },
        ast::Expr::Subscript(s) => Expr::Subscript {
            value: Box::new(expr(&s.value)),
            slice: Box::new(expr(&s.slice)),
            span: span(s.range),
        },
        ast::Expr::List(l) => Expr::Sequence {
            elts: l.elts.iter().map(expr).collect(),
            span: span(l.range),
        },
        ast::Expr::Tuple(t) => Expr::Sequence {
            elts: t.elts.iter().map(expr).collect(),
            span: span(t.range),
        },
        ast::Expr::Set(s) => Expr::Sequence {
            elts: s.elts.iter().map(expr).collect(),
            span: span(s.range),
        },
        ast::Expr::Dict(d) => Expr::Dict {
            items: d
                .items
                .iter()
                .map(|item| (item.key.as_ref().map(expr), expr(&item.value)))
                .collect(),
            span: span(d.range),
        },
        ast::Expr::Lambda(l) => Expr::Lambda {
            params: l.parameters.as_deref().map(params).unwrap_or_default(),
            body: Box::new(expr(&l.body)),
        },
        ast::Expr::ListComp(c) => comprehension(&c.generators, vec![expr(&c.elt)]),
        ast::Expr::SetComp(c) => comprehension(&c.generators, vec![expr(&c.elt)]),
        ast::Expr::Generator(c) => comprehension(&c.generators, vec![expr(&c.elt)]),
        ast::Expr::DictComp(c) => {
            let mut elts: Vec<Expr> = c.key.as_deref().map(expr).into_iter().collect();
            elts.push(expr(&c.value));
            comprehension(&c.generators, elts)
        }
        ast::Expr::Named(n) => Expr::Walrus {
            target: Box::new(expr(&n.target)),
            value: Box::new(expr(&n.value)),
        },
        ast::Expr::NoneLiteral(_)
        | ast::Expr::BooleanLiteral(_)
        | ast::Expr::NumberLiteral(_)
        | ast::Expr::BytesLiteral(_)
        | ast::Expr::EllipsisLiteral(_) => Expr::Constant {
            span: span(e.range()),
        },
        ast::Expr::BinOp(_) => {
            let mut rights = Vec::new();
            let mut current = e;
            while let ast::Expr::BinOp(b) = current {
                rights.push(&*b.right);
                current = &b.left;
            }
            let mut children = Vec::with_capacity(rights.len() + 1);
            children.push(expr(current));
            children.extend(rights.iter().rev().map(|r| expr(r)));
            Expr::Other {
                children,
                span: span(e.range()),
            }
        }
        _ => Expr::Other {
            children: children(e),
            span: span(e.range()),
        },
    }
}

fn comprehension(generators: &[ast::Comprehension], elts: Vec<Expr>) -> Expr {
    Expr::Comprehension {
        generators: generators
            .iter()
            .map(|g| Generator {
                target: expr(&g.target),
                iter: expr(&g.iter),
                ifs: g.ifs.iter().map(expr).collect(),
            })
            .collect(),
        elts,
    }
}
