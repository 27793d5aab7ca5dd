//! A history decoded from its compact form: its header, read at once, and the catalog of a
//! release, whose aliases and objects stay encoded until asked for.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use smallvec::SmallVec;

use super::super::model::{
    AliasTable, Catalog, Export, ObjectTable, Status, FORMAT_VERSION, HISTORY_FORMAT,
};
use super::decode::{covers, run_start, Decoder, Keyed, Strings};
use super::lazy::{DecodedObjects, LazyAliases, LazyObjects};
use super::{fixed, Reader, MAGIC, VERSION};

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

impl HistoryIndex {
    /// Reads the string table's header and the history's header, as [`super::encode`] wrote them
    /// ([`super::encode::Encoded`]: its text and its data).
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
        let objects = LazyObjects::new(
            objects,
            decoded,
            (self.releases, release as u32),
            packages,
            base,
        );
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
            aliases: (Arc::new(LazyAliases {
                section: aliases,
                release: release as u32,
            }) as Arc<dyn AliasTable>)
                .into(),
            objects: (Box::new(objects) as Box<dyn ObjectTable>).into(),
        })
    }
}
