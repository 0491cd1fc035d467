//! Loads `tests/fixtures/<connector>/<reply>.json` into wiremock responses.

use wiremock::ResponseTemplate;

/// A documented processor reply.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Reads a fixture (the one loader of the workspace, `prism_testkit::fixtures`); panics with the
/// path when it is missing or malformed (a test bug).
pub fn load(connector: &str, name: &str) -> Fixture {
    let resp = prism_testkit::fixtures::fixture(connector, name);
    Fixture {
        status: resp.status,
        headers: resp
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        body: resp.body.to_vec(),
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
