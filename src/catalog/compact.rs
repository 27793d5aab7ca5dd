//! A compact binary form of a [`Catalog`], embedded in the binary instead of the JSON.
//!
//! `api-catalog/*.json` stays the source of truth: `build.rs` parses each file and encodes it
//! with [`encode`] (this file is compiled into the build script too), and the checker decodes
//! only the catalogs it needs with [`decode`], which is several times faster than parsing the
//! pretty JSON (no text scanning, no escapes, maps built from already sorted entries).
//!
//! Layout: the magic `DALC`, a format byte, a table of the distinct strings (their count, their
//! lengths, then their UTF-8 texts back to back: validated once, sliced without copying), then
//! the fields of [`Catalog`] in declaration order. Integers are LEB128 varints; a string is its
//! index in the table; an `Option` is a 0/1 byte then the value; a sequence or map is its length
//! then its items (maps in key order, so that they are built in bulk).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use super::model::{Catalog, Export, Kind, Marker, Object, Status};

const MAGIC: &[u8; 4] = b"DALC";
const VERSION: u8 = 3;

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

/// Encodes a catalog (in `build.rs`; the checker only decodes, and tests round-trip).
#[cfg_attr(not(test), allow(dead_code))]
pub fn encode(catalog: &Catalog) -> Vec<u8> {
    let mut e = Encoder::default();
    e.uint(catalog.format as u64);
    e.str(&catalog.package);
    e.str(&catalog.distribution);
    e.str(&catalog.version);
    e.opt_str(catalog.requires_python.as_deref());
    e.strs(&catalog.public_modules);
    e.strs(&catalog.modules);
    e.str_map(&catalog.module_aliases);
    e.uint(catalog.exports.len() as u64);
    for (path, export) in &catalog.exports {
        e.str(path);
        e.opt_str(export.target.as_deref());
        e.markers(&export.markers);
    }
    e.str_map(&catalog.aliases);
    // Each object is its id, then the length of its encoding, then the encoding, so that a
    // reader can index the objects without decoding them.
    e.uint(catalog.objects.len() as u64);
    for (id, object) in catalog.objects.iter() {
        e.str(id);
        let outer = std::mem::take(&mut e.body);
        e.object(object);
        let encoded = std::mem::replace(&mut e.body, outer);
        e.uint(encoded.0.len() as u64);
        e.body.0.extend_from_slice(&encoded.0);
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

    fn str_map(&mut self, map: &BTreeMap<String, String>) {
        self.uint(map.len() as u64);
        for (k, v) in map {
            self.str(k);
            self.str(v);
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

/// Decodes what [`encode`] wrote. The objects are not decoded here: the result keeps an index
/// of them over `bytes` and decodes each on first access.
pub fn decode(bytes: &'static [u8]) -> Result<Catalog, String> {
    let rest = bytes
        .strip_prefix(MAGIC.as_slice())
        .ok_or("not a compact catalog")?;
    let (&version, rest) = rest.split_first().ok_or("truncated")?;
    if version != VERSION {
        return Err(format!(
            "compact catalog version {version}, expected {VERSION}"
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
    let mut d = Decoder {
        r: Reader { bytes: body },
        table: &table,
    };
    let format = d.r.uint()? as u32;
    let package = d.string()?;
    let distribution = d.string()?;
    let version = d.string()?;
    let requires_python = d.opt_string()?;
    let public_modules = d.strings()?;
    let modules = d.strings()?;
    let module_aliases = d.str_map()?;
    let n = d.r.len()?;
    let exports = d.sorted(n, |d| {
        let path = d.string()?;
        let target = d.opt_string()?;
        let markers = d.markers()?;
        Ok((path, Export { target, markers }))
    })?;
    let aliases = d.str_map()?;
    let n = d.r.len()?;
    let mut ids = Vec::with_capacity(n);
    let mut bodies = Vec::with_capacity(n);
    for _ in 0..n {
        ids.push(d.str()?);
        let len = d.r.len()?;
        let (object, rest) = d.r.bytes.split_at(len);
        bodies.push(object);
        d.r.bytes = rest;
    }
    if !d.r.bytes.is_empty() {
        return Err("trailing bytes".into());
    }
    let decoded = (0..n).map(|_| OnceLock::new()).collect();
    Ok(Catalog {
        format,
        package,
        distribution,
        version,
        requires_python,
        public_modules,
        modules,
        module_aliases,
        exports,
        aliases,
        objects: LazyObjects {
            table,
            ids,
            bodies,
            decoded,
        }
        .into(),
    })
}

/// The objects of a compact catalog: their ids (in order) and encodings, each decoded the first
/// time it is asked for.
pub struct LazyObjects {
    table: Vec<&'static str>,
    ids: Vec<&'static str>,
    bodies: Vec<&'static [u8]>,
    decoded: Vec<OnceLock<Box<Object>>>,
}

impl LazyObjects {
    /// The object with this id.
    pub fn get(&self, id: &str) -> Option<&Object> {
        let i = self.ids.binary_search(&id).ok()?;
        Some(self.at(i))
    }

    /// True when an object has this id.
    pub fn contains_key(&self, id: &str) -> bool {
        self.ids.binary_search(&id).is_ok()
    }

    /// How many objects there are.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Every object id, in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.ids.iter().copied()
    }

    /// Every object with its id, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Object)> + '_ {
        self.ids.iter().enumerate().map(|(i, id)| (*id, self.at(i)))
    }

    fn at(&self, i: usize) -> &Object {
        self.decoded[i].get_or_init(|| {
            let mut d = Decoder {
                r: Reader {
                    bytes: self.bodies[i],
                },
                table: &self.table,
            };
            let object = d
                .object()
                .and_then(|o| match d.r.bytes.is_empty() {
                    true => Ok(o),
                    false => Err("trailing bytes".into()),
                })
                .unwrap_or_else(|e| {
                    panic!(
                        "shipped catalog object {} decodes (tested): {e}",
                        self.ids[i]
                    )
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

    fn str_map(&mut self) -> Result<BTreeMap<String, String>, String> {
        let n = self.r.len()?;
        self.sorted(n, |d| Ok((d.string()?, d.string()?)))
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
