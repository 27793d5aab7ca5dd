//! A borrowed view of ruff's syntax tree in the small shape the resolver works on.
//!
//! Each handle (`Stmt`, `Expr`, `Suite`, ...) is a copyable reference into the parsed tree, and
//! [`Stmt::kind`] / [`Expr::kind`] answer in the shape of imports, definitions with their
//! decorators and parameters, assignments, scopes, names, attribute chains, calls with keywords
//! and string constants; everything else is [`ExprKind::Other`] / [`StmtKind::Other`] with its
//! children, so no reference is lost. Nothing is copied: checking a file walks ruff's tree
//! once, where building an owned copy first cost about a fifth of a parse. The files of
//! this module and `syntax/mod.rs` are the only code that knows ruff's node types.
//!
//! Layout: `stmt` holds statements and definitions, `expr` expressions and the handles
//! their kinds hold, `queries` what an expression reads as, `at` the spans they report.

mod at;
mod expr;
mod queries;
mod stmt;

pub use expr::{Expr, ExprKind, Exprs, Keywords, Params, Shape};
pub use queries::StrPart;
pub use stmt::{Aliases, ClassDef, FunctionDef, Stmt, StmtKind, Suite};
