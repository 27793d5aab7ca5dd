//! Encoding a [`History`] into its compact form (in `build.rs`; the checker only decodes, and
//! tests round-trip).

use std::collections::{BTreeMap, HashMap};

use super::super::model::{History, Marker, Object, Period};
use super::{top_package, Writer, KINDS, MAGIC, STATUSES, VERSION};

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
