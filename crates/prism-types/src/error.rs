//! The one error type: kind, SPEC §2 status code, processor detail, retryability, outcome.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::redact::Redactor;
use crate::{Connector, Diagnostics};

/// What went wrong, in one vocabulary for every processor (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request breaks a rule (checked before sending) or the processor rejected the data.
    InvalidRequest,
    /// A customer with this `merchant_customer_id` already exists at this processor account.
    AlreadyExists,
    /// Bad or missing credentials.
    Authentication,
    /// Valid credentials that are not allowed to do this.
    PermissionDenied,
    /// The processor throttled the call (after retries).
    RateLimited,
    /// Any other rejection by the processor (a 4xx), with its code and message.
    ProcessorError,
    /// The processor failed (5xx) after retries.
    ProcessorUnavailable,
    /// The deadline passed.
    Timeout,
    /// A connection-level failure.
    Transport,
    /// A 2xx answer whose body could not be understood.
    UnexpectedResponse,
    /// The processor has no such operation, or the connector is not compiled in.
    Unsupported,
    /// The client is set up wrongly (missing credential, bad base URL, key for the wrong environment).
    Configuration,
}

impl ErrorKind {
    /// The snake_case name (`invalid_request`, …), as in the command line's JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "invalid_request",
            ErrorKind::AlreadyExists => "already_exists",
            ErrorKind::Authentication => "authentication",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::ProcessorError => "processor_error",
            ErrorKind::ProcessorUnavailable => "processor_unavailable",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Transport => "transport",
            ErrorKind::UnexpectedResponse => "unexpected_response",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Configuration => "configuration",
        }
    }

    /// Every kind, in declaration order.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::InvalidRequest,
        ErrorKind::AlreadyExists,
        ErrorKind::Authentication,
        ErrorKind::PermissionDenied,
        ErrorKind::RateLimited,
        ErrorKind::ProcessorError,
        ErrorKind::ProcessorUnavailable,
        ErrorKind::Timeout,
        ErrorKind::Transport,
        ErrorKind::UnexpectedResponse,
        ErrorKind::Unsupported,
        ErrorKind::Configuration,
    ];
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One request field that breaks a rule. Never carries the field's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's path: `email`, `metadata.plan`, `address.country`, …
    pub field: String,
    /// The rule's short name: `required`, `length`, `email`, `phone`, `unsupported`, …
    pub rule: String,
    /// The rule in words.
    pub message: String,
}

impl FieldError {
    /// A field error.
    pub fn new(
        field: impl Into<String>,
        rule: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            rule: rule.into(),
            message: message.into(),
        }
    }
}

/// The one error type of Prism.
///
/// Everything it shows is scrubbed of credentials and personal data before it reaches you.
#[derive(Clone)]
#[non_exhaustive]
pub struct Error(Box<Inner>);

#[derive(Clone, Debug)]
struct Inner {
    kind: ErrorKind,
    message: String,
    connector: Option<Connector>,
    connector_code: Option<String>,
    connector_message: Option<String>,
    http_status: Option<u16>,
    request_id: Option<String>,
    retryable: bool,
    outcome_unknown: bool,
    retry_after: Option<Duration>,
    field_errors: Vec<FieldError>,
    existing_customer_id: Option<String>,
    body_excerpt: Option<String>,
    diagnostics: Option<Diagnostics>,
}

impl Error {
    /// A new error of `kind` with a message. Retryability defaults to the kind's nature
    /// (rate limits and processor failures are retryable).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            connector: None,
            connector_code: None,
            connector_message: None,
            http_status: None,
            request_id: None,
            retryable: matches!(
                kind,
                ErrorKind::RateLimited | ErrorKind::ProcessorUnavailable
            ),
            outcome_unknown: false,
            retry_after: None,
            field_errors: Vec::new(),
            existing_customer_id: None,
            body_excerpt: None,
            diagnostics: None,
        }))
    }

    /// `InvalidRequest` listing every field that breaks a rule.
    pub fn invalid_fields(fields: Vec<FieldError>) -> Self {
        let summary = fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; ");
        let mut e = Error::new(
            ErrorKind::InvalidRequest,
            format!("invalid request: {summary}"),
        );
        e.0.field_errors = fields;
        e
    }

    /// A `Configuration` error.
    pub fn configuration(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Configuration, message)
    }

    /// An `Unsupported` error.
    pub fn unsupported(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Unsupported, message)
    }

    /// An `UnexpectedResponse` error for a body that could not be understood; keeps the status
    /// and a short excerpt (scrubbed later like every other text).
    pub fn unexpected_response(status: u16, body: &[u8], why: impl fmt::Display) -> Self {
        let mut e = Error::new(
            ErrorKind::UnexpectedResponse,
            format!("could not understand the processor's HTTP {status} answer: {why}"),
        );
        e.0.http_status = Some(status);
        e.0.body_excerpt = Some(excerpt(body));
        e
    }

    // ---- builders -------------------------------------------------------------------------

    /// Sets the connector.
    pub fn with_connector(mut self, c: Connector) -> Self {
        self.0.connector = Some(c);
        self
    }
    /// Sets the processor's own error code.
    pub fn with_connector_code(mut self, code: impl Into<String>) -> Self {
        self.0.connector_code = Some(code.into());
        self
    }
    /// Sets the processor's own message.
    pub fn with_connector_message(mut self, msg: impl Into<String>) -> Self {
        self.0.connector_message = Some(msg.into());
        self
    }
    /// Sets the HTTP status the processor answered.
    pub fn with_http_status(mut self, status: u16) -> Self {
        self.0.http_status = Some(status);
        self
    }
    /// Sets the processor's request id.
    pub fn with_request_id(mut self, id: Option<String>) -> Self {
        if id.is_some() {
            self.0.request_id = id;
        }
        self
    }
    /// Marks whether resending may succeed.
    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.0.retryable = retryable;
        self
    }
    /// Marks whether the request may have been applied without an answer coming back.
    pub fn with_outcome_unknown(mut self, unknown: bool) -> Self {
        self.0.outcome_unknown = unknown;
        self
    }
    /// Sets the processor's `Retry-After`.
    pub fn with_retry_after(mut self, after: Option<Duration>) -> Self {
        self.0.retry_after = after;
        self
    }
    /// Sets the id of the customer that already exists.
    pub fn with_existing_customer_id(mut self, id: Option<String>) -> Self {
        self.0.existing_customer_id = id;
        self
    }
    /// Adds a field error.
    pub fn with_field_error(mut self, f: FieldError) -> Self {
        self.0.field_errors.push(f);
        self
    }
    /// Attaches the call's diagnostics.
    pub fn with_diagnostics(mut self, d: Diagnostics) -> Self {
        if self.0.request_id.is_none() {
            self.0.request_id.clone_from(&d.request_id);
        }
        self.0.diagnostics = Some(d);
        self
    }
    /// Replaces the message.
    pub fn with_message(mut self, m: impl Into<String>) -> Self {
        self.0.message = m.into();
        self
    }

    /// Scrubs every text this error carries with `redactor`.
    pub fn scrubbed(mut self, redactor: &Redactor) -> Self {
        let i = &mut *self.0;
        i.message = redactor.scrub(&i.message);
        for t in [
            &mut i.connector_message,
            &mut i.body_excerpt,
            &mut i.connector_code,
        ]
        .into_iter()
        .flatten()
        {
            *t = redactor.scrub(t);
        }
        self
    }

    // ---- accessors ------------------------------------------------------------------------

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
    /// The status code of SPEC §2 (`None` for `Configuration`, which never reached anything).
    pub fn status_code(&self) -> Option<u16> {
        Some(match self.0.kind {
            ErrorKind::InvalidRequest => 422,
            ErrorKind::AlreadyExists => 409,
            ErrorKind::Authentication => 401,
            ErrorKind::PermissionDenied => 403,
            ErrorKind::RateLimited => 429,
            ErrorKind::ProcessorError => match self.0.http_status {
                Some(s) if (400..500).contains(&s) => s,
                _ => 400,
            },
            ErrorKind::ProcessorUnavailable => {
                if self.0.http_status == Some(503) {
                    503
                } else {
                    502
                }
            }
            ErrorKind::Timeout => 504,
            ErrorKind::Transport | ErrorKind::UnexpectedResponse => 502,
            ErrorKind::Unsupported => 501,
            ErrorKind::Configuration => return None,
        })
    }
    /// The HTTP status the processor itself answered, if any answer came.
    pub fn http_status(&self) -> Option<u16> {
        self.0.http_status
    }
    /// Which connector the error came from.
    pub fn connector(&self) -> Option<Connector> {
        self.0.connector
    }
    /// The processor's own error code.
    pub fn connector_code(&self) -> Option<&str> {
        self.0.connector_code.as_deref()
    }
    /// The processor's own message, scrubbed of secrets and personal data.
    pub fn connector_message(&self) -> Option<&str> {
        self.0.connector_message.as_deref()
    }
    /// The processor's request id.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// Whether sending the same call again may succeed.
    pub fn is_retryable(&self) -> bool {
        self.0.retryable
    }
    /// True exactly when the request may have reached the processor (and may have been applied)
    /// while no definite answer came back: a timeout or broken connection after sending, a 5xx,
    /// or a 2xx whose body could not be read. Look the customer up before creating it again
    /// with a processor that has no idempotency.
    pub fn outcome_unknown(&self) -> bool {
        self.0.outcome_unknown
    }
    /// How long the processor asked to wait, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }
    /// The fields that break a rule (for `InvalidRequest`).
    pub fn field_errors(&self) -> &[FieldError] {
        &self.0.field_errors
    }
    /// For `AlreadyExists`: the processor's id of the existing customer, when known.
    pub fn existing_customer_id(&self) -> Option<&str> {
        self.0.existing_customer_id.as_deref()
    }
    /// For `UnexpectedResponse`: a short, scrubbed excerpt of the body.
    pub fn body_excerpt(&self) -> Option<&str> {
        self.0.body_excerpt.as_deref()
    }
    /// How the call went, when it got as far as the executor.
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        self.0.diagnostics.as_ref()
    }
    /// The message.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// `true` for `Timeout`.
    pub fn is_timeout(&self) -> bool {
        self.0.kind == ErrorKind::Timeout
    }
    /// `true` for `AlreadyExists`.
    pub fn is_already_exists(&self) -> bool {
        self.0.kind == ErrorKind::AlreadyExists
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every text inside is scrubbed before an error leaves the executor; Debug adds nothing.
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(c) = self.0.connector {
            write!(f, "{c}: ")?;
        }
        write!(f, "{} ({}", self.0.message, self.0.kind)?;
        if let Some(code) = &self.0.connector_code {
            write!(f, ", code {code}")?;
        }
        if let Some(id) = &self.0.request_id {
            write!(f, ", request {id}")?;
        }
        f.write_str(")")
    }
}

impl std::error::Error for Error {}

/// At most 256 characters of a body, lossily decoded, for diagnostics.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(1024)]);
    let mut s: String = text.chars().take(256).collect();
    if text.chars().count() > 256 || body.len() > 1024 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_follow_the_spec() {
        let code = |k| Error::new(k, "x").status_code();
        assert_eq!(code(ErrorKind::InvalidRequest), Some(422));
        assert_eq!(code(ErrorKind::AlreadyExists), Some(409));
        assert_eq!(code(ErrorKind::Authentication), Some(401));
        assert_eq!(code(ErrorKind::PermissionDenied), Some(403));
        assert_eq!(code(ErrorKind::RateLimited), Some(429));
        assert_eq!(code(ErrorKind::Timeout), Some(504));
        assert_eq!(code(ErrorKind::Unsupported), Some(501));
        assert_eq!(code(ErrorKind::Configuration), None);
        let p = Error::new(ErrorKind::ProcessorError, "x").with_http_status(404);
        assert_eq!(p.status_code(), Some(404));
        let u = Error::new(ErrorKind::ProcessorUnavailable, "x").with_http_status(503);
        assert_eq!(u.status_code(), Some(503));
    }

    #[test]
    fn scrubbing_covers_every_text() {
        let mut r = Redactor::new();
        r.add("John Doe");
        let e =
            Error::unexpected_response(200, b"<html>John Doe john@example.com</html>", "not JSON")
                .with_connector_message("bad John Doe")
                .scrubbed(&r);
        let all = format!("{e} {e:?}");
        assert!(
            !all.contains("John Doe") && !all.contains("john@example.com"),
            "{all}"
        );
    }
}
