//! No circles among the modules of `src/`: a test over the import lines of the source, so a
//! change that makes two modules need each other fails CI. Run it alone with
//! `cargo test --lib import_graph -- --nocapture` (it prints the graph's size).
//!
//! How the graph is drawn:
//! - A node is a file: `config/resolve.rs`, `config/mod.rs` (the `config` module itself),
//!   `lib.rs` (the crate root). An inline module (`mod terminal { … }`) belongs to its file.
//!   `main.rs` is another crate (it names `agentctl::`, never `crate::`) and is left out.
//! - An edge is a path in code that names another file's module or item: every `crate::…`,
//!   `super::…` and `self::…` path, in `use` lines (groups and globs included) and in
//!   expressions and types alike (`crate::cli::command()` is as much a dependency as a `use`).
//! - Test code is left out: `#[cfg(test)]` items (the `mod tests` blocks) and the
//!   `*_tests.rs` files they include. Tests may reach anywhere.
//! - `mod child;` is containment, not a dependency: a parent does not depend on a child by
//!   declaring it, and a child's `use super::X` of the parent's own item is an edge up.
//! - A re-export in a parent (`pub use files::ConfigFiles;` in `config/mod.rs`) is seen
//!   through: `use crate::config::ConfigFiles` is an edge to `config/files.rs`, the file
//!   that defines it, and not to `config/mod.rs`. Otherwise every child that imports a
//!   sibling's item by its short path would close a false circle through its parent.
//!   `pub use` lines themselves are not edges of the parent either, for the same reason.
//!
//! A circle is a strongly connected component of more than one file; each is reported with
//! the edges inside it, and the line that makes each edge.

mod source;

use source::{FileFacts, Found, facts};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The source files of the library crate, by module path (`[]` is the crate root).
fn module_files(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    fn walk(dir: &Path, prefix: &[String], out: &mut BTreeMap<Vec<String>, PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                let mut module = prefix.to_vec();
                module.push(name);
                walk(&path, &module, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                if name.ends_with("_tests") || (prefix.is_empty() && name == "main") {
                    continue;
                }
                let mut module = prefix.to_vec();
                if name != "mod" && !(prefix.is_empty() && name == "lib") {
                    module.push(name);
                }
                out.insert(module, path);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(src, &[], &mut out);
    out
}

/// The import graph: file → file → the lines (`file:line`) that make the edge.
type Graph = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn graph(src: &Path) -> Graph {
    let files = module_files(src);
    let facts: BTreeMap<Vec<String>, FileFacts> = files
        .iter()
        .map(|(module, path)| {
            (
                module.clone(),
                facts(&std::fs::read_to_string(path).unwrap()),
            )
        })
        .collect();
    let name = |module: &[String]| -> String {
        files[module]
            .strip_prefix(src)
            .unwrap()
            .to_string_lossy()
            .into_owned()
    };
    // Re-exports: module → name → the module path it comes from (`*` for a glob).
    let mut reexports: BTreeMap<Vec<String>, Vec<Vec<String>>> = BTreeMap::new();
    for (module, file) in &facts {
        for found in file.paths.iter().filter(|f| f.reexport) {
            if let Some(absolute) = absolute(module, found, &files) {
                reexports.entry(module.clone()).or_default().push(absolute);
            }
        }
    }
    // The file that defines what `path` names (a module, or an item of one).
    fn owner(
        path: &[String],
        files: &BTreeMap<Vec<String>, PathBuf>,
        facts: &BTreeMap<Vec<String>, FileFacts>,
        reexports: &BTreeMap<Vec<String>, Vec<Vec<String>>>,
        seen: usize,
    ) -> Option<Vec<String>> {
        let longest = (0..=path.len())
            .rev()
            .find(|n| files.contains_key(&path[..*n]))?;
        let module = path[..longest].to_vec();
        let Some(item) = path.get(longest) else {
            return Some(module);
        };
        if seen > 8 || item == "*" || facts[&module].defines.contains(item) {
            return Some(module);
        }
        for target in reexports.get(&module).into_iter().flatten() {
            let last = target.last().map(String::as_str);
            if last == Some(item.as_str()) {
                let mut rest = target.clone();
                rest.extend(path[longest + 1..].iter().cloned());
                return owner(&rest, files, facts, reexports, seen + 1);
            }
            if last == Some("*") {
                let mut rest = target[..target.len() - 1].to_vec();
                rest.extend(path[longest..].iter().cloned());
                if let Some(found) = owner(&rest, files, facts, reexports, seen + 1)
                    && (found.len() > module.len() || found[..] != module[..])
                    && facts[&found].defines.contains(item)
                {
                    return Some(found);
                }
            }
        }
        Some(module)
    }
    let mut graph = Graph::new();
    for (module, file) in &facts {
        let from = name(module);
        graph.entry(from.clone()).or_default();
        for found in file.paths.iter().filter(|f| !f.reexport) {
            let Some(absolute) = absolute(module, found, &files) else {
                continue;
            };
            let Some(target) = owner(&absolute, &files, &facts, &reexports, 0) else {
                continue;
            };
            let to = name(&target);
            if to != from {
                graph
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .push(format!("{from}:{}", found.line));
            }
        }
    }
    graph
}

/// `found`'s path from the crate root, or None for a path outside the crate (`std::…`).
fn absolute(
    module: &[String],
    found: &Found,
    children: &BTreeMap<Vec<String>, PathBuf>,
) -> Option<Vec<String>> {
    let segments = &found.segments;
    match segments.first().map(String::as_str) {
        Some("crate") => Some(segments[1..].to_vec()),
        Some("super") | Some("self") => {
            // Inline modules are part of this file: `super` inside one of them climbs
            // within the file first.
            let mut base = module.to_vec();
            let mut depth = found.depth;
            let mut rest = &segments[..];
            while let Some(first) = rest.first() {
                match first.as_str() {
                    "self" => {}
                    "super" if depth > 0 => depth -= 1,
                    "super" => {
                        base.pop()?;
                    }
                    _ => break,
                }
                rest = &rest[1..];
            }
            base.extend(rest.iter().cloned());
            Some(base)
        }
        // `child::item` (in a `use` or inline) names a child module of this one; any other
        // first segment is another crate (`std`, `clap`) or a local item (`Source::Flag`).
        Some(first) if found.depth == 0 => {
            let mut path = module.to_vec();
            path.push(first.to_owned());
            if !children.contains_key(&path) {
                return None;
            }
            path.extend(segments[1..].iter().cloned());
            Some(path)
        }
        _ => None,
    }
}

/// Strongly connected components of more than one node (Tarjan).
fn circles(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a str) {
        let n = state.index.len();
        state.index.insert(node, n);
        state.low.insert(node, n);
        state.stack.push(node);
        state.on_stack.insert(node);
        for next in state.graph[node].keys() {
            let next = next.as_str();
            if !state.graph.contains_key(next) {
                continue;
            }
            if !state.index.contains_key(next) {
                visit(state, next);
                let low = state.low[node].min(state.low[next]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.low[node].min(state.index[next]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            loop {
                let top = state.stack.pop().unwrap();
                state.on_stack.remove(top);
                component.push(top.to_owned());
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.found
}

/// The same graph with each top-level module (`config/**`) as one node: a circle here is
/// two parts of the program that need each other, even when no two files do.
fn module_graph(files: &Graph) -> Graph {
    let top = |file: &str| match file.split_once('/') {
        Some((dir, _)) => dir.to_owned(),
        None => file.trim_end_matches(".rs").to_owned(),
    };
    let mut graph = Graph::new();
    for (from, edges) in files {
        graph.entry(top(from)).or_default();
        for (to, lines) in edges {
            if top(from) != top(to) {
                graph
                    .entry(top(from))
                    .or_default()
                    .entry(top(to))
                    .or_default()
                    .extend(lines.iter().cloned());
            }
        }
    }
    graph
}

/// Each circle, with the edges inside it and the lines that make them.
fn describe(graph: &Graph, found: &[Vec<String>]) -> String {
    let mut report = String::new();
    for component in found {
        report.push_str(&format!("circle: {}\n", component.join(" ")));
        for from in component {
            for (to, lines) in &graph[from] {
                if component.contains(to) {
                    report.push_str(&format!("  {from} -> {to}  ({})\n", lines.join(", ")));
                }
            }
        }
    }
    report
}

/// Circles that were there when this test was written and are still to be opened: none now
/// (the last, `output.rs` and `output/jq_output.rs`, was opened by splitting the output layer).
/// The list only shrinks: a circle not on it fails the test, and so does an entry whose
/// circle is gone (delete the entry).
const KNOWN_CIRCLES: &[&[&str]] = &[];

/// The circles of `graph` that are not known, and the known ones that are gone.
fn unexpected(graph: &Graph) -> (Vec<Vec<String>>, Vec<String>) {
    let found = circles(graph);
    let known = |component: &Vec<String>| {
        KNOWN_CIRCLES.iter().any(|known| {
            known
                .iter()
                .copied()
                .eq(component.iter().map(String::as_str))
        })
    };
    let gone = KNOWN_CIRCLES
        .iter()
        .filter(|known| {
            !found.iter().any(|component| {
                known
                    .iter()
                    .copied()
                    .eq(component.iter().map(String::as_str))
            })
        })
        .map(|known| known.join(" "))
        .collect();
    (found.into_iter().filter(|c| !known(c)).collect(), gone)
}

#[test]
#[allow(clippy::print_stdout)] // what was checked, shown with --nocapture
fn there_are_no_circles_among_the_modules_of_src() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = graph(&src);
    let modules = module_graph(&files);
    let count = |graph: &Graph| graph.values().map(BTreeMap::len).sum::<usize>();
    println!(
        "import graph of src/: {} files, {} edges; {} top-level modules, {} edges",
        files.len(),
        count(&files),
        modules.len(),
        count(&modules)
    );
    for known in KNOWN_CIRCLES {
        println!("known circle, still to be opened: {}", known.join(" "));
    }
    let (file_circles, gone) = unexpected(&files);
    let module_circles = circles(&modules);
    let report = format!(
        "between files:\n{}between top-level modules:\n{}",
        describe(&files, &file_circles),
        describe(&modules, &module_circles)
    );
    assert!(
        file_circles.is_empty() && module_circles.is_empty(),
        "{report}"
    );
    assert!(
        gone.is_empty(),
        "these circles are gone: delete them from KNOWN_CIRCLES in src/import_graph/mod.rs: {gone:?}"
    );
    println!("no other circles");
}

/// Writes a small crate's `src/` and returns its graph.
fn graph_of(files: &[(&str, &str)]) -> Graph {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    graph(dir.path())
}

#[test]
fn two_files_that_name_each_other_are_a_circle_however_they_do() {
    let graph = graph_of(&[
        ("lib.rs", "mod a;\nmod b;\nmod c;\n"),
        ("a.rs", "use crate::b::{self, B};\npub struct A;\n"),
        // An inline path, in a function behind a string that looks like code.
        (
            "b.rs",
            "pub struct B;\nfn f() { let _ = \"crate::c::C\"; crate::a::A; }\n",
        ),
        // Test code is left out.
        (
            "c.rs",
            "pub struct C;\n#[cfg(test)]\nmod tests { use crate::a::A; }\n",
        ),
    ]);
    assert_eq!(
        circles(&graph),
        [vec!["a.rs".to_owned(), "b.rs".to_owned()]]
    );
    let targets = |file: &str| graph[file].keys().cloned().collect::<Vec<_>>();
    assert_eq!(targets("b.rs"), ["a.rs"]);
    assert!(targets("c.rs").is_empty(), "{graph:?}");
    assert_eq!(circles(&module_graph(&graph)).len(), 1);
}

#[test]
fn an_import_through_a_parents_re_export_is_an_edge_to_the_file_that_defines_it() {
    let graph = graph_of(&[
        ("lib.rs", "mod p;\nmod q;\n"),
        (
            "p/mod.rs",
            "mod x;\nmod y;\npub use x::X;\npub use y::*;\npub struct Own;\n",
        ),
        ("p/x.rs", "use super::{Own, Y};\npub struct X;\n"),
        ("p/y.rs", "pub struct Y;\n"),
        (
            "q.rs",
            "use crate::p::X;\n#[arg(add = crate::p::Y)]\nstruct Q;\n",
        ),
    ]);
    assert!(circles(&graph).is_empty(), "{graph:?}");
    let targets = |file: &str| graph[file].keys().cloned().collect::<Vec<_>>();
    assert_eq!(targets("p/x.rs"), ["p/mod.rs", "p/y.rs"]);
    assert_eq!(targets("q.rs"), ["p/x.rs", "p/y.rs"]);
    // A parent calling its child, which uses the parent's own item, is a circle.
    let graph = graph_of(&[
        ("lib.rs", "mod p;\n"),
        ("p/mod.rs", "mod x;\npub struct Own;\nfn f() { x::g(); }\n"),
        ("p/x.rs", "pub fn g() -> super::Own { todo!() }\n"),
    ]);
    assert_eq!(circles(&graph).len(), 1);
}
