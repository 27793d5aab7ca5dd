//! The catalog data model: what one version of one dagster package exposes and how stable it is.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// Version of the catalog file format; bump when the shape changes.
pub const FORMAT_VERSION: u32 = 1;

/// Everything the checker knows about one version of one package (`dagster`, `dagster_dbt`, ...).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Catalog {
    /// Catalog file format version ([`FORMAT_VERSION`]).
    pub format: u32,
    /// Import name of the package (`dagster_dbt`).
    pub package: String,
    /// Distribution name on PyPI (`dagster-dbt`).
    pub distribution: String,
    /// Package version from the wheel metadata.
    pub version: String,
    /// `Requires-Python` from the wheel metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_python: Option<String>,
    /// The dagster release an integration library pins (`Requires-Dist: dagster==X`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_dagster: Option<String>,
    /// Modules whose exports carry the stability promise (`dagster`, `dagster.components`, ...).
    pub public_modules: Vec<String>,
    /// Every module of the package whose path has no private (`_`) segment, public or not.
    pub modules: Vec<String>,
    /// Module aliases installed at import time (`dagster.core` -> `dagster._core`, up to 1.12).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub module_aliases: BTreeMap<String, String>,
    /// Names exported by the public modules, by their public dotted path.
    pub exports: BTreeMap<String, Export>,
    /// Other dotted paths (private re-export hops) that reach a catalogued object.
    #[serde(default, skip_serializing_if = "Aliases::is_empty")]
    pub aliases: Aliases,
    /// Catalogued objects by their defining path (`dagster._core.definitions.asset_spec.AssetSpec`).
    pub objects: Objects,
}

/// The catalogued objects of a catalog by id: an ordinary map (built or read from JSON), or for
/// a shipped catalog a table over the embedded bytes whose objects are decoded one at a time on
/// first access (a check touches a few dozen of the thousands of objects).
pub struct Objects(ObjectsRepr);

enum ObjectsRepr {
    Map(BTreeMap<String, Object>),
    Lazy(Box<dyn ObjectTable>),
}

/// A table of objects read from elsewhere than a map (the embedded histories decode theirs on
/// first access): what [`Objects`] asks of it. (A trait, so that this model does not depend on
/// the decoder.)
pub trait ObjectTable: Send + Sync {
    /// The object with this id.
    fn get(&self, id: &str) -> Option<&Object>;

    /// True when an object has this id.
    fn contains_key(&self, id: &str) -> bool;

    /// The first release of the uninterrupted run of releases, up to the one this table is
    /// of, in which the object `id` carries a marker of `status` (`None` inside: not marked
    /// now, or marked since before the first release known); `None` without such an object.
    fn marked_since(&self, id: &str, status: Status) -> Option<Option<&'static str>>;

    /// Every object id, in order.
    fn ids(&self) -> Box<dyn Iterator<Item = &str> + '_>;

    /// The distinct top-level packages of the object ids, in order.
    fn packages(&self) -> Vec<&str>;

    /// Every object with its id, in id order.
    fn iter(&self) -> Box<dyn Iterator<Item = (&str, &Object)> + '_>;

    /// The call signature of the object `id` (a table may decode objects without theirs).
    fn signature(&self, id: &str) -> Option<Signature>;
}

impl Objects {
    /// The object with this id.
    pub fn get(&self, id: &str) -> Option<&Object> {
        match &self.0 {
            ObjectsRepr::Map(map) => map.get(id),
            ObjectsRepr::Lazy(table) => table.get(id),
        }
    }

    /// True when an object has this id.
    pub fn contains_key(&self, id: &str) -> bool {
        match &self.0 {
            ObjectsRepr::Map(map) => map.contains_key(id),
            ObjectsRepr::Lazy(table) => table.contains_key(id),
        }
    }

    /// How many objects there are.
    pub(crate) fn len(&self) -> usize {
        match &self.0 {
            ObjectsRepr::Map(map) => map.len(),
            ObjectsRepr::Lazy(table) => table.ids().count(),
        }
    }

    /// For an object decoded from a history: the first release of the run of releases in
    /// which it has carried a marker of `status` (see
    /// [`ObjectTable::marked_since`]); `None` for other tables.
    pub fn marked_since(&self, id: &str, status: Status) -> Option<Option<&'static str>> {
        match &self.0 {
            ObjectsRepr::Map(_) => None,
            ObjectsRepr::Lazy(table) => table.marked_since(id, status),
        }
    }

    /// Every object id, in order (decodes nothing).
    pub fn ids(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        match &self.0 {
            ObjectsRepr::Map(map) => Box::new(map.keys().map(String::as_str)),
            ObjectsRepr::Lazy(table) => table.ids(),
        }
    }

    /// The distinct top-level packages of the object ids, in order (decodes nothing).
    pub fn packages(&self) -> Vec<&str> {
        match &self.0 {
            ObjectsRepr::Map(map) => {
                let mut packages: Vec<&str> = map
                    .keys()
                    .map(|id| id.split_once('.').map_or(id.as_str(), |(top, _)| top))
                    .collect();
                packages.sort_unstable();
                packages.dedup();
                packages
            }
            ObjectsRepr::Lazy(table) => table.packages(),
        }
    }

    /// Every object with its id, in id order (decodes all of a lazy table).
    pub fn iter(&self) -> Box<dyn Iterator<Item = (&str, &Object)> + '_> {
        match &self.0 {
            ObjectsRepr::Map(map) => Box::new(map.iter().map(|(id, o)| (id.as_str(), o))),
            ObjectsRepr::Lazy(table) => table.iter(),
        }
    }
}

impl Objects {
    /// The call signature of the object `id`. Objects of a shipped catalog are decoded without
    /// theirs ([`Object::signature`] is `None` there): this reads it.
    pub fn signature(&self, id: &str) -> Option<Signature> {
        match &self.0 {
            ObjectsRepr::Map(map) => map.get(id)?.signature.clone(),
            ObjectsRepr::Lazy(table) => table.signature(id),
        }
    }
}

impl From<BTreeMap<String, Object>> for Objects {
    fn from(map: BTreeMap<String, Object>) -> Objects {
        Objects(ObjectsRepr::Map(map))
    }
}

impl From<Box<dyn ObjectTable>> for Objects {
    fn from(table: Box<dyn ObjectTable>) -> Objects {
        Objects(ObjectsRepr::Lazy(table))
    }
}

impl Default for Objects {
    fn default() -> Objects {
        BTreeMap::new().into()
    }
}

impl Clone for Objects {
    fn clone(&self) -> Objects {
        match &self.0 {
            ObjectsRepr::Map(map) => map.clone().into(),
            ObjectsRepr::Lazy(_) => self
                .iter()
                .map(|(id, o)| (id.to_string(), o.clone()))
                .collect::<BTreeMap<_, _>>()
                .into(),
        }
    }
}

impl PartialEq for Objects {
    fn eq(&self, other: &Objects) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for Objects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Objects {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Objects {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Objects, D::Error> {
        BTreeMap::<String, Object>::deserialize(deserializer).map(Objects::from)
    }
}

/// The private re-export hops of a catalog (path -> object id): an ordinary map (built or read
/// from JSON), or for a catalog decoded from a history a sorted table of the embedded strings,
/// made without copying them (a release of dagster has thousands).
#[derive(Clone)]
pub struct Aliases(AliasesRepr);

#[derive(Clone)]
enum AliasesRepr {
    Map(BTreeMap<String, String>),
    Lazy(Arc<dyn AliasTable>),
}

/// A table of aliases read from elsewhere than a map (the embedded histories look theirs up
/// in place): what [`Aliases`] asks of it. (A trait, so that this model does not depend on the
/// decoder.)
pub trait AliasTable: Send + Sync {
    /// The object id that `path` reaches.
    fn get(&self, path: &str) -> Option<&'static str>;

    /// Every alias with its object id, in path order.
    fn iter(&self) -> Box<dyn Iterator<Item = (&'static str, &'static str)> + '_>;
}

impl Aliases {
    /// The object id that `path` reaches.
    pub fn get(&self, path: &str) -> Option<&str> {
        match &self.0 {
            AliasesRepr::Map(map) => map.get(path).map(String::as_str),
            AliasesRepr::Lazy(table) => table.get(path),
        }
    }

    /// How many aliases there are.
    pub fn len(&self) -> usize {
        match &self.0 {
            AliasesRepr::Map(map) => map.len(),
            AliasesRepr::Lazy(table) => table.iter().count(),
        }
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every alias with its object id, in path order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = (&str, &str)> + '_> {
        match &self.0 {
            AliasesRepr::Map(map) => Box::new(map.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
            AliasesRepr::Lazy(table) => {
                Box::new(table.iter().map(|(k, v)| -> (&str, &str) { (k, v) }))
            }
        }
    }
}

impl From<BTreeMap<String, String>> for Aliases {
    fn from(map: BTreeMap<String, String>) -> Aliases {
        Aliases(AliasesRepr::Map(map))
    }
}

impl From<Arc<dyn AliasTable>> for Aliases {
    fn from(table: Arc<dyn AliasTable>) -> Aliases {
        Aliases(AliasesRepr::Lazy(table))
    }
}

impl Default for Aliases {
    fn default() -> Aliases {
        BTreeMap::new().into()
    }
}

impl std::ops::Index<&str> for Aliases {
    type Output = str;
    fn index(&self, path: &str) -> &str {
        self.get(path)
            .unwrap_or_else(|| panic!("no alias `{path}`"))
    }
}

impl PartialEq for Aliases {
    fn eq(&self, other: &Aliases) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for Aliases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Aliases {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Aliases {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Aliases, D::Error> {
        BTreeMap::<String, String>::deserialize(deserializer).map(Aliases::from)
    }
}

/// A name exported from a public module.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Export {
    /// The object it is bound to, when the builder could follow it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Markers of the export itself (module `__getattr__` tables), added to the object's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub markers: Vec<Marker>,
}

/// What kind of thing an object is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A class.
    Class,
    /// A module-level function (including decorated definitions such as `@op def`).
    Function,
    /// A method of a class.
    Method,
    /// A `@property` (or `cached_property`).
    Property,
    /// A `@classmethod`.
    Classmethod,
    /// A `@staticmethod`.
    Staticmethod,
    /// A class attribute or a NamedTuple field.
    Attribute,
    /// A module-level value (constant, instance, type alias).
    Value,
    /// A module.
    Module,
}

impl Kind {
    /// The lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Class => "class",
            Kind::Function => "function",
            Kind::Method => "method",
            Kind::Property => "property",
            Kind::Classmethod => "classmethod",
            Kind::Staticmethod => "staticmethod",
            Kind::Attribute => "attribute",
            Kind::Value => "value",
            Kind::Module => "module",
        }
    }

    /// True for class members (methods, properties, attributes).
    pub fn is_member(self) -> bool {
        matches!(
            self,
            Kind::Method
                | Kind::Classmethod
                | Kind::Staticmethod
                | Kind::Property
                | Kind::Attribute
        )
    }
}

/// A lifecycle status attached to an object or a parameter.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// `@beta` / `beta_param`.
    Beta,
    /// `@deprecated` / `deprecated_param` / `hidden_param` / module `_DEPRECATED` tables.
    Deprecated,
    /// `@experimental` / `experimental_param` (dagster up to 1.9; the old name of beta).
    Experimental,
    /// `@preview`.
    Preview,
    /// A name that now raises `ImportError` (`_DEPRECATED_WITH_ERROR`).
    Removed,
    /// `@superseded`.
    Superseded,
}

impl Status {
    /// The lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Beta => "beta",
            Status::Deprecated => "deprecated",
            Status::Experimental => "experimental",
            Status::Preview => "preview",
            Status::Removed => "removed",
            Status::Superseded => "superseded",
        }
    }
}

/// One lifecycle marker with its arguments.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Marker {
    /// Which status.
    pub status: Status,
    /// `breaking_version=` of a deprecation; `None` when absent or not statically known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaking_version: Option<String>,
    /// `additional_warn_text=` (the hint), or the ImportError text of a removed name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// True for `hidden_param` (a deprecated parameter hidden from the signature).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
}

/// A catalogued object: a class, function, member or value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Object {
    /// Its kind.
    pub kind: Option<Kind>,
    /// Marked `@public` (or `PublicAttr`). Top-level exports are public by being exported.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public: bool,
    /// Lifecycle markers, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub markers: Vec<Marker>,
    /// Marked parameters (for a class: of its `__init__`), by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, Vec<Marker>>,
    /// For classes: the names of the members the class body defines (inherited ones are found
    /// through `bases`). A member's object, when it has anything to say, is `<class id>.<name>`.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub members: BTreeSet<String>,
    /// For classes: catalogued base classes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bases: Vec<String>,
    /// The catalogued class that a function/method returns or a property/attribute holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
    /// For a deprecated property that only returns `self.a.b`: `a.b`, the member chain it
    /// forwards to (the source of a safe fix, see [`crate::fix`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward: Option<String>,
    /// For a module-level function, or a class with its own `__init__` or `__new__`: how it
    /// is called (the proof that a call's arguments fit another callable, see [`crate::fix`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

/// The parameters of a callable, as a call sees them (`self`/`cls` of a constructor left out).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Signature {
    /// The parameters that may be passed by position, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub positional: Vec<String>,
    /// The parameters that may be passed by keyword.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keyword: Vec<String>,
    /// Takes `*args`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub var_positional: bool,
    /// Takes `**kwargs`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub var_keyword: bool,
    /// The parameters a call must pass (no default value).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<String>,
}

impl Catalog {
    /// Finds member `name` of class `class_id`, looking through the bases depth-first, left to
    /// right. Returns the member id (`<defining class id>.<name>`) and its object, which is
    /// `None` for a plain member (exists, not public, unmarked).
    pub fn member(&self, class_id: &str, name: &str) -> Option<(String, Option<&Object>)> {
        let mut stack = vec![class_id];
        let mut seen = BTreeSet::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            let Some(class) = self.objects.get(id) else {
                continue;
            };
            if class.members.contains(name) {
                let member_id = format!("{id}.{name}");
                let object = self.objects.get(&member_id);
                return Some((member_id, object));
            }
            stack.extend(class.bases.iter().rev().map(String::as_str));
        }
        None
    }

    /// Every member name of a class, own and inherited.
    pub fn member_names(&self, class_id: &str) -> BTreeSet<&str> {
        let mut names = BTreeSet::new();
        let mut stack = vec![class_id];
        let mut seen = BTreeSet::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            if let Some(class) = self.objects.get(id) {
                names.extend(class.members.iter().map(String::as_str));
                stack.extend(class.bases.iter().map(String::as_str));
            }
        }
        names
    }
}

/// Version of the history file format; bump when the shape changes.
pub const HISTORY_FORMAT: u32 = 2;

/// One stretch of consecutive releases.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Span {
    /// The first release in the stretch.
    pub added: String,
    /// The first release after the stretch; `None` while the newest release is in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<String>,
}

/// A value held over one stretch of consecutive releases.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Period<T> {
    /// The first release with this value.
    pub added: String,
    /// The first release without it; `None` while the newest release has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<String>,
    /// The value.
    pub value: T,
}

/// Every release of one package: see [`super::history`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct History {
    /// [`HISTORY_FORMAT`].
    pub format: u32,
    /// Import name (`dagster_dbt`).
    pub package: String,
    /// Distribution name on PyPI (`dagster-dbt`).
    pub distribution: String,
    /// Every release covered, oldest first (PEP 440 order).
    pub releases: Vec<String>,
    /// The dagster release each release pins (integration libraries).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires_dagster: Vec<Period<String>>,
    /// `Requires-Python` of each release.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires_python: Vec<Period<String>>,
    /// Public modules.
    pub public_modules: BTreeMap<String, Vec<Span>>,
    /// Every module without a private segment.
    pub modules: BTreeMap<String, Vec<Span>>,
    /// Module aliases installed at import time.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub module_aliases: BTreeMap<String, Vec<Period<String>>>,
    /// Exports of the public modules.
    pub exports: BTreeMap<String, Vec<Period<Export>>>,
    /// Private re-export hops.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub aliases: BTreeMap<String, Vec<Period<String>>>,
    /// Catalogued objects by id (for a library: its own, and dagster's that differ from
    /// dagster's history at the pinned release).
    pub objects: BTreeMap<String, Vec<Period<Object>>>,
}
