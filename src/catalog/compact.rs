//! A compact binary form of a package's [`History`], embedded in the binary instead of the JSON.
//!
//! `api-catalog/*.json` stays the source of truth: `build.rs` parses each history and encodes
//! it with [`encode`] (this file is compiled into the build script too), and the checker decodes
//! only the packages it needs with [`HistoryIndex::decode`], then only the release it needs
//! with [`HistoryIndex::at`], whose objects are decoded one at a time on first access (a check
//! touches a few dozen of the thousands of objects).
//!
//! Layout: the magic `DALH`, a format byte, a table of the distinct strings (their count, their
//! lengths, then their UTF-8 texts back to back: validated once, sliced without copying), then
//! the fields of [`History`] in declaration order. Integers are LEB128 varints; a string is its
//! index in the table; an `Option` is a 0/1 byte then the value; a sequence or map is its length
//! then its items (maps in key order, so that they are built in bulk). A period is the index of
//! its first release and of the release after it (the release count while it is open), then
//! its value; an object's value is the length of its encoding, then the encoding, so that a
//! reader can skip the periods of other releases without decoding them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use super::model::{
    Catalog, Export, History, Kind, Marker, Object, Objects, Period, Status, FORMAT_VERSION,
    HISTORY_FORMAT,
};

const MAGIC: &[u8; 4] = b"DALH";
const VERSION: u8 = 4;
const KINDS: [Kind; 9] = [
    Kind::Class,
    Kind::Function,
    Kind::Method,
    Kind::Property,
    Kind::Classmethod,
    Kind::Staticmethod,
    Kind::Attribute,
    Kind::Value,
    Kind::Module,
];

const STATUSES: [Status; 6] = [
    Status::Beta,
    Status::Deprecated,
    Status::Experimental,
    Status::Preview,
    Status::Removed,
    Status::Superseded,
];

/// Encodes a history (in `build.rs`; the checker only decodes, and tests round-trip).
#[cfg_attr(not(test), allow(dead_code))]
pub fn encode(history: &History) -> Vec<u8> {
    let mut e = Encoder::default();
    let index: HashMap<&str, u64> = history
        .releases
        .iter()
        .enumerate()
        .map(|(i, r)| (r.as_str(), i as u64))
        .collect();
    let end = history.releases.len() as u64;
    let span = |e: &mut Encoder, added: &str, removed: Option<&str>| {
        e.uint(index[added]);
        e.uint(removed.map_or(end, |r| index[r]));
    };
    e.uint(u64::from(history.format));
    e.str(&history.package);
    e.str(&history.distribution);
    e.strs(&history.releases);
    for periods in [&history.requires_dagster, &history.requires_python] {
        e.uint(periods.len() as u64);
        for p in periods {
            span(&mut e, &p.added, p.removed.as_deref());
            e.str(&p.value);
        }
    }
    for sets in [&history.public_modules, &history.modules] {
        e.uint(sets.len() as u64);
        for (name, spans) in sets {
            e.str(name);
            e.uint(spans.len() as u64);
            for s in spans {
                span(&mut e, &s.added, s.removed.as_deref());
            }
        }
    }
    e.str_periods(&history.module_aliases, &span);
    e.uint(history.exports.len() as u64);
    for (path, periods) in &history.exports {
        e.str(path);
        e.uint(periods.len() as u64);
        for p in periods {
            span(&mut e, &p.added, p.removed.as_deref());
            e.opt_str(p.value.target.as_deref());
            e.markers(&p.value.markers);
        }
    }
    e.str_periods(&history.aliases, &span);
    e.uint(history.objects.len() as u64);
    for (id, periods) in &history.objects {
        e.str(id);
        e.uint(periods.len() as u64);
        for p in periods {
            span(&mut e, &p.added, p.removed.as_deref());
            let outer = std::mem::take(&mut e.body);
            e.object(&p.value);
            let encoded = std::mem::replace(&mut e.body, outer);
            e.uint(encoded.0.len() as u64);
            e.body.0.extend_from_slice(&encoded.0);
        }
    }
    // Header, then the string table (count, lengths, then the texts back to back), then the body.
    let mut out = Writer(Vec::with_capacity(e.body.0.len() + (1 << 16)));
    out.0.extend_from_slice(MAGIC);
    out.0.push(VERSION);
    out.uint(e.table.len() as u64);
    for s in &e.table {
        out.uint(s.len() as u64);
    }
    for s in &e.table {
        out.0.extend_from_slice(s.as_bytes());
    }
    out.0.extend_from_slice(&e.body.0);
    out.0
}

/// Writes the body; every string is an index into the table of distinct strings.
#[derive(Default)]
#[cfg_attr(not(test), allow(dead_code))]
struct Encoder {
    body: Writer,
    table: Vec<String>,
    index: HashMap<String, u64>,
}

#[cfg_attr(not(test), allow(dead_code))]
impl Encoder {
    fn uint(&mut self, v: u64) {
        self.body.uint(v);
    }

    fn str(&mut self, s: &str) {
        let i = match self.index.get(s) {
            Some(&i) => i,
            None => {
                let i = self.table.len() as u64;
                self.table.push(s.to_string());
                self.index.insert(s.to_string(), i);
                i
            }
        };
        self.body.uint(i);
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.body.0.push(0),
            Some(s) => {
                self.body.0.push(1);
                self.str(s);
            }
        }
    }

    fn strs(&mut self, items: &[String]) {
        self.uint(items.len() as u64);
        for s in items {
            self.str(s);
        }
    }

    fn str_periods(
        &mut self,
        map: &BTreeMap<String, Vec<Period<String>>>,
        span: &dyn Fn(&mut Encoder, &str, Option<&str>),
    ) {
        self.uint(map.len() as u64);
        for (key, periods) in map {
            self.str(key);
            self.uint(periods.len() as u64);
            for p in periods {
                span(self, &p.added, p.removed.as_deref());
                self.str(&p.value);
            }
        }
    }

    fn object(&mut self, object: &Object) {
        self.body.0.push(match object.kind {
            None => 0,
            Some(kind) => 1 + KINDS.iter().position(|k| *k == kind).expect("listed") as u8,
        });
        self.body.0.push(object.public as u8);
        self.markers(&object.markers);
        self.uint(object.params.len() as u64);
        for (name, markers) in &object.params {
            self.str(name);
            self.markers(markers);
        }
        self.uint(object.members.len() as u64);
        for member in &object.members {
            self.str(member);
        }
        self.strs(&object.bases);
        self.opt_str(object.returns.as_deref());
    }

    fn markers(&mut self, markers: &[Marker]) {
        self.uint(markers.len() as u64);
        for m in markers {
            let status = STATUSES
                .iter()
                .position(|s| *s == m.status)
                .expect("listed");
            self.body.0.push(status as u8 | (u8::from(m.hidden) << 7));
            self.opt_str(m.breaking_version.as_deref());
            self.opt_str(m.message.as_deref());
        }
    }
}

/// A decoded history's string table and header; the releases' contents stay encoded until
/// [`HistoryIndex::at`] asks for one.
pub struct HistoryIndex {
    table: &'static [&'static str],
    /// Import name of the package.
    pub package: &'static str,
    /// Distribution name.
    pub distribution: &'static str,
    /// Every release, oldest first.
    pub releases: &'static [&'static str],
    body: &'static [u8],
    /// What [`HistoryIndex::spans_of`] and [`HistoryIndex::marked_since`] read, made on first
    /// use (a check that reports nothing never needs it).
    presence: OnceLock<Presence>,
}

/// Where each name's periods are, over every release.
struct Presence {
    /// Releases (index spans, the end excluded) that have each export path, module name and
    /// alias path.
    names: FxHashMap<&'static str, SmallVec<[(u32, u32); 2]>>,
    /// Each export's encoded periods, by path.
    exports: FxHashMap<&'static str, &'static [u8]>,
    /// Each object's encoded periods, by id.
    objects: FxHashMap<&'static str, &'static [u8]>,
}

impl HistoryIndex {
    /// Reads the string table and the header of what [`encode`] wrote.
    pub fn decode(bytes: &'static [u8]) -> Result<HistoryIndex, String> {
        let rest = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or("not a compact history")?;
        let (&version, rest) = rest.split_first().ok_or("truncated")?;
        if version != VERSION {
            return Err(format!(
                "compact history version {version}, expected {VERSION}"
            ));
        }
        let mut r = Reader { bytes: rest };
        // The string table: validated as UTF-8 once, then sliced.
        let n = r.len()?;
        let mut lens = Vec::with_capacity(n);
        for _ in 0..n {
            lens.push(r.uint()? as usize);
        }
        let total = lens.iter().sum::<usize>();
        if total > r.bytes.len() {
            return Err("truncated string table".into());
        }
        let (text, body) = r.bytes.split_at(total);
        let text = std::str::from_utf8(text).map_err(|e| e.to_string())?;
        let mut table = Vec::with_capacity(n);
        let mut at = 0;
        for len in lens {
            table.push(
                text.get(at..at + len)
                    .ok_or("string not on a char boundary")?,
            );
            at += len;
        }
        // Held for the life of the process, as the embedded bytes are.
        let table: &'static [&'static str] = Vec::leak(table);
        let mut d = Decoder {
            r: Reader { bytes: body },
            table,
        };
        let format = d.r.uint()?;
        if format != u64::from(HISTORY_FORMAT) {
            return Err(format!(
                "history format {format}, expected {HISTORY_FORMAT}"
            ));
        }
        let package = d.str()?;
        let distribution = d.str()?;
        let n = d.r.len()?;
        let releases: Vec<&'static str> = (0..n).map(|_| d.str()).collect::<Result<_, _>>()?;
        let releases: &'static [&'static str] = Vec::leak(releases);
        Ok(HistoryIndex {
            table,
            package,
            distribution,
            releases,
            body: d.r.bytes,
            presence: OnceLock::new(),
        })
    }

    /// The releases (index spans, the end excluded) that have `path`: an export, a module or
    /// an alias of either. Empty when no release has it.
    pub fn spans_of(&self, path: &str) -> &[(u32, u32)] {
        self.presence()
            .names
            .get(path)
            .map_or(&[], |spans| spans.as_slice())
    }

    /// Every export path, module name and alias that some release has.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.presence().names.keys().copied()
    }

    /// The index of the first release of the uninterrupted run of releases, up to `release`,
    /// in which the object `id` carries a marker of `status` (for `id: None`, the export
    /// `path` itself, as module `__getattr__` tables mark it); `None` when it has none at
    /// `release`.
    pub fn marked_since(
        &self,
        id: Option<&str>,
        path: &str,
        status: Status,
        release: usize,
    ) -> Option<usize> {
        let presence = self.presence();
        let (bytes, object) = match id {
            Some(id) => (*presence.objects.get(id)?, true),
            None => (*presence.exports.get(path)?, false),
        };
        run_start(bytes, self.table, object, status, release)
    }

    fn presence(&self) -> &Presence {
        self.presence.get_or_init(|| {
            self.read_presence()
                .expect("shipped histories are valid (tested)")
        })
    }

    fn read_presence(&self) -> Result<Presence, String> {
        let mut d = Decoder {
            r: Reader { bytes: self.body },
            table: self.table,
        };
        let mut names: FxHashMap<&'static str, SmallVec<[(u32, u32); 2]>> =
            FxHashMap::with_capacity_and_hasher(1 << 12, Default::default());
        let mut exports = FxHashMap::with_capacity_and_hasher(1 << 10, Default::default());
        let mut objects = FxHashMap::with_capacity_and_hasher(1 << 13, Default::default());
        let span = |d: &mut Decoder<'static, 'static>| -> Result<(u32, u32), String> {
            Ok((d.r.uint()? as u32, d.r.uint()? as u32))
        };
        for _ in 0..2 {
            for _ in 0..d.r.len()? {
                span(&mut d)?;
                d.str()?;
            }
        }
        for section in 0..2 {
            for _ in 0..d.r.len()? {
                let name = d.str()?;
                for _ in 0..d.r.len()? {
                    let s = span(&mut d)?;
                    if section == 1 {
                        names.entry(name).or_default().push(s);
                    }
                }
            }
        }
        let mut aliases = |d: &mut Decoder<'static, 'static>| -> Result<(), String> {
            for _ in 0..d.r.len()? {
                let key = d.str()?;
                for _ in 0..d.r.len()? {
                    let s = span(d)?;
                    d.str()?;
                    names.entry(key).or_default().push(s);
                }
            }
            Ok(())
        };
        aliases(&mut d)?;
        let n = d.r.len()?;
        let mut paths = Vec::with_capacity(n);
        for _ in 0..n {
            let path = d.str()?;
            exports.insert(path, d.r.bytes);
            let mut spans = Vec::new();
            for _ in 0..d.r.len()? {
                spans.push(span(&mut d)?);
                d.opt_string()?;
                d.markers()?;
            }
            paths.push((path, spans));
        }
        aliases(&mut d)?;
        for (path, spans) in paths {
            names.entry(path).or_default().extend(spans);
        }
        for _ in 0..d.r.len()? {
            let id = d.str()?;
            objects.insert(id, d.r.bytes);
            for _ in 0..d.r.len()? {
                span(&mut d)?;
                let len = d.r.len()?;
                d.r.bytes = &d.r.bytes[len..];
            }
        }
        for spans in names.values_mut() {
            spans.sort_unstable();
        }
        Ok(Presence {
            names,
            exports,
            objects,
        })
    }

    /// The catalog of release number `release` (an index into [`HistoryIndex::releases`]),
    /// with its objects left encoded until asked for. `base` is the catalog of the dagster
    /// release the library pins, whose objects fill in those the library's history left out.
    pub fn at(
        &self,
        release: usize,
        base: impl FnOnce(&str) -> Option<&'static Catalog>,
    ) -> Result<Catalog, String> {
        let release = release as u64;
        let mut d = Decoder {
            r: Reader { bytes: self.body },
            table: self.table,
        };
        // Whether the period that starts here covers the release (reads its span).
        let covers = |d: &mut Decoder<'static, 'static>| -> Result<bool, String> {
            let start = d.r.uint()?;
            let end = d.r.uint()?;
            Ok(start <= release && release < end)
        };
        let single = |d: &mut Decoder<'static, 'static>| -> Result<Option<&'static str>, String> {
            let mut found = None;
            for _ in 0..d.r.len()? {
                let hit = covers(d)?;
                let value = d.str()?;
                if hit {
                    found = Some(value);
                }
            }
            Ok(found)
        };
        let requires_dagster = single(&mut d)?;
        let requires_python = single(&mut d)?;
        let mut sets = [Vec::new(), Vec::new()];
        for set in &mut sets {
            for _ in 0..d.r.len()? {
                let name = d.str()?;
                let mut hit = false;
                for _ in 0..d.r.len()? {
                    hit |= covers(&mut d)?;
                }
                if hit {
                    set.push(name.to_string());
                }
            }
        }
        let [public_modules, modules] = sets;
        let module_aliases = d.str_periods(&covers)?;
        let mut exports = Vec::new();
        for _ in 0..d.r.len()? {
            let path = d.str()?;
            for _ in 0..d.r.len()? {
                let hit = covers(&mut d)?;
                let target = d.opt_string()?;
                let markers = d.markers()?;
                if hit {
                    exports.push((path.to_string(), Export { target, markers }));
                }
            }
        }
        // Borrowed from the table: a release of dagster has thousands of aliases.
        let mut aliases = Vec::new();
        for _ in 0..d.r.len()? {
            let key = d.str()?;
            for _ in 0..d.r.len()? {
                let hit = covers(&mut d)?;
                let value = d.str()?;
                if hit {
                    aliases.push((key, value));
                }
            }
        }
        let mut entries = Vec::new();
        for _ in 0..d.r.len()? {
            let id = d.str()?;
            let periods = d.r.bytes;
            for _ in 0..d.r.len()? {
                let hit = covers(&mut d)?;
                let len = d.r.len()?;
                let (body, rest) = d.r.bytes.split_at(len);
                d.r.bytes = rest;
                if hit {
                    entries.push(LazyEntry {
                        id,
                        body,
                        table: self.table,
                        periods,
                        releases: self.releases,
                        release: release as u32,
                    });
                }
            }
        }
        if !d.r.bytes.is_empty() {
            return Err("trailing bytes".into());
        }
        let version = *self
            .releases
            .get(release as usize)
            .ok_or("no such release")?;
        // A library's objects fall back on those of the dagster release it pins, shared with
        // that release's own catalog (not copied into every library's table).
        let base = requires_dagster
            .and_then(base)
            .map(|pinned| &pinned.objects);
        Ok(Catalog {
            format: FORMAT_VERSION,
            package: self.package.to_string(),
            distribution: self.distribution.to_string(),
            version: version.to_string(),
            requires_python: requires_python.map(str::to_string),
            requires_dagster: requires_dagster.map(str::to_string),
            public_modules,
            modules,
            module_aliases,
            exports: exports.into_iter().collect(),
            aliases: aliases.into(),
            objects: LazyObjects::new(entries, base).into(),
        })
    }
}

/// The index of the first release of the uninterrupted run of periods, up to `release`, whose
/// markers include `status`: `periods` are an object's (`object`) or an export's encoded
/// periods; `None` when the period of `release` lacks `status`.
fn run_start(
    periods: &[u8],
    table: &[&str],
    object: bool,
    status: Status,
    release: usize,
) -> Option<usize> {
    let mut d = Decoder {
        r: Reader { bytes: periods },
        table,
    };
    let mut runs: Vec<(u64, u64, bool)> = Vec::new();
    for _ in 0..d.r.len().ok()? {
        let start = d.r.uint().ok()?;
        let end = d.r.uint().ok()?;
        let markers = if object {
            let len = d.r.len().ok()?;
            let (body, rest) = d.r.bytes.split_at(len);
            d.r.bytes = rest;
            let mut o = Decoder {
                r: Reader { bytes: body },
                table,
            };
            o.r.byte().ok()?;
            o.r.byte().ok()?;
            o.markers().ok()?
        } else {
            d.opt_string().ok()?;
            d.markers().ok()?
        };
        runs.push((start, end, markers.iter().any(|m| m.status == status)));
    }
    let release = release as u64;
    let at = runs
        .iter()
        .position(|(s, e, _)| *s <= release && release < *e)?;
    if !runs[at].2 {
        return None;
    }
    let mut first = at;
    while first > 0 && runs[first - 1].2 && runs[first - 1].1 == runs[first].0 {
        first -= 1;
    }
    Some(runs[first].0 as usize)
}

/// One encoded object of a [`LazyObjects`] table.
#[derive(Clone, Copy)]
pub struct LazyEntry {
    id: &'static str,
    body: &'static [u8],
    table: &'static [&'static str],
    /// The object's periods over every release of its history (for [`LazyObjects::marked_since`]).
    periods: &'static [u8],
    /// The releases of its history, and the one it was chosen for.
    releases: &'static [&'static str],
    release: u32,
}

/// The objects of a catalog decoded from a history: their ids (in order) and encodings, each
/// decoded the first time it is asked for; for a library, over the objects of the dagster
/// release it pins (`base`), which its own entries hide.
pub struct LazyObjects {
    entries: Vec<LazyEntry>,
    decoded: Vec<OnceLock<Box<Object>>>,
    base: Option<&'static Objects>,
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
    fn new(entries: Vec<LazyEntry>, base: Option<&'static Objects>) -> LazyObjects {
        let decoded = entries.iter().map(|_| OnceLock::new()).collect();
        LazyObjects {
            entries,
            decoded,
            base,
        }
    }

    /// The object with this id.
    pub fn get(&self, id: &str) -> Option<&Object> {
        match self.position(id) {
            Some(i) => Some(self.at(i)),
            None => self.base?.get(id),
        }
    }

    /// The first release of the uninterrupted run of releases, up to the one this table is
    /// of, in which the object `id` carries a marker of `status` (`None` inside: not marked
    /// now, or marked since before the first release known); `None` without such an object.
    pub fn marked_since(&self, id: &str, status: Status) -> Option<Option<&'static str>> {
        let Some(i) = self.position(id) else {
            return self.base?.marked_since(id, status);
        };
        let entry = self.entries[i];
        let first = run_start(
            entry.periods,
            entry.table,
            true,
            status,
            entry.release as usize,
        );
        Some(first.filter(|i| *i > 0).map(|i| entry.releases[i]))
    }

    /// True when an object has this id.
    pub fn contains_key(&self, id: &str) -> bool {
        self.position(id).is_some() || self.base.is_some_and(|b| b.contains_key(id))
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.entries.binary_search_by(|e| e.id.cmp(id)).ok()
    }

    /// How many objects there are.
    pub fn len(&self) -> usize {
        match self.base {
            None => self.entries.len(),
            Some(_) => self.ids().count(),
        }
    }

    /// Every object id, in order.
    pub fn ids(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        let own = self.entries.iter().map(|e| (e.id, ()));
        match self.base {
            None => Box::new(own.map(|(id, ())| id)),
            Some(base) => {
                Box::new(merge_by_id(own, base.ids().map(|id| (id, ()))).map(|(id, ())| id))
            }
        }
    }

    /// Every object with its id, in id order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = (&str, &Object)> + '_> {
        let own = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id, self.at(i)));
        match self.base {
            None => Box::new(own),
            Some(base) => Box::new(merge_by_id(own, base.iter())),
        }
    }

    fn at(&self, i: usize) -> &Object {
        self.decoded[i].get_or_init(|| {
            let entry = self.entries[i];
            let mut d = Decoder {
                r: Reader { bytes: entry.body },
                table: entry.table,
            };
            let object = d
                .object()
                .and_then(|o| match d.r.bytes.is_empty() {
                    true => Ok(o),
                    false => Err("trailing bytes".into()),
                })
                .unwrap_or_else(|e| {
                    panic!("shipped catalog object {} decodes (tested): {e}", entry.id)
                });
            Box::new(object)
        })
    }
}

/// Reads the body: strings are indexes into the table.
struct Decoder<'a, 't> {
    r: Reader<'a>,
    table: &'t [&'a str],
}

impl<'a> Decoder<'a, '_> {
    /// A string of the table, borrowed.
    #[inline]
    fn str(&mut self) -> Result<&'a str, String> {
        let i = self.r.uint()? as usize;
        self.table
            .get(i)
            .copied()
            .ok_or_else(|| "bad string index".to_string())
    }

    #[inline]
    fn string(&mut self) -> Result<String, String> {
        self.str().map(str::to_owned)
    }

    fn object(&mut self) -> Result<Object, String> {
        let kind = match self.r.byte()? {
            0 => None,
            k => Some(*KINDS.get(k as usize - 1).ok_or("bad kind")?),
        };
        let public = self.r.byte()? != 0;
        let markers = self.markers()?;
        let n = self.r.len()?;
        let params = match n {
            0 => BTreeMap::new(),
            n => self.sorted(n, |d| Ok((d.string()?, d.markers()?)))?,
        };
        let n = self.r.len()?;
        // Written in order, so the set is built in bulk from a sorted run.
        let members: BTreeSet<String> = (0..n).map(|_| self.string()).collect::<Result<_, _>>()?;
        let bases = self.strings()?;
        let returns = self.opt_string()?;
        Ok(Object {
            kind,
            public,
            markers,
            params,
            members,
            bases,
            returns,
        })
    }

    fn opt_string(&mut self) -> Result<Option<String>, String> {
        match self.r.byte()? {
            0 => Ok(None),
            _ => self.string().map(Some),
        }
    }

    fn strings(&mut self) -> Result<Vec<String>, String> {
        let n = self.r.len()?;
        if n == 0 {
            return Ok(Vec::new());
        }
        (0..n).map(|_| self.string()).collect()
    }

    /// A map of string periods, keeping the values of the periods that `covers` accepts.
    fn str_periods(
        &mut self,
        covers: &dyn Fn(&mut Self) -> Result<bool, String>,
    ) -> Result<BTreeMap<String, String>, String> {
        let mut out = Vec::new();
        for _ in 0..self.r.len()? {
            let key = self.str()?;
            for _ in 0..self.r.len()? {
                let hit = covers(self)?;
                let value = self.str()?;
                if hit {
                    out.push((key.to_string(), value.to_string()));
                }
            }
        }
        Ok(out.into_iter().collect())
    }

    /// Reads `n` entries written in key order into a map (built in bulk from the sorted run).
    fn sorted<V>(
        &mut self,
        n: usize,
        mut item: impl FnMut(&mut Self) -> Result<(String, V), String>,
    ) -> Result<BTreeMap<String, V>, String> {
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            entries.push(item(self)?);
        }
        Ok(entries.into_iter().collect())
    }

    fn markers(&mut self) -> Result<Vec<Marker>, String> {
        let n = self.r.len()?;
        if n == 0 {
            return Ok(Vec::new());
        }
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let b = self.r.byte()?;
            let status = *STATUSES.get((b & 0x7f) as usize).ok_or("bad status")?;
            out.push(Marker {
                status,
                hidden: b & 0x80 != 0,
                breaking_version: self.opt_string()?,
                message: self.opt_string()?,
            });
        }
        Ok(out)
    }
}

/// Writes the primitives of the format (also used by the results cache).
#[derive(Default)]
pub struct Writer(pub Vec<u8>);

impl Writer {
    /// A LEB128 varint.
    pub fn uint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    /// A length-prefixed string.
    pub fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    /// An optional string.
    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.0.push(0),
            Some(s) => {
                self.0.push(1);
                self.str(s);
            }
        }
    }
}

/// Reads what [`Writer`] wrote.
pub struct Reader<'a> {
    /// The bytes not read yet.
    pub bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    /// One byte.
    pub fn byte(&mut self) -> Result<u8, String> {
        let (&b, rest) = self.bytes.split_first().ok_or("truncated")?;
        self.bytes = rest;
        Ok(b)
    }

    /// A LEB128 varint.
    #[inline]
    pub fn uint(&mut self) -> Result<u64, String> {
        if let Some((&b, rest)) = self.bytes.split_first() {
            if b < 0x80 {
                self.bytes = rest;
                return Ok(u64::from(b));
            }
        }
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("bad varint".into())
    }

    /// A count of items that follow; bounded by the bytes left (each item takes at least one).
    pub fn len(&mut self) -> Result<usize, String> {
        let n = self.uint()? as usize;
        if n > self.bytes.len() {
            return Err("bad length".into());
        }
        Ok(n)
    }

    /// A length-prefixed string, borrowed from the bytes.
    pub fn str(&mut self) -> Result<&'a str, String> {
        let n = self.len()?;
        let (text, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        std::str::from_utf8(text).map_err(|e| e.to_string())
    }
}
