//! The aliases and objects of a catalog decoded from a history, looked up in the history's
//! keyed sections when asked for.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rustc_hash::FxHashMap;

use super::super::model::{AliasTable, Object, ObjectTable, Objects, Signature, Status};
use super::decode::{covers, run_start, Decoder, Keyed};
use super::Reader;

/// The decoded objects of a history: per key of its objects section, per period of the key,
/// each decoded the first time a catalog asks for it. The releases of one period share one
/// object (a library's catalog over dagster's pinned release and dagster's own catalog
/// decode a class once, not once each), and a key costs one cell until asked for.
pub(super) type DecodedObjects = Arc<[OnceLock<Box<[OnceLock<Box<Object>>]>>]>;

/// The aliases of a catalog decoded from a history: looked up in the history's keyed section
/// (binary search, then the key's periods), without copying or indexing the thousands a
/// release has.
#[derive(Clone, Copy)]
pub(super) struct LazyAliases {
    pub(super) section: Keyed,
    pub(super) release: u32,
}

impl LazyAliases {
    /// The value of the key at `i` at this release, if it has one.
    fn value(&self, i: usize) -> Option<&'static str> {
        let mut d = self.section.periods(i);
        let mut found = None;
        let n = d.r.len().expect("shipped histories are valid (tested)");
        for _ in 0..n {
            let hit = covers(&mut d, u64::from(self.release));
            let value = d.str();
            match (hit, value) {
                (Ok(true), Ok(value)) => found = Some(value),
                (Ok(false), Ok(_)) => {}
                _ => panic!("shipped histories are valid (tested)"),
            }
        }
        found
    }
}

impl AliasTable for LazyAliases {
    /// The object id that `path` reaches at this release.
    fn get(&self, path: &str) -> Option<&'static str> {
        self.value(self.section.find(path)?)
    }

    /// Every alias of this release with its object id, in path order.
    fn iter(&self) -> Box<dyn Iterator<Item = (&'static str, &'static str)> + '_> {
        Box::new(
            (0..self.section.len())
                .filter_map(|i| Some((self.section.known_key(i), self.value(i)?))),
        )
    }
}

/// The objects of a catalog decoded from a history: looked up in the history's keyed section,
/// each decoded the first time it is asked for; for a library, over the objects of the dagster
/// release it pins (`base`), which its own objects hide.
pub(super) struct LazyObjects {
    section: Keyed,
    /// The decoded objects of the history (shared with the catalogs of its other releases).
    decoded: DecodedObjects,
    /// The releases of the history, and the one this table is of.
    releases: &'static [&'static str],
    release: u32,
    /// The packages the objects of this release belong to, in order.
    packages: Vec<&'static str>,
    base: Option<&'static Objects>,
    /// The answers of [`LazyObjects::position`] so far, by id: a check asks for the same few
    /// dozen objects again and again (each answer costs a binary search and a walk over the
    /// key's periods).
    positions: Mutex<FxHashMap<Box<str>, Option<Position>>>,
}

/// Where an object of a [`LazyObjects`] is: its key's position in the section and the period
/// of the key that covers the table's release.
type Position = (usize, ObjectPeriod);

/// The period of an object's key that covers a release: its index among the key's `count`
/// periods, and its encoded object.
#[derive(Clone, Copy)]
struct ObjectPeriod {
    index: usize,
    count: usize,
    body: &'static [u8],
}

/// Merges two id-sorted sequences; on equal ids the first one's item wins.
fn merge_by_id<'a, T: 'a>(
    own: impl Iterator<Item = (&'a str, T)> + 'a,
    base: impl Iterator<Item = (&'a str, T)> + 'a,
) -> impl Iterator<Item = (&'a str, T)> + 'a {
    let (mut own, mut base) = (own.peekable(), base.peekable());
    std::iter::from_fn(move || match (own.peek(), base.peek()) {
        (Some((a, _)), Some((b, _))) if a > b => base.next(),
        (Some((a, _)), Some((b, _))) if a == b => {
            base.next();
            own.next()
        }
        (Some(_), _) => own.next(),
        (None, _) => base.next(),
    })
}

impl LazyObjects {
    /// The objects of `section` at release number `release` of `releases`, decoded into
    /// `decoded` (shared by the catalogs of the history's releases); `packages` are those of
    /// its objects, `base` the objects they hide (see [`LazyObjects`]).
    pub(super) fn new(
        section: Keyed,
        decoded: DecodedObjects,
        (releases, release): (&'static [&'static str], u32),
        packages: Vec<&'static str>,
        base: Option<&'static Objects>,
    ) -> LazyObjects {
        LazyObjects {
            section,
            decoded,
            releases,
            release,
            packages,
            base,
            positions: Mutex::default(),
        }
    }

    /// The key position and the period of the object `id` at this release (found once per
    /// id).
    fn position(&self, id: &str) -> Option<Position> {
        let mut positions = self
            .positions
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = positions.get(id) {
            return *found;
        }
        let found = self
            .section
            .find(id)
            .and_then(|i| Some((i, self.period(i)?)));
        positions.insert(id.into(), found);
        found
    }

    /// The period of the key at `i` that covers this release, if one does.
    fn period(&self, i: usize) -> Option<ObjectPeriod> {
        let mut d = self.section.periods(i);
        let valid = "shipped histories are valid (tested)";
        let count = d.r.len().expect(valid);
        for index in 0..count {
            let hit = covers(&mut d, u64::from(self.release)).expect(valid);
            let len = d.r.len().expect(valid);
            let (body, rest) = d.r.bytes.split_at(len);
            if hit {
                return Some(ObjectPeriod { index, count, body });
            }
            d.r.bytes = rest;
        }
        None
    }

    /// The objects of this release in the section, in id order.
    fn own(&self) -> impl Iterator<Item = (usize, &'static str, ObjectPeriod)> + '_ {
        (0..self.section.len())
            .filter_map(|i| Some((i, self.section.known_key(i), self.period(i)?)))
    }

    /// The object of the key at `i` in `period`, decoded once per history.
    fn decoded(&self, i: usize, period: ObjectPeriod) -> &Object {
        let periods = self.decoded[i].get_or_init(|| {
            (0..period.count)
                .map(|_| OnceLock::new())
                .collect::<Box<[_]>>()
        });
        periods[period.index].get_or_init(|| {
            let mut d = Decoder {
                r: Reader { bytes: period.body },
                strings: self.section.strings,
            };
            let object = d
                .object(false)
                .and_then(|o| match d.r.bytes.is_empty() {
                    true => Ok(o),
                    false => Err("trailing bytes".into()),
                })
                .unwrap_or_else(|e| {
                    panic!(
                        "shipped catalog object {} decodes (tested): {e}",
                        self.section.known_key(i)
                    )
                });
            Box::new(object)
        })
    }
}

impl ObjectTable for LazyObjects {
    /// The object with this id.
    fn get(&self, id: &str) -> Option<&Object> {
        match self.position(id) {
            Some((i, period)) => Some(self.decoded(i, period)),
            None => self.base?.get(id),
        }
    }

    /// The call signature of the object `id` (objects are decoded without theirs: only the
    /// unsafe rename fixes read one).
    fn signature(&self, id: &str) -> Option<Signature> {
        let Some((_, period)) = self.position(id) else {
            return self.base?.signature(id);
        };
        let mut d = Decoder {
            r: Reader { bytes: period.body },
            strings: self.section.strings,
        };
        d.object_signature().ok()?
    }

    /// The first release of the uninterrupted run of releases, up to the one this table is
    /// of, in which the object `id` carries a marker of `status` (`None` inside: not marked
    /// now, or marked since before the first release known); `None` without such an object.
    fn marked_since(&self, id: &str, status: Status) -> Option<Option<&'static str>> {
        let Some((i, _)) = self.position(id) else {
            return self.base?.marked_since(id, status);
        };
        let first = run_start(self.section.periods(i), true, status, self.release as usize);
        Some(first.filter(|i| *i > 0).map(|i| self.releases[i]))
    }

    /// True when an object has this id.
    fn contains_key(&self, id: &str) -> bool {
        self.position(id).is_some() || self.base.is_some_and(|b| b.contains_key(id))
    }

    /// Every object id, in order.
    fn ids(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        let own = self.own().map(|(_, id, _)| (id, ()));
        match self.base {
            None => Box::new(own.map(|(id, ())| id)),
            Some(base) => {
                Box::new(merge_by_id(own, base.ids().map(|id| (id, ()))).map(|(id, ())| id))
            }
        }
    }

    /// The distinct top-level packages of the object ids, in order.
    fn packages(&self) -> Vec<&str> {
        let mut packages: Vec<&str> = self.packages.clone();
        if let Some(base) = self.base {
            packages.extend(base.packages());
            packages.sort_unstable();
            packages.dedup();
        }
        packages
    }

    /// Every object with its id, in id order.
    fn iter(&self) -> Box<dyn Iterator<Item = (&str, &Object)> + '_> {
        let own = self
            .own()
            .map(|(i, id, period)| (id, self.decoded(i, period)));
        match self.base {
            None => Box::new(own),
            Some(base) => Box::new(merge_by_id(own, base.iter())),
        }
    }
}
