//! `--show-settings`: the settings that apply to a file, and where each comes from.

use std::fmt::Write;
use std::path::Path;

use super::Project;

impl Project {
    /// `--show-settings`: the resolved settings for `file` and where each came from
    /// (`cache_flag`: `--cache-dir`, if given).
    pub fn show_settings(&self, file: &Path, cache_flag: Option<&Path>) -> Result<String, String> {
        let config = self.config.config_for(file)?;
        let settings = self.config.rule_settings(config.as_deref());
        let mut out = String::new();
        let from = |set: bool, what: &str| -> String {
            if set {
                what.to_string()
            } else {
                "default".to_string()
            }
        };
        let file_label = config
            .as_ref()
            .map_or("no configuration file".to_string(), |c| {
                c.path.display().to_string()
            });
        let _ = writeln!(out, "Settings for {}", file.display());
        let _ = writeln!(out, "  configuration file: {file_label}");
        let _ = writeln!(out, "  project root: {}", self.root.display());
        let o = config
            .as_ref()
            .map(|c| c.options.clone())
            .unwrap_or_default();
        let overrides = self.config.overrides();
        let origin = |cli: bool, file: bool| -> String {
            if cli {
                "command line".into()
            } else {
                from(file, &file_label)
            }
        };
        let rows = [
            (
                "select",
                format!("{:?}", settings.select),
                origin(!overrides.select.is_empty(), o.select.is_some()),
            ),
            (
                "extend-select",
                format!("{:?}", settings.extend_select),
                origin(
                    !overrides.extend_select.is_empty(),
                    o.extend_select.is_some(),
                ),
            ),
            (
                "ignore",
                format!("{:?}", settings.ignore),
                origin(!overrides.ignore.is_empty(), o.ignore.is_some()),
            ),
            (
                "per-file-ignores",
                format!("{:?}", settings.per_file_ignores),
                from(o.per_file_ignores.is_some(), &file_label),
            ),
            (
                "severity",
                format!("{:?}", settings.severity),
                from(o.severity.is_some(), &file_label),
            ),
        ];
        for (key, value, origin) in rows {
            let _ = writeln!(out, "  {key} = {value}  ({origin})");
        }
        let _ = writeln!(out, "  exclude = {:?}", self.exclude());
        let _ = writeln!(out, "  extend-include = {:?}", self.extend_include());
        let (force_exclude, force_origin) = self.force_exclude();
        let _ = writeln!(out, "  force-exclude = {force_exclude}  ({force_origin})");
        let (cache_dir, cache_origin) = self.cache_dir(cache_flag)?;
        let _ = writeln!(
            out,
            "  cache-dir = {}  ({cache_origin})",
            cache_dir.display()
        );
        if let Some(t) = overrides
            .target_version
            .as_ref()
            .or(o.target_version.as_ref())
        {
            let _ = writeln!(out, "  target-version = {t}");
        }
        let versions = if file.is_dir() {
            self.version_project_of_dir(file)?
        } else {
            self.version_project(file)?
        };
        let _ = writeln!(
            out,
            "  version project: {}{}",
            versions.label(),
            if versions.has_versions {
                ""
            } else {
                " (no version source found: the newest catalogs)"
            }
        );
        let _ = writeln!(out, "  detected versions:");
        for (package, d) in &versions.detected {
            let _ = writeln!(out, "    {package} {} from {}", d.version, d.source);
        }
        let _ = writeln!(out, "  catalogs:");
        for (package, choice) in &versions.choices {
            let _ = writeln!(
                out,
                "    {package} {}: {}",
                choice.catalog.version(),
                choice.reason
            );
        }
        for note in &versions.notes {
            let _ = writeln!(out, "  note: {note}");
        }
        Ok(out)
    }
}
