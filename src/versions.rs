//! Which version of dagster (and of each integration library) the checked project runs on,
//! and which catalog answers for it.
//!
//! Detection order (the first source that names a package wins for it): the
//! `--dagster-version` flag or `dagster-version` setting; the active or project-local
//! virtualenv (`VIRTUAL_ENV`, `.venv/`, `venv/`); `uv.lock`, `poetry.lock`, `pdm.lock`; pinned
//! `requirements*.txt`; `pyproject.toml` dependency specifiers (the lowest allowed version).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};

use crate::catalog::{self, shipped, sources::SourceSet, Catalog};

/// A detected version and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// The version (or the lowest allowed one).
    pub version: String,
    /// Human-readable source (`uv.lock`, `.venv (site-packages)`, ...).
    pub source: String,
    /// The site-packages folder holding the distribution, when found in a virtualenv.
    pub site_packages: Option<PathBuf>,
}

/// Normalises a distribution name to an import package name (`dagster-dbt` -> `dagster_dbt`).
pub fn package_of(dist: &str) -> String {
    dist.trim().to_ascii_lowercase().replace(['-', '.'], "_")
}

/// Detects the versions of dagster packages used by the project rooted at `root`, the active
/// virtualenv (`VIRTUAL_ENV`) first.
#[cfg_attr(not(test), allow(dead_code))]
pub fn detect(root: &Path) -> BTreeMap<String, Detected> {
    detect_with(Some(root), true)
}

/// The names in a folder that can hold a version: lock files, requirements files,
/// `pyproject.toml` and the project-local virtualenvs.
fn is_version_source_name(name: &str) -> bool {
    matches!(
        name,
        "uv.lock" | "poetry.lock" | "pdm.lock" | "pyproject.toml" | ".venv" | "venv"
    ) || (name.starts_with("requirements") && name.ends_with(".txt"))
}

/// The versions the sources in `root` name (see [`detect`]), with the active virtualenv first
/// when `active_venv`. The folder is listed once; a folder without a name that can hold a
/// version (most folders) costs nothing more. `root` `None`: the active virtualenv alone.
pub fn detect_with(root: Option<&Path>, active_venv: bool) -> BTreeMap<String, Detected> {
    let mut found: BTreeMap<String, Detected> = BTreeMap::new();
    let names: Vec<String> = root
        .map(|root| {
            std::fs::read_dir(root)
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| is_version_source_name(n))
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() && !active_venv {
        return found;
    }
    let has = |name: &str| names.iter().any(|n| n == name);
    let mut add = |package: String, detected: Detected| {
        if catalog::sources::is_dagster_distribution(&package) {
            found.entry(package_of(&package)).or_insert(detected);
        }
    };
    let envs = virtualenv_site_packages(root.filter(|_| has(".venv") || has("venv")), active_venv);
    for (label, site) in envs {
        for (dist, version) in site_packages_dists(&site) {
            add(
                dist,
                Detected {
                    version,
                    source: format!("{label} ({})", site.display()),
                    site_packages: Some(site.clone()),
                },
            );
        }
    }
    let Some(root) = root else {
        return found;
    };
    for lock in ["uv.lock", "poetry.lock", "pdm.lock"] {
        if !has(lock) {
            continue;
        }
        let path = root.join(lock);
        for (dist, version) in lock_packages(&path) {
            add(
                dist,
                Detected {
                    version,
                    source: lock.to_string(),
                    site_packages: None,
                },
            );
        }
    }
    let mut requirements: Vec<PathBuf> = names
        .iter()
        .filter(|n| n.starts_with("requirements") && n.ends_with(".txt"))
        .map(|n| root.join(n))
        .collect();
    requirements.sort();
    for file in requirements {
        let name = file
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        for (dist, version) in pinned_requirements(&file) {
            add(
                dist,
                Detected {
                    version,
                    source: name.clone(),
                    site_packages: None,
                },
            );
        }
    }
    let pyproject = if has("pyproject.toml") {
        pyproject_dependencies(&root.join("pyproject.toml"))
    } else {
        Vec::new()
    };
    for (dist, spec) in pyproject {
        let package = package_of(&dist);
        if let Some(version) = lowest_allowed(&package, &spec) {
            add(
                dist.clone(),
                Detected {
                    version,
                    source: format!(
                        "{PYPROJECT_SOURCE} `{dist}{spec}` (the lowest allowed version)"
                    ),
                    site_packages: None,
                },
            );
        }
    }
    found
}

/// How the source of a version taken from a `pyproject.toml` dependency starts.
pub const PYPROJECT_SOURCE: &str = "pyproject.toml dependency";

/// The specifier of the `pyproject.toml` dependency on `package` (an import name) in `dir`.
pub fn dependency_range(dir: &Path, package: &str) -> Option<String> {
    pyproject_dependencies(&dir.join("pyproject.toml"))
        .into_iter()
        .find(|(dist, _)| package_of(dist) == package)
        .map(|(_, spec)| spec)
}

/// True when the specifier `spec` allows `version` (false when either does not parse).
pub fn allows(spec: &str, version: &str) -> bool {
    match (
        VersionSpecifiers::from_str(spec),
        Version::from_str(version),
    ) {
        (Ok(spec), Ok(version)) => spec.contains(&version),
        _ => false,
    }
}

/// The site-packages folders of the active (when `active`) and project-local (in `root`)
/// virtualenvs.
fn virtualenv_site_packages(root: Option<&Path>, active: bool) -> Vec<(String, PathBuf)> {
    let mut envs = Vec::new();
    if let Some(active) = std::env::var_os("VIRTUAL_ENV").filter(|_| active) {
        envs.push((
            "active virtualenv $VIRTUAL_ENV".to_string(),
            PathBuf::from(active),
        ));
    }
    for name in [".venv", "venv"] {
        if let Some(root) = root {
            envs.push((format!("virtualenv {name}/"), root.join(name)));
        }
    }
    let mut out = Vec::new();
    for (label, env) in envs {
        let windows = env.join("Lib").join("site-packages");
        if windows.is_dir() {
            out.push((label.clone(), windows));
        }
        let Ok(lib) = std::fs::read_dir(env.join("lib")) else {
            continue;
        };
        let mut pythons: Vec<PathBuf> = lib
            .flatten()
            .map(|e| e.path().join("site-packages"))
            .filter(|p| p.is_dir())
            .collect();
        pythons.sort();
        for site in pythons {
            out.push((label.clone(), site));
        }
    }
    out
}

/// `(distribution, version)` of every `*.dist-info` folder in a site-packages folder.
pub fn site_packages_dists(site: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(site).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".dist-info") {
            if let Some((dist, version)) = stem.rsplit_once('-') {
                out.push((dist.to_string(), version.to_string()));
            }
        }
    }
    out.sort();
    out
}

/// `[[package]] name = ..., version = ...` entries of uv, poetry and pdm lock files.
fn lock_packages(path: &Path) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let Ok(doc) = toml::from_str::<toml::Table>(&text) else {
        return Vec::new();
    };
    let Some(packages) = doc.get("package").and_then(|p| p.as_array()) else {
        return Vec::new();
    };
    packages
        .iter()
        .filter_map(|p| {
            let t = p.as_table()?;
            Some((
                t.get("name")?.as_str()?.to_string(),
                t.get("version")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

/// `dist==version` lines of a requirements file (pins only).
fn pinned_requirements(path: &Path) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| {
            let line = line.split('#').next()?.trim();
            if line.is_empty() || line.starts_with('-') {
                return None;
            }
            let requirement =
                pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(line).ok()?;
            let Some(pep508_rs::VersionOrUrl::VersionSpecifier(specs)) = requirement.version_or_url
            else {
                return None;
            };
            let spec = specs.iter().next()?;
            (specs.len() == 1 && *spec.operator() == pep440_rs::Operator::Equal)
                .then(|| (requirement.name.to_string(), spec.version().to_string()))
        })
        .collect()
}

/// `(distribution, specifier text)` of the dagster dependencies in `[project]` and poetry.
fn pyproject_dependencies(path: &Path) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let Ok(doc) = toml::from_str::<toml::Table>(&text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let project_deps = doc
        .get("project")
        .and_then(|p| p.get("dependencies"))
        .and_then(|d| d.as_array());
    for dep in project_deps
        .into_iter()
        .flatten()
        .filter_map(|d| d.as_str())
    {
        if let Ok(requirement) = pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(dep) {
            if let Some(pep508_rs::VersionOrUrl::VersionSpecifier(specs)) =
                &requirement.version_or_url
            {
                out.push((requirement.name.to_string(), specs.to_string()));
            }
        }
    }
    let poetry = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.get("dependencies"))
        .and_then(|d| d.as_table());
    for (name, value) in poetry.into_iter().flatten() {
        let spec = value.as_str().or_else(|| value.get("version")?.as_str());
        if let Some(spec) = spec {
            out.push((name.clone(), poetry_to_pep440(spec)));
        }
    }
    out
}

/// Poetry's `^1.9` / `~1.9` / `1.9.*` to PEP 440.
fn poetry_to_pep440(spec: &str) -> String {
    let spec = spec.trim();
    if let Some(v) = spec.strip_prefix('^') {
        let parts: Vec<&str> = v.split('.').collect();
        let upper = match parts.as_slice() {
            ["0", minor, ..] => format!("0.{}", minor.parse::<u64>().unwrap_or(0) + 1),
            [major, ..] => format!("{}", major.parse::<u64>().unwrap_or(0) + 1),
            [] => String::new(),
        };
        return format!(">={v},<{upper}");
    }
    if let Some(v) = spec.strip_prefix('~') {
        return format!("~={v}");
    }
    if spec.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return format!("=={spec}");
    }
    spec.to_string()
}

/// The lowest version allowed by `spec`: the lowest shipped catalog version it allows, or the
/// version of its lower bound.
fn lowest_allowed(package: &str, spec: &str) -> Option<String> {
    let specifiers = VersionSpecifiers::from_str(spec).ok()?;
    let shipped_ok = shipped::versions(package)
        .into_iter()
        .find(|v| Version::from_str(v).is_ok_and(|v| specifiers.contains(&v)));
    if let Some(v) = shipped_ok {
        return Some(v.to_string());
    }
    specifiers
        .iter()
        .filter(|s| {
            matches!(
                s.operator(),
                pep440_rs::Operator::GreaterThanEqual
                    | pep440_rs::Operator::Equal
                    | pep440_rs::Operator::TildeEqual
            )
        })
        .map(|s| s.version().to_string())
        .next()
}

/// The catalog chosen for a package, and why.
#[derive(Debug, Clone)]
pub struct Choice {
    /// The catalog.
    /// (Decoded when first used: see [`shipped::CatalogRef`].)
    pub catalog: shipped::CatalogRef,
    /// Why this catalog (printed by `--show-settings`, and as a note when inexact).
    pub reason: String,
    /// True when the catalog is not for the exact version asked (a note is printed).
    pub inexact: bool,
}

/// Which shipped release of `package` answers for the version `wanted`, and a note when it is
/// not that exact release:
/// - an exact release answers for itself; `1.12` (a minor alone) means its newest release;
/// - an unknown release of a known minor uses the nearest older release of that minor (its
///   newest, for a patch newer than all), with a note;
/// - a version newer than every release uses the newest, older than every one the oldest,
///   and one between minors the nearest older release, with a note.
///
/// An invalid version string, or a package with no shipped history, is an error.
pub fn pick_release(package: &str, wanted: &str) -> Result<(&'static str, Option<String>), String> {
    let version = Version::from_str(wanted.trim())
        .map_err(|_| format!("`{wanted}` is not a version of {package} (expected e.g. 1.12.3)"))?;
    let releases: Vec<(&'static str, Version)> = shipped::versions(package)
        .into_iter()
        .filter_map(|r| Some((r, Version::from_str(r).ok()?)))
        .collect();
    let (Some(oldest), Some(newest)) = (releases.first(), releases.last()) else {
        return Err(format!("no shipped catalog for {package}"));
    };
    let minor = |v: &Version| -> (u64, u64) {
        let r = v.release();
        (
            r.first().copied().unwrap_or(0),
            r.get(1).copied().unwrap_or(0),
        )
    };
    let plain = version.release().len() == 2
        && !version.is_pre()
        && !version.is_post()
        && !version.is_dev()
        && !version.is_local();
    let same_minor: Vec<&(&str, Version)> = releases
        .iter()
        .filter(|(_, v)| minor(v) == minor(&version))
        .collect();
    if let Some((release, _)) = releases.iter().find(|(_, v)| *v == version) {
        if !plain || same_minor.is_empty() {
            return Ok((release, None));
        }
    }
    if plain {
        if let Some((release, _)) = same_minor.last() {
            return Ok((release, None));
        }
    }
    let nearest_older = |among: &[&(&'static str, Version)]| {
        among
            .iter()
            .rev()
            .find(|(_, v)| *v < version)
            .map(|(r, _)| *r)
    };
    let (release, why) = if let (Some(first), Some(last)) = (same_minor.first(), same_minor.last())
    {
        match nearest_older(&same_minor) {
            Some(r) if r == last.0 => (
                r,
                format!(
                    "newer than every {}.{} release known to this tool",
                    minor(&version).0,
                    minor(&version).1
                ),
            ),
            Some(r) => (r, "not a release known to this tool".to_string()),
            None => (
                first.0,
                "older than every release of its minor known to this tool".to_string(),
            ),
        }
    } else if version > newest.1 {
        (
            newest.0,
            "newer than every release known to this tool".to_string(),
        )
    } else if version < oldest.1 {
        (
            oldest.0,
            "older than every release known to this tool".to_string(),
        )
    } else {
        let all: Vec<&(&str, Version)> = releases.iter().collect();
        let r = nearest_older(&all).unwrap_or(oldest.0);
        (r, "not a release known to this tool".to_string())
    };
    Ok((
        release,
        Some(format!(
            "{package} {wanted} is {why}: judging by {package} {release}"
        )),
    ))
}

/// Chooses the catalog of `package` for a wanted version: the shipped release that answers
/// for it (see [`pick_release`]); when that is not the exact release and the sources are
/// installed, one built from them on the fly (cached); else the nearest shipped one, with a
/// note.
pub fn choose(package: &str, wanted: Option<&Detected>) -> Option<Choice> {
    let Some(wanted) = wanted else {
        let newest = shipped::newest(package)?;
        return Some(Choice {
            catalog: shipped::find(package, newest)?,
            reason: format!("{package} {newest}: the newest shipped catalog (no version detected)"),
            inexact: false,
        });
    };
    let (release, note) = match pick_release(package, &wanted.version) {
        Ok(picked) => picked,
        Err(why) => {
            let newest = shipped::newest(package)?;
            (
                newest,
                Some(format!("{why}: judging by {package} {newest}")),
            )
        }
    };
    let Some(note) = note else {
        return Some(Choice {
            catalog: shipped::find(package, release)?,
            reason: format!(
                "{package} {release} from {} (shipped catalog)",
                wanted.source
            ),
            inexact: false,
        });
    };
    if let Some(site) = &wanted.site_packages {
        match build_cached(package, site) {
            Ok(catalog) => {
                return Some(Choice {
                    catalog: shipped::CatalogRef::Loaded(catalog),
                    reason: format!(
                        "{package} {} from {} (catalog built from the installed sources)",
                        wanted.version, wanted.source
                    ),
                    inexact: false,
                })
            }
            Err(e) => eprintln!(
                "dagster-api-lint: warning: could not build a catalog for {package} from {}: {e}",
                site.display()
            ),
        }
    }
    Some(Choice {
        catalog: shipped::find(package, release)?,
        reason: format!("{note} (version from {})", wanted.source),
        inexact: true,
    })
}

/// Builds (or loads from the user cache) the catalog of `package` installed in `site`.
fn build_cached(package: &str, site: &Path) -> Result<&'static Catalog, String> {
    let dist_info = std::fs::read_dir(site)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".dist-info"))
                .and_then(|n| n.rsplit_once('-'))
                .is_some_and(|(d, _)| package_of(d) == package)
        })
        .ok_or_else(|| format!("no {package} dist-info"))?;
    // RECORD lists a hash of every installed file: hashing it keys the cache on the sources.
    let record = std::fs::read(dist_info.join("RECORD")).unwrap_or_default();
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        record.hash(&mut h);
        format!("{:016x}", h.finish())
    };
    let name = dist_info
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .replace(".dist-info", "");
    let cache_file = dirs::cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("dagster-api-lint")
        .join("catalogs")
        .join(format!("{name}-{key}.json"));
    if let Ok(text) = std::fs::read_to_string(&cache_file) {
        if let Ok(catalog) = serde_json::from_str::<Catalog>(&text) {
            if catalog.format == catalog::FORMAT_VERSION {
                return Ok(Box::leak(Box::new(catalog)));
            }
        }
    }
    // Build from the package plus what its re-exports may lead into (dagster, dagster_shared).
    let set = SourceSet::read(&[site.to_path_buf()])?;
    let catalog = catalog::build::build(&set)
        .into_iter()
        .find(|c| c.package == package)
        .ok_or_else(|| format!("{package} not found in {}", site.display()))?;
    if let Some(parent) = cache_file.parent() {
        let _ = std::fs::create_dir_all(parent);
        let tmp = cache_file.with_extension("tmp");
        if std::fs::write(&tmp, crate::catalog::to_json(&catalog)).is_ok() {
            let _ = std::fs::rename(&tmp, &cache_file);
        }
    }
    Ok(Box::leak(Box::new(catalog)))
}

/// Python minor versions known to exist when this tool was built (3.x).
pub const KNOWN_PYTHON_MINORS: std::ops::RangeInclusive<u64> = 6..=15;

/// Python 3 minor versions allowed by a `requires-python` specifier.
pub fn python_minors(spec: &str) -> Option<Vec<u64>> {
    let specifiers = VersionSpecifiers::from_str(spec).ok()?;
    Some(
        KNOWN_PYTHON_MINORS
            .filter(|m| {
                [0u64, 99]
                    .iter()
                    .any(|patch| specifiers.contains(&Version::new([3, *m, *patch])))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn detects_a_project_venv() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(
            dir.path()
                .join(".venv/lib/python3.11/site-packages/dagster-1.9.13.dist-info"),
        )
        .unwrap();
        std::fs::create_dir_all(
            dir.path()
                .join(".venv/lib/python3.11/site-packages/dagster_dbt-0.25.13.dist-info"),
        )
        .unwrap();
        let found = detect(dir.path());
        assert_eq!(found["dagster"].version, "1.9.13");
        assert!(found["dagster"].source.contains(".venv"));
        assert_eq!(found["dagster_dbt"].version, "0.25.13");
    }

    #[test]
    fn detects_each_lock_format() {
        for lock in ["uv.lock", "poetry.lock", "pdm.lock"] {
            let dir = tempfile::tempdir().unwrap();
            write(dir.path(), lock, "[[package]]\nname = \"dagster\"\nversion = \"1.8.13\"\n\n[[package]]\nname = \"pandas\"\nversion = \"2.0\"\n");
            let found = detect(dir.path());
            assert_eq!(found["dagster"].version, "1.8.13", "{lock}");
            assert_eq!(found["dagster"].source, lock);
            assert!(!found.contains_key("pandas"));
        }
    }

    #[test]
    fn detects_pinned_requirements_only() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "requirements.txt",
            "# deps\ndagster==1.10.21  # pinned\ndagster-dbt>=0.20\n-r other.txt\n",
        );
        let found = detect(dir.path());
        assert_eq!(found["dagster"].version, "1.10.21");
        assert!(!found.contains_key("dagster_dbt"));
    }

    #[test]
    fn pyproject_takes_the_lowest_allowed_version() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "pyproject.toml",
            "[project]\nname='x'\ndependencies = [\"dagster>=1.9,<1.14\", \"pandas\"]\n",
        );
        let found = detect(dir.path());
        assert_eq!(found["dagster"].version, "1.9.0");
        assert!(found["dagster"].source.contains("lowest allowed"));
    }

    #[test]
    fn earlier_sources_win() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "uv.lock",
            "[[package]]\nname = \"dagster\"\nversion = \"1.12.22\"\n",
        );
        write(dir.path(), "requirements.txt", "dagster==1.5.14\n");
        assert_eq!(detect(dir.path())["dagster"].version, "1.12.22");
    }

    #[test]
    fn poetry_carets() {
        assert_eq!(poetry_to_pep440("^1.9"), ">=1.9,<2");
        assert_eq!(poetry_to_pep440("^0.25.3"), ">=0.25.3,<0.26");
        assert_eq!(poetry_to_pep440("1.9.13"), "==1.9.13");
    }

    #[test]
    fn choosing_catalogs() {
        let wanted = |v: &str| Detected {
            version: v.into(),
            source: "test".into(),
            site_packages: None,
        };
        let exact = choose("dagster", Some(&wanted("1.9.13"))).unwrap();
        assert_eq!(exact.catalog.version(), "1.9.13");
        assert!(!exact.inexact);
        let minor = choose("dagster", Some(&wanted("1.12"))).unwrap();
        assert_eq!(minor.catalog.version(), "1.12.22");
        assert!(!minor.inexact);
        let unknown = choose("dagster", Some(&wanted("1.12.99"))).unwrap();
        assert_eq!(unknown.catalog.version(), "1.12.22");
        assert!(unknown.inexact && unknown.reason.contains("newer than every 1.12 release"));
        let invalid = choose("dagster", Some(&wanted("banana"))).unwrap();
        assert!(invalid.inexact && invalid.reason.contains("not a version"));
    }

    #[test]
    fn every_release_answers_for_itself() {
        for release in shipped::versions("dagster") {
            assert_eq!(pick_release("dagster", release).unwrap(), (release, None));
        }
        assert!(shipped::versions("dagster").len() >= 240);
    }

    #[test]
    fn versions_between_releases_take_the_nearest_older_one() {
        let (release, note) = pick_release("dagster", "1.12.16").unwrap();
        assert_eq!(release, "1.12.15");
        assert!(note.unwrap().contains("not a release known"));
        let (release, note) = pick_release("dagster", "1.99.0").unwrap();
        assert_eq!(release, shipped::newest("dagster").unwrap());
        assert!(note.unwrap().contains("newer than every release"));
        let (release, note) = pick_release("dagster", "0.15.8").unwrap();
        assert_eq!(release, "1.0.0");
        assert!(note.unwrap().contains("older than every release"));
        let (release, note) = pick_release("dagster", "1.13.0rc1").unwrap();
        assert_eq!(release, "1.13.0");
        assert!(note.is_some());
        assert!(pick_release("dagster", "py311").is_err());
        assert!(pick_release("dagster", "banana").is_err());
    }

    #[test]
    fn python_minor_sets() {
        assert_eq!(
            python_minors(">=3.10,<3.15").unwrap(),
            vec![10, 11, 12, 13, 14]
        );
        assert_eq!(
            python_minors(">=3.9").unwrap(),
            vec![9, 10, 11, 12, 13, 14, 15]
        );
    }
}
