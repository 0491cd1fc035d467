//! The login pre-step: `POST /api/v1/authentication/login` with `x-client-id` / `x-api-key`
//! → `{"token", "expires_at"}` (docs.md, "Endpoint and authentication"). The executor runs it,
//! caches the token until shortly before it expires, and on a 401 from create drops the cache and
//! logs in again once.

use prism_connector::parse::parse_json;
use prism_connector::types::Error;
use prism_connector::{AccessToken, Body, HttpRequest, HttpResponse};
use secrecy::{ExposeSecret, SecretString};

use crate::models::LoginAnswer;
use crate::{AirwallexConfig, API_VERSION, LOGIN_PATH};
use prism_connector::time::{jwt_expiry, parse_timestamp};

/// The login request: no body; both credential headers are sensitive.
pub(crate) fn login_request(config: &AirwallexConfig) -> HttpRequest {
    HttpRequest::post(LOGIN_PATH, Body::Empty)
        .sensitive_header("x-client-id", config.client_id.expose_secret())
        .sensitive_header("x-api-key", config.api_key.expose_secret())
        .header("x-api-version", API_VERSION)
        .header("Accept", "application/json")
}

/// Reads the login answer. The expiry comes from `expires_at`; if that cannot be read, from the
/// token's own JWT `exp` claim; if neither can be read the token is returned without an expiry
/// (the executor then keeps it until Airwallex answers 401, drops it and logs in again once).
pub(crate) fn parse_login(resp: &HttpResponse) -> Result<AccessToken, Error> {
    // The excerpt of a body that fails to parse is dropped: it may hold (part of) a token.
    let LoginAnswer { token, expires_at } = parse_json(resp).map_err(|_: Error| {
        Error::unexpected_response(
            resp.status,
            b"",
            "the login answer is not the documented {token, expires_at} JSON",
        )
    })?;
    let token = token.trim();
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::unexpected_response(
            resp.status,
            b"",
            "the login answer has no usable token",
        ));
    }
    let expires_at = expires_at
        .as_ref()
        .and_then(serde_json::Value::as_str)
        .and_then(parse_timestamp)
        .or_else(|| jwt_expiry(token));
    Ok(AccessToken {
        token: SecretString::from(token.to_owned()),
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    //! The login itself (headers, one token for many creates, a renewal after a 401) is the
    //! behaviour suite's `token_step`; `login.json` is read by the fixture test.
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::error::tests::fixture;
    use prism_connector::types::ErrorKind;
    use prism_testkit::leaks::assert_request_hides;

    const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpYXQiOjE2MjQwMDAwMDAsImV4cCI6MTYyNDAwMTgwMH0.x";

    fn login(body: &str) -> Result<AccessToken, Error> {
        parse_login(&HttpResponse::new(201, vec![], body.to_owned()))
    }

    #[test]
    fn the_login_request_hides_both_credentials() {
        let r = login_request(&AirwallexConfig::new("client_abc", "key_xyz"));
        assert_eq!(r.header_value("x-api-key"), Some("key_xyz"));
        assert_request_hides(&r, ["client_abc", "key_xyz"]);
    }

    #[test]
    fn expiry_from_expires_at_else_the_jwt_exp() {
        let at = |secs| Some(UNIX_EPOCH + Duration::from_secs(secs));
        let documented = parse_login(&fixture("login")).expect("token");
        assert_eq!(documented.expires_at, at(1_624_033_800));
        let soon = login(&format!(r#"{{"token":"{JWT}","expires_at":"soon"}}"#));
        assert_eq!(soon.expect("token").expires_at, at(1_624_001_800));
        let opaque = login(r#"{"token":"opaque","expires_at":12}"#);
        assert_eq!(opaque.expect("token").expires_at, None);
    }

    #[test]
    fn odd_login_answers_are_typed_errors() {
        for body in [
            "",
            "<html></html>",
            "null",
            "{}",
            r#"{"token":""}"#,
            r#"{"token":7}"#,
            r#"{"token":"a b"}"#,
            r#"{"token":"secret-tok"#,
        ] {
            let e = login(body).expect_err(body);
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse, "{body}");
            assert!(!format!("{e} {e:?}").contains("secret-tok"));
        }
        assert!(login("\u{feff}{\"token\":\"t\"}").is_ok());
    }
}
