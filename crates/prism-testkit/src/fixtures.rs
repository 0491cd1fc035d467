//! The processors' documented replies in `tests/fixtures/<connector>/<reply>.json`, read as
//! [`HttpResponse`] values, with the outcome each one stands for.
//!
//! The fixture format: `{"source": "…", "status": 200, "headers": {"Name": "value"},
//! "body": <JSON>, "expect": {…}}` — or `"body_text": "…"` for a body that must be exact bytes (a
//! byte-order mark, XML, an HTML page). `expect` says what the connector reads from the reply
//! (see `tests/fixtures/README.md`); it is never part of the HTTP reply.
//!
//! One more file may sit in a connector's folder: [`ARM_FILE`] (`arm.json`), the per-connector
//! test data that cannot be derived from the connector's own declarations; it is not a reply.

use std::path::PathBuf;

use prism_connector::HttpResponse;
use serde_json::Value;

/// The name (without `.json`) of the per-connector data file in a fixtures folder.
pub const ARM_FILE: &str = "arm";

/// The workspace's `tests/fixtures` directory.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures"))
}

/// Parses one fixture document into the HTTP reply it describes (`source` and `expect` are
/// not part of it).
pub fn parse_fixture(text: &str) -> Result<HttpResponse, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    reply_of(&v)
}

fn reply_of(v: &Value) -> Result<HttpResponse, String> {
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
        (None, Some(Value::String(t))) => t.as_bytes().to_vec(),
        (None, _) => Vec::new(),
    };
    Ok(HttpResponse::new(status, headers, body))
}

/// The whole document of `tests/fixtures/<connector>/<name>.json`; panics with the path when it
/// is missing or not JSON (a bug in the test, not in the code under test).
pub fn document(connector: &str, name: &str) -> Value {
    let path = fixtures_dir().join(connector).join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// Reads `tests/fixtures/<connector>/<name>.json` as the reply it describes; panics with the
/// path when it is missing or malformed.
pub fn fixture(connector: &str, name: &str) -> HttpResponse {
    reply_of(&document(connector, name))
        .unwrap_or_else(|e| panic!("fixture {connector}/{name}: {e}"))
}

/// The reply's body as JSON (`body`, or `body_text` without a leading byte-order mark).
pub fn body_json(connector: &str, name: &str) -> Value {
    let doc = document(connector, name);
    match (doc.get("body"), doc.get("body_text")) {
        (Some(b), _) => b.clone(),
        (None, Some(Value::String(t))) => serde_json::from_str(t.trim_start_matches('\u{feff}'))
            .unwrap_or_else(|e| panic!("fixture {connector}/{name}: body_text: {e}")),
        _ => Value::Null,
    }
}

/// The `expect` object of a fixture, if it has one.
pub fn expectation(connector: &str, name: &str) -> Option<Value> {
    document(connector, name).get("expect").cloned()
}

/// The reply fixtures of a connector (names without `.json`, sorted; [`ARM_FILE`] excluded).
pub fn fixture_names(connector: &str) -> Vec<String> {
    let dir = fixtures_dir().join(connector);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("fixtures {}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".json").map(str::to_owned))
        .filter(|n| n != ARM_FILE)
        .collect();
    names.sort();
    names
}

/// The connector's [`ARM_FILE`] (test data its declarations cannot give), if it has one.
pub fn arm_data(connector: &str) -> Option<Value> {
    let path = fixtures_dir()
        .join(connector)
        .join(format!("{ARM_FILE}.json"));
    path.exists().then(|| document(connector, ARM_FILE))
}

/// The reply fixtures of `connector` whose expectation (first-attempt reading) has `key` equal
/// to `value`, e.g. `("kind", "authentication")` or `("outcome", "created")`; sorted by name.
pub fn fixtures_expecting(connector: &str, key: &str, value: &str) -> Vec<String> {
    fixture_names(connector)
        .into_iter()
        .filter(|n| {
            expectation(connector, n)
                .is_some_and(|e| e.get(key).and_then(Value::as_str) == Some(value))
        })
        .collect()
}
