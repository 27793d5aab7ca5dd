//! Reads the Python sources of installed or packaged dagster distributions: a site-packages
//! directory, an unpacked wheel or a `.whl` file.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// One Python module's source.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// True for a package `__init__.py`.
    pub is_package: bool,
    /// The source text.
    pub text: String,
}

/// One installed distribution (`*.dist-info`).
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    /// Distribution name as in METADATA (`dagster-dbt`).
    pub name: String,
    /// Version from METADATA.
    pub version: String,
    /// `Requires-Python` from METADATA.
    pub requires_python: Option<String>,
    /// The dagster release it pins exactly (`Requires-Dist: dagster==X`), for a library.
    pub requires_dagster: Option<String>,
    /// Top-level import packages it installs (`dagster_dbt`).
    pub packages: Vec<String>,
}

/// The sources of every dagster distribution found in the given inputs.
#[derive(Debug, Default)]
pub struct SourceSet {
    /// Modules by name.
    pub files: BTreeMap<String, SourceFile>,
    /// Distributions, in input order.
    pub dists: Vec<Distribution>,
}

/// True for distributions this tool catalogues: `dagster` and `dagster-*`.
pub fn is_dagster_distribution(name: &str) -> bool {
    let name = name.to_ascii_lowercase().replace('_', "-");
    name == "dagster" || name.starts_with("dagster-")
}

impl SourceSet {
    /// Reads every input: a directory (site-packages or unpacked wheel) or a `.whl` file.
    pub fn read(inputs: &[PathBuf]) -> Result<SourceSet, String> {
        let mut set = SourceSet::default();
        for input in inputs {
            let mut entries = if input.is_dir() {
                read_dir_entries(input)?
            } else if input.extension().is_some_and(|e| e == "whl") {
                read_wheel_entries(input)?
            } else {
                return Err(format!(
                    "{}: not a directory or a .whl file",
                    input.display()
                ));
            };
            let found = set.add(&mut entries);
            if found == 0 {
                return Err(format!(
                    "{}: no dagster distribution (*.dist-info of dagster or dagster-*) found",
                    input.display()
                ));
            }
        }
        Ok(set)
    }

    fn add(&mut self, entries: &mut BTreeMap<String, Vec<u8>>) -> usize {
        let metadata: Vec<String> = entries
            .keys()
            .filter(|p| p.ends_with(".dist-info/METADATA") && p.matches('/').count() == 1)
            .cloned()
            .collect();
        let mut found = 0;
        for meta_path in metadata {
            let text = String::from_utf8_lossy(&entries[&meta_path]).into_owned();
            let header = |key: &str| {
                text.lines()
                    .take_while(|l| !l.is_empty())
                    .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_string()))
            };
            let (Some(name), Some(version)) = (header("Name:"), header("Version:")) else {
                continue;
            };
            if !is_dagster_distribution(&name) {
                continue;
            }
            let record_path = meta_path.replace("/METADATA", "/RECORD");
            let record = entries
                .get(&record_path)
                .map(|r| String::from_utf8_lossy(r).into_owned())
                .unwrap_or_default();
            let mut packages: Vec<String> = record
                .lines()
                .filter_map(|l| l.split(',').next())
                .filter(|p| p.ends_with(".py") && !p.contains(".dist-info/") && p.contains('/'))
                .filter_map(|p| p.split('/').next().map(str::to_string))
                .collect();
            packages.sort();
            packages.dedup();
            for package in &packages {
                let prefix = format!("{package}/");
                for (path, bytes) in entries.iter_mut() {
                    if !path.starts_with(&prefix) || !path.ends_with(".py") {
                        continue;
                    }
                    let module_path = &path[..path.len() - 3];
                    let is_package = module_path.ends_with("/__init__");
                    let module = module_path.trim_end_matches("/__init__").replace('/', ".");
                    let text = String::from_utf8_lossy(&std::mem::take(bytes)).into_owned();
                    self.files.insert(module, SourceFile { is_package, text });
                }
            }
            self.dists.push(Distribution {
                name,
                version,
                requires_python: header("Requires-Python:"),
                requires_dagster: pinned_dagster(&text),
                packages,
            });
            found += 1;
        }
        found
    }
}

/// The exact dagster release a METADATA text requires (`Requires-Dist: dagster==1.9.13`, or
/// `dagster (==1.0.0)` in older wheels), ignoring requirements behind an extra marker.
fn pinned_dagster(metadata: &str) -> Option<String> {
    use std::str::FromStr;
    metadata
        .lines()
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.strip_prefix("Requires-Dist:"))
        .filter_map(|r| pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(r.trim()).ok())
        .filter(|r| r.name.as_ref() == "dagster" && r.marker.is_true())
        .find_map(|r| match r.version_or_url {
            Some(pep508_rs::VersionOrUrl::VersionSpecifier(specs)) if specs.len() == 1 => {
                let spec = specs.iter().next()?;
                (*spec.operator() == pep440_rs::Operator::Equal).then(|| spec.version().to_string())
            }
            _ => None,
        })
}

fn read_wheel_entries(path: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let file = fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut archive =
        zip::ZipArchive::new(file).map_err(|e| format!("{}: not a wheel: {e}", path.display()))?;
    let mut entries = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let name = entry.name().to_string();
        if !(name.ends_with(".py") || name.ends_with("/METADATA") || name.ends_with("/RECORD")) {
            continue;
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{}: {name}: {e}", path.display()))?;
        entries.insert(name, bytes);
    }
    Ok(entries)
}

fn read_dir_entries(root: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut entries = BTreeMap::new();
    let read = |p: &Path| fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let listing = fs::read_dir(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let mut dist_infos = Vec::new();
    for entry in listing.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".dist-info") {
            let meta = entry.path().join("METADATA");
            if meta.is_file() {
                let text = read(&meta)?;
                let dist = String::from_utf8_lossy(&text)
                    .lines()
                    .find_map(|l| l.strip_prefix("Name:").map(|n| n.trim().to_string()))
                    .unwrap_or_default();
                if is_dagster_distribution(&dist) {
                    entries.insert(format!("{name}/METADATA"), text);
                    if let Ok(record) = fs::read(entry.path().join("RECORD")) {
                        entries.insert(format!("{name}/RECORD"), record);
                    }
                    dist_infos.push(name);
                }
            }
        }
    }
    // Read the packages that the dagster distributions' RECORDs name.
    let mut packages = Vec::new();
    for info in &dist_infos {
        let record = entries
            .get(&format!("{info}/RECORD"))
            .map(|r| String::from_utf8_lossy(r).into_owned())
            .unwrap_or_default();
        for line in record.lines() {
            let path = line.split(',').next().unwrap_or("");
            if let Some((package, _)) = path.split_once('/') {
                if path.ends_with(".py") && !package.ends_with(".dist-info") {
                    packages.push(package.to_string());
                }
            }
        }
    }
    packages.sort();
    packages.dedup();
    for package in packages {
        let walker = ignore::WalkBuilder::new(root.join(&package))
            .standard_filters(false)
            .build();
        for entry in walker.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "py") && path.is_file() {
                let relative = path
                    .strip_prefix(root)
                    .map_err(|e| e.to_string())?
                    .to_string_lossy()
                    .replace('\\', "/");
                entries.insert(relative, read(path)?);
            }
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_dagster_distributions() {
        assert!(is_dagster_distribution("dagster"));
        assert!(is_dagster_distribution("dagster_dbt"));
        assert!(is_dagster_distribution("Dagster-AWS"));
        assert!(!is_dagster_distribution("dagsterx"));
        assert!(!is_dagster_distribution("pandas"));
    }

    #[test]
    fn reads_an_unpacked_distribution() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("dagster_demo-0.1.dist-info")).unwrap();
        fs::create_dir_all(root.join("dagster_demo/sub")).unwrap();
        fs::write(
            root.join("dagster_demo-0.1.dist-info/METADATA"),
            "Metadata-Version: 2.1\nName: dagster-demo\nVersion: 0.1\nRequires-Python: >=3.9\n\nbody",
        )
        .unwrap();
        fs::write(
            root.join("dagster_demo-0.1.dist-info/RECORD"),
            "dagster_demo/__init__.py,,\ndagster_demo/sub/mod.py,,\n",
        )
        .unwrap();
        fs::write(root.join("dagster_demo/__init__.py"), "X = 1\n").unwrap();
        fs::write(root.join("dagster_demo/sub/mod.py"), "Y = 2\n").unwrap();
        let set = SourceSet::read(&[root.to_path_buf()]).unwrap();
        assert_eq!(set.dists.len(), 1);
        assert_eq!(set.dists[0].version, "0.1");
        assert_eq!(set.dists[0].requires_python.as_deref(), Some(">=3.9"));
        assert_eq!(set.dists[0].requires_dagster, None);
        assert_eq!(set.dists[0].packages, vec!["dagster_demo".to_string()]);
        assert!(set.files["dagster_demo"].is_package);
        assert_eq!(set.files["dagster_demo.sub.mod"].text, "Y = 2\n");
    }

    #[test]
    fn rejects_inputs_without_dagster() {
        let dir = tempfile::tempdir().unwrap();
        let err = SourceSet::read(&[dir.path().to_path_buf()]).unwrap_err();
        assert!(err.contains("no dagster distribution"), "{err}");
    }

    #[test]
    fn a_library_pins_its_dagster_release() {
        let meta = "Name: dagster-dbt\nRequires-Dist: dagster-shared==1.9.13\nRequires-Dist: dagster (==1.9.13)\nRequires-Dist: dagster==1.0; extra == \"test\"\n\nbody\n";
        assert_eq!(pinned_dagster(meta).as_deref(), Some("1.9.13"));
        assert_eq!(pinned_dagster("Requires-Dist: dagster>=1.9\n"), None);
    }
}
