//! Checkout.com error answers → Prism errors. The table is in docs.md ("Error mapping (as
//! implemented)").
//!
//! Errors are `{request_id, error_type, error_codes[]}` (API reference `ValidationError`), some
//! carry `message`, and 401, 429 and 5xx often come with no body at all: the kind is decided by
//! the HTTP status, the body only adds the code, the message, field paths and the request id.

use prism_connector::parse::{kind_for_status, processor_error};
use prism_connector::types::{Connector, Error, ErrorKind, FieldError};
use prism_connector::HttpResponse;
use serde_json::{Map, Value};

use crate::REQUEST_ID_HEADER;

/// Longest processor text kept (a huge body is cut).
const TEXT_MAX: usize = 300;
/// Most error codes kept.
const CODES_MAX: usize = 20;
/// OAuth token errors the official SDKs read as authentication failures (400).
const OAUTH_AUTH_ERRORS: [&str; 5] = [
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "access_denied",
    "invalid_context",
];

/// Maps a non-2xx Checkout.com answer.
pub(crate) fn parse_error(resp: &HttpResponse) -> Error {
    let body = serde_json::from_slice::<Value>(resp.body_without_bom()).ok();
    let empty = Map::new();
    let obj = body.as_ref().and_then(Value::as_object).unwrap_or(&empty);
    let text = |k: &str| obj.get(k).and_then(Value::as_str).map(cut);
    let codes: Vec<String> = obj
        .get("error_codes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .take(CODES_MAX)
                .map(cut)
                .collect()
        })
        .unwrap_or_default();
    let oauth = text("error");
    let kind = match resp.status {
        400 if oauth
            .as_deref()
            .is_some_and(|e| OAUTH_AUTH_ERRORS.contains(&e)) =>
        {
            ErrorKind::Authentication
        }
        status => kind_for_status(status),
    };
    let code = if codes.is_empty() {
        text("error_type").or(oauth)
    } else {
        Some(cut(&codes.join(", ")))
    };
    let message = text("message")
        .or_else(|| text("error_description"))
        .or_else(|| text("error_type"));
    let mut err = processor_error(
        Connector::Checkout,
        resp,
        Some(REQUEST_ID_HEADER),
        kind,
        code.as_deref(),
        message.as_deref(),
    );
    if err.request_id().is_none() {
        err = err.with_request_id(text("request_id"));
    }
    if kind == ErrorKind::InvalidRequest {
        for c in &codes {
            if let Some(f) = field_error(c) {
                err = err.with_field_error(f);
            }
        }
    }
    err
}

/// The Prism field an error code names by its prefix (`email_invalid` → `email`); `None` for
/// codes about no request field. Checkout.com's customer codes are undocumented (docs.md
/// "Unverified"): only the prefix is read.
fn field_error(code: &str) -> Option<FieldError> {
    let bare = code.strip_prefix("customer_").unwrap_or(code);
    let field = ["email", "name", "phone", "metadata"]
        .into_iter()
        .find(|f| bare.starts_with(&format!("{f}_")))?;
    let taken = field == "email" && (bare.contains("exist") || bare.contains("duplicate"));
    let message = if taken {
        // Not AlreadyExists: the email says nothing about merchant_customer_id (SPEC §4).
        format!("Checkout.com refused it ({code}): the email already belongs to another customer of this account")
    } else {
        format!("Checkout.com refused it ({code})")
    };
    Some(FieldError::new(field, "rejected_by_processor", message))
}

fn cut(s: &str) -> String {
    match s.char_indices().nth(TEXT_MAX) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    //! The documented replies are read by `tests/tests/fixtures.rs` against their `expect`; these
    //! are the statuses and body shapes no fixture shows.
    use super::*;

    fn parse(status: u16, headers: &[(&str, &str)], body: &str) -> Error {
        let headers = headers
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        parse_error(&HttpResponse::new(
            status,
            headers,
            body.as_bytes().to_vec(),
        ))
    }

    #[test]
    fn mapping_table() {
        for (status, body, kind, retryable) in [
            (
                400,
                r#"{"error":"invalid_client"}"#,
                "authentication",
                false,
            ),
            (
                400,
                r#"{"error_type":"request_invalid"}"#,
                "processor_error",
                false,
            ),
            (401, "", "authentication", false),
            (
                403,
                r#"{"error_type":"action_not_allowed"}"#,
                "permission_denied",
                false,
            ),
            (404, "", "processor_error", false),
            (409, "{}", "processor_error", false),
            (
                422,
                r#"{"error_type":"request_invalid"}"#,
                "invalid_request",
                false,
            ),
            (429, "", "rate_limited", true),
            (500, "", "processor_unavailable", true),
            (502, "<html>502</html>", "processor_unavailable", true),
            (503, "", "processor_unavailable", true),
        ] {
            let e = parse(status, &[], body);
            let got = (e.kind().as_str(), e.is_retryable(), e.http_status());
            assert_eq!(got, (kind, retryable, Some(status)), "{status} {body}");
            assert_eq!(e.connector(), Some(Connector::Checkout));
        }
    }

    #[test]
    fn codes_become_fields_and_the_request_id_is_kept() {
        let body = r#"{"request_id":"0HL80RJLS76I7","error_type":"request_invalid",
            "error_codes":["email_invalid","phone_number_invalid","metadata_invalid","name_invalid","processing_channel_id_required"]}"#;
        let e = parse(422, &[], body);
        let mut fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["email", "metadata", "name", "phone"]);
        assert_eq!(e.request_id(), Some("0HL80RJLS76I7"));
        assert!(e
            .connector_code()
            .is_some_and(|c| c.starts_with("email_invalid, ")));
        assert_eq!(e.connector_message(), Some("request_invalid"));
        // The header wins over the body.
        let e = parse(422, &[("Cko-Request-Id", "0HM3MI9LCAB4D:00000003")], body);
        assert_eq!(e.request_id(), Some("0HM3MI9LCAB4D:00000003"));
        // An email another customer already has: InvalidRequest on `email`, never AlreadyExists.
        let taken =
            r#"{"error_type":"request_invalid","error_codes":["customer_email_already_exists"]}"#;
        let e = parse(422, &[], taken);
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert_eq!(e.field_errors()[0].field, "email");
        assert!(e.field_errors()[0].message.contains("another customer"));
    }

    #[test]
    fn odd_bodies_never_panic() {
        let huge = "x".repeat(1 << 20);
        let huge_json = format!(r#"{{"error_type":"{huge}","error_codes":["{huge}"]}}"#);
        for body in [
            "",
            "null",
            "7",
            "\u{feff}{",
            r#"{"error_codes":"email_invalid"}"#,
            r#"{"error_codes":[1,null,{"a":2}],"error_type":7}"#,
            "<html>oops</html>",
            &huge,
            &huge_json,
        ] {
            for status in [400, 401, 403, 422, 429, 500] {
                let e = parse(status, &[], body);
                assert_eq!(e.http_status(), Some(status));
                let short = |m: &str| m.chars().count() <= TEXT_MAX + 1;
                assert!(e.connector_message().is_none_or(short));
                assert!(e.connector_code().is_none_or(short));
            }
        }
        let bom = parse(403, &[], "\u{feff}{\"error_type\":\"action_not_allowed\"}");
        assert_eq!(bom.connector_code(), Some("action_not_allowed"));
    }
}
