//! Reading the compact form: the string table, the keyed sections and the values of the body.

use std::collections::{BTreeMap, BTreeSet};

use super::super::model::{Marker, Object, Signature, Status};
use super::{fixed, Reader, KINDS, STATUSES};

/// The string table of an encoded history: strings are read by index without decoding the
/// others.
#[derive(Clone, Copy)]
pub(super) struct Strings {
    /// `count + 1` offsets into `text`, 32-bit little-endian.
    pub(super) offsets: &'static [u8],
    /// Every string, one after the other.
    pub(super) text: &'static str,
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
pub(super) struct Keyed {
    /// Eight bytes per key: its string index and the end of its periods in `data`.
    pub(super) entries: &'static [u8],
    pub(super) data: &'static [u8],
    pub(super) strings: Strings,
}

impl Keyed {
    /// Reads a keyed section's table from `r`, leaving `r` after its data.
    pub(super) fn read(r: &mut Reader<'static>, strings: Strings) -> Result<Keyed, String> {
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

    pub(super) fn len(&self) -> usize {
        self.entries.len() / 8
    }

    fn end(&self, i: usize) -> usize {
        fixed(self.entries, i, 8, 4)
    }

    /// The key at `i` of a shipped history (checked whole by the tests).
    pub(super) fn known_key(&self, i: usize) -> &'static str {
        self.strings.known(fixed(self.entries, i, 8, 0))
    }

    /// A reader over the encoded periods of the key at `i`.
    pub(super) fn periods(&self, i: usize) -> Decoder {
        let start = if i == 0 { 0 } else { self.end(i - 1) };
        Decoder {
            r: Reader {
                bytes: &self.data[start..self.end(i)],
            },
            strings: self.strings,
        }
    }

    /// The position of `key`.
    pub(super) fn find(&self, key: &str) -> Option<usize> {
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

/// Whether a period covers a release; reads the period's span.
pub(super) fn covers(d: &mut Decoder, release: u64) -> Result<bool, String> {
    let start = d.r.uint()?;
    let end = d.r.uint()?;
    Ok(start <= release && release < end)
}

/// The index of the first release of the uninterrupted run of periods, up to `release`, whose
/// markers include `status`: `periods` reads an object's (`object`) or an export's encoded
/// periods; `None` when the period of `release` lacks `status`.
pub(super) fn run_start(
    mut d: Decoder,
    object: bool,
    status: Status,
    release: usize,
) -> Option<usize> {
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

/// Reads the body: strings are indexes into the table.
pub(super) struct Decoder {
    pub(super) r: Reader<'static>,
    pub(super) strings: Strings,
}

impl Decoder {
    /// A string of the table, borrowed.
    #[inline]
    pub(super) fn str(&mut self) -> Result<&'static str, String> {
        let i = self.r.uint()? as usize;
        self.strings.get(i)
    }

    #[inline]
    fn string(&mut self) -> Result<String, String> {
        self.str().map(str::to_owned)
    }

    /// Reads an object; its call signature only when `signature` (else the bytes are skipped
    /// and it is `None`: few checks need one, see [`LazyObjects::signature`]).
    pub(super) fn object(&mut self, signature: bool) -> Result<Object, String> {
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

    pub(super) fn opt_str(&mut self) -> Result<Option<&'static str>, String> {
        match self.r.byte()? {
            0 => Ok(None),
            _ => self.str().map(Some),
        }
    }

    pub(super) fn opt_string(&mut self) -> Result<Option<String>, String> {
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
    pub(super) fn skip_markers(&mut self) -> Result<(), String> {
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
    pub(super) fn object_signature(&mut self) -> Result<Option<Signature>, String> {
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

    pub(super) fn markers(&mut self) -> Result<Vec<Marker>, String> {
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
