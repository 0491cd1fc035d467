//! Stax error answers → Prism errors. The table is in docs.md ("Error mapping (as implemented)").
//!
//! Stax is a Laravel app: validation failures are `{"<field>": ["<message>", …]}` (422), other
//! failures carry `{"error": "…"}`, `{"message": "…"}`, a bare array of strings, or nothing
//! useful. The kind is decided by the HTTP status; the body only adds messages and field paths.

use prism_connector::parse::{kind_for_status, processor_error};
use prism_connector::types::{Connector, Error, ErrorKind, FieldError};
use prism_connector::HttpResponse;
use serde_json::Value;

/// Longest processor message kept (Stax messages are short; a huge body is cut).
const MESSAGE_MAX: usize = 500;

/// Maps a non-2xx Stax answer.
pub(crate) fn parse_error(resp: &HttpResponse) -> Error {
    let kind = classify(resp.status);
    let body: Option<Value> = serde_json::from_slice(resp.body_without_bom()).ok();
    let fields = body.as_ref().map(laravel_fields).unwrap_or_default();
    let message = body
        .as_ref()
        .and_then(|b| top_message(b, &fields))
        .or_else(|| plain_text(resp.body_without_bom()));
    let mut err = processor_error(Connector::Stax, resp, None, kind, None, message.as_deref());
    if kind == ErrorKind::InvalidRequest {
        for f in merge_by_prism_path(&fields) {
            err = err.with_field_error(f);
        }
    }
    // Retryable: 429 (refused before any work) and 5xx (the executor still never resends a Stax
    // create that may have been applied: Stax has no idempotency and no unique reference).
    err.with_retryable(resp.status == 429 || resp.status >= 500)
}

fn classify(status: u16) -> ErrorKind {
    match status {
        // Stax documents 400 as "The request is invalid (e.g., missing parameters)".
        400 | 422 => ErrorKind::InvalidRequest,
        // Stax has no unique reference: a 409 is never a duplicate of merchant_customer_id.
        409 => ErrorKind::ProcessorError,
        _ => kind_for_status(status),
    }
}

/// Laravel's validation shape: each key whose value is an array of strings (or a string).
fn laravel_fields(body: &Value) -> Vec<(String, String)> {
    let Value::Object(map) = body else {
        return Vec::new();
    };
    map.iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "message" | "error" | "errors" | "status" | "code"
            )
        })
        .filter_map(|(k, v)| {
            let msgs = match v {
                Value::Array(items) => {
                    let msgs: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                    (!msgs.is_empty() && msgs.len() == items.len()).then(|| msgs.join(" "))?
                }
                _ => return None,
            };
            Some((k.clone(), msgs))
        })
        .chain(nested_errors(map))
        .collect()
}

/// Newer Laravel versions answer `{"message": "…", "errors": {"field": ["…"]}}`.
fn nested_errors(map: &serde_json::Map<String, Value>) -> Vec<(String, String)> {
    match map.get("errors") {
        Some(inner @ Value::Object(_)) => laravel_fields(inner),
        _ => Vec::new(),
    }
}

/// The message to show: `message`, then `error` (string or `{message}`), then a bare array of
/// strings, then the field messages.
fn top_message(body: &Value, fields: &[(String, String)]) -> Option<String> {
    let direct = match body {
        Value::Object(map) => map
            .get("message")
            .and_then(Value::as_str)
            .or_else(|| {
                map.get("error").and_then(|e| {
                    e.as_str()
                        .or_else(|| e.get("message").and_then(Value::as_str))
                })
            })
            .map(str::to_owned),
        Value::Array(items) => {
            let msgs: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            (!msgs.is_empty()).then(|| msgs.join("; "))
        }
        Value::String(s) => Some(s.clone()),
        _ => None,
    };
    let from_fields = (!fields.is_empty()).then(|| {
        fields
            .iter()
            .map(|(k, m)| format!("{k}: {m}"))
            .collect::<Vec<_>>()
            .join("; ")
    });
    match (direct, from_fields) {
        (Some(d), Some(f)) if !d.is_empty() => Some(cut(&format!("{d} ({f})"))),
        (Some(d), None) if !d.is_empty() => Some(cut(&d)),
        (_, Some(f)) => Some(cut(&f)),
        _ => None,
    }
}

/// A short plain-text body (not HTML, not JSON) as the message.
fn plain_text(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?.trim();
    if text.is_empty() || text.starts_with('<') || text.starts_with('{') || text.starts_with('[') {
        return None;
    }
    Some(cut(text))
}

fn cut(s: &str) -> String {
    if s.chars().count() <= MESSAGE_MAX {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(MESSAGE_MAX).collect();
        out.push('…');
        out
    }
}

/// The Prism path a Stax field name stands for; unknown names are kept as Stax spells them.
pub(crate) fn prism_path(stax_field: &str) -> &str {
    match stax_field {
        "email" => "email",
        "firstname" | "lastname" => "name",
        "phone" => "phone",
        "notes" => "description",
        "reference" => "merchant_customer_id",
        "address_1" => "address.line1",
        "address_2" => "address.line2",
        "address_city" => "address.city",
        "address_state" => "address.state",
        "address_zip" => "address.postal_code",
        "address_country" => "address.country",
        other => other,
    }
}

/// One field error per Prism path (`firstname` and `lastname` both become `name`).
fn merge_by_prism_path(fields: &[(String, String)]) -> Vec<FieldError> {
    let mut out: Vec<FieldError> = Vec::new();
    for (stax, msg) in fields {
        let path = prism_path(stax);
        let msg = cut(msg);
        match out.iter_mut().find(|f| f.field == path) {
            Some(f) => {
                f.message.push(' ');
                f.message.push_str(&msg);
            }
            None => out.push(FieldError::new(path, "rejected_by_processor", msg)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

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

    /// Loads `tests/fixtures/stax/<name>.json` as a response.
    fn fixture(name: &str) -> HttpResponse {
        prism_testkit::fixtures::fixture("stax", name)
    }

    #[test]
    fn mapping_table() {
        let cases = [
            (
                400,
                "{\"message\":\"bad\"}",
                ErrorKind::InvalidRequest,
                false,
            ),
            (
                401,
                "{\"error\":\"Unauthorized\"}",
                ErrorKind::Authentication,
                false,
            ),
            (
                401,
                "[\"not team admin\"]",
                ErrorKind::Authentication,
                false,
            ),
            (403, "{}", ErrorKind::PermissionDenied, false),
            (
                404,
                "{\"id\":\"customer not found\"}",
                ErrorKind::ProcessorError,
                false,
            ),
            (405, "", ErrorKind::ProcessorError, false),
            (
                409,
                "{\"message\":\"conflict\"}",
                ErrorKind::ProcessorError,
                false,
            ),
            (
                422,
                "{\"email\":[\"The email must be a valid email address.\"]}",
                ErrorKind::InvalidRequest,
                false,
            ),
            (
                429,
                "{\"message\":\"Too Many Attempts.\"}",
                ErrorKind::RateLimited,
                true,
            ),
            (
                500,
                "{\"message\":\"Server Error\"}",
                ErrorKind::ProcessorUnavailable,
                true,
            ),
            (
                502,
                "<html>bad gateway</html>",
                ErrorKind::ProcessorUnavailable,
                true,
            ),
            (503, "", ErrorKind::ProcessorUnavailable, true),
        ];
        for (status, body, kind, retry) in cases {
            let e = parse_error(&resp(status, body, &[]));
            assert_eq!(
                (e.kind(), e.is_retryable()),
                (kind, retry),
                "{status} {body}"
            );
            assert_eq!(e.http_status(), Some(status));
            assert_eq!(e.connector(), Some(Connector::Stax));
            assert_ne!(e.kind(), ErrorKind::AlreadyExists);
        }
    }

    #[test]
    fn every_fixture_maps() {
        let e = parse_error(&fixture("auth_failed"));
        assert_eq!(e.kind(), ErrorKind::Authentication);
        assert_eq!(e.connector_message(), Some("Unauthorized"));

        let e = parse_error(&fixture("invalid_email"));
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert_eq!(e.field_errors().len(), 1);
        assert_eq!(e.field_errors()[0].field, "email");
        assert_eq!(
            e.field_errors()[0].message,
            "The email must be a valid email address."
        );

        let e = parse_error(&fixture("missing_identity"));
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        let mut fields: Vec<_> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["company", "email", "name"]);
        let name = e
            .field_errors()
            .iter()
            .find(|f| f.field == "name")
            .expect("name");
        assert!(name.message.contains("firstname") && name.message.contains("lastname"));

        let e = parse_error(&fixture("rate_limited"));
        assert_eq!(e.kind(), ErrorKind::RateLimited);
        assert!(e.is_retryable());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(60)));
        assert_eq!(e.connector_message(), Some("Too Many Attempts."));

        let e = parse_error(&fixture("server_error"));
        assert_eq!(e.kind(), ErrorKind::ProcessorUnavailable);
        assert!(e.is_retryable());
        assert_eq!(e.connector_message(), Some("Server Error"));
    }

    #[test]
    fn retry_after_is_honoured() {
        let e = parse_error(&resp(429, "", &[("Retry-After", "3600")]));
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3600)));
        let e = parse_error(&resp(429, "", &[("Retry-After", "soon")]));
        assert_eq!(e.retry_after(), None);
    }

    #[test]
    fn stax_fields_map_back_to_prism_paths() {
        let body = json!({
            "firstname": ["a"], "phone": ["The phone format is invalid."], "address_1": ["b"],
            "address_2": ["c"], "address_city": ["d"], "address_state": ["The address_state must not be greater than 2 characters."],
            "address_zip": ["e"], "address_country": ["f"], "notes": ["g"], "reference": ["h"], "options": ["i"]
        });
        let e = parse_error(&resp(422, &body.to_string(), &[]));
        let mut fields: Vec<_> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "address.city",
                "address.country",
                "address.line1",
                "address.line2",
                "address.postal_code",
                "address.state",
                "description",
                "merchant_customer_id",
                "name",
                "options",
                "phone"
            ]
        );
        // Newer Laravel nests them under `errors`.
        let body = r#"{"message":"The given data was invalid.","errors":{"email":["The email must be a valid email address."]}}"#;
        let e = parse_error(&resp(422, body, &[]));
        assert_eq!(e.field_errors()[0].field, "email");
        assert!(e
            .connector_message()
            .is_some_and(|m| m.starts_with("The given data was invalid.")));
    }

    #[test]
    fn odd_bodies_never_panic() {
        let huge = "x".repeat(1 << 20);
        let huge_json = format!("{{\"email\":[\"{huge}\"]}}");
        let bodies = [
            "",
            "null",
            "true",
            "7",
            "\"just a string\"",
            "<html>oops</html>",
            "\u{feff}{",
            "\u{feff}{\"error\":\"Unauthorized\"}",
            "{\"email\":",
            "{\"email\":[1,2]}",
            "{\"email\":[]}",
            "{\"error\":{\"message\":\"nested\"}}",
            "{\"error\":7}",
            "[1,{\"a\":2}]",
            "plain text failure",
            huge.as_str(),
            huge_json.as_str(),
        ];
        for body in bodies {
            for status in [400, 401, 403, 404, 409, 422, 429, 500, 502, 504] {
                let e = parse_error(&resp(status, body, &[]));
                assert_eq!(e.http_status(), Some(status));
                assert!(e
                    .connector_message()
                    .is_none_or(|m| m.chars().count() <= MESSAGE_MAX + 1));
                assert!(e
                    .field_errors()
                    .iter()
                    .all(|f| f.message.chars().count() <= MESSAGE_MAX + 1));
            }
        }
        let e = parse_error(&resp(401, "\u{feff}{\"error\":\"Unauthorized\"}", &[]));
        assert_eq!(e.connector_message(), Some("Unauthorized"));
        let e = parse_error(&resp(500, "plain text failure", &[]));
        assert_eq!(e.connector_message(), Some("plain text failure"));
        let e = parse_error(&resp(500, "<html>oops</html>", &[]));
        assert_eq!(e.connector_message(), None);
    }
}
