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

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::http::{header, HeaderMap};
use axum::routing::post;
use prism_types::Connector;
use serde_json::{json, Map, Value};

use super::{alnum, base64_decode, unix_now, Emulator, Reply, SharedState};
use crate::store::{Begin, StoredCustomer};

/// The secret key the emulator accepts.
pub(crate) const SANDBOX_KEY: &str = "sk_test_prism_sandbox";
/// Metadata key under which Prism stores the merchant reference.
const REFERENCE_KEY: &str = "merchant_customer_id";
/// Shift4's answers carry this content type (ActiveMerchant transcript, docs.md "Response").
const CONTENT_TYPE: &str = "application/json;charset=UTF-8";
/// The mismatch message (shift4-node `customersSpec.js`, shift4-php `CustomerTest.php`).
const MISMATCH: &str = "Idempotent key used for request with different parameters.";
/// The 401 message (ActiveMerchant live test, docs.md "Emulator notes").
const BAD_KEY: &str = "Provided API key is invalid";
/// Documented customer-create fields this emulator does not implement (cards).
const NOT_EMULATED: &[&str] = &["card", "paymentMethod"];

/// The Shift4 emulator.
pub(crate) struct Shift4Emulator;

impl Emulator for Shift4Emulator {
    fn connector(&self) -> Connector {
        Connector::Shift4
    }

    fn router(&self, state: SharedState) -> axum::Router {
        axum::Router::new()
            .route("/customers", post(create_customer).fallback(not_found))
            .fallback(not_found)
            .with_state(state)
    }

    fn error_body(&self, status: u16) -> Reply {
        match status {
            401 => error(401, "invalid_request", None, BAD_KEY),
            402 => error(
                402,
                "card_error",
                Some("card_declined"),
                "The card was declined.",
            ),
            404 => error(404, "invalid_request", None, "Not found."),
            429 => error(429, "rate_limit_error", None, "Too many requests"),
            400..=499 => error(status, "invalid_request", None, "Invalid request."),
            _ => error(
                status,
                "gateway_error",
                None,
                "Something went wrong on our side",
            ),
        }
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
    json_reply(status, &json!({ "error": e }))
}

fn invalid(message: impl AsRef<str>) -> Reply {
    error(400, "invalid_request", None, message.as_ref())
}

fn json_reply(status: u16, body: &Value) -> Reply {
    Reply::new(status, body.to_string().into_bytes()).with_header("Content-Type", CONTENT_TYPE)
}

async fn not_found() -> Reply {
    error(404, "invalid_request", None, "Not found.")
}

/// The secret key from `Authorization: Basic base64(<key>:<anything>)`.
fn secret_key(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(base64_decode(rest)?).ok()?;
    let key = decoded.split(':').next().unwrap_or_default().to_owned();
    (!key.is_empty()).then_some(key)
}

/// What a create carries, once parsed (the same whichever encoding was used).
#[derive(Debug, Default, PartialEq)]
struct Params {
    email: Option<String>,
    description: Option<String>,
    metadata: Option<BTreeMap<String, String>>,
}

impl Params {
    /// Canonical text of the parameters, for idempotency comparison (order-independent).
    fn fingerprint(&self) -> String {
        json!({ "email": self.email, "description": self.description, "metadata": self.metadata })
            .to_string()
    }
}

async fn create_customer(
    axum::extract::State(state): axum::extract::State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    // 1. Authentication, before anything else.
    let key = match secret_key(&headers) {
        Some(k) if k == SANDBOX_KEY => k,
        _ => return error(401, "invalid_request", None, BAD_KEY),
    };

    // 2. The body.
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let parsed = if content_type.starts_with("application/x-www-form-urlencoded") {
        parse_form(&body)
    } else {
        parse_json(&body)
    };
    let params = match parsed {
        Ok(p) => p,
        Err(reply) => return reply,
    };

    // 3. Idempotency, before validation.
    let idem = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned);
    let guard = match &idem {
        None => None,
        Some(k) => match state
            .idempotency(Connector::Shift4)
            .begin(&key, k, &params.fingerprint())
        {
            Begin::Fresh(g) => Some(g),
            // The stored answer again, unmarked: Shift4 sends no replay header.
            Begin::Replay(stored) => return stored,
            Begin::Mismatch => return invalid(MISMATCH),
            Begin::InFlight => {
                return error(
                    409,
                    "invalid_request",
                    None,
                    "Idempotent key is used by another request in progress.",
                )
            }
        },
    };

    // 4. Validation (a failure drops the guard: nothing stored under the key).
    if let Err(reply) = validate(&params) {
        return reply;
    }

    // 5. Store and answer.
    let customer = customer_object(&params);
    state.insert_customer(
        Connector::Shift4,
        StoredCustomer {
            id: customer["id"].as_str().unwrap_or_default().to_owned(),
            merchant_customer_id: params
                .metadata
                .as_ref()
                .and_then(|m| m.get(REFERENCE_KEY).cloned()),
            email: params.email.clone(),
            body: customer.clone(),
        },
    );
    let reply = json_reply(200, &customer);
    if let Some(g) = guard {
        g.complete(&reply);
    }
    reply
}

fn parse_json(body: &[u8]) -> Result<Params, Reply> {
    let malformed = || invalid("Request body is not a valid JSON object.");
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(body).map_err(|_| malformed())?
    };
    let Value::Object(fields) = value else {
        return Err(malformed());
    };
    let mut p = Params::default();
    for (name, v) in fields {
        match name.as_str() {
            "email" | "description" => {
                let s = match v {
                    Value::Null => None,
                    Value::String(s) => Some(s),
                    _ => return Err(invalid(format!("{name}: Must be a string."))),
                };
                if name == "email" {
                    p.email = s;
                } else {
                    p.description = s;
                }
            }
            "metadata" => {
                p.metadata = match v {
                    Value::Null => None,
                    Value::Object(m) => {
                        let mut out = BTreeMap::new();
                        for (k, v) in m {
                            let Value::String(s) = v else {
                                return Err(invalid("metadata: Values must be strings."));
                            };
                            out.insert(k, s);
                        }
                        Some(out)
                    }
                    _ => return Err(invalid("metadata: Must be an object.")),
                };
            }
            other => return Err(unknown_field(other)),
        }
    }
    Ok(p)
}

fn parse_form(body: &[u8]) -> Result<Params, Reply> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|_| invalid("Request body is not valid form data."))?;
    let mut p = Params::default();
    for (k, v) in pairs {
        match k.as_str() {
            "email" => p.email = Some(v),
            "description" => p.description = Some(v),
            _ => match k
                .strip_prefix("metadata[")
                .and_then(|r| r.strip_suffix(']'))
            {
                Some(mk) if !mk.contains(['[', ']']) => {
                    p.metadata
                        .get_or_insert_with(BTreeMap::new)
                        .insert(mk.to_owned(), v);
                }
                _ => return Err(unknown_field(k.split('[').next().unwrap_or_default())),
            },
        }
    }
    Ok(p)
}

fn unknown_field(name: &str) -> Reply {
    if NOT_EMULATED.contains(&name) {
        invalid(format!(
            "{name}: The Prism sandbox does not emulate this parameter of POST /customers."
        ))
    } else {
        invalid(format!(
            "{name}: Unrecognized field (Shift4 documents no such customer field)."
        ))
    }
}

fn validate(p: &Params) -> Result<(), Reply> {
    match p.email.as_deref() {
        None | Some("") => Err(invalid("email: Must not be empty.")),
        Some(e) if !is_valid_email(e) => {
            Err(invalid("email: Must be a well-formed email address."))
        }
        Some(_) => Ok(()),
    }
}

/// A plain syntax check: one `@`, a non-empty local part, a dotted domain, no white space.
fn is_valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.split('.').count() >= 2
        && domain.split('.').all(|l| !l.is_empty())
}

/// The customer object as Shift4 answers it (`tests/fixtures/shift4/created.json`).
fn customer_object(p: &Params) -> Value {
    let mut c = Map::new();
    c.insert("id".into(), json!(format!("cust_{}", alnum(24))));
    c.insert("created".into(), json!(unix_now()));
    c.insert("objectType".into(), json!("customer"));
    c.insert("email".into(), json!(p.email));
    if let Some(d) = &p.description {
        c.insert("description".into(), json!(d));
    }
    c.insert("cards".into(), json!([]));
    if let Some(m) = &p.metadata {
        c.insert("metadata".into(), json!(m));
    }
    Value::Object(c)
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
        assert_eq!(j.fingerprint(), f.fingerprint());
        assert!(validate(&j).is_ok());
    }

    #[test]
    fn rejections_have_shift4_shape() {
        let msg = |r: Reply| {
            assert_eq!(r.status, 400);
            let v: Value = serde_json::from_slice(&r.body).expect("json");
            assert_eq!(v["error"]["type"], "invalid_request");
            assert!(v["error"].get("code").is_none());
            v["error"]["message"].as_str().expect("message").to_owned()
        };
        assert_eq!(
            msg(validate(&Params::default()).expect_err("no email")),
            "email: Must not be empty."
        );
        let p = Params {
            email: Some(String::new()),
            ..Params::default()
        };
        assert_eq!(
            msg(validate(&p).expect_err("empty")),
            "email: Must not be empty."
        );
        for bad in ["no-at", "a@b", "a@@b.co", "a @b.co", "@b.co", "a@b..co"] {
            let p = Params {
                email: Some(bad.into()),
                ..Params::default()
            };
            assert!(
                msg(validate(&p).expect_err(bad)).starts_with("email: "),
                "{bad}"
            );
        }
        assert!(msg(parse_json(b"{\"name\":\"x\"}").expect_err("name")).starts_with("name: "));
        assert!(
            msg(parse_json(b"{\"card\":\"tok\"}").expect_err("card")).contains("does not emulate")
        );
        assert!(
            msg(parse_json(b"{\"metadata\":{\"a\":1}}").expect_err("number"))
                .starts_with("metadata: ")
        );
        assert!(msg(parse_json(b"[1]").expect_err("array")).contains("JSON"));
        assert!(msg(parse_json(b"{\"email\":").expect_err("truncated")).contains("JSON"));
        assert!(msg(parse_form(b"phone=1").expect_err("phone")).starts_with("phone: "));
    }

    #[test]
    fn ids_and_objects() {
        let p = Params {
            email: Some("a@b.co".into()),
            ..Params::default()
        };
        let c = customer_object(&p);
        let id = c["id"].as_str().expect("id");
        assert!(
            id.starts_with("cust_")
                && id.len() == 29
                && id[5..].chars().all(|c| c.is_ascii_alphanumeric()),
            "{id}"
        );
        assert_eq!(c["objectType"], "customer");
        assert!(
            c.get("deleted").is_none()
                && c.get("description").is_none()
                && c.get("metadata").is_none()
        );
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
        let v: Value = serde_json::from_slice(&e.error_body(429).body).expect("json");
        assert_eq!(v["error"]["type"], "rate_limit_error");
        let v: Value = serde_json::from_slice(&e.error_body(500).body).expect("json");
        assert_eq!(v["error"]["type"], "gateway_error");
    }
}
