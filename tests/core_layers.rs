//! The core's modules depend on each other in one direction only (issue 18: "no circles").
//!
//! A circle makes every module in it part of every other: none can be read, tested or
//! changed alone, and each new feature has to touch all of them. This test reads the
//! sources of `src/core/` (outside their `#[cfg(test)]` parts), collects which core modules
//! each one names (`super::x`, `crate::core::x`, `crate::x`), and fails on any cycle,
//! printing it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The core module names each module's non-test code refers to.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let mut sources = BTreeMap::new();
    for entry in fs::read_dir(&core).expect("src/core is readable") {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if path.extension().is_some_and(|e| e == "rs") && name != "mod" {
            let text = fs::read_to_string(&path).expect("a source file");
            // Tests may reach anywhere; the layering is about the library's code.
            let library = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .to_owned();
            sources.insert(name.to_owned(), library);
        }
    }
    let names: BTreeSet<String> = sources.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (module, text) in &sources {
        let mut uses = BTreeSet::new();
        for prefix in ["super::", "crate::core::", "crate::"] {
            for (at, _) in text.match_indices(prefix) {
                let rest = &text[at + prefix.len()..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                let name = &rest[..end];
                if name != module && names.contains(name) {
                    uses.insert(name.to_owned());
                }
            }
        }
        graph.insert(module.clone(), uses);
    }
    graph
}

/// The first cycle found by a depth-first walk, as the list of modules around it.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn walk(
        module: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|m| m == module) {
            let mut cycle = path[start..].to_vec();
            cycle.push(module.to_owned());
            return Some(cycle);
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_owned());
        for next in graph.get(module).into_iter().flatten() {
            if let Some(cycle) = walk(next, graph, done, path) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(module.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|module| walk(module, graph, &mut done, &mut Vec::new()))
}

#[test]
fn the_core_has_no_circle() {
    let graph = dependencies();
    assert!(
        graph.len() > 10,
        "the core's modules were not found: {graph:?}"
    );
    assert!(
        graph["call"].contains("cancel") && graph["cancel"].contains("wire"),
        "the scan no longer sees known dependencies: {graph:?}"
    );
    assert_eq!(
        find_cycle(&graph),
        None,
        "a circle among the core's modules"
    );
}

#[test]
fn a_circle_is_found() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("error", &["retry"][..]),
        ("retry", &["request"][..]),
        ("request", &["error"][..]),
        ("text", &[][..]),
    ]
    .into_iter()
    .map(|(m, deps)| (m.to_owned(), deps.iter().map(|d| d.to_string()).collect()))
    .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec![
            "error".into(),
            "retry".into(),
            "request".into(),
            "error".into()
        ])
    );
}
