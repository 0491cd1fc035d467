//! Stax (formerly Fattmerchant): `POST /customer` (JSON, Laravel validation), as described in
//! `crates/connectors/stax/docs.md` ("Emulator notes") and `tests/fixtures/stax/`.
//!
//! - Auth first: `Authorization: Bearer <key>`. Only [`SANDBOX_KEY`] is accepted; a missing,
//!   malformed or unknown key is 401 `{"error":"Unauthorized"}`.
//! - Input as Laravel reads it: a JSON object (`Content-Type: application/json`) or a form body;
//!   anything else is an empty input. Strings are trimmed and `""` becomes `null` (Laravel's
//!   default `TrimStrings` and `ConvertEmptyStringsToNull` middleware). Unknown keys are ignored.
//! - Validation collects every failing field into one 422 `{"<field>": ["<message>"]}`, fields in
//!   the order of Stax's customer model. One of firstname/lastname/email/company is required
//!   (the documented `required_without_all` body, verbatim); string maxima; `email` syntax;
//!   `phone` must contain `[0-9]{10,15}` (unanchored, as documented).
//! - Success is **200** with the full customer object (`created.json` shape); the id is a
//!   lowercase UUID v4.
//! - **No idempotency and no duplicate detection**: `Idempotency-Key` and `idempotency_id` are
//!   ignored, and the same `reference` twice makes two customers (as at Stax).
//! - `GET /customer?reference=…` lists customers, Laravel-paginated (for reconciliation tests).
//!
//! Choices where Stax's behaviour is unverified (docs.md "Unverified"), made so tests are strict:
//! the 401 body, the messages of every rule but `required_without_all` (stock Laravel wording,
//! where an attribute is shown with spaces for underscores), the 404/405/429/5xx bodies (Laravel
//! defaults), `null` for fields not sent, the gravatar rule and `missing_address_components: []`.
#![cfg(feature = "stax")]

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use md5::{Digest as _, Md5};
use prism_types::Connector;
use serde_json::{json, Value};

use super::{Emulator, Head, Reply, SharedState};
use crate::kit::create::{self, CreateProtocol, Created, Incoming};
use crate::kit::email::{DomainChars, EmailSyntax, LocalPart};
use crate::kit::limits::{self, Limits};
use crate::kit::time::{self, DateStyle};
use crate::kit::{auth, ids, routes};

/// The API key the emulator accepts.
pub(crate) const SANDBOX_KEY: &str = "stax_sandbox_prism_key";

/// The one-of group of `required_without_all`, in the documented order.
const IDENTITY: [&str; 4] = ["firstname", "lastname", "email", "company"];

/// String fields with their documented maximum, in the order errors are listed.
const STRING_FIELDS: Limits = &[
    ("firstname", 255),
    ("lastname", 255),
    ("email", 255),
    ("company", 255),
    ("phone", usize::MAX),
    ("address_1", 255),
    ("address_2", 255),
    ("address_city", 255),
    ("address_state", 2),
    ("address_zip", 16),
    ("address_country", 3),
    ("notes", 21844),
    ("reference", 255),
];

/// Laravel's default `email` rule (RFC syntax): a dotless domain passes, as with Laravel's
/// `RFCValidation`.
const EMAIL: EmailSyntax = EmailSyntax::new(true, LocalPart::DotAtom, 1, DomainChars::UnicodeLdh);

/// The Stax emulator.
#[derive(Clone, Copy)]
pub(crate) struct StaxEmulator;

impl Emulator for StaxEmulator {
    fn connector(&self) -> Connector {
        Connector::Stax
    }

    fn router(&self, state: SharedState) -> axum::Router {
        let create = create::post(Create, state.clone());
        let routes = axum::Router::new()
            .route("/customer", create.get(list_customers))
            .with_state(state);
        routes::with_fallbacks(*self, routes)
    }

    fn error_body(&self, status: u16) -> Reply {
        match status {
            401 => unauthorized(),
            422 => missing_identity(),
            429 => message(429, "Too Many Attempts."),
            404 => message(404, "The route customer could not be found."),
            500..=599 => message(status, "Server Error"),
            _ => message(status, reason(status)),
        }
    }

    fn credentials(&self) -> &'static [(&'static str, &'static str)] {
        &[("PRISM_STAX_API_KEY", SANDBOX_KEY)]
    }

    fn is_create(&self, method: &Method, path: &str) -> bool {
        method == Method::POST && path.trim_end_matches('/') == "/customer"
    }

    fn not_found(&self, head: &Head) -> Reply {
        let path = head.uri.path().trim_start_matches('/');
        message(404, &format!("The route {path} could not be found."))
    }

    fn method_not_allowed(&self, head: &Head) -> Reply {
        let method = &head.method;
        message(
            405,
            &format!("The {method} method is not supported for route customer. Supported methods: GET, HEAD, POST."),
        )
    }
}

fn reason(status: u16) -> &'static str {
    axum::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error")
}

/// A JSON reply whose object keys keep the given order (Laravel answers in model order).
fn ordered_reply(status: u16, pairs: &[(&str, Value)]) -> Reply {
    Reply::new(status, ordered_json(pairs).into_bytes())
        .with_header("Content-Type", "application/json")
}

fn ordered_json(pairs: &[(&str, Value)]) -> String {
    let fields: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}:{v}", json!(k)))
        .collect();
    format!("{{{}}}", fields.join(","))
}

/// Laravel's `{"message": …}` error shape.
fn message(status: u16, text: &str) -> Reply {
    ordered_reply(status, &[("message", json!(text))])
}

fn unauthorized() -> Reply {
    ordered_reply(401, &[("error", json!("Unauthorized"))])
}

/// The documented 422 for a body with none of firstname/lastname/email/company.
fn missing_identity() -> Reply {
    let errors: Vec<(String, Vec<String>)> = IDENTITY
        .iter()
        .map(|f| ((*f).to_owned(), vec![required_message(f)]))
        .collect();
    validation_reply(&errors)
}

fn required_message(field: &str) -> String {
    let others: Vec<&str> = IDENTITY.iter().copied().filter(|o| *o != field).collect();
    format!(
        "The {field} field is required when none of {} are present.",
        others.join(" / ")
    )
}

fn validation_reply(errors: &[(String, Vec<String>)]) -> Reply {
    let pairs: Vec<(&str, Value)> = errors
        .iter()
        .map(|(k, msgs)| (k.as_str(), json!(msgs)))
        .collect();
    ordered_reply(422, &pairs)
}

/// Laravel shows an attribute with spaces for underscores (`address_state` → `address state`).
fn display(field: &str) -> String {
    field.replace('_', " ")
}

/// Whether `Authorization` carries `Bearer <SANDBOX_KEY>`.
fn authorized(headers: &HeaderMap) -> bool {
    auth::bearer(headers) == Some(SANDBOX_KEY)
}

/// The request input as Laravel sees it: JSON object or form, trimmed, `""` → `null`.
fn input(headers: &HeaderMap, body: &[u8]) -> BTreeMap<String, Value> {
    let content_type = auth::content_type(headers);
    let raw: BTreeMap<String, Value> = if content_type.contains("json") {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => map.into_iter().collect(),
            _ => BTreeMap::new(),
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .map(|pairs| {
                pairs
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        BTreeMap::new()
    };
    raw.into_iter().map(|(k, v)| (k, normalize(v))).collect()
}

fn normalize(v: Value) -> Value {
    match v {
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                Value::Null
            } else {
                Value::String(t.to_owned())
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, normalize(v))).collect())
        }
        other => other,
    }
}

/// A string field's value: `Ok(None)` when absent or null, `Err` when not a scalar.
fn text(input: &BTreeMap<String, Value>, field: &str) -> Result<Option<String>, ()> {
    match input.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Bool(b)) => Ok(Some(if *b { "1" } else { "0" }.to_owned())),
        Some(_) => Err(()),
    }
}

/// Laravel's validation of the create body: every failing field with its messages, in order.
fn validate(input: &BTreeMap<String, Value>) -> Vec<(String, Vec<String>)> {
    let identity_present = IDENTITY
        .iter()
        .any(|f| matches!(text(input, f), Ok(Some(_)) | Err(())));
    let mut errors = Vec::new();
    for (field, max) in STRING_FIELDS {
        let mut msgs = Vec::new();
        if !identity_present && IDENTITY.contains(field) {
            msgs.push(required_message(field));
        }
        match text(input, field) {
            Err(()) => msgs.push(format!("The {} must be a string.", display(field))),
            Ok(None) => {}
            Ok(Some(v)) => {
                if limits::too_long(&v, *max) {
                    msgs.push(format!(
                        "The {} must not be greater than {max} characters.",
                        display(field)
                    ));
                }
                if *field == "email" && !EMAIL.accepts(&v) {
                    msgs.push("The email must be a valid email address.".to_owned());
                }
                if *field == "phone" && !has_digit_run(&v, 10) {
                    msgs.push("The phone format is invalid.".to_owned());
                }
            }
        }
        if !msgs.is_empty() {
            errors.push(((*field).to_owned(), msgs));
        }
    }
    for field in ["cc_emails", "cc_sms"] {
        if !matches!(input.get(field), None | Some(Value::Null | Value::Array(_))) {
            errors.push((
                field.to_owned(),
                vec![format!("The {} must be an array.", display(field))],
            ));
        }
    }
    if !matches!(
        input.get("allow_invoice_credit_card_payments"),
        None | Some(Value::Null | Value::Bool(_))
    ) {
        errors.push((
            "allow_invoice_credit_card_payments".to_owned(),
            vec!["The allow invoice credit card payments field must be true or false.".to_owned()],
        ));
    }
    errors
}

/// Whether `s` contains at least `n` consecutive ASCII digits (`/[0-9]{n,…}/`, unanchored).
fn has_digit_run(s: &str, n: usize) -> bool {
    s.split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() >= n)
}

/// `POST /customer`: Bearer auth → Laravel input (never refused) → validation → store. No
/// idempotency and no duplicate detection.
struct Create;

impl CreateProtocol for Create {
    const CONNECTOR: Connector = Connector::Stax;
    type Caller = ();
    type Parsed = BTreeMap<String, Value>;
    type Valid = BTreeMap<String, Value>;

    fn authenticate(&self, req: &Incoming) -> Result<(), Reply> {
        authorized(&req.headers)
            .then_some(())
            .ok_or_else(unauthorized)
    }

    fn parse(&self, (): &(), req: &Incoming) -> Result<Self::Parsed, Reply> {
        Ok(input(&req.headers, &req.body))
    }

    fn validate(&self, (): &(), input: Self::Parsed) -> Result<Self::Valid, Reply> {
        let errors = validate(&input);
        if errors.is_empty() {
            Ok(input)
        } else {
            Err(validation_reply(&errors))
        }
    }

    fn store(&self, (): &(), _: &SharedState, input: Self::Valid) -> Created {
        let pairs = customer_object(&input);
        let reply = ordered_reply(200, &pairs);
        let body: serde_json::Map<String, Value> =
            pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let body = Value::Object(body);
        let (reference, email) = (body["reference"].as_str(), body["email"].as_str());
        let (reference, email) = (reference.map(str::to_owned), email.map(str::to_owned));
        Ok((create::stored(body, reference, email), reply))
    }
}

/// The customer object in `created.json`'s field order.
fn customer_object(input: &BTreeMap<String, Value>) -> Vec<(&'static str, Value)> {
    let s = |f: &str| {
        text(input, f)
            .ok()
            .flatten()
            .map_or(Value::Null, Value::String)
    };
    let given = |f: &str| input.get(f).cloned().unwrap_or(Value::Null);
    let email = text(input, "email").ok().flatten();
    let now = time::format_utc(time::unix_now() * 1000, DateStyle::Sql);
    let is_address = |f: &str| f.starts_with("address_");
    let has_address = STRING_FIELDS
        .iter()
        .any(|(f, _)| is_address(f) && !s(f).is_null());
    vec![
        ("id", json!(ids::uuid_v4())),
        ("firstname", s("firstname")),
        ("lastname", s("lastname")),
        ("company", s("company")),
        ("email", s("email")),
        ("cc_emails", given("cc_emails")),
        ("cc_sms", given("cc_sms")),
        ("phone", s("phone")),
        ("address_1", s("address_1")),
        ("address_2", s("address_2")),
        ("address_city", s("address_city")),
        ("address_state", s("address_state")),
        ("address_zip", s("address_zip")),
        ("address_country", s("address_country")),
        ("notes", s("notes")),
        ("reference", s("reference")),
        ("options", given("options")),
        ("created_at", json!(now)),
        ("updated_at", json!(now)),
        ("deleted_at", Value::Null),
        (
            "allow_invoice_credit_card_payments",
            input
                .get("allow_invoice_credit_card_payments")
                .and_then(Value::as_bool)
                .map_or(json!(true), Value::Bool),
        ),
        (
            "gravatar",
            email.map_or(json!(false), |e| {
                json!(format!(
                    "//www.gravatar.com/avatar/{:x}",
                    Md5::digest(e.trim().to_lowercase().as_bytes())
                ))
            }),
        ),
        ("has_address", json!(has_address)),
        ("missing_address_components", json!([])),
    ]
}

/// `GET /customer`: the Laravel-paginated list, filtered by `reference` / `email` (exact).
async fn list_customers(State(state): State<SharedState>, headers: HeaderMap, uri: Uri) -> Reply {
    if !authorized(&headers) {
        return unauthorized();
    }
    let query: Vec<(String, String)> =
        serde_urlencoded::from_str(uri.query().unwrap_or("")).unwrap_or_default();
    let filter = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let (reference, email) = (filter("reference"), filter("email"));
    // The reference is indexed: a lookup stays O(1) under the soak's 20,000 customers.
    let candidates = match &reference {
        Some(r) => state.customers_with_reference(Connector::Stax, r),
        None => state.customers(Connector::Stax),
    };
    let data: Vec<Value> = candidates
        .into_iter()
        .filter(|c| {
            reference
                .as_ref()
                .is_none_or(|r| c.merchant_customer_id.as_ref() == Some(r))
        })
        .filter(|c| email.as_ref().is_none_or(|e| c.email.as_ref() == Some(e)))
        .map(|c| c.body)
        .collect();
    let total = data.len();
    let per_page = 25;
    let shown: Vec<Value> = data.into_iter().take(per_page).collect();
    let (from, to) = match total {
        0 => (Value::Null, Value::Null),
        _ => (json!(1), json!(shown.len())),
    };
    ordered_reply(
        200,
        &[
            ("total", json!(total)),
            ("per_page", json!(per_page)),
            ("current_page", json!(1)),
            ("last_page", json!(total.div_ceil(per_page).max(1))),
            ("next_page_url", Value::Null),
            ("prev_page_url", Value::Null),
            ("from", from),
            ("to", to),
            ("data", Value::Array(shown)),
        ],
    )
}

#[cfg(test)]
mod tests {
    //! The rules and shapes the wire tests (`tests/stax.rs`) do not show.
    use super::*;

    fn fields(input: Value) -> Vec<String> {
        let input: BTreeMap<String, Value> = serde_json::from_value(input).expect("an object");
        let input = input.into_iter().map(|(k, v)| (k, normalize(v))).collect();
        validate(&input).into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn other_rules() {
        // Unanchored: a run of 10 digits anywhere passes, and so do numbers; unknown keys pass.
        for ok in [
            json!({"email": "a@b", "phone": "tel 5551234567"}),
            json!({"company": "ACME", "phone": 15551234567_u64}),
            json!({"email": "a@b.co", "whatever": 1}),
        ] {
            assert!(fields(ok.clone()).is_empty(), "{ok}");
        }
        let odd = json!({"firstname": ["x"], "cc_emails": "a@b.co",
            "allow_invoice_credit_card_payments": "yes"});
        let refused = [
            "firstname",
            "cc_emails",
            "allow_invoice_credit_card_payments",
        ];
        assert_eq!(fields(odd), refused);
        let not_a_string = validate(&BTreeMap::from([("firstname".into(), json!(["x"]))]));
        assert_eq!(not_a_string[0].1, ["The firstname must be a string."]);
    }

    #[test]
    fn required_without_all_keeps_the_documented_order() {
        let text = String::from_utf8(missing_identity().body).expect("utf8");
        let at: Vec<Option<usize>> = IDENTITY
            .iter()
            .map(|k| text.find(&format!("\"{k}\"")))
            .collect();
        assert!(at.iter().all(Option::is_some) && at.is_sorted(), "{text}");
        let errors = validate(&BTreeMap::from([("reference".into(), json!("r1"))]));
        assert_eq!(validation_reply(&errors).body, text.into_bytes());
    }

    #[test]
    fn injected_faults_answer_like_stax() {
        let e = StaxEmulator;
        for (status, body) in [
            (401, json!({"error": "Unauthorized"})),
            (429, json!({"message": "Too Many Attempts."})),
            (500, json!({"message": "Server Error"})),
            (503, json!({"message": "Server Error"})),
        ] {
            let r = e.error_body(status);
            assert_eq!(r.header("Content-Type"), Some("application/json"));
            assert_eq!(serde_json::from_slice::<Value>(&r.body).ok(), Some(body));
        }
        assert!(e.is_create(&Method::POST, "/customer/"));
        assert!(!e.is_create(&Method::GET, "/customer"));
        assert!(!e.is_create(&Method::POST, "/customer/find-or-create"));
    }
}
