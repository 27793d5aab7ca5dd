//! The checker: resolves a module's references (see [`crate::resolve`]) and judges each one
//! against the selected catalogs, producing diagnostics.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::catalog::shipped::{self, CatalogRef};
use crate::catalog::{Catalog, Export, Kind, Marker, Object, Signature, Status};
use crate::diagnostic::{Diagnostic, Text};
use crate::discovery;
use crate::resolve::{self, Knowledge, RefKind, Reference, Target};
use crate::rules::{self, Rule};
use crate::syntax::{self, LineIndex, Span};

/// A finding before it is placed in a file: rule, message and what it is about.
struct Finding {
    rule: &'static Rule,
    message: String,
    symbol: Option<String>,
    parameter: Option<String>,
    breaking_version: Option<String>,
    replacement: Option<String>,
}

/// A finding as the memo keeps it: its texts shared, so that each use of it in a file costs
/// reference counts, not copies.
#[derive(Clone)]
struct Judged {
    rule: &'static Rule,
    message: Text,
    symbol: Option<Text>,
    parameter: Option<Text>,
    breaking_version: Option<Text>,
    replacement: Option<Text>,
}

impl From<Finding> for Judged {
    fn from(f: Finding) -> Judged {
        Judged {
            rule: f.rule,
            message: f.message.into(),
            symbol: f.symbol.map(Into::into),
            parameter: f.parameter.map(Into::into),
            breaking_version: f.breaking_version.map(Into::into),
            replacement: f.replacement.map(Into::into),
        }
    }
}

/// Judges references against one catalog per tracked package. A catalog is decoded the first
/// time a file needs it (a file that imports only `dagster` never decodes `dagster_dbt`'s).
pub struct Checker {
    catalogs: BTreeMap<&'static str, (CatalogRef, OnceLock<Index>)>,
    extra_packages: Vec<String>,
    /// Upgrade planning: the version moved to, and a checker over its catalog when one exists.
    target: Option<(String, Box<Checker>, bool)>,
    /// Distinguishes checkers in the per-thread memo tables.
    id: u64,
}

/// A catalog with the lookups the checker makes for every reference precomputed.
#[derive(Clone, Copy)]
struct Cat<'a> {
    catalog: &'static Catalog,
    index: &'a Index,
}

impl std::ops::Deref for Cat<'_> {
    type Target = Catalog;
    fn deref(&self) -> &Catalog {
        self.catalog
    }
}

/// Hash sets and maps over a catalog, built the first time the catalog is used.
struct Index {
    modules: FxHashSet<&'static str>,
    public_modules: FxHashSet<&'static str>,
    /// The public export path of each object that has one: the shortest, then the first by
    /// name.
    public_paths: FxHashMap<&'static str, &'static str>,
    /// The packages the catalog's objects belong to: its own, and those it carries objects of
    /// (bases and types from `dagster`, `dagster_shared`, ...).
    object_packages: Vec<&'static str>,
}

impl Index {
    fn new(catalog: &'static Catalog) -> Index {
        let mut public_paths: FxHashMap<&'static str, &'static str> = FxHashMap::default();
        for (path, export) in &catalog.exports {
            let Some(target) = export.target.as_deref() else {
                continue;
            };
            let key = |p: &str| (p.matches('.').count(), p.to_string());
            public_paths
                .entry(target)
                .and_modify(|best| {
                    if key(path) < key(best) {
                        *best = path;
                    }
                })
                .or_insert(path);
        }
        Index {
            object_packages: catalog.objects.packages(),
            modules: catalog.modules.iter().map(String::as_str).collect(),
            public_modules: catalog.public_modules.iter().map(String::as_str).collect(),
            public_paths,
        }
    }
}

/// Memo tables of one thread: judging a reference and answering the resolver's questions are
/// pure functions of the reference (or question) and the checker, and the same few thousand
/// paths recur across the files of a project. One set of tables per checker (with upgrade
/// planning, a file is judged by two).
#[derive(Default)]
struct Memo {
    tables: Vec<(u64, Tables)>,
}

#[derive(Default)]
struct Tables {
    judged: FxHashMap<(Target, RefKind), Rc<[Judged]>>,
    answers: FxHashMap<String, Option<String>>,
    key: String,
}

/// Memo tables are cleared when they grow past this many entries (a bound on memory).
const MEMO_LIMIT: usize = 1 << 17;

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

static NEXT_CHECKER_ID: AtomicU64 = AtomicU64::new(1);

/// Decorators whose function receives a `context` argument, and the class dagster passes.
const CONTEXT_CLASSES: &[(&str, &str)] = &[
    ("asset", "AssetExecutionContext"),
    ("multi_asset", "AssetExecutionContext"),
    ("graph_asset", "AssetExecutionContext"),
    ("observable_source_asset", "AssetExecutionContext"),
    ("dbt_assets", "AssetExecutionContext"),
    ("dlt_assets", "AssetExecutionContext"),
    ("sling_assets", "AssetExecutionContext"),
    ("op", "OpExecutionContext"),
    ("asset_check", "AssetCheckExecutionContext"),
    ("multi_asset_check", "AssetCheckExecutionContext"),
    ("sensor", "SensorEvaluationContext"),
    ("asset_sensor", "SensorEvaluationContext"),
    ("multi_asset_sensor", "MultiAssetSensorEvaluationContext"),
    ("run_status_sensor", "RunStatusSensorContext"),
    ("run_failure_sensor", "RunFailureSensorContext"),
    ("schedule", "ScheduleEvaluationContext"),
    ("resource", "InitResourceContext"),
    ("io_manager", "InitResourceContext"),
    ("logger", "InitLoggerContext"),
];

impl Checker {
    /// A checker over these catalogs (one per package), also tracking `extra_packages`
    /// (uncatalogued integrations: only private paths are reported for them).
    pub fn new(catalogs: Vec<CatalogRef>, extra_packages: Vec<String>) -> Checker {
        Checker {
            catalogs: catalogs
                .into_iter()
                .map(|c| (c.package(), (c, OnceLock::new())))
                .collect(),
            extra_packages,
            target: None,
            id: NEXT_CHECKER_ID.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Also judges every file against `version` (`--target-version`) with `target`, a checker
    /// over that version's catalogs (`exact`) or, for a version newer than every release, the
    /// newest release's (see [`crate::upgrade`]).
    pub fn with_target(mut self, version: String, target: Checker, exact: bool) -> Checker {
        self.target = Some((version, Box::new(target), exact));
        self
    }

    /// The key the results cache stores a file's findings under: [`Checker::check_source`]
    /// depends on the text and on the package the file belongs to (its own references are not
    /// judged), not on the rest of its name. `content` is [`crate::cache::content_hash`] of
    /// the file's bytes, before decoding (see `runner::check_one`).
    pub fn cache_key(&self, filename: &str, content: u128) -> u128 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        let own = (filename != "-")
            .then(|| discovery::top_package(Path::new(filename)))
            .flatten();
        if let Some(own) = own {
            h.update(own.as_bytes());
        }
        h.update(&[0]);
        h.update(&content.to_le_bytes());
        h.digest128()
    }

    /// A fingerprint of everything that decides what [`Checker::check_source`] reports besides
    /// the source: the tool version and a hash of its source code, each catalog (package,
    /// version, content hash), the extra packages and the target version of upgrade planning.
    /// Results cached under one fingerprint are valid for any checker with it.
    pub fn fingerprint(&self) -> u64 {
        let mut text = format!(
            "dagster-api-lint {} {}\n",
            env!("CARGO_PKG_VERSION"),
            env!("DAGSTER_API_LINT_SOURCE_HASH")
        );
        for (c, _) in self.catalogs.values() {
            text.push_str(&format!(
                "catalog {} {} {:016x}\n",
                c.package(),
                c.version(),
                c.content_hash()
            ));
        }
        for p in &self.extra_packages {
            text.push_str(&format!("extra {p}\n"));
        }
        if let Some((version, target, exact)) = &self.target {
            let target = target.fingerprint();
            text.push_str(&format!("target {version} {target:016x} {exact}\n"));
        }
        xxhash_rust::xxh3::xxh3_64(text.as_bytes())
    }

    /// Substrings whose absence proves a file names no tracked package: `dagster` (in every
    /// integration library's name) and any other tracked package's name. See [`crate::gate`].
    pub fn needles(&self) -> Vec<String> {
        let mut needles: Vec<String> = vec!["dagster".to_string()];
        for p in self.packages() {
            if !p.contains("dagster") && !needles.iter().any(|n| n == p) {
                needles.push(p.to_string());
            }
        }
        needles
    }

    /// True when `package` (a top-level name) is tracked by this checker or by the one of the
    /// upgrade target.
    pub fn tracks_package(&self, package: &str) -> bool {
        self.packages().any(|p| p == package)
    }

    /// The tracked packages, with those of the upgrade target's checker.
    fn packages(&self) -> impl Iterator<Item = &str> {
        let target = self.target.as_ref().map(|(_, target, _)| target.as_ref());
        self.catalogs
            .keys()
            .copied()
            .chain(self.extra_packages.iter().map(String::as_str))
            .chain(target.into_iter().flat_map(|t| {
                t.catalogs
                    .keys()
                    .copied()
                    .chain(t.extra_packages.iter().map(String::as_str))
            }))
    }

    /// Checks one module's source, returning its findings and the records of its noqa
    /// directives (see [`crate::rules::noqa::records`]). `filename` labels the diagnostics; when it names a file inside
    /// a package, that package's uses of itself are not reported (a library's own modules carry
    /// no stability promise towards it, like its relative imports).
    pub fn check_source(&self, filename: &str, source: &str) -> Vec<Diagnostic> {
        let parsed = syntax::parse(source);
        let current = self.check_parsed(filename, source, &parsed);
        let mut found = match &self.target {
            None => current,
            Some((version, target, exact)) => {
                let judged = target.check_parsed(filename, source, &parsed);
                crate::upgrade::merge(current, judged, version, *exact)
            }
        };
        self.attach_fixes(source, &parsed, &mut found);
        // The file's noqa directives go with its findings (and into the results cache), to be
        // applied with the settings.
        found.extend(crate::rules::noqa::records(filename, source, &parsed));
        found
    }

    /// Attaches the fixes the catalog proves right to `found` (see [`crate::fix`]).
    fn attach_fixes(&self, source: &str, parsed: &syntax::Parsed, found: &mut [Diagnostic]) {
        let mut imports = None;
        if found
            .iter()
            .any(|d| [&rules::PRIVATE_IMPORT, &rules::NON_PUBLIC_API].contains(&d.rule))
        {
            let imports = imports.get_or_insert_with(|| syntax::imports::imports(parsed));
            crate::fix::imports::attach(source, imports, found, &|path| {
                self.public_equivalent(path)
            });
        }
        crate::fix::aliases::attach(source, parsed, &mut imports, found, &|path| {
            self.unmarked_twin(path)
        });
        self.attach_forward_fixes(source, parsed, found);
        self.attach_rename_fixes(source, parsed, found);
    }

    /// For a name `symbol` (`dagster.ExecuteJobResult`) that its public module exports with
    /// markers of its own (a deprecated alias): the name the module also exports the same
    /// object as, without markers, when the object itself has none.
    fn unmarked_twin(&self, symbol: &str) -> Option<String> {
        let catalog = self.catalog_for(symbol)?;
        let (module, _) = symbol.rsplit_once('.')?;
        if !catalog.index.public_modules.contains(module) {
            return None;
        }
        let export = catalog.catalog.exports.get(symbol)?;
        let target = export.target.as_deref()?;
        if export.markers.is_empty() || !catalog.objects.get(target)?.markers.is_empty() {
            return None;
        }
        let prefix = format!("{module}.");
        catalog
            .catalog
            .exports
            .range(prefix.clone()..)
            .take_while(|(path, _)| path.starts_with(&prefix))
            .find(|(path, other)| {
                !path[prefix.len()..].contains('.')
                    && path.as_str() != symbol
                    && other.markers.is_empty()
                    && other.target.as_deref() == Some(target)
            })
            .map(|(path, _)| path[prefix.len()..].to_string())
    }

    /// Attaches unsafe rename fixes (see [`crate::fix::renames`]) to the DAG001 findings of
    /// calls of deprecated callables whose hint names a replacement that the call fits.
    fn attach_rename_fixes(&self, source: &str, parsed: &syntax::Parsed, found: &mut [Diagnostic]) {
        // Calls first (a token scan), signatures only for the callables called, once each.
        let mut signatures = FxHashMap::default();
        let mut index = None;
        for d in found.iter_mut() {
            if *d.rule != rules::DEPRECATED_SYMBOL || d.fix.is_some() {
                continue;
            }
            let Some(new) = d.replacement.as_deref().filter(|r| !r.contains('.')) else {
                continue;
            };
            let Some(symbol) = d.symbol.as_deref() else {
                continue;
            };
            let Some(call) = syntax::calls::call_at(parsed, source, d.span.end) else {
                continue;
            };
            let pair = signatures
                .entry((symbol.to_string(), new.to_string()))
                .or_insert_with(|| self.rename_signatures(symbol, new));
            let Some((from, to)) = pair.as_ref() else {
                continue;
            };
            if !crate::fix::renames::fits(&call, from, to) {
                continue;
            }
            let old = symbol.rsplit('.').next().unwrap_or(symbol);
            let index = index.get_or_insert_with(|| LineIndex::new(source));
            d.fix = crate::fix::renames::rename(source, index, d.span, old, new).map(Arc::new);
        }
    }

    /// The signatures of the callable `symbol` (`dagster.SourceAsset`) and of `new`, the name
    /// its hint gives, exported by the same public module without markers.
    fn rename_signatures(&self, symbol: &str, new: &str) -> Option<(Signature, Signature)> {
        let catalog = self.catalog_for(symbol)?;
        let (module, _) = symbol.rsplit_once('.')?;
        if !catalog.index.public_modules.contains(module) {
            return None;
        }
        let target = format!("{module}.{new}");
        let export = catalog.catalog.exports.get(&target)?;
        let (from, _) = object_of_path(catalog.catalog, symbol)?;
        let (to, object) = object_of_path(catalog.catalog, &target)?;
        if !export.markers.is_empty() || !object.markers.is_empty() {
            return None;
        }
        let signature = |id: &str| {
            self.catalog_with_object(id)
                .and_then(|c| c.catalog.objects.signature(id))
        };
        Some((signature(&from)?, signature(&to)?))
    }

    /// Attaches forward fixes (see [`crate::fix::members`]) to the DAG001 findings of
    /// deprecated members used on inferred instances.
    fn attach_forward_fixes(
        &self,
        source: &str,
        parsed: &syntax::Parsed,
        found: &mut [Diagnostic],
    ) {
        let candidates: Vec<(usize, String, String)> = found
            .iter()
            .enumerate()
            .filter(|(_, d)| *d.rule == rules::DEPRECATED_SYMBOL && d.fix.is_none())
            .filter_map(|(i, d)| {
                let (name, forward) = self.public_forward(d.symbol.as_deref()?)?;
                Some((i, name, forward))
            })
            .collect();
        if candidates.is_empty() {
            return;
        }
        let members: Vec<(Span, Rc<str>)> = resolve::resolve(parsed.body(), self)
            .into_iter()
            .filter_map(|r| match (r.target, r.kind) {
                (Target::Member { name, .. }, RefKind::Member { .. }) => Some((r.span, name)),
                _ => None,
            })
            .collect();
        let index = LineIndex::new(source);
        for (i, name, forward) in candidates {
            let span = found[i].span;
            if members.iter().any(|(s, n)| *s == span && **n == *name) {
                found[i].fix = crate::fix::members::forward(source, &index, span, &name, &forward)
                    .map(Arc::new);
            }
        }
    }

    /// For the deprecated member `symbol` (`dagster.AssetExecutionContext.run_id`) that is a
    /// thin forward: its name and the chain it forwards to, when every link of the chain is a
    /// public member without markers.
    fn public_forward(&self, symbol: &str) -> Option<(String, String)> {
        let catalog = self.catalog_for(symbol)?;
        let (member_id, object) = object_of_path(&catalog, symbol)?;
        let forward = object.forward.as_deref()?;
        let (mut class, name) = member_id.rsplit_once('.')?;
        let mut owned;
        let links: Vec<&str> = forward.split('.').collect();
        for (i, link) in links.iter().enumerate() {
            let (_, Some(member)) = catalog.member(class, link)? else {
                return None;
            };
            if !member.public || !member.markers.is_empty() {
                return None;
            }
            if i + 1 < links.len() {
                owned = member.returns.clone()?;
                class = &owned;
            }
        }
        Some((name.to_string(), forward.to_string()))
    }

    /// The public export path of the object that the (private, aliased or non-public) dotted
    /// `path` reaches, when a public module exports that very object.
    pub fn public_equivalent(&self, path: &str) -> Option<String> {
        let catalog = self.catalog_for(path)?;
        let resolved = match alias_prefix(&catalog, path) {
            Some((prefix, target)) => format!("{target}{}", &path[prefix.len()..]),
            None => path.to_string(),
        };
        let (id, _) = object_of_path(&catalog, &resolved)?;
        public_path_of(catalog, &id).filter(|public| public != path)
    }

    fn check_parsed(
        &self,
        filename: &str,
        source: &str,
        parsed: &syntax::Parsed,
    ) -> Vec<Diagnostic> {
        let mut found: Vec<(Span, Judged)> = parsed
            .errors
            .iter()
            .map(|error| {
                let finding = Finding {
                    rule: &rules::SYNTAX_ERROR,
                    message: format!("SyntaxError: {}", error.message),
                    symbol: None,
                    parameter: None,
                    breaking_version: None,
                    replacement: None,
                };
                (error.span, finding.into())
            })
            .collect();
        // A package's own modules use its internals freely: checking dagster_dbt's sources, its
        // references to dagster_dbt are not uses of an unstable API (its uses of dagster are).
        let own = (filename != "-")
            .then(|| discovery::top_package(Path::new(filename)))
            .flatten();
        for reference in resolve::resolve(parsed.body(), self) {
            if own.as_deref().is_some_and(|p| self.is_own(&reference, p)) {
                continue;
            }
            let span = reference.span;
            for finding in self.judge_memo(reference.target, reference.kind).iter() {
                found.push((span, finding.clone()));
            }
        }
        // In file order (then rule and message), each once; then placed in one pass.
        found.sort_by(|(a, fa), (b, fb)| {
            (a.start, fa.rule.code, &fa.message).cmp(&(b.start, fb.rule.code, &fb.message))
        });
        found.dedup_by(|(a, fa), (b, fb)| a == b && fa.rule == fb.rule && fa.message == fb.message);
        let mut locator = syntax::Locator::new(source);
        let filename: Text = filename.into();
        // Findings on one line (they are in file order) share its text.
        let mut line_text: Option<(u32, Text)> = None;
        found
            .into_iter()
            .map(|(span, f)| {
                let (start, line) = locator.start(span.start);
                let end = locator.end(span.end.max(span.start));
                let rule = f.rule;
                let text = match &line_text {
                    Some((at, text)) if *at == line.start => text.clone(),
                    _ => {
                        let text: Text = source[line.start as usize..line.end as usize].into();
                        line_text = Some((line.start, text.clone()));
                        text
                    }
                };
                Diagnostic {
                    rule,
                    severity: rule.severity,
                    message: f.message,
                    filename: filename.clone(),
                    span,
                    start,
                    end,
                    symbol: f.symbol,
                    parameter: f.parameter,
                    breaking_version: f.breaking_version,
                    line_text: text,
                    replacement: f.replacement,
                    fix: None,
                    cell: None,
                }
            })
            .collect()
    }

    fn cat<'a>(entry: &'a (CatalogRef, OnceLock<Index>)) -> Cat<'a> {
        let catalog = entry.0.get();
        Cat {
            catalog,
            index: entry.1.get_or_init(|| Index::new(catalog)),
        }
    }

    fn catalog_for(&self, path: &str) -> Option<Cat<'_>> {
        self.catalogs.get(top(path)).map(Self::cat)
    }

    /// The catalog that holds a class id (its own package's first, else the first in package
    /// order that has it: only then are the other catalogs decoded).
    fn catalog_with_object(&self, id: &str) -> Option<Cat<'_>> {
        self.catalog_for(id)
            .filter(|c| c.objects.contains_key(id))
            .or_else(|| {
                self.catalogs
                    .values()
                    .map(Self::cat)
                    .find(|c| c.objects.contains_key(id))
            })
    }

    /// True when a reference, written in a module of package `own`, reaches only code of that
    /// package: a path into it, or a member that it defines. A member defined in an untracked
    /// package whose objects `own`'s catalog carries (`dagster_shared` for dagster) is the
    /// package's own too when the object's class is: dagster's modules using `_replace` on their
    /// own `RunRequest` (a `dagster_shared` mixin) use no unstable API.
    fn is_own(&self, r: &Reference, own: &str) -> bool {
        match &r.target {
            Target::Path(path) => top(path) == own,
            Target::Member { class, name } => self
                .answer(&["own", own, class, name], || {
                    let definer = self
                        .catalog_with_object(class)
                        .and_then(|c| c.catalog.member(class, name))
                        .map(|(id, _)| id);
                    let definer = top(definer.as_deref().unwrap_or(class));
                    let owned = definer == own
                        || (self.carries(own, definer) && self.carries(own, top(class)));
                    owned.then(String::new)
                })
                .is_some(),
        }
    }

    /// True when `package` is `own`, or an untracked package that `own`'s catalog carries
    /// objects of.
    fn carries(&self, own: &str, package: &str) -> bool {
        package == own
            || (!self.is_tracked(package)
                && self.catalogs.get(own).is_some_and(|entry| {
                    Self::cat(entry)
                        .index
                        .object_packages
                        .binary_search(&package)
                        .is_ok()
                }))
    }

    /// True when this checker (and the one of the upgrade target) reports nothing in a module
    /// of package `own` that names no other tracked package: every object `own`'s catalog
    /// holds is its own or of an untracked package it carries, so every reference that starts
    /// at an import of `own` is its own (see [`Checker::is_own`]). True for dagster, whose
    /// catalog holds dagster and dagster_shared objects; false for integration libraries,
    /// whose classes derive from dagster's. Used by [`crate::gate`].
    pub fn own_package_is_closed(&self, own: &str) -> bool {
        let closed = self.catalogs.get(own).is_some_and(|entry| {
            Self::cat(entry)
                .index
                .object_packages
                .iter()
                .all(|p| self.carries(own, p))
        });
        closed
            && self
                .target
                .as_ref()
                .is_none_or(|(_, target, _)| target.own_package_is_closed(own))
    }

    /// Runs `f` with this thread's memo tables of this checker (emptied when full).
    fn with_memo<T>(&self, f: impl FnOnce(&mut Tables) -> T) -> T {
        MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            let i = match memo.tables.iter().position(|(id, _)| *id == self.id) {
                Some(i) => i,
                None => {
                    if memo.tables.len() >= 4 {
                        memo.tables.remove(0);
                    }
                    memo.tables.push((self.id, Tables::default()));
                    memo.tables.len() - 1
                }
            };
            let tables = &mut memo.tables[i].1;
            if tables.judged.len() > MEMO_LIMIT || tables.answers.len() > MEMO_LIMIT {
                *tables = Tables::default();
            }
            f(tables)
        })
    }

    /// [`Checker::judge`], memoized per thread.
    fn judge_memo(&self, target: Target, kind: RefKind) -> Rc<[Judged]> {
        let key = (target, kind);
        if let Some(found) = self.with_memo(|m| m.judged.get(&key).cloned()) {
            return found;
        }
        let findings: Rc<[Judged]> = self
            .judge(&key.0, &key.1)
            .into_iter()
            .map(Judged::from)
            .collect();
        self.with_memo(|m| m.judged.insert(key, findings.clone()));
        findings
    }

    /// Answers a question about the catalogs (`key` names it: its kind, then its arguments),
    /// memoized per thread.
    fn answer(&self, key: &[&str], compute: impl FnOnce() -> Option<String>) -> Option<String> {
        let cached = self.with_memo(|m| {
            m.key.clear();
            for part in key {
                m.key.push_str(part);
                m.key.push('\0');
            }
            m.answers.get(m.key.as_str()).cloned()
        });
        if let Some(answer) = cached {
            return answer;
        }
        let answer = compute();
        self.with_memo(|m| {
            m.answers.insert(m.key.clone(), answer.clone());
        });
        answer
    }

    /// Judges one reference.
    fn judge(&self, target: &Target, kind: &RefKind) -> Vec<Finding> {
        match (target, kind) {
            (Target::Member { class, name }, RefKind::Keyword { param }) => {
                let Some(catalog) = self.catalog_with_object(class) else {
                    return Vec::new();
                };
                let display = format!("{}.{name}", short_class(class));
                match catalog.member(class, name) {
                    Some((_, Some(object))) => param_findings(
                        object,
                        &display,
                        &member_symbol(catalog, class, name),
                        param,
                    ),
                    _ => Vec::new(),
                }
            }
            (Target::Member { class, name }, _) => {
                let Some(catalog) = self.catalog_with_object(class) else {
                    return Vec::new();
                };
                let via = match kind {
                    RefKind::Member { via } => via,
                    _ => "",
                };
                self.member_findings(catalog, class, name, via)
            }
            (Target::Path(path), RefKind::Keyword { param }) => {
                let Some(catalog) = self.catalog_for(path) else {
                    return Vec::new();
                };
                match object_of_path(&catalog, path) {
                    Some((_, object)) => {
                        param_findings(object, &display_name(&catalog, path), path, param)
                    }
                    None => Vec::new(),
                }
            }
            (Target::Path(path), RefKind::ImportFrom { module }) => {
                self.judge_import_from(module, path)
            }
            (Target::Path(path), RefKind::ImportModule) => {
                self.judge_path(path, Reach::Whole, true)
            }
            (Target::Path(path), RefKind::Use { chained: false }) => {
                self.judge_path(path, Reach::Name, false)
            }
            (Target::Path(path), RefKind::Use { chained: true } | RefKind::Member { .. }) => {
                self.judge_path(path, Reach::Last, false)
            }
        }
    }

    fn judge_import_from(&self, module: &str, path: &str) -> Vec<Finding> {
        let Some(catalog) = self.catalog_for(path) else {
            return private_only(path);
        };
        if private_segment(module).is_some() || alias_prefix(&catalog, module).is_some() {
            return self.judge_path(path, Reach::Whole, false);
        }
        if catalog.index.public_modules.contains(module) {
            return self.judge_path(path, Reach::Whole, false);
        }
        if catalog.index.modules.contains(module) {
            let mut out = vec![Finding {
                rule: &rules::NON_PUBLIC_API,
                message: format!(
                    "`{path}` is imported from `{module}`, which is not a public module: only names exported by {} carry dagster's stability guarantee.{}",
                    public_module_list(&catalog),
                    public_hint(catalog, path)
                ),
                symbol: Some(path.to_string()),
                ..Finding::default()
            }];
            if let Some((_, object)) = object_of_path(&catalog, path) {
                out.extend(status_findings(
                    &catalog,
                    object_markers(object),
                    &display_name(&catalog, path),
                    path,
                ));
            }
            return out;
        }
        vec![absent(&catalog, module, true)]
    }

    /// Judges a dotted path, on the segments `reach` says the reference writes.
    /// `as_module`: the path is imported as a module (`import a.b.c`); otherwise a name that a
    /// public module exports wins over a submodule of the same name (`dagster.components
    /// .definitions` is the function the package binds over its `definitions` submodule).
    fn judge_path(&self, path: &str, reach: Reach, as_module: bool) -> Vec<Finding> {
        let Some(catalog) = self.catalog_for(path) else {
            return private_only(path);
        };
        let segments: Vec<&str> = path.split('.').collect();
        let last = segments.len() - 1;
        let whole = reach != Reach::Last;
        let mut out = Vec::new();

        // Private paths: `dagster._core...` or an alias of one (`dagster.core` up to 1.12).
        let private_at = private_segment(path);
        let alias = alias_prefix(&catalog, path);
        if private_at.is_some() || alias.is_some() {
            let reported_here = match reach {
                Reach::Whole => true,
                Reach::Name => false,
                Reach::Last => {
                    private_segment(segments[last]).is_some()
                        || alias
                            .as_ref()
                            .is_some_and(|(prefix, _)| prefix.matches('.').count() == last)
                }
            };
            let resolved = match &alias {
                Some((prefix, target)) => format!("{target}{}", &path[prefix.len()..]),
                None => path.to_string(),
            };
            let object = object_of_path(&catalog, &resolved);
            if reported_here {
                out.push(private_finding(
                    catalog,
                    path,
                    alias.as_ref(),
                    object.as_ref().map(|(id, _)| id.clone()),
                ));
            }
            if let Some((_, object)) = object {
                if whole || private_at.is_none_or(|i| i < last) {
                    let name = segments[last];
                    out.extend(status_findings(
                        &catalog,
                        object_markers(object),
                        name,
                        path,
                    ));
                }
            }
            return out;
        }

        let shadowed = !as_module
            && catalog
                .exports
                .get(path)
                .is_some_and(|e| e.target.as_deref() != Some(path));
        if catalog.index.modules.contains(path) && !shadowed {
            if !catalog.index.public_modules.contains(path) {
                let under_public = catalog
                    .public_modules
                    .iter()
                    .any(|m| path.starts_with(&format!("{m}.")));
                let written = match reach {
                    Reach::Whole => true,
                    Reach::Name => false,
                    Reach::Last => under_public,
                };
                if written {
                    out.push(Finding {
                        rule: &rules::NON_PUBLIC_API,
                        message: format!(
                            "`{path}` is not a public module: only names exported by {} carry dagster's stability guarantee.",
                            public_module_list(&catalog)
                        ),
                        symbol: Some(path.to_string()),
                        ..Finding::default()
                    });
                }
            } else if path.split('.').any(|s| s == "preview") {
                out.push(Finding {
                    rule: &rules::PREVIEW_SYMBOL,
                    message: format!("`{path}` is a preview namespace: its APIs may change or disappear without notice."),
                    symbol: Some(path.to_string()),
                    ..Finding::default()
                });
            }
            return out;
        }

        // The longest module prefix, then an exported name, then members.
        // (`prefix(n)`: the first n segments, a slice of `path`.)
        let prefix = |n: usize| -> &str {
            let end = path
                .match_indices('.')
                .nth(n - 1)
                .map_or(path.len(), |(i, _)| i);
            &path[..end]
        };
        let Some(module_len) = (1..segments.len())
            .rev()
            .find(|&n| catalog.index.modules.contains(prefix(n)))
        else {
            return out;
        };
        let module = prefix(module_len).to_string();
        let name_path = prefix(module_len + 1).to_string();
        let is_public = catalog.index.public_modules.contains(module.as_str());
        let export = catalog.exports.get(&name_path);
        if module_len == last || whole {
            match (is_public, export) {
                (true, Some(export)) => {
                    let name = &segments[module_len..].join(".");
                    out.extend(status_findings(&catalog, catalog.export_markers(export), name, &name_path));
                    if module.split('.').any(|s| s == "preview") && out.is_empty() {
                        out.push(Finding {
                            rule: &rules::PREVIEW_SYMBOL,
                            message: format!("`{name_path}` is in the preview namespace `{module}`: it may change or disappear without notice."),
                            symbol: Some(name_path.clone()),
                            ..Finding::default()
                        });
                    }
                }
                // Module dunders (`__version__`, `__file__`, ...) always exist.
                (true, None) if is_dunder(segments[module_len]) => {}
                (true, None) => out.push(absent(&catalog, &name_path, false)),
                // Where a bound name comes from was reported where it was bound.
                (false, _) if reach == Reach::Name => {}
                (false, _) => out.push(Finding {
                    rule: &rules::NON_PUBLIC_API,
                    message: format!(
                        "`{name_path}` comes from `{module}`, which is not a public module: only names exported by {} carry dagster's stability guarantee.{}",
                        public_module_list(&catalog),
                        public_hint(catalog, &name_path)
                    ),
                    symbol: Some(name_path.clone()),
                    ..Finding::default()
                }),
            }
            if module_len == last {
                return out;
            }
        }
        // Members: follow the class of the export through the chain; judge the last segment.
        let Some(mut class) = export.and_then(|e| e.target.clone()) else {
            return out;
        };
        for (i, member) in segments.iter().enumerate().skip(module_len + 1) {
            if i == last {
                out.extend(self.member_findings(catalog, &class, member, ""));
                break;
            }
            match catalog
                .member(&class, member)
                .and_then(|(_, o)| o?.returns.clone())
            {
                Some(next) => class = next,
                None => break,
            }
        }
        out
    }

    /// Judges member `name` of class `class` (reached through an object inferred `via`).
    fn member_findings(&self, catalog: Cat, class: &str, name: &str, via: &str) -> Vec<Finding> {
        if name.starts_with("__") && name.ends_with("__") {
            return Vec::new();
        }
        let display = format!("{}.{name}", short_class(class));
        let symbol = member_symbol(catalog, class, name);
        let via_text = if via.is_empty() {
            String::new()
        } else {
            format!(" Type inferred from {via}.")
        };
        let found = catalog.member(class, name);
        if name.starts_with('_') {
            if found.is_some() || private_segment(name).is_some() {
                return vec![Finding {
                    rule: &rules::PRIVATE_IMPORT,
                    message: format!(
                        "`{display}` is a private member: it has no stability guarantee.{via_text}"
                    ),
                    symbol: Some(symbol),
                    ..Finding::default()
                }];
            }
            return Vec::new();
        }
        match found {
            None => Vec::new(),
            Some((_, Some(object))) if !object.markers.is_empty() => {
                let mut out = status_findings(&catalog, object.markers.clone(), &display, &symbol);
                for f in &mut out {
                    f.message.push_str(&via_text);
                }
                out
            }
            Some((_, Some(object))) if object.public || object.kind == Some(Kind::Attribute) => {
                Vec::new()
            }
            // A library that marks nothing `@public` (dagster_pipes, many integrations) draws no
            // line between public and other members: none is reported.
            Some((id, _)) if !self.marks_public(catalog, top(&id)) => Vec::new(),
            Some((_, object)) => {
                let kind = object.and_then(|o| o.kind).map_or("member", Kind::as_str);
                vec![Finding {
                    rule: &rules::NON_PUBLIC_MEMBER,
                    message: format!(
                        "`{display}` is not a public {kind}: dagster's stability guarantee covers only `@public` members.{via_text}"
                    ),
                    symbol: Some(symbol),
                    ..Finding::default()
                }]
            }
        }
    }

    /// True when `catalog` marks some object of `package` `@public` (memoized per thread).
    fn marks_public(&self, catalog: Cat, package: &str) -> bool {
        self.answer(&["marks-public", &catalog.package, package], || {
            catalog
                .objects
                .iter()
                .any(|(id, object)| object.public && top(id) == package)
                .then(String::new)
        })
        .is_some()
    }
}

/// Which segments of a dotted path a reference writes itself: where the path leads through
/// (private segments, non-public modules) is reported only there, once; what the object is
/// (deprecated, beta, ...) at every use, since every use needs a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// An import: every segment.
    Whole,
    /// A use of a name bound to the path: none (its import or assignment wrote them), but the
    /// markers of every object on the path are still reported.
    Name,
    /// An attribute chained on another reference: its last segment (`dg.AssetSelection` in
    /// `dg.AssetSelection.keys` is a reference of its own).
    Last,
}

impl Default for Finding {
    fn default() -> Self {
        Finding {
            rule: &rules::DEPRECATED_SYMBOL,
            message: String::new(),
            symbol: None,
            parameter: None,
            breaking_version: None,
            replacement: None,
        }
    }
}

fn top(path: &str) -> &str {
    // (A byte scan: this runs for every reference, where `split('.')` showed in profiles.)
    match path.bytes().position(|b| b == b'.') {
        Some(i) => &path[..i],
        None => path,
    }
}

fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

/// Index of the first private segment (`_x`, not a dunder) of a dotted path.
fn private_segment(path: &str) -> Option<usize> {
    path.split('.')
        .position(|s| s.starts_with('_') && !(s.starts_with("__") && s.ends_with("__")))
}

/// The module alias (`dagster.core` -> `dagster._core`) a path starts with.
fn alias_prefix(catalog: &Catalog, path: &str) -> Option<(String, String)> {
    catalog
        .module_aliases
        .iter()
        .filter(|(from, _)| path == from.as_str() || path.starts_with(&format!("{from}.")))
        .max_by_key(|(from, _)| from.len())
        .map(|(f, t)| (f.clone(), t.clone()))
}

fn public_module_list(catalog: &Catalog) -> String {
    let list: Vec<String> = catalog
        .public_modules
        .iter()
        .take(3)
        .map(|m| format!("`{m}`"))
        .collect();
    if catalog.public_modules.len() > 3 {
        format!("{} and other documented namespaces", list.join(", "))
    } else {
        list.join(", ")
    }
}

/// The short class name of a catalog class id.
fn short_class(id: &str) -> &str {
    id.rsplit('.').next().unwrap_or(id)
}

/// How a path is named in messages: the part after its public module (`AssetSelection.keys`).
fn display_name(catalog: &Catalog, path: &str) -> String {
    if let Some(i) = private_segment(path) {
        // A private path: name the object by what follows the private module, at least its name.
        let segments: Vec<&str> = path.split('.').collect();
        let from = segments
            .len()
            .saturating_sub(1)
            .max(i + 1)
            .min(segments.len() - 1);
        return segments[from..].join(".");
    }
    catalog
        .public_modules
        .iter()
        .filter(|m| path.starts_with(&format!("{m}.")))
        .max_by_key(|m| m.len())
        .map_or_else(|| path.to_string(), |m| path[m.len() + 1..].to_string())
}

/// The public export path of an object, if it has one.
fn public_path_of(catalog: Cat, id: &str) -> Option<String> {
    catalog.index.public_paths.get(id).map(|p| p.to_string())
}

/// [`public_path_of`] without the index (for lookups outside judging).
fn public_path_scan(catalog: &Catalog, id: &str) -> Option<String> {
    catalog
        .exports
        .iter()
        .filter(|(_, e)| e.target.as_deref() == Some(id))
        .map(|(path, _)| path.clone())
        .min_by_key(|p| (p.matches('.').count(), p.clone()))
}

/// ` Use the public `X` instead.` when the object `path` reaches is exported as `X`.
fn public_hint(catalog: Cat, path: &str) -> String {
    object_of_path(&catalog, path)
        .and_then(|(id, _)| public_path_of(catalog, &id))
        .filter(|public| public != path)
        .map_or_else(String::new, |public| {
            format!(" Use the public `{public}` instead.")
        })
}

/// Resolves a dotted path (public, private or alias hop) to a catalogued object.
fn object_of_path<'c>(catalog: &'c Catalog, path: &str) -> Option<(String, &'c Object)> {
    let id = catalog
        .exports
        .get(path)
        .and_then(|e: &Export| e.target.clone())
        .or_else(|| catalog.aliases.get(path).map(str::to_string))
        .or_else(|| catalog.objects.contains_key(path).then(|| path.to_string()));
    if let Some(id) = id {
        return catalog.objects.get(&id).map(|o| (id, o));
    }
    let (parent, name) = path.rsplit_once('.')?;
    let (parent_id, parent_object) = object_of_path(catalog, parent)?;
    let class_id = if parent_object.kind == Some(Kind::Class) {
        parent_id
    } else {
        parent_object.returns.clone()?
    };
    let (member_id, object) = catalog.member(&class_id, name)?;
    object.map(|o| (member_id, o))
}

fn object_markers(object: &Object) -> Vec<Marker> {
    object.markers.clone()
}

fn private_only(path: &str) -> Vec<Finding> {
    match private_segment(path) {
        Some(_) => vec![Finding {
            rule: &rules::PRIVATE_IMPORT,
            message: format!("`{path}` is a private path: it has no stability guarantee."),
            symbol: Some(path.to_string()),
            ..Finding::default()
        }],
        None => Vec::new(),
    }
}

fn private_finding(
    catalog: Cat,
    path: &str,
    alias: Option<&(String, String)>,
    object: Option<String>,
) -> Finding {
    let public = object.as_deref().and_then(|id| public_path_of(catalog, id));
    let mut message = match alias {
        Some((from, to)) => format!(
            "`{path}` goes through `{from}`, an alias of the private module `{to}`: it has no stability guarantee."
        ),
        None => format!("`{path}` is a private path: it has no stability guarantee and may change in any release."),
    };
    if let Some(public) = &public {
        message.push_str(&format!(" Use the public `{public}` instead."));
    }
    Finding {
        rule: &rules::PRIVATE_IMPORT,
        message,
        symbol: Some(path.to_string()),
        ..Finding::default()
    }
}

fn absent(catalog: &Catalog, path: &str, module: bool) -> Finding {
    let what = if module { "module" } else { "name" };
    let (dist, version) = (&catalog.distribution, &catalog.version);
    let message = match shipped::absence(&catalog.package, version, path) {
        Some(shipped::Absence::NotYet(added)) => format!(
            "The {what} `{path}` was added in {dist} {added}: your project's {dist} {version} does not have it yet, so importing it fails."
        ),
        Some(shipped::Absence::Removed(removed, added)) => format!(
            "The {what} `{path}` was removed in {dist} {removed} (it existed from {added}): importing it from {dist} {version} fails."
        ),
        Some(shipped::Absence::Never(like)) => {
            let releases = shipped::versions(&catalog.package);
            let mut message = format!(
                "The {what} `{path}` does not exist in any release of {dist} ({} to {}): importing it fails.",
                releases.first().unwrap_or(&"?"),
                releases.last().unwrap_or(&"?")
            );
            if !like.is_empty() {
                let mut names: Vec<String> = like.iter().map(|n| format!("`{n}`")).collect();
                let last = names.pop().unwrap_or_default();
                let names = match names.is_empty() {
                    true => last,
                    false => format!("{} or {last}", names.join(", ")),
                };
                message.push_str(&format!(" Did you mean {names}?"));
            }
            message
        }
        None => format!("The {what} `{path}` does not exist in {dist} {version}: importing it fails."),
    };
    Finding {
        rule: &rules::REMOVED_SYMBOL,
        message,
        symbol: Some(path.to_string()),
        ..Finding::default()
    }
}

/// The release since which `symbol` (its object, else its export) has carried `status`
/// without a break, when a shipped history knows it.
fn since(catalog: &Catalog, symbol: &str, status: Status) -> Option<&'static str> {
    let id = object_of_path(catalog, symbol).map(|(id, _)| id);
    let (package, version) = (&catalog.package, &catalog.version);
    // The object's own periods first (no index of the whole history needed), then the export's.
    id.as_deref()
        .and_then(|id| catalog.objects.marked_since(id, status).flatten())
        .or_else(|| shipped::marked_since(package, version, None, symbol, status))
}

/// Findings for the lifecycle markers of a symbol.
fn status_findings(
    catalog: &Catalog,
    markers: Vec<Marker>,
    name: &str,
    symbol: &str,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for marker in markers {
        if seen.contains(&marker.status) {
            continue;
        }
        seen.push(marker.status);
        let hint = marker.message.as_deref().map(clean_hint);
        let (rule, mut message) = match marker.status {
            Status::Deprecated => (
                &rules::DEPRECATED_SYMBOL,
                match (breaking_version(&marker), since(catalog, symbol, Status::Deprecated)) {
                    (Some(v), Some(s)) => format!("`{name}` is deprecated since {s} and will be removed in {v}."),
                    (Some(v), None) => format!("`{name}` is deprecated and will be removed in {v}."),
                    (None, Some(s)) => format!("`{name}` is deprecated since {s}."),
                    (None, None) => format!("`{name}` is deprecated."),
                },
            ),
            Status::Removed => (
                &rules::REMOVED_SYMBOL,
                match since(catalog, symbol, Status::Removed) {
                    Some(s) => format!(
                        "`{name}` was removed in {dist} {s}: importing it from {dist} {} raises ImportError.",
                        catalog.version,
                        dist = catalog.distribution
                    ),
                    None => format!(
                        "`{name}` was removed from {} {}: importing it raises ImportError.",
                        catalog.distribution, catalog.version
                    ),
                },
            ),
            Status::Beta => (
                &rules::BETA_SYMBOL,
                format!("`{name}` is beta: it may change or disappear in any release."),
            ),
            Status::Experimental => (
                &rules::BETA_SYMBOL,
                format!(
                    "`{name}` is experimental (beta): it may change or disappear in any release."
                ),
            ),
            Status::Preview => (
                &rules::PREVIEW_SYMBOL,
                format!("`{name}` is in preview: it may change or disappear without notice."),
            ),
            Status::Superseded => (
                &rules::SUPERSEDED_SYMBOL,
                format!(
                    "`{name}` is superseded: it still works, but dagster recommends a newer API."
                ),
            ),
        };
        if let Some(hint) = &hint {
            message.push(' ');
            message.push_str(hint);
        }
        out.push(Finding {
            rule,
            message,
            symbol: Some(symbol.to_string()),
            parameter: None,
            breaking_version: breaking_version(&marker),
            replacement: hint.as_deref().and_then(plain_rename),
        });
    }
    out
}

/// Findings for keyword `param` of the callable `object`, named `owner` in messages and
/// `symbol` (its full dotted path) in the output.
fn param_findings(object: &Object, owner: &str, symbol: &str, param: &str) -> Vec<Finding> {
    let Some(markers) = object.params.get(param) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for marker in markers {
        let hint = marker.message.as_deref().map(clean_hint);
        let (rule, mut message) = match marker.status {
            Status::Deprecated => (
                &rules::DEPRECATED_PARAMETER,
                match breaking_version(marker) {
                    Some(v) => format!("Parameter `{param}` of `{owner}` is deprecated and will be removed in {v}."),
                    None => format!("Parameter `{param}` of `{owner}` is deprecated."),
                },
            ),
            Status::Beta | Status::Experimental | Status::Preview => (
                &rules::BETA_PARAMETER,
                format!("Parameter `{param}` of `{owner}` is beta: it may change or disappear in any release."),
            ),
            Status::Superseded | Status::Removed => continue,
        };
        if let Some(hint) = &hint {
            message.push(' ');
            message.push_str(hint);
        }
        out.push(Finding {
            rule,
            message,
            symbol: Some(symbol.to_string()),
            parameter: Some(param.to_string()),
            breaking_version: breaking_version(marker),
            replacement: None,
        });
    }
    out
}

/// The dotted symbol of a class member as users reach it (`dagster.AssetExecutionContext.log`).
fn member_symbol(catalog: Cat, class: &str, name: &str) -> String {
    public_path_of(catalog, class)
        .map_or_else(|| format!("{class}.{name}"), |p| format!("{p}.{name}"))
}

/// The breaking version of a deprecation, if it names one (dagster writes `breaking_version=""`
/// for parameters it only hides).
fn breaking_version(marker: &Marker) -> Option<String> {
    marker
        .breaking_version
        .clone()
        .filter(|v| !v.trim().is_empty())
}

/// Dagster's hint texts, trimmed to one line.
fn clean_hint(text: &str) -> String {
    let joined: Vec<&str> = text.split_whitespace().collect();
    let mut hint = joined.join(" ");
    if !hint.ends_with(['.', '!', '?']) {
        hint.push('.');
    }
    hint
}

/// A hint whose first sentence is "Use `X` instead." / "Use X instead." names a plain rename.
fn plain_rename(hint: &str) -> Option<String> {
    let first = hint.split_once(". ").map_or(hint, |(sentence, _)| sentence);
    let rest = first.strip_prefix("Use ")?;
    let name = rest.trim_end_matches('.').strip_suffix(" instead")?;
    let name = name.trim_matches('`');
    let simple = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        && !name.starts_with('.');
    simple.then(|| name.to_string())
}

/// A reference under the cursor and what the catalog says about it (for editor hovers).
#[derive(Debug, Clone)]
pub struct Lookup {
    /// Where the reference is written.
    pub span: Span,
    /// The dotted name as reached (`dagster.AssetSelection.keys`); for a member of an inferred
    /// object, the public path of its class and the member (`dagster.AssetExecutionContext.log`).
    pub symbol: String,
    /// The catalog that judges it; `None` for a tracked package without one.
    pub catalog: Option<&'static Catalog>,
    /// What the catalog says (kind, statuses, breaking version, hint, public); for a keyword
    /// argument, the parameter's row. `None` when the catalog does not know the name.
    pub row: Option<crate::catalog::Row>,
    /// True when the name is reached through a private path (`dagster._core...`).
    pub private: bool,
    /// The public path of the object, when the name is reached by another path.
    pub public_path: Option<String>,
}

/// What a catalog holds for a looked-up name.
struct Entry<'c> {
    kind: &'static str,
    public: bool,
    object: Option<&'c Object>,
    markers: Vec<Marker>,
}

impl Checker {
    /// The innermost reference that covers byte `offset` of `source`, with what the catalog
    /// says about it.
    pub fn lookup(&self, source: &str, offset: u32) -> Option<Lookup> {
        let parsed = syntax::parse(source);
        let reference = resolve::resolve(parsed.body(), self)
            .into_iter()
            .filter(|r| r.span.start <= offset && offset < r.span.end)
            .min_by_key(|r| r.span.end - r.span.start)?;
        Some(self.describe(&reference))
    }

    fn describe(&self, r: &Reference) -> Lookup {
        let (symbol, catalog, private, public_path, entry) = match &r.target {
            Target::Member { class, name } => {
                let catalog = self.catalog_with_object(class);
                let symbol = catalog
                    .and_then(|c| public_path_of(c, class))
                    .map_or_else(|| format!("{class}.{name}"), |p| format!("{p}.{name}"));
                let entry =
                    catalog
                        .and_then(|c| c.catalog.member(class, name))
                        .map(|(_, object)| Entry {
                            kind: object.and_then(|o| o.kind).map_or("member", Kind::as_str),
                            public: object.is_some_and(|o| o.public),
                            object,
                            markers: object.map(|o| o.markers.clone()).unwrap_or_default(),
                        });
                (
                    symbol,
                    catalog.map(|c| c.catalog),
                    private_segment(name).is_some(),
                    None,
                    entry,
                )
            }
            Target::Path(path) => {
                let catalog = self.catalog_for(path);
                let alias = catalog.and_then(|c| alias_prefix(&c, path));
                let private = private_segment(path).is_some() || alias.is_some();
                let resolved = match &alias {
                    Some((from, to)) => format!("{to}{}", &path[from.len()..]),
                    None => path.to_string(),
                };
                let (entry, public_path) = catalog.map_or((None, None), |c| {
                    path_entry(c.catalog, path, &resolved, private)
                });
                (
                    path.to_string(),
                    catalog.map(|c| c.catalog),
                    private,
                    public_path,
                    entry,
                )
            }
        };
        let row = entry
            .map(|e| match &r.kind {
                RefKind::Keyword { param } => {
                    let markers = e.object.and_then(|o| o.params.get(&**param));
                    let markers = markers.map_or(&[][..], Vec::as_slice);
                    crate::catalog::row(&symbol, Some(param), "parameter", e.public, markers)
                }
                _ => crate::catalog::row(&symbol, None, e.kind, e.public, &e.markers),
            })
            .map(|mut row| {
                row.message = row.message.as_deref().map(clean_hint);
                row
            });
        Lookup {
            span: r.span,
            symbol,
            catalog,
            row,
            private,
            public_path,
        }
    }
}

/// What `catalog` holds for `path` (`resolved` is the path with module aliases followed), and
/// the object's public path when that is another one.
fn path_entry<'c>(
    catalog: &'c Catalog,
    path: &str,
    resolved: &str,
    private: bool,
) -> (Option<Entry<'c>>, Option<String>) {
    if catalog.modules.iter().any(|m| m == resolved) {
        let public = !private && catalog.public_modules.iter().any(|m| m == path);
        let entry = Entry {
            kind: "module",
            public,
            object: None,
            markers: Vec::new(),
        };
        return (Some(entry), None);
    }
    let found = object_of_path(catalog, resolved);
    let object = found.as_ref().map(|(_, o)| *o);
    let public_path = found
        .as_ref()
        .and_then(|(id, _)| public_path_scan(catalog, id))
        .filter(|p| p != path);
    let kind = object.and_then(|o| o.kind).map_or("value", Kind::as_str);
    let entry = match catalog.exports.get(path) {
        Some(export) => Some(Entry {
            kind,
            public: true,
            object,
            markers: catalog.export_markers(export),
        }),
        None => object.map(|o| Entry {
            kind,
            public: !private && o.public,
            object,
            markers: o.markers.clone(),
        }),
    };
    (entry, public_path)
}

/// Links beyond which an attribute chain from a tracked name is not followed: no catalogued
/// module, object or member path comes near it (dagster's deepest are under 10), and it keeps
/// a chain that cycles through return types (`AssetKey.with_prefix.with_prefix...`) bounded.
const MAX_PATH_LINKS: usize = 64;

/// Links up to which an attribute chain is followed whatever the catalog knows of it, so that
/// a use reaching a private or uncatalogued name (`defs._private_thing` on a private module
/// the catalog does not list) is still judged; the catalog decides only past it.
const FREE_PATH_LINKS: usize = 8;

impl Knowledge for Checker {
    fn extends(&self, path: &str) -> bool {
        let links = bytecount::count(path.as_bytes(), b'.');
        if links >= MAX_PATH_LINKS {
            return false;
        }
        if links < FREE_PATH_LINKS {
            return true;
        }
        let Some(catalog) = self.catalog_for(path) else {
            // A tracked package without a catalog: only its private segments are judged.
            return true;
        };
        let resolved = match alias_prefix(&catalog, path) {
            Some((prefix, target)) => format!("{target}{}", &path[prefix.len()..]),
            None => path.to_string(),
        };
        catalog.index.modules.contains(resolved.as_str())
            || object_of_path(&catalog, &resolved).is_some()
    }

    fn is_tracked(&self, top: &str) -> bool {
        self.catalogs.contains_key(top) || self.extra_packages.iter().any(|p| p == top)
    }

    fn exports(&self, module: &str, name: &str) -> bool {
        self.answer(&["exports", module, name], || {
            self.catalog_for(module)
                .filter(|c| c.exports.contains_key(&format!("{module}.{name}")))
                .map(|_| String::new())
        })
        .is_some()
    }

    fn returns(&self, path: &str) -> Option<String> {
        self.answer(&["returns", path], || {
            let catalog = self.catalog_for(path)?;
            let (id, object) = object_of_path(catalog.catalog, path)?;
            match object.kind {
                Some(Kind::Class) => Some(id),
                _ => object.returns.clone(),
            }
        })
    }

    fn member_type(&self, class: &str, member: &str) -> Option<String> {
        self.answer(&["member_type", class, member], || {
            let catalog = self.catalog_with_object(class)?;
            catalog.member(class, member)?.1?.returns.clone()
        })
    }

    fn has_member(&self, class: &str, member: &str) -> bool {
        self.catalog_with_object(class)
            .is_some_and(|c| c.member(class, member).is_some())
    }

    fn context_class(&self, decorator: &str) -> Option<String> {
        let name = decorator.rsplit('.').next()?;
        let (_, class) = CONTEXT_CLASSES.iter().find(|(d, _)| *d == name)?;
        self.answer(&["context_class", class], || {
            let dagster = self.catalogs.get("dagster")?.0.get();
            dagster
                .exports
                .get(&format!("dagster.{class}"))?
                .target
                .clone()
        })
    }

    fn class_id(&self, path: &str) -> Option<String> {
        self.answer(&["class_id", path], || {
            let catalog = self.catalog_for(path)?;
            let (id, object) = object_of_path(catalog.catalog, path)?;
            (object.kind == Some(Kind::Class)).then_some(id)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::shipped;

    fn checker() -> Checker {
        let catalogs = [("dagster", "1.13.29"), ("dagster_dbt", "0.29.27")]
            .iter()
            .map(|(p, v)| shipped::find(p, v).expect("shipped catalog"))
            .collect();
        Checker::new(catalogs, Vec::new())
    }

    /// Every finding as `CODE symbol[(parameter)] @ row`.
    fn findings(filename: &str, source: &str) -> Vec<String> {
        checker()
            .check_source(filename, source)
            .iter()
            .map(|d| {
                let param = d
                    .parameter
                    .as_ref()
                    .map_or(String::new(), |p| format!("({p})"));
                let symbol = d.symbol.as_deref().unwrap_or("-");
                format!("{} {symbol}{param} @ {}", d.rule.code, d.start.row)
            })
            .collect()
    }

    #[test]
    fn dunder_module_attributes_are_not_missing_names() {
        let f = findings(
            "a.py",
            "import dagster\nfrom dagster import __version__\nprint(dagster.__version__, dagster.__file__)\n",
        );
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn parameter_findings_carry_the_full_path() {
        let source = "import dagster as dg\n@dg.multi_asset(specs=[], compute_kind='dbt', allow_arbitrary_check_specs=True)\ndef f(): ...\n";
        let diagnostics = checker().check_source("a.py", source);
        let params: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| *d.rule == rules::DEPRECATED_PARAMETER)
            .collect();
        assert_eq!(params.len(), 2, "{diagnostics:#?}");
        for d in &params {
            assert_eq!(d.symbol.as_deref(), Some("dagster.multi_asset"));
            assert!(d.message.contains("of `multi_asset`"), "{}", d.message);
        }
        let private = checker().check_source(
            "b.py",
            "from dagster._core.definitions.assets.definition.asset_spec import AssetSpec
AssetSpec('a', auto_materialize_policy=None)
",
        );
        let param = private
            .iter()
            .find(|d| *d.rule == rules::DEPRECATED_PARAMETER)
            .unwrap();
        assert_eq!(
            param.symbol.as_deref(),
            Some("dagster._core.definitions.assets.definition.asset_spec.AssetSpec")
        );
        assert!(
            param.message.contains("of `AssetSpec` is deprecated"),
            "{}",
            param.message
        );
        // `hidden_param(..., breaking_version="")` names no version.
        let hidden = params
            .iter()
            .find(|d| d.parameter.as_deref() == Some("allow_arbitrary_check_specs"))
            .unwrap();
        assert_eq!(hidden.breaking_version, None);
        assert!(
            hidden.message.ends_with("is deprecated."),
            "{}",
            hidden.message
        );
    }

    #[test]
    fn a_marked_object_through_a_private_path_keeps_its_markers_and_public_name() {
        let diagnostics = checker().check_source(
            "a.py",
            "from dagster._core.definitions import ExpectationResult\n",
        );
        let message = |rule: &Rule| {
            let found: Vec<&str> = diagnostics
                .iter()
                .filter(|d| d.rule == rule)
                .map(|d| &*d.message)
                .collect();
            assert_eq!(found.len(), 1, "{}: {diagnostics:#?}", rule.code);
            found[0].to_string()
        };
        assert_eq!(diagnostics.len(), 2);
        let private = message(&rules::PRIVATE_IMPORT);
        assert!(
            private.ends_with("Use the public `dagster.ExpectationResult` instead."),
            "{private}"
        );
        let deprecated = message(&rules::DEPRECATED_SYMBOL);
        assert!(
            deprecated.starts_with("`ExpectationResult` is deprecated since ")
                && deprecated.contains(" and will be removed in 2.0."),
            "{deprecated}"
        );
    }

    #[test]
    fn a_private_import_is_reported_once_and_uses_only_where_they_reach_a_private_path() {
        let f = findings(
            "a.py",
            "from dagster._core.definitions.metadata import TextMetadataValue
from dagster._core.definitions import ExpectationResult
import dagster as dg
import dagster._core.definitions as defs
from dagster._core.definitions.metadata import *
TextMetadataValue('a')
TextMetadataValue('b')
ExpectationResult(True)
ExpectationResult(False)
dg._core.definitions.metadata
defs._private_thing
defs.AssetsDefinition
TextMetadataValue._private_member
",
        );
        assert_eq!(
            f,
            [
                "DAG201 dagster._core.definitions.metadata.TextMetadataValue @ 1",
                "DAG001 dagster._core.definitions.ExpectationResult @ 2",
                "DAG201 dagster._core.definitions.ExpectationResult @ 2",
                "DAG201 dagster._core.definitions @ 4",
                "DAG201 dagster._core.definitions.metadata @ 5",
                // Each use of a deprecated name needs a change: each is reported.
                "DAG001 dagster._core.definitions.ExpectationResult @ 8",
                "DAG001 dagster._core.definitions.ExpectationResult @ 9",
                "DAG201 dagster._core @ 10",
                "DAG201 dagster._core.definitions._private_thing @ 11",
                "DAG201 dagster._core.definitions.metadata.TextMetadataValue._private_member @ 13",
            ],
            "{f:#?}"
        );
    }

    #[test]
    fn a_name_from_a_non_public_module_is_reported_at_its_import_only() {
        let f = findings(
            "a.py",
            "from dagster.components.core.context import ComponentLoadContext\ndef f(c: ComponentLoadContext) -> ComponentLoadContext: ...\n",
        );
        assert_eq!(
            f,
            ["DAG202 dagster.components.core.context.ComponentLoadContext @ 1"],
            "{f:#?}"
        );
    }

    #[test]
    fn members_of_a_library_that_marks_nothing_public_are_not_reported_as_non_public() {
        let catalogs = [("dagster", "1.13.29"), ("dagster_pipes", "1.13.29")]
            .iter()
            .map(|(p, v)| shipped::find(p, v).expect("shipped catalog"))
            .collect();
        let checker = Checker::new(catalogs, Vec::new());
        let source = "from dagster_pipes import PipesContext
import dagster as dg
def f(c: PipesContext, r: dg.ConfigurableResource):
    c.get_extra('x')
    c.report_asset_materialization()
    r.get_resource_context()
";
        let found: Vec<String> = checker
            .check_source("a.py", source)
            .iter()
            .map(|d| format!("{} {}", d.rule.code, d.symbol.as_deref().unwrap_or("-")))
            .collect();
        // dagster marks members `@public`, dagster_pipes marks nothing.
        assert_eq!(
            found,
            ["DAG203 dagster.ConfigurableResource.get_resource_context"],
            "{found:#?}"
        );
    }

    #[test]
    fn a_function_bound_over_its_submodule_is_not_a_module() {
        let f = findings(
            "a.py",
            "import dagster as dg\nfrom dagster.components import definitions\n@dg.components.definitions\ndef defs(): ...\n@definitions\ndef more(): ...\n",
        );
        assert!(f.is_empty(), "{f:#?}");
        // Importing the submodule itself is still an import of a non-public module.
        let f = findings("a.py", "import dagster.components.definitions\n");
        assert_eq!(f, ["DAG202 dagster.components.definitions @ 1"], "{f:#?}");
    }

    #[test]
    fn names_from_non_public_modules_point_to_their_public_path() {
        let diagnostics = checker().check_source(
            "a.py",
            "from dagster.components.resolved.model import Resolver\nfrom dagster.components.resolved.core_models import OpSpec\n",
        );
        let messages: Vec<&str> = diagnostics.iter().map(|d| &*d.message).collect();
        assert_eq!(messages.len(), 2, "{messages:#?}");
        assert!(
            messages[0].ends_with("Use the public `dagster.Resolver` instead."),
            "{}",
            messages[0]
        );
        // OpSpec is exported nowhere public.
        assert!(!messages[1].contains("Use the public"), "{}", messages[1]);
    }

    #[test]
    fn a_package_using_itself_is_not_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let package = discovery::make_package(tmp.path(), "dagster_dbt");
        // Members count for the class defining them.
        // (`get_resource_context` on a dagster_dbt resource is dagster's ConfigurableResource's.)
        let source = "from dagster_dbt.cloud import DbtCloudResource\nfrom dagster._core.definitions.assets.definition.assets_definition import AssetsDefinition\nfrom dagster_dbt import DbtCliInvocation\ndef f(run: DbtCliInvocation):\n    return run.manifest\nfrom dagster_dbt.cloud import DbtCloudClientResource\ndef g(r: DbtCloudClientResource):\n    return r.get_resource_context()\n";
        let inside = package.join("cloud_utils.py");
        let outside = tmp.path().join("script.py");
        let f = findings(&inside.to_string_lossy(), source);
        assert!(
            !f.iter()
                .any(|x| x.contains("dagster_dbt") && !x.contains("get_resource_context")),
            "{f:#?}"
        );
        assert!(
            f.iter().any(|x| x.starts_with("DAG201 dagster._core")),
            "{f:#?}"
        );
        assert!(
            f.iter()
                .any(|x| x.starts_with("DAG203") && x.contains(".get_resource_context @ 8")),
            "{f:#?}"
        );
        let f = findings(&outside.to_string_lossy(), source);
        assert!(
            f.contains(&"DAG101 dagster_dbt.cloud.DbtCloudResource @ 1".to_string()),
            "{f:#?}"
        );
        // `DbtCliInvocation.manifest` is a plain data attribute: not reported (see rule DAG203).
        assert!(!f.iter().any(|x| x.contains(".manifest")), "{f:#?}");
    }

    #[test]
    fn dagsters_own_classes_own_their_dagster_shared_members() {
        // `RunRequest` mixes in `dagster_shared`'s `LegacyNamedTupleMixin`: `_replace` is
        // private to users, and dagster's own use of it is not a finding.
        let tmp = tempfile::tempdir().unwrap();
        let package = discovery::make_package(tmp.path(), "dagster");
        let source = "from dagster import RunRequest\ndef f(r: RunRequest):\n    return r._replace(tags={})\n";
        let inside = package.join("daemon.py");
        let outside = tmp.path().join("script.py");
        assert_eq!(
            findings(&inside.to_string_lossy(), source),
            Vec::<String>::new()
        );
        assert!(checker().own_package_is_closed("dagster"));
        let f = findings(&outside.to_string_lossy(), source);
        assert!(
            f.iter()
                .any(|x| x.starts_with("DAG201") && x.contains("_replace")),
            "{f:#?}"
        );
    }
}
