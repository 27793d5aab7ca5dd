//! Name resolution: which expressions of a module refer to dagster (or a catalogued integration
//! library), and by which dotted path.
//!
//! The resolver walks the tree with Python's scoping rules (module, class, function, lambda and
//! comprehension scopes; function bodies resolved after their enclosing scope, so later
//! module-level imports are visible in them; names assigned anywhere in a function are local to
//! all of it) and emits a [`Reference`] for every import of, and every use of a binding to, a
//! tracked package. It also infers which catalogued class a local variable holds (parameters
//! annotated with a dagster class, the injected `context` of `@asset` and friends, variables
//! assigned from constructors or from functions whose return type the catalog records), so that
//! members used on those objects are references too.
//!
//! Layout: `reference` holds what is reported, `scopes` the scope chain and the entry point,
//! `imports`, `statements`, `expressions` and `annotations` the walk, `bound` what names are
//! bound to.

mod annotations;
mod bound;
mod expressions;
mod imports;
mod reference;
mod scopes;
mod statements;
#[cfg(test)]
mod tests;

pub use reference::{Knowledge, RefKind, Reference, Target};
pub use scopes::resolve;
