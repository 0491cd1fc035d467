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
    //! The documented replies (401, 422, 429, 500) are read by `tests/tests/fixtures.rs` against
    //! their `expect`; these are the statuses and body shapes no fixture shows.
    use super::*;

    fn parse(status: u16, body: &str) -> Error {
        parse_error(&HttpResponse::new(status, vec![], body.as_bytes().to_vec()))
    }

    #[test]
    fn mapping_table() {
        for (status, body, kind, retryable) in [
            (400, r#"{"message":"bad"}"#, "invalid_request", false),
            (401, r#"["not team admin"]"#, "authentication", false),
            (403, "{}", "permission_denied", false),
            (404, r#"{"id":"not found"}"#, "processor_error", false),
            (405, "", "processor_error", false),
            (409, r#"{"message":"conflict"}"#, "processor_error", false),
            (502, "<html>502</html>", "processor_unavailable", true),
            (503, "", "processor_unavailable", true),
        ] {
            let e = parse(status, body);
            let got = (e.kind().as_str(), e.is_retryable(), e.http_status());
            assert_eq!(got, (kind, retryable, Some(status)), "{status} {body}");
            assert_eq!(e.connector(), Some(Connector::Stax));
        }
    }

    #[test]
    fn stax_fields_map_back_to_prism_paths() {
        let body = r#"{"firstname":["a"],"lastname":["b"],"phone":["c"],"address_1":["d"],
            "address_2":["e"],"address_city":["f"],"address_state":["g"],"address_zip":["h"],
            "address_country":["i"],"notes":["j"],"reference":["k"],"options":["l"]}"#;
        let e = parse(422, body);
        let mut fields: Vec<_> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        fields.sort_unstable();
        let want = [
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
            "phone",
        ];
        assert_eq!(fields, want);
        // firstname and lastname are one Prism field, with both messages.
        let name = e.field_errors().iter().find(|f| f.field == "name");
        assert_eq!(name.map(|f| f.message.as_str()), Some("a b"));
        // Newer Laravel nests them under `errors`.
        let body = r#"{"message":"The given data was invalid.","errors":{"email":["x"]}}"#;
        let e = parse(422, body);
        assert_eq!(e.field_errors()[0].field, "email");
        let message = e.connector_message().unwrap_or_default();
        assert!(
            message.starts_with("The given data was invalid."),
            "{message}"
        );
    }

    #[test]
    fn odd_bodies_never_panic() {
        let huge = "x".repeat(1 << 20);
        let huge_json = format!(r#"{{"email":["{huge}"]}}"#);
        for body in [
            "",
            "null",
            "7",
            r#""just a string""#,
            "\u{feff}{",
            r#"{"email":[1,2]}"#,
            r#"{"email":[]}"#,
            r#"{"error":7}"#,
            r#"[1,{"a":2}]"#,
            &huge,
            &huge_json,
        ] {
            for status in [400, 401, 409, 422, 429, 500] {
                let e = parse(status, body);
                assert_eq!(e.http_status(), Some(status));
                let short = |m: &str| m.chars().count() <= MESSAGE_MAX + 1;
                assert!(e.connector_message().is_none_or(short));
                assert!(e.field_errors().iter().all(|f| short(&f.message)));
            }
        }
        for (body, message) in [
            ("\u{feff}{\"error\":\"Unauthorized\"}", Some("Unauthorized")),
            (r#"{"error":{"message":"nested"}}"#, Some("nested")),
            ("plain text failure", Some("plain text failure")),
            ("<html>oops</html>", None),
        ] {
            assert_eq!(parse(500, body).connector_message(), message, "{body}");
        }
    }
}
