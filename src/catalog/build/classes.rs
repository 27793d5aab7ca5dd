//! Classes: their markers, bases and inherited members, constructor parameters and
//! signature, NamedTuple and `PublicAttr` fields, and the classes annotations and values name.

use std::collections::BTreeMap;
use std::collections::BTreeSet;

use super::analyzer::Analyzer;
use super::decorators::Decoration;
use super::definitions::{is_public_attr, normalize, signature, strip_public_attr};
use super::index::Target;
use crate::catalog::model::{Kind, Marker, Object};
use crate::syntax;
use crate::syntax::view::{ClassDef, Expr, ExprKind, Exprs, FunctionDef, StmtKind};

impl<'a> Analyzer<'_, 'a> {
    /// The markers of the class inside `ResourceParam[X]` / `Annotated[X, ...]`: such an alias
    /// hands attribute lookups to `X`, so the runtime answers `is_beta` (...) with `X`'s.
    pub(super) fn typing_alias_markers(&mut self, module: &str, value: Expr) -> Vec<Marker> {
        let ExprKind::Subscript {
            value: generic,
            slice,
        } = value.kind()
        else {
            return Vec::new();
        };
        if !matches!(generic.last_name(), Some("ResourceParam" | "Annotated")) {
            return Vec::new();
        }
        let inner = match slice.kind() {
            ExprKind::Sequence { elts } => elts.get(0),
            _ => Some(slice),
        };
        let Some(dotted) = inner.and_then(Expr::dotted_name) else {
            return Vec::new();
        };
        match self
            .index
            .resolve_dotted(module, &dotted, &mut Vec::new(), 0)
        {
            Some(Target::Class(m, def)) => {
                let id = self.class(m, def);
                self.objects
                    .get(&id)
                    .map(|o| o.markers.clone())
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        }
    }

    /// The class a module-level value is an instance of, when it is a constructor call.
    pub(super) fn class_of_value(&mut self, module: &str, value: Expr) -> Option<String> {
        let ExprKind::Call { func, .. } = value.kind() else {
            return None;
        };
        let dotted = func.dotted_name()?;
        match self
            .index
            .resolve_dotted(module, &dotted, &mut Vec::new(), 0)?
        {
            Target::Class(m, def) => Some(self.defer_class(m, def)),
            _ => None,
        }
    }

    /// The id of a class whose analysis waits until a catalog needs it.
    fn defer_class(&mut self, module: &'a str, def: ClassDef<'a>) -> String {
        let id = format!("{module}.{}", def.name());
        self.deferred.entry(id.clone()).or_insert((module, def));
        id
    }

    /// The catalogued class an annotation names (`X`, `"X"`, `Optional[X]`, `X | None`).
    pub(super) fn annotation_class(&mut self, module: &str, annotation: Expr) -> Option<String> {
        if let ExprKind::Str { value, span } = annotation.kind() {
            let parsed = syntax::parse_string_annotation(value, span)?;
            return self.annotation_class(module, parsed.expr());
        }
        match annotation.kind() {
            ExprKind::Subscript { value, slice, .. } => {
                let outer = value.dotted_name()?;
                if outer.ends_with("Optional") {
                    self.annotation_class(module, slice)
                } else {
                    None
                }
            }
            ExprKind::Other { children } if children.count() == 2 => {
                // `X | None`
                let mut non_none = children.into_iter().filter(|c| !c.is_constant());
                match (non_none.next(), non_none.next()) {
                    (Some(one), None) => self.annotation_class(module, one),
                    _ => None,
                }
            }
            ExprKind::Name { .. } | ExprKind::Attribute { .. } => {
                let dotted = annotation.dotted_name()?;
                match self
                    .index
                    .resolve_dotted(module, &dotted, &mut Vec::new(), 0)?
                {
                    Target::Class(m, def) => Some(self.defer_class(m, def)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Analyses a class (memoised): its markers, `__init__` parameter markers, members and bases.
    pub(super) fn class(&mut self, module: &str, def: ClassDef<'a>) -> String {
        let id = format!("{module}.{}", def.name());
        if self.objects.contains_key(&id) || !self.in_progress.insert(id.clone()) {
            return id;
        }
        let mut object = Object {
            kind: Some(Kind::Class),
            ..Object::default()
        };
        for decorator in def.decorators() {
            match self.decoration(module, decorator) {
                Decoration::Public => object.public = true,
                Decoration::Lifecycle(m) => object.markers.push(m),
                Decoration::Param(p, m) => object.params.entry(p).or_default().push(m),
                _ => {}
            }
        }
        // Bases: members, markers and parameter markers are inherited (dagster stores markers
        // as class attributes, so subclasses answer `is_deprecated` like their base).
        let mut inherited_params = BTreeMap::new();
        let bases: Vec<Expr> = def.bases().iter().collect();
        for base in bases.into_iter().rev() {
            let base = match base.kind() {
                ExprKind::Subscript { value, .. } => value,
                _ => base,
            };
            if let ExprKind::Call { func, args, .. } = base.kind() {
                if func
                    .dotted_name()
                    .is_some_and(|d| d.ends_with("NamedTuple"))
                {
                    self.namedtuple_fields(module, &id, args, &mut object.members);
                }
                continue;
            }
            let Some(dotted) = base.dotted_name() else {
                continue;
            };
            if let Some(Target::Class(m, base_def)) =
                self.index
                    .resolve_dotted(module, &dotted, &mut Vec::new(), 0)
            {
                let base_id = self.class(m, base_def);
                if let Some(base_object) = self.objects.get(&base_id) {
                    object.markers.extend(base_object.markers.iter().cloned());
                    for (p, ms) in &base_object.params {
                        inherited_params
                            .entry(p.clone())
                            .or_insert_with(|| ms.clone());
                    }
                }
                object.bases.insert(0, base_id);
            }
        }
        // Members of an enum are instances of it and answer `is_public`, `is_beta`, ... like
        // it (the markers are attributes of the class).
        let is_enum = def
            .bases()
            .iter()
            .any(|b| b.dotted_name().is_some_and(|d| d.ends_with("Enum")));
        let public_enum = is_enum && object.public;
        let enum_markers = if is_enum {
            object.markers.clone()
        } else {
            Vec::new()
        };
        for stmt in def.body().iter() {
            match stmt.kind() {
                StmtKind::FunctionDef(f) => {
                    let member_id = format!("{id}.{}", f.name());
                    let member = self.function(module, f, Kind::Method);
                    self.merge_member(&member_id, member);
                    object.members.insert(f.name().to_string());
                }
                StmtKind::Assign {
                    targets,
                    annotation,
                    ..
                } => {
                    for target in targets.iter() {
                        let ExprKind::Name { id: name, .. } = target.kind() else {
                            continue;
                        };
                        let member_id = format!("{id}.{name}");
                        let enum_value = is_enum && !name.starts_with('_');
                        let public =
                            annotation.is_some_and(is_public_attr) || (public_enum && enum_value);
                        let markers = if enum_value {
                            enum_markers.clone()
                        } else {
                            Vec::new()
                        };
                        let returns = annotation
                            .and_then(|a| self.annotation_class(module, strip_public_attr(a)));
                        // A plain data attribute (not public, no known type) is not listed:
                        // dagster's `@public` applies to methods and properties, and config
                        // fields and enum values are not API to warn about.
                        if !public && returns.is_none() && markers.is_empty() {
                            continue;
                        }
                        self.objects.entry(member_id.clone()).or_insert(Object {
                            kind: Some(Kind::Attribute),
                            public,
                            markers,
                            returns,
                            ..Object::default()
                        });
                        object.members.insert(name.to_string());
                    }
                }
                _ => {}
            }
        }
        // Markers on the class's own `__init__`/`__new__` (`@beta_param` above `def __init__`)
        // are parameters of the class as well: the runtime warns on `Class(param=...)`.
        for ctor in ["__init__", "__new__"] {
            if let Some(m) = self.objects.get(&format!("{id}.{ctor}")) {
                for (p, ms) in &m.params {
                    object
                        .params
                        .entry(p.clone())
                        .or_default()
                        .extend(ms.iter().cloned());
                }
            }
        }
        // Inherited `__init__` parameter markers apply while the class accepts the parameter:
        // it keeps the base `__init__`, or its own one names it or takes `**kwargs`.
        let own_init = def.body().iter().find_map(|s| match s.kind() {
            StmtKind::FunctionDef(f) if f.name() == "__init__" => Some(f),
            _ => None,
        });
        for (param, markers) in inherited_params {
            let accepted = own_init.is_none_or(|init| {
                init.params()
                    .iter()
                    .any(|p| p.name == param || (p.variadic && p.name != "args"))
            });
            if accepted || markers.iter().all(|m| m.hidden) {
                object.params.entry(param).or_insert(markers);
            }
        }
        // Constructors: the class's own `__new__` or `__init__` (both: unknown, either may
        // refuse what the other takes).
        let constructors: Vec<FunctionDef> = def
            .body()
            .iter()
            .filter_map(|s| match s.kind() {
                StmtKind::FunctionDef(f) if matches!(f.name(), "__init__" | "__new__") => Some(f),
                _ => None,
            })
            .collect();
        if let [ctor] = constructors.as_slice() {
            object.signature = Some(signature(ctor.params().shape(), true));
        }
        normalize(&mut object);
        self.in_progress.remove(&id);
        self.objects.insert(id.clone(), object);
        id
    }

    /// A method defined twice (overloads, property setters) keeps every marker it gets.
    fn merge_member(&mut self, member_id: &str, member: Object) {
        match self.objects.get_mut(member_id) {
            Some(existing)
                if existing.kind == Some(Kind::Property) || member.kind == Some(Kind::Property) =>
            {
                existing.public |= member.public;
                existing.markers.extend(member.markers);
                existing.kind = Some(Kind::Property);
                for (p, ms) in member.params {
                    existing.params.entry(p).or_default().extend(ms);
                }
                existing.returns = existing.returns.take().or(member.returns);
                existing.forward = existing.forward.take().or(member.forward);
                normalize(existing);
            }
            _ => {
                self.objects.insert(member_id.to_string(), member);
            }
        }
    }

    /// `NamedTuple("_X", [("field", PublicAttr[T]), ...])` fields as members of the class.
    fn namedtuple_fields(
        &mut self,
        module: &str,
        class_id: &str,
        args: Exprs,
        members: &mut BTreeSet<String>,
    ) {
        let Some(ExprKind::Sequence { elts, .. }) = args.get(1).map(Expr::kind) else {
            return;
        };
        for field in elts.iter() {
            let ExprKind::Sequence { elts: pair, .. } = field.kind() else {
                continue;
            };
            let (Some(name), Some(annotation)) = (pair.get(0).and_then(Expr::as_str), pair.get(1))
            else {
                continue;
            };
            let member_id = format!("{class_id}.{name}");
            let returns = self.annotation_class(module, strip_public_attr(annotation));
            let public = is_public_attr(annotation);
            if !public && returns.is_none() {
                continue;
            }
            self.objects.insert(
                member_id.clone(),
                Object {
                    kind: Some(Kind::Attribute),
                    public,
                    returns,
                    ..Object::default()
                },
            );
            members.insert(name.to_string());
        }
    }
}
