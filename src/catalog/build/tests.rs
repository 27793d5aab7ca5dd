//! Each test builds a small fake distribution written for this project and checks one of
//! the forms dagster's sources use.

use super::build;
use crate::catalog::model::*;
use crate::catalog::sources::SourceSet;

/// The annotations module of the fake dagster (the same shape as dagster's).
const ANNOTATIONS: &str = "def public(obj): return obj\ndef beta(obj=None, **kw): return obj\ndef preview(obj=None, **kw): return obj\ndef superseded(obj=None, **kw): return obj\ndef experimental(obj=None, **kw): return obj\ndef deprecated(obj=None, *, breaking_version, additional_warn_text=None, subject=None, emit_runtime_warning=True): return obj\ndef deprecated_param(obj=None, *, param, breaking_version, additional_warn_text=None): return obj\ndef hidden_param(obj=None, *, param, breaking_version, additional_warn_text=None): return obj\ndef beta_param(obj=None, *, param, additional_warn_text=None): return obj\ndef experimental_param(obj=None, *, param, additional_warn_text=None): return obj\nPublicAttr = object()\n";

/// Writes a fake site-packages with the given distributions and files, and builds it.
fn build_fake(dists: &[(&str, &str)], files: &[(&str, &str)]) -> Vec<Catalog> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (name, version) in dists {
        let info = root.join(format!("{}-{version}.dist-info", name.replace('-', "_")));
        std::fs::create_dir_all(&info).unwrap();
        std::fs::write(
            info.join("METADATA"),
            format!("Name: {name}\nVersion: {version}\nRequires-Python: >=3.9\n\n"),
        )
        .unwrap();
        let package = name.replace('-', "_");
        let record: String = files
            .iter()
            .filter(|(p, _)| p.starts_with(&format!("{package}/")))
            .map(|(p, _)| format!("{p},,\n"))
            .collect();
        std::fs::write(info.join("RECORD"), record).unwrap();
    }
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    }
    build(&SourceSet::read(&[root.to_path_buf()]).unwrap())
}

fn dagster(files: &[(&str, &str)]) -> Catalog {
    let mut all = vec![("dagster/_annotations.py", ANNOTATIONS)];
    all.extend_from_slice(files);
    build_fake(&[("dagster", "9.9.9")], &all).remove(0)
}

fn statuses(catalog: &Catalog, export: &str) -> Vec<&'static str> {
    let e = &catalog.exports[export];
    catalog
        .export_markers(e)
        .iter()
        .map(|m| m.status.as_str())
        .collect()
}

fn member<'c>(catalog: &'c Catalog, export: &str, name: &str) -> Option<&'c Object> {
    let class = catalog.exports[export].target.as_ref().unwrap();
    catalog.member(class, name).and_then(|m| m.1)
}

#[test]
fn form1_bare_called_multiline_and_helper_kwargs() {
    let c = dagster(&[
        ("dagster/__init__.py", "from dagster._impl import A as A, B as B, C as C, D as D\n"),
        (
            "dagster/_impl.py",
            "from dagster._annotations import beta, deprecated\n\n@beta\nclass A: ...\n\n@deprecated(\n    breaking_version=\"2.0\",\n    additional_warn_text=(\n        \"Use X \"\n        \"instead.\"\n    ),\n)\ndef B(): ...\n\ndef _kwargs(name):\n    d = {\"breaking_version\": \"a future release\"}\n    d[\"subject\"] = f\"B.{name}\"\n    if name:\n        d[\"additional_warn_text\"] = f\"Use {name}.\"\n    return d\n\n@deprecated(**_kwargs(\"c\"))\ndef C(): ...\n\n@deprecated(**undefined_helper())\ndef D(): ...\n",
        ),
    ]);
    assert_eq!(statuses(&c, "dagster.A"), vec!["beta"]);
    let b = c.export_markers(&c.exports["dagster.B"]);
    assert_eq!(b[0].breaking_version.as_deref(), Some("2.0"));
    assert_eq!(b[0].message.as_deref(), Some("Use X instead."));
    let cm = c.export_markers(&c.exports["dagster.C"]);
    assert_eq!(cm[0].breaking_version.as_deref(), Some("a future release"));
    assert_eq!(cm[0].message, None, "set under a condition: unknown");
    // An unevaluable helper keeps the marker with an unknown breaking version.
    let dm = c.export_markers(&c.exports["dagster.D"]);
    assert_eq!(
        (dm[0].status, dm[0].breaking_version.clone()),
        (Status::Deprecated, None)
    );
}

#[test]
fn deprecated_properties_that_only_return_a_member_chain_are_forwards() {
    let c = dagster(&[
        ("dagster/__init__.py", "from dagster._impl import K as K\n"),
        (
            "dagster/_impl.py",
            "from dagster._annotations import public, deprecated\n\nclass K:\n    @deprecated(breaking_version=\"2.0\")\n    @property\n    def run_id(self):\n        \"\"\"Doc.\"\"\"\n        return self.run.run_id\n    @deprecated(breaking_version=\"2.0\")\n    @property\n    def old_name(self):\n        return self.kept\n    @deprecated(breaking_version=\"2.0\")\n    @property\n    def private(self):\n        return self._run.run_id\n    @deprecated(breaking_version=\"2.0\")\n    @property\n    def more(self):\n        x = 1\n        return self.run.run_id\n    @deprecated(breaking_version=\"2.0\")\n    def method(self):\n        return self.run.run_id\n    @public\n    @property\n    def kept(self):\n        return self.run.run_id\n",
        ),
    ]);
    let forward = |name| member(&c, "dagster.K", name).and_then(|m| m.forward.clone());
    assert_eq!(forward("run_id").as_deref(), Some("run.run_id"));
    assert_eq!(forward("old_name").as_deref(), Some("kept"));
    // A private hop, other statements, a method, a member that is not deprecated: none.
    for name in ["private", "more", "method", "kept"] {
        assert_eq!(forward(name), None, "{name}");
    }
}

#[test]
fn signatures_of_functions_and_constructors() {
    let c = dagster(&[
        ("dagster/__init__.py", "from dagster._impl import f as f, K as K, N as N, B as B\n"),
        (
            "dagster/_impl.py",
            "def f(a, /, b, *args, c=1, **kw): ...\n\nclass K:\n    def __init__(self, key, *, deps=None): ...\n\nclass N:\n    def __new__(cls, key): ...\n    def __init__(self, key): ...\n\nclass B: ...\n",
        ),
    ]);
    let sig = |export: &str| {
        let id = c.exports[export].target.as_ref().unwrap();
        c.objects.get(id).unwrap().signature.clone()
    };
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        sig("dagster.f"),
        Some(Signature {
            positional: strings(&["a", "b"]),
            keyword: strings(&["b", "c"]),
            var_positional: true,
            var_keyword: true,
            required: strings(&["a", "b"]),
        })
    );
    assert_eq!(
        sig("dagster.K"),
        Some(Signature {
            positional: strings(&["key"]),
            keyword: strings(&["key", "deps"]),
            required: strings(&["key"]),
            ..Signature::default()
        })
    );
    // Both constructors, or none: unknown.
    assert_eq!(sig("dagster.N"), None);
    assert_eq!(sig("dagster.B"), None);
}

#[test]
fn form2_targets_and_decorator_order() {
    let c = dagster(&[
        ("dagster/__init__.py", "from dagster._impl import K as K\n"),
        (
            "dagster/_impl.py",
            "from dagster._annotations import public, beta, deprecated, preview\n\nclass K:\n    @beta\n    def __init__(self): ...\n    @public\n    @property\n    @deprecated(breaking_version=\"2.0\")\n    def p(self): ...\n    @deprecated(breaking_version=\"3.0\")\n    @public\n    @staticmethod\n    def s(): ...\n    @classmethod\n    @preview\n    def c(cls): ...\n    @public\n    def plain(self): ...\n    def hidden(self): ...\n",
        ),
    ]);
    let init = member(&c, "dagster.K", "__init__").unwrap();
    assert_eq!(init.markers[0].status, Status::Beta);
    let p = member(&c, "dagster.K", "p").unwrap();
    assert_eq!(
        (p.kind, p.public, p.markers[0].status),
        (Some(Kind::Property), true, Status::Deprecated)
    );
    let s = member(&c, "dagster.K", "s").unwrap();
    assert_eq!(
        (s.kind, s.public, s.markers[0].breaking_version.as_deref()),
        (Some(Kind::Staticmethod), true, Some("3.0"))
    );
    let cm = member(&c, "dagster.K", "c").unwrap();
    assert_eq!(
        (cm.kind, cm.public, cm.markers[0].status),
        (Some(Kind::Classmethod), false, Status::Preview)
    );
    assert!(member(&c, "dagster.K", "plain").unwrap().public);
    assert!(
        member(&c, "dagster.K", "hidden").is_none(),
        "plain members are listed by name only"
    );
    assert!(c
        .member_names(c.exports["dagster.K"].target.as_ref().unwrap())
        .contains("hidden"));
}

#[test]
fn form3_stacked_markers_and_definition_decorators() {
    let c = dagster(&[
        ("dagster/__init__.py", "from dagster._impl import f as f, g as g\n"),
        (
            "dagster/_impl.py",
            "from dagster._annotations import deprecated, superseded, beta\nfrom functools import wraps\n\ndef op(fn): return fn\n\n@deprecated(breaking_version=\"2.0\")\n@superseded(additional_warn_text=\"Use h.\")\n@wraps(print)\ndef f(): ...\n\n@op\n@beta\ndef g(): ...\n",
        ),
    ]);
    assert_eq!(statuses(&c, "dagster.f"), vec!["deprecated", "superseded"]);
    assert_eq!(
        statuses(&c, "dagster.g"),
        vec!["beta"],
        "counted even under @op"
    );
}

#[test]
fn form4_param_markers_on_a_class_describe_init() {
    let c = dagster(&[
        ("dagster/__init__.py", "from dagster._impl import R as R, fn as fn\n"),
        (
            "dagster/_impl.py",
            "from dagster._annotations import deprecated_param, hidden_param, beta_param\n\n@deprecated_param(param=\"old\", breaking_version=\"2.0\", additional_warn_text=\"Use new.\")\n@beta_param(param=\"fresh\")\nclass R:\n    def __init__(self, old=None, fresh=None, new=None): ...\n\n@hidden_param(param=\"gone\", breaking_version=\"1.10\")\ndef fn(**kwargs): ...\n",
        ),
    ]);
    let r = c
        .objects
        .get(c.exports["dagster.R"].target.as_ref().unwrap())
        .unwrap();
    assert_eq!(r.params["old"][0].breaking_version.as_deref(), Some("2.0"));
    assert_eq!(r.params["fresh"][0].status, Status::Beta);
    let f = c
        .objects
        .get(c.exports["dagster.fn"].target.as_ref().unwrap())
        .unwrap();
    assert!(f.params["gone"][0].hidden);
}

#[test]
fn form5_marker_in_a_variable_also_across_packages() {
    let catalogs = build_fake(
        &[("dagster", "9.9.9"), ("dagster-lib", "0.9.9")],
        &[
            ("dagster/_annotations.py", ANNOTATIONS),
            ("dagster/__init__.py", "from dagster._impl import L as L\n"),
            ("dagster/_impl.py", "from dagster._annotations import superseded\n_marker = superseded(additional_warn_text=\"Use pipes.\")\n\n@_marker\nclass L: ...\n"),
            ("dagster_lib/__init__.py", "from dagster_lib.impl import M as M\n"),
            ("dagster_lib/impl.py", "from dagster._impl import _marker\n\n@_marker\nclass M: ...\n"),
        ],
    );
    for c in &catalogs {
        let name = format!(
            "{}.{}",
            c.package,
            if c.package == "dagster" { "L" } else { "M" }
        );
        let m = c.export_markers(&c.exports[&name]);
        assert_eq!(
            (m[0].status, m[0].message.as_deref()),
            (Status::Superseded, Some("Use pipes.")),
            "{name}"
        );
    }
}

#[test]
fn form6_public_attr_fields() {
    let c = dagster(&[
        ("dagster/__init__.py", "from dagster._impl import N as N, F as F\n"),
        (
            "dagster/_impl.py",
            "from typing import NamedTuple\nfrom dagster._annotations import PublicAttr\n\nclass N(NamedTuple(\"_N\", [(\"a\", PublicAttr[int]), (\"b\", int)])): ...\n\nclass F:\n    x: PublicAttr[str]\n    y: \"PublicAttr[int]\"\n    z: int\n",
        ),
    ]);
    assert!(member(&c, "dagster.N", "a").unwrap().public);
    assert!(member(&c, "dagster.N", "b").is_none());
    assert!(member(&c, "dagster.F", "x").unwrap().public);
    assert!(member(&c, "dagster.F", "y").unwrap().public);
    assert!(member(&c, "dagster.F", "z").is_none());
}

#[test]
fn form7_getattr_tables_in_core_and_integrations() {
    let catalogs = build_fake(
        &[("dagster", "9.9.9"), ("dagster-lib", "0.9.9")],
        &[
            ("dagster/_annotations.py", ANNOTATIONS),
            ("dagster/__init__.py", "from dagster._impl import New as New\n_DEPRECATED = {\"Old\": (\"dagster._impl\", \"2.0\", \"Use New.\")}\n_DEPRECATED_RENAMED = {\"Older\": (New, \"1.10\")}\n_DEPRECATED_WITH_ERROR = {\"Gone\": \"Gone was removed in 1.11.\"}\n"),
            ("dagster/_impl.py", "class New: ...\nclass Old: ...\n"),
            ("dagster_lib/__init__.py", "_DEPRECATED_WARNING = {\"Thing\": (\"dagster_lib.impl\", \"0.30\", \"Use Other.\")}\n"),
            ("dagster_lib/impl.py", "class Thing: ...\n"),
        ],
    );
    let c = &catalogs[0];
    let old = c.export_markers(&c.exports["dagster.Old"]);
    assert_eq!(
        (old[0].status, old[0].breaking_version.as_deref()),
        (Status::Deprecated, Some("2.0"))
    );
    assert!(c.exports["dagster.Old"].target.as_deref() == Some("dagster._impl.Old"));
    assert_eq!(statuses(c, "dagster.Older"), vec!["deprecated"]);
    let gone = c.export_markers(&c.exports["dagster.Gone"]);
    assert_eq!(
        (gone[0].status, gone[0].message.as_deref()),
        (Status::Removed, Some("Gone was removed in 1.11."))
    );
    assert_eq!(
        statuses(&catalogs[1], "dagster_lib.Thing"),
        vec!["deprecated"]
    );
}

#[test]
fn form8_reexport_chains_through_packages() {
    let catalogs = build_fake(
        &[("dagster", "9.9.9"), ("dagster-shared", "9.9.9")],
        &[
            ("dagster/_annotations.py", ANNOTATIONS),
            ("dagster/__init__.py", "from dagster._core.defs import Deep as Deep\nfrom dagster_shared.error import Err as Err\n"),
            ("dagster/_core/__init__.py", ""),
            ("dagster/_core/defs/__init__.py", "from dagster._core.defs.deep import Deep as Deep\n"),
            ("dagster/_core/defs/deep.py", "from dagster._annotations import beta\n\n@beta\nclass Deep: ...\n"),
            ("dagster_shared/__init__.py", ""),
            ("dagster_shared/error.py", "from dagster._annotations import deprecated\n\n@deprecated(breaking_version=\"3.0\")\nclass Err(Exception): ...\n"),
        ],
    );
    let c = &catalogs[0];
    assert_eq!(
        c.exports["dagster.Deep"].target.as_deref(),
        Some("dagster._core.defs.deep.Deep")
    );
    assert_eq!(statuses(c, "dagster.Deep"), vec!["beta"]);
    assert_eq!(
        &c.aliases["dagster._core.defs.Deep"],
        "dagster._core.defs.deep.Deep"
    );
    assert_eq!(statuses(c, "dagster.Err"), vec!["deprecated"]);
}

#[test]
fn form9_public_namespaces_and_module_aliases() {
    let c = dagster(&[
        ("dagster/__init__.py", "import sys\nfrom dagster import _alias\nsys.meta_path.insert(0, _alias.AliasedModuleFinder({\"dagster.core\": \"dagster._core\"}))\nfrom dagster._core.x import X as X\n"),
        ("dagster/_alias.py", "class AliasedModuleFinder: ...\n"),
        ("dagster/_core/__init__.py", ""),
        ("dagster/_core/x.py", "class X: ...\n"),
        ("dagster/components/__init__.py", "from dagster.components.core.thing import Thing as Thing\n"),
        ("dagster/components/core/__init__.py", ""),
        ("dagster/components/core/thing.py", "class Thing: ...\n"),
        ("dagster/preview/__init__.py", ""),
        ("dagster/preview/freshness/__init__.py", "from dagster._core.x import X as X\nfrom dagster._core.x import X as NotReexported\n"),
        ("dagster/deprecated/__init__.py", "from dagster._core.x import X as X\n"),
    ]);
    assert_eq!(
        c.public_modules,
        vec![
            "dagster",
            "dagster.components",
            "dagster.deprecated",
            "dagster.preview",
            "dagster.preview.freshness"
        ]
    );
    assert!(c
        .modules
        .contains(&"dagster.components.core.thing".to_string()));
    assert!(!c.modules.iter().any(|m| m.contains("_core")));
    assert_eq!(c.module_aliases["dagster.core"], "dagster._core");
    assert!(c.exports.contains_key("dagster.components.Thing"));
    assert!(c.exports.contains_key("dagster.preview.freshness.X"));
    assert!(!c
        .exports
        .contains_key("dagster.preview.freshness.NotReexported"));
}

#[test]
fn form10_inherited_members_and_markers() {
    let c = dagster(&[
        ("dagster/__init__.py", "from dagster._impl import Base as Base, Child as Child\n"),
        (
            "dagster/_impl.py",
            "from dagster._annotations import public, deprecated, deprecated_param\n\n@deprecated_param(param=\"v\", breaking_version=\"2.0\")\nclass Base:\n    def __init__(self, v=None): ...\n    @public\n    def run(self): ...\n    @public\n    @deprecated(breaking_version=\"2.0\")\n    def old(self): ...\n\nclass Child(Base):\n    @public\n    def old(self): ...\n",
        ),
    ]);
    assert!(
        member(&c, "dagster.Child", "run").unwrap().public,
        "inherited"
    );
    assert!(
        member(&c, "dagster.Child", "old")
            .unwrap()
            .markers
            .is_empty(),
        "overridden"
    );
    assert!(!member(&c, "dagster.Base", "old")
        .unwrap()
        .markers
        .is_empty());
    let child = c
        .objects
        .get(c.exports["dagster.Child"].target.as_ref().unwrap())
        .unwrap();
    assert!(
        child.params.contains_key("v"),
        "inherits __init__ parameter markers"
    );
    let rows = c.rows();
    assert!(rows
        .iter()
        .any(|r| r.symbol == "dagster.Child.run" && r.public));
}

#[test]
fn form11_private_hops_of_exported_objects_are_aliases() {
    // `dagster/__init__.py` imports from the defining module; the private package
    // `dagster._core.definitions` re-exports the same object, and another private module
    // imports it for its own use: both paths reach the deprecated class.
    let c = dagster(&[
        ("dagster/__init__.py", "from dagster._core.definitions.events import ExpectationResult as ExpectationResult\n"),
        ("dagster/_core/__init__.py", ""),
        ("dagster/_core/definitions/__init__.py", "from dagster._core.definitions.events import ExpectationResult as ExpectationResult\n"),
        ("dagster/_core/definitions/events.py", "from dagster._annotations import deprecated\n\n@deprecated(breaking_version=\"2.0\", additional_warn_text=\"Use checks.\")\nclass ExpectationResult: ...\n"),
        ("dagster/_core/other.py", "from dagster._core.definitions import ExpectationResult\nfrom dagster._core.definitions.events import ExpectationResult as _ER\nclass Unexported: ...\n"),
        ("dagster/_core/third.py", "from dagster._core.other import Unexported\n"),
    ]);
    let id = "dagster._core.definitions.events.ExpectationResult";
    assert_eq!(
        &c.aliases["dagster._core.definitions.ExpectationResult"],
        id
    );
    assert_eq!(&c.aliases["dagster._core.other.ExpectationResult"], id);
    assert_eq!(&c.aliases["dagster._core.other._ER"], id);
    assert!(
        c.aliases.get("dagster._core.third.Unexported").is_none(),
        "only objects a public module exports"
    );
    assert!(c.aliases.get("dagster.ExpectationResult").is_none());
    assert_eq!(
        c.objects.get(id).unwrap().markers[0].status,
        Status::Deprecated
    );
}

#[test]
fn form12_param_markers_on_init_and_new_are_the_class_params() {
    let c = dagster(&[
        ("dagster/__init__.py", "from dagster._impl import AD as AD, Checks as Checks, Run as Run, Own as Own\n"),
        (
            "dagster/_impl.py",
            "from typing import NamedTuple\nfrom dagster._annotations import beta_param, experimental_param, public\n\n@public\nclass AD:\n    @beta_param(param=\"execution_type\")\n    @experimental_param(param=\"specs\")\n    def __init__(self, execution_type=None, specs=None): ...\n\nclass Checks(AD): ...\n\nclass Own(AD):\n    def __init__(self, other=None): ...\n\nclass Run(NamedTuple(\"_Run\", [(\"x\", int)])):\n    @experimental_param(param=\"exclude_subruns\")\n    def __new__(cls, x=None, exclude_subruns=None): ...\n",
        ),
    ]);
    let object = |name: &str| {
        c.objects
            .get(c.exports[name].target.as_ref().unwrap())
            .unwrap()
    };
    let ad = object("dagster.AD");
    assert_eq!(ad.params["execution_type"][0].status, Status::Beta);
    assert_eq!(ad.params["specs"][0].status, Status::Experimental);
    assert!(
        member(&c, "dagster.AD", "__init__").unwrap().params["execution_type"][0].status
            == Status::Beta,
        "the __init__ member keeps them too"
    );
    assert!(
        object("dagster.Checks").params.contains_key("specs"),
        "inherited with the __init__"
    );
    assert!(
        object("dagster.Own").params.is_empty(),
        "an own __init__ without the parameter drops it"
    );
    assert_eq!(
        object("dagster.Run").params["exclude_subruns"][0].status,
        Status::Experimental
    );
    let rows = c.rows();
    assert!(rows.iter().any(|r| r.symbol == "dagster.AD"
        && r.parameter.as_deref() == Some("execution_type")
        && r.markers == ["beta"]));
}

#[test]
fn form13_hints_built_by_helpers_are_evaluated() {
    let c = dagster(&[
        ("dagster/__init__.py", "from dagster._ctx import Ctx as Ctx\n"),
        ("dagster/_texts.py", "PREFIX = \"You have called\"\n"),
        (
            "dagster/_ctx.py",
            concat!(
                "from dagster._annotations import deprecated, public\n",
                "from dagster._texts import PREFIX\n",
                "ALTERNATE_METHODS = {\"run_id\": \"run.run_id\"}\n",
                "ALTERNATE_EXPRESSIONS = {\"has_tag\": \"key in context.run.tags\"}\n",
                "USE_OP_CONTEXT = [\"op_config\"]\n",
                "\n",
                "def _kwargs(attr):\n",
                "    kw = {\"breaking_version\": \"a future release\"}\n",
                "    kw[\"subject\"] = f\"Ctx.{attr}\"\n",
                "    if attr in ALTERNATE_METHODS:\n",
                "        kw[\"additional_warn_text\"] = (\n",
                "            f\"{PREFIX} the deprecated method {attr} on Ctx. Use\"\n",
                "            f\" context.{ALTERNATE_METHODS[attr]} instead.\"\n",
                "        )\n",
                "    elif attr in ALTERNATE_EXPRESSIONS:\n",
                "        kw[\"additional_warn_text\"] = \"Use \" + ALTERNATE_EXPRESSIONS[attr] + \" instead.\"\n",
                "    elif attr not in USE_OP_CONTEXT:\n",
                "        return {\"breaking_version\": \"2.0\"}\n",
                "    else:\n",
                "        kw[\"additional_warn_text\"] = _op_text(attr)\n",
                "    return kw\n",
                "\n",
                "def _op_text(name, where=\"op_execution_context\"):\n",
                "    text = f\"Use context.{where}.\"\n",
                "    text += name\n",
                "    return text + \" instead.\"\n",
                "\n",
                "def _unknown(attr):\n",
                "    kw = {\"breaking_version\": \"1.0\"}\n",
                "    if attr.startswith(\"x\"):\n",
                "        kw[\"additional_warn_text\"] = \"maybe\"\n",
                "    return kw\n",
                "\n",
                "@public\n",
                "class Ctx:\n",
                "    @deprecated(**_kwargs(\"run_id\"))\n",
                "    @property\n",
                "    def run_id(self): ...\n",
                "    @deprecated(**_kwargs(\"has_tag\"))\n",
                "    def has_tag(self, key): ...\n",
                "    @deprecated(**_kwargs(\"op_config\"))\n",
                "    def op_config(self): ...\n",
                "    @deprecated(**_kwargs(\"other\"))\n",
                "    def other(self): ...\n",
                "    @deprecated(**_unknown(\"xy\"))\n",
                "    def unknown(self): ...\n",
                "    @deprecated(breaking_version=\"2.0\", additional_warn_text=_op_text(\"direct\"))\n",
                "    def direct(self): ...\n",
            ),
        ),
    ]);
    let hint = |name: &str| {
        let m = &member(&c, "dagster.Ctx", name).unwrap().markers[0];
        (m.breaking_version.clone(), m.message.clone())
    };
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        hint("run_id"),
        (
            s("a future release"),
            s("You have called the deprecated method run_id on Ctx. Use context.run.run_id instead.")
        )
    );
    assert_eq!(
        hint("has_tag"),
        (
            s("a future release"),
            s("Use key in context.run.tags instead.")
        )
    );
    assert_eq!(
        hint("op_config"),
        (
            s("a future release"),
            s("Use context.op_execution_context.op_config instead.")
        )
    );
    assert_eq!(hint("other"), (s("2.0"), None), "an early return");
    assert_eq!(
        hint("unknown"),
        (s("1.0"), None),
        "a branch that cannot be decided: unknown"
    );
    assert_eq!(
        hint("direct"),
        (
            s("2.0"),
            s("Use context.op_execution_context.direct instead.")
        )
    );
}

#[test]
fn form14_a_name_bound_over_its_submodule_is_the_name() {
    let c = dagster(&[
        (
            "dagster/__init__.py",
            "from dagster.components.definitions import definitions as definitions\n",
        ),
        (
            "dagster/components/__init__.py",
            "from dagster.components.definitions import definitions as definitions\n",
        ),
        (
            "dagster/components/definitions.py",
            "def definitions(fn): return fn\n",
        ),
    ]);
    // The submodule exists (`import dagster.components.definitions` works) and the
    // package's attribute is the function: both are recorded, and the export says which
    // object the name is.
    assert!(c
        .modules
        .contains(&"dagster.components.definitions".to_string()));
    assert!(!c
        .public_modules
        .contains(&"dagster.components.definitions".to_string()));
    let target = c.exports["dagster.components.definitions"]
        .target
        .as_deref();
    assert_eq!(target, Some("dagster.components.definitions.definitions"));
    assert_eq!(target, c.exports["dagster.definitions"].target.as_deref());
    assert_eq!(
        c.objects.get(target.unwrap()).unwrap().kind,
        Some(Kind::Function)
    );
    // Through an intermediate package whose `__init__` binds the function over the
    // submodule (dagster-k8s's `k8s_job_op`).
    let c = dagster(&[
        (
            "dagster/__init__.py",
            "from dagster.ops import job_op as job_op\n",
        ),
        (
            "dagster/ops/__init__.py",
            "from dagster.ops.job_op import job_op as job_op\n",
        ),
        (
            "dagster/ops/job_op.py",
            "from dagster._annotations import beta\n\n@beta\ndef job_op(): ...\n",
        ),
    ]);
    assert_eq!(
        c.exports["dagster.job_op"].target.as_deref(),
        Some("dagster.ops.job_op.job_op")
    );
    assert_eq!(statuses(&c, "dagster.job_op"), vec!["beta"]);
}

#[test]
fn form15_enum_values_and_typing_aliases_carry_markers() {
    let c = dagster(&[
        ("dagster/__init__.py", "from dagster._impl import Severity as Severity, Client as Client\n"),
        (
            "dagster/_impl.py",
            "from enum import Enum\nfrom typing import Annotated\nfrom dagster._annotations import experimental\n\nResourceParam = Annotated\n\n@experimental\nclass Severity(Enum):\n    WARN = \"WARN\"\n    _hidden = 1\n\n@experimental\nclass _Client: ...\n\nClient = ResourceParam[_Client]\n",
        ),
    ]);
    let warn = member(&c, "dagster.Severity", "WARN").unwrap();
    assert_eq!(
        (warn.public, warn.markers[0].status),
        (false, Status::Experimental)
    );
    assert!(member(&c, "dagster.Severity", "_hidden").is_none());
    assert_eq!(statuses(&c, "dagster.Client"), vec!["experimental"]);
}
