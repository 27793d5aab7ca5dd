//! The catalogs shipped inside the binary: one history per package (generated from
//! `api-catalog/` at build time in the compact form of [`super::compact`]), decoded lazily:
//! a package's history is indexed the first time one of its releases is asked for, and each
//! release's catalog is made once per process.

use std::cmp::Ordering;
use std::str::FromStr;
use std::sync::OnceLock;

use pep440_rs::Version;

use super::compact::HistoryIndex;
use super::Catalog;

include!(concat!(env!("OUT_DIR"), "/shipped_catalogs.rs"));

/// Compares version strings in PEP 440 order (`1.10.0` > `1.9.13`, `1.0rc1` < `1.0`, `1.13` ==
/// `1.13.0`); a string that is not a version sorts before every version, and by text among
/// such strings.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    match (Version::from_str(a), Version::from_str(b)) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => Ordering::Greater,
        (Err(_), Ok(_)) => Ordering::Less,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

/// Packages that have a shipped history, in name order.
pub fn packages() -> Vec<&'static str> {
    SHIPPED.iter().map(|(p, ..)| *p).collect()
}

fn package_index(package: &str) -> Option<usize> {
    SHIPPED.iter().position(|(p, ..)| *p == package)
}

/// The decoded index of package number `p` (once per process).
fn history(p: usize) -> &'static HistoryIndex {
    static INDEXES: OnceLock<Vec<OnceLock<HistoryIndex>>> = OnceLock::new();
    let cells = INDEXES.get_or_init(|| SHIPPED.iter().map(|_| OnceLock::new()).collect());
    cells[p].get_or_init(|| {
        let (text, data) = SHIPPED[p].2;
        HistoryIndex::decode(text, data).expect("shipped histories are valid (tested)")
    })
}

/// The shipped history of `package`, indexed (once per process).
pub fn history_of(package: &str) -> Option<&'static HistoryIndex> {
    package_index(package).map(history)
}

/// Where `version` falls among the releases of `history`: its index when it is one, else the
/// index of the nearest older release (`None` before the first).
fn position(history: &HistoryIndex, version: &str) -> Option<usize> {
    if let Some(i) = history.releases.iter().position(|r| *r == version) {
        return Some(i);
    }
    history
        .releases
        .iter()
        .rposition(|r| compare_versions(r, version).is_lt())
}

/// What the history says of a path that the catalog of `version` does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Absence {
    /// A later release added it (the first that has it).
    NotYet(&'static str),
    /// An earlier release removed it: (the release that removed it, the first that had it).
    Removed(&'static str, &'static str),
    /// No release has it; names that some release has and that look like it.
    Never(Vec<&'static str>),
}

/// What the history of `package` says of `path`, absent from `version`; `None` without a
/// shipped history.
pub fn absence(package: &str, version: &str, path: &str) -> Option<Absence> {
    let history = history_of(package)?;
    // A path under a module alias that a release dropped (`dagster.core...`) went with it.
    let known = std::iter::successors(Some(path), |p| p.rsplit_once('.').map(|(parent, _)| parent))
        .find(|p| !history.spans_of(p).is_empty());
    let spans = match known {
        Some(p)
            if p == path
                || history.spans_of(p).iter().all(|(_, end)| {
                    position(history, version).is_some_and(|i| (*end as usize) <= i)
                }) && p.contains('.') =>
        {
            history.spans_of(p)
        }
        _ => return Some(Absence::Never(look_alikes(history, path))),
    };
    let at = position(history, version);
    let removed = spans
        .iter()
        .rev()
        .find(|(_, end)| at.is_some_and(|i| (*end as usize) <= i));
    if let Some((start, end)) = removed {
        let removed_in = history.releases.get(*end as usize)?;
        return Some(Absence::Removed(
            removed_in,
            history.releases[*start as usize],
        ));
    }
    let later = spans
        .iter()
        .find(|(start, _)| at.is_none_or(|i| (*start as usize) > i))?;
    Some(Absence::NotYet(history.releases[later.0 as usize]))
}

/// Up to three paths in the same module as `path` whose last name looks like its own: nearly
/// the same spelling (`StaticPartitionDefinition` → `StaticPartitionsDefinition`), or its
/// name as one word of theirs (`hook` → `success_hook`, `failure_hook`).
fn look_alikes(history: &HistoryIndex, path: &str) -> Vec<&'static str> {
    let (module, name) = path.rsplit_once('.').unwrap_or(("", path));
    let lower = name.to_ascii_lowercase();
    let mut scored: Vec<(f64, &'static str)> = history
        .names()
        .filter_map(|candidate| {
            let (m, n) = candidate.rsplit_once('.')?;
            if m != module || n.starts_with('_') {
                return None;
            }
            let n_lower = n.to_ascii_lowercase();
            let similarity = strsim::normalized_damerau_levenshtein(&lower, &n_lower);
            let word = n_lower.split('_').any(|w| w == lower);
            let score = if word {
                similarity.max(0.8)
            } else {
                similarity
            };
            (score >= 0.8).then_some((score, candidate))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    // Only those about as close as the closest.
    let best = scored.first().map_or(0.0, |(score, _)| *score);
    scored
        .into_iter()
        .take_while(|(score, _)| *score >= best - 0.1)
        .take(3)
        .map(|(_, c)| c)
        .collect()
}

/// The first release of the run of releases, up to `version`, in which the object `id` (or,
/// without one, the export `path`) is marked with `status`; `None` when it is not marked in
/// `version`, or has been since before the first release known.
pub fn marked_since(
    package: &str,
    version: &str,
    id: Option<&str>,
    path: &str,
    status: super::Status,
) -> Option<&'static str> {
    let history = history_of(package)?;
    let at = position(history, version)?;
    let first = history.marked_since(id, path, status, at)?;
    (first > 0).then(|| history.releases[first])
}

/// Every shipped release of `package`, oldest first (decodes nothing).
pub fn versions(package: &str) -> Vec<&'static str> {
    package_index(package).map_or_else(Vec::new, |p| SHIPPED[p].1.to_vec())
}

/// The shipped catalog of `package` at exactly `version`, decoded once per process.
pub fn load(package: &str, version: &str) -> Option<&'static Catalog> {
    find(package, version).map(CatalogRef::get)
}

/// The shipped catalog of `package` at exactly `version`, not decoded until
/// [`CatalogRef::get`] is first called.
pub fn find(package: &str, version: &str) -> Option<CatalogRef> {
    let p = package_index(package)?;
    let release = SHIPPED[p].1.iter().position(|r| *r == version)?;
    Some(CatalogRef::Shipped(p, release))
}

/// The newest shipped release of `package`.
pub fn newest(package: &str) -> Option<&'static str> {
    versions(package).last().copied()
}

/// Where the decoded catalog of one shipped release is kept: every release of a package used
/// has one, decoded or not.
type ReleaseCell = OnceLock<Box<Catalog>>;

/// A catalog for the checker: a shipped one (decoded on first use) or one already in memory.
#[derive(Debug, Clone, Copy)]
pub enum CatalogRef {
    /// A release of a shipped history: (package index, release index).
    Shipped(usize, usize),
    /// A catalog held in memory for the life of the process.
    Loaded(&'static Catalog),
}

impl CatalogRef {
    /// The import name of the package.
    pub fn package(self) -> &'static str {
        match self {
            CatalogRef::Shipped(p, _) => SHIPPED[p].0,
            CatalogRef::Loaded(c) => &c.package,
        }
    }

    /// The catalog version.
    pub fn version(self) -> &'static str {
        match self {
            CatalogRef::Shipped(p, release) => SHIPPED[p].1[release],
            CatalogRef::Loaded(c) => &c.version,
        }
    }

    /// A hash of the catalog's content (for a shipped one: of the committed history and the
    /// release).
    pub fn content_hash(self) -> u64 {
        match self {
            CatalogRef::Shipped(p, release) => {
                let mut bytes = SHIPPED[p].3.to_le_bytes().to_vec();
                bytes.extend_from_slice(self.version().as_bytes());
                xxhash_rust::xxh3::xxh3_64(&bytes)
                    ^ xxhash_rust::xxh3::xxh3_64(&release.to_le_bytes())
            }
            CatalogRef::Loaded(c) => xxhash_rust::xxh3::xxh3_64(
                serde_json::to_string(c)
                    .expect("catalog serialises")
                    .as_bytes(),
            ),
        }
    }

    /// The catalog, decoded on first use (once per process). A library's catalog includes the
    /// objects of the dagster release it pins. Each release has a boxed cell: a pointer's worth
    /// of memory until decoded, not a whole (empty) catalog's (those of every release of
    /// every package used were a megabyte and a half of the peak of a large check).
    pub fn get(self) -> &'static Catalog {
        static DECODED: OnceLock<Vec<OnceLock<Vec<ReleaseCell>>>> = OnceLock::new();
        match self {
            CatalogRef::Loaded(c) => c,
            CatalogRef::Shipped(p, release) => {
                let packages =
                    DECODED.get_or_init(|| SHIPPED.iter().map(|_| OnceLock::new()).collect());
                let index = history(p);
                let releases = packages[p]
                    .get_or_init(|| index.releases.iter().map(|_| OnceLock::new()).collect());
                releases[release].get_or_init(|| {
                    let base = |pin: &str| match SHIPPED[p].0 {
                        "dagster" => None,
                        _ => load("dagster", pin),
                    };
                    Box::new(
                        index
                            .at(release, base)
                            .expect("shipped histories are valid (tested)"),
                    )
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::History;

    #[test]
    fn versions_compare_in_pep440_order() {
        assert_eq!(compare_versions("1.10.0", "1.9.13"), Ordering::Greater);
        assert_eq!(compare_versions("1.13", "1.13.0"), Ordering::Equal);
        assert_eq!(compare_versions("0.29.27", "0.29.3"), Ordering::Greater);
        assert_eq!(compare_versions("1.0rc1", "1.0"), Ordering::Less);
        assert_eq!(compare_versions("banana", "0.1"), Ordering::Less);
    }

    /// Every history decodes, and a sample of its releases (the first, every 25th and the
    /// newest) come back from the compact form exactly as from the committed JSON.
    #[test]
    fn shipped_histories_decode_to_their_json() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("api-catalog");
        let read = |package: &str| -> History {
            let path = root.join(format!("{package}.json"));
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
        };
        let dagster = read("dagster");
        for package in packages() {
            let history = read(package);
            assert_eq!(versions(package), history.releases);
            assert_eq!(
                history_of(package).unwrap().releases.to_vec(),
                history.releases
            );
            // The all-releases index of names holds exactly the names of the JSON, each with
            // the release spans of its periods.
            let index = history_of(package).unwrap();
            let span = |added: &str, removed: Option<&str>| {
                let at = |r: &str| history.releases.iter().position(|x| x == r).unwrap() as u32;
                (at(added), removed.map_or(history.releases.len() as u32, at))
            };
            let mut names: std::collections::BTreeMap<&str, Vec<(u32, u32)>> = Default::default();
            for (name, spans) in &history.modules {
                let entry = names.entry(name).or_default();
                entry.extend(spans.iter().map(|s| span(&s.added, s.removed.as_deref())));
            }
            let periods = history.module_aliases.iter().chain(&history.aliases);
            for (name, periods) in periods {
                let entry = names.entry(name).or_default();
                entry.extend(periods.iter().map(|p| span(&p.added, p.removed.as_deref())));
            }
            for (name, periods) in &history.exports {
                let entry = names.entry(name).or_default();
                entry.extend(periods.iter().map(|p| span(&p.added, p.removed.as_deref())));
            }
            assert!(index.names().eq(names.keys().copied()), "{package}: names");
            for (name, mut spans) in names {
                spans.sort_unstable();
                assert_eq!(index.spans_of(name)[..], spans, "{package}: {name}");
            }
            let n = history.releases.len();
            for i in (0..n).filter(|i| i % 25 == 0 || *i == n - 1) {
                let release = &history.releases[i];
                let base = (package != "dagster").then_some(&dagster);
                let mut expected = history.at(release, base).unwrap();
                let shipped = load(package, release).unwrap();
                // Shipped objects are decoded without their signatures, read on request.
                for (id, object) in expected.objects.iter() {
                    let signature = shipped.objects.signature(id);
                    assert_eq!(signature, object.signature, "{package} {release} {id}");
                }
                let unsigned = expected.objects.iter().map(|(id, object)| {
                    let object = crate::catalog::Object {
                        signature: None,
                        ..object.clone()
                    };
                    (id.to_string(), object)
                });
                expected.objects = unsigned
                    .collect::<std::collections::BTreeMap<_, _>>()
                    .into();
                assert!(
                    *shipped == expected,
                    "{package} {release} decodes differently"
                );
            }
        }
    }

    #[test]
    fn the_history_says_when_a_name_came_and_went() {
        assert_eq!(
            absence("dagster", "1.9.13", "dagster.components"),
            Some(Absence::NotYet("1.10.8"))
        );
        // Present in 1.10.15: the history has nothing to explain.
        assert_eq!(absence("dagster", "1.10.15", "dagster.components"), None);
        assert_eq!(
            absence("dagster", "1.13.29", "dagster.core"),
            Some(Absence::Removed("1.13.0", "1.0.0"))
        );
        match absence("dagster", "1.9.13", "dagster.apply_freshness_policy") {
            Some(Absence::NotYet(r)) => assert!(compare_versions(r, "1.9.13").is_gt()),
            other => panic!("{other:?}"),
        }
        match absence("dagster", "1.13.29", "dagster.StaticPartitionDefinition") {
            Some(Absence::Never(like)) => {
                assert_eq!(like.first(), Some(&"dagster.StaticPartitionsDefinition"))
            }
            other => panic!("{other:?}"),
        }
        match absence("dagster", "1.13.29", "dagster.hook") {
            Some(Absence::Never(like)) => {
                assert!(like.contains(&"dagster.success_hook"), "{like:?}");
                assert!(like.contains(&"dagster.failure_hook"), "{like:?}");
            }
            other => panic!("{other:?}"),
        }
    }

    /// A release not asked for costs a pointer's worth, not an empty catalog's (the cells of
    /// every release of the packages used were 1.5 MB of a large check's peak).
    #[test]
    fn an_undecoded_release_costs_two_words() {
        assert!(std::mem::size_of::<ReleaseCell>() <= 2 * std::mem::size_of::<usize>());
    }

    /// Two releases share the decoded object of a class that did not change between them (a
    /// library's catalog over dagster's pinned release decodes no class of dagster's newest
    /// release again); a class that changed is decoded for each.
    #[test]
    fn releases_of_one_period_share_decoded_objects() {
        let (old, new) = (
            load("dagster", "1.13.27").unwrap(),
            load("dagster", "1.13.29").unwrap(),
        );
        let (mut shared, mut apart) = (0, 0);
        for (id, object) in new.objects.iter() {
            let Some(before) = old.objects.get(id) else {
                continue;
            };
            if std::ptr::eq(before, object) {
                shared += 1;
            } else {
                assert!(*before != *object, "{id} is unchanged but decoded twice");
                apart += 1;
            }
        }
        assert!(shared > 1000, "{shared} shared, {apart} apart");
    }

    #[test]
    fn compact_decoding_rejects_garbage() {
        assert!(HistoryIndex::decode("", b"").is_err());
        assert!(HistoryIndex::decode("", b"DALH\x06\xff\xff").is_err());
        let (_, _, (text, bytes), _) = SHIPPED[0];
        assert!(HistoryIndex::decode(&text[1..], bytes).is_err());
        let half: &'static [u8] = &bytes[..bytes.len() / 2];
        let truncated = match HistoryIndex::decode(text, half) {
            Err(_) => true,
            Ok(index) => index.at(0, |_| None).is_err(),
        };
        assert!(truncated);
    }
}
