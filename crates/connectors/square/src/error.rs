//! Square error answers → Prism errors. The table is in docs.md ("Error mapping (as
//! implemented)").
//!
//! Square answers `{"errors": [{"category", "code", "detail"?, "field"?}, …]}` with the HTTP
//! status of the first error. The kind comes from the first error's `code` where the code says
//! more than the status (`INSUFFICIENT_SCOPES` arrives with category `AUTHENTICATION_ERROR`;
//! `IDEMPOTENCY_KEY_REUSED` is a duplicate), else from the status and category.

use prism_connector::parse::{kind_for_status, processor_error};
use prism_connector::types::{Connector, Error, ErrorKind, FieldError};
use prism_connector::HttpResponse;

use crate::models::{ApiError, ErrorBody};
use crate::REQUEST_ID_HEADER;

/// Longest processor text kept (a huge body is cut).
const TEXT_MAX: usize = 500;

/// Maps a non-2xx Square answer. `key_is_reference_derived` tells whether the idempotency key
/// was derived from the merchant reference (then a reused key means this reference was already
/// created with other data: a duplicate).
pub(crate) fn parse_error(resp: &HttpResponse, key_is_reference_derived: bool) -> Error {
    let body: ErrorBody = serde_json::from_slice(resp.body_without_bom()).unwrap_or_default();
    let first = match body.errors.first() {
        Some(e) => ApiError {
            category: e.category.clone(),
            code: e.code.clone(),
            detail: e.detail.clone(),
            field: e.field.clone(),
        },
        // The legacy v1 shape.
        None => ApiError {
            category: None,
            code: body.v1_type.clone(),
            detail: body.message.clone(),
            field: body.field.clone(),
        },
    };
    let code = first.code.as_deref().map(cut);
    let kind = classify(
        resp.status,
        first.category.as_deref(),
        code.as_deref(),
        key_is_reference_derived,
    );
    let detail = first.detail.as_deref().map(cut);
    let mut err = processor_error(
        Connector::Square,
        resp,
        Some(REQUEST_ID_HEADER),
        kind,
        code.as_deref(),
        detail.as_deref(),
    );
    if kind == ErrorKind::AlreadyExists {
        err = err.with_message(
            "a customer with this merchant_customer_id was already created at this Square account with other data \
             (Square refused the reused reference-derived idempotency_key: IDEMPOTENCY_KEY_REUSED)",
        );
    }
    if kind == ErrorKind::InvalidRequest {
        let errors = if body.errors.is_empty() {
            std::slice::from_ref(&first)
        } else {
            &body.errors[..]
        };
        for e in errors {
            if let Some(field) = e.field.as_deref() {
                let rule = e.code.as_deref().map_or_else(|| "rejected".to_owned(), cut);
                let why = e
                    .detail
                    .as_deref()
                    .map_or_else(|| "rejected by Square".to_owned(), cut);
                err = err.with_field_error(FieldError::new(prism_path(field), rule, why));
            }
        }
    }
    // Resent with the same key: throttling, Square's failures, a key in flight (the official
    // SDK retries 408, 409, 429 and 5xx). Nothing else can succeed unchanged.
    let retryable = matches!(
        kind,
        ErrorKind::RateLimited | ErrorKind::ProcessorUnavailable
    ) || (resp.status == 409 && kind == ErrorKind::ProcessorError);
    err.with_retryable(retryable)
}

fn classify(
    status: u16,
    category: Option<&str>,
    code: Option<&str>,
    key_is_reference_derived: bool,
) -> ErrorKind {
    match (status, code) {
        (400..=499, Some("IDEMPOTENCY_KEY_REUSED")) if key_is_reference_derived => {
            ErrorKind::AlreadyExists
        }
        (400..=499, Some("IDEMPOTENCY_KEY_REUSED")) => ErrorKind::ProcessorError,
        (
            400..=499,
            Some(
                "INSUFFICIENT_SCOPES"
                | "FORBIDDEN"
                | "APPLICATION_DISABLED"
                | "MERCHANT_SUBSCRIPTION_NOT_FOUND",
            ),
        ) => ErrorKind::PermissionDenied,
        (
            400..=499,
            Some(
                "UNAUTHORIZED"
                | "ACCESS_TOKEN_EXPIRED"
                | "ACCESS_TOKEN_REVOKED"
                | "CLIENT_DISABLED"
                | "V1_ACCESS_TOKEN"
                | "V1_APPLICATION",
            ),
        ) => ErrorKind::Authentication,
        // The pinned version refused: Prism's fault, never the caller's data.
        (400..=499, Some("INVALID_SQUARE_VERSION_FORMAT" | "API_VERSION_INCOMPATIBLE")) => {
            ErrorKind::ProcessorError
        }
        (429, _) => ErrorKind::RateLimited,
        (400..=499, _) if category == Some("RATE_LIMIT_ERROR") => ErrorKind::RateLimited,
        (400, _) if category == Some("INVALID_REQUEST_ERROR") => ErrorKind::InvalidRequest,
        // A request timeout: Square's failure, resent with the same key.
        (408, _) => ErrorKind::ProcessorUnavailable,
        // A key in flight or a conflict: never AlreadyExists (reference_id is not unique).
        (409, _) => ErrorKind::ProcessorError,
        _ => kind_for_status(status),
    }
}

/// The Prism path a Square body field stands for; unknown names are kept as Square spells them.
fn prism_path(square_field: &str) -> String {
    let path = match square_field.trim_start_matches("customer.") {
        "email_address" => "email",
        "given_name" | "family_name" => "name",
        "phone_number" => "phone",
        "note" => "description",
        "reference_id" => "merchant_customer_id",
        "address.address_line_1" => "address.line1",
        "address.address_line_2" => "address.line2",
        "address.locality" => "address.city",
        "address.administrative_district_level_1" => "address.state",
        "address.postal_code" => "address.postal_code",
        "address.country" => "address.country",
        other => return cut(other),
    };
    path.to_owned()
}

fn cut(s: &str) -> String {
    if s.chars().count() <= TEXT_MAX {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(TEXT_MAX).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    //! The documented replies (400 invalid email and reused key, 401, 403, 429, 500) are read by
    //! `tests/tests/fixtures.rs` against their `expect`; these are the codes, statuses and body
    //! shapes no fixture shows.
    use super::*;

    fn parse(status: u16, body: &str) -> Error {
        let headers = vec![(REQUEST_ID_HEADER.into(), "CDN-1".into())];
        parse_error(&HttpResponse::new(status, headers, body.to_owned()), true)
    }

    fn square(category: &str, code: &str) -> String {
        format!(r#"{{"errors":[{{"category":"{category}","code":"{code}","detail":"d"}}]}}"#)
    }

    #[test]
    fn mapping_table() {
        // status, category, code, kind, retryable
        const TABLE: &str = "
            400 INVALID_REQUEST_ERROR INVALID_PHONE_NUMBER invalid_request false
            400 INVALID_REQUEST_ERROR INVALID_SQUARE_VERSION_FORMAT processor_error false
            401 AUTHENTICATION_ERROR ACCESS_TOKEN_EXPIRED authentication false
            401 AUTHENTICATION_ERROR INSUFFICIENT_SCOPES permission_denied false
            403 AUTHENTICATION_ERROR FORBIDDEN permission_denied false
            404 INVALID_REQUEST_ERROR NOT_FOUND processor_error false
            408 API_ERROR REQUEST_TIMEOUT processor_unavailable true
            409 INVALID_REQUEST_ERROR CONFLICT processor_error true
            400 RATE_LIMIT_ERROR RATE_LIMITED rate_limited true
            415 INVALID_REQUEST_ERROR UNSUPPORTED_MEDIA_TYPE processor_error false
            422 INVALID_REQUEST_ERROR UNPROCESSABLE_ENTITY invalid_request false
            502 API_ERROR BAD_GATEWAY processor_unavailable true
            503 API_ERROR SERVICE_UNAVAILABLE processor_unavailable true";
        for row in TABLE.trim().lines() {
            let r: Vec<&str> = row.split_whitespace().collect();
            let status: u16 = r[0].parse().expect("status");
            let e = parse(status, &square(r[1], r[2]));
            let got = (
                e.kind().as_str(),
                e.is_retryable().to_string(),
                e.connector_code(),
            );
            assert_eq!(got, (r[3], r[4].to_owned(), Some(r[2])), "{row}");
            assert_eq!(e.request_id(), Some("CDN-1"));
            assert_eq!(e.http_status(), Some(status));
        }
        // A reused key the caller chose is not a duplicate of the reference.
        let body = square("INVALID_REQUEST_ERROR", "IDEMPOTENCY_KEY_REUSED");
        let resp = HttpResponse::new(400, vec![], body);
        assert_eq!(parse_error(&resp, false).kind(), ErrorKind::ProcessorError);
        assert_eq!(parse_error(&resp, true).kind(), ErrorKind::AlreadyExists);
    }

    #[test]
    fn every_field_error_is_named_by_prism_path() {
        let body = r#"{"errors":[
            {"category":"INVALID_REQUEST_ERROR","code":"INVALID_PHONE_NUMBER","field":"phone_number"},
            {"category":"INVALID_REQUEST_ERROR","code":"VALUE_TOO_LONG","field":"given_name"},
            {"category":"INVALID_REQUEST_ERROR","code":"INVALID_ENUM_VALUE","field":"address.country"},
            {"category":"INVALID_REQUEST_ERROR","code":"VALUE_EMPTY","field":"birthday"}]}"#;
        let e = parse(400, body);
        let fields: Vec<_> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["phone", "name", "address.country", "birthday"]);
        assert_eq!(e.field_errors()[1].rule, "VALUE_TOO_LONG");
        // The legacy v1 shape.
        let e = parse(
            400,
            r#"{"type":"bad_request","message":"m","field":"note"}"#,
        );
        assert_eq!(
            (e.connector_code(), e.connector_message()),
            (Some("bad_request"), Some("m"))
        );
        assert_eq!(e.kind(), ErrorKind::ProcessorError);
        let v1 = r#"{"type":"unauthorized","message":"m"}"#;
        assert_eq!(parse(401, v1).kind(), ErrorKind::Authentication);
    }

    #[test]
    fn odd_bodies_never_panic() {
        let huge = "x".repeat(1 << 20);
        let huge_json = format!(r#"{{"errors":[{{"code":"{huge}","detail":"{huge}"}}]}}"#);
        for body in [
            "",
            "null",
            "[]",
            "\u{feff}{",
            "<html>502 Bad Gateway</html>",
            r#"{"errors":7}"#,
            r#"{"errors":[]}"#,
            r#"{"errors":[1,{"code":2}]}"#,
            &huge,
            &huge_json,
        ] {
            for status in [400, 401, 403, 409, 429, 500, 502] {
                let e = parse(status, body);
                assert_eq!(e.http_status(), Some(status));
                let short = |m: &str| m.chars().count() <= TEXT_MAX + 1;
                assert!(e.connector_message().is_none_or(short));
                assert!(e.connector_code().is_none_or(short));
            }
        }
        let bom = "\u{feff}".to_owned() + &square("AUTHENTICATION_ERROR", "UNAUTHORIZED");
        assert_eq!(parse(401, &bom).connector_code(), Some("UNAUTHORIZED"));
    }
}
