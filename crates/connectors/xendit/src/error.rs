//! Xendit error answers → Prism errors. The table is in docs.md ("Error mapping (as
//! implemented)").

use prism_connector::parse::{kind_for_status, processor_error};
use prism_connector::types::{Connector, Error, ErrorKind, FieldError};
use prism_connector::{FlowContext, HttpResponse};
use serde_json::Value;

/// What Prism reads of `{"error_code", "message", "errors"?}` (the SDKs' reader also takes
/// `errorCode` / `error` and `error_message`, xendit-go `common/common.go`).
#[derive(Debug, Default)]
struct ApiError {
    code: Option<String>,
    message: Option<String>,
    errors: Vec<Value>,
}

fn read(body: &[u8]) -> ApiError {
    let Ok(Value::Object(o)) = serde_json::from_slice::<Value>(body) else {
        return ApiError::default();
    };
    let text = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .map(str::to_owned)
    };
    ApiError {
        code: text(&["error_code", "errorCode", "error"]),
        message: text(&["message", "error_message"]),
        errors: match o.get("errors") {
            Some(Value::Array(a)) => a.clone(),
            _ => Vec::new(),
        },
    }
}

/// Maps a non-2xx Xendit answer. With Prism's reference-derived idempotency key, a key reused
/// with other data (`IDEMPOTENCY_ERROR`, 400) means this reference was used before: a duplicate.
pub(crate) fn parse_error(resp: &HttpResponse, ctx: &FlowContext<'_>) -> Error {
    let api = read(resp.body_without_bom());
    let kind = match (resp.status, api.code.as_deref()) {
        (_, Some("DUPLICATE_END_CUSTOMER_ERROR")) => ErrorKind::AlreadyExists,
        (400, Some("IDEMPOTENCY_ERROR")) if ctx.key_from_reference => ErrorKind::AlreadyExists,
        (400 | 422, Some("API_VALIDATION_ERROR")) => ErrorKind::InvalidRequest,
        (_, Some("INVALID_API_KEY")) => ErrorKind::Authentication,
        (_, Some("REQUEST_FORBIDDEN_ERROR")) => ErrorKind::PermissionDenied,
        (status, _) => kind_for_status(status),
    };
    let mut err = processor_error(
        Connector::Xendit,
        resp,
        None,
        kind,
        api.code.as_deref(),
        api.message.as_deref(),
    );
    if kind == ErrorKind::InvalidRequest {
        for e in &api.errors {
            if let Some(f) = field_error(e) {
                err = err.with_field_error(f);
            }
        }
    }
    // A 409 is a key in flight (or a lock): a retry signal, never a duplicate (SPEC §4).
    match resp.status {
        409 => err.with_retryable(true),
        _ if kind == ErrorKind::AlreadyExists => err.with_retryable(false),
        _ => err,
    }
}

/// One `errors[]` element (`{"field": ["individual_detail", "given_names"], "messages": […],
/// "types": ["string.pattern.base"]}`, the shape of Xendit's validation replies) as a Prism
/// field error. Xendit's messages may quote the value, so only the path and type are kept.
fn field_error(e: &Value) -> Option<FieldError> {
    let path: Vec<String> = match e.get("field")? {
        Value::Array(parts) => parts
            .iter()
            .map(|p| match p {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        Value::String(s) => s.split('.').map(str::to_owned).collect(),
        _ => return None,
    };
    let rule = e
        .pointer("/types/0")
        .and_then(Value::as_str)
        .unwrap_or("rejected");
    Some(FieldError::new(
        prism_path(&path),
        rule,
        "rejected by Xendit",
    ))
}

/// Xendit's field path → Prism's request field.
fn prism_path(path: &[String]) -> String {
    let part = |i: usize| path.get(i).map_or("", String::as_str);
    match part(0) {
        "reference_id" => "merchant_customer_id".into(),
        "individual_detail" => "name".into(),
        "mobile_number" | "phone_number" => "phone".into(),
        "metadata" if path.len() > 1 => format!("metadata.{}", part(1)),
        "addresses" => match path.last().map_or("", String::as_str) {
            "street_line1" => "address.line1".into(),
            "street_line2" => "address.line2".into(),
            "province_state" => "address.state".into(),
            "city" | "postal_code" | "country" => format!("address.{}", part(path.len() - 1)),
            _ => "address".into(),
        },
        _ => path.join("."),
    }
}

#[cfg(test)]
mod tests {
    //! The documented replies (duplicate, validation, invalid key) are read by
    //! `tests/tests/fixtures.rs` against their `expect`; these are the cases no fixture shows.
    use super::*;
    use prism_connector::types::Environment;

    fn parse(status: u16, body: &str, from_reference: bool) -> Error {
        let ctx =
            FlowContext::first(Environment::Sandbox).with_idempotency_key("k", from_reference);
        parse_error(
            &HttpResponse::new(status, vec![], body.as_bytes().to_vec()),
            &ctx,
        )
    }

    #[test]
    fn mapping_table() {
        let body = |code: &str| format!(r#"{{"error_code":"{code}","message":"m"}}"#);
        for (status, code, from_reference, kind, retryable) in [
            (
                400,
                "DUPLICATE_END_CUSTOMER_ERROR",
                false,
                "already_exists",
                false,
            ),
            (400, "IDEMPOTENCY_ERROR", true, "already_exists", false),
            (400, "IDEMPOTENCY_ERROR", false, "processor_error", false),
            (409, "IDEMPOTENCY_ERROR", true, "processor_error", true),
            (400, "INVALID_API_KEY", true, "authentication", false),
            (
                403,
                "REQUEST_FORBIDDEN_ERROR",
                true,
                "permission_denied",
                false,
            ),
            (404, "DATA_NOT_FOUND", true, "processor_error", false),
            (429, "RATE_LIMIT_EXCEEDED", true, "rate_limited", true),
            (500, "SERVER_ERROR", true, "processor_unavailable", true),
            (400, "SOMETHING_NEW", true, "processor_error", false),
        ] {
            let e = parse(status, &body(code), from_reference);
            let got = (e.kind().as_str(), e.is_retryable(), e.connector_code());
            assert_eq!(got, (kind, retryable, Some(code)), "{status} {code}");
        }
    }

    #[test]
    fn validation_errors_name_prism_fields() {
        let body = r#"{"error_code":"API_VALIDATION_ERROR","message":"There was an error with the format submitted to the server.","errors":[
            {"field":["individual_detail","given_names"],"location":"body","messages":["\"given_names\" with value \"José\" fails"],"types":["string.pattern.base"]},
            {"field":["mobile_number"],"messages":["m"]},{"field":["addresses",0,"street_line1"]},{"field":"metadata.plan"},{"nothing":1}]}"#;
        let e = parse(400, body, true);
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        let fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["name", "phone", "address.line1", "metadata.plan"]);
        assert_eq!(e.field_errors()[0].rule, "string.pattern.base");
        assert!(!format!("{e:?}").contains("José"));
    }

    #[test]
    fn odd_bodies_never_panic() {
        for body in [
            "",
            "<html>oops</html>",
            "\u{feff}{",
            "null",
            r#"{"error_code":7,"errors":{}}"#,
        ] {
            for status in [400, 401, 409, 429, 500, 502] {
                assert_eq!(parse(status, body, true).http_status(), Some(status));
            }
        }
    }
}
