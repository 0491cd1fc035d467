//! Paystack: `POST /customer` and `GET /customer/{email_or_code}`, as described in
//! `crates/connectors/paystack/EMULATOR.md` and `docs.md`, with the replies of
//! `tests/fixtures/paystack/`.
//!
//! - Auth: `Authorization: Bearer <secret key>`; no header → 401 "No Authorization Header was
//!   found", any other key (a `pk_…` one included) → 401 "Invalid key".
//! - Body: JSON (with or without a JSON `Content-Type`) or a form; malformed JSON → 400.
//! - Validation (400 `validation_error` envelopes, Joi-style wording): `email` required and an
//!   address; `metadata` an object (a string holding a JSON object is converted, as Joi does);
//!   any member besides email/first_name/last_name/phone/metadata is refused.
//! - **The e-mail is the key**: a create for an e-mail this key already holds (compared
//!   lower-cased) answers 200 "Customer created" with the **existing** customer, unchanged, and
//!   stores nothing. No idempotency key.
//! - Success: 200 envelope, `customer_code` `CUS_` + 15 `[a-z0-9]`, increasing `id`.
//! - Fetch by e-mail or code: 200 "Customer retrieved", or the documented 404.
//!
//! Choices where Paystack is undocumented (docs.md "Unverified"): the validation messages and
//! their `type`/`code`/`meta`, the existing customer left unchanged, the 429/5xx bodies,
//! timestamps without milliseconds.
#![cfg(feature = "paystack")]

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use prism_types::Connector;
use serde_json::{json, Map, Value};

use super::{Emulator, Reply, SharedState};
use crate::kit::create::{self, CreateProtocol, Created, Incoming};
use crate::kit::email::{DomainChars, EmailSyntax, LocalPart};
use crate::kit::time::{self, DateStyle};
use crate::kit::{auth, ids, json, routes};
use crate::store::StoredCustomer;

/// The secret key the emulator accepts (a test-mode key, as Prism's Sandbox requires).
pub(crate) const SANDBOX_KEY: &str = "sk_test_prism_sandbox";
/// The e-mail rule [assumed: Joi's `email()`].
const EMAIL: EmailSyntax =
    EmailSyntax::new(true, LocalPart::DotAtom, 2, DomainChars::AsciiHostname);
/// The members `POST /customer` takes (spec `CustomerCreate`).
const FIELDS: [&str; 5] = ["email", "first_name", "last_name", "phone", "metadata"];
/// The integration id every customer of the sandbox key belongs to.
const INTEGRATION: u64 = 100_032;
/// The last customer `id` given.
static LAST_ID: AtomicU64 = AtomicU64::new(1_172);

/// The Paystack emulator.
#[derive(Clone, Copy)]
pub(crate) struct PaystackEmulator;

impl Emulator for PaystackEmulator {
    fn connector(&self) -> Connector {
        Connector::Paystack
    }

    fn router(&self, state: SharedState) -> axum::Router {
        let routes = axum::Router::new()
            .route("/customer", create::post(Create, state.clone()))
            .route("/customer/{email_or_code}", axum::routing::get(fetch))
            .with_state(state);
        routes::with_fallbacks(*self, routes)
    }

    fn error_body(&self, status: u16) -> Reply {
        match status {
            401 => failure(401, "Invalid key"),
            404 => failure(404, "Entity not found"),
            429 => failure(429, "Rate limit exceeded"),
            400 => invalid("Bad request", "Check the request"),
            402..=499 => failure(status, "Request failed"),
            _ => failure(status, "Server error"),
        }
    }

    fn credentials(&self) -> &'static [(&'static str, &'static str)] {
        &[("PRISM_PAYSTACK_SECRET_KEY", SANDBOX_KEY)]
    }
}

/// `{"status": false, "message": …}`.
fn failure(status: u16, message: &str) -> Reply {
    Reply::json(status, &json!({"status": false, "message": message}))
}

/// A 400 validation failure in the spec's `Error` shape.
fn invalid(message: &str, next_step: &str) -> Reply {
    Reply::json(
        400,
        &json!({"status": false, "message": message, "meta": {"nextStep": next_step},
            "type": "validation_error", "code": "invalid_params"}),
    )
}

/// The caller's key check, shared by both routes.
fn authenticate(headers: &HeaderMap) -> Result<(), Reply> {
    match auth::bearer(headers) {
        Some(SANDBOX_KEY) => Ok(()),
        Some(_) => Err(failure(401, "Invalid key")),
        None => Err(failure(401, "No Authorization Header was found")),
    }
}

/// The stored customer holding `email` (lower-cased comparison) or `code`.
fn find(state: &SharedState, wanted: &str) -> Option<StoredCustomer> {
    // An e-mail through the store's index (the check before every create), a code by scan.
    if wanted.contains('@') {
        let by_email = state.customers_with_email(Connector::Paystack, wanted);
        return by_email.into_iter().next();
    }
    let wanted = wanted.to_lowercase();
    state.find_customer(Connector::Paystack, |c| c.id.to_lowercase() == wanted)
}

/// `POST /customer`: key → JSON or form → Joi-style validation → an existing e-mail answers
/// with its customer, else a new one is stored.
struct Create;

impl CreateProtocol for Create {
    const CONNECTOR: Connector = Connector::Paystack;
    type Caller = ();
    type Parsed = Map<String, Value>;
    type Valid = Map<String, Value>;

    fn authenticate(&self, req: &Incoming) -> Result<(), Reply> {
        authenticate(&req.headers)
    }

    fn parse(&self, (): &(), req: &Incoming) -> Result<Self::Parsed, Reply> {
        if auth::content_type(&req.headers).starts_with("application/x-www-form-urlencoded") {
            let pairs: Vec<(String, String)> =
                serde_urlencoded::from_bytes(&req.body).unwrap_or_default();
            return Ok(pairs
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect());
        }
        json::object(&req.body).ok_or_else(|| invalid("Invalid JSON", "Send a JSON object"))
    }

    fn validate(&self, (): &(), mut body: Self::Parsed) -> Result<Self::Valid, Reply> {
        if let Some(extra) = body.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(invalid(&format!("\"{extra}\" is not allowed"), "Remove it"));
        }
        match body.get("email").and_then(Value::as_str).map(str::trim) {
            None | Some("") => return Err(invalid("\"email\" is required", "Send an email")),
            Some(e) if !EMAIL.accepts(e) => {
                return Err(invalid(
                    "\"email\" must be a valid email",
                    "Check the email",
                ));
            }
            Some(_) => {}
        }
        for f in ["first_name", "last_name", "phone"] {
            if !matches!(body.get(f), None | Some(Value::String(_))) {
                return Err(invalid(&format!("\"{f}\" must be a string"), "Send text"));
            }
        }
        if let Some(m) = body.get_mut("metadata") {
            let object = match m.take() {
                Value::Object(o) => Some(o),
                Value::String(s) => serde_json::from_str::<Map<String, Value>>(&s).ok(),
                _ => None,
            };
            let Some(object) = object else {
                let msg = "\"metadata\" must be of type object";
                return Err(failure(400, msg));
            };
            *m = Value::Object(object);
        }
        Ok(body)
    }

    fn store(&self, (): &(), state: &SharedState, body: Self::Valid) -> Created {
        let email = body["email"].as_str().unwrap_or_default().trim().to_owned();
        if let Some(existing) = find(state, &email) {
            // Nothing stored; the kit sends the reply as it is.
            return Err(envelope("Customer created", existing.body));
        }
        let now = time::format_utc(time::unix_millis_now(), DateStyle::Rfc3339("Z"));
        let text = |f: &str| body.get(f).cloned().unwrap_or(Value::Null);
        let metadata = text("metadata");
        let reference = metadata
            .get("merchant_customer_id")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let code = format!("CUS_{}", ids::lower_alnum(15));
        let customer = json!({
            "email": email, "first_name": text("first_name"), "last_name": text("last_name"),
            "phone": text("phone"), "metadata": metadata, "domain": "test",
            "customer_code": code, "id": LAST_ID.fetch_add(1, Ordering::Relaxed) + 1,
            "integration": INTEGRATION, "risk_action": "default", "identified": false,
            "identifications": null, "createdAt": now, "updatedAt": now,
            "transactions": [], "subscriptions": [], "authorizations": [],
        });
        let stored = StoredCustomer {
            id: code,
            merchant_customer_id: reference,
            email: Some(email),
            body: customer.clone(),
        };
        Ok((stored, envelope("Customer created", customer)))
    }
}

/// A 200 success envelope.
fn envelope(message: &str, data: Value) -> Reply {
    Reply::json(
        200,
        &json!({"status": true, "message": message, "data": data}),
    )
}

/// `GET /customer/{email_or_code}`: the fetch shape, or the documented 404.
async fn fetch(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(wanted): Path<String>,
) -> Reply {
    if let Err(refused) = authenticate(&headers) {
        return refused;
    }
    match find(&state, &wanted) {
        Some(c) => {
            let mut data = c.body;
            data["total_transactions"] = json!(0);
            data["dedicated_account"] = Value::Null;
            envelope("Customer retrieved", data)
        }
        None => failure(404, "Customer email is invalid for your live domain."),
    }
}
