//! The API catalog: model, builder (`catalog build`), the shipped catalogs and queries.

pub mod build;
pub(crate) mod compact;
pub mod diff;
pub mod history;
pub mod model;
pub mod shipped;
pub mod sources;

pub use model::*;

use serde::Serialize;

/// Serialises a catalog the way `api-catalog/` stores it (stable, pretty JSON, final newline).
pub fn to_json(catalog: &Catalog) -> String {
    let mut text = serde_json::to_string_pretty(catalog).expect("catalog serialises");
    text.push('\n');
    text
}

/// One line of `catalog show --format json-lines`: a top-level export, a public or marked class
/// member, or a marked parameter. The runtime oracle prints the same shape.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    /// Dotted public path (`dagster.AssetSelection.keys`).
    pub symbol: String,
    /// The parameter name for a marked parameter row.
    pub parameter: Option<String>,
    /// Object kind, or `parameter`.
    pub kind: String,
    /// Exported at the top level of a public module, or marked `@public`.
    pub public: bool,
    /// Statuses, sorted; empty for stable.
    pub markers: Vec<String>,
    /// Breaking version of a deprecation.
    pub breaking_version: Option<String>,
    /// The hint of the first marker that has one.
    pub message: Option<String>,
}

/// The row of one symbol (or of its parameter `parameter`) with these markers.
pub fn row(
    symbol: &str,
    parameter: Option<&str>,
    kind: &str,
    public: bool,
    markers: &[Marker],
) -> Row {
    let mut statuses: Vec<String> = markers
        .iter()
        .map(|m| m.status.as_str().to_string())
        .collect();
    statuses.sort();
    statuses.dedup();
    let deprecated = markers.iter().find(|m| m.status == Status::Deprecated);
    Row {
        symbol: symbol.to_string(),
        parameter: parameter.map(str::to_string),
        kind: kind.to_string(),
        public,
        markers: statuses,
        breaking_version: deprecated
            .and_then(|m| m.breaking_version.clone())
            .filter(|v| !v.trim().is_empty()),
        message: hint(markers),
    }
}

/// The most useful hint among markers: deprecation first, then superseded, beta, preview.
pub fn hint(markers: &[Marker]) -> Option<String> {
    [
        Status::Removed,
        Status::Deprecated,
        Status::Superseded,
        Status::Beta,
        Status::Experimental,
        Status::Preview,
    ]
    .iter()
    .find_map(|s| {
        markers
            .iter()
            .find(|m| m.status == *s && m.message.is_some())
    })
    .and_then(|m| m.message.clone())
}

impl Catalog {
    /// The markers of an export: its own (getattr tables) plus its object's.
    pub fn export_markers(&self, export: &Export) -> Vec<Marker> {
        let mut markers = export.markers.clone();
        if let Some(object) = export.target.as_deref().and_then(|t| self.objects.get(t)) {
            markers.extend(object.markers.iter().cloned());
        }
        markers.sort();
        markers.dedup();
        markers
    }

    /// Every row of `catalog show`, sorted by symbol then parameter.
    pub fn rows(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        for (path, export) in &self.exports {
            let object = export.target.as_deref().and_then(|t| self.objects.get(t));
            let kind = object.and_then(|o| o.kind).map_or("value", Kind::as_str);
            rows.push(row(path, None, kind, true, &self.export_markers(export)));
            let Some(object) = object else { continue };
            param_rows(&mut rows, path, true, object);
            let class_id = export.target.as_deref().unwrap_or_default();
            for name in self.member_names(class_id) {
                let Some((_, Some(member))) = self.member(class_id, name) else {
                    continue;
                };
                if !member.public && member.markers.is_empty() && member.params.is_empty() {
                    continue;
                }
                let symbol = format!("{path}.{name}");
                if member.public || !member.markers.is_empty() {
                    let kind = member.kind.map_or("attribute", Kind::as_str);
                    rows.push(row(&symbol, None, kind, member.public, &member.markers));
                }
                param_rows(&mut rows, &symbol, member.public, member);
            }
        }
        rows.sort_by(|a, b| (&a.symbol, &a.parameter).cmp(&(&b.symbol, &b.parameter)));
        rows
    }
}

fn param_rows(rows: &mut Vec<Row>, symbol: &str, public: bool, object: &Object) {
    for (param, markers) in &object.params {
        rows.push(row(symbol, Some(param), "parameter", public, markers));
    }
}
