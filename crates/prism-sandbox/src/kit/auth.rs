//! Credential extractors: `Authorization: Bearer`, `Authorization: Basic`, custom headers and
//! credentials carried in a JSON body. They only extract; each emulator decides what it accepts
//! and answers a refusal in its processor's shape.

use axum::http::{header, HeaderMap};
use serde_json::Value;

/// A header's value, trimmed; `None` when absent, not text, or blank.
pub(crate) fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)?
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The `Content-Type`, lowercased; `""` when absent.
pub(crate) fn content_type(headers: &HeaderMap) -> String {
    header(headers, header::CONTENT_TYPE.as_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The credentials of `Authorization: <scheme> <credentials>` (scheme case-insensitive),
/// trimmed; `None` for another scheme or no header.
fn authorization<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let (given, rest) = header(headers, header::AUTHORIZATION.as_str())?.split_once(' ')?;
    given.eq_ignore_ascii_case(scheme).then(|| rest.trim())
}

/// The token of `Authorization: Bearer <token>`; `None` when absent or empty.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    authorization(headers, "bearer").filter(|t| !t.is_empty())
}

/// `(user, password)` of `Authorization: Basic base64(user:password)`; the password is `None`
/// when the decoded text has no colon. `None` when absent or not valid base64 / UTF-8.
pub(crate) fn basic(headers: &HeaderMap) -> Option<(String, Option<String>)> {
    let decoded = String::from_utf8(base64_decode(authorization(headers, "basic")?)?).ok()?;
    Some(match decoded.split_once(':') {
        Some((user, password)) => (user.to_owned(), Some(password.to_owned())),
        None => (decoded, None),
    })
}

/// The user of `Authorization: Basic base64(user:…)` when not empty: the API key of processors
/// that take the key as the Basic user (Stripe, Shift4).
pub(crate) fn basic_user(headers: &HeaderMap) -> Option<String> {
    basic(headers)
        .map(|(user, _)| user)
        .filter(|u| !u.is_empty())
}

/// Credentials carried in the body: the string members `fields` of the object at `pointer`
/// (a JSON pointer, e.g. `/merchantAuthentication`), each `None` when absent or not a string.
pub(crate) fn in_body<'a, const N: usize>(
    body: &'a Value,
    pointer: &str,
    fields: [&str; N],
) -> [Option<&'a str>; N] {
    let object = body.pointer(pointer);
    fields.map(|f| object.and_then(|o| o.get(f)).and_then(Value::as_str))
}

/// Decodes standard base64 (with or without padding); `None` when malformed.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(s.trim().trim_end_matches('='))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with_auth(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, value.parse().expect("header"));
        h
    }

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
    fn extractors() {
        assert_eq!(bearer(&with_auth("Bearer  tok ")), Some("tok"));
        assert_eq!(bearer(&with_auth("bearer tok")), Some("tok"));
        assert_eq!(bearer(&with_auth("Bearer ")), None);
        assert_eq!(bearer(&with_auth("Basic dG9r")), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
        // "user:pass", "key:" and "key" (no colon).
        assert_eq!(
            basic(&with_auth("Basic dXNlcjpwYXNz")),
            Some(("user".into(), Some("pass".into())))
        );
        assert_eq!(
            basic_user(&with_auth("basic c2tfdGVzdF94Og==")).as_deref(),
            Some("sk_test_x")
        );
        assert_eq!(basic(&with_auth("Basic a2V5")), Some(("key".into(), None)));
        assert_eq!(basic_user(&with_auth("Basic OnBhc3M=")), None);
        assert_eq!(basic(&with_auth("Basic !!!")), None);
        assert_eq!(basic(&with_auth("Bearer a2V5")), None);
        let body = json!({"auth": {"name": "n", "key": 1}});
        assert_eq!(
            in_body(&body, "/auth", ["name", "key", "x"]),
            [Some("n"), None, None]
        );
        assert_eq!(in_body(&body, "/none", ["name"]), [None]);
    }
}
