//! Loads `tests/fixtures/<connector>/<reply>.json` into wiremock responses.

use std::path::PathBuf;

use serde_json::Value;
use wiremock::ResponseTemplate;

/// A documented processor reply.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Reads a fixture; panics with the path when it is missing or malformed (a test bug).
pub fn load(connector: &str, name: &str) -> Fixture {
    let path = dir().join(connector).join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    let v: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    let status = v["status"]
        .as_u64()
        .unwrap_or_else(|| panic!("fixture {}: no status", path.display())) as u16;
    let headers = v["headers"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    let body = match (&v.get("body"), &v.get("body_text")) {
        (Some(b), _) => serde_json::to_vec(b).expect("re-encode body"),
        (None, Some(Value::String(t))) => t.as_bytes().to_vec(),
        _ => Vec::new(),
    };
    Fixture {
        status,
        headers,
        body,
    }
}

impl Fixture {
    pub fn template(&self) -> ResponseTemplate {
        let mut t = ResponseTemplate::new(self.status);
        for (k, v) in &self.headers {
            t = t.insert_header(k.as_str(), v.as_str());
        }
        t.set_body_raw(self.body.clone(), self.content_type())
    }

    fn content_type(&self) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.as_str())
            .unwrap_or("application/json")
    }

    /// The same reply without `Retry-After` (for cases that must not wait).
    pub fn without_retry_after(mut self) -> Self {
        self.headers
            .retain(|(k, _)| !k.eq_ignore_ascii_case("retry-after"));
        self
    }
}
