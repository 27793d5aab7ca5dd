//! The invariants ARCHITECTURE.md states, checked on the source tree: no import cycle between
//! the modules of `src/` (one node per file), only `src/syntax/` names the parser crates, only
//! `src/server/` names the LSP crates, the checker and the resolver do no I/O, and no source
//! file grows past the size a reader can hold.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The module a file of `src/` is (`fix::members` for `src/fix/members.rs`, `fix` for
/// `src/fix/mod.rs`, the empty path for `lib.rs` and `main.rs`).
fn module_of(file: &Path) -> Vec<String> {
    let relative = file.strip_prefix("src").unwrap().with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// A file's code without its unit tests and comment lines: what the crate itself uses.
fn code_of(text: &str) -> String {
    let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
    code.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a file's code names through `crate::` and `super::`, made absolute (segments
/// from the crate root), with `use a::{b, c::d}` groups expanded one level.
fn named_paths(module: &[String], code: &str) -> Vec<Vec<String>> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for (at, _) in code
        .match_indices("crate::")
        .chain(code.match_indices("super::"))
    {
        if at > 0 && (ident(bytes[at - 1] as char) || bytes[at - 1] == b':') {
            continue; // `$crate::`, `self::super::`: not a path of this crate's root
        }
        let mut base: Vec<String> = module.to_vec();
        let mut rest = &code[at..];
        if let Some(r) = rest.strip_prefix("crate::") {
            base.clear();
            rest = r;
        } else {
            base.pop();
            rest = &rest["super::".len()..];
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
        }
        let end = rest
            .find(|c: char| !(ident(c) || c == ':'))
            .unwrap_or(rest.len());
        let path = rest[..end].trim_end_matches(':');
        let mut prefix = base.clone();
        prefix.extend(path.split("::").filter(|s| !s.is_empty()).map(String::from));
        if rest[end..].starts_with('{') {
            let group = &rest[end + 1..rest[end..].find('}').map_or(rest.len(), |e| end + e)];
            for item in group.split(',') {
                let first = item.trim().split("::").next().unwrap_or("");
                let first = first.split(' ').next().unwrap_or("").trim_matches('{');
                if !first.is_empty() && first != "self" {
                    let mut full = prefix.clone();
                    full.push(first.to_string());
                    out.push(full);
                }
            }
        }
        out.push(prefix);
    }
    out
}

/// True when `code` names its child module `name` by a relative path (`name::x`, `self::name`),
/// not as the last segment of a longer path (`crate::other::name::x`). Re-exports
/// (`pub use name::X;`) do not count: a facade that declares and re-exports its children does
/// not depend on them, its users do.
fn names_child(code: &str, name: &str) -> bool {
    let needle = format!("{name}::");
    let used: String = code
        .lines()
        .filter(|line| {
            !line.trim_start().starts_with("pub use ")
                && !line.trim_start().starts_with("pub(crate) use ")
        })
        .collect::<Vec<_>>()
        .join("\n");
    used.match_indices(&needle).any(|(at, _)| {
        let code = &used;
        let before = &code[..at];
        before.ends_with("self::")
            || !before
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
    })
}

/// The import graph of `src/`: for each file's module, the modules (files) it names.
fn import_graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let files = rust_files(Path::new("src"));
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(f)).collect();
    let owner = |path: &[String]| {
        (1..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|m| modules.contains(m))
    };
    let mut graph = BTreeMap::new();
    for file in &files {
        let module = module_of(file);
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        let mut edges: BTreeSet<Vec<String>> = named_paths(&module, &code)
            .iter()
            .filter_map(|p| owner(p))
            .filter(|m| *m != module)
            .collect();
        // Children named by a path relative to this module (`read::decode`, `self::read`).
        for child in modules.iter().filter(|m| m.len() == module.len() + 1) {
            if child.starts_with(&module) && names_child(&code, child.last().unwrap()) {
                edges.insert(child.clone());
            }
        }
        graph.insert(module, edges);
    }
    graph
}

/// The strongly connected components of more than one module (Tarjan's algorithm).
fn cycles(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'g Vec<String>, usize>,
        low: BTreeMap<&'g Vec<String>, usize>,
        stack: Vec<&'g Vec<String>>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g Vec<String>) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        for w in s.graph.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.stack.contains(&w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                component.push(w.join("::"));
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v) {
            visit(&mut state, v);
        }
    }
    state.found
}

#[test]
fn the_modules_of_src_import_each_other_without_cycles() {
    let graph = import_graph();
    assert!(graph.len() > 50, "the graph covers every file of src/");
    // The check of the check: the graph sees a known edge.
    assert!(graph[&vec!["runner".to_string()]].contains(&vec!["diagnostic".to_string()]));
    let found = cycles(&graph);
    assert!(
        found.is_empty(),
        "import cycles between modules: {found:#?}"
    );
}

#[test]
fn a_cycle_is_found_where_there_is_one() {
    let module = |s: &str| s.split("::").map(String::from).collect::<Vec<_>>();
    let mut graph = BTreeMap::new();
    graph.insert(module("a"), BTreeSet::from([module("b")]));
    graph.insert(module("b"), BTreeSet::from([module("c")]));
    graph.insert(module("c"), BTreeSet::from([module("a")]));
    graph.insert(module("d"), BTreeSet::from([module("a")]));
    assert_eq!(cycles(&graph), vec![vec!["a", "b", "c"]]);
    let paths = named_paths(&module("fix::members"), "use super::{model::Fix, Edit};");
    assert!(paths.contains(&module("fix::model")) && paths.contains(&module("fix::Edit")));
    assert!(names_child("let text = read::decode(bytes);", "read"));
    assert!(!names_child("pub use read::decode;", "read"));
    assert!(names_child("use self::read::decode;", "read"));
    assert!(!names_child("use crate::discovery::read::decode;", "read"));
    assert!(!names_child("let spread::x = 1;", "read"));
}

/// The files of `src/` that name `needle` in their code, outside the folder `allowed`.
fn naming_outside(needle: &str, allowed: &str) -> Vec<String> {
    rust_files(Path::new("src"))
        .into_iter()
        .filter(|f| !f.starts_with(allowed))
        .filter(|f| code_of(&std::fs::read_to_string(f).unwrap()).contains(needle))
        .map(|f| f.display().to_string())
        .collect()
}

#[test]
fn only_syntax_names_the_parser_crates() {
    for needle in ["ruff_python_", "ruff_text_size", "ruff_source_file"] {
        assert_eq!(naming_outside(needle, "src/syntax"), Vec::<String>::new());
    }
}

#[test]
fn only_the_server_names_the_lsp_crates() {
    for needle in ["lsp_types", "lsp_server"] {
        assert_eq!(naming_outside(needle, "src/server"), Vec::<String>::new());
    }
}

#[test]
fn the_checker_and_the_resolver_do_no_io() {
    let pure = ["src/check", "src/resolve"];
    let files = rust_files(Path::new("src")).into_iter().filter(|f| {
        pure.iter()
            .any(|p| f.starts_with(p) || f.with_extension("") == Path::new(p))
    });
    for file in files {
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        for needle in [
            "std::fs",
            "std::env",
            "discovery::",
            "File::",
            "current_dir",
        ] {
            assert!(!code.contains(needle), "{} names {needle}", file.display());
        }
    }
}

#[test]
fn no_source_file_is_longer_than_800_lines() {
    let long: Vec<String> = rust_files(Path::new("src"))
        .into_iter()
        .map(|f| (std::fs::read_to_string(&f).unwrap().lines().count(), f))
        .filter(|(lines, _)| *lines > 800)
        .map(|(lines, f)| format!("{} ({lines} lines)", f.display()))
        .collect();
    assert!(long.is_empty(), "split these by concern: {long:#?}");
}
