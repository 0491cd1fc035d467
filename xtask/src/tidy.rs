//! Architecture invariants: the resolved dependency graph (`cargo metadata`): connector crates
//! do no I/O and depend on no other connector; and the layout: every compiled connector has
//! its `docs.md`, fixtures, emulator and README matrix row, nothing scaffolded is left
//! (`TODO(scaffold)`), and every Rust file has a module doc.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Crates a connector must never reach, directly or transitively: they would mean I/O.
const FORBIDDEN: &[&str] = &["reqwest", "hyper", "tokio", "hyper-util", "axum", "mio"];

pub fn check(root: &Path) -> Result<String, String> {
    let graph = check_graph(root);
    let layout = check_layout(root);
    match (graph, layout) {
        (Ok(g), Ok(l)) => Ok(format!("{g}\n{l}")),
        (g, l) => Err([g.err(), l.err()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n")),
    }
}

/// The headings every connector's `docs.md` has.
const DOCS_HEADINGS: &[&str] = &[
    "## Sources",
    "## Error mapping (as implemented)",
    "## Unverified",
];

/// The layout checks over the working tree.
pub fn check_layout(root: &Path) -> Result<String, String> {
    let mut problems = Vec::new();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_default();
    let emulators = std::fs::read_to_string(root.join("crates/prism-sandbox/src/emulators/mod.rs"))
        .unwrap_or_default();
    let compiled = prism::compiled_connectors();
    for c in &compiled {
        let name = c.as_str();
        let crate_dir = root.join("crates/connectors").join(name);
        match std::fs::read_to_string(crate_dir.join("docs.md")) {
            Ok(docs) => {
                for h in DOCS_HEADINGS {
                    if !docs.lines().any(|l| l.trim_end() == *h) {
                        problems.push(format!(
                            "crates/connectors/{name}/docs.md has no `{h}` section"
                        ));
                    }
                }
            }
            Err(_) => problems.push(format!(
                "connector {name} has no crates/connectors/{name}/docs.md"
            )),
        }
        let fixtures = root.join("tests/fixtures").join(name);
        if !fixtures.join("created.json").is_file() {
            problems.push(format!(
                "connector {name} has no documented reply tests/fixtures/{name}/created.json"
            ));
        }
        let emulator = root
            .join("crates/prism-sandbox/src/emulators")
            .join(format!("{name}.rs"));
        if !emulator.is_file() || !emulators.contains(&format!("mod {name};")) {
            problems.push(format!("connector {name} has no registered emulator crates/prism-sandbox/src/emulators/{name}.rs"));
        }
        let row = format!("| {} | yes |", c.display_name());
        if !readme.contains(&row) {
            problems.push(format!(
                "README.md's capability matrix has no row for {name} (run `cargo xtask codegen`)"
            ));
        }
        for dir in [crate_dir, fixtures, emulator] {
            for f in files(&dir) {
                if std::fs::read_to_string(&f).is_ok_and(|t| t.contains("TODO(scaffold)")) {
                    problems.push(format!(
                        "{} still has a TODO(scaffold)",
                        f.strip_prefix(root).unwrap_or(&f).display()
                    ));
                }
            }
        }
    }
    let mut rust_files = 0;
    for f in tracked_rust_files(root) {
        rust_files += 1;
        let text = std::fs::read_to_string(root.join(&f)).unwrap_or_default();
        if !has_module_doc(&text) {
            problems.push(format!("{f} has no module doc (`//!`) at its top"));
        }
    }
    if problems.is_empty() {
        Ok(format!("tidy: {} compiled connectors have docs.md, fixtures, an emulator and a matrix row; {rust_files} Rust files have module docs", compiled.len()))
    } else {
        Err(problems.join("\n"))
    }
}

/// True when the first line that is not blank and not an inner attribute is a `//!` doc.
fn has_module_doc(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("#!["))
        .is_some_and(|l| l.starts_with("//!"))
}

/// The `.rs` files git tracks or would track (untracked, not ignored), relative to `root`.
fn tracked_rust_files(root: &Path) -> Vec<String> {
    let out = Command::new("git")
        .args([
            "ls-files",
            "--cached",
            "--others",
            "--exclude-standard",
            "*.rs",
        ])
        .current_dir(root)
        .output();
    match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| root.join(l).is_file())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// A file, or every file below a directory.
fn files(path: &Path) -> Vec<std::path::PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// The dependency-graph check.
pub fn check_graph(root: &Path) -> Result<String, String> {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--all-features"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let meta: Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    check_metadata(&meta)
}

/// The check itself, on parsed `cargo metadata` output.
pub fn check_metadata(meta: &Value) -> Result<String, String> {
    let packages = meta["packages"].as_array().ok_or("no packages")?;
    let name_of: HashMap<&str, &str> = packages
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p["name"].as_str()?)))
        .collect();
    let nodes = meta["resolve"]["nodes"]
        .as_array()
        .ok_or("no resolve graph")?;
    // Normal (non-dev, non-build) dependency edges only.
    let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
    for n in nodes {
        let id = n["id"].as_str().unwrap_or_default();
        let deps = n["deps"].as_array().map(Vec::as_slice).unwrap_or_default();
        let normal = deps
            .iter()
            .filter(|d| {
                d["dep_kinds"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k["kind"].is_null()))
            })
            .filter_map(|d| d["pkg"].as_str());
        edges.entry(id).or_default().extend(normal);
    }
    let connectors: Vec<&str> = name_of
        .iter()
        .filter(|(_, n)| n.starts_with("prism-connector-"))
        .map(|(id, _)| *id)
        .collect();
    if connectors.is_empty() {
        return Err("no connector crates found".into());
    }
    let mut problems = Vec::new();
    for c in &connectors {
        let mut seen = BTreeSet::new();
        let mut stack = vec![*c];
        while let Some(id) = stack.pop() {
            for d in edges.get(id).map(Vec::as_slice).unwrap_or_default() {
                if seen.insert(*d) {
                    stack.push(d);
                }
            }
        }
        for d in seen {
            let n = name_of.get(d).copied().unwrap_or(d);
            if FORBIDDEN.contains(&n) {
                problems.push(format!(
                    "{} depends on {n} (connectors do no I/O)",
                    name_of[c]
                ));
            }
            if n.starts_with("prism-connector-") {
                problems.push(format!("{} depends on another connector, {n}", name_of[c]));
            }
        }
    }
    if problems.is_empty() {
        Ok(format!("tidy: {} connector crates checked, no I/O crates, no connector-to-connector dependencies", connectors.len()))
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn workspace_is_tidy() {
        if let Err(e) = super::check(&super::super::root()) {
            panic!("{e}");
        }
    }

    #[test]
    fn module_docs_are_recognised() {
        assert!(super::has_module_doc("//! Doc.\nuse x;"));
        assert!(super::has_module_doc("\n#![no_main]\n//! Doc.\n"));
        assert!(!super::has_module_doc("// A comment.\nuse x;"));
        assert!(!super::has_module_doc("use x;\n//! late"));
        assert!(!super::has_module_doc(""));
    }

    #[test]
    fn the_check_can_fail() {
        let edge = |pkg: &str| json!({"pkg": pkg, "dep_kinds": [{"kind": null}]});
        let meta = json!({
            "packages": [
                {"id": "a", "name": "prism-connector-a"},
                {"id": "b", "name": "prism-connector-b"},
                {"id": "m", "name": "middle"},
                {"id": "t", "name": "tokio"}
            ],
            "resolve": {"nodes": [
                {"id": "a", "deps": [edge("m"), edge("b")]},
                {"id": "m", "deps": [edge("t")]},
                {"id": "b", "deps": []},
                {"id": "t", "deps": []}
            ]}
        });
        let err = super::check_metadata(&meta).expect_err("must fail");
        assert!(err.contains("prism-connector-a depends on tokio"), "{err}");
        assert!(
            err.contains("depends on another connector, prism-connector-b"),
            "{err}"
        );
    }
}
