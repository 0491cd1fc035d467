//! Finix error answers → Prism errors. The table is in docs.md ("Error mapping (as implemented)").

use prism_connector::parse::{join_messages, kind_for_status, processor_error};
use prism_connector::types::{Connector, Error, ErrorKind, FieldError};
use prism_connector::HttpResponse;

use crate::models::{ApiError, Errors, Hal};
use crate::REQUEST_ID_HEADER;

/// Maps a non-2xx Finix answer (HAL error list, or any other body: then by status alone).
pub(crate) fn parse_error(resp: &HttpResponse) -> Error {
    let errors: Vec<ApiError> = serde_json::from_slice::<Hal<Errors>>(resp.body_without_bom())
        .ok()
        .and_then(|l| l.embedded)
        .map(|e| e.errors)
        .unwrap_or_default();
    let first = errors.first();
    let code = first.and_then(|e| e.code.as_deref());
    let kind = classify(resp.status, code);

    let message = join_messages(errors.iter().filter_map(|e| e.message.as_deref()));
    let mut err = processor_error(
        Connector::Finix,
        resp,
        Some(REQUEST_ID_HEADER),
        kind,
        code,
        message.as_deref(),
    );
    if let Some(logref) = first
        .and_then(|e| e.logref.as_deref())
        .filter(|l| !l.is_empty())
    {
        let text = format!("{} (logref {logref})", err.message());
        err = err.with_message(text);
    }
    if kind == ErrorKind::InvalidRequest {
        for e in &errors {
            if let Some(field) = e.field.as_deref().filter(|f| !f.is_empty()) {
                let rule = e.code.as_deref().unwrap_or("rejected").to_ascii_lowercase();
                err = err.with_field_error(FieldError::new(
                    prism_field(field),
                    rule,
                    format!("rejected by Finix ({field})"),
                ));
            }
        }
    }
    err
}

/// Code first (for 4xx answers), then status. A 5xx is always ProcessorUnavailable: the server
/// failed, so its body is no definite rejection.
fn classify(status: u16, code: Option<&str>) -> ErrorKind {
    if (400..500).contains(&status) {
        match code {
            Some("INVALID_FIELD" | "UNPROCESSABLE_ENTITY") => return ErrorKind::InvalidRequest,
            Some("TOO_MANY_REQUESTS") => return ErrorKind::RateLimited,
            Some("FORBIDDEN") => return ErrorKind::PermissionDenied,
            _ => {}
        }
    }
    kind_for_status(status)
}

/// Finix's dotted field path → Prism's request path (`entity.personal_address.region` →
/// `address.state`); unknown paths are kept as Finix wrote them.
fn prism_field(field: &str) -> String {
    let f = field.trim();
    let f = f.strip_prefix("entity.").unwrap_or(f);
    match f {
        "email" => "email".into(),
        "first_name" | "last_name" => "name".into(),
        "phone" => "phone".into(),
        "personal_address" => "address".into(),
        "personal_address.region" => "address.state".into(),
        "tags" => "metadata".into(),
        "tags.merchant_customer_id" => "merchant_customer_id".into(),
        _ => {
            if let Some(part) = f.strip_prefix("personal_address.") {
                format!("address.{part}")
            } else if let Some(key) = f.strip_prefix("tags.") {
                format!("metadata.{key}")
            } else {
                field.to_owned()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(status: u16, body: &str) -> Error {
        let headers = vec![("X-Request-Id".to_owned(), "req-1".to_owned())];
        parse_error(&HttpResponse::new(
            status,
            headers,
            body.as_bytes().to_vec(),
        ))
    }

    fn hal(code: &str) -> String {
        let item = format!(r#"{{"code":"{code}","logref":"ab12","message":"m"}}"#);
        format!(r#"{{"total":1,"_embedded":{{"errors":[{item}]}}}}"#)
    }

    /// The rows of docs.md's mapping table no fixture covers (tests/fixtures/finix: 400
    /// `BAD_REQUEST`, 401, 403, 422 `INVALID_FIELD`, 429, 500 `SERVER_ERROR`).
    #[test]
    fn mapping_table() {
        use ErrorKind::*;
        for (status, code, kind) in [
            (400, "INVALID_FIELD", InvalidRequest),
            (422, "UNPROCESSABLE_ENTITY", InvalidRequest),
            (422, "SOMETHING_ELSE", InvalidRequest),
            (400, "TOO_MANY_REQUESTS", RateLimited),
            (402, "UPSTREAM_PROCESSOR_ERROR", ProcessorError),
            (404, "NOT_FOUND", ProcessorError),
            (405, "METHOD_NOT_ALLOWED", ProcessorError),
            (406, "NOT_ACCEPTABLE", ProcessorError),
            (409, "CONFLICT", ProcessorError),
            (500, "INVALID_FIELD", ProcessorUnavailable),
            (502, "", ProcessorUnavailable),
        ] {
            let e = read(status, &hal(code));
            assert_eq!(e.kind(), kind, "{status} {code}");
            assert!(e.message().contains("logref ab12"), "{}", e.message());
        }
        let bom = format!("\u{feff}{}", hal("INVALID_FIELD"));
        assert_eq!(read(400, &bom).kind(), InvalidRequest);
    }

    /// A field error per item with a field, in Prism's paths (unknown paths kept); the first
    /// five messages.
    #[test]
    fn one_field_error_per_item() {
        let paths = [
            ("entity.email", "email"),
            ("entity.first_name", "name"),
            ("entity.personal_address", "address"),
            ("entity.personal_address.region", "address.state"),
            ("entity.personal_address.postal_code", "address.postal_code"),
            ("tags", "metadata"),
            ("tags.merchant_customer_id", "merchant_customer_id"),
            ("tags.plan", "metadata.plan"),
            ("entity.dob", "entity.dob"),
        ];
        let item = |(f, _): &(&str, &str)| {
            format!(r#"{{"code":"INVALID_FIELD","field":"{f}","message":"{f}?"}}"#)
        };
        let items: Vec<String> = paths.iter().map(item).collect();
        let no_field = r#"{"code":"INVALID_FIELD","message":"no field"}"#;
        let body = format!(
            r#"{{"_embedded":{{"errors":[{no_field},{}]}}}}"#,
            items.join(",")
        );
        let e = read(422, &body);
        let fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, paths.map(|(_, prism)| prism));
        assert_eq!(e.field_errors()[0].rule, "invalid_field");
        let first_five = "no field; entity.email?; entity.first_name?; entity.personal_address?; \
            entity.personal_address.region?";
        assert_eq!(e.connector_message(), Some(first_five));
    }

    /// Without a code: the kind by status; a huge message is cut (odd bodies: the conformance
    /// `malformed_success` and tests/tests/parsers.rs).
    #[test]
    fn a_huge_message_is_cut() {
        let huge = format!(
            r#"{{"_embedded":{{"errors":[{{"message":"{}"}}]}}}}"#,
            "x".repeat(1 << 20)
        );
        for status in [400, 401, 403, 404, 422, 429, 500, 502] {
            let e = read(status, &huge);
            assert_eq!(e.kind(), kind_for_status(status), "{status}");
            assert!(e.message().len() < 2000);
        }
    }
}
