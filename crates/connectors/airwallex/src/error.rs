//! Airwallex error answers → Prism errors. The table is in docs.md ("Error mapping (as
//! implemented)").

use prism_connector::parse::{kind_for_status, processor_error};
use prism_connector::types::{Connector, Error, ErrorKind, FieldError};
use prism_connector::{FlowContext, HttpResponse};

use crate::models::ApiError;

/// Maps a non-2xx Airwallex answer (from create or from the login step).
pub(crate) fn parse_error(resp: &HttpResponse, ctx: &FlowContext<'_>) -> Error {
    let api = ApiError::from_body(resp.body_without_bom());
    let (kind, retryable) = classify(resp.status, api.code.as_deref(), ctx);
    let mut err = processor_error(
        Connector::Airwallex,
        resp,
        None,
        kind,
        api.code.as_deref(),
        api.message.as_deref(),
    )
    // No request-id header is documented; the error body's trace_id plays that part.
    .with_request_id(api.trace_id.clone())
    .with_retryable(retryable);

    match (kind, api.code.as_deref()) {
        (ErrorKind::InvalidRequest, _) => {
            if let Some(source) = &api.source {
                err = err.with_field_error(FieldError::new(
                    prism_path(source),
                    api.code.clone().unwrap_or_else(|| "rejected".into()),
                    "rejected by Airwallex",
                ));
            }
        }
        (ErrorKind::AlreadyExists, code) => {
            let own = ctx.earlier_attempt_may_have_applied;
            let why = match (code, own) {
                (_, true) => "a customer with this merchant_customer_id exists at this Airwallex account; it may have been created by an earlier attempt of this same call whose answer was lost",
                (Some("duplicate_request"), false) => "this merchant_customer_id was sent to this Airwallex account before (its reference-derived request_id was already used)",
                _ => "a customer with this merchant_customer_id already exists at this Airwallex account",
            };
            err = err
                .with_message(format!(
                    "{why}; Airwallex does not return the existing customer's id (find it with GET /api/v1/pa/customers?merchant_customer_id=…)"
                ))
                .with_existing_customer_id(None);
        }
        (ErrorKind::Authentication, Some("credentials_invalid" | "credentials_expired")) => {
            err = err.with_message(format!(
                "Airwallex refused the client id / API key at login ({}): check PRISM_AIRWALLEX_CLIENT_ID and PRISM_AIRWALLEX_API_KEY and the environment (sandbox and production keys differ)",
                api.code.as_deref().unwrap_or_default()
            ));
        }
        _ => {}
    }
    err
}

/// (kind, retryable) for a status and Airwallex `code`.
fn classify(status: u16, code: Option<&str>, ctx: &FlowContext<'_>) -> (ErrorKind, bool) {
    match (status, code) {
        (400, Some("validation_error")) => (ErrorKind::InvalidRequest, false),
        (400, Some("resource_already_exists")) => (ErrorKind::AlreadyExists, false),
        // A reused request_id. After an attempt of this call that may have been applied, it is
        // this call's own earlier request; with the reference-derived key (Prism's default), the
        // same reference was sent before. Either way a customer for this reference exists and its
        // id is not in the answer. With a caller-chosen key, it is only a key collision.
        (400, Some("duplicate_request"))
            if ctx.earlier_attempt_may_have_applied || ctx.key_from_reference =>
        {
            (ErrorKind::AlreadyExists, false)
        }
        (400, Some("duplicate_request")) => (ErrorKind::ProcessorError, false),
        // Documented as an HTTP 400 example: an availability failure, worth a retry.
        (_, Some("service_unavailable")) => (ErrorKind::ProcessorUnavailable, true),
        // A conflict with another request: a lock, never a duplicate; retry with backoff.
        (409, _) => (ErrorKind::ProcessorError, true),
        (429, _) => (ErrorKind::RateLimited, true),
        (s, _) if s >= 500 => (ErrorKind::ProcessorUnavailable, true),
        (s, _) => (kind_for_status(s), false),
    }
}

/// An Airwallex field name (`source`) → the Prism request path it came from.
fn prism_path(source: &str) -> String {
    let s = source.trim();
    match s {
        "first_name" | "last_name" => "name".into(),
        "phone_number" => "phone".into(),
        "request_id" => "idempotency_key".into(),
        "address.street" => "address.line1".into(),
        "address.postcode" => "address.postal_code".into(),
        "address.country_code" => "address.country".into(),
        _ => s.to_owned(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use prism_connector::types::Environment;

    pub(crate) fn fixture(name: &str) -> HttpResponse {
        prism_testkit::fixtures::fixture("airwallex", name)
    }

    fn first() -> FlowContext<'static> {
        FlowContext::first(Environment::Sandbox)
    }

    fn derived_key() -> FlowContext<'static> {
        first().with_idempotency_key("prism_0123456789abcdef0123456789abcdef", true)
    }

    fn after_lost_answer() -> FlowContext<'static> {
        let mut c = derived_key();
        c.attempt = 2;
        c.earlier_attempt_may_have_applied = true;
        c
    }

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(
            status,
            vec![("Content-Type".into(), "application/json".into())],
            body.as_bytes().to_vec(),
        )
    }

    #[test]
    fn status_table() {
        let cases = [
            (400, "whatever_else", ErrorKind::ProcessorError, false),
            (401, "unauthorized", ErrorKind::Authentication, false),
            (401, "credentials_expired", ErrorKind::Authentication, false),
            (403, "", ErrorKind::PermissionDenied, false),
            (404, "not_found", ErrorKind::ProcessorError, false),
            (409, "conflict", ErrorKind::ProcessorError, true),
            (422, "x", ErrorKind::InvalidRequest, false),
            (429, "", ErrorKind::RateLimited, true),
            (500, "internal_error", ErrorKind::ProcessorUnavailable, true),
            (502, "", ErrorKind::ProcessorUnavailable, true),
            (
                503,
                "service_unavailable",
                ErrorKind::ProcessorUnavailable,
                true,
            ),
        ];
        for (status, code, kind, retryable) in cases {
            let e = parse_error(
                &resp(status, &format!(r#"{{"code":"{code}","message":"m"}}"#)),
                &derived_key(),
            );
            assert_eq!(
                (e.kind(), e.is_retryable()),
                (kind, retryable),
                "{status} {code}"
            );
        }
    }

    #[test]
    fn validation_source_becomes_a_prism_path_and_trace_id_the_request_id() {
        let body = r#"{"code":"validation_error","source":"address.country_code","message":"address.country_code must be provided","trace_id":"e9afc11e3032ebaa4d4c9080ae77b232"}"#;
        let e = parse_error(&resp(400, body), &derived_key());
        assert_eq!(e.field_errors()[0].field, "address.country");
        assert_eq!(e.request_id(), Some("e9afc11e3032ebaa4d4c9080ae77b232"));
        assert_eq!(
            e.connector_message(),
            Some("address.country_code must be provided")
        );
        for (src, path) in [
            ("first_name", "name"),
            ("last_name", "name"),
            ("phone_number", "phone"),
            ("address.street", "address.line1"),
            ("address.postcode", "address.postal_code"),
            ("email", "email"),
            ("metadata.plan", "metadata.plan"),
        ] {
            assert_eq!(prism_path(src), path);
        }
    }

    #[test]
    fn already_exists_says_whose_creation_it_may_be() {
        let e = parse_error(&fixture("duplicate_request"), &after_lost_answer());
        assert!(
            e.message().contains("earlier attempt of this same call"),
            "{}",
            e.message()
        );
        let e = parse_error(&fixture("duplicate"), &derived_key());
        assert!(e.message().contains("already exists"), "{}", e.message());
        assert!(
            e.message().contains("GET /api/v1/pa/customers"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn login_failure_names_the_variables_not_the_values() {
        let e = parse_error(&fixture("login_failed"), &first());
        assert!(e.message().contains("PRISM_AIRWALLEX_API_KEY"));
    }

    #[test]
    fn odd_bodies_never_panic() {
        let huge = format!("{{\"code\":\"{}\"}}", "x".repeat(1_000_000));
        let bodies = [
            "",
            "<html><body>502 Bad Gateway</body></html>",
            "\u{feff}{",
            "\u{feff}{\"code\":\"validation_error\",\"source\":\"email\"}",
            "null",
            "[]",
            "{\"code\":7,\"message\":{}}",
            "{\"code\":\"validation_error\",\"source\":null}",
            "{\"code\":",
            &huge,
        ];
        for body in bodies {
            for status in [400, 401, 403, 404, 409, 429, 500, 502] {
                let e = parse_error(&resp(status, body), &derived_key());
                assert_eq!(e.http_status(), Some(status));
            }
        }
        let e = parse_error(&resp(400, bodies[3]), &derived_key());
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert_eq!(e.field_errors()[0].field, "email");
        let e = parse_error(&resp(500, "<html>"), &derived_key());
        assert_eq!(e.kind(), ErrorKind::ProcessorUnavailable);
    }
}
