//! The processor emulators.
//!
//! # Adding an emulator
//!
//! 1. Write `src/emulators/<name>.rs` with a unit struct implementing [`Emulator`]: its router
//!    (routes relative to `/<name>`, e.g. `/v1/customers`), its processor-shaped error body for
//!    injected faults, and the test credentials it accepts.
//! 2. Register it with two one-line additions in this file, each directly above its marker:
//!    - `mod <name>;` above `// @prism:emulator-mods`
//!    - `Box::new(<name>::<Type>),` above `// @prism:emulators`
//!
//! Store customers with [`SharedState::insert_customer`], and use
//! [`SharedState::idempotency`] for processors with idempotency keys. Fault injection, request
//! counting and the connection handling are generic (in `lib.rs`): an emulator never sees them.

use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use prism_types::Connector;

pub(crate) use crate::store::SharedState;

mod airwallex;
mod authorizedotnet;
mod finix;
mod shift4;
mod stax;
mod stripe;
// @prism:emulator-mods (one `mod x;` per emulator, above this marker)

/// Every emulator, in registration order.
pub(crate) fn all() -> Vec<Box<dyn Emulator>> {
    vec![
        Box::new(stripe::StripeEmulator),
        Box::new(shift4::Shift4Emulator),
        Box::new(finix::FinixEmulator),
        Box::new(airwallex::AirwallexEmulator),
        Box::new(stax::StaxEmulator),
        Box::new(authorizedotnet::AuthorizeDotNetEmulator),
        // @prism:emulators (one line per emulator, above this marker)
    ]
}

/// One processor's emulator.
pub(crate) trait Emulator: Send + Sync + 'static {
    /// The processor it emulates; also its path prefix (`/<connector.as_str()>`).
    fn connector(&self) -> Connector;

    /// Its routes, relative to `/<connector>` (e.g. `/v1/customers`).
    fn router(&self, state: SharedState) -> axum::Router;

    /// The processor's own error answer for `status`, used by injected `Status` and
    /// `RateLimit` faults (headers included, e.g. Stripe's `Request-Id`).
    fn error_body(&self, status: u16) -> Reply;

    /// `(environment variable, value)` pairs of the test credentials this emulator accepts,
    /// e.g. `[("PRISM_STRIPE_API_KEY", "sk_test_prism_sandbox")]`.
    fn credentials(&self) -> &'static [(&'static str, &'static str)];

    /// Whether a request (path relative to `/<connector>`) is a customer create, the only kind
    /// faults apply to. Default: every `POST`. Override when the processor has other POSTs
    /// (e.g. a login call before the create).
    fn is_create(&self, method: &Method, path: &str) -> bool {
        let _ = path;
        method == Method::POST
    }
}

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
        Self::new(status, body.to_string().into_bytes())
            .with_header("Content-Type", "application/json")
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

/// `n` random ASCII letters and digits (processor ids such as `cus_NffrFeUfNV2Hib`).
pub(crate) fn alnum(n: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..n)
        .map(|_| char::from(CHARS[fastrand::usize(..CHARS.len())]))
        .collect()
}

/// Seconds since the Unix epoch.
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Decodes standard base64 (with or without padding); `None` when malformed. For `Basic` auth.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(s.trim().trim_end_matches('='))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64() {
        assert_eq!(
            base64_decode("c2tfdGVzdF94Og==").as_deref(),
            Some(&b"sk_test_x:"[..])
        );
        assert_eq!(
            base64_decode("c2tfdGVzdF94Og").as_deref(),
            Some(&b"sk_test_x:"[..])
        );
        assert_eq!(base64_decode("YQ==").as_deref(), Some(&b"a"[..]));
        assert_eq!(base64_decode("YWI=").as_deref(), Some(&b"ab"[..]));
        assert_eq!(base64_decode("!!!!"), None);
    }

    #[test]
    fn registry_is_consistent() {
        let all = all();
        let mut names: Vec<_> = all.iter().map(|e| e.connector().as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len(), "one emulator per connector");
        for e in &all {
            assert!(
                !e.credentials().is_empty(),
                "{} lists its credentials",
                e.connector().as_str()
            );
            let prefix = format!("PRISM_{}_", e.connector().as_str().to_ascii_uppercase());
            for (var, _) in e.credentials() {
                assert!(var.starts_with(&prefix), "{var} starts with {prefix}");
            }
        }
    }
}
