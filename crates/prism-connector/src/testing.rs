//! Support for tests and benchmarks of this workspace: the processors' documented replies in
//! `tests/fixtures/<connector>/<reply>.json`, read as [`HttpResponse`] values.
//!
//! The fixture format: `{"source": "…", "status": 200, "headers": {"Name": "value"},
//! "body": <JSON>}` — or `"body_text": "…"` for a body that must be exact bytes (a byte-order
//! mark, XML, an HTML page).

use std::path::PathBuf;

use crate::HttpResponse;

/// The workspace's `tests/fixtures` directory.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures"))
}

/// Parses one fixture document.
pub fn parse_fixture(text: &str) -> Result<HttpResponse, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let status = v["status"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .ok_or("no numeric `status`")?;
    let headers = v["headers"]
        .as_object()
        .map(|h| {
            h.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    let body = match (v.get("body"), v.get("body_text")) {
        (Some(b), _) => serde_json::to_vec(b).map_err(|e| e.to_string())?,
        (None, Some(serde_json::Value::String(t))) => t.as_bytes().to_vec(),
        (None, _) => Vec::new(),
    };
    Ok(HttpResponse::new(status, headers, body))
}

/// Reads `tests/fixtures/<connector>/<name>.json`; panics with the path when it is missing or
/// malformed (a bug in the test, not in the code under test).
pub fn fixture(connector: &str, name: &str) -> HttpResponse {
    let path = fixtures_dir().join(connector).join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    parse_fixture(&text).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// The fixture names (without `.json`) of a connector, sorted.
pub fn fixture_names(connector: &str) -> Vec<String> {
    let dir = fixtures_dir().join(connector);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("fixtures {}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".json").map(str::to_owned))
        .collect();
    names.sort();
    names
}
