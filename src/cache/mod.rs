//! The results cache: what the checker found in a file, by the hash of the file's content, so
//! that an unchanged file is not parsed again (`.dagster-api-lint_cache/` in the project
//! root like ruff's `.ruff_cache/`, see [`crate::project::Project::cache_dir`]; `--no-cache`
//! turns it off).
//!
//! **What a result depends on, and so the key.** [`crate::check::Checker::check_source`] is a
//! function of the source text, of the package the file belongs to (a package's references to
//! itself are not judged) and of the checker: the tool version (and a hash of the tool's own
//! source code, so that two builds of one version never share results), the catalogs (package,
//! version and a hash of each catalog's content), the checker's settings (extra packages) and
//! the target version of upgrade planning. The checker's
//! [`fingerprint`](crate::check::Checker::fingerprint) of all of those names the cache file
//! (`<tool version>/<fingerprint>`), and inside it each entry is keyed by
//! [`cache_key`](crate::check::Checker::cache_key): the 128-bit XXH3 hash of the file's package
//! and text. What is cached is the checker's raw output (every field of each finding,
//! severity included: upgrade planning escalates some) before the user's rule selection,
//! per-file ignores, severities and `# noqa` are applied, so those settings are applied afresh
//! on every run and cannot make an entry stale; the file name is not stored either (it labels
//! the diagnostics when they are re-emitted), so a moved or copied file hits.
//!
//! **Skipping the read.** Hashing a file needs its bytes, and reading every file of a large
//! project costs more than anything else a warm run does. So the cache also remembers, per file
//! path (by the path's 128-bit hash), the file's [`Stamp`] (size, modification and change
//! times, inode) when it was read and what the read found: the content hash, or that the file
//! never mentions a tracked package.
//! A file whose stamp is unchanged is not read again. Like git's index, a stamp is trusted
//! only when the file was last changed at least [`RACY_SECS`](stamp::RACY_SECS) seconds before it was read, so
//! that an edit in the same clock tick as a read (same size, same times) is never missed; such
//! a file is read and hashed as if unknown. The content key still includes the file's package,
//! recomputed on every run, so adding an `__init__.py` above a file is noticed too.
//!
//! **Robustness.** The file is written to a temporary file in the same directory and renamed
//! over the old one, so a reader sees the old or the new cache, never a half-written one. A
//! file that is truncated, corrupt (its trailing checksum does not match) or of another format
//! is ignored as if absent and replaced on the next write. Entries unused for
//! [`KEEP_DAYS`](store::KEEP_DAYS) days are dropped when the cache is written.
//!
//! Layout: `store` holds the cache of a run, `codec` its file format, `records` what both
//! share, `stamp` the file stamps, `dir` the cache directory.

mod codec;
mod dir;
mod records;
mod store;
#[cfg(test)]
mod tests;

pub use dir::{check_dir, create_dir, DIR_NAME};
pub use records::{content_hash, Content};
pub use store::{Cache, Update};
