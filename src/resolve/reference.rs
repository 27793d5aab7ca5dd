//! What the resolver reports and what it asks: the [`Reference`]s it finds and the
//! [`Knowledge`] of the tracked packages it needs.

use std::rc::Rc;

use crate::syntax::Span;

/// What the resolver needs to know about the tracked packages (answered from the catalogs).
pub trait Knowledge {
    /// True when `top` (`dagster`, `dagster_dbt`, ...) is a package whose uses are tracked.
    fn is_tracked(&self, top: &str) -> bool;
    /// True when `module.name` is exported by `module` (for `from module import *`).
    fn exports(&self, module: &str, name: &str) -> bool;
    /// The catalogued class (its catalog id) that calling `path` returns: the class itself for
    /// a constructor, or the recorded return type of a function.
    fn returns(&self, path: &str) -> Option<String>;
    /// The catalogued class that member `member` of class `class` holds or returns.
    fn member_type(&self, class: &str, member: &str) -> Option<String>;
    /// True when the catalog lists `member` on class `class` (own or inherited).
    fn has_member(&self, class: &str, member: &str) -> bool;
    /// The class that decorator `path` (e.g. `dagster.asset`) injects as its `context` argument.
    fn context_class(&self, decorator: &str) -> Option<String>;
    /// The catalog id of the class `path` names, if it is a catalogued class.
    fn class_id(&self, path: &str) -> Option<String>;
    /// False when an attribute on `path` cannot name anything the catalogs know, so that the
    /// chain `path.a.b...` ends (a long chain from a dagster name would otherwise make a path
    /// per link, each as long as the chain). Default: every path goes on.
    fn extends(&self, path: &str) -> bool {
        let _ = path;
        true
    }
}

/// How a reference was written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RefKind {
    /// `import a.b` / `import a.b as c`: the module path itself.
    ImportModule,
    /// `from module import name`.
    ImportFrom {
        /// The module imported from.
        module: Rc<str>,
    },
    /// A use of a name bound to a tracked path, or of an attribute on one.
    Use {
        /// True for an attribute on an expression that is itself a reference
        /// (`dg.AssetSelection.keys`): only its last segment is new.
        chained: bool,
    },
    /// A keyword argument `param=` in a call of `path`.
    Keyword {
        /// The keyword's name.
        param: Rc<str>,
    },
    /// A member used on an object whose class was inferred (`context.log`).
    Member {
        /// How the object's class was inferred, for messages (`its annotation`, ...).
        via: Rc<str>,
    },
}

/// What a reference reaches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A dotted path into a tracked package, as the user wrote it (`dagster.AssetSelection.keys`).
    Path(Rc<str>),
    /// A member of an object whose catalogued class was inferred.
    Member {
        /// Catalog id of the class.
        class: Rc<str>,
        /// Member name.
        name: Rc<str>,
    },
}

/// One reference to a tracked package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// What it reaches; for [`RefKind::Keyword`] the callee.
    pub target: Target,
    /// Where it is written.
    pub span: Span,
    /// How it is written.
    pub kind: RefKind,
}
