//! A compact binary form of a package's [`History`], embedded in the binary instead of the JSON.
//!
//! `api-catalog/*.json` stays the source of truth: `build.rs` parses each history and encodes
//! it with [`encode`] (this file is compiled into the build script too), and the checker decodes
//! only the packages it needs with [`HistoryIndex::decode`], then only the release it needs
//! with [`HistoryIndex::at`]. Both read a few fixed-width headers and the small sections; the
//! thousands of aliases and objects are looked up one at a time, by binary search, when asked
//! for (a check touches a few dozen of them), so loading a release costs the same whatever the
//! length of the history.
//!
//! Layout: the magic `DALH`, a format byte, a table of the distinct strings (their count and
//! `count + 1` offsets as 32-bit little-endian integers into their UTF-8 texts, which are
//! written back to back apart, see [`Encoded`]), then the fields of [`History`] in declaration
//! order.
//! Integers are LEB128 varints; a string is its index in the table; an `Option` is a 0/1 byte
//! then the value; a sequence or map is its length then its items. A period is the index of its
//! first release and of the release after it (the release count while it is open), then its
//! value; an object's value is the length of its encoding, then the encoding, so that a reader
//! can skip the periods of other releases without decoding them. The exports, the aliases and
//! the objects are *keyed sections*: their count and, per key in key order, the key's string
//! index and the end of its periods in the data (32-bit little-endian integers), then the data.
//! The objects are followed by the packages their ids belong to, each with the release spans in
//! which it has objects, and by a last keyed section: every export path, module name and alias
//! with the release spans that have it (what "when was this removed" asks), so that no question
//! over all releases builds a map of the whole history.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rustc_hash::FxHashMap;
use smallvec::SmallVec;

use super::model::{
    Catalog, Export, History, Kind, Marker, Object, Objects, Period, Signature, Status,
    FORMAT_VERSION, HISTORY_FORMAT,
};

const MAGIC: &[u8; 4] = b"DALH";
const VERSION: u8 = 8;
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

/// The top-level package of a dotted path.
fn top_package(path: &str) -> &str {
    path.split_once('.').map_or(path, |(top, _)| top)
}

/// Encodes a history (in `build.rs`; the checker only decodes, and tests round-trip).
#[cfg_attr(not(test), allow(dead_code))]
pub fn encode(history: &History) -> Encoded {
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
    e.uint(history.module_aliases.len() as u64);
    for (key, periods) in &history.module_aliases {
        e.str(key);
        e.str_periods(periods, &span);
    }
    e.keyed(&history.exports, |e, periods| {
        e.uint(periods.len() as u64);
        for p in periods {
            span(e, &p.added, p.removed.as_deref());
            e.opt_str(p.value.target.as_deref());
            e.markers(&p.value.markers);
        }
    });
    e.keyed(&history.aliases, |e, periods| e.str_periods(periods, &span));
    e.keyed(&history.objects, |e, periods| {
        e.uint(periods.len() as u64);
        for p in periods {
            span(e, &p.added, p.removed.as_deref());
            let outer = std::mem::take(&mut e.body);
            e.object(&p.value);
            let encoded = std::mem::replace(&mut e.body, outer);
            e.uint(encoded.0.len() as u64);
            e.body.0.extend_from_slice(&encoded.0);
        }
    });
    // The packages of the object ids, each with the releases in which it has objects.
    let mut packages: BTreeMap<&str, Vec<(u64, u64)>> = BTreeMap::new();
    for (id, periods) in &history.objects {
        let spans = packages.entry(top_package(id)).or_default();
        for p in periods {
            spans.push((
                index[p.added.as_str()],
                p.removed.as_deref().map_or(end, |r| index[r]),
            ));
        }
    }
    e.uint(packages.len() as u64);
    for (package, mut spans) in packages {
        spans.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::new();
        for (start, stop) in spans {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(stop),
                _ => merged.push((start, stop)),
            }
        }
        e.str(package);
        e.uint(merged.len() as u64);
        for (start, stop) in merged {
            e.uint(start);
            e.uint(stop);
        }
    }
    // Every export path, module name and alias (of a module or an object) with the releases
    // that have it, for the questions asked over all releases (when was a name removed).
    let mut names: BTreeMap<String, Vec<(u64, u64)>> = BTreeMap::new();
    let mut add = |name: &str, added: &str, removed: Option<&str>| {
        names
            .entry(name.to_string())
            .or_default()
            .push((index[added], removed.map_or(end, |r| index[r])));
    };
    for (name, spans) in &history.modules {
        for s in spans {
            add(name, &s.added, s.removed.as_deref());
        }
    }
    for (name, periods) in &history.module_aliases {
        for p in periods {
            add(name, &p.added, p.removed.as_deref());
        }
    }
    for (name, periods) in &history.exports {
        for p in periods {
            add(name, &p.added, p.removed.as_deref());
        }
    }
    for (name, periods) in &history.aliases {
        for p in periods {
            add(name, &p.added, p.removed.as_deref());
        }
    }
    e.keyed(&names, |e, spans| {
        let mut spans = spans.clone();
        spans.sort_unstable();
        e.uint(spans.len() as u64);
        for (start, stop) in spans {
            e.uint(start);
            e.uint(stop);
        }
    });
    // Header, then the string table's offsets (its count, then `count + 1` offsets), the body;
    // the texts of the table go apart.
    let mut out = Writer(Vec::with_capacity(e.body.0.len() + 4 * e.table.len() + 16));
    out.0.extend_from_slice(MAGIC);
    out.0.push(VERSION);
    out.u32(e.table.len());
    let mut offset = 0;
    out.u32(offset);
    for s in &e.table {
        offset += s.len();
        out.u32(offset);
    }
    out.0.extend_from_slice(&e.body.0);
    Encoded {
        text: e.table.concat(),
        data: out.0,
    }
}

/// An encoded history in two parts: the texts of its string table, back to back, and the rest.
/// The texts are embedded as a `&str`, so that the compiler checks them to be UTF-8 once, not
/// the checker at each start.
#[cfg_attr(not(test), allow(dead_code))]
pub struct Encoded {
    /// Every string of the table, one after the other.
    pub text: String,
    /// The header, the string table's offsets into `text`, then the body.
    pub data: Vec<u8>,
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
        let i = self.intern(s);
        self.body.uint(i);
    }

    fn intern(&mut self, s: &str) -> u64 {
        match self.index.get(s) {
            Some(&i) => i,
            None => {
                let i = self.table.len() as u64;
                self.table.push(s.to_string());
                self.index.insert(s.to_string(), i);
                i
            }
        }
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

    /// The periods of one key of a map of strings.
    fn str_periods(
        &mut self,
        periods: &[Period<String>],
        span: &dyn Fn(&mut Encoder, &str, Option<&str>),
    ) {
        self.uint(periods.len() as u64);
        for p in periods {
            span(self, &p.added, p.removed.as_deref());
            self.str(&p.value);
        }
    }

    /// A keyed section: the count, a fixed-width entry per key (its string index and the end
    /// of its encoded value in the data), then the data.
    fn keyed<V>(&mut self, map: &BTreeMap<String, V>, mut value: impl FnMut(&mut Encoder, &V)) {
        let outer = std::mem::take(&mut self.body);
        let mut entries = Vec::with_capacity(map.len());
        for (key, v) in map {
            let key = self.intern(key);
            value(self, v);
            entries.push((key, self.body.0.len()));
        }
        let data = std::mem::replace(&mut self.body, outer);
        self.body.u32(map.len());
        for (key, end) in entries {
            self.body.u32(key as usize);
            self.body.u32(end);
        }
        self.body.0.extend_from_slice(&data.0);
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
        self.opt_str(object.forward.as_deref());
        match &object.signature {
            None => self.body.0.push(0),
            Some(sig) => {
                self.body
                    .0
                    .push(1 | u8::from(sig.var_positional) << 1 | u8::from(sig.var_keyword) << 2);
                self.strs(&sig.positional);
                self.strs(&sig.keyword);
                self.strs(&sig.required);
            }
        }
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

/// Reads a 32-bit little-endian integer at item `i` of a table of `width`-byte items, at byte
/// `at` within the item.
#[inline]
fn fixed(bytes: &[u8], i: usize, width: usize, at: usize) -> usize {
    let start = i * width + at;
    u32::from_le_bytes(bytes[start..start + 4].try_into().expect("four bytes")) as usize
}

/// The string table of an encoded history: strings are read by index without decoding the
/// others.
#[derive(Clone, Copy)]
struct Strings {
    /// `count + 1` offsets into `text`, 32-bit little-endian.
    offsets: &'static [u8],
    /// Every string, one after the other.
    text: &'static str,
}

impl Strings {
    fn len(&self) -> usize {
        self.offsets.len() / 4 - 1
    }

    /// String number `i`; an error when its offsets are out of order, out of the text or
    /// inside a character.
    #[inline]
    fn get(&self, i: usize) -> Result<&'static str, String> {
        if i >= self.len() {
            return Err("bad string index".into());
        }
        let (start, end) = (
            fixed(self.offsets, i, 4, 0),
            fixed(self.offsets, i + 1, 4, 0),
        );
        Ok(self.text.get(start..end).ok_or("bad string offset")?)
    }

    /// String number `i` of data that decoded before (an invariant of shipped histories).
    fn known(&self, i: usize) -> &'static str {
        self.get(i).expect("shipped histories are valid (tested)")
    }
}

/// A keyed section of an encoded history: its keys in order, each with its encoded periods,
/// found by binary search.
#[derive(Clone, Copy)]
struct Keyed {
    /// Eight bytes per key: its string index and the end of its periods in `data`.
    entries: &'static [u8],
    data: &'static [u8],
    strings: Strings,
}

impl Keyed {
    /// Reads a keyed section's table from `r`, leaving `r` after its data.
    fn read(r: &mut Reader<'static>, strings: Strings) -> Result<Keyed, String> {
        let header = r.bytes.get(..4).ok_or("truncated keyed section")?;
        let n = fixed(header, 0, 4, 0);
        let entries = r.bytes.get(4..4 + n * 8).ok_or("truncated keyed section")?;
        let len = if n == 0 {
            0
        } else {
            fixed(entries, n - 1, 8, 4)
        };
        let data = r
            .bytes
            .get(4 + n * 8..4 + n * 8 + len)
            .ok_or("truncated keyed section")?;
        r.bytes = &r.bytes[4 + n * 8 + len..];
        // The keys' strings and order are not walked here (that would cost a pass over every
        // key of the section for each release asked for): shipped histories, the only ones
        // decoded, are checked whole by the tests in `shipped.rs`.
        Ok(Keyed {
            entries,
            data,
            strings,
        })
    }

    fn len(&self) -> usize {
        self.entries.len() / 8
    }

    fn end(&self, i: usize) -> usize {
        fixed(self.entries, i, 8, 4)
    }

    /// The key at `i` of a shipped history (checked whole by the tests).
    fn known_key(&self, i: usize) -> &'static str {
        self.strings.known(fixed(self.entries, i, 8, 0))
    }

    /// A reader over the encoded periods of the key at `i`.
    fn periods(&self, i: usize) -> Decoder {
        let start = if i == 0 { 0 } else { self.end(i - 1) };
        Decoder {
            r: Reader {
                bytes: &self.data[start..self.end(i)],
            },
            strings: self.strings,
        }
    }

    /// The position of `key`.
    fn find(&self, key: &str) -> Option<usize> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.known_key(mid).cmp(key) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }
}

/// A decoded history's header; the releases' contents stay encoded until [`HistoryIndex::at`]
/// asks for one.
pub struct HistoryIndex {
    strings: Strings,
    /// Import name of the package.
    pub package: &'static str,
    /// Distribution name.
    pub distribution: &'static str,
    /// Every release, oldest first.
    pub releases: &'static [&'static str],
    body: &'static [u8],
    /// What [`HistoryIndex::spans_of`] and [`HistoryIndex::marked_since`] read, found on first
    /// use (a check that reports nothing never needs it).
    sections: OnceLock<Sections>,
    /// The objects decoded so far, shared by the catalogs of every release (made with the
    /// first catalog).
    decoded: OnceLock<DecodedObjects>,
}

/// The decoded objects of a history: per key of its objects section, per period of the key,
/// each decoded the first time a catalog asks for it. The releases of one period share one
/// object (a library's catalog over dagster's pinned release and dagster's own catalog
/// decode a class once, not once each), and a key costs one cell until asked for.
type DecodedObjects = Arc<[OnceLock<Box<[OnceLock<Box<Object>>]>>]>;

/// The keyed sections that questions over every release read.
#[derive(Clone, Copy)]
struct Sections {
    /// Each export's periods.
    exports: Keyed,
    /// Each object's periods.
    objects: Keyed,
    /// The releases (index spans, the end excluded) that have each export path, module name
    /// and alias path.
    names: Keyed,
}

/// Whether a period covers a release; reads the period's span.
fn covers(d: &mut Decoder, release: u64) -> Result<bool, String> {
    let start = d.r.uint()?;
    let end = d.r.uint()?;
    Ok(start <= release && release < end)
}

impl HistoryIndex {
    /// Reads the string table's header and the history's header, as [`encode`] wrote them
    /// ([`Encoded::text`] and [`Encoded::data`]).
    pub fn decode(text: &'static str, data: &'static [u8]) -> Result<HistoryIndex, String> {
        let rest = data
            .strip_prefix(MAGIC.as_slice())
            .ok_or("not a compact history")?;
        let (&version, rest) = rest.split_first().ok_or("truncated")?;
        if version != VERSION {
            return Err(format!(
                "compact history version {version}, expected {VERSION}"
            ));
        }
        let count = fixed(rest.get(..4).ok_or("truncated")?, 0, 4, 0);
        let start = 4 + (count + 1) * 4;
        let offsets = rest.get(4..start).ok_or("truncated string table")?;
        if fixed(offsets, count, 4, 0) != text.len() {
            return Err("the string table does not match its text".into());
        }
        let strings = Strings { offsets, text };
        let mut d = Decoder {
            r: Reader {
                bytes: &rest[start..],
            },
            strings,
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
        // Held for the life of the process, as the embedded bytes are.
        let releases: &'static [&'static str] = Vec::leak(releases);
        Ok(HistoryIndex {
            strings,
            package,
            distribution,
            releases,
            body: d.r.bytes,
            sections: OnceLock::new(),
            decoded: OnceLock::new(),
        })
    }

    /// The releases (index spans, the end excluded) that have `path`: an export, a module or
    /// an alias of either. Empty when no release has it.
    pub fn spans_of(&self, path: &str) -> SmallVec<[(u32, u32); 2]> {
        let names = self.sections().names;
        let Some(i) = names.find(path) else {
            return SmallVec::new();
        };
        let mut d = names.periods(i);
        let read = |d: &mut Decoder| -> Result<SmallVec<[(u32, u32); 2]>, String> {
            (0..d.r.len()?)
                .map(|_| Ok((d.r.uint()? as u32, d.r.uint()? as u32)))
                .collect()
        };
        read(&mut d).expect("shipped histories are valid (tested)")
    }

    /// Every export path, module name and alias that some release has.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        let names = self.sections().names;
        (0..names.len()).map(move |i| names.known_key(i))
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
        let sections = self.sections();
        let (periods, object) = match id {
            Some(id) => (sections.objects.periods(sections.objects.find(id)?), true),
            None => (
                sections.exports.periods(sections.exports.find(path)?),
                false,
            ),
        };
        run_start(periods, object, status, release)
    }

    fn sections(&self) -> &Sections {
        self.sections.get_or_init(|| {
            self.read_sections()
                .expect("shipped histories are valid (tested)")
        })
    }

    /// A reader at the start of the body (after the release list).
    fn body(&self) -> Decoder {
        Decoder {
            r: Reader { bytes: self.body },
            strings: self.strings,
        }
    }

    /// Finds the keyed sections, reading past the small sections before them.
    fn read_sections(&self) -> Result<Sections, String> {
        let mut d = self.body();
        let skip_span = |d: &mut Decoder| -> Result<(), String> {
            d.r.uint()?;
            d.r.uint()?;
            Ok(())
        };
        for _ in 0..2 {
            for _ in 0..d.r.len()? {
                skip_span(&mut d)?;
                d.str()?;
            }
        }
        for _ in 0..2 {
            for _ in 0..d.r.len()? {
                d.str()?;
                for _ in 0..d.r.len()? {
                    skip_span(&mut d)?;
                }
            }
        }
        for _ in 0..d.r.len()? {
            d.str()?;
            for _ in 0..d.r.len()? {
                skip_span(&mut d)?;
                d.str()?;
            }
        }
        let exports = Keyed::read(&mut d.r, self.strings)?;
        Keyed::read(&mut d.r, self.strings)?;
        let objects = Keyed::read(&mut d.r, self.strings)?;
        for _ in 0..d.r.len()? {
            d.str()?;
            for _ in 0..d.r.len()? {
                skip_span(&mut d)?;
            }
        }
        let names = Keyed::read(&mut d.r, self.strings)?;
        Ok(Sections {
            exports,
            objects,
            names,
        })
    }

    /// The catalog of release number `release` (an index into [`HistoryIndex::releases`]),
    /// with its aliases and objects left encoded until asked for. `base` is the catalog of the
    /// dagster release the library pins, whose objects fill in those the library's history
    /// left out.
    pub fn at(
        &self,
        release: usize,
        base: impl FnOnce(&str) -> Option<&'static Catalog>,
    ) -> Result<Catalog, String> {
        let version = *self.releases.get(release).ok_or("no such release")?;
        let release = release as u64;
        let mut d = self.body();
        let single = |d: &mut Decoder| -> Result<Option<&'static str>, String> {
            let mut found = None;
            for _ in 0..d.r.len()? {
                let hit = covers(d, release)?;
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
                    hit |= covers(&mut d, release)?;
                }
                if hit {
                    set.push(name.to_string());
                }
            }
        }
        let [public_modules, modules] = sets;
        let mut module_aliases = BTreeMap::new();
        for _ in 0..d.r.len()? {
            let key = d.str()?;
            if let Some(value) = single(&mut d)? {
                module_aliases.insert(key.to_string(), value.to_string());
            }
        }
        let mut exports = Vec::new();
        let exports_section = Keyed::read(&mut d.r, self.strings)?;
        for i in 0..exports_section.len() {
            let path = exports_section.known_key(i);
            let mut d = exports_section.periods(i);
            for _ in 0..d.r.len()? {
                if covers(&mut d, release)? {
                    let target = d.opt_string()?;
                    let markers = d.markers()?;
                    exports.push((path.to_string(), Export { target, markers }));
                } else {
                    d.opt_str()?;
                    d.skip_markers()?;
                }
            }
        }
        let aliases = Keyed::read(&mut d.r, self.strings)?;
        let objects = Keyed::read(&mut d.r, self.strings)?;
        let mut packages = Vec::new();
        for _ in 0..d.r.len()? {
            let package = d.str()?;
            let mut hit = false;
            for _ in 0..d.r.len()? {
                hit |= covers(&mut d, release)?;
            }
            if hit {
                packages.push(package);
            }
        }
        Keyed::read(&mut d.r, self.strings)?;
        if !d.r.bytes.is_empty() {
            return Err("trailing bytes".into());
        }
        // A library's objects fall back on those of the dagster release it pins, shared with
        // that release's own catalog (not copied into every library's table).
        let base = requires_dagster
            .and_then(base)
            .map(|pinned| &pinned.objects);
        let decoded = self
            .decoded
            .get_or_init(|| (0..objects.len()).map(|_| OnceLock::new()).collect())
            .clone();
        let objects = LazyObjects {
            decoded,
            section: objects,
            releases: self.releases,
            release: release as u32,
            packages,
            base,
            positions: Mutex::default(),
        };
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
            aliases: LazyAliases {
                section: aliases,
                release: release as u32,
            }
            .into(),
            objects: objects.into(),
        })
    }
}

/// The index of the first release of the uninterrupted run of periods, up to `release`, whose
/// markers include `status`: `periods` reads an object's (`object`) or an export's encoded
/// periods; `None` when the period of `release` lacks `status`.
fn run_start(mut d: Decoder, object: bool, status: Status, release: usize) -> Option<usize> {
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
                strings: d.strings,
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

/// The aliases of a catalog decoded from a history: looked up in the history's keyed section
/// (binary search, then the key's periods), without copying or indexing the thousands a
/// release has.
#[derive(Clone, Copy)]
pub struct LazyAliases {
    section: Keyed,
    release: u32,
}

impl LazyAliases {
    /// The object id that `path` reaches at this release.
    pub fn get(&self, path: &str) -> Option<&'static str> {
        self.value(self.section.find(path)?)
    }

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

    /// Every alias of this release with its object id, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        (0..self.section.len()).filter_map(|i| Some((self.section.known_key(i), self.value(i)?)))
    }
}

/// The objects of a catalog decoded from a history: looked up in the history's keyed section,
/// each decoded the first time it is asked for; for a library, over the objects of the dagster
/// release it pins (`base`), which its own objects hide.
pub struct LazyObjects {
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
    /// The object with this id.
    pub fn get(&self, id: &str) -> Option<&Object> {
        match self.position(id) {
            Some((i, period)) => Some(self.decoded(i, period)),
            None => self.base?.get(id),
        }
    }

    /// The call signature of the object `id` (objects are decoded without theirs: only the
    /// unsafe rename fixes read one).
    pub fn signature(&self, id: &str) -> Option<Signature> {
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
    pub fn marked_since(&self, id: &str, status: Status) -> Option<Option<&'static str>> {
        let Some((i, _)) = self.position(id) else {
            return self.base?.marked_since(id, status);
        };
        let first = run_start(self.section.periods(i), true, status, self.release as usize);
        Some(first.filter(|i| *i > 0).map(|i| self.releases[i]))
    }

    /// True when an object has this id.
    pub fn contains_key(&self, id: &str) -> bool {
        self.position(id).is_some() || self.base.is_some_and(|b| b.contains_key(id))
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

    /// How many objects there are.
    pub fn len(&self) -> usize {
        self.ids().count()
    }

    /// Every object id, in order.
    pub fn ids(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        let own = self.own().map(|(_, id, _)| (id, ()));
        match self.base {
            None => Box::new(own.map(|(id, ())| id)),
            Some(base) => {
                Box::new(merge_by_id(own, base.ids().map(|id| (id, ()))).map(|(id, ())| id))
            }
        }
    }

    /// The distinct top-level packages of the object ids, in order.
    pub fn packages(&self) -> Vec<&str> {
        let mut packages: Vec<&str> = self.packages.clone();
        if let Some(base) = self.base {
            packages.extend(base.packages());
            packages.sort_unstable();
            packages.dedup();
        }
        packages
    }

    /// Every object with its id, in id order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = (&str, &Object)> + '_> {
        let own = self
            .own()
            .map(|(i, id, period)| (id, self.decoded(i, period)));
        match self.base {
            None => Box::new(own),
            Some(base) => Box::new(merge_by_id(own, base.iter())),
        }
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

/// Reads the body: strings are indexes into the table.
struct Decoder {
    r: Reader<'static>,
    strings: Strings,
}

impl Decoder {
    /// A string of the table, borrowed.
    #[inline]
    fn str(&mut self) -> Result<&'static str, String> {
        let i = self.r.uint()? as usize;
        self.strings.get(i)
    }

    #[inline]
    fn string(&mut self) -> Result<String, String> {
        self.str().map(str::to_owned)
    }

    /// Reads an object; its call signature only when `signature` (else the bytes are skipped
    /// and it is `None`: few checks need one, see [`LazyObjects::signature`]).
    fn object(&mut self, signature: bool) -> Result<Object, String> {
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
        let forward = self.opt_string()?;
        let signature = self.signature(signature)?;
        Ok(Object {
            kind,
            public,
            markers,
            params,
            members,
            bases,
            returns,
            forward,
            signature,
        })
    }

    fn opt_str(&mut self) -> Result<Option<&'static str>, String> {
        match self.r.byte()? {
            0 => Ok(None),
            _ => self.str().map(Some),
        }
    }

    fn opt_string(&mut self) -> Result<Option<String>, String> {
        Ok(self.opt_str()?.map(str::to_owned))
    }

    fn strings(&mut self) -> Result<Vec<String>, String> {
        let n = self.r.len()?;
        if n == 0 {
            return Ok(Vec::new());
        }
        (0..n).map(|_| self.string()).collect()
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

    /// Reads past markers that are not needed, checking them as [`Decoder::markers`] does.
    fn skip_markers(&mut self) -> Result<(), String> {
        for _ in 0..self.r.len()? {
            let b = self.r.byte()?;
            STATUSES.get((b & 0x7f) as usize).ok_or("bad status")?;
            self.opt_str()?;
            self.opt_str()?;
        }
        Ok(())
    }

    /// Reads an object's call signature (the last of its fields); skips it unless `keep`.
    fn signature(&mut self, keep: bool) -> Result<Option<Signature>, String> {
        Ok(match self.r.byte()? {
            0 => None,
            _ if !keep => {
                for _ in 0..3 {
                    self.skip_strs()?;
                }
                None
            }
            flags => Some(Signature {
                positional: self.strings()?,
                keyword: self.strings()?,
                required: self.strings()?,
                var_positional: flags & 2 != 0,
                var_keyword: flags & 4 != 0,
            }),
        })
    }

    /// Reads only an object's call signature, stepping over its other fields without
    /// decoding them (the layout [`Decoder::object`] reads).
    fn object_signature(&mut self) -> Result<Option<Signature>, String> {
        self.r.byte()?; // kind
        self.r.byte()?; // public
        self.skip_markers()?;
        for _ in 0..self.r.len()? {
            self.r.uint()?; // a parameter's name
            self.skip_markers()?;
        }
        self.skip_strs()?; // members
        self.skip_strs()?; // bases
        self.skip_opt_str()?; // returns
        self.skip_opt_str()?; // forward
        self.signature(true)
    }

    fn skip_strs(&mut self) -> Result<(), String> {
        for _ in 0..self.r.len()? {
            self.r.uint()?;
        }
        Ok(())
    }

    fn skip_opt_str(&mut self) -> Result<(), String> {
        if self.r.byte()? != 0 {
            self.r.uint()?;
        }
        Ok(())
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

    /// A 32-bit little-endian integer (fixed width, for tables read by position).
    pub fn u32(&mut self, v: usize) {
        let v = u32::try_from(v).expect("fits in 32 bits");
        self.0.extend_from_slice(&v.to_le_bytes());
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
