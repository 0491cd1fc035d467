//! Shift4 (formerly SecurionPay): `POST /customers`, as described in
//! `crates/connectors/shift4/docs.md` ("Emulator notes") and `tests/fixtures/shift4/`.
//!
//! - Auth first: `Authorization: Basic base64(<secret key>:)` only (no Bearer). Only
//!   [`SANDBOX_KEY`] is accepted; anything else is 401 `Provided API key is invalid`.
//! - Body: JSON (what the SDKs send) or form-encoded with `metadata[k]=v` (accepted by Shift4).
//! - `email` is required (`email: Must not be empty.`); a malformed address is rejected too.
//! - `Idempotency-Key` (scoped per secret key): same key + same parameters → the stored reply is
//!   returned again **byte for byte, with no replay marker** (Shift4 documents none); same key +
//!   other parameters → 400 `Idempotent key used for request with different parameters.`.
//!   Validation failures are not stored under the key.
//! - No uniqueness on anything: two creates with different keys (or none) give two customers.
//! - Ids are `cust_` + 24 letters and digits; no request-id header is sent.
//!
//! Choices where Shift4's behaviour is unverified (docs.md "Unverified"), made so tests are
//! strict: the malformed-email message, rejecting fields Shift4 does not document for a customer
//! (Prism must never send them), the malformed-body message, the 404 body, and 409 for a key
//! that is in flight.
#![cfg(feature = "shift4")]

use std::collections::BTreeMap;

use prism_types::Connector;
use serde_json::{json, Map, Value};

use super::{Emulator, Reply, SharedState};
use crate::kit::create::{self, CreateProtocol, Created, IdemResult, IdempotencyKey, Incoming};
use crate::kit::email::{DomainChars, EmailSyntax, LocalPart};
use crate::kit::idempotency::Used;
use crate::kit::{auth, ids, routes, time};

/// The secret key the emulator accepts.
pub(crate) const SANDBOX_KEY: &str = "sk_test_prism_sandbox";
/// Metadata key under which Prism stores the merchant reference.
const REFERENCE_KEY: &str = "merchant_customer_id";
/// Shift4's answers carry this content type (ActiveMerchant transcript, docs.md "Response").
const CONTENT_TYPE: &str = "application/json;charset=UTF-8";
/// The mismatch message (shift4-node `customersSpec.js`, shift4-php `CustomerTest.php`).
const MISMATCH: &str = "Idempotent key used for request with different parameters.";
/// The answer to a key in flight (unverified: 409 and this text are the emulator's choice).
const IN_FLIGHT: &str = "Idempotent key is used by another request in progress.";
/// The 401 message (ActiveMerchant live test, docs.md "Emulator notes").
const BAD_KEY: &str = "Provided API key is invalid";
/// Documented customer-create fields this emulator does not implement (cards).
const NOT_EMULATED: &[&str] = &["card", "paymentMethod"];
/// A plain syntax check: one `@`, a non-empty local part, a dotted domain, no white space.
const EMAIL: EmailSyntax = EmailSyntax::new(true, LocalPart::Any, 2, DomainChars::Any);

/// The Shift4 emulator.
#[derive(Clone, Copy)]
pub(crate) struct Shift4Emulator;

impl Emulator for Shift4Emulator {
    fn connector(&self) -> Connector {
        Connector::Shift4
    }

    fn router(&self, state: SharedState) -> axum::Router {
        let routes = axum::Router::new().route("/customers", create::post(Create, state));
        routes::with_fallbacks(*self, routes)
    }

    fn error_body(&self, status: u16) -> Reply {
        let (kind, code, message) = match status {
            401 => ("invalid_request", None, BAD_KEY),
            402 => (
                "card_error",
                Some("card_declined"),
                "The card was declined.",
            ),
            404 => ("invalid_request", None, "Not found."),
            429 => ("rate_limit_error", None, "Too many requests"),
            400..=499 => ("invalid_request", None, "Invalid request."),
            _ => ("gateway_error", None, "Something went wrong on our side"),
        };
        error(status, kind, code, message)
    }

    fn credentials(&self) -> &'static [(&'static str, &'static str)] {
        &[("PRISM_SHIFT4_SECRET_KEY", SANDBOX_KEY)]
    }
}

/// A Shift4 `{"error": {"type", "code"?, "message"}}` answer.
fn error(status: u16, kind: &str, code: Option<&str>, message: &str) -> Reply {
    let mut e = Map::new();
    e.insert("type".into(), json!(kind));
    if let Some(c) = code {
        e.insert("code".into(), json!(c));
    }
    e.insert("message".into(), json!(message));
    Reply::json_as(status, &json!({ "error": e }), CONTENT_TYPE)
}

fn invalid(message: impl AsRef<str>) -> Reply {
    error(400, "invalid_request", None, message.as_ref())
}

/// What a create carries, once parsed (the same whichever encoding was used). Its `Debug` text
/// is the idempotency fingerprint (order-independent: the metadata is sorted).
#[derive(Debug, Default, PartialEq)]
struct Params {
    email: Option<String>,
    description: Option<String>,
    metadata: Option<BTreeMap<String, String>>,
}

/// `POST /customers`: Basic auth → body → `Idempotency-Key` → validation → store.
struct Create;

impl CreateProtocol for Create {
    const CONNECTOR: Connector = Connector::Shift4;
    /// The secret key.
    type Caller = String;
    type Parsed = Params;
    type Valid = Params;

    fn authenticate(&self, req: &Incoming) -> Result<String, Reply> {
        auth::basic_user(&req.headers)
            .filter(|k| k == SANDBOX_KEY)
            .ok_or_else(|| Shift4Emulator.error_body(401))
    }

    fn parse(&self, _: &String, req: &Incoming) -> Result<Params, Reply> {
        if auth::content_type(&req.headers).starts_with("application/x-www-form-urlencoded") {
            parse_form(&req.body)
        } else {
            parse_json(&req.body)
        }
    }

    fn idempotency_key(&self, key: &String, req: &Incoming, p: &Params) -> IdemResult {
        Ok(IdempotencyKey::from_header(&req.headers, key, || {
            format!("{p:?}")
        }))
    }

    fn reused(&self, _: &String, used: Used) -> Reply {
        match used {
            // The stored answer again, unmarked: Shift4 sends no replay header.
            Used::Replay(stored) => stored,
            Used::Mismatch => invalid(MISMATCH),
            Used::InFlight => error(409, "invalid_request", None, IN_FLIGHT),
        }
    }

    fn validate(&self, _: &String, p: Params) -> Result<Params, Reply> {
        match p.email.as_deref() {
            None | Some("") => Err(invalid("email: Must not be empty.")),
            Some(e) if !EMAIL.accepts(e) => {
                Err(invalid("email: Must be a well-formed email address."))
            }
            Some(_) => Ok(p),
        }
    }

    fn store(&self, _: &String, _: &SharedState, p: Params) -> Created {
        let customer = customer_object(&p);
        let reply = Reply::json_as(200, &customer, CONTENT_TYPE);
        let reference = p.metadata.and_then(|mut m| m.remove(REFERENCE_KEY));
        Ok((create::stored(customer, reference, p.email), reply))
    }
}

fn parse_json(body: &[u8]) -> Result<Params, Reply> {
    let malformed = || invalid("Request body is not a valid JSON object.");
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Params::default());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(fields)) => params(fields),
        _ => Err(malformed()),
    }
}

/// A form body (`email`, `description`, `metadata[k]`) read as the JSON object it stands for.
fn parse_form(body: &[u8]) -> Result<Params, Reply> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|_| invalid("Request body is not valid form data."))?;
    let (mut fields, mut metadata) = (Map::new(), Map::new());
    for (k, v) in pairs {
        let meta = k
            .strip_prefix("metadata[")
            .and_then(|r| r.strip_suffix(']'));
        match (k.as_str(), meta) {
            ("email" | "description", _) => {
                fields.insert(k.clone(), json!(v));
            }
            (_, Some(mk)) if !mk.contains(['[', ']']) => {
                metadata.insert(mk.to_owned(), json!(v));
            }
            _ => return Err(unknown_field(k.split('[').next().unwrap_or_default())),
        }
    }
    if !metadata.is_empty() {
        fields.insert("metadata".into(), Value::Object(metadata));
    }
    params(fields)
}

/// The typed parameters of a body's fields.
fn params(fields: Map<String, Value>) -> Result<Params, Reply> {
    let mut p = Params::default();
    for (name, v) in fields {
        match (name.as_str(), v) {
            ("email" | "description", Value::Null) => {}
            ("email", Value::String(s)) => p.email = Some(s),
            ("description", Value::String(s)) => p.description = Some(s),
            ("email" | "description", _) => {
                return Err(invalid(format!("{name}: Must be a string.")))
            }
            ("metadata", Value::Null) => p.metadata = None,
            ("metadata", m @ Value::Object(_)) => {
                let values_are_strings = serde_json::from_value(m);
                p.metadata = Some(
                    values_are_strings.map_err(|_| invalid("metadata: Values must be strings."))?,
                );
            }
            ("metadata", _) => return Err(invalid("metadata: Must be an object.")),
            (other, _) => return Err(unknown_field(other)),
        }
    }
    Ok(p)
}

fn unknown_field(name: &str) -> Reply {
    invalid(if NOT_EMULATED.contains(&name) {
        format!("{name}: The Prism sandbox does not emulate this parameter of POST /customers.")
    } else {
        format!("{name}: Unrecognized field (Shift4 documents no such customer field).")
    })
}

/// The customer object as Shift4 answers it (`tests/fixtures/shift4/created.json`).
fn customer_object(p: &Params) -> Value {
    let mut c = json!({
        "id": format!("cust_{}", ids::alnum(24)), "created": time::unix_now(),
        "objectType": "customer", "email": p.email, "cards": [],
    });
    if let Value::Object(c) = &mut c {
        if let Some(d) = &p.description {
            c.insert("description".into(), json!(d));
        }
        if let Some(m) = &p.metadata {
            c.insert("metadata".into(), json!(m));
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_form_parse_to_the_same_params() {
        let j = parse_json(br#"{"email":"a@b.co","description":"d","metadata":{"x":"1","merchant_customer_id":"r1"}}"#)
            .expect("json");
        let f = parse_form(
            b"metadata%5Bmerchant_customer_id%5D=r1&email=a%40b.co&description=d&metadata[x]=1",
        )
        .expect("form");
        assert_eq!(j, f);
        assert!(Create.validate(&String::new(), j).is_ok());
    }

    /// The message of a Shift4 400 (`type` `invalid_request`, no `code`).
    fn msg(r: Reply) -> String {
        assert_eq!(r.status, 400);
        let v: Value = serde_json::from_slice(&r.body).expect("json");
        assert_eq!(v["error"]["type"], "invalid_request");
        assert!(v["error"].get("code").is_none());
        v["error"]["message"].as_str().expect("message").to_owned()
    }

    #[test]
    fn rejections_have_shift4_shape() {
        for (email, message) in [
            (None, "email: Must not be empty."),
            (Some(""), "email: Must not be empty."),
        ]
        .into_iter()
        .chain(
            ["no-at", "a@b", "a@@b.co", "a @b.co", "@b.co", "a@b..co"]
                .map(|e| (Some(e), "email: Must be a well-formed email address.")),
        ) {
            let p = Params {
                email: email.map(str::to_owned),
                ..Params::default()
            };
            assert_eq!(
                msg(Create.validate(&String::new(), p).expect_err("email")),
                message
            );
        }
        for (body, start) in [
            (&br#"{"name":"x"}"#[..], "name: "),
            (br#"{"metadata":{"a":1}}"#, "metadata: "),
            (
                br#"{"card":"tok"}"#,
                "card: The Prism sandbox does not emulate",
            ),
            (b"[1]", "Request body is not a valid JSON"),
            (br#"{"email":"#, "Request body is not a valid JSON"),
        ] {
            assert!(
                msg(parse_json(body).expect_err("bad")).starts_with(start),
                "{start}"
            );
        }
        assert!(msg(parse_form(b"phone=1").expect_err("phone")).starts_with("phone: "));
    }

    #[test]
    fn ids_and_objects() {
        let c = customer_object(&Params::default());
        let id = c["id"].as_str().expect("id");
        assert!(
            id.starts_with("cust_")
                && id.len() == 29
                && id[5..].chars().all(|c| c.is_ascii_alphanumeric()),
            "{id}"
        );
        assert_eq!(c["objectType"], "customer");
        assert!(["deleted", "description", "metadata"]
            .iter()
            .all(|k| c.get(*k).is_none()));
    }

    #[test]
    fn error_bodies_have_shift4_shape() {
        let e = Shift4Emulator;
        for status in [400, 401, 402, 403, 404, 409, 429, 500, 502, 503, 504] {
            let r = e.error_body(status);
            assert_eq!(r.status, status);
            assert_eq!(r.header("Content-Type"), Some(CONTENT_TYPE));
            let v: Value = serde_json::from_slice(&r.body).expect("json");
            assert!(
                v["error"]["type"].is_string() && v["error"]["message"].is_string(),
                "{status}: {v}"
            );
        }
        for (status, kind) in [(429, "rate_limit_error"), (500, "gateway_error")] {
            let v: Value = serde_json::from_slice(&e.error_body(status).body).expect("json");
            assert_eq!(v["error"]["type"], kind);
        }
    }
}
