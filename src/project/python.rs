//! DAG301: a version project whose `requires-python` allows Python versions its dagster
//! release does not support.

use super::{Project, VersionProject};
use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::syntax::{LineIndex, Span};
use crate::versions;

impl Project {
    /// DAG301: Python versions a version project's `requires-python` allows but its dagster
    /// release does not support. One finding, at the `requires-python` line of the project
    /// folder's `pyproject.toml`.
    pub fn python_support(&self, project: &VersionProject) -> Option<Diagnostic> {
        let pyproject = project.folder.as_ref()?.join("pyproject.toml");
        let text = std::fs::read_to_string(&pyproject).ok()?;
        let doc: toml::Table = toml::from_str(&text).ok()?;
        let spec = doc.get("project")?.get("requires-python")?.as_str()?;
        let dagster = project.choices.get("dagster")?.catalog.get();
        let dagster_spec = dagster.requires_python.as_deref()?;
        let allowed = versions::python_minors(spec)?;
        let supported = versions::python_minors(dagster_spec)?;
        let unsupported: Vec<String> = allowed
            .iter()
            .filter(|m| !supported.contains(m))
            .map(|m| format!("3.{m}"))
            .collect();
        if unsupported.is_empty() {
            return None;
        }
        let offset = text.find("requires-python").unwrap_or(0);
        let line_end = text[offset..].find('\n').map_or(text.len(), |e| offset + e);
        let span = Span {
            start: offset as u32,
            end: line_end as u32,
        };
        let filename = crate::paths::display_relative(&pyproject);
        let message = format!(
            "`requires-python = \"{spec}\"` allows Python {}, which dagster {} does not support (it requires Python {dagster_spec}).",
            unsupported.join(", "),
            dagster.version
        );
        Some(Diagnostic::at(
            &rules::UNSUPPORTED_PYTHON,
            &filename,
            &text,
            &LineIndex::new(&text),
            span,
            message,
        ))
    }
}
