//! Paystack failure envelopes → Prism errors. The table is in docs.md ("Error mapping (as
//! implemented)").

use prism_connector::parse::{kind_for_status, processor_error};
use prism_connector::types::{Connector, Error, ErrorKind, FieldError};
use prism_connector::HttpResponse;

use crate::models::ApiError;

/// Maps a non-2xx Paystack answer (or a 2xx whose envelope says `status: false`).
pub(crate) fn parse_error(resp: &HttpResponse) -> Error {
    let api: ApiError = serde_json::from_slice(resp.body_without_bom()).unwrap_or_default();
    let message = match (api.message.as_deref(), api.meta.and_then(|m| m.next_step)) {
        (Some(m), Some(next)) => Some(format!("{m} ({next})")),
        (m, _) => m.map(str::to_owned),
    };
    let code = api.code.as_deref().or(api.kind.as_deref());
    let validation = [api.kind.as_deref(), api.code.as_deref()].contains(&Some("validation_error"));
    let field = api.message.as_deref().and_then(joi_field);
    let kind = match resp.status {
        400 | 200..=299 if validation || field.is_some() => ErrorKind::InvalidRequest,
        200..=299 => ErrorKind::ProcessorError,
        s => kind_for_status(s),
    };
    let mut e = processor_error(
        Connector::Paystack,
        resp,
        None,
        kind,
        code,
        message.as_deref(),
    )
    .with_retryable(matches!(
        kind,
        ErrorKind::RateLimited | ErrorKind::ProcessorUnavailable
    ));
    if let (ErrorKind::InvalidRequest, Some(f)) = (kind, field) {
        let why = api.message.unwrap_or_default();
        e = e.with_field_error(FieldError::new(f, "paystack", why));
    }
    e
}

/// The Prism field a Joi-style message names (`"metadata" must be of type object`).
fn joi_field(message: &str) -> Option<&'static str> {
    let quoted = message.strip_prefix('"')?.split('"').next()?;
    Some(match quoted {
        "email" => "email",
        "first_name" | "last_name" => "name",
        "phone" => "phone",
        "metadata" => "metadata",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(status: u16, body: &str) -> Error {
        parse_error(&HttpResponse::new(status, vec![], body.as_bytes().to_vec()))
    }

    #[test]
    fn envelopes_map_to_kinds() {
        let e = read(
            400,
            r#"{"status":false,"message":"\"metadata\" must be of type object"}"#,
        );
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert_eq!(e.field_errors()[0].field, "metadata");
        let e = read(
            400,
            r#"{"status":false,"message":"Bad","meta":{"nextStep":"Fix it"},"type":"validation_error","code":"invalid_params"}"#,
        );
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert_eq!(e.connector_code(), Some("invalid_params"));
        assert_eq!(e.connector_message(), Some("Bad (Fix it)"));
        let e = read(
            400,
            r#"{"status":false,"message":"Nope","type":"api_error"}"#,
        );
        assert_eq!(
            (e.kind(), e.connector_code()),
            (ErrorKind::ProcessorError, Some("api_error"))
        );
        assert_eq!(
            read(401, r#"{"status":false,"message":"Invalid key"}"#).kind(),
            ErrorKind::Authentication
        );
        assert_eq!(
            read(200, r#"{"status":false,"message":"Declined"}"#).kind(),
            ErrorKind::ProcessorError
        );
        let e = read(500, "null");
        assert!(e.kind() == ErrorKind::ProcessorUnavailable && e.is_retryable());
        for (status, body) in [
            (502, "<html>bad gateway</html>"),
            (404, ""),
            (400, "\u{feff}{}"),
            (429, "[1]"),
        ] {
            let e = read(status, body);
            assert_eq!(e.kind(), kind_for_status(status), "{body}");
        }
    }
}
