//! [`Reply`]: an HTTP answer as plain data. What emulators return, what the idempotency cache
//! stores and what the fault layer rewrites; its own module so that the store, the kit and the
//! emulators all depend on it and not on each other.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// An HTTP answer as plain data: what emulators return and the idempotency cache stores.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reply {
    /// HTTP status.
    pub(crate) status: u16,
    /// Headers in order (names as the processor spells them).
    pub(crate) headers: Vec<(String, String)>,
    /// Body bytes.
    pub(crate) body: Vec<u8>,
}

impl Reply {
    /// A reply without headers.
    pub(crate) fn new(status: u16, body: Vec<u8>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// A JSON reply (`Content-Type: application/json`).
    pub(crate) fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::json_as(status, body, "application/json")
    }

    /// A JSON reply with the processor's own JSON content type (e.g. `application/hal+json`).
    pub(crate) fn json_as(status: u16, body: &serde_json::Value, content_type: &str) -> Self {
        Self::new(status, body.to_string().into_bytes()).with_header("Content-Type", content_type)
    }

    /// Adds a header.
    pub(crate) fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Replaces (or adds) a header, case-insensitively.
    pub(crate) fn set_header(&mut self, name: &str, value: impl Into<String>) {
        self.remove_header(name);
        self.headers.push((name.to_owned(), value.into()));
    }

    /// Removes a header, case-insensitively.
    pub(crate) fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    }

    /// A header's value, case-insensitively.
    #[cfg(test)]
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut resp = Response::new(axum::body::Body::from(self.body));
        *resp.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        for (k, v) in self.headers {
            match (
                HeaderName::from_bytes(k.as_bytes()),
                HeaderValue::from_str(&v),
            ) {
                (Ok(k), Ok(v)) => {
                    resp.headers_mut().append(k, v);
                }
                _ => tracing::warn!(header = %k, "emulator produced an invalid header; dropped"),
            }
        }
        resp
    }
}
