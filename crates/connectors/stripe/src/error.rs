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
    //! The documented replies (400 invalid email and idempotency mismatch with either key, 401,
    //! 403, 409 key in use, 429 rate limit and lock timeout, 500 with `Stripe-Should-Retry:
    //! false`) are read by `tests/tests/fixtures.rs` against their `expect`; these are the codes
    //! and statuses no fixture shows.
    use super::*;

    fn parse(status: u16, body: &str, headers: &[(&str, &str)]) -> Error {
        let headers = headers.iter().map(|(k, v)| ((*k).into(), (*v).into()));
        parse_error(
            &HttpResponse::new(status, headers.collect(), body.to_owned()),
            true,
        )
    }

    #[test]
    fn mapping_table() {
        // Only the 5xx is retried (no `Stripe-Should-Retry` here).
        for (status, code, kind) in [
            (400, "secret_key_required", "authentication"),
            (400, "livemode_mismatch", "authentication"),
            (402, "card_declined", "processor_error"),
            (404, "resource_missing", "processor_error"),
            (424, "", "processor_error"),
            (503, "", "processor_unavailable"),
        ] {
            let ty = match status {
                402 => "card_error",
                424 | 503 => "api_error",
                _ => "invalid_request_error",
            };
            let body = format!(r#"{{"error":{{"type":"{ty}","code":"{code}","message":"m"}}}}"#);
            let e = parse(status, &body, &[("Request-Id", "req_1")]);
            let got = (e.kind().as_str(), e.is_retryable(), e.request_id());
            assert_eq!(got, (kind, status >= 500, Some("req_1")), "{status} {code}");
        }
        // Stripe's explicit signal wins over the status.
        assert!(parse(400, "{}", &[("Stripe-Should-Retry", "true")]).is_retryable());
        assert_eq!(stripe_param_to_field("address[line1]"), "address.line1");
    }

    #[test]
    fn odd_bodies_never_panic() {
        for body in [
            "",
            "<html>oops</html>",
            "\u{feff}{",
            "null",
            r#"{"error":7}"#,
        ] {
            for status in [400, 401, 429, 500, 502] {
                assert_eq!(parse(status, body, &[]).http_status(), Some(status));
            }
        }
    }
}
