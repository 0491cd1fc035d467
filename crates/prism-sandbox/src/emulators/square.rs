//! Square: `POST /customers`, as described in `crates/connectors/square/docs.md`
//! ("Emulator notes") and `tests/fixtures/square/`.
// TODO(scaffold): the processor's auth check, body, validation rules, error bodies, id format,
// idempotency and duplicate behaviour, request-id header — each from its documentation.
#![cfg(feature = "square")]

use prism_types::Connector;
use serde_json::{json, Value};

use super::{Emulator, Reply, SharedState};
use crate::kit::create::{self, CreateProtocol, Created, Incoming};
use crate::kit::email::{DomainChars, EmailSyntax, LocalPart};
use crate::kit::{auth, ids, json, routes};

/// The API key the emulator accepts.
pub(crate) const SANDBOX_KEY: &str = "square_test_prism_sandbox";
/// The email rule.
const EMAIL: EmailSyntax = EmailSyntax::new(true, LocalPart::Any, 2, DomainChars::Any);

/// The Square emulator.
#[derive(Clone, Copy)]
pub(crate) struct SquareEmulator;

impl Emulator for SquareEmulator {
    fn connector(&self) -> Connector {
        Connector::Square
    }

    fn router(&self, state: SharedState) -> axum::Router {
        let routes = axum::Router::new().route("/customers", create::post(Create, state));
        routes::with_fallbacks(*self, routes)
    }

    fn error_body(&self, status: u16) -> Reply {
        let code = match status {
            401 => "unauthorized",
            404 => "not_found",
            429 => "rate_limited",
            400..=499 => "invalid_request",
            _ => "server_error",
        };
        error(status, code)
    }

    fn credentials(&self) -> &'static [(&'static str, &'static str)] {
        &[("PRISM_SQUARE_API_KEY", SANDBOX_KEY)]
    }
}

/// An error answer.
fn error(status: u16, code: &str) -> Reply {
    Reply::json(status, &json!({ "code": code, "message": code }))
}

/// `POST /customers`: bearer key → JSON body → validation → store.
struct Create;

impl CreateProtocol for Create {
    const CONNECTOR: Connector = Connector::Square;
    type Caller = ();
    type Parsed = serde_json::Map<String, Value>;
    type Valid = serde_json::Map<String, Value>;

    fn authenticate(&self, req: &Incoming) -> Result<(), Reply> {
        match auth::bearer(&req.headers) {
            Some(SANDBOX_KEY) => Ok(()),
            _ => Err(error(401, "unauthorized")),
        }
    }

    fn parse(&self, _: &(), req: &Incoming) -> Result<Self::Parsed, Reply> {
        json::object(&req.body).ok_or_else(|| error(400, "invalid_json"))
    }

    fn validate(&self, _: &(), body: Self::Parsed) -> Result<Self::Valid, Reply> {
        match body.get("email").and_then(Value::as_str) {
            Some(e) if !EMAIL.accepts(e) => Err(error(422, "invalid_email")),
            _ => Ok(body),
        }
    }

    fn store(&self, _: &(), _: &SharedState, body: Self::Valid) -> Created {
        let reference = body.get("reference").and_then(Value::as_str).map(str::to_owned);
        let email = body.get("email").and_then(Value::as_str).map(str::to_owned);
        let mut customer = body;
        customer.insert("id".into(), json!(format!("cus_{}", ids::alnum(16))));
        let customer = Value::Object(customer);
        let reply = Reply::json(201, &customer);
        Ok((create::stored(customer, reference, email), reply))
    }
}
