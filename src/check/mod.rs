//! The checker: resolves a module's references (see [`crate::resolve`]) and judges each one
//! against the selected catalogs, producing diagnostics. It is pure: given the package a file
//! belongs to (the caller finds it, see [`crate::discovery::top_package`]) and the file's
//! source, it returns findings, reading no file (its per-thread memo tables only save work).
//!
//! [`Checker`] (`checker`) holds the catalogs; `source` checks a module: `references` sends
//! each reference to the rule family that judges it (`paths`, `members`, `params`, with the
//! lifecycle markers of `markers`), `memo` remembers the verdicts, `own` spares a package its
//! own references, and `fixes` attaches the fixes the catalog proves right. `knowledge`
//! answers the resolver's questions and `lookup` serves editor hovers.

mod checker;
mod dotted;
mod findings;
mod fixes;
mod index;
mod knowledge;
mod lookup;
mod markers;
mod members;
mod memo;
mod own;
mod params;
mod paths;
mod references;
mod source;
#[cfg(test)]
mod tests;

pub use checker::Checker;
pub use lookup::Lookup;
