//! Hover text: what the catalog says about the dagster name under the cursor.

use crate::check::Lookup;

/// The hover of a looked-up reference, in Markdown.
pub fn markdown(lookup: &Lookup) -> String {
    let symbol = &lookup.symbol;
    let mut out = match &lookup.row {
        Some(row) => match &row.parameter {
            Some(param) => format!("**parameter `{param}` of `{symbol}`**\n\n"),
            None => format!("**{} `{symbol}`**\n\n", row.kind),
        },
        None => format!("**`{symbol}`**\n\n"),
    };
    match &lookup.row {
        Some(row) => {
            let status = if row.markers.is_empty() {
                "stable".to_string()
            } else {
                let names: Vec<&str> = row
                    .markers
                    .iter()
                    .map(|m| match m.as_str() {
                        "experimental" => "experimental (beta)",
                        other => other,
                    })
                    .collect();
                names.join(", ")
            };
            out.push_str(&format!("Status: **{status}**"));
            if let Some(version) = &row.breaking_version {
                out.push_str(&format!(", removed in {version}"));
            }
            out.push_str("\n\n");
            if let Some(hint) = &row.message {
                out.push_str(&format!("{hint}\n\n"));
            }
            if row.public && !lookup.private {
                out.push_str("Public API.");
            } else if lookup.private {
                out.push_str("Private: no stability guarantee.");
            } else {
                out.push_str("Not public API: no stability guarantee.");
            }
        }
        None if lookup.private => out.push_str("Private: no stability guarantee."),
        None => out.push_str("Not in the catalog."),
    }
    if let Some(public) = &lookup.public_path {
        out.push_str(&format!(" Public as `{public}`."));
    }
    if let Some(catalog) = lookup.catalog {
        out.push_str(&format!(
            "\n\n_{} {}_",
            catalog.distribution, catalog.version
        ));
    }
    out
}
