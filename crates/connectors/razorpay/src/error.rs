//! Razorpay error answers → Prism errors. The table is in docs.md ("Error mapping (as
//! implemented)"). Razorpay's `code` is `BAD_REQUEST_ERROR` even on a 401, so the status decides
//! first; within a 400 the description and `field` / `reason` decide.

use prism_connector::parse::{kind_for_status, processor_error};
use prism_connector::types::{Connector, Error, ErrorKind, FieldError};
use prism_connector::HttpResponse;

use crate::models::{ApiError, ErrorEnvelope};

/// Longest description kept in the error.
const MAX_MESSAGE_CHARS: usize = 500;

/// Maps a non-2xx Razorpay answer (the `error` object, or any other body: then by status alone).
pub(crate) fn parse_error(resp: &HttpResponse) -> Error {
    let api: ApiError = serde_json::from_slice::<ErrorEnvelope>(resp.body_without_bom())
        .ok()
        .and_then(|e| e.error)
        .unwrap_or_default();
    let description = api.description.as_deref().map(|d| {
        let d = d.trim();
        d.char_indices()
            .nth(MAX_MESSAGE_CHARS)
            .map_or(d, |(i, _)| &d[..i])
    });
    let field = api
        .field
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty());
    let kind = classify(resp.status, description, field, api.reason.as_deref());
    let mut err = processor_error(
        Connector::Razorpay,
        resp,
        None,
        kind,
        api.code.as_deref(),
        description,
    );
    if kind == ErrorKind::InvalidRequest {
        if let Some(field) = field {
            let rule = api
                .reason
                .as_deref()
                .filter(|r| !r.is_empty() && *r != "NA")
                .unwrap_or("rejected");
            err = err.with_field_error(FieldError::new(
                prism_field(field),
                rule,
                format!("rejected by Razorpay ({field})"),
            ));
        }
    }
    err
}

/// Status first; a 400 is read from its words: "already exists" → `AlreadyExists` (named by
/// the facade's `fail_existing: "0"` probe), a validation answer → `InvalidRequest`, anything
/// else → `ProcessorError`.
fn classify(
    status: u16,
    description: Option<&str>,
    field: Option<&str>,
    reason: Option<&str>,
) -> ErrorKind {
    if status != 400 {
        return kind_for_status(status);
    }
    let text = description.unwrap_or_default().to_ascii_lowercase();
    if text.contains("already exists") {
        return ErrorKind::AlreadyExists;
    }
    let reason = reason.unwrap_or_default();
    let validation = field.is_some()
        || reason == "input_validation_failed"
        || reason.starts_with("invalid_")
        || [
            "invalid",
            "must be",
            "may not",
            "should",
            "not required",
            "the length",
            "is required",
            "contains",
        ]
        .iter()
        .any(|w| text.contains(w));
    if validation {
        ErrorKind::InvalidRequest
    } else {
        ErrorKind::ProcessorError
    }
}

/// Razorpay's field → Prism's request path (`contact` → `phone`, `notes.x` → `metadata.x`);
/// unknown fields are kept as Razorpay wrote them.
fn prism_field(field: &str) -> String {
    match field {
        "contact" => "phone".into(),
        "notes" => "metadata".into(),
        "notes.merchant_customer_id" => "merchant_customer_id".into(),
        _ => match field.strip_prefix("notes.") {
            Some(key) => format!("metadata.{key}"),
            None => field.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(status: u16, body: &str) -> Error {
        parse_error(&HttpResponse::new(status, vec![], body.as_bytes().to_vec()))
    }

    fn error(description: &str, extra: &str) -> String {
        format!(
            r#"{{"error":{{"code":"BAD_REQUEST_ERROR","description":"{description}","source":"NA","step":"NA","reason":"NA","metadata":{{}}{extra}}}}}"#
        )
    }

    /// The rows of docs.md's mapping table no fixture covers (tests/fixtures/razorpay: 400
    /// duplicate, 400 `invalid_contact_number`, 400 email, 401, 500).
    #[test]
    fn mapping_table() {
        use ErrorKind::*;
        for (status, description, extra, kind) in [
            (
                400,
                "Customer already exists for the merchant",
                "",
                AlreadyExists,
            ),
            (
                400,
                "The name format is invalid.",
                r#","field":"name""#,
                InvalidRequest,
            ),
            (
                400,
                "Notes should not have more than 15 keys.",
                "",
                InvalidRequest,
            ),
            (
                400,
                "0 is/are not required and should not be sent",
                "",
                InvalidRequest,
            ),
            (
                400,
                "receipt: the length must be no more than 40.",
                "",
                InvalidRequest,
            ),
            (400, "Something else happened", "", ProcessorError),
            (401, "The api key provided is invalid", "", Authentication),
            (403, "Access Denied", "", PermissionDenied),
            (
                404,
                "The requested URL was not found on the server.",
                "",
                ProcessorError,
            ),
            (429, "Too many requests", "", RateLimited),
            (
                502,
                "Customer already exists for the merchant",
                "",
                ProcessorUnavailable,
            ),
            (503, "", "", ProcessorUnavailable),
        ] {
            let e = read(status, &error(description, extra));
            assert_eq!(e.kind(), kind, "{status} {description}");
            assert_eq!(e.connector_code(), Some("BAD_REQUEST_ERROR"));
        }
        let dup = read(400, &error("Customer already exists for the merchant", ""));
        assert_eq!(dup.existing_customer_id(), None);
        assert!(!dup.is_retryable());
        let bom = format!(
            "\u{feff}{}",
            error("The email must be a valid email address.", "")
        );
        assert_eq!(read(400, &bom).kind(), InvalidRequest);
    }

    /// A field error in Prism's paths, with Razorpay's `reason` as the rule.
    #[test]
    fn field_errors() {
        for (field, path) in [
            ("contact", "phone"),
            ("email", "email"),
            ("notes", "metadata"),
            ("notes.plan", "metadata.plan"),
            ("gstin", "gstin"),
        ] {
            let extra = format!(r#","field":"{field}""#);
            let body = error("bad", &extra).replace(r#""reason":"NA""#, r#""reason":"invalid_x""#);
            let e = read(400, &body);
            assert_eq!(e.field_errors()[0].field, path);
            assert_eq!(e.field_errors()[0].rule, "invalid_x");
        }
    }

    /// Odd bodies: the kind by status; a huge description is cut.
    #[test]
    fn odd_bodies() {
        let huge = error(&"x".repeat(1 << 20), "");
        for body in [
            "",
            "<html>oops</html>",
            "\u{feff}{",
            r#"{"error":null}"#,
            r#"{"error":{"code":7}}"#,
            &huge,
        ] {
            for status in [400, 401, 403, 404, 429, 500, 502] {
                let e = read(status, body);
                assert_eq!(e.kind(), kind_for_status(status), "{status} {body:.40}");
                assert!(e.message().len() < 2000);
            }
        }
    }
}
