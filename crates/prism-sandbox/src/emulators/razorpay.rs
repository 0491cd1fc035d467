//! Razorpay: `POST /v1/customers`, as described in `crates/connectors/razorpay/EMULATOR.md` and
//! `docs.md`, and `tests/fixtures/razorpay/`: Basic auth ([`KEY_ID`]/[`KEY_SECRET`], the scheme
//! word exactly `Basic`), a JSON object with only the documented keys, Razorpay's validation
//! (every answer a 400 `BAD_REQUEST_ERROR`), 200 with the customer entity. No idempotency key.
//! The native duplicate rule: one customer per (email, contact) pair, a missing member counting
//! as a value, no rule without either; a duplicate is refused with `fail_existing` `"1"` (or
//! anything but the string `"0"`), and answered with the stored customer, unchanged and
//! unmarked, with `"0"`. `GET /v1/customers/{id}` and `GET /v1/customers?count=&skip=` read.
#![cfg(feature = "razorpay")]

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::routing::get;
use prism_types::Connector;
use serde_json::{json, Map, Value};

use super::{Emulator, Reply, SharedState};
use crate::kit::create::{self, CreateProtocol, Created, Incoming};
use crate::kit::email::{DomainChars, EmailSyntax, LocalPart};
use crate::kit::limits::{self, MapLimits};
use crate::kit::{auth, ids, json as body, routes, time};

/// The key id the emulator accepts (a test-mode key).
pub(crate) const KEY_ID: &str = "rzp_test_prismSandbox01";
/// Its key secret.
pub(crate) const KEY_SECRET: &str = "prismSandboxKeySecret01";
/// The keys a create may carry (any other: 400 "… is/are not required and should not be sent").
const KEYS: [&str; 6] = [
    "name",
    "email",
    "contact",
    "fail_existing",
    "gstin",
    "notes",
];
/// `notes`: 15 pairs, values of 256 characters (key length undocumented: not checked).
const NOTES: MapLimits = MapLimits::new(15, usize::MAX, 256);
/// The email rule (Razorpay's exact syntax rule is undocumented).
const EMAIL: EmailSyntax = EmailSyntax::new(true, LocalPart::Any, 2, DomainChars::Any);
/// The generic answer of a server failure [assumed wording].
const SERVER_ERROR: &str =
    "The server encountered an error. The incident has been reported to admins.";

/// The Razorpay emulator.
#[derive(Clone, Copy)]
pub(crate) struct RazorpayEmulator;

impl Emulator for RazorpayEmulator {
    fn connector(&self) -> Connector {
        Connector::Razorpay
    }

    fn router(&self, state: SharedState) -> axum::Router {
        let customers = get(list_customers).merge(create::post(Create, state.clone()));
        let routes = axum::Router::new()
            .route("/v1/customers", customers)
            .route("/v1/customers/{id}", get(fetch_customer))
            .with_state(state);
        routes::with_fallbacks(*self, routes)
    }

    fn error_body(&self, status: u16) -> Reply {
        match status {
            401 => unauthorized("The api key provided is invalid"),
            403 => error(403, "Access Denied", None, "NA"),
            404 => error(
                404,
                "The requested URL was not found on the server.",
                None,
                "NA",
            ),
            429 => error(429, "Too many requests", None, "NA"),
            500..=599 => error(status, SERVER_ERROR, None, "NA"),
            _ => error(status, "The request could not be processed.", None, "NA"),
        }
    }

    fn credentials(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("PRISM_RAZORPAY_KEY_ID", KEY_ID),
            ("PRISM_RAZORPAY_KEY_SECRET", KEY_SECRET),
        ]
    }
}

/// Razorpay's error object: `code` by status (`SERVER_ERROR` for 500, `GATEWAY_ERROR` for other
/// 5xx, else `BAD_REQUEST_ERROR`), `field` only when given.
fn error(status: u16, description: &str, field: Option<&str>, reason: &str) -> Reply {
    let code = match status {
        500 => "SERVER_ERROR",
        501..=599 => "GATEWAY_ERROR",
        _ => "BAD_REQUEST_ERROR",
    };
    let source = if field.is_some() { "business" } else { "NA" };
    let mut e = json!({"code": code, "description": description, "source": source,
        "step": "NA", "reason": reason, "metadata": {}});
    if let Some(f) = field {
        e["field"] = json!(f);
    }
    Reply::json(status, &json!({ "error": e }))
}

/// A 400 about `field` (`input_validation_failed` unless said otherwise).
fn invalid(field: &str, description: impl AsRef<str>) -> Reply {
    error(
        400,
        description.as_ref(),
        Some(field),
        "input_validation_failed",
    )
}

/// The 401 of a bad key id or secret: only `code` and `description` (razorpay-php-testapp#13).
fn unauthorized(description: &str) -> Reply {
    let e = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": description}});
    Reply::json(401, &e)
}

/// Basic auth with the scheme word exactly `Basic` (the docs call `BASIC`/`basic` invalid).
fn gate(headers: &HeaderMap) -> Result<(), Reply> {
    let raw = auth::header(headers, header::AUTHORIZATION.as_str()).unwrap_or_default();
    let (id, secret) = match auth::basic(headers) {
        Some(pair) if raw.starts_with("Basic ") => pair,
        _ => return Err(unauthorized("The api key provided is invalid")),
    };
    match (id == KEY_ID, secret.as_deref() == Some(KEY_SECRET)) {
        (true, true) => Ok(()),
        (true, false) => Err(unauthorized("The api secret provided is invalid")),
        _ => Err(unauthorized("The api key provided is invalid")),
    }
}

/// A valid create: the customer's fields and whether a duplicate is answered (`"0"`).
struct Valid {
    fields: Map<String, Value>,
    answer_existing: bool,
}

/// `POST /v1/customers`: auth → JSON object → validation (first failure, 400) → duplicate rule
/// → 200 with the customer.
struct Create;

impl CreateProtocol for Create {
    const CONNECTOR: Connector = Connector::Razorpay;
    type Caller = ();
    type Parsed = Map<String, Value>;
    type Valid = Valid;

    fn authenticate(&self, req: &Incoming) -> Result<(), Reply> {
        gate(&req.headers)
    }

    fn parse(&self, _: &(), req: &Incoming) -> Result<Self::Parsed, Reply> {
        let bad = || error(400, "The request body must be a JSON object.", None, "NA");
        body::object(&req.body).ok_or_else(bad)
    }

    fn validate(&self, _: &(), request: Self::Parsed) -> Result<Valid, Reply> {
        validate(request)
    }

    fn store(&self, _: &(), state: &SharedState, valid: Valid) -> Created {
        let Valid {
            mut fields,
            answer_existing,
        } = valid;
        if let Some(existing) = duplicate_of(state, &fields) {
            if answer_existing {
                // Not stored again: the kit stores only what an `Ok` carries.
                return Err(Reply::json(200, &existing));
            }
            let why = "Customer already exists for the merchant";
            let e = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": why,
                "source": "NA", "step": "NA", "reason": "NA", "metadata": {}}});
            return Err(Reply::json(400, &e));
        }
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        let reference = text(
            fields
                .get("notes")
                .and_then(|n| n.get("merchant_customer_id")),
        );
        let email = text(fields.get("email"));
        let notes = match fields.remove("notes") {
            Some(Value::Object(n)) if !n.is_empty() => Value::Object(n),
            _ => json!([]),
        };
        let field = |k: &str| fields.get(k).cloned().unwrap_or(Value::Null);
        let customer = json!({
            "id": format!("cust_{}", ids::alnum(14)),
            "entity": "customer",
            "name": field("name"),
            "email": field("email"),
            "contact": field("contact"),
            "gstin": field("gstin"),
            "notes": notes,
            "created_at": time::unix_now(),
        });
        let reply = Reply::json_as(200, &customer, "application/json; charset=UTF-8");
        Ok((create::stored(customer, reference, email), reply))
    }
}

/// The stored customer with the same (email lower-cased, contact) pair, if any; never for a
/// request with neither.
fn duplicate_of(state: &SharedState, fields: &Map<String, Value>) -> Option<Value> {
    let key = |c: &Map<String, Value>| {
        let email = c
            .get("email")
            .and_then(Value::as_str)
            .map(str::to_lowercase);
        let contact = c.get("contact").and_then(Value::as_str).map(str::to_owned);
        (email, contact)
    };
    let wanted = key(fields);
    if wanted == (None, None) {
        return None;
    }
    let same =
        |c: &crate::store::StoredCustomer| c.body.as_object().map(key).as_ref() == Some(&wanted);
    // With an e-mail, the store's e-mail index narrows the search (the soak's 20,000 creates).
    match &wanted.0 {
        Some(email) => state
            .customers_with_email(Connector::Razorpay, email)
            .into_iter()
            .find(|c| same(c)),
        None => state.find_customer(Connector::Razorpay, same),
    }
    .map(|c| c.body)
}

/// Razorpay's rules, in its order; the first failure is the answer.
fn validate(request: Map<String, Value>) -> Result<Valid, Reply> {
    if let Some(k) = request.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(invalid(
            k,
            format!("{k} is/are not required and should not be sent"),
        ));
    }
    let answer_existing = request.get("fail_existing") == Some(&json!("0"));
    let mut fields = Map::new();
    for (k, v) in request {
        let v = match (k.as_str(), v) {
            (_, Value::Null) | ("fail_existing", _) => continue,
            // A JSON number is taken as its digits [assumed]; Prism always sends a string.
            ("contact", Value::Number(n)) => json!(n.to_string()),
            ("notes", Value::Object(n)) => Value::Object(notes(n)?),
            ("notes", Value::Array(a)) if a.is_empty() => continue,
            ("notes", _) => return Err(invalid("notes", "The notes must be an array.")),
            (_, Value::String(s)) => Value::String(s),
            (k, _) => return Err(invalid(k, format!("The {k} must be a string."))),
        };
        fields.insert(k, v);
    }
    let text = |k: &str| fields.get(k).and_then(Value::as_str);
    if let Some(c) = text("contact") {
        let digits = c.strip_prefix('+').unwrap_or(c);
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            let why =
                "Contact number contains invalid characters, only digits and + symbol are allowed.";
            return Err(invalid("contact", why));
        }
        if limits::too_long(c, 15) {
            return Err(invalid(
                "contact",
                "The contact may not be greater than 15 characters.",
            ));
        }
        if digits.len() < 8 {
            let why = "Contact number should be at least 8 digits, including country code";
            return Err(error(400, why, Some("contact"), "invalid_contact_number"));
        }
    }
    if let Some(e) = text("email") {
        if limits::too_long(e, 64) {
            return Err(invalid(
                "email",
                "The email may not be greater than 64 characters.",
            ));
        }
        if !EMAIL.accepts(e) {
            return Err(invalid("email", "The email must be a valid email address."));
        }
    }
    if let Some(n) = text("name") {
        if limits::too_long(n, 50) {
            return Err(invalid(
                "name",
                "The name may not be greater than 50 characters.",
            ));
        }
        if n.chars().count() < 3 {
            return Err(invalid("name", "The name must be at least 3 characters."));
        }
        let allowed = |c: char| c.is_alphanumeric() || " .'/@()-_".contains(c);
        if !n.chars().all(allowed) {
            return Err(invalid("name", "The name format is invalid."));
        }
    }
    Ok(Valid {
        fields,
        answer_existing,
    })
}

/// `notes`: at most 15 pairs, values strings (or numbers, kept as sent) of at most 256.
fn notes(n: Map<String, Value>) -> Result<Map<String, Value>, Reply> {
    if NOTES.too_many(n.len()) {
        return Err(invalid("notes", "Notes should not have more than 15 keys."));
    }
    for (k, v) in &n {
        let too_long = match v {
            Value::String(s) => NOTES.value_too_long(s),
            Value::Number(_) => false,
            _ => {
                return Err(invalid(
                    &format!("notes.{k}"),
                    "Notes values must be strings.",
                ))
            }
        };
        if too_long {
            let why = "Notes value cannot be greater than 256 characters.";
            return Err(invalid(&format!("notes.{k}"), why));
        }
    }
    Ok(n)
}

/// `GET /v1/customers/{id}`: the customer, or 400 "The id provided does not exist".
async fn fetch_customer(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Reply {
    if let Err(reply) = gate(&headers) {
        return reply;
    }
    match state.find_customer(Connector::Razorpay, |c| c.id == id) {
        Some(c) => Reply::json(200, &c.body),
        None => error(400, "The id provided does not exist", Some("id"), "NA"),
    }
}

/// `GET /v1/customers?count=&skip=`: a page of the collection, newest first (`count` ≤ 100,
/// default 10).
async fn list_customers(
    State(state): State<SharedState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Reply {
    if let Err(reply) = gate(&headers) {
        return reply;
    }
    let params: Vec<(String, String)> =
        serde_urlencoded::from_str(&query.unwrap_or_default()).unwrap_or_default();
    let number = |name: &str, default: usize| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map_or(Ok(default), |(_, v)| {
                v.parse::<usize>().map_err(|_| name.to_owned())
            })
    };
    let (count, skip) = match (number("count", 10), number("skip", 0)) {
        (Ok(c), Ok(s)) if (1..=100).contains(&c) => (c, s),
        (Ok(_), Ok(_)) => {
            let why = "The count must be between 1 and 100.";
            return invalid("count", why);
        }
        (Err(f), _) | (_, Err(f)) => return invalid(&f, format!("The {f} must be an integer.")),
    };
    let mut all = state.customers(Connector::Razorpay);
    all.reverse();
    let items: Vec<Value> = all
        .into_iter()
        .skip(skip)
        .take(count)
        .map(|c| c.body)
        .collect();
    Reply::json(
        200,
        &json!({"entity": "collection", "count": items.len(), "items": items}),
    )
}
