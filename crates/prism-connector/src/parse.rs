//! Reading processor answers: JSON that survives odd bodies, the created-customer value, and the
//! parts of error mapping every connector fills the same way (kind by status, request id,
//! `Retry-After`).

use std::time::Duration;

use prism_types::{Connector, Error, ErrorKind};
use serde::de::DeserializeOwned;

use crate::HttpResponse;

/// Parses a JSON body into `T`, tolerating a byte-order mark; anything else (empty body, HTML,
/// truncated JSON, wrong shape) becomes `UnexpectedResponse` with the status and an excerpt.
pub fn parse_json<T: DeserializeOwned>(resp: &HttpResponse) -> Result<T, Error> {
    let body = resp.body_without_bom();
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::unexpected_response(resp.status, body, "empty body"));
    }
    serde_json::from_slice(body).map_err(|e| {
        let why = if body.first() == Some(&b'<') {
            "an HTML or XML page instead of JSON".to_owned()
        } else {
            format!("invalid JSON ({})", e.classify_name())
        };
        Error::unexpected_response(resp.status, body, why)
    })
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected shape",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

/// A fresh creation (not a replay) named by `id`; an empty or blank id is an
/// `UnexpectedResponse`, since nothing could later refer to that customer.
pub fn created(resp: &HttpResponse, id: String) -> Result<crate::CreatedCustomer, Error> {
    if id.trim().is_empty() {
        return Err(Error::unexpected_response(
            resp.status,
            &resp.body,
            "the customer has an empty id",
        ));
    }
    Ok(crate::CreatedCustomer {
        connector_customer_id: id,
        replayed: false,
    })
}

/// The kind a bare HTTP status means when the processor's body says nothing more specific.
pub fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        401 => ErrorKind::Authentication,
        403 => ErrorKind::PermissionDenied,
        422 => ErrorKind::InvalidRequest,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::ProcessorUnavailable,
        _ => ErrorKind::ProcessorError,
    }
}

/// An error for a processor's non-2xx (or error-in-2xx) answer, with the parts every connector
/// fills the same way: connector, HTTP status, request id (from `request_id_header`),
/// `Retry-After`, and retryability by kind (429 and 5xx).
pub fn processor_error(
    connector: Connector,
    resp: &HttpResponse,
    request_id_header: Option<&str>,
    kind: ErrorKind,
    code: Option<&str>,
    message: Option<&str>,
) -> Error {
    let text = match (code, message) {
        (_, Some(m)) => format!(
            "{} answered HTTP {}: {m}",
            connector.display_name(),
            resp.status
        ),
        (Some(c), None) => format!(
            "{} answered HTTP {} ({c})",
            connector.display_name(),
            resp.status
        ),
        (None, None) => format!("{} answered HTTP {}", connector.display_name(), resp.status),
    };
    let mut e = Error::new(kind, text)
        .with_connector(connector)
        .with_http_status(resp.status)
        .with_request_id(
            request_id_header
                .and_then(|h| resp.header(h))
                .map(str::to_owned),
        )
        .with_retry_after(retry_after(resp));
    if let Some(c) = code {
        e = e.with_connector_code(c);
    }
    if let Some(m) = message {
        e = e.with_connector_message(m);
    }
    e
}

/// The `Retry-After` header in seconds (the HTTP-date form is not used by any processor here and
/// is ignored).
pub fn retry_after(resp: &HttpResponse) -> Option<Duration> {
    let v = resp.header("retry-after")?.trim();
    v.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(86_400.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_bodies_are_typed_errors() {
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct T {
            id: String,
        }
        for body in [
            &b""[..],
            b"<html>502</html>",
            b"{\"id\":",
            b"\xEF\xBB\xBF",
            b"[1]",
        ] {
            let r = HttpResponse::new(200, vec![], body.to_vec());
            let e = parse_json::<T>(&r).err().expect("error");
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
        }
        let ok = HttpResponse::new(200, vec![], b"\xEF\xBB\xBF{\"id\":\"x\"}".to_vec());
        assert!(parse_json::<T>(&ok).is_ok());
    }
}
