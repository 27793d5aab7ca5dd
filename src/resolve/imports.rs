//! Import statements: each import of a tracked package is a reference, and binds its local
//! name to the tracked path (`from tracked import *` makes the module's exports visible).

use super::bound::{joined, Bound};
use super::reference::{RefKind, Reference, Target};
use super::scopes::Resolver;
use crate::syntax::view::Aliases;

impl<'m> Resolver<'_, 'm> {
    /// `import a.b` / `import a.b as c`.
    pub(super) fn visit_import(&mut self, aliases: Aliases<'m>) {
        for alias in aliases.iter() {
            let tracked = self.tracked(alias.name);
            if tracked {
                self.refs.push(Reference {
                    target: Target::Path(joined(&[alias.name])),
                    span: alias.span,
                    kind: RefKind::ImportModule,
                });
            }
            match alias.asname {
                Some(asname) => {
                    let bound = tracked.then(|| Bound::Path(joined(&[alias.name])));
                    self.bind(asname, bound);
                }
                None => {
                    let top = alias.name.split('.').next().unwrap_or(alias.name);
                    let bound = tracked.then(|| Bound::Path(joined(&[top])));
                    self.bind(top, bound);
                }
            }
        }
    }

    /// `from module import name` (`level`: the number of leading dots of a relative import).
    pub(super) fn visit_import_from(
        &mut self,
        module: Option<&'m str>,
        level: u32,
        aliases: Aliases<'m>,
    ) {
        let module = module.unwrap_or("");
        let tracked = level == 0 && self.tracked(module);
        for alias in aliases.iter() {
            if alias.name == "*" {
                if tracked {
                    // The module is judged here (a private or non-public one is
                    // reported once, not at each name used from it).
                    self.refs.push(Reference {
                        target: Target::Path(joined(&[module])),
                        span: alias.span,
                        kind: RefKind::ImportModule,
                    });
                    self.any_star_import = true;
                    self.scopes[self.current]
                        .star_imports
                        .push(module.to_string());
                }
                continue;
            }
            let local = alias.asname.unwrap_or(alias.name);
            if !tracked {
                self.bind(local, None);
                continue;
            }
            let path = joined(&[module, alias.name]);
            self.refs.push(Reference {
                target: Target::Path(path.clone()),
                span: alias.span,
                kind: RefKind::ImportFrom {
                    module: joined(&[module]),
                },
            });
            self.bind(local, Some(Bound::Path(path)));
        }
    }
}
