//! Xendit: `POST /customers` (api-version 2020-10-31), `GET /customers?reference_id=…` and
//! `GET /customers/{id}`, as described in `crates/connectors/xendit/EMULATOR.md` (sources in its
//! `docs.md`) and `tests/fixtures/xendit/`.
//!
//! - Auth first: `Authorization: Basic base64("<secret key>:")`. No header → 401 "No API Key
//!   detected"; another scheme, a password, an unknown or public key → 401 `INVALID_API_KEY`;
//!   [`NO_PERMISSION_KEY`] → 403 `REQUEST_FORBIDDEN_ERROR`.
//! - `api-version`: `2020-10-31` or absent (Xendit's default schema); anything else → 400.
//! - `idempotency-key` (1–100 characters), per key and account: the same body replays the stored
//!   reply; another body → 400 `IDEMPOTENCY_ERROR`; while the first is in flight → 409.
//! - Validation → 400 `API_VALIDATION_ERROR` with Joi-style `errors[]`; unknown keys refused.
//! - A stored `reference_id` → 400 `DUPLICATE_END_CUSTOMER_ERROR` (no id in the body).
//! - Success: 200 with the full Customer object, id `cust-<uuid v4>`.
//!
//! Choices where Xendit is undocumented are marked "[assumed]" in EMULATOR.md.
#![cfg(feature = "xendit")]

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use prism_types::Connector;
use serde_json::{json, Map, Value};

use super::{Emulator, Reply, SharedState};
use crate::kit::create::{self, CreateProtocol, Created, IdemResult, IdempotencyKey, Incoming};
use crate::kit::email::{DomainChars, EmailSyntax, LocalPart};
use crate::kit::idempotency::Used;
use crate::kit::limits::too_long;
use crate::kit::time::{self, DateStyle};
use crate::kit::{auth, ids, json, routes};

/// The secret key the emulator accepts.
pub(crate) const SANDBOX_KEY: &str = "xnd_development_prism_sandbox";
/// A valid key without the customer permission (403).
pub(crate) const NO_PERMISSION_KEY: &str = "xnd_development_prism_no_customers";
/// The pinned version the connector sends.
const API_VERSION: &str = "2020-10-31";
/// Xendit-side email check [assumed]: something@domain.tld.
const EMAIL: EmailSyntax = EmailSyntax::new(true, LocalPart::DotAtom, 2, DomainChars::UnicodeLdh);
/// Top-level keys of the 2020-10-31 `CustomerRequest`.
const KEYS: &[&str] = &[
    "reference_id",
    "type",
    "individual_detail",
    "business_detail",
    "email",
    "mobile_number",
    "phone_number",
    "addresses",
    "identity_accounts",
    "kyc_documents",
    "description",
    "metadata",
    "client_name",
];
/// Keys of an `addresses[]` entry (2020-10-31 names).
const ADDRESS_KEYS: &[&str] = &[
    "country",
    "street_line1",
    "street_line2",
    "city",
    "province_state",
    "postal_code",
    "category",
    "is_primary",
];
const VALIDATION_MESSAGE: &str = "There was an error with the format submitted to the server.";

/// The Xendit emulator.
#[derive(Clone, Copy)]
pub(crate) struct XenditEmulator;

impl Emulator for XenditEmulator {
    fn connector(&self) -> Connector {
        Connector::Xendit
    }

    fn router(&self, state: SharedState) -> axum::Router {
        let routes = axum::Router::new()
            .route(
                "/customers",
                create::post(Create, state.clone()).get(by_reference),
            )
            .route("/customers/{id}", axum::routing::get(by_id))
            .with_state(state);
        routes::with_fallbacks(*self, routes)
    }

    fn error_body(&self, status: u16) -> Reply {
        match status {
            401 => invalid_key(),
            403 => forbidden(),
            404 => error(
                404,
                "DATA_NOT_FOUND",
                "Could not find the requested resource",
            ),
            409 => error(
                409,
                "IDEMPOTENCY_ERROR",
                "A request with this idempotency key is still being processed",
            ),
            429 => error(
                429,
                "RATE_LIMIT_EXCEEDED",
                "Too many requests, please try again later",
            ),
            400..=499 => error(status, "API_VALIDATION_ERROR", VALIDATION_MESSAGE),
            _ => error(
                status,
                "SERVER_ERROR",
                "Something went wrong, please try again later",
            ),
        }
    }

    fn credentials(&self) -> &'static [(&'static str, &'static str)] {
        &[("PRISM_XENDIT_SECRET_KEY", SANDBOX_KEY)]
    }
}

/// `{"error_code", "message"}`.
fn error(status: u16, code: &str, message: &str) -> Reply {
    Reply::json(status, &json!({ "error_code": code, "message": message }))
}

fn invalid_key() -> Reply {
    error(401, "INVALID_API_KEY", "The API key provided is invalid. Please make sure to use the secret/public API key that you can obtain from the Xendit Dashboard")
}

fn forbidden() -> Reply {
    error(
        403,
        "REQUEST_FORBIDDEN_ERROR",
        "The API key is forbidden to perform this request",
    )
}

/// 400 `API_VALIDATION_ERROR` with `errors[]` (omitted when empty).
fn validation(errors: Vec<Value>) -> Reply {
    let mut body = json!({ "error_code": "API_VALIDATION_ERROR", "message": VALIDATION_MESSAGE });
    if !errors.is_empty() {
        body["errors"] = Value::Array(errors);
    }
    Reply::json(400, &body)
}

/// One Joi-style `errors[]` element (shape of xendit-go#42).
fn joi(path: &[&str], message: &str, kind: &str) -> Value {
    let name = path.last().copied().unwrap_or_default();
    json!({ "field": path, "location": "body", "messages": [format!("\"{name}\" {message}")], "types": [kind] })
}

/// The account: Basic auth with the key as user and an empty password; the version header.
fn authenticate(headers: &HeaderMap) -> Result<String, Reply> {
    if auth::header(headers, "authorization").is_none() {
        return Err(error(401, "INVALID_API_KEY", "No API Key detected. Please provide your API key in the Authorization header, using Basic auth (e.g. \"Authorization: Basic YOUR_SECRET_KEY\"). See https://developers.xendit.co/api-reference/#authentication for details"));
    }
    let key = match auth::basic(headers) {
        Some((key, Some(password))) if password.is_empty() => key,
        _ => return Err(invalid_key()),
    };
    match key.as_str() {
        SANDBOX_KEY => {}
        NO_PERMISSION_KEY => return Err(forbidden()),
        _ => return Err(invalid_key()),
    }
    match auth::header(headers, "api-version") {
        None | Some(API_VERSION) => Ok(key),
        Some(_) => Err(validation(vec![joi(
            &["api-version"],
            "must be one of [2020-10-31]",
            "any.only",
        )])),
    }
}

/// What authentication established.
struct Caller {
    key: String,
}

/// `POST /customers`.
struct Create;

impl CreateProtocol for Create {
    const CONNECTOR: Connector = Connector::Xendit;
    type Caller = Caller;
    type Parsed = Map<String, Value>;
    type Valid = Map<String, Value>;

    fn authenticate(&self, req: &Incoming) -> Result<Caller, Reply> {
        authenticate(&req.headers).map(|key| Caller { key })
    }

    fn parse(&self, _: &Caller, req: &Incoming) -> Result<Self::Parsed, Reply> {
        json::object(&req.body).ok_or_else(|| validation(Vec::new()))
    }

    fn idempotency_key(&self, caller: &Caller, req: &Incoming, _: &Self::Parsed) -> IdemResult {
        if let Some(k) = auth::header(&req.headers, "idempotency-key") {
            if too_long(k, 100) {
                let e = joi(
                    &["idempotency-key"],
                    "length must be less than or equal to 100 characters long",
                    "string.max",
                );
                return Err(validation(vec![e]));
            }
        }
        let body = String::from_utf8_lossy(&req.body).into_owned();
        Ok(IdempotencyKey::from_header(
            &req.headers,
            &caller.key,
            || body,
        ))
    }

    fn reused(&self, _: &Caller, used: Used) -> Reply {
        match used {
            Used::Replay(reply) => reply,
            Used::Mismatch => error(
                400,
                "IDEMPOTENCY_ERROR",
                "Idempotency key has been used with a different request",
            ),
            Used::InFlight => error(
                409,
                "IDEMPOTENCY_ERROR",
                "A request with this idempotency key is still being processed",
            ),
        }
    }

    fn validate(&self, _: &Caller, body: Self::Parsed) -> Result<Self::Valid, Reply> {
        let errors = check(&body);
        if errors.is_empty() {
            Ok(body)
        } else {
            Err(validation(errors))
        }
    }

    fn store(&self, _: &Caller, state: &SharedState, body: Self::Valid) -> Created {
        let reference = body["reference_id"].as_str().unwrap_or_default().to_owned();
        if !state
            .customers_with_reference(Connector::Xendit, &reference)
            .is_empty()
        {
            return Err(error(
                400,
                "DUPLICATE_END_CUSTOMER_ERROR",
                "Customer with the same reference_id already exists",
            ));
        }
        let customer = customer_object(body);
        let email = customer["email"].as_str().map(str::to_owned);
        let reply = Reply::json(200, &customer);
        Ok((create::stored(customer, Some(reference), email), reply))
    }
}

/// Xendit's rules for a 2020-10-31 `CustomerRequest` (EMULATOR.md §5).
fn check(b: &Map<String, Value>) -> Vec<Value> {
    let mut errs = Vec::new();
    for k in b.keys().filter(|k| !KEYS.contains(&k.as_str())) {
        errs.push(joi(&[k], "is not allowed", "object.unknown"));
    }
    match text(b.get("reference_id")) {
        Some(r) if !r.is_empty() && !too_long(r, 255) => {}
        _ => errs.push(joi(
            &["reference_id"],
            "must be a string of 1 to 255 characters",
            "string.base",
        )),
    }
    match text(b.get("type")) {
        Some("INDIVIDUAL") => match b.get("individual_detail").and_then(Value::as_object) {
            None => errs.push(joi(&["individual_detail"], "is required", "any.required")),
            Some(d) => {
                let name_ok = |v: &str| {
                    !v.is_empty()
                        && !too_long(v, 50)
                        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
                };
                if !text(d.get("given_names")).is_some_and(name_ok) {
                    errs.push(joi(
                        &["individual_detail", "given_names"],
                        "must be 1 to 50 alphanumeric characters",
                        "string.pattern.base",
                    ));
                }
                if d.get("surname")
                    .is_some_and(|s| !s.is_null() && !text(Some(s)).is_some_and(name_ok))
                {
                    errs.push(joi(
                        &["individual_detail", "surname"],
                        "must be 1 to 50 alphanumeric characters",
                        "string.pattern.base",
                    ));
                }
            }
        },
        Some("BUSINESS") => {}
        _ => errs.push(joi(
            &["type"],
            "must be one of [INDIVIDUAL, BUSINESS]",
            "any.only",
        )),
    }
    for f in ["mobile_number", "phone_number"] {
        if b.get(f)
            .is_some_and(|v| !text(Some(v)).is_some_and(is_e164))
        {
            errs.push(joi(&[f], "must be in E.164 format", "string.pattern.base"));
        }
    }
    if b.get("email")
        .is_some_and(|v| !text(Some(v)).is_some_and(|e| EMAIL.accepts(e)))
    {
        errs.push(joi(&["email"], "must be a valid email", "string.email"));
    }
    if b.get("description")
        .is_some_and(|v| !v.is_null() && text(Some(v)).is_none_or(|d| too_long(d, 1000)))
    {
        errs.push(joi(
            &["description"],
            "length must be less than or equal to 1000 characters long",
            "string.max",
        ));
    }
    if b.get("metadata")
        .is_some_and(|v| !v.is_null() && !v.is_object())
    {
        errs.push(joi(&["metadata"], "must be of type object", "object.base"));
    }
    match b.get("addresses") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for a in list {
                let Some(a) = a.as_object() else {
                    errs.push(joi(
                        &["addresses"],
                        "must be an array of objects",
                        "object.base",
                    ));
                    continue;
                };
                for k in a.keys().filter(|k| !ADDRESS_KEYS.contains(&k.as_str())) {
                    errs.push(joi(&["addresses", k], "is not allowed", "object.unknown"));
                }
                let country = text(a.get("country"));
                if !country
                    .is_some_and(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
                {
                    errs.push(joi(
                        &["addresses", "country"],
                        "must be an ISO 3166-1 alpha-2 code",
                        "string.pattern.base",
                    ));
                }
            }
        }
        Some(_) => errs.push(joi(&["addresses"], "must be an array", "array.base")),
    }
    errs
}

/// The string in `v`, if it is one.
fn text(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
}

/// `+` and 7–15 digits, the first not 0.
fn is_e164(p: &str) -> bool {
    p.strip_prefix('+').is_some_and(|d| {
        (7..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0')
    })
}

/// The Customer object of `created.json`: every field, `null` / `[]` where not sent.
fn customer_object(mut b: Map<String, Value>) -> Value {
    let millis = time::unix_millis_now();
    let now = format!(
        "{}.{:03}Z",
        time::format_utc(millis, DateStyle::Rfc3339("")),
        millis % 1000
    );
    let mut take = |k: &str| b.remove(k).unwrap_or(Value::Null);
    let detail = take("individual_detail");
    let individual = detail.as_object().map(|d| {
        let field = |k: &str| d.get(k).cloned().unwrap_or(Value::Null);
        json!({ "given_names": field("given_names"), "surname": field("surname"), "nationality": field("nationality"),
                "place_of_birth": field("place_of_birth"), "date_of_birth": field("date_of_birth"),
                "gender": field("gender"), "employment": field("employment") })
    });
    let addresses: Vec<Value> = take("addresses").as_array().cloned().unwrap_or_default().into_iter().map(|a| {
        let field = |k: &str| a.get(k).cloned().unwrap_or(Value::Null);
        json!({ "street_line1": field("street_line1"), "street_line2": field("street_line2"), "city": field("city"),
                "province_state": field("province_state"), "postal_code": field("postal_code"),
                "country": field("country"), "category": field("category"), "is_primary": a.get("is_primary").cloned().unwrap_or(json!(false)) })
    }).collect();
    json!({
        "id": format!("cust-{}", ids::uuid_v4()),
        "reference_id": take("reference_id"),
        "type": take("type"),
        "individual_detail": individual.unwrap_or(Value::Null),
        "business_detail": take("business_detail"),
        "email": take("email"),
        "mobile_number": take("mobile_number"),
        "phone_number": take("phone_number"),
        "addresses": addresses,
        "identity_accounts": [],
        "kyc_documents": [],
        "description": take("description"),
        "metadata": take("metadata"),
        "created": now,
        "updated": now,
    })
}

/// `GET /customers?reference_id=…`: `{"data": [customer…], "has_more": false}`.
async fn by_reference(State(state): State<SharedState>, headers: HeaderMap, uri: Uri) -> Reply {
    if let Err(refused) = authenticate(&headers) {
        return refused;
    }
    let query: Vec<(String, String)> =
        serde_urlencoded::from_str(uri.query().unwrap_or("")).unwrap_or_default();
    let Some((_, reference)) = query
        .into_iter()
        .find(|(k, v)| k == "reference_id" && !v.is_empty())
    else {
        return validation(vec![joi(&["reference_id"], "is required", "any.required")]);
    };
    let data: Vec<Value> = state
        .customers_with_reference(Connector::Xendit, &reference)
        .into_iter()
        .map(|c| c.body)
        .collect();
    Reply::json(200, &json!({ "data": data, "has_more": false }))
}

/// `GET /customers/{id}`.
async fn by_id(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Reply {
    if let Err(refused) = authenticate(&headers) {
        return refused;
    }
    match state.find_customer(Connector::Xendit, |c| c.id == id) {
        Some(c) => Reply::json(200, &c.body),
        None => error(404, "DATA_NOT_FOUND", "Customer not found"),
    }
}

#[cfg(test)]
mod tests {
    //! The rules the wire tests (`tests/xendit.rs`) do not show.
    use super::*;

    #[test]
    fn rules() {
        let ok = json!({"reference_id": "r", "type": "INDIVIDUAL", "individual_detail": {"given_names": "John Paul", "surname": null},
            "mobile_number": "+6281234567", "addresses": [{"country": "ID", "street_line1": "Jl. 1"}], "metadata": {"a": 1}});
        assert!(check(ok.as_object().expect("object")).is_empty());
        let bad = json!({"reference_id": "", "type": "INDIVIDUAL", "individual_detail": {"given_names": "José", "surname": "O'Brien"},
            "mobile_number": "081234567", "email": "a@b", "addresses": [{"country": "us", "line_1": "x"}], "extra": 1});
        let fields: Vec<String> = check(bad.as_object().expect("object"))
            .iter()
            .map(|e| e["field"].to_string())
            .collect();
        assert_eq!(fields.len(), 8, "{fields:?}");
        assert!(is_e164("+15551234567") && !is_e164("+05551234567") && !is_e164("+123456"));
    }

    #[test]
    fn injected_faults_answer_like_xendit() {
        let e = XenditEmulator;
        for (status, code) in [
            (401, "INVALID_API_KEY"),
            (403, "REQUEST_FORBIDDEN_ERROR"),
            (429, "RATE_LIMIT_EXCEEDED"),
            (503, "SERVER_ERROR"),
            (400, "API_VALIDATION_ERROR"),
        ] {
            let body: Value = serde_json::from_slice(&e.error_body(status).body).expect("json");
            assert_eq!(body["error_code"], code);
        }
    }
}
