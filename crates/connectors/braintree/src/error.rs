//! Braintree error answers → Prism errors. The table is in docs.md ("Error mapping (as
//! implemented)").
//!
//! Validation failures are HTTP 422 with an XML `<api-error-response>` whose nested
//! `<errors>` hold `<error>`s (`code`, `attribute`, `message`), a summary `<message>` and the
//! request's `<params>` echoed back. Every other error status has no documented body: the
//! official SDKs raise by status alone, and Prism names the status with the SDK's exception
//! class as the code.

use prism_connector::parse::{kind_for_status, processor_error};
use prism_connector::types::{Connector, Error, ErrorKind, FieldError};
use prism_connector::HttpResponse;

use crate::models::{parse, Node};

/// Customer id already taken: Braintree's native uniqueness of the reference.
pub(crate) const ID_IN_USE: &str = "91609";

/// Custom field not configured in the Control Panel: account setup, not the caller's data
/// (Prism sends no custom field; kept should that change).
const CUSTOM_FIELD_INVALID: &str = "91602";

/// The official SDKs' exception for a status (braintree_python `Http.raise_exception_from_status`).
fn sdk_name(status: u16) -> &'static str {
    match status {
        401 => "AuthenticationError",
        403 => "AuthorizationError",
        404 => "NotFoundError",
        408 => "RequestTimeoutError",
        426 => "UpgradeRequiredError",
        429 => "TooManyRequestsError",
        500 => "ServerError",
        503 => "ServiceUnavailableError",
        504 => "GatewayTimeoutError",
        _ => "UnexpectedError",
    }
}

/// The Prism field a customer error's `attribute` names.
fn prism_field(attribute: &str) -> Option<&'static str> {
    Some(match attribute {
        "id" => "merchant_customer_id",
        "email" => "email",
        "first_name" | "last_name" => "name",
        "phone" => "phone",
        _ => return None,
    })
}

/// Maps a non-2xx answer.
pub(crate) fn parse_error(resp: &HttpResponse) -> Error {
    let by_status = kind_for_status(resp.status);
    let validation = parse(resp.body_without_bom())
        .ok()
        .filter(|root| root.name == "api-error-response");
    match validation {
        // Credentials, throttling and outages are what the status says, whatever the body.
        Some(root) if !matches!(resp.status, 401 | 403 | 429 | 500..=599) => {
            validation_error(resp, &root)
        }
        _ => {
            let code = sdk_name(resp.status);
            let e = processor_error(
                Connector::Braintree,
                resp,
                None,
                by_status,
                Some(code),
                None,
            );
            e.with_retryable(matches!(
                by_status,
                ErrorKind::RateLimited | ErrorKind::ProcessorUnavailable
            ))
        }
    }
}

/// An `<api-error-response>`: `91609` → `AlreadyExists` naming the id echoed in
/// `<params><customer><id>` (none echoed: the facade's lookup names it); `91602` →
/// `ProcessorError`; any other → `InvalidRequest` with the customer fields named.
pub(crate) fn validation_error(resp: &HttpResponse, root: &Node) -> Error {
    let errors = root.errors();
    let code_of = |e: &Node| e.text_at(&["code"]).map(str::to_owned);
    let codes: Vec<String> = errors.iter().filter_map(|(_, e)| code_of(e)).collect();
    let first_code = codes.first().map(String::as_str);
    let message = root
        .text_at(&["message"])
        .or_else(|| errors.first().and_then(|(_, e)| e.text_at(&["message"])));
    let kind = if codes.iter().any(|c| c == ID_IN_USE) {
        ErrorKind::AlreadyExists
    } else if first_code == Some(CUSTOM_FIELD_INVALID) {
        ErrorKind::ProcessorError
    } else if resp.status == 422 || !errors.is_empty() {
        ErrorKind::InvalidRequest
    } else {
        kind_for_status(resp.status)
    };
    let code = if kind == ErrorKind::AlreadyExists {
        Some(ID_IN_USE)
    } else {
        first_code
    };
    let mut e = processor_error(Connector::Braintree, resp, None, kind, code, message)
        .with_retryable(false);
    match kind {
        ErrorKind::AlreadyExists => {
            let existing = root
                .text_at(&["params", "customer", "id"])
                .or_else(|| root.text_at(&["params", "id"]))
                .map(str::to_owned);
            e = e
                .with_message("a customer with this merchant_customer_id (the Braintree customer id) already exists at this Braintree account (91609)")
                .with_existing_customer_id(existing);
        }
        ErrorKind::InvalidRequest => {
            for (object, err) in &errors {
                let field = err.text_at(&["attribute"]).and_then(prism_field);
                if let (["customer"], Some(field)) = (object.as_slice(), field) {
                    let rule = err.text_at(&["code"]).unwrap_or("rejected");
                    let why = err.text_at(&["message"]).unwrap_or("rejected by Braintree");
                    e = e.with_field_error(FieldError::new(field, rule, why));
                }
            }
        }
        _ => {}
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(status, vec![], body.as_bytes().to_vec())
    }

    fn api_error(code: &str, attribute: &str, params: &str) -> String {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><api-error-response><errors><errors type=\"array\"/><customer><errors type=\"array\"><error><code>{code}</code><message>m {code}</message><attribute type=\"symbol\">{attribute}</attribute></error></errors></customer></errors>{params}<message>m {code}</message></api-error-response>")
    }

    /// The codes no fixture covers; the field each names.
    #[test]
    fn validation_codes() {
        use ErrorKind::*;
        for (code, attribute, kind, field) in [
            ("91610", "id", InvalidRequest, Some("merchant_customer_id")),
            ("91611", "id", InvalidRequest, Some("merchant_customer_id")),
            ("91612", "id", InvalidRequest, Some("merchant_customer_id")),
            ("81605", "email", InvalidRequest, Some("email")),
            ("81608", "first_name", InvalidRequest, Some("name")),
            ("81613", "last_name", InvalidRequest, Some("name")),
            ("81614", "phone", InvalidRequest, Some("phone")),
            ("81601", "company", InvalidRequest, None),
            ("91602", "custom_fields", ProcessorError, None),
            ("99999", "base", InvalidRequest, None),
        ] {
            let e = parse_error(&resp(422, &api_error(code, attribute, "")));
            assert_eq!((e.kind(), e.is_retryable()), (kind, false), "{code}");
            assert_eq!(e.connector_code(), Some(code));
            let named: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
            assert_eq!(named, Vec::from_iter(field), "{code}");
        }
    }

    /// 91609 names the echoed id when there is one; it wins over other errors in the reply.
    #[test]
    fn the_duplicate() {
        let params =
            "<params><customer><id>cust_9</id></customer><merchant-id>m</merchant-id></params>";
        let e = parse_error(&resp(422, &api_error("91609", "id", params)));
        assert_eq!(e.kind(), ErrorKind::AlreadyExists);
        assert_eq!(e.existing_customer_id(), Some("cust_9"));
        let e = parse_error(&resp(422, &api_error("91609", "id", "")));
        assert_eq!(
            (e.kind(), e.existing_customer_id()),
            (ErrorKind::AlreadyExists, None)
        );
        let both = api_error("81604", "email", "").replace(
            "</errors></customer>",
            "<error><code>91609</code><attribute>id</attribute></error></errors></customer>",
        );
        assert_eq!(
            parse_error(&resp(422, &both)).connector_code(),
            Some("91609")
        );
    }

    /// Statuses without a documented body: the status's kind, the SDK's name as the code.
    #[test]
    fn bodiless_statuses() {
        use ErrorKind::*;
        for (status, body, kind, code) in [
            (401, "", Authentication, "AuthenticationError"),
            (
                403,
                "<html>no</html>",
                PermissionDenied,
                "AuthorizationError",
            ),
            (404, "", ProcessorError, "NotFoundError"),
            (426, "", ProcessorError, "UpgradeRequiredError"),
            (
                429,
                &api_error("1", "id", ""),
                RateLimited,
                "TooManyRequestsError",
            ),
            (500, "\u{feff}", ProcessorUnavailable, "ServerError"),
            (
                503,
                "{\"x\":1}",
                ProcessorUnavailable,
                "ServiceUnavailableError",
            ),
            (
                502,
                "<html>bad gateway</html>",
                ProcessorUnavailable,
                "UnexpectedError",
            ),
            (
                400,
                "<api-error-response>",
                ProcessorError,
                "UnexpectedError",
            ),
            (422, "", InvalidRequest, "UnexpectedError"),
        ] {
            let e = parse_error(&resp(status, body));
            assert_eq!(e.kind(), kind, "{status} {body}");
            assert_eq!(e.connector_code(), Some(code), "{status}");
            assert_eq!(
                e.is_retryable(),
                matches!(kind, RateLimited | ProcessorUnavailable)
            );
        }
    }
}
