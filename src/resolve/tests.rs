//! Resolution of small modules against a fake of the catalogs.

use super::*;

/// A tiny fake of the catalogs: `dagster` exports a few names.
struct Fake;

impl Knowledge for Fake {
    fn is_tracked(&self, top: &str) -> bool {
        top == "dagster" || top == "dagster_dbt"
    }
    fn exports(&self, module: &str, name: &str) -> bool {
        module == "dagster" && ["asset", "SourceAsset", "AssetExecutionContext"].contains(&name)
    }
    fn returns(&self, path: &str) -> Option<String> {
        match path {
            "dagster.Definitions" => Some("C.Definitions".into()),
            "dagster.build_asset_context" => Some("C.AssetExecutionContext".into()),
            _ => None,
        }
    }
    fn member_type(&self, class: &str, member: &str) -> Option<String> {
        (class == "C.AssetExecutionContext" && member == "instance")
            .then(|| "C.DagsterInstance".into())
    }
    fn has_member(&self, class: &str, member: &str) -> bool {
        class == "C.ConfigurableResource" && member == "_private_known"
    }
    fn context_class(&self, decorator: &str) -> Option<String> {
        (decorator == "dagster.asset").then(|| "C.AssetExecutionContext".into())
    }
    fn class_id(&self, path: &str) -> Option<String> {
        match path {
            "dagster.AssetExecutionContext" => Some("C.AssetExecutionContext".into()),
            "dagster.Definitions" => Some("C.Definitions".into()),
            "dagster.ConfigurableResource" => Some("C.ConfigurableResource".into()),
            _ => None,
        }
    }
}

/// Every reference as `kind path @ text`.
fn refs(source: &str) -> Vec<String> {
    let parsed = crate::syntax::parse(source);
    resolve(parsed.body(), &Fake)
        .into_iter()
        .map(|r| {
            let text = &source[r.span.start as usize..r.span.end as usize];
            let target = match &r.target {
                Target::Path(p) => p.to_string(),
                Target::Member { class, name } => format!("{class}::{name}"),
            };
            let kind = match &r.kind {
                RefKind::ImportModule => "import".to_string(),
                RefKind::ImportFrom { .. } => "from".to_string(),
                RefKind::Use { .. } => "use".to_string(),
                RefKind::Keyword { param } => format!("kw:{param}"),
                RefKind::Member { .. } => "member".to_string(),
            };
            format!("{kind} {target} @ {text}")
        })
        .collect()
}

fn has(refs: &[String], expected: &str) -> bool {
    refs.iter().any(|r| r == expected)
}

#[test]
fn import_forms() {
    let r = refs(
        "import dagster\nimport dagster as dg\nimport dagster.components\nfrom dagster import asset\nfrom dagster import (\n    SourceAsset as SA,\n)\nfrom dagster.components import load_defs\nimport os\n",
    );
    assert!(has(&r, "import dagster @ dagster"));
    assert!(has(&r, "import dagster @ dagster as dg"));
    assert!(has(&r, "import dagster.components @ dagster.components"));
    assert!(has(&r, "from dagster.asset @ asset"));
    assert!(has(&r, "from dagster.SourceAsset @ SourceAsset as SA"));
    assert!(has(&r, "from dagster.components.load_defs @ load_defs"));
    assert_eq!(r.len(), 6, "{r:#?}");
}

#[test]
fn uses_of_bindings() {
    let r = refs("import dagster as dg\nfrom dagster import SourceAsset as SA\nx = SA(key='a')\n@dg.asset(compute_kind='dbt')\ndef f(): ...\nsel = dg.AssetSelection.keys('a')\n");
    assert!(has(&r, "use dagster.SourceAsset @ SA"));
    assert!(has(&r, "kw:key dagster.SourceAsset @ key='a'"));
    assert!(has(&r, "use dagster.asset @ dg.asset"));
    assert!(has(
        &r,
        "kw:compute_kind dagster.asset @ compute_kind='dbt'"
    ));
    assert!(has(&r, "use dagster.AssetSelection @ dg.AssetSelection"));
    assert!(has(
        &r,
        "use dagster.AssetSelection.keys @ dg.AssetSelection.keys"
    ));
}

#[test]
fn annotations_bases_defaults_and_strings() {
    let r = refs("import dagster as dg\nfrom typing import Optional\ndef f(x: 'dg.AssetKey', y: Optional['dg.AssetSpec'] = dg.AssetSpec('a')) -> dg.Output: ...\nclass R(dg.ConfigurableResource): ...\nz: 'Literal[\"dg.asset\"]' = 1\n");
    assert!(has(&r, "use dagster.AssetKey @ 'dg.AssetKey'"));
    assert!(has(&r, "use dagster.AssetSpec @ 'dg.AssetSpec'"));
    assert!(has(&r, "use dagster.AssetSpec @ dg.AssetSpec"));
    assert!(has(&r, "use dagster.Output @ dg.Output"));
    assert!(has(
        &r,
        "use dagster.ConfigurableResource @ dg.ConfigurableResource"
    ));
    assert!(!r.iter().any(|x| x.contains("dagster.asset")), "{r:#?}");
}

#[test]
fn string_annotations_are_read_whenever_a_name_in_them_may_be_bound() {
    // Through a star import, through a module-level import below the function, and not
    // for a name nothing tracked was ever bound to.
    let r =
        refs("from dagster import *\ndef f(c: 'Optional[AssetExecutionContext]'):\n    c.log\n");
    assert!(
        has(&r, "member C.AssetExecutionContext::log @ c.log"),
        "{r:#?}"
    );
    let r = refs("def f(c: 'dg.AssetExecutionContext', d: 'Other'):\n    c.log\n    d.log\nimport dagster as dg\n");
    assert!(
        has(&r, "member C.AssetExecutionContext::log @ c.log"),
        "{r:#?}"
    );
    assert!(!r.iter().any(|x| x.contains("d.log")), "{r:#?}");
}

#[test]
fn function_local_and_conditional_imports() {
    let r = refs("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from dagster import AssetKey\ntry:\n    from dagster import asset\nexcept ImportError:\n    asset = None\n\ndef g():\n    import dagster as dg2\n    return dg2.Definitions, asset\n");
    assert!(has(&r, "from dagster.AssetKey @ AssetKey"));
    assert!(has(&r, "use dagster.Definitions @ dg2.Definitions"));
    assert!(has(&r, "use dagster.asset @ asset"), "{r:#?}");
}

#[test]
fn later_module_imports_are_visible_in_functions() {
    let r = refs("def g():\n    return dg.asset\nimport dagster as dg\n");
    assert!(has(&r, "use dagster.asset @ dg.asset"));
}

#[test]
fn shadowing_hides_imports() {
    let r = refs(
        "import dagster as dg\nfrom dagster import asset\n\ndef a(dg):\n    return dg.asset\n\ndef b():\n    x = dg.asset\n    dg = 1\n\ndef c():\n    for asset in []:\n        asset()\n\nys = [dg for dg in range(3)]\nlam = lambda asset: asset\n\ndef d():\n    def asset(): ...\n    asset()\n\nclass K:\n    dg = 1\n    y = dg\n",
    );
    // Only the two imports remain: every use is shadowed.
    assert_eq!(
        r,
        vec![
            "import dagster @ dagster as dg",
            "from dagster.asset @ asset"
        ],
        "{r:#?}"
    );
}

#[test]
fn star_import_resolves_exported_names_only() {
    let r = refs("from dagster import *\nx = SourceAsset('a')\ny = something_else\n");
    assert!(has(&r, "use dagster.SourceAsset @ SourceAsset"));
    assert!(!r.iter().any(|x| x.contains("something_else")));
    // The module itself is judged at the import (a private one is reported there).
    assert!(has(&r, "import dagster @ *"), "{r:#?}");
}

#[test]
fn private_paths_are_references() {
    let r = refs("from dagster._core.definitions import AssetsDefinition\nimport dagster._core.storage as st\nAssetsDefinition\nst.x\n");
    assert!(has(
        &r,
        "from dagster._core.definitions.AssetsDefinition @ AssetsDefinition"
    ));
    assert!(has(
        &r,
        "import dagster._core.storage @ dagster._core.storage as st"
    ));
    assert!(has(
        &r,
        "use dagster._core.definitions.AssetsDefinition @ AssetsDefinition"
    ));
    assert!(has(&r, "use dagster._core.storage.x @ st.x"));
}

#[test]
fn injected_context_and_annotated_members() {
    let r = refs("import dagster as dg\n@dg.asset\ndef a(context):\n    context.log.info('x')\n    context.instance.get_x(limit=1)\n\n@other\ndef b(context):\n    context.log\n\ndef c(ctx: dg.AssetExecutionContext):\n    ctx.run_id\n\ndef d():\n    with dg.build_asset_context() as ctx:\n        ctx.op_config\n    defs = dg.Definitions(assets=[])\n    defs.get_job_def('j')\n    defs = None\n    defs.get_job_def('k')\n");
    assert!(has(&r, "member C.AssetExecutionContext::log @ context.log"));
    assert!(has(
        &r,
        "member C.AssetExecutionContext::instance @ context.instance"
    ));
    assert!(has(
        &r,
        "member C.DagsterInstance::get_x @ context.instance.get_x"
    ));
    assert!(
        has(&r, "kw:limit C.DagsterInstance::get_x @ limit=1"),
        "{r:#?}"
    );
    assert!(has(
        &r,
        "member C.AssetExecutionContext::run_id @ ctx.run_id"
    ));
    assert!(has(
        &r,
        "member C.AssetExecutionContext::op_config @ ctx.op_config"
    ));
    assert!(has(
        &r,
        "member C.Definitions::get_job_def @ defs.get_job_def"
    ));
    // Unknown decorator: no inference. Reassigned variable: no inference.
    assert_eq!(
        r.iter().filter(|x| x.contains("::log")).count(),
        1,
        "{r:#?}"
    );
    assert_eq!(
        r.iter().filter(|x| x.contains("get_job_def")).count(),
        1,
        "{r:#?}"
    );
}

#[test]
fn self_in_user_subclasses() {
    let r = refs("import dagster as dg\nclass R(dg.ConfigurableResource):\n    def mine(self): ...\n    def go(self):\n        self.mine()\n        self.get_resource_context()\n");
    assert!(has(
        &r,
        "member C.ConfigurableResource::get_resource_context @ self.get_resource_context"
    ));
    assert!(!r.iter().any(|x| x.contains("::mine")), "{r:#?}");
}

#[test]
fn attributes_a_subclass_sets_on_self_are_its_own() {
    let r = refs("import dagster as dg\nclass C(dg.ConfigurableResource):\n    _declared: int\n    def __init__(self, client):\n        self._client = client\n        if client:\n            self._a, self.__b = 1, 2\n    def go(self):\n        self._client.run(self._a, self.__b, self._declared)\n        self._inherited\n");
    for own in ["_client", "_a", "__b", "_declared"] {
        assert!(
            !r.iter()
                .any(|x| x.ends_with(&format!("::{own} @ self.{own}"))),
            "{own}: {r:#?}"
        );
    }
    assert!(has(
        &r,
        "member C.ConfigurableResource::_inherited @ self._inherited"
    ));
}

#[test]
fn other_bases_may_define_unknown_members() {
    let r = refs("import dagster as dg\nfrom abc import ABC\nclass Mine: ...\nclass C(Mine, dg.ConfigurableResource):\n    def go(self):\n        self._from_mine()\n        self._private_known\nclass D(dg.ConfigurableResource, ABC):\n    def go(self):\n        self._unknown\n");
    assert!(!r.iter().any(|x| x.contains("_from_mine")), "{r:#?}");
    assert!(has(
        &r,
        "member C.ConfigurableResource::_private_known @ self._private_known"
    ));
    assert!(has(
        &r,
        "member C.ConfigurableResource::_unknown @ self._unknown"
    ));
}

#[test]
fn relative_imports_and_other_packages_are_ignored() {
    let r =
        refs("from . import dagster\nfrom .dagster import asset\nimport pandas as dg\ndg.asset\n");
    assert!(r.is_empty(), "{r:#?}");
}
