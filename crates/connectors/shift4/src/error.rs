//! Shift4 error answers → Prism errors. The table is in docs.md ("Error mapping (as implemented)").

use prism_connector::parse::{kind_for_status, processor_error};
use prism_connector::types::{Connector, Error, ErrorKind, FieldError};
use prism_connector::HttpResponse;

use crate::models::{ApiError, ErrorEnvelope};
use crate::IDEMPOTENCY_MISMATCH_MESSAGE;

/// Maps a non-2xx Shift4 answer. `key_is_reference_derived` tells whether the idempotency key was
/// derived from the merchant reference (then a key-mismatch error means this reference was
/// already used with other parameters: a duplicate).
pub(crate) fn parse_error(resp: &HttpResponse, key_is_reference_derived: bool) -> Error {
    let api: ApiError = serde_json::from_slice::<ErrorEnvelope>(resp.body_without_bom())
        .ok()
        .map(|e| e.error)
        .unwrap_or_default();
    let mismatch = is_key_mismatch(&api);
    let kind = classify(resp.status, &api, mismatch, key_is_reference_derived);
    let code = api.code.as_deref().or(api.kind.as_deref());
    let mut err = processor_error(
        Connector::Shift4,
        resp,
        None,
        kind,
        code,
        api.message.as_deref(),
    );
    if kind == ErrorKind::AlreadyExists {
        // Shift4 does not say which customer the first request created.
        err = err.with_message(
            "a customer with this merchant_customer_id was already created at this Shift4 account with different data \
             (Shift4 refused the reused reference-derived Idempotency-Key); its id is not returned by Shift4",
        );
    }
    if kind == ErrorKind::InvalidRequest {
        if let Some(field) = api.message.as_deref().and_then(message_field) {
            err = err.with_field_error(FieldError::new(field, "rejected", "rejected by Shift4"));
        }
    }
    // 429 and 5xx are retried with the same Idempotency-Key; nothing else can succeed unchanged.
    let retryable = matches!(
        kind,
        ErrorKind::RateLimited | ErrorKind::ProcessorUnavailable
    );
    err.with_retryable(retryable)
}

fn is_key_mismatch(api: &ApiError) -> bool {
    api.message.as_deref().is_some_and(|m| {
        let m = m.trim();
        m.eq_ignore_ascii_case(IDEMPOTENCY_MISMATCH_MESSAGE)
            || m.to_ascii_lowercase()
                .starts_with("idempotent key used for request with different parameters")
    })
}

fn classify(
    status: u16,
    api: &ApiError,
    mismatch: bool,
    key_is_reference_derived: bool,
) -> ErrorKind {
    match (status, api.kind.as_deref()) {
        (400..=499, _) if mismatch && key_is_reference_derived => ErrorKind::AlreadyExists,
        (400..=499, _) if mismatch => ErrorKind::ProcessorError,
        (401, _) => ErrorKind::Authentication,
        (403, _) => ErrorKind::PermissionDenied,
        (429, _) | (400..=499, Some("rate_limit_error")) => ErrorKind::RateLimited,
        (400, Some("invalid_request")) => ErrorKind::InvalidRequest,
        _ => kind_for_status(status),
    }
}

/// `"email: Must not be empty."` → `email` (only for fields Prism sends).
fn message_field(message: &str) -> Option<&'static str> {
    let (field, _) = message.split_once(':')?;
    match field.trim() {
        "email" => Some("email"),
        "description" => Some("description"),
        f if f.starts_with("metadata") => Some("metadata"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(
            status,
            vec![(
                "Content-Type".into(),
                "application/json;charset=UTF-8".into(),
            )],
            body.as_bytes().to_vec(),
        )
    }

    fn err(status: u16, ty: &str, message: &str) -> Error {
        let body = format!(r#"{{"error":{{"type":"{ty}","message":"{message}"}}}}"#);
        parse_error(&resp(status, &body), true)
    }

    #[test]
    fn mapping_table() {
        let cases = [
            (
                400,
                "invalid_request",
                IDEMPOTENCY_MISMATCH_MESSAGE,
                ErrorKind::AlreadyExists,
                false,
            ),
            (
                400,
                "invalid_request",
                "email: Must not be empty.",
                ErrorKind::InvalidRequest,
                false,
            ),
            (
                400,
                "gateway_error",
                "odd",
                ErrorKind::ProcessorError,
                false,
            ),
            (
                401,
                "invalid_request",
                "Provided API key is invalid",
                ErrorKind::Authentication,
                false,
            ),
            (
                402,
                "card_error",
                "card declined",
                ErrorKind::ProcessorError,
                false,
            ),
            (
                403,
                "invalid_request",
                "forbidden",
                ErrorKind::PermissionDenied,
                false,
            ),
            (
                404,
                "invalid_request",
                "Customer '1' does not exist",
                ErrorKind::ProcessorError,
                false,
            ),
            (
                409,
                "invalid_request",
                "conflict",
                ErrorKind::ProcessorError,
                false,
            ),
            (
                429,
                "rate_limit_error",
                "Too many requests",
                ErrorKind::RateLimited,
                true,
            ),
            (
                400,
                "rate_limit_error",
                "Too many requests",
                ErrorKind::RateLimited,
                true,
            ),
            (
                500,
                "gateway_error",
                "Something went wrong",
                ErrorKind::ProcessorUnavailable,
                true,
            ),
            (
                502,
                "gateway_error",
                "",
                ErrorKind::ProcessorUnavailable,
                true,
            ),
            (
                503,
                "gateway_error",
                "",
                ErrorKind::ProcessorUnavailable,
                true,
            ),
            (
                504,
                "gateway_error",
                "",
                ErrorKind::ProcessorUnavailable,
                true,
            ),
        ];
        for (status, ty, msg, kind, retry) in cases {
            let e = err(status, ty, msg);
            assert_eq!(
                (e.kind(), e.is_retryable()),
                (kind, retry),
                "{status} {ty} {msg}"
            );
            assert_eq!(e.http_status(), Some(status));
            assert_eq!(e.connector(), Some(Connector::Shift4));
        }
    }

    #[test]
    fn key_mismatch_is_a_duplicate_only_for_reference_derived_keys() {
        let body = r#"{"error":{"type":"invalid_request","message":"Idempotent key used for request with different parameters."}}"#;
        let e = parse_error(&resp(400, body), true);
        assert_eq!(e.kind(), ErrorKind::AlreadyExists);
        assert_eq!(e.status_code(), Some(409));
        assert_eq!(e.existing_customer_id(), None);
        assert_eq!(e.connector_message(), Some(IDEMPOTENCY_MISMATCH_MESSAGE));
        assert!(!e.is_retryable());
        let e = parse_error(&resp(400, body), false);
        assert_eq!(e.kind(), ErrorKind::ProcessorError);
        assert!(!e.is_retryable());
    }

    #[test]
    fn validation_message_names_the_field() {
        let e = err(400, "invalid_request", "email: Must not be empty.");
        assert_eq!(e.status_code(), Some(422));
        assert_eq!(e.field_errors()[0].field, "email");
        assert_eq!(e.connector_code(), Some("invalid_request"));
        assert_eq!(e.connector_message(), Some("email: Must not be empty."));
        assert!(err(400, "invalid_request", "Something else")
            .field_errors()
            .is_empty());
        assert_eq!(message_field("metadata[plan]: too long"), Some("metadata"));
    }

    #[test]
    fn card_code_wins_over_type() {
        let body = r#"{"error":{"type":"card_error","code":"card_declined","message":"The card was declined.","chargeId":"char_1"}}"#;
        let e = parse_error(&resp(402, body), true);
        assert_eq!(e.connector_code(), Some("card_declined"));
        let body = r#"{"error":{"type":"card_error","code":null,"message":"m"}}"#;
        assert_eq!(
            parse_error(&resp(402, body), true).connector_code(),
            Some("card_error")
        );
    }

    #[test]
    fn odd_bodies_never_panic() {
        let huge = "x".repeat(2_000_000);
        for body in [
            "",
            "<html>502 Bad Gateway</html>",
            "\u{feff}{",
            "\u{feff}{\"error\":{\"type\":\"invalid_request\",\"message\":\"email: Must not be empty.\"}}",
            "null",
            "{\"error\":7}",
            "{\"error\":null}",
            "{\"error\":{\"type\":7}}",
            "{\"error\":{\"message\":\"x\"",
            huge.as_str(),
        ] {
            for status in [400, 401, 402, 404, 429, 500, 502, 503] {
                let e = parse_error(&resp(status, body), true);
                assert_eq!(e.http_status(), Some(status));
                assert_eq!(e.is_retryable(), status == 429 || status >= 500);
            }
        }
        // Unparseable 400: not claimed to be a data rejection.
        assert_eq!(
            parse_error(&resp(400, "<html/>"), true).kind(),
            ErrorKind::ProcessorError
        );
        // BOM-prefixed JSON is still read.
        let e = parse_error(&resp(400, "\u{feff}{\"error\":{\"type\":\"invalid_request\",\"message\":\"email: Must not be empty.\"}}"), true);
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    }
}
