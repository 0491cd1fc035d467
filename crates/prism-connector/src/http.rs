//! Requests and answers as plain values: methods, headers (sensitive ones masked), bodies.

use std::fmt;

use bytes::Bytes;
use prism_types::{Error, ErrorKind};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Method {
    /// GET.
    #[serde(rename = "GET")]
    Get,
    /// POST.
    #[serde(rename = "POST")]
    Post,
    /// PUT.
    #[serde(rename = "PUT")]
    Put,
    /// PATCH.
    #[serde(rename = "PATCH")]
    Patch,
    /// DELETE.
    #[serde(rename = "DELETE")]
    Delete,
}

impl Method {
    /// The method's name as sent (`"GET"`, `"POST"`, …).
    #[inline]
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// One request header. A `sensitive` header's value is never printed or recorded.
#[derive(Clone, PartialEq, Eq)]
pub struct Header {
    /// Header name.
    pub name: &'static str,
    /// Header value.
    pub value: String,
    /// True for credentials (`Authorization`, `x-api-key`, …).
    pub sensitive: bool,
}

impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v: &str = if self.sensitive {
            "[redacted]"
        } else {
            &self.value
        };
        write!(f, "{}: {}", self.name, v)
    }
}

/// A request body, already encoded.
#[derive(Clone, PartialEq, Eq)]
pub enum Body {
    /// No body.
    Empty,
    /// `application/json` (or a JSON variant named by `content_type`).
    Json {
        /// Encoded bytes.
        bytes: Bytes,
        /// The content type to send (`application/json`, `text/json`, …).
        content_type: &'static str,
    },
    /// `application/x-www-form-urlencoded`.
    Form(Bytes),
}

impl Body {
    /// JSON body with `application/json`.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        Ok(Body::Json {
            bytes: Bytes::from(serde_json::to_vec(value)?),
            content_type: "application/json",
        })
    }

    /// The encoded bytes.
    #[inline]
    pub fn bytes(&self) -> &[u8] {
        match self {
            Body::Empty => &[],
            Body::Json { bytes, .. } | Body::Form(bytes) => bytes,
        }
    }

    /// The content type, if there is a body.
    #[inline]
    pub fn content_type(&self) -> Option<&'static str> {
        match self {
            Body::Empty => None,
            Body::Json { content_type, .. } => Some(content_type),
            Body::Form(_) => Some("application/x-www-form-urlencoded"),
        }
    }
}

/// A processor request as a plain value: what the executor sends.
///
/// `Debug` shows the method, path and header names with sensitive values masked, and only the
/// body's size: bodies carry personal data.
#[derive(Clone)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Path (with leading `/`), joined to the base URL.
    pub path: String,
    /// Headers besides `Content-Type` (which comes from the body).
    pub headers: Vec<Header>,
    /// Body.
    pub body: Body,
    /// Body fields holding credentials: JSON pointers (`/a/b`) for JSON bodies, keys for forms.
    pub secret_fields: Vec<&'static str>,
}

impl HttpRequest {
    /// A request of any method to `path` (with its query string already encoded).
    #[inline]
    pub fn new(method: Method, path: impl Into<String>, body: Body) -> Self {
        Self {
            method,
            path: path.into(),
            headers: Vec::with_capacity(6),
            body,
            secret_fields: Vec::new(),
        }
    }

    /// A POST to `path` with `body`.
    #[inline]
    pub fn post(path: impl Into<String>, body: Body) -> Self {
        Self::new(Method::Post, path, body)
    }

    /// A GET of `path` (with its query string already encoded).
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::Get, path, Body::Empty)
    }

    /// A POST of `body` as `application/json` to `path`. A value that cannot be encoded (never
    /// one of the connectors' wire structs, whose keys are all strings) is an `InvalidRequest`:
    /// nothing is sent.
    pub fn post_json<T: Serialize + ?Sized>(
        path: impl Into<String>,
        body: &T,
    ) -> Result<Self, Error> {
        let body = Body::json(body).map_err(|e| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!("cannot encode the request: {e}"),
            )
        })?;
        Ok(Self::post(path, body))
    }

    /// Adds a header.
    #[inline]
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push(Header {
            name,
            value: value.into(),
            sensitive: false,
        });
        self
    }

    /// Adds a header when `value` is set (an idempotency key the call may not have).
    #[inline]
    pub fn header_opt(self, name: &'static str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.header(name, v),
            None => self,
        }
    }

    /// Adds `Authorization: Bearer <token>`, marked sensitive (for a value kept, see
    /// [`Authorization`](crate::auth::Authorization)).
    pub fn bearer_auth(self, token: &SecretString) -> Self {
        self.sensitive_header("Authorization", format!("Bearer {}", token.expose_secret()))
    }

    /// Adds a header whose value is a credential.
    #[inline]
    pub fn sensitive_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push(Header {
            name,
            value: value.into(),
            sensitive: true,
        });
        self
    }

    /// Declares a body field as secret (JSON pointer or form key).
    pub fn secret_field(mut self, field: &'static str) -> Self {
        self.secret_fields.push(field);
        self
    }

    /// The value of a header, by case-insensitive name.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// The request with every credential masked, the body parsed: what snapshots and debugging
    /// show. (Personal data in the body is still there: callers that print it scrub it too.)
    pub fn redacted(&self) -> RedactedRequest {
        let headers = self
            .headers
            .iter()
            .map(|h| {
                let v = if h.sensitive {
                    "[redacted]".to_owned()
                } else {
                    h.value.clone()
                };
                (h.name.to_owned(), v)
            })
            .collect();
        let body = match &self.body {
            Body::Empty => Value::Null,
            Body::Json { bytes, .. } => {
                let mut v: Value = serde_json::from_slice(bytes)
                    .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()));
                for ptr in &self.secret_fields {
                    if let Some(slot) = v.pointer_mut(ptr) {
                        *slot = Value::String("[redacted]".into());
                    }
                }
                v
            }
            Body::Form(bytes) => {
                let pairs: Vec<(String, String)> =
                    serde_urlencoded::from_bytes(bytes).unwrap_or_default();
                Value::Array(
                    pairs
                        .into_iter()
                        .map(|(k, v)| {
                            let v = if self.secret_fields.contains(&k.as_str()) {
                                "[redacted]".to_owned()
                            } else {
                                v
                            };
                            Value::String(format!("{k}={v}"))
                        })
                        .collect(),
                )
            }
        };
        RedactedRequest {
            method: self.method.as_str(),
            path: self.path.clone(),
            content_type: self.body.content_type(),
            headers,
            body,
        }
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &self.headers)
            .field("content_type", &self.body.content_type())
            .field("body_len", &self.body.bytes().len())
            .finish()
    }
}

/// A request with credentials masked and the body parsed (see [`HttpRequest::redacted`]).
#[derive(Debug, Clone, Serialize)]
pub struct RedactedRequest {
    /// Method.
    pub method: &'static str,
    /// Path.
    pub path: String,
    /// Content type of the body.
    pub content_type: Option<&'static str>,
    /// Headers, sensitive values masked.
    pub headers: Vec<(String, String)>,
    /// Parsed body: a JSON value, or `key=value` strings for forms.
    pub body: Value,
}

/// A processor's answer as a plain value.
#[derive(Clone)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers (the executor moves them out of the HTTP client's answer without copying).
    pub headers: http::HeaderMap,
    /// Body bytes (the executor caps their size).
    pub body: Bytes,
}

impl HttpResponse {
    /// A response from parts (tests, fixtures, fuzzing). Header pairs that are not valid HTTP
    /// are left out, as no HTTP client would deliver them.
    pub fn new(status: u16, headers: Vec<(String, String)>, body: impl Into<Bytes>) -> Self {
        let mut map = http::HeaderMap::with_capacity(headers.len());
        for (k, v) in headers {
            if let (Ok(k), Ok(v)) = (
                http::HeaderName::from_bytes(k.as_bytes()),
                http::HeaderValue::from_str(&v),
            ) {
                map.append(k, v);
            }
        }
        Self::from_parts(status, map, body)
    }

    /// A response from an HTTP client's parts, without copying the headers.
    #[inline]
    pub fn from_parts(status: u16, headers: http::HeaderMap, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            headers,
            body: body.into(),
        }
    }

    /// The value of a header, by case-insensitive name (`None` when absent or not text).
    #[inline]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// True for 2xx.
    #[inline]
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body without a leading UTF-8 byte-order mark.
    #[inline]
    pub fn body_without_bom(&self) -> &[u8] {
        self.body
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&self.body)
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_posts_optional_headers_and_bearer_auth() {
        let req = HttpRequest::post_json("/customers", &serde_json::json!({"email": "a@b.c"}))
            .expect("encodes")
            .header_opt("Idempotency-Key", Some("k1"))
            .header_opt("Absent", None)
            .bearer_auth(&SecretString::from("sk_test_secretvalue"));
        assert_eq!(
            (req.method, req.path.as_str()),
            (Method::Post, "/customers")
        );
        assert_eq!(req.body.content_type(), Some("application/json"));
        assert_eq!(req.body.bytes(), br#"{"email":"a@b.c"}"#);
        assert_eq!(req.header_value("idempotency-key"), Some("k1"));
        assert_eq!(req.header_value("Absent"), None);
        assert_eq!(
            req.header_value("Authorization"),
            Some("Bearer sk_test_secretvalue")
        );
        assert!(!format!("{req:?} {:?}", req.redacted()).contains("secretvalue"));

        // A map with non-string keys is the one shape JSON cannot hold.
        let bad = std::collections::BTreeMap::from([((1, 2), "x")]);
        let e = HttpRequest::post_json("/x", &bad).expect_err("not encodable");
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    }
}
