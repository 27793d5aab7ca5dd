//! The checker's findings for sources that exercise each rule family.

use super::Checker;
use crate::catalog::shipped;
use crate::diagnostic::Diagnostic;
use crate::rules::{self, Rule};

fn checker() -> Checker {
    let catalogs = [("dagster", "1.13.29"), ("dagster_dbt", "0.29.27")]
        .iter()
        .map(|(p, v)| shipped::find(p, v).expect("shipped catalog"))
        .collect();
    Checker::new(catalogs, Vec::new())
}

/// Every finding, in a module of package `own`, as `CODE symbol[(parameter)] @ row`.
fn findings(own: Option<&str>, source: &str) -> Vec<String> {
    checker()
        .check_source(own, "a.py", source)
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
    let f = findings(None,
            "import dagster\nfrom dagster import __version__\nprint(dagster.__version__, dagster.__file__)\n",
        );
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn parameter_findings_carry_the_full_path() {
    let source = "import dagster as dg\n@dg.multi_asset(specs=[], compute_kind='dbt', allow_arbitrary_check_specs=True)\ndef f(): ...\n";
    let diagnostics = checker().check_source(None, "a.py", source);
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
        None,
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
        None,
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
        None,
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
    let f = findings(None,
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
        .check_source(None, "a.py", source)
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
    let f = findings(None,
            "import dagster as dg\nfrom dagster.components import definitions\n@dg.components.definitions\ndef defs(): ...\n@definitions\ndef more(): ...\n",
        );
    assert!(f.is_empty(), "{f:#?}");
    // Importing the submodule itself is still an import of a non-public module.
    let f = findings(None, "import dagster.components.definitions\n");
    assert_eq!(f, ["DAG202 dagster.components.definitions @ 1"], "{f:#?}");
}

#[test]
fn names_from_non_public_modules_point_to_their_public_path() {
    let diagnostics = checker().check_source(
            None,
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
    // Members count for the class defining them.
    // (`get_resource_context` on a dagster_dbt resource is dagster's ConfigurableResource's.)
    let source = "from dagster_dbt.cloud import DbtCloudResource\nfrom dagster._core.definitions.assets.definition.assets_definition import AssetsDefinition\nfrom dagster_dbt import DbtCliInvocation\ndef f(run: DbtCliInvocation):\n    return run.manifest\nfrom dagster_dbt.cloud import DbtCloudClientResource\ndef g(r: DbtCloudClientResource):\n    return r.get_resource_context()\n";
    let f = findings(Some("dagster_dbt"), source);
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
    let f = findings(None, source);
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
    let source =
        "from dagster import RunRequest\ndef f(r: RunRequest):\n    return r._replace(tags={})\n";
    assert_eq!(findings(Some("dagster"), source), Vec::<String>::new());
    assert!(checker().own_package_is_closed("dagster"));
    let f = findings(None, source);
    assert!(
        f.iter()
            .any(|x| x.starts_with("DAG201") && x.contains("_replace")),
        "{f:#?}"
    );
}
