//! Authorize.net error answers → Prism errors. The table is in docs.md ("Error mapping (as
//! implemented)").
//!
//! Authorize.net answers application errors with HTTP 200 and `messages.resultCode = "Error"`;
//! [`from_messages`] handles those (called from `parse_response`). [`parse_error`] handles the
//! rare non-2xx answers of the front end (5xx, 429, …), reading an in-band code when one is there.

use prism_connector::parse::{kind_for_status, processor_error};
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

/// Reads an in-band error (`resultCode = "Error"`) of a create. An E00039 duplicate is this
/// call's own creation when an earlier attempt of the same call may have been applied: then it is
/// returned as success with the existing id, `replayed = true`.
pub(crate) fn from_messages(
    resp: &HttpResponse,
    messages: &Messages,
    ctx: &FlowContext<'_>,
) -> Result<CreatedCustomer, Error> {
    let first = messages.message.first();
    let code = first.and_then(|m| m.code.as_deref()).map(str::trim);
    if code == Some("E00039") {
        let existing = first.and_then(|m| m.text.as_deref()).and_then(duplicate_id);
        if ctx.earlier_attempt_may_have_applied {
            if let Some(id) = existing.clone() {
                return Ok(CreatedCustomer {
                    connector_customer_id: id,
                    replayed: true,
                });
            }
        }
        return Err(duplicate_error(resp, messages, existing));
    }
    Err(coded_error(
        resp,
        messages,
        code.map(kind_for_code).unwrap_or(ErrorKind::ProcessorError),
    ))
}

/// Maps a non-2xx answer (undocumented for this API: front-end failures, outages, throttling).
pub(crate) fn parse_error(resp: &HttpResponse, _ctx: &FlowContext<'_>) -> Error {
    let messages = serde_json::from_slice::<Response>(resp.body_without_bom())
        .ok()
        .and_then(|r| r.messages)
        .unwrap_or_default();
    let code = messages
        .message
        .first()
        .and_then(|m| m.code.as_deref())
        .map(str::trim);
    let kind = match resp.status {
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::ProcessorUnavailable,
        s => code
            .map(kind_for_code)
            .unwrap_or_else(|| kind_for_status(s)),
    };
    if kind == ErrorKind::AlreadyExists {
        let existing = messages
            .message
            .first()
            .and_then(|m| m.text.as_deref())
            .and_then(duplicate_id);
        return duplicate_error(resp, &messages, existing);
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
    let first = messages.message.first();
    let code = first
        .and_then(|m| m.code.as_deref())
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let text = joined_text(messages);
    let mut err = processor_error(
        Connector::AuthorizeDotNet,
        resp,
        None,
        kind,
        code,
        text.as_deref(),
    );
    if kind == ErrorKind::InvalidRequest {
        if let Some(field) = first.and_then(|m| m.text.as_deref()).and_then(schema_field) {
            err = err.with_field_error(FieldError::new(
                field,
                code.unwrap_or("rejected"),
                "rejected by Authorize.net",
            ));
        }
    }
    let retryable = kind == ErrorKind::ProcessorUnavailable || kind == ErrorKind::RateLimited;
    err.with_retryable(retryable)
}

/// Every message text, in order (normally there is one).
fn joined_text(messages: &Messages) -> Option<String> {
    let texts: Vec<&str> = messages
        .message
        .iter()
        .filter_map(|m| m.text.as_deref())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    (!texts.is_empty()).then(|| texts.join(" | "))
}

/// The existing profile id in E00039's text: "A duplicate record with ID 1234 already exists."
pub(crate) fn duplicate_id(text: &str) -> Option<String> {
    const MARK: &str = "with ID ";
    let start = text.find(MARK)? + MARK.len();
    let digits: String = text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then_some(digits)
}

/// The Prism field an E00003 schema message names, e.g. `…AnetApiSchema.xsd:merchantCustomerId'
/// element is invalid…` → `merchant_customer_id`.
fn schema_field(text: &str) -> Option<&'static str> {
    const MARK: &str = "AnetApiSchema.xsd:";
    let start = text.find(MARK)? + MARK.len();
    let element: String = text[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
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
        format!(
            "\u{feff}{{\"messages\":{{\"resultCode\":\"Error\",\"message\":[{{\"code\":\"{code}\",\"text\":\"{text}\"}}]}}}}"
        )
    }

    fn messages(body: &str) -> Messages {
        let r: Response = serde_json::from_slice(resp(200, body).body_without_bom()).expect("json");
        r.messages.expect("messages")
    }

    fn first_ctx() -> FlowContext<'static> {
        FlowContext::first(Environment::Sandbox)
    }

    #[test]
    fn mapping_table() {
        use ErrorKind::*;
        let cases = [
            ("E00001", ProcessorUnavailable, true),
            ("E00104", ProcessorUnavailable, true),
            ("E00002", ProcessorError, false),
            ("E00003", InvalidRequest, false),
            ("E00004", ProcessorError, false),
            ("E00005", Authentication, false),
            ("E00006", Authentication, false),
            ("E00007", Authentication, false),
            ("E00008", Authentication, false),
            ("E00009", PermissionDenied, false),
            ("E00010", PermissionDenied, false),
            ("E00011", PermissionDenied, false),
            ("E00013", InvalidRequest, false),
            ("E00014", InvalidRequest, false),
            ("E00015", InvalidRequest, false),
            ("E00016", InvalidRequest, false),
            ("E00039", AlreadyExists, false),
            ("E00040", ProcessorError, false),
            ("E00041", InvalidRequest, false),
            ("E00044", PermissionDenied, false),
            ("E00045", ProcessorError, false),
            ("E99999", ProcessorError, false),
        ];
        for (code, kind, retry) in cases {
            let body = in_band(code, "some text");
            let e =
                from_messages(&resp(200, &body), &messages(&body), &first_ctx()).expect_err(code);
            assert_eq!((e.kind(), e.is_retryable()), (kind, retry), "{code}");
            assert_eq!(e.connector_code(), Some(code));
            assert_eq!(e.http_status(), Some(200));
        }
    }

    #[test]
    fn duplicate_carries_the_existing_id() {
        let body = "\u{feff}{\"customerPaymentProfileIdList\":[],\"customerShippingAddressIdList\":[],\"validationDirectResponseList\":[],\"messages\":{\"resultCode\":\"Error\",\"message\":[{\"code\":\"E00039\",\"text\":\"A duplicate record with ID 1220992516 already exists.\"}]}}";
        let e = from_messages(&resp(200, body), &messages(body), &first_ctx()).expect_err("dup");
        assert_eq!(e.kind(), ErrorKind::AlreadyExists);
        assert_eq!(e.existing_customer_id(), Some("1220992516"));
        assert_eq!(e.status_code(), Some(409));
        assert!(!e.is_retryable());
    }

    #[test]
    fn duplicate_after_a_lost_answer_is_our_own_creation() {
        let body = in_band("E00039", "A duplicate record with ID 1234 already exists.");
        let mut ctx = first_ctx();
        ctx.attempt = 2;
        ctx.earlier_attempt_may_have_applied = true;
        let ok = from_messages(&resp(200, &body), &messages(&body), &ctx).expect("own creation");
        assert_eq!(
            ok,
            CreatedCustomer {
                connector_customer_id: "1234".into(),
                replayed: true
            }
        );
        // Without an id in the text there is nothing to return: still AlreadyExists.
        let body = in_band("E00039", "A duplicate record already exists.");
        let e = from_messages(&resp(200, &body), &messages(&body), &ctx).expect_err("no id");
        assert_eq!(e.kind(), ErrorKind::AlreadyExists);
        assert_eq!(e.existing_customer_id(), None);
    }

    #[test]
    fn duplicate_id_parsing() {
        assert_eq!(
            duplicate_id("A duplicate record with ID 1234 already exists.").as_deref(),
            Some("1234")
        );
        assert_eq!(
            duplicate_id("A duplicate record with ID  already exists."),
            None
        );
        assert_eq!(
            duplicate_id("A duplicate customer payment profile already exists."),
            None
        );
        assert_eq!(duplicate_id("with ID 9"), Some("9".into()));
        assert_eq!(duplicate_id(""), None);
    }

    #[test]
    fn schema_errors_name_the_field() {
        let text = "The 'AnetApi/xml/v1/schema/AnetApiSchema.xsd:merchantCustomerId' element is invalid - The value &#39;ODOO-1000000-bf538bf4&#39; is invalid according to its datatype 'String' - The actual length is greater than the MaxLength value.";
        let body = in_band("E00003", text);
        let e =
            from_messages(&resp(200, &body), &messages(&body), &first_ctx()).expect_err("schema");
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert_eq!(e.field_errors()[0].field, "merchant_customer_id");
        assert_eq!(
            schema_field("…AnetApiSchema.xsd:zip' element…"),
            Some("address.postal_code")
        );
        assert_eq!(
            schema_field("…AnetApiSchema.xsd:profile' has invalid child…"),
            None
        );
    }

    #[test]
    fn non_2xx_answers() {
        let ctx = first_ctx();
        let cases = [
            (500, "", ErrorKind::ProcessorUnavailable, true),
            (
                502,
                "<html>bad gateway</html>",
                ErrorKind::ProcessorUnavailable,
                true,
            ),
            (
                503,
                &in_band("E00007", "x"),
                ErrorKind::ProcessorUnavailable,
                true,
            ),
            (429, "", ErrorKind::RateLimited, true),
            (401, "", ErrorKind::Authentication, false),
            (403, "", ErrorKind::PermissionDenied, false),
            (404, "", ErrorKind::ProcessorError, false),
            (
                400,
                &in_band("E00003", "x"),
                ErrorKind::InvalidRequest,
                false,
            ),
            (
                400,
                &in_band("E00039", "A duplicate record with ID 77 already exists."),
                ErrorKind::AlreadyExists,
                false,
            ),
        ];
        for (status, body, kind, retry) in cases {
            let e = parse_error(&resp(status, body), &ctx);
            assert_eq!(
                (e.kind(), e.is_retryable()),
                (kind, retry),
                "{status} {body}"
            );
            assert_eq!(e.http_status(), Some(status));
        }
        let e = parse_error(
            &resp(
                400,
                &in_band("E00039", "A duplicate record with ID 77 already exists."),
            ),
            &ctx,
        );
        assert_eq!(e.existing_customer_id(), Some("77"));
    }

    #[test]
    fn several_messages_are_all_kept() {
        let body = "{\"messages\":{\"resultCode\":\"Error\",\"message\":[{\"code\":\"E00013\",\"text\":\"The field is invalid.\"},{\"code\":\"E00015\",\"text\":\"The field length is invalid.\"}]}}";
        let e = from_messages(&resp(200, body), &messages(body), &first_ctx()).expect_err("err");
        assert_eq!(e.connector_code(), Some("E00013"));
        assert_eq!(
            e.connector_message(),
            Some("The field is invalid. | The field length is invalid.")
        );
        // A single object instead of an array is read too.
        let body = "{\"messages\":{\"resultCode\":\"Error\",\"message\":{\"code\":\"E00007\",\"text\":\"x\"}}}";
        let e = from_messages(&resp(200, body), &messages(body), &first_ctx()).expect_err("err");
        assert_eq!(e.kind(), ErrorKind::Authentication);
    }

    #[test]
    fn odd_bodies_never_panic() {
        let huge = format!(
            "\u{feff}{{\"messages\":{{\"message\":[{{\"text\":\"{}\"}}]}}}}",
            "x".repeat(2_000_000)
        );
        let bodies = [
            "",
            "<html>oops</html>",
            "\u{feff}",
            "\u{feff}{",
            "null",
            "[]",
            "{\"messages\":7}",
            "{\"messages\":{\"message\":[null]}}",
            huge.as_str(),
        ];
        for body in bodies {
            for status in [400, 401, 404, 429, 500, 502] {
                let e = parse_error(&resp(status, body), &first_ctx());
                assert_eq!(e.http_status(), Some(status));
            }
        }
        // Non-UTF-8 bytes.
        let r = HttpResponse::new(500, vec![], vec![0xEF, 0xBB, 0xBF, 0xFF, 0xFE, b'{']);
        assert_eq!(
            parse_error(&r, &first_ctx()).kind(),
            ErrorKind::ProcessorUnavailable
        );
    }
}
