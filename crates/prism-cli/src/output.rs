//! The JSON the program prints for errors.

use prism::{Error, FieldError};
use serde::Serialize;

/// The document printed on stderr for a failed command: `{"error": {...}}`.
#[derive(Debug, Serialize)]
pub struct ErrorDocument<'a> {
    /// The error.
    pub error: ErrorBody<'a>,
}

/// The error's fields, in the order they are printed. Everything in a [`prism::Error`] is
/// already scrubbed of secrets and personal data.
#[derive(Debug, Serialize)]
pub struct ErrorBody<'a> {
    /// `invalid_request`, `already_exists`, …
    pub kind: &'static str,
    /// The status code of SPEC §2 (`null` for `configuration`).
    pub status_code: Option<u16>,
    /// What went wrong, in words.
    pub message: &'a str,
    /// The connector, when one was involved.
    pub connector: Option<&'static str>,
    /// The processor's own error code.
    pub connector_code: Option<&'a str>,
    /// The processor's own message.
    pub connector_message: Option<&'a str>,
    /// The processor's request id.
    pub request_id: Option<&'a str>,
    /// Every field that breaks a rule (`invalid_request`).
    pub fields: &'a [FieldError],
    /// True when the request may have been applied although no answer came back.
    pub outcome_unknown: bool,
    /// For `already_exists`: the existing customer's id, when the processor said.
    pub existing_customer_id: Option<&'a str>,
    /// How long the processor asked to wait (`rate_limited`).
    pub retry_after_ms: Option<u64>,
}

/// `{"error": {...}}` for a Prism error.
pub fn error_json(e: &Error) -> ErrorDocument<'_> {
    ErrorDocument {
        error: ErrorBody {
            kind: e.kind().as_str(),
            status_code: e.status_code(),
            message: e.message(),
            connector: e.connector().map(|c| c.as_str()),
            connector_code: e.connector_code(),
            connector_message: e.connector_message(),
            request_id: e.request_id(),
            fields: e.field_errors(),
            outcome_unknown: e.outcome_unknown(),
            existing_customer_id: e.existing_customer_id(),
            retry_after_ms: e
                .retry_after()
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        },
    }
}

/// Pretty JSON text of `v`.
pub fn pretty(v: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(v)
        .unwrap_or_else(|e| format!("{{\"error\": \"could not serialize: {e}\"}}"))
}

#[cfg(test)]
mod tests {
    use prism::{Connector, ErrorKind, FieldError};

    use super::*;

    #[test]
    fn error_json_has_every_key() {
        let e = Error::invalid_fields(vec![FieldError::new(
            "email",
            "email",
            "must be a valid email address",
        )])
        .with_connector(Connector::Stripe);
        let v = serde_json::to_value(error_json(&e)).unwrap_or_default();
        let err = &v["error"];
        assert_eq!(err["kind"], "invalid_request");
        assert_eq!(err["status_code"], 422);
        assert_eq!(err["connector"], "stripe");
        assert_eq!(err["fields"][0]["field"], "email");
        assert_eq!(err["outcome_unknown"], false);
        for key in [
            "message",
            "connector_code",
            "request_id",
            "existing_customer_id",
        ] {
            assert!(err.get(key).is_some(), "{key} missing");
        }
        let c = serde_json::to_value(error_json(&Error::new(ErrorKind::Configuration, "x")))
            .unwrap_or_default();
        assert!(c["error"]["status_code"].is_null());
    }
}
