//! Airwallex (Payments Acceptance customers), as described in
//! `crates/connectors/airwallex/docs.md` ("Emulator notes") and `tests/fixtures/airwallex/`.
//!
//! - `POST /api/v1/authentication/login` with `x-client-id` / `x-api-key`: only
//!   [`SANDBOX_CLIENT_ID`] / [`SANDBOX_API_KEY`] are accepted (401 `credentials_invalid`);
//!   a missing header is 400 `validation_error`. Success is 201
//!   `{"token": <JWT-shaped>, "expires_at": "YYYY-MM-DDTHH:MM:SS+0000"}`, 30 minutes ahead.
//! - `POST /api/v1/pa/customers/create` needs `Authorization: Bearer <token>` with a token this
//!   sandbox issued and that has not expired, else 401
//!   `{"code":"unauthorized","message":"Access denied, authentication failed"}`.
//! - Validation (400 `validation_error` with a dotted `source`): `request_id` and
//!   `merchant_customer_id` required and ≤64, names and `business_name` ≤128, email ≤256,
//!   `address.country_code` required (2 letters) when `address` is present, city/state ≤100,
//!   postcode ≤10, street ≤1000, metadata string → string with ≤50 keys, key ≤50, value ≤500.
//! - A reused `request_id` (per client id) → 400 `duplicate_request`, whatever the parameters
//!   (no replay is documented); an existing `merchant_customer_id` → 400
//!   `resource_already_exists`. Check order: validation, `request_id`, `merchant_customer_id`.
//! - Success: 201 with the customer, id `cus_` + 17 lowercase letters and digits.
//! - `GET /api/v1/pa/customers?merchant_customer_id=…` lists stored customers
//!   (`{"has_more": false, "items": [...]}`).
//!
//! Choices where Airwallex's behaviour is unverified (docs.md "Unverified"), made so tests are
//! strict: the exact validation messages, rejecting top-level and address keys Airwallex does
//! not document for this call (Prism must never send them), no email syntax check (only the
//! length is documented), a `request_id` being consumed only by a successful create (a rejected
//! request does not use it up), echoing `address` and `metadata` in the answer, and the
//! `too_many_requests` / `account_not_authorised_for_operation` / `conflict` codes of injected
//! faults.
#![cfg(feature = "airwallex")]

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method};
use axum::routing::{get, post};
use prism_types::Connector;
use serde_json::{json, Map, Value};

use super::{Emulator, Reply, SharedState};
use crate::kit::create::{self, CreateProtocol, Created, IdemResult, IdempotencyKey, Incoming};
use crate::kit::idempotency::Used;
use crate::kit::limits::{self, Limits, MapLimits};
use crate::kit::time::{self, DateStyle};
use crate::kit::{auth, ids, json as body, routes};

/// The client id the emulator accepts.
pub(crate) const SANDBOX_CLIENT_ID: &str = "prism_sandbox_client";
/// The API key the emulator accepts.
pub(crate) const SANDBOX_API_KEY: &str = "prism_sandbox_api_key";
/// Token lifetime ("valid for 30 minutes", docs.md "Endpoint and authentication").
const TOKEN_SECONDS: u64 = 30 * 60;
const CREATE_PATH: &str = "/api/v1/pa/customers/create";
const UNAUTHORIZED: &str = "Access denied, authentication failed";
const DUPLICATE_REQUEST: &str =
    "The same request ID has already been used. Please try again with a different request ID.";
const ALREADY_EXISTS: &str = "The resource already exists.";

/// The Airwallex emulator.
#[derive(Clone, Copy)]
pub(crate) struct AirwallexEmulator;

/// The tokens this sandbox issued.
#[derive(Clone, Default)]
struct Tokens(Arc<Mutex<HashMap<String, Token>>>);

/// Per-sandbox state of the login and list routes.
#[derive(Clone)]
struct AwState {
    shared: SharedState,
    tokens: Tokens,
}

#[derive(Clone)]
struct Token {
    client_id: String,
    expires_at: u64,
}

impl Tokens {
    fn token(&self, token: &str) -> Option<Token> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(token)
            .filter(|t| t.expires_at > time::unix_now())
            .cloned()
    }

    fn issue(&self, client_id: &str) -> (String, u64) {
        let now = time::unix_now();
        let expires_at = now + TOKEN_SECONDS;
        let token = ids::jwt_like(
            &json!({"type": "prism-sandbox", "iat": now, "exp": expires_at, "jti": ids::lower_alnum(16)}),
        );
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(
            token.clone(),
            Token {
                client_id: client_id.to_owned(),
                expires_at,
            },
        );
        (token, expires_at)
    }
}

impl Emulator for AirwallexEmulator {
    fn connector(&self) -> Connector {
        Connector::Airwallex
    }

    fn router(&self, state: SharedState) -> axum::Router {
        let tokens = Tokens::default();
        let create = create::post(Create(tokens.clone()), state.clone());
        let routes = axum::Router::new()
            .route("/api/v1/authentication/login", post(login))
            .route(CREATE_PATH, create)
            .route("/api/v1/pa/customers", get(list_customers))
            .with_state(AwState {
                shared: state,
                tokens,
            });
        routes::with_fallbacks(*self, routes)
    }

    fn error_body(&self, status: u16) -> Reply {
        let (code, message) = match status {
            400 => ("validation_error", "The request is invalid."),
            401 => ("unauthorized", UNAUTHORIZED),
            403 => (
                "account_not_authorised_for_operation",
                "Forbidden. The request was denied due to insufficient permissions",
            ),
            404 => ("not_found", "The requested endpoint does not exist."),
            409 => (
                "conflict",
                "The request could not be completed due to a conflict with another request.",
            ),
            429 => ("too_many_requests", "Too many requests"),
            503 => (
                "service_unavailable",
                "The system is temporarily unavailable. Please try again later.",
            ),
            s if (400..500).contains(&s) => {
                ("invalid_request", "The request could not be processed.")
            }
            _ => (
                "internal_error",
                "An internal error was encountered. Please try again later.",
            ),
        };
        error(status, code, None, message)
    }

    fn credentials(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("PRISM_AIRWALLEX_CLIENT_ID", SANDBOX_CLIENT_ID),
            ("PRISM_AIRWALLEX_API_KEY", SANDBOX_API_KEY),
        ]
    }

    fn is_create(&self, method: &Method, path: &str) -> bool {
        method == Method::POST && path == CREATE_PATH
    }
}

/// Airwallex's flat error body `{code, source?, message, trace_id}`.
fn error(status: u16, code: &str, source: Option<&str>, message: &str) -> Reply {
    let mut e = json!({"code": code, "message": message, "trace_id": ids::hex(32)});
    if let Some(s) = source {
        e["source"] = json!(s);
    }
    Reply::json(status, &e)
}

fn invalid(source: &str, message: impl AsRef<str>) -> Reply {
    error(400, "validation_error", Some(source), message.as_ref())
}

async fn login(State(state): State<AwState>, headers: HeaderMap) -> Reply {
    let Some(client_id) = auth::header(&headers, "x-client-id") else {
        return invalid("x-client-id", "x-client-id must be provided");
    };
    let Some(api_key) = auth::header(&headers, "x-api-key") else {
        return invalid("x-api-key", "x-api-key must be provided");
    };
    if client_id != SANDBOX_CLIENT_ID || api_key != SANDBOX_API_KEY {
        return error(
            401,
            "credentials_invalid",
            None,
            "Invalid client id or api key",
        );
    }
    let (token, expires_at) = state.tokens.issue(client_id);
    Reply::json(
        201,
        &json!({ "token": token, "expires_at": time::format_utc(expires_at * 1000, DateStyle::Rfc3339("+0000")) }),
    )
}

/// The account (client id) of a valid bearer token, or the documented 401.
fn authenticate(tokens: &Tokens, headers: &HeaderMap) -> Result<Token, Reply> {
    tokens
        .token(auth::bearer(headers).unwrap_or_default())
        .ok_or_else(|| error(401, "unauthorized", None, UNAUTHORIZED))
}

/// `POST /api/v1/pa/customers/create`: bearer token → body and validation → `request_id`
/// reuse (per account, whatever the parameters: no replay is documented) → native
/// `merchant_customer_id` uniqueness → store.
struct Create(Tokens);

impl CreateProtocol for Create {
    const CONNECTOR: Connector = Connector::Airwallex;
    type Caller = Token;
    type Parsed = Map<String, Value>;
    type Valid = Map<String, Value>;

    fn authenticate(&self, req: &Incoming) -> Result<Token, Reply> {
        authenticate(&self.0, &req.headers)
    }

    fn parse(&self, _: &Token, req: &Incoming) -> Result<Self::Parsed, Reply> {
        validate(&req.body)
    }

    fn idempotency_key(&self, account: &Token, _: &Incoming, fields: &Self::Parsed) -> IdemResult {
        Ok(Some(IdempotencyKey {
            scope: account.client_id.clone(),
            key: text(fields, "request_id"),
            fingerprint: String::new(),
        }))
    }

    fn reused(&self, _: &Token, _: Used) -> Reply {
        error(400, "duplicate_request", None, DUPLICATE_REQUEST)
    }

    fn validate(&self, _: &Token, fields: Self::Parsed) -> Result<Self::Valid, Reply> {
        Ok(fields)
    }

    fn store(&self, _: &Token, state: &SharedState, fields: Self::Valid) -> Created {
        let reference = text(&fields, "merchant_customer_id");
        if state.count_by_reference(Connector::Airwallex, &reference) > 0 {
            return Err(error(400, "resource_already_exists", None, ALREADY_EXISTS));
        }
        let customer = customer_object(fields);
        let email = customer
            .get("email")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let reply = Reply::json(201, &customer);
        Ok((create::stored(customer, Some(reference), email), reply))
    }
}

/// A validated string field (empty when absent).
fn text(fields: &Map<String, Value>, name: &str) -> String {
    fields
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

async fn list_customers(
    State(state): State<AwState>,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
) -> Reply {
    if let Err(reply) = authenticate(&state.tokens, &headers) {
        return reply;
    }
    let customers = match query.get("merchant_customer_id") {
        Some(wanted) => state
            .shared
            .customers_with_reference(Connector::Airwallex, wanted),
        None => state.shared.customers(Connector::Airwallex),
    };
    let items: Vec<Value> = customers.into_iter().map(|c| c.body).collect();
    Reply::json(200, &json!({ "has_more": false, "items": items }))
}

/// Top-level fields of the documented create body.
const STRING_FIELDS: Limits = &[
    ("request_id", 64),
    ("merchant_customer_id", 64),
    ("first_name", 128),
    ("last_name", 128),
    ("business_name", 128),
    ("email", 256),
    ("phone_number", usize::MAX),
];
/// `metadata`: string → string.
const METADATA: MapLimits = MapLimits::new(50, 50, 500);
/// Fields of `address` (country_code is checked apart).
const ADDRESS_FIELDS: Limits = &[
    ("street", 1000),
    ("city", 100),
    ("state", 100),
    ("postcode", 10),
];

/// Checks the create body; returns its fields.
fn validate(body: &[u8]) -> Result<Map<String, Value>, Reply> {
    let Some(fields) = body::object(body) else {
        return Err(error(
            400,
            "validation_error",
            None,
            "The request body must be a JSON object.",
        ));
    };
    let top_level = |k: &str| matches!(k, "metadata" | "address") || is_listed(STRING_FIELDS, k);
    only_known(&fields, "", top_level)?;
    for (name, max) in STRING_FIELDS {
        let required = matches!(*name, "request_id" | "merchant_customer_id");
        check_string(&fields, name, name, *max, required)?;
    }
    if let Some(address) = fields.get("address") {
        let Value::Object(a) = address else {
            return Err(invalid("address", "address must be an object"));
        };
        only_known(a, "address.", |k| {
            k == "country_code" || is_listed(ADDRESS_FIELDS, k)
        })?;
        for (name, max) in ADDRESS_FIELDS {
            check_string(a, name, &format!("address.{name}"), *max, false)?;
        }
        let problem = match a.get("country_code") {
            None | Some(Value::Null) => "must be provided",
            Some(Value::String(c)) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) => {
                ""
            }
            Some(_) => "must be a 2-letter ISO 3166-1 code",
        };
        if !problem.is_empty() {
            let message = format!("address.country_code {problem}");
            return Err(invalid("address.country_code", message));
        }
    }
    if let Some(metadata) = fields.get("metadata") {
        let Value::Object(m) = metadata else {
            return Err(invalid("metadata", "metadata must be an object"));
        };
        if METADATA.too_many(m.len()) {
            return Err(invalid("metadata", "metadata must have at most 50 keys"));
        }
        for (k, v) in m {
            if METADATA.key_too_long(k) {
                return Err(invalid(
                    "metadata",
                    "metadata key names must be at most 50 characters",
                ));
            }
            let problem = match v {
                Value::String(s) if !METADATA.value_too_long(s) => continue,
                Value::String(_) => "metadata values must be at most 500 characters",
                _ => "metadata values must be strings",
            };
            return Err(invalid(&format!("metadata.{k}"), problem));
        }
    }
    Ok(fields)
}

fn is_listed(limits: Limits, field: &str) -> bool {
    limits::max_of(limits, field).is_some()
}

/// Refuses the first member of `object` that `known` does not take (`prefix`: its path's).
fn only_known(
    object: &Map<String, Value>,
    prefix: &str,
    known: impl Fn(&str) -> bool,
) -> Result<(), Reply> {
    match object.keys().find(|k| !known(k)) {
        Some(key) => {
            let path = format!("{prefix}{key}");
            let message = format!("{path} is not a recognised field of this request");
            Err(invalid(&path, message))
        }
        None => Ok(()),
    }
}

fn check_string(
    fields: &Map<String, Value>,
    name: &str,
    path: &str,
    max: usize,
    required: bool,
) -> Result<(), Reply> {
    let problem = match fields.get(name) {
        None | Some(Value::Null) if !required => return Ok(()),
        None | Some(Value::Null) => "must be provided".to_owned(),
        Some(Value::String(s)) if required && s.trim().is_empty() => "must be provided".to_owned(),
        Some(Value::String(s)) if limits::too_long(s, max) => {
            format!("must be at most {max} characters")
        }
        Some(Value::String(_)) => return Ok(()),
        Some(_) => "must be a string".to_owned(),
    };
    Err(invalid(path, format!("{path} {problem}")))
}

/// The customer as Airwallex answers a create (`tests/fixtures/airwallex/created.json`): the
/// fields sent, those not sent left out.
fn customer_object(fields: Map<String, Value>) -> Value {
    let now = time::format_utc(time::unix_now() * 1000, DateStyle::Rfc3339("+00:00"));
    let id = format!("cus_{}", ids::lower_alnum(17));
    let secret = json!({"type": "client-secret", "customer_id": id, "iat": time::unix_now()});
    let mut c = json!({"id": id, "client_secret": ids::jwt_like(&secret), "created_at": now,
        "updated_at": now});
    let echoed = STRING_FIELDS.iter().map(|(k, _)| *k);
    for key in echoed.chain(["address", "metadata"]) {
        if let Some(v) = fields.get(key).filter(|v| !v.is_null()) {
            c[key] = v.clone();
        }
    }
    c
}

#[cfg(test)]
mod tests {
    //! Validation, ids and the echo are the wire tests' (`tests/airwallex.rs`).
    use super::*;

    #[test]
    fn injected_faults_answer_like_airwallex() {
        let e = AirwallexEmulator;
        for (status, code) in [
            (401, "unauthorized"),
            (403, "account_not_authorised_for_operation"),
            (409, "conflict"),
            (429, "too_many_requests"),
            (500, "internal_error"),
            (503, "service_unavailable"),
        ] {
            let v: Value = serde_json::from_slice(&e.error_body(status).body).expect("json");
            assert_eq!(v["code"], code, "{status}: {v}");
            assert!(v["message"].is_string() && v["trace_id"].is_string(), "{v}");
        }
        assert!(e.is_create(&Method::POST, CREATE_PATH));
        assert!(!e.is_create(&Method::POST, "/api/v1/authentication/login"));
    }
}
