//! What a name is bound to (a tracked path or an instance of a catalogued class), and the
//! interning of the dotted paths the resolver passes on.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashSet as HashSet;

use crate::syntax::Name;

/// An object whose catalogued class is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Instance {
    /// Catalog id of its class.
    pub(super) class: Rc<str>,
    /// How the class was inferred (for messages).
    pub(super) via: Rc<str>,
    /// Members the user's own subclass defines (not dagster's: never reported).
    pub(super) own: Rc<[Name]>,
    /// The user's subclass also has bases outside the catalogs, which may define any member:
    /// only members the catalog lists for `class` are dagster's.
    pub(super) open: bool,
}

/// What a name is bound to, as far as this tool cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Bound {
    /// A tracked dotted path (module, class, function, member, ...), interned (see [`joined`]).
    Path(Rc<str>),
    /// An instance of a catalogued class.
    Instance(Instance),
}

thread_local! {
    /// Every dotted path and name this thread's resolver has passed on, and a scratch buffer:
    /// one met again, in this file or an earlier one, costs a look-up instead of an allocation,
    /// and two copies of it compare equal by pointer.
    static JOINED: RefCell<(HashSet<Rc<str>>, String)> = RefCell::default();
}

/// Interned texts are dropped when this many have been made (a bound on memory).
const JOINED_LIMIT: usize = 1 << 16;

/// `parts` joined by dots (`["dagster", "asset"]`: `dagster.asset`), as this thread's shared
/// copy of that text.
pub(super) fn joined(parts: &[&str]) -> Rc<str> {
    JOINED.with(|cell| {
        let (texts, scratch) = &mut *cell.borrow_mut();
        scratch.clear();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                scratch.push('.');
            }
            scratch.push_str(part);
        }
        if let Some(text) = texts.get(scratch.as_str()) {
            return text.clone();
        }
        if texts.len() >= JOINED_LIMIT {
            texts.clear();
        }
        let text: Rc<str> = Rc::from(scratch.as_str());
        texts.insert(text.clone());
        text
    })
}

impl Instance {
    /// True when the user's own subclass defines `member`.
    pub(super) fn defines(&self, member: &str) -> bool {
        self.own.iter().any(|m| m == member)
    }
}

impl Bound {
    pub(super) fn instance(class: impl Into<Rc<str>>, via: impl Into<Rc<str>>) -> Bound {
        Bound::Instance(Instance {
            class: class.into(),
            via: via.into(),
            own: Rc::from([]),
            open: false,
        })
    }
}
