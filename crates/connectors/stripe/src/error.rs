//! Stripe error answers → Prism errors. The table is in docs.md ("Error mapping").

use prism_connector::parse::{kind_for_status, processor_error};
use prism_connector::types::{Connector, Error, ErrorKind, FieldError};
use prism_connector::HttpResponse;

use crate::models::{ApiError, ErrorEnvelope};

/// Maps a non-2xx Stripe answer. `key_is_reference_derived` tells whether the idempotency key was
/// derived from the merchant reference (then an `idempotency_error` means this reference was
/// already used with other parameters: a duplicate).
pub(crate) fn parse_error(resp: &HttpResponse, key_is_reference_derived: bool) -> Error {
    let parsed: Option<ApiError> = serde_json::from_slice::<ErrorEnvelope>(resp.body_without_bom())
        .ok()
        .map(|e| e.error);
    let api = parsed.unwrap_or_default();
    let kind = classify(resp.status, &api, key_is_reference_derived);
    let code = api.code.as_deref().or(api.kind.as_deref());
    let mut err = processor_error(
        Connector::Stripe,
        resp,
        Some("request-id"),
        kind,
        code,
        api.message.as_deref(),
    );
    if kind == ErrorKind::InvalidRequest {
        if let Some(param) = &api.param {
            err = err.with_field_error(FieldError::new(
                stripe_param_to_field(param),
                api.code.clone().unwrap_or_else(|| "rejected".into()),
                "rejected by Stripe",
            ));
        }
    }
    // Stripe's explicit retry signal wins over the status (stripe-node `_shouldRetry`).
    let retryable = match resp.header("stripe-should-retry") {
        Some(v) if v.eq_ignore_ascii_case("true") => true,
        Some(v) if v.eq_ignore_ascii_case("false") => false,
        _ => matches!(resp.status, 409 | 429) || resp.status >= 500,
    };
    err.with_retryable(retryable && kind != ErrorKind::AlreadyExists)
}

fn classify(status: u16, api: &ApiError, key_is_reference_derived: bool) -> ErrorKind {
    match (status, api.kind.as_deref()) {
        (400 | 404, Some("idempotency_error")) if key_is_reference_derived => {
            ErrorKind::AlreadyExists
        }
        (400 | 404, Some("idempotency_error")) => ErrorKind::ProcessorError,
        // A publishable key, or a key of the other mode: the credentials are wrong, not the data.
        (400, _)
            if matches!(
                api.code.as_deref(),
                Some("secret_key_required" | "livemode_mismatch")
            ) =>
        {
            ErrorKind::Authentication
        }
        (400, Some("invalid_request_error")) => ErrorKind::InvalidRequest,
        // A 409 is a lock or key-in-flight conflict: a retry signal, never AlreadyExists.
        (409, _) => ErrorKind::ProcessorError,
        (429, _) => ErrorKind::RateLimited,
        _ => kind_for_status(status),
    }
}

/// `address[line1]` → `address.line1`; `metadata[k]` → `metadata.k`.
fn stripe_param_to_field(param: &str) -> String {
    param.replace("][", ".").replace('[', ".").replace(']', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str, headers: &[(&str, &str)]) -> HttpResponse {
        HttpResponse::new(
            status,
            headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body.as_bytes().to_vec(),
        )
    }

    fn err(status: u16, ty: &str, code: &str) -> Error {
        let body = format!(r#"{{"error":{{"type":"{ty}","code":"{code}","message":"m"}}}}"#);
        parse_error(&resp(status, &body, &[("Request-Id", "req_1")]), true)
    }

    #[test]
    fn mapping_table() {
        let cases = [
            (
                400,
                "invalid_request_error",
                "email_invalid",
                ErrorKind::InvalidRequest,
                false,
            ),
            (
                400,
                "idempotency_error",
                "",
                ErrorKind::AlreadyExists,
                false,
            ),
            (
                401,
                "invalid_request_error",
                "",
                ErrorKind::Authentication,
                false,
            ),
            (
                400,
                "invalid_request_error",
                "secret_key_required",
                ErrorKind::Authentication,
                false,
            ),
            (
                400,
                "invalid_request_error",
                "livemode_mismatch",
                ErrorKind::Authentication,
                false,
            ),
            (424, "api_error", "", ErrorKind::ProcessorError, false),
            (
                402,
                "card_error",
                "card_declined",
                ErrorKind::ProcessorError,
                false,
            ),
            (
                403,
                "invalid_request_error",
                "",
                ErrorKind::PermissionDenied,
                false,
            ),
            (
                404,
                "invalid_request_error",
                "resource_missing",
                ErrorKind::ProcessorError,
                false,
            ),
            (
                409,
                "idempotency_error",
                "idempotency_key_in_use",
                ErrorKind::ProcessorError,
                true,
            ),
            (
                429,
                "invalid_request_error",
                "lock_timeout",
                ErrorKind::RateLimited,
                true,
            ),
            (
                429,
                "invalid_request_error",
                "rate_limit",
                ErrorKind::RateLimited,
                true,
            ),
            (500, "api_error", "", ErrorKind::ProcessorUnavailable, true),
            (503, "api_error", "", ErrorKind::ProcessorUnavailable, true),
        ];
        for (status, ty, code, kind, retry) in cases {
            let e = err(status, ty, code);
            assert_eq!(
                (e.kind(), e.is_retryable()),
                (kind, retry),
                "{status} {ty} {code}"
            );
            assert_eq!(e.request_id(), Some("req_1"));
        }
        assert_eq!(
            err(409, "idempotency_error", "idempotency_key_in_use").status_code(),
            Some(409)
        );
    }

    #[test]
    fn caller_key_mismatch_is_not_a_duplicate() {
        let body = r#"{"error":{"type":"idempotency_error","message":"Keys for idempotent requests can only be used with the same parameters"}}"#;
        let e = parse_error(&resp(400, body, &[]), false);
        assert_eq!(e.kind(), ErrorKind::ProcessorError);
    }

    #[test]
    fn should_retry_header_wins() {
        let e = parse_error(&resp(500, "{}", &[("Stripe-Should-Retry", "false")]), true);
        assert!(!e.is_retryable());
        let e = parse_error(&resp(400, "{}", &[("Stripe-Should-Retry", "true")]), true);
        assert!(e.is_retryable());
    }

    #[test]
    fn param_becomes_field_path() {
        let body = r#"{"error":{"type":"invalid_request_error","code":"email_invalid","param":"email","message":"Invalid email address: a@b"}}"#;
        let e = parse_error(&resp(400, body, &[]), true);
        assert_eq!(e.field_errors()[0].field, "email");
        assert_eq!(stripe_param_to_field("address[line1]"), "address.line1");
    }

    #[test]
    fn odd_bodies_never_panic() {
        for body in [
            "",
            "<html>oops</html>",
            "\u{feff}{",
            "null",
            "{\"error\":7}",
        ] {
            for status in [400, 401, 429, 500, 502] {
                let e = parse_error(&resp(status, body, &[]), true);
                assert_eq!(e.http_status(), Some(status));
            }
        }
    }
}
