//! The checker: resolves a module's references (see [`crate::resolve`]) and judges each one
//! against the selected catalogs, producing diagnostics. It is pure: given the package a file
//! belongs to (its caller finds it, from the file's folders) and the file's source, it returns
//! findings, reading no file (its per-thread memo tables only save work).
//!
//! [`Checker`] (`checker`) holds the catalogs; `source` checks a module: `dispatch` sends
//! each reference to the rule family that judges it (`path_findings`, `member_findings`,
//! `param_findings`, with the lifecycle markers of `status_findings`), `memo` remembers the
//! findings, `own` spares a package its own references, and `fixes` attaches the fixes the
//! catalog proves right. `dotted` and `catalog_index` are the path look-ups they share;
//! `knowledge` answers the resolver's questions and `lookup` serves editor hovers.

mod catalog_index;
mod checker;
mod dispatch;
mod dotted;
mod findings;
mod fixes;
mod knowledge;
mod lookup;
mod member_findings;
mod memo;
mod own;
mod param_findings;
mod path_findings;
mod source;
mod status_findings;
#[cfg(test)]
mod tests;

pub use checker::Checker;
pub use lookup::Lookup;
