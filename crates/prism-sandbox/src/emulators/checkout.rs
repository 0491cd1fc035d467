//! Checkout.com: `POST /customers` and `GET /customers/{id-or-email}`, as described in
//! `crates/connectors/checkout/EMULATOR.md` and `docs.md`, with the replies of
//! `tests/fixtures/checkout/`.
//!
//! - Auth first: `Authorization: Bearer <key>`; only [`SANDBOX_KEY`] is accepted, a missing,
//!   malformed or unknown key is 401 with an empty body (as in the official SDKs' tests);
//!   [`RESTRICTED_KEY`] stands for a key without the customers scope: 403 `action_not_allowed`.
//! - Every other answer carries `Cko-Request-Id` (13 upper-case letters and digits, the format of
//!   the API reference's `0HL80RJLS76I7`) and, on JSON, `Cko-Version`.
//! - The body must be a JSON object (`application/json`). Validation collects every failing rule
//!   into one 422 `{"request_id","error_type":"request_invalid","error_codes":[…]}`: email
//!   required, ≤ 255, an address; name ≤ 255; phone an object with `country_code` 1–7 and
//!   `number` 6–25 characters; metadata an object of at most 10 pairs, keys and values ≤ 100
//!   (values stored as strings); any other field but `default` and `instruments` is refused.
//! - Success is **201** `{"id":"cus_<26 base32>"}` and nothing else.
//! - **No idempotency** (`Cko-Idempotency-Key` is ignored, as it is not documented for
//!   `/customers`) and **nothing unique about the reference** (two creates, two customers).
//!
//! Choices where Checkout.com is unverified (docs.md "Unverified"), made strict: every error code
//! (field-prefixed), the refusal of unknown fields, the bodies of injected faults (a JSON object
//! `{request_id, error_type}`: the sandbox's fault layer wants one), the `Cko-Version` value.
//! EMULATOR.md §7 asks to refuse an email another customer has (422
//! `customer_email_already_exists`); that is unverified for creates and the shared behaviour suite
//! and `prism demo` create several references with one email, so the registered emulator does not
//! (`unique_email: false`); the unit tests below run the rule.
#![cfg(feature = "checkout")]

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use prism_types::Connector;
use serde_json::{json, Map, Value};

use super::{Emulator, Reply, SharedState};
use crate::kit::create::{self, CreateProtocol, Created, Incoming};
use crate::kit::email::{DomainChars, EmailSyntax, LocalPart};
use crate::kit::limits::{too_long, MapLimits};
use crate::kit::{auth, ids, json, routes};

/// The secret key the emulator accepts (the NAS sandbox shape: `sk_sbox_`, 26 base32
/// characters, a check character).
pub(crate) const SANDBOX_KEY: &str = "sk_sbox_prismsandboxkeyqqqqqqqqqqqe";
/// A key of the same shape that is valid but not allowed to create customers (403).
pub(crate) const RESTRICTED_KEY: &str = "sk_sbox_prismrestrictedkeyqqqqqqqqe";
/// The account prefix offered with the key. It only chooses the host
/// (`{prefix}.api.sandbox.checkout.com`), which the sandbox's base URL replaces: it never
/// reaches the emulator.
const SANDBOX_PREFIX: &str = "prismsbx";
/// The email rule: one `@`, no white space, a dot in the domain.
const EMAIL: EmailSyntax = EmailSyntax::new(true, LocalPart::Any, 2, DomainChars::Any);
/// `metadata`: 10 pairs, keys and values of at most 100 characters (API reference).
const METADATA: MapLimits = MapLimits::new(10, 100, 100);
/// Base32 lower case, the alphabet of customer ids.
const BASE32: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";

/// The Checkout.com emulator.
#[derive(Clone, Copy)]
pub(crate) struct CheckoutEmulator;

impl Emulator for CheckoutEmulator {
    fn connector(&self) -> Connector {
        Connector::Checkout
    }

    fn router(&self, state: SharedState) -> axum::Router {
        let create = create::post(
            Create {
                unique_email: false,
            },
            state.clone(),
        );
        let routes = axum::Router::new()
            .route("/customers", create)
            .route("/customers/{identifier}", axum::routing::get(get_customer))
            .with_state(state);
        routes::with_fallbacks(*self, routes)
    }

    fn error_body(&self, status: u16) -> Reply {
        let error_type = match status {
            401 => "authentication_error",
            403 => "action_not_allowed",
            404 => "not_found",
            422 => return invalid(&request_id(), &["request_invalid".to_owned()]),
            429 => "too_many_requests",
            500..=599 => "internal_error",
            _ => "request_unprocessable",
        };
        let id = request_id();
        let body = json!({"request_id": id, "error_type": error_type});
        with_id(Reply::json_as(status, &body, JSON), &id)
    }

    fn credentials(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("PRISM_CHECKOUT_SECRET_KEY", SANDBOX_KEY),
            ("PRISM_CHECKOUT_PREFIX", SANDBOX_PREFIX),
        ]
    }

    fn not_found(&self, _: &routes::Head) -> Reply {
        Reply::new(404, Vec::new())
    }
}

/// The JSON content type Checkout.com answers with.
const JSON: &str = "application/json; charset=utf-8";

/// A request id: 13 upper-case letters and digits.
fn request_id() -> String {
    ids::lower_alnum(13).to_ascii_uppercase()
}

fn with_id(reply: Reply, id: &str) -> Reply {
    reply.with_header("Cko-Request-Id", id)
}

/// A JSON answer with the request id in header and `Cko-Version`.
fn answer(status: u16, body: &Value, id: &str) -> Reply {
    with_id(Reply::json_as(status, body, JSON), id).with_header("Cko-Version", "1.0.0")
}

/// The 422 `ValidationError`.
fn invalid(id: &str, codes: &[String]) -> Reply {
    let body = json!({"request_id": id, "error_type": "request_invalid", "error_codes": codes});
    answer(422, &body, id)
}

/// Which key `Authorization: Bearer` carries: `Ok(())` for the sandbox key, else the refusal.
fn authorize(headers: &HeaderMap) -> Result<(), Reply> {
    match auth::bearer(headers) {
        Some(SANDBOX_KEY) => Ok(()),
        Some(RESTRICTED_KEY) => {
            let id = request_id();
            let body = json!({"request_id": id, "error_type": "action_not_allowed",
                "message": "the key is not allowed to manage customers"});
            Err(answer(403, &body, &id))
        }
        _ => Err(Reply::new(401, Vec::new())),
    }
}

/// `POST /customers`: bearer key → JSON object → validation → (email uniqueness) → store.
struct Create {
    /// Refuse an email another stored customer has (EMULATOR.md §7; off when registered).
    unique_email: bool,
}

impl CreateProtocol for Create {
    const CONNECTOR: Connector = Connector::Checkout;
    /// The request id of this request.
    type Caller = String;
    type Parsed = Map<String, Value>;
    type Valid = Map<String, Value>;

    fn authenticate(&self, req: &Incoming) -> Result<String, Reply> {
        authorize(&req.headers).map(|()| request_id())
    }

    fn parse(&self, id: &String, req: &Incoming) -> Result<Self::Parsed, Reply> {
        let json_body = auth::content_type(&req.headers).starts_with("application/json");
        json_body
            .then(|| json::object(&req.body))
            .flatten()
            .ok_or_else(|| invalid(id, &["request_body_malformed".to_owned()]))
    }

    fn validate(&self, id: &String, body: Self::Parsed) -> Result<Self::Valid, Reply> {
        let codes = rule_breaks(&body);
        if codes.is_empty() {
            Ok(body)
        } else {
            Err(invalid(id, &codes))
        }
    }

    fn store(&self, id: &String, state: &SharedState, body: Self::Valid) -> Created {
        let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
        let email = text("email");
        if self.unique_email {
            let wanted = email.as_deref().unwrap_or_default();
            let taken = state.find_customer(Connector::Checkout, |c| {
                c.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(wanted))
            });
            if taken.is_some() {
                return Err(invalid(id, &["customer_email_already_exists".to_owned()]));
            }
        }
        let metadata: Map<String, Value> = match body.get("metadata") {
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| (k.clone(), json!(scalar(v))))
                .collect(),
            _ => Map::new(),
        };
        let reference = metadata
            .get("merchant_customer_id")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let customer_id: String = (0..26)
            .map(|_| char::from(BASE32[fastrand::usize(..BASE32.len())]))
            .collect();
        let customer = json!({
            "id": format!("cus_{customer_id}"),
            "email": email,
            "name": body.get("name").cloned().unwrap_or(Value::Null),
            "phone": body.get("phone").cloned().unwrap_or(Value::Null),
            "metadata": metadata,
            "default": Value::Null,
            "instruments": [],
        });
        let reply = answer(201, &json!({"id": customer["id"]}), id);
        Ok((create::stored(customer, reference, email), reply))
    }
}

/// A metadata value as Checkout.com echoes it: a string (`None` for objects and arrays).
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
        _ => None,
    }
}

/// Every rule the body breaks, as error codes (field-prefixed; the codes are choices).
fn rule_breaks(body: &Map<String, Value>) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    let mut code = |c: &str| codes.push(c.to_owned());
    match body.get("email") {
        None | Some(Value::Null) => code("email_required"),
        Some(Value::String(e)) if e.is_empty() => code("email_required"),
        Some(Value::String(e)) if !too_long(e, 255) && EMAIL.accepts(e) => {}
        Some(_) => code("email_invalid"),
    }
    match body.get("name") {
        None | Some(Value::Null) => {}
        Some(Value::String(n)) if !too_long(n, 255) => {}
        Some(_) => code("name_invalid"),
    }
    match body.get("phone") {
        None | Some(Value::Null) => {}
        Some(Value::Object(p)) => {
            let part = |k: &str, min: usize, max: usize| {
                p.get(k)
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.chars().count() >= min && !too_long(s, max))
            };
            if !part("country_code", 1, 7) {
                code("phone_country_code_invalid");
            }
            if !part("number", 6, 25) {
                code("phone_number_invalid");
            }
        }
        Some(_) => code("phone_invalid"),
    }
    match body.get("metadata") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m))
            if !METADATA.too_many(m.len())
                && m.iter().all(|(k, v)| {
                    !METADATA.key_too_long(k)
                        && scalar(v).is_some_and(|s| !METADATA.value_too_long(&s))
                }) => {}
        Some(_) => code("metadata_invalid"),
    }
    for key in body.keys() {
        let known = [
            "email",
            "name",
            "phone",
            "metadata",
            "default",
            "instruments",
        ];
        if !known.contains(&key.as_str()) {
            code(&format!("{key}_invalid"));
        }
    }
    codes
}

/// `GET /customers/{identifier}`: the customer with this id or email (the first created), or
/// 404 with no body.
async fn get_customer(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(identifier): Path<String>,
) -> Reply {
    if let Err(refused) = authorize(&headers) {
        return refused;
    }
    let id = request_id();
    let found = state.find_customer(Connector::Checkout, |c| {
        c.id == identifier
            || c.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(&identifier))
    });
    match found {
        Some(c) => answer(200, &c.body, &id),
        None => with_id(Reply::new(404, Vec::new()), &id),
    }
}

#[cfg(test)]
mod tests {
    //! The wire shapes, driven through the create handler and the router.
    use super::*;
    use axum::http::header;

    fn post(p: &Create, state: &SharedState, key: &str, body: Value) -> (u16, Value, Reply) {
        let mut headers = HeaderMap::new();
        let bearer = format!("Bearer {key}").parse().expect("header");
        headers.insert(header::AUTHORIZATION, bearer);
        headers.insert(
            header::CONTENT_TYPE,
            "application/json".parse().expect("ct"),
        );
        let req = Incoming {
            headers,
            body: body.to_string().into(),
        };
        let reply = create::handle(p, state, &req);
        let json = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
        (reply.status, json, reply)
    }

    fn customer(email: &str, reference: &str) -> Value {
        json!({"email": email, "name": "John Doe",
            "phone": {"country_code": "+1", "number": "5551234567"},
            "metadata": {"merchant_customer_id": reference}})
    }

    #[test]
    fn created_unauthorized_and_forbidden() {
        let (state, p) = (
            SharedState::default(),
            Create {
                unique_email: false,
            },
        );
        let (status, body, reply) = post(&p, &state, SANDBOX_KEY, customer("a@example.com", "r1"));
        assert_eq!(status, 201);
        let id = body["id"].as_str().expect("id");
        assert_eq!(body.as_object().map(Map::len), Some(1), "{body}");
        assert!(id.len() == 30 && id.starts_with("cus_"), "{id}");
        assert_eq!(reply.header("Cko-Request-Id").map(str::len), Some(13));
        let stored = state.customers(Connector::Checkout);
        assert_eq!(stored[0].merchant_customer_id.as_deref(), Some("r1"));
        assert_eq!(stored[0].body["instruments"], json!([]));
        // The same reference again: a second customer (nothing unique about metadata).
        post(&p, &state, SANDBOX_KEY, customer("b@example.com", "r1"));
        assert_eq!(state.count_by_reference(Connector::Checkout, "r1"), 2);

        let (status, _, reply) = post(&p, &state, "sk_sbox_other", customer("c@example.com", "r"));
        assert_eq!((status, reply.body.len()), (401, 0));
        let (status, body, _) = post(&p, &state, RESTRICTED_KEY, customer("c@example.com", "r"));
        assert_eq!(
            (status, &body["error_type"]),
            (403, &json!("action_not_allowed"))
        );
        assert_eq!(state.customers(Connector::Checkout).len(), 2);
    }

    #[test]
    fn validation_collects_every_code() {
        let (state, p) = (
            SharedState::default(),
            Create {
                unique_email: false,
            },
        );
        let bad = json!({"email": "not-an-address", "name": "n".repeat(256),
            "phone": {"country_code": "", "number": "12345"},
            "metadata": (0..11).map(|i| (format!("k{i}"), json!("v"))).collect::<Map<_, _>>(),
            "description": "d"});
        let (status, body, reply) = post(&p, &state, SANDBOX_KEY, bad);
        assert_eq!(status, 422);
        let codes = json!([
            "email_invalid",
            "name_invalid",
            "phone_country_code_invalid",
            "phone_number_invalid",
            "metadata_invalid",
            "description_invalid"
        ]);
        assert_eq!(body["error_codes"], codes);
        assert_eq!(body["error_type"], "request_invalid");
        assert_eq!(reply.header("Cko-Request-Id"), body["request_id"].as_str());
        let (_, body, _) = post(
            &p,
            &state,
            SANDBOX_KEY,
            json!({"metadata": {"k": {"a": 1}}}),
        );
        assert_eq!(
            body["error_codes"],
            json!(["email_required", "metadata_invalid"])
        );
        assert!(state.customers(Connector::Checkout).is_empty());
    }

    #[test]
    fn unique_email_when_switched_on() {
        let (state, p) = (SharedState::default(), Create { unique_email: true });
        assert_eq!(
            post(&p, &state, SANDBOX_KEY, customer("a@example.com", "r1")).0,
            201
        );
        let (status, body, _) = post(&p, &state, SANDBOX_KEY, customer("A@example.com", "r2"));
        assert_eq!(status, 422);
        assert_eq!(
            body["error_codes"],
            json!(["customer_email_already_exists"])
        );
        assert_eq!(state.customers(Connector::Checkout).len(), 1);
    }

    #[test]
    fn injected_faults_are_json_with_a_request_id() {
        for status in [401, 429, 500, 503] {
            let r = CheckoutEmulator.error_body(status);
            let body: Value = serde_json::from_slice(&r.body).expect("json");
            assert!(body["error_type"].is_string(), "{status}");
            assert_eq!(r.header("Cko-Request-Id"), body["request_id"].as_str());
        }
        let key = SANDBOX_KEY.strip_prefix("sk_sbox_").expect("sandbox key");
        assert_eq!(key.len(), 27);
        assert!(key.bytes().all(|b| BASE32.contains(&b)));
    }
}
