//! The gate before parsing: a byte scan that decides whether a file can hold a reference the
//! checker reports. Most files of a mixed repository never name a tracked package, and dagster's
//! own sources name only dagster; neither is parsed.
//!
//! Why skipping is sound: every reference the resolver emits starts at an import or a dotted
//! name whose first segment is a tracked package (`dagster`, `dagster_dbt`, ...), written in the
//! file as a whole identifier (in code, or in a string annotation). Source encodings are ASCII
//! compatible, so that identifier is a run of the file's bytes equal to the package's name with
//! no identifier byte on either side. A file without such a run for any tracked package has no
//! reference. In a module of a package whose catalog is closed (see
//! [`Checker::own_package_is_closed`]), references that start at the package itself are all its
//! own and never reported, so only the other tracked packages' names count. Syntax errors in a
//! file that is not parsed are not reported (as for any file that never mentions dagster).

use memchr::memmem::Finder;

use crate::check::Checker;
use crate::discovery::OwnPackage;

/// The scan a checker needs: one substring search per needle, then a look at the whole word
/// around each hit.
pub struct Gate<'c> {
    checker: &'c Checker,
    needles: Vec<Finder<'static>>,
}

impl<'c> Gate<'c> {
    /// The gate for `checker`'s tracked packages.
    pub fn new(checker: &'c Checker) -> Gate<'c> {
        Gate {
            checker,
            needles: checker
                .needles()
                .into_iter()
                .map(|n| Finder::new(n.as_bytes()).into_owned())
                .collect(),
        }
    }

    /// Which tracked packages `bytes`, the contents of a file of the package `own`, name.
    pub fn scan(&self, own: &OwnPackage, bytes: &[u8]) -> Scan {
        let mut hits = self.needles.iter().flat_map(|needle| {
            needle
                .find_iter(bytes)
                .map(|at| (at, needle.needle().len()))
        });
        let Some(first) = hits.next() else {
            return Scan::Untracked;
        };
        // Only now (most files that get here name a tracked package at the first hit) ask which
        // package the file belongs to.
        let own = own
            .get()
            .filter(|own| self.checker.own_package_is_closed(own));
        let mut scan = Scan::Untracked;
        for (at, len) in std::iter::once(first).chain(hits) {
            let word = word_around(bytes, at, at + len);
            match std::str::from_utf8(word) {
                Ok(w) if own == Some(w) => scan = Scan::OwnOnly,
                Ok(w) if self.checker.tracks_package(w) => return Scan::Tracked,
                _ => {}
            }
        }
        scan
    }

    /// True when the file must be parsed: [`Gate::scan`] finds a tracked package's name.
    pub fn admits(&self, own: &OwnPackage, bytes: &[u8]) -> bool {
        self.scan(own, bytes) == Scan::Tracked
    }
}

/// What a file names, as far as the gate can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    /// No tracked package: nothing to report, whatever package the file belongs to.
    Untracked,
    /// Only the closed package the file belongs to: nothing to report while it belongs to it.
    OwnOnly,
    /// Another tracked package: the file is parsed and checked.
    Tracked,
}

/// True for a byte that can be part of a Python identifier: ASCII letters, digits and `_`, and
/// every byte of a non-ASCII character. (A non-ASCII character that cannot be part of an
/// identifier cannot touch one either in valid Python, outside strings and comments.)
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The run of identifier bytes that contains `bytes[start..end]`.
fn word_around(bytes: &[u8], mut start: usize, mut end: usize) -> &[u8] {
    while start > 0 && is_word_byte(bytes[start - 1]) {
        start -= 1;
    }
    while end < bytes.len() && is_word_byte(bytes[end]) {
        end += 1;
    }
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::shipped;

    fn checker(packages: &[&str]) -> Checker {
        let catalogs = packages
            .iter()
            .map(|p| shipped::find(p, shipped::newest(p).unwrap()).unwrap())
            .collect();
        Checker::new(catalogs, vec![])
    }

    #[test]
    fn a_tracked_package_must_be_a_whole_word() {
        let checker = checker(&["dagster", "dagster_dbt"]);
        let gate = Gate::new(&checker);
        assert!(gate.admits(&OwnPackage::of("a.py"), b"import dagster as dg\n"));
        assert!(gate.admits(&OwnPackage::of("a.py"), b"from dagster.x import y\n"));
        assert!(gate.admits(
            &OwnPackage::of("a.py"),
            b"x: 'dagster_dbt.DbtCliResource'\n"
        ));
        assert!(gate.admits(&OwnPackage::of("a.py"), b"import os\nimport dagster"));
        // Other packages and longer identifiers are not tracked packages.
        assert!(!gate.admits(&OwnPackage::of("a.py"), b"import dagster_shared\n"));
        assert!(!gate.admits(&OwnPackage::of("a.py"), b"from dagster_graphql import x\n"));
        assert!(!gate.admits(&OwnPackage::of("a.py"), b"my_dagster = 1\ndagster2 = 2\n"));
        assert!(!gate.admits(&OwnPackage::of("a.py"), "dagsteré = 1\n".as_bytes()));
        assert_eq!(
            gate.scan(&OwnPackage::of("a.py"), b"import os\n"),
            Scan::Untracked
        );
        assert_eq!(
            gate.scan(&OwnPackage::of("a.py"), b"import dagster_shared\n"),
            Scan::Untracked
        );
    }

    #[test]
    fn a_closed_package_does_not_count_in_its_own_modules() {
        let tmp = tempfile::tempdir().unwrap();
        let inner = crate::discovery::make_package(tmp.path(), "dagster._core");
        let dbt = crate::discovery::make_package(tmp.path(), "dagster_dbt");
        let in_dagster = inner.join("x.py").to_string_lossy().into_owned();
        let in_dbt = dbt.join("x.py").to_string_lossy().into_owned();

        let checker = checker(&["dagster", "dagster_dbt", "dagster_pipes"]);
        let gate = Gate::new(&checker);
        assert!(checker.own_package_is_closed("dagster"));
        assert_eq!(
            gate.scan(
                &OwnPackage::of(&in_dagster),
                b"from dagster._core import x\n"
            ),
            Scan::OwnOnly
        );
        assert!(gate.admits(
            &OwnPackage::of(&in_dagster),
            b"from dagster import x\nimport dagster_pipes\n"
        ));
        // dagster_dbt's classes derive from dagster's: its modules can reach dagster members
        // through its own names, so naming only dagster_dbt still needs a parse.
        assert!(!checker.own_package_is_closed("dagster_dbt"));
        assert!(gate.admits(
            &OwnPackage::of(&in_dbt),
            b"from dagster_dbt.core import DbtCliResource\n"
        ));
        // Standard input belongs to no package.
        assert!(gate.admits(&OwnPackage::of("-"), b"from dagster._core import x\n"));
    }
}
