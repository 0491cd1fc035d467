//! Architecture invariants checked on the resolved dependency graph (`cargo metadata`).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Crates a connector must never reach, directly or transitively: they would mean I/O.
const FORBIDDEN: &[&str] = &["reqwest", "hyper", "tokio", "hyper-util", "axum", "mio"];

pub fn check(root: &Path) -> Result<String, String> {
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
