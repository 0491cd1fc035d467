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
    //! The documented replies are read by `tests/tests/fixtures.rs` against their `expect` (each
    //! context: first attempt, after a lost answer, with the caller's key); these are the codes,
    //! statuses and messages no fixture shows.
    use super::*;
    use prism_connector::types::Environment;

    pub(crate) fn fixture(name: &str) -> HttpResponse {
        prism_testkit::fixtures::fixture("airwallex", name)
    }

    fn derived_key() -> FlowContext<'static> {
        FlowContext::first(Environment::Sandbox)
            .with_idempotency_key("prism_0123456789abcdef0123456789abcdef", true)
    }

    fn parse(status: u16, body: &str) -> Error {
        parse_error(
            &HttpResponse::new(status, vec![], body.as_bytes().to_vec()),
            &derived_key(),
        )
    }

    #[test]
    fn status_table() {
        for (status, code, kind, retryable) in [
            (400, "whatever_else", "processor_error", false),
            (401, "credentials_expired", "authentication", false),
            (404, "not_found", "processor_error", false),
            (409, "conflict", "processor_error", true),
            (422, "x", "invalid_request", false),
            (502, "", "processor_unavailable", true),
            (503, "service_unavailable", "processor_unavailable", true),
        ] {
            let e = parse(status, &format!(r#"{{"code":"{code}","message":"m"}}"#));
            let got = (e.kind().as_str(), e.is_retryable());
            assert_eq!(got, (kind, retryable), "{status} {code}");
        }
    }

    #[test]
    fn validation_source_becomes_a_prism_path_and_trace_id_the_request_id() {
        let body = r#"{"code":"validation_error","source":"address.country_code","message":"m","trace_id":"e9afc11e"}"#;
        let e = parse(400, body);
        assert_eq!(e.field_errors()[0].field, "address.country");
        assert_eq!(e.request_id(), Some("e9afc11e"));
        for (src, path) in [
            ("first_name", "name"),
            ("last_name", "name"),
            ("phone_number", "phone"),
            ("request_id", "idempotency_key"),
            ("address.street", "address.line1"),
            ("address.postcode", "address.postal_code"),
            ("metadata.plan", "metadata.plan"),
        ] {
            assert_eq!(prism_path(src), path);
        }
    }

    #[test]
    fn messages_say_whose_creation_it_may_be_and_what_to_check() {
        let (key, mut lost) = (derived_key(), derived_key());
        (lost.attempt, lost.earlier_attempt_may_have_applied) = (2, true);
        let first = FlowContext::first(Environment::Sandbox);
        for (name, ctx, says) in [
            ("duplicate_request", &lost, "an earlier attempt"),
            ("duplicate_request", &key, "was sent to this Airwallex"),
            ("duplicate", &key, "GET /api/v1/pa/customers"),
            ("login_failed", &first, "PRISM_AIRWALLEX_API_KEY"),
        ] {
            let e = parse_error(&fixture(name), ctx);
            assert!(e.message().contains(says), "{name}: {}", e.message());
        }
    }

    #[test]
    fn odd_bodies_never_panic() {
        let huge = format!(r#"{{"code":"{}"}}"#, "x".repeat(1_000_000));
        for body in [
            "",
            "<html>502</html>",
            "\u{feff}{",
            "null",
            "[]",
            r#"{"code":7,"message":{}}"#,
            r#"{"code":"validation_error","source":null}"#,
            r#"{"code":"#,
            &huge,
        ] {
            for status in [400, 401, 403, 404, 409, 429, 500, 502] {
                assert_eq!(parse(status, body).http_status(), Some(status));
            }
        }
        let bom = "\u{feff}{\"code\":\"validation_error\",\"source\":\"email\"}";
        assert_eq!(parse(400, bom).field_errors()[0].field, "email");
    }
}
