//! Authorize.net error answers → Prism errors. The table is in docs.md ("Error mapping (as
//! implemented)").
//!
//! Authorize.net answers application errors with HTTP 200 and `messages.resultCode = "Error"`;
//! [`from_messages`] handles those (called from `parse_response`). [`parse_error`] handles the
//! rare non-2xx answers of the front end (5xx, 429, …), reading an in-band code when one is there.

use prism_connector::parse::{join_messages, kind_for_status, processor_error};
use prism_connector::types::{Connector, Error, ErrorKind, FieldError};
use prism_connector::{CreatedCustomer, FlowContext, HttpResponse};

use crate::models::{Messages, Response};

/// The kind an Authorize.net result code means.
pub(crate) fn kind_for_code(code: &str) -> ErrorKind {
    match code {
        // Duplicate profile (merchantCustomerId + description [+ email]).
        "E00039" => ErrorKind::AlreadyExists,
        // Schema (length, order, type), empty profile, invalid / missing / wrong-length / wrong-type field.
        "E00003" | "E00041" | "E00013" | "E00014" | "E00015" | "E00016" => {
            ErrorKind::InvalidRequest
        }
        // Transaction key invalid, login id invalid, authentication failed, account or user inactive.
        "E00005" | "E00006" | "E00007" | "E00008" => ErrorKind::Authentication,
        // Account in test mode, no permission, access denied, CIM not enabled.
        "E00009" | "E00010" | "E00011" | "E00044" => ErrorKind::PermissionDenied,
        // "An error occurred during processing. Please try again." / maintenance.
        "E00001" | "E00104" => ErrorKind::ProcessorUnavailable,
        // E00002 content type, E00004 method name, E00045 namespace (Prism bugs), and the rest.
        _ => ErrorKind::ProcessorError,
    }
}

/// The first message's code (trimmed) and text.
pub(crate) fn first(messages: &Messages) -> (Option<&str>, Option<&str>) {
    let m = messages.message.first();
    let code = m.and_then(|m| m.code.as_deref()).map(str::trim);
    (code, m.and_then(|m| m.text.as_deref()))
}

/// Reads an in-band error (`resultCode = "Error"`) of a create. An E00039 duplicate is this
/// call's own creation when an earlier attempt of the same call may have been applied: then it is
/// returned as success with the existing id, `replayed = true`.
pub(crate) fn from_messages(
    resp: &HttpResponse,
    messages: &Messages,
    ctx: &FlowContext<'_>,
) -> Result<CreatedCustomer, Error> {
    let (code, text) = first(messages);
    if code == Some("E00039") {
        let existing = text.and_then(duplicate_id);
        let own = existing
            .clone()
            .filter(|_| ctx.earlier_attempt_may_have_applied);
        if let Some(id) = own {
            return Ok(CreatedCustomer {
                connector_customer_id: id,
                replayed: true,
            });
        }
        return Err(duplicate_error(resp, messages, existing));
    }
    Err(in_band(resp, messages))
}

/// An in-band error (`resultCode = "Error"`) by its first code's kind.
pub(crate) fn in_band(resp: &HttpResponse, messages: &Messages) -> Error {
    let code = first(messages).0;
    coded_error(
        resp,
        messages,
        code.map_or(ErrorKind::ProcessorError, kind_for_code),
    )
}

/// Maps a non-2xx answer (undocumented for this API: front-end failures, outages, throttling).
pub(crate) fn parse_error(resp: &HttpResponse, _ctx: &FlowContext<'_>) -> Error {
    let answer = serde_json::from_slice::<Response>(resp.body_without_bom());
    let messages = answer.map(|r| r.messages).unwrap_or_default();
    let (code, text) = first(&messages);
    let kind = match resp.status {
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::ProcessorUnavailable,
        s => code.map_or_else(|| kind_for_status(s), kind_for_code),
    };
    if kind == ErrorKind::AlreadyExists {
        return duplicate_error(resp, &messages, text.and_then(duplicate_id));
    }
    coded_error(resp, &messages, kind)
}

fn duplicate_error(resp: &HttpResponse, messages: &Messages, existing: Option<String>) -> Error {
    coded_error(resp, messages, ErrorKind::AlreadyExists)
        .with_message(
            "a customer profile with this merchant_customer_id (and the same description) already exists at this Authorize.net account (E00039)",
        )
        .with_existing_customer_id(existing)
        .with_retryable(false)
}

fn coded_error(resp: &HttpResponse, messages: &Messages, kind: ErrorKind) -> Error {
    let (code, first_text) = first(messages);
    let code = code.filter(|c| !c.is_empty());
    let text = join_messages(messages.message.iter().filter_map(|m| m.text.as_deref()));
    let c = Connector::AuthorizeDotNet;
    let mut err = processor_error(c, resp, None, kind, code, text.as_deref());
    if kind == ErrorKind::InvalidRequest {
        if let Some(field) = first_text.and_then(schema_field) {
            let rejected = "rejected by Authorize.net";
            err =
                err.with_field_error(FieldError::new(field, code.unwrap_or("rejected"), rejected));
        }
    }
    let retryable = kind == ErrorKind::ProcessorUnavailable || kind == ErrorKind::RateLimited;
    err.with_retryable(retryable)
}

/// The existing profile id in E00039's text: "A duplicate record with ID 1234 already exists."
pub(crate) fn duplicate_id(text: &str) -> Option<String> {
    const MARK: &str = "with ID ";
    let rest = &text[text.find(MARK)? + MARK.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

/// The Prism field an E00003 schema message names, e.g. `…AnetApiSchema.xsd:merchantCustomerId'
/// element is invalid…` → `merchant_customer_id`.
fn schema_field(text: &str) -> Option<&'static str> {
    const MARK: &str = "AnetApiSchema.xsd:";
    let rest = &text[text.find(MARK)? + MARK.len()..];
    let element: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
    Some(match element.as_str() {
        "merchantCustomerId" => "merchant_customer_id",
        "description" => "description",
        "email" => "email",
        "firstName" | "lastName" => "name",
        "phoneNumber" => "phone",
        "address" => "address.line1",
        "city" => "address.city",
        "state" => "address.state",
        "zip" => "address.postal_code",
        "country" => "address.country",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use prism_connector::types::Environment;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(status, vec![], body.as_bytes().to_vec())
    }

    fn in_band(code: &str, text: &str) -> String {
        let message = format!(r#"{{"code":"{code}","text":"{text}"}}"#);
        format!("\u{feff}{{\"messages\":{{\"resultCode\":\"Error\",\"message\":[{message}]}}}}")
    }

    /// An in-band error read in `ctx` (a resend when `resend`).
    fn read(body: &str, resend: bool) -> Result<CreatedCustomer, Error> {
        let r = resp(200, body);
        let parsed: Response = serde_json::from_slice(r.body_without_bom()).expect("json");
        let mut ctx = FlowContext::first(Environment::Sandbox);
        ctx.earlier_attempt_may_have_applied = resend;
        from_messages(&r, &parsed.messages, &ctx)
    }

    /// The codes no fixture covers (tests/fixtures/authorizedotnet: E00001, E00003, E00007,
    /// E00039, E00041, E00044); retryability follows the kind.
    #[test]
    fn mapping_table() {
        use ErrorKind::*;
        for (codes, kind) in [
            ("E00104", ProcessorUnavailable),
            ("E00013 E00014 E00015 E00016", InvalidRequest),
            ("E00005 E00006 E00008", Authentication),
            ("E00009 E00010 E00011", PermissionDenied),
            ("E00002 E00004 E00040 E00045 E99999", ProcessorError),
        ] {
            for code in codes.split_whitespace() {
                let e = read(&in_band(code, "some text"), false).expect_err(code);
                let retry = kind == ProcessorUnavailable;
                assert_eq!((e.kind(), e.is_retryable()), (kind, retry), "{code}");
                assert_eq!(e.connector_code(), Some(code));
            }
        }
    }

    /// A resent call's E00039 is its own creation if the text names the profile (as in
    /// duplicate.json's `after_lost_answer`); the texts' ids and schema fields.
    #[test]
    fn what_the_texts_say() {
        let body = in_band("E00039", "A duplicate record already exists.");
        let e = read(&body, true).expect_err("no id");
        assert_eq!(e.kind(), ErrorKind::AlreadyExists);
        assert_eq!(e.existing_customer_id(), None);
        for (text, id) in [
            ("A duplicate record with ID  already exists.", None),
            ("A duplicate customer payment profile already exists.", None),
            ("with ID 9", Some("9")),
            ("", None),
        ] {
            assert_eq!(duplicate_id(text).as_deref(), id, "{text}");
        }
        let zip = "…AnetApiSchema.xsd:zip' element…";
        assert_eq!(schema_field(zip), Some("address.postal_code"));
        assert_eq!(schema_field("…AnetApiSchema.xsd:profile' has…"), None);
    }

    /// Non-2xx answers (none documented): 5xx by status, others by an in-band code (500, 503 and
    /// 429 from the emulator: the behaviour suite's fault matrix; odd 401s: the conformance
    /// `malformed_success`).
    #[test]
    fn non_2xx_answers() {
        use ErrorKind::*;
        let ctx = FlowContext::first(Environment::Sandbox);
        let dup = in_band("E00039", "A duplicate record with ID 77 already exists.");
        for (status, body, kind) in [
            (502, "<html>bad gateway</html>", ProcessorUnavailable),
            (503, &in_band("E00007", "x"), ProcessorUnavailable),
            (403, "", PermissionDenied),
            (404, "", ProcessorError),
            (400, &in_band("E00003", "x"), InvalidRequest),
            (400, &dup, AlreadyExists),
        ] {
            let e = parse_error(&resp(status, body), &ctx);
            assert_eq!(e.kind(), kind, "{status} {body}");
            assert_eq!(e.is_retryable(), kind == ProcessorUnavailable);
            let id = (kind == AlreadyExists).then_some("77");
            assert_eq!(e.existing_customer_id(), id);
        }
    }

    #[test]
    fn several_messages_are_all_kept() {
        let body = r#"{"messages":{"resultCode":"Error","message":[{"code":"E00013","text":"The field is invalid."},{"code":"E00015","text":"The field length is invalid."}]}}"#;
        let e = read(body, false).expect_err("err");
        assert_eq!(e.connector_code(), Some("E00013"));
        let both = "The field is invalid.; The field length is invalid.";
        assert_eq!(e.connector_message(), Some(both));
    }
}
