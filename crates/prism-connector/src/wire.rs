//! Helpers every connector needs for its wire format: bracket form encoding, JSON parsing that
//! survives odd answers, name splitting, country codes, and the common parts of error mapping.

use std::time::Duration;

use base64::Engine as _;
use prism_types::{Connector, Environment, Error, ErrorKind};
use serde::de::DeserializeOwned;

use crate::HttpResponse;

#[path = "iso3166.rs"]
mod iso3166;

/// Builds an `application/x-www-form-urlencoded` body with bracket notation for nested keys
/// (`metadata[plan]=premium`, `address[line1]=…`), as Stripe-style APIs expect.
#[derive(Debug, Default, Clone)]
pub struct FormEncoder {
    out: String,
}

impl FormEncoder {
    /// An empty body.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty body with room for `bytes` (saves the reallocations of a growing body).
    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            out: String::with_capacity(bytes),
        }
    }

    /// Appends `key=value`.
    pub fn push(&mut self, key: &str, value: &str) -> &mut Self {
        if !self.out.is_empty() {
            self.out.push('&');
        }
        encode_into(&mut self.out, key);
        self.out.push('=');
        encode_into(&mut self.out, value);
        self
    }

    /// Appends `key=value` when `value` is set.
    pub fn push_opt(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.push(key, v);
        }
        self
    }

    /// Appends `parent[child]=value`.
    pub fn push_nested(&mut self, parent: &str, child: &str, value: &str) -> &mut Self {
        if !self.out.is_empty() {
            self.out.push('&');
        }
        encode_into(&mut self.out, parent);
        self.out.push_str("%5B");
        encode_into(&mut self.out, child);
        self.out.push_str("%5D=");
        encode_into(&mut self.out, value);
        self
    }

    /// The encoded body.
    pub fn finish(self) -> String {
        self.out
    }
}

fn encode_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = s.as_bytes();
    // Runs of unreserved bytes are copied whole; only the others are escaped one by one.
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(b, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*') {
            continue;
        }
        // `start < i` only over unreserved ASCII, so both ends are char boundaries.
        if start < i {
            out.push_str(&s[start..i]);
        }
        if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
        start = i + 1;
    }
    if start < bytes.len() {
        out.push_str(&s[start..]);
    }
}

/// Percent-encodes `s` for a URL query value (`application/x-www-form-urlencoded` rules).
pub fn query_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_into(&mut out, s);
    out
}

/// Parses a JSON body into `T`, tolerating a byte-order mark; anything else (empty body, HTML,
/// truncated JSON, wrong shape) becomes `UnexpectedResponse` with the status and an excerpt.
pub fn parse_json<T: DeserializeOwned>(resp: &HttpResponse) -> Result<T, Error> {
    let body = resp.body_without_bom();
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::unexpected_response(resp.status, body, "empty body"));
    }
    serde_json::from_slice(body).map_err(|e| {
        let why = if body.first() == Some(&b'<') {
            "an HTML or XML page instead of JSON".to_owned()
        } else {
            format!("invalid JSON ({})", e.classify_name())
        };
        Error::unexpected_response(resp.status, body, why)
    })
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected shape",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

/// A fresh creation (not a replay) named by `id`; an empty or blank id is an
/// `UnexpectedResponse`, since nothing could later refer to that customer.
pub fn created(resp: &HttpResponse, id: String) -> Result<crate::CreatedCustomer, Error> {
    if id.trim().is_empty() {
        return Err(Error::unexpected_response(
            resp.status,
            &resp.body,
            "the customer has an empty id",
        ));
    }
    Ok(crate::CreatedCustomer {
        connector_customer_id: id,
        replayed: false,
    })
}

/// The kind a bare HTTP status means when the processor's body says nothing more specific.
pub fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        401 => ErrorKind::Authentication,
        403 => ErrorKind::PermissionDenied,
        422 => ErrorKind::InvalidRequest,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::ProcessorUnavailable,
        _ => ErrorKind::ProcessorError,
    }
}

/// An error for a processor's non-2xx (or error-in-2xx) answer, with the parts every connector
/// fills the same way: connector, HTTP status, request id (from `request_id_header`),
/// `Retry-After`, and retryability by kind (429 and 5xx).
pub fn processor_error(
    connector: Connector,
    resp: &HttpResponse,
    request_id_header: Option<&str>,
    kind: ErrorKind,
    code: Option<&str>,
    message: Option<&str>,
) -> Error {
    let text = match (code, message) {
        (_, Some(m)) => format!(
            "{} answered HTTP {}: {m}",
            connector.display_name(),
            resp.status
        ),
        (Some(c), None) => format!(
            "{} answered HTTP {} ({c})",
            connector.display_name(),
            resp.status
        ),
        (None, None) => format!("{} answered HTTP {}", connector.display_name(), resp.status),
    };
    let mut e = Error::new(kind, text)
        .with_connector(connector)
        .with_http_status(resp.status)
        .with_request_id(
            request_id_header
                .and_then(|h| resp.header(h))
                .map(str::to_owned),
        )
        .with_retry_after(retry_after(resp));
    if let Some(c) = code {
        e = e.with_connector_code(c);
    }
    if let Some(m) = message {
        e = e.with_connector_message(m);
    }
    e
}

/// The `Retry-After` header in seconds (the HTTP-date form is not used by any processor here and
/// is ignored).
pub fn retry_after(resp: &HttpResponse) -> Option<Duration> {
    let v = resp.header("retry-after")?.trim();
    v.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(86_400.0)))
}

/// Splits a full name into (first, last): the last word is the last name, the rest the first
/// name; a one-word name is a first name only.
pub fn split_name(full: &str) -> (&str, Option<&str>) {
    let full = full.trim();
    match full.rsplit_once(char::is_whitespace) {
        Some((first, last)) => (first.trim_end(), Some(last)),
        None => (full, None),
    }
}

/// ISO 3166-1 alpha-3 for an alpha-2 code (case-insensitive), e.g. `US` → `USA`.
pub fn country_alpha3(alpha2: &str) -> Option<&'static str> {
    let a = alpha2.to_ascii_uppercase();
    iso3166::ALPHA2_TO_ALPHA3
        .binary_search_by(|(k, _)| (*k).cmp(a.as_str()))
        .ok()
        .map(|i| iso3166::ALPHA2_TO_ALPHA3[i].1)
}

/// Whether `code` is an assigned ISO 3166-1 alpha-2 code (upper case).
pub fn is_country_alpha2(code: &str) -> bool {
    iso3166::ALPHA2_TO_ALPHA3
        .binary_search_by(|(k, _)| (*k).cmp(code))
        .is_ok()
}

/// The digits of a phone number, with a leading `+` kept (E.164-like), e.g.
/// `+1-555-123-4567` → `+15551234567`.
pub fn phone_e164ish(phone: &str) -> String {
    let mut out = String::with_capacity(phone.len());
    if phone.trim_start().starts_with('+') {
        out.push('+');
    }
    out.extend(phone.chars().filter(char::is_ascii_digit));
    out
}

/// The `Authorization` value of HTTP Basic auth (RFC 7617): `Basic base64(user:password)`.
pub fn basic_auth(user: &str, password: &str) -> String {
    let raw = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw.as_bytes())
    )
}

/// Decodes unpadded base64url (JWT segments); `None` when malformed.
pub fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .ok()
}

/// Checks a credential's shape before anything is sent: not empty, no white space or control
/// characters. `what` names it in the error (`"stripe API key"`); the value is never shown.
pub fn check_credential(what: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::configuration(format!("{what} is empty")));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::configuration(format!(
            "{what} contains white space or control characters"
        )));
    }
    Ok(())
}

/// For processors whose secret keys carry their mode (`sk_test_…` / `sk_live_…`): rejects a live
/// key with `Sandbox`, a test key with `Production`, and a publishable key anywhere.
pub fn check_key_mode(
    connector: Connector,
    key: &str,
    env: Environment,
    live_prefixes: &[&str],
    test_prefixes: &[&str],
    public_prefixes: &[&str],
) -> Result<(), Error> {
    fn starts<'p>(key: &str, ps: &[&'p str]) -> Option<&'p str> {
        ps.iter().find(|p| key.starts_with(**p)).copied()
    }
    if let Some(p) = starts(key, public_prefixes) {
        return Err(Error::configuration(format!(
            "{connector}: a publishable key ({p}…) cannot create customers; use a secret key"
        )));
    }
    match (env, starts(key, live_prefixes), starts(key, test_prefixes)) {
        (Environment::Sandbox, Some(p), _) => Err(Error::configuration(format!(
            "{connector}: a live key ({p}…) was given with Environment::Sandbox; use a test key or Environment::Production"
        ))),
        (Environment::Production, _, Some(p)) => Err(Error::configuration(format!(
            "{connector}: a test key ({p}…) was given with Environment::Production; use a live key or Environment::Sandbox"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_uses_brackets_and_escapes() {
        let mut f = FormEncoder::new();
        f.push("email", "a+b@example.com")
            .push_nested("metadata", "plan", "pro & co")
            .push("name", "John Doe");
        assert_eq!(
            f.finish(),
            "email=a%2Bb%40example.com&metadata%5Bplan%5D=pro+%26+co&name=John+Doe"
        );
    }

    #[test]
    fn encoding_handles_any_text() {
        assert_eq!(query_encode("é ü+ü"), "%C3%A9+%C3%BC%2B%C3%BC");
        assert_eq!(query_encode("ab"), "ab");
        assert_eq!(query_encode(""), "");
        assert_eq!(query_encode("日本"), "%E6%97%A5%E6%9C%AC");
        assert_eq!(query_encode("x日"), "x%E6%97%A5");
    }

    #[test]
    fn names_split_on_last_word() {
        assert_eq!(split_name("John Doe"), ("John", Some("Doe")));
        assert_eq!(split_name("Mary Ann  Smith "), ("Mary Ann", Some("Smith")));
        assert_eq!(split_name("Cher"), ("Cher", None));
    }

    #[test]
    fn countries() {
        assert_eq!(country_alpha3("us"), Some("USA"));
        assert_eq!(country_alpha3("GB"), Some("GBR"));
        assert_eq!(country_alpha3("XX"), None);
        assert!(is_country_alpha2("DE") && !is_country_alpha2("de"));
    }

    #[test]
    fn odd_bodies_are_typed_errors() {
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct T {
            id: String,
        }
        for body in [
            &b""[..],
            b"<html>502</html>",
            b"{\"id\":",
            b"\xEF\xBB\xBF",
            b"[1]",
        ] {
            let r = HttpResponse::new(200, vec![], body.to_vec());
            let e = parse_json::<T>(&r).err().expect("error");
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
        }
        let ok = HttpResponse::new(200, vec![], b"\xEF\xBB\xBF{\"id\":\"x\"}".to_vec());
        assert!(parse_json::<T>(&ok).is_ok());
    }

    #[test]
    fn basic_auth_and_base64url() {
        // RFC 7617 §2 example.
        assert_eq!(
            basic_auth("Aladdin", "open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(basic_auth("sk_test_x", ""), "Basic c2tfdGVzdF94Og==");
        assert_eq!(base64url_decode("-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(base64url_decode("Zm9v"), Some(b"foo".to_vec()));
        assert_eq!(base64url_decode("!!"), None);
    }

    #[test]
    fn credential_and_mode_checks() {
        assert!(check_credential("k", "abc").is_ok());
        assert!(check_credential("k", " ").is_err());
        assert!(check_credential("k", "a b").is_err());
        let m = |k, e| {
            check_key_mode(
                Connector::Stripe,
                k,
                e,
                &["sk_live_"],
                &["sk_test_"],
                &["pk_"],
            )
            .is_ok()
        };
        assert!(m("sk_test_1", Environment::Sandbox) && m("sk_live_1", Environment::Production));
        assert!(!m("sk_live_1", Environment::Sandbox) && !m("sk_test_1", Environment::Production));
        assert!(!m("pk_test_1", Environment::Sandbox));
        assert!(m("other", Environment::Production));
    }

    #[test]
    fn phone_normalisation() {
        assert_eq!(phone_e164ish("+1 (555) 123-4567"), "+15551234567");
        assert_eq!(phone_e164ish("555.123.4567"), "5551234567");
    }

    proptest::proptest! {
        #[test]
        fn form_encoding_round_trips(k in "\\PC{0,20}", v in "\\PC{0,40}") {
            let mut f = FormEncoder::new();
            f.push(&k, &v).push_nested("metadata", &k, &v);
            let decoded: Vec<(String, String)> = serde_urlencoded::from_str(&f.finish()).expect("decodes");
            proptest::prop_assert_eq!(decoded, vec![(k.clone(), v.clone()), (format!("metadata[{k}]"), v)]);
        }
    }
}
