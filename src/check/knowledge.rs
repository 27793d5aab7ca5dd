//! What the resolver asks the catalogs (see [`crate::resolve::Knowledge`]).

use super::checker::Checker;
use super::dotted::{alias_prefix, object_of_path};
use crate::catalog::Kind;
use crate::resolve::Knowledge;

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
