//! Mollie error answers → Prism errors. The table is in docs.md ("Error mapping (as
//! implemented)"). Mollie has no machine-readable error code: the kind follows the HTTP status,
//! `title` (the reason phrase) is kept as the code, `detail` as the message, `field` as the
//! field path.

use prism_connector::parse::{kind_for_status, processor_error};
use prism_connector::types::{Connector, Error, ErrorKind, FieldError};
use prism_connector::HttpResponse;

use crate::models::Problem;

/// Maps a non-2xx Mollie answer. `key_is_reference_derived` tells whether the `Idempotency-Key`
/// was derived from the merchant reference: Mollie's 400 for a key reused with other parameters
/// then means this reference was already used with other data (a duplicate).
pub(crate) fn parse_error(resp: &HttpResponse, key_is_reference_derived: bool) -> Error {
    let p: Problem = serde_json::from_slice(resp.body_without_bom()).unwrap_or_default();
    let key_reused = resp.status == 400 && is_key_reuse(p.detail.as_deref());
    let kind = match resp.status {
        400 if key_reused && key_is_reference_derived => ErrorKind::AlreadyExists,
        _ => kind_for_status(resp.status),
    };
    let mut err = processor_error(
        Connector::Mollie,
        resp,
        None,
        kind,
        p.title.as_deref(),
        p.detail.as_deref(),
    );
    if let Some(field) = p.field.as_deref().filter(|f| !f.trim().is_empty()) {
        if kind == ErrorKind::InvalidRequest {
            let why = FieldError::new(field, "rejected_by_processor", "rejected by Mollie");
            err = err.with_field_error(why);
        }
    }
    // 409: another request with this key is still being processed — retry with the same key
    // (Mollie's idempotency guide); never AlreadyExists.
    let retryable = matches!(resp.status, 409 | 429) || resp.status >= 500;
    err.with_retryable(retryable && kind != ErrorKind::AlreadyExists)
}

/// Mollie's 400 for an `Idempotency-Key` used before with other parameters or on another
/// endpoint ("This Idempotency-Key has already been used.", mollie-api-python fixture).
fn is_key_reuse(detail: Option<&str>) -> bool {
    detail.is_some_and(|d| {
        let d = d.to_ascii_lowercase();
        d.contains("idempotency-key") && d.contains("already been used")
    })
}

#[cfg(test)]
mod tests {
    //! The documented replies (401, 409 key in flight, 400 key reused, 422, 429, 500) are read
    //! by `tests/tests/fixtures.rs` against their `expect`; these are the statuses and bodies no
    //! fixture shows.
    use super::*;

    fn parse(status: u16, body: &str, derived: bool) -> Error {
        parse_error(&HttpResponse::new(status, vec![], body.to_owned()), derived)
    }

    fn problem(status: u16, title: &str, detail: &str) -> String {
        format!(r#"{{"status":{status},"title":"{title}","detail":"{detail}","_links":{{}}}}"#)
    }

    #[test]
    fn mapping_table() {
        for (status, kind, retryable) in [
            (400, "processor_error", false),
            (401, "authentication", false),
            (403, "permission_denied", false),
            (404, "processor_error", false),
            (405, "processor_error", false),
            (409, "processor_error", true),
            (410, "processor_error", false),
            (415, "processor_error", false),
            (422, "invalid_request", false),
            (429, "rate_limited", true),
            (500, "processor_unavailable", true),
            (502, "processor_unavailable", true),
            (503, "processor_unavailable", true),
            (504, "processor_unavailable", true),
        ] {
            let e = parse(status, &problem(status, "T", "d"), true);
            assert_eq!(
                (e.kind().as_str(), e.is_retryable()),
                (kind, retryable),
                "{status}"
            );
            assert_eq!(e.http_status(), Some(status));
            assert_eq!(
                (e.connector_code(), e.connector_message()),
                (Some("T"), Some("d"))
            );
            assert_eq!(e.request_id(), None);
        }
    }

    #[test]
    fn key_reuse_is_a_duplicate_only_with_the_derived_key() {
        let body = problem(
            400,
            "Bad Request",
            "This Idempotency-Key has already been used.",
        );
        let e = parse(400, &body, true);
        assert_eq!(e.kind(), ErrorKind::AlreadyExists);
        assert!(!e.is_retryable() && e.existing_customer_id().is_none());
        assert_eq!(parse(400, &body, false).kind(), ErrorKind::ProcessorError);
        // Another 400 is never a duplicate.
        let other = problem(400, "Bad Request", "The JSON body is invalid.");
        assert_eq!(parse(400, &other, true).kind(), ErrorKind::ProcessorError);
    }

    #[test]
    fn field_errors_come_from_field() {
        let body = r#"{"status":422,"title":"Unprocessable Entity","detail":"The email address is invalid","field":"email"}"#;
        let e = parse(422, body, true);
        assert_eq!(e.field_errors()[0].field, "email");
        let no_field = parse(422, &problem(422, "Unprocessable Entity", "x"), true);
        assert!(no_field.field_errors().is_empty());
    }

    #[test]
    fn odd_bodies_never_panic() {
        let huge = "x".repeat(3_000_000);
        for body in [
            "",
            "<html>oops</html>",
            "\u{feff}{",
            "null",
            r#"{"title":7}"#,
            "[]",
            &huge,
        ] {
            for status in [400, 401, 409, 422, 429, 500, 502] {
                let e = parse(status, body, true);
                assert_eq!(e.http_status(), Some(status));
                assert_ne!(e.kind(), ErrorKind::AlreadyExists);
            }
        }
        let bom = format!("\u{feff}{}", problem(401, "Unauthorized Request", "m"));
        assert_eq!(parse(401, &bom, true).connector_message(), Some("m"));
    }
}
