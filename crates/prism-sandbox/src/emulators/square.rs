//! Square: `POST /v2/customers` (`CreateCustomer`) and `POST /v2/customers/search`, as
//! `crates/connectors/square/EMULATOR.md` describes (deviations: docs.md "Decisions").
//!
//! - Auth: `Authorization: Bearer` [`SANDBOX_TOKEN`], else 401 `UNAUTHORIZED` (`auth_failed.json`).
//!   `Square-Version` absent → 2025-08-20, not `YYYY-MM-DD` → 400 `INVALID_SQUARE_VERSION_FORMAT`;
//!   echoed on success. Every answer has `x-speleo-traceid: CDN-<uuid>` (observed, undocumented).
//! - Body: a JSON object of `CreateCustomerRequest`'s fields (`EXPECTED_JSON_BODY`,
//!   `UNKNOWN_BODY_PARAMETER`, `EXPECTED_STRING` / `EXPECTED_OBJECT` otherwise). Validation puts
//!   every failure in one 400 `errors[]` with `field`: one of given/family/company name, email,
//!   phone (`MISSING_REQUIRED_PARAMETER`), `VALUE_EMPTY`, `VALUE_TOO_LONG`, `INVALID_EMAIL_ADDRESS`,
//!   `INVALID_PHONE_NUMBER` (9-16 digits), `INVALID_ENUM_VALUE` (country not two capitals).
//! - Success: 200 `{"customer": {…}}`, a 26-character upper-case id (`created.json`'s keys). No
//!   uniqueness: the same `reference_id` twice makes two customers.
//! - `idempotency_key` (per token): same key and body → the stored answer again, unmarked; other
//!   body → 400 `IDEMPOTENCY_KEY_REUSED`; in flight → 409 `CONFLICT`; refusals are not stored.
//! - Search: `query.filter.reference_id.exact` only, from the store's reference index (exact,
//!   case-sensitive), oldest first, `limit` 1-100, `{}` when none; lag: `Sandbox::set_search_lag`.
//!
//! Unverified at Square (chosen so tests are strict): the statuses of `IDEMPOTENCY_KEY_REUSED` and
//! `CONFLICT`, the body/version/missing-identity codes and details, address maxima.
#![cfg(feature = "square")]

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method};
use prism_types::Connector;
use serde_json::{json, Map, Value};

use super::{Emulator, Reply, SharedState};
use crate::kit::create::{self, CreateProtocol, Created, IdemResult, IdempotencyKey, Incoming};
use crate::kit::email::{DomainChars, EmailSyntax, LocalPart};
use crate::kit::idempotency::Used;
use crate::kit::limits::{self, Limits};
use crate::kit::time::{self, DateStyle};
use crate::kit::{auth, ids, json as body, routes};

/// The access token the emulator accepts.
pub(crate) const SANDBOX_TOKEN: &str = "EAAAprism_square_sandbox_token";
/// The version used when a request names none.
const DEFAULT_VERSION: &str = "2025-08-20";
const CREATE_PATH: &str = "/v2/customers";
/// The 401 detail (laravel-square#67, square-nodejs-sdk#10; `auth_failed.json`).
const UNAUTHORIZED: &str = "The `Authorization` http header of your request was incorrect or expired. The header value is expected to be of the format \"Bearer TOKEN\" (without quotation marks), where TOKEN is a valid access token (e.g. \"Bearer ABC123def456GHI789jkl0\"). For more information, see https://developer.squareup.com/docs/build-basics/using-rest-api#__set-the-headers__ .";
/// `CreateCustomerRequest`'s string fields with their documented maxima (`usize::MAX`: none).
const FIELDS: Limits = &[
    ("idempotency_key", usize::MAX),
    ("given_name", 300),
    ("family_name", 300),
    ("company_name", 500),
    ("nickname", 100),
    ("email_address", 254),
    ("phone_number", usize::MAX),
    ("reference_id", 100),
    ("note", usize::MAX),
    ("birthday", usize::MAX),
];
/// `Address`'s fields (their maxima are in a guide section Prism could not read).
const ADDRESS_FIELDS: &str = "address_line_1 address_line_2 address_line_3 locality sublocality \
    sublocality_2 sublocality_3 administrative_district_level_1 administrative_district_level_2 \
    administrative_district_level_3 postal_code country first_name last_name";
/// One of these is required.
const IDENTITY: &str = "given_name family_name company_name email_address phone_number";
const EMAIL: EmailSyntax = EmailSyntax::new(true, LocalPart::DotAtom, 2, DomainChars::Any);

/// The Square emulator.
#[derive(Clone, Copy)]
pub(crate) struct SquareEmulator;

impl Emulator for SquareEmulator {
    fn connector(&self) -> Connector {
        Connector::Square
    }

    fn router(&self, state: SharedState) -> axum::Router {
        let routes = axum::Router::new()
            .route(CREATE_PATH, create::post(Create, state.clone()))
            .route("/v2/customers/search", axum::routing::post(search))
            .with_state(state);
        routes::with_fallbacks(*self, routes)
    }

    fn error_body(&self, status: u16) -> Reply {
        let (category, code) = match status {
            401 => ("AUTHENTICATION_ERROR", "UNAUTHORIZED"),
            403 => ("AUTHENTICATION_ERROR", "FORBIDDEN"),
            404 => ("INVALID_REQUEST_ERROR", "NOT_FOUND"),
            405 => ("INVALID_REQUEST_ERROR", "METHOD_NOT_ALLOWED"),
            408 => ("API_ERROR", "REQUEST_TIMEOUT"),
            409 => ("INVALID_REQUEST_ERROR", "CONFLICT"),
            429 => ("RATE_LIMIT_ERROR", "RATE_LIMITED"),
            502 => ("API_ERROR", "BAD_GATEWAY"),
            503 => ("API_ERROR", "SERVICE_UNAVAILABLE"),
            504 => ("API_ERROR", "GATEWAY_TIMEOUT"),
            400..=499 => ("INVALID_REQUEST_ERROR", "BAD_REQUEST"),
            _ => ("API_ERROR", "INTERNAL_SERVER_ERROR"),
        };
        let detail = (status == 401).then_some(UNAUTHORIZED);
        errors(status, vec![error(category, code, detail, None)])
    }

    fn credentials(&self) -> &'static [(&'static str, &'static str)] {
        &[("PRISM_SQUARE_ACCESS_TOKEN", SANDBOX_TOKEN)]
    }

    fn is_create(&self, method: &Method, path: &str) -> bool {
        method == Method::POST && path == CREATE_PATH
    }
}

/// One `Error` object.
fn error(category: &str, code: &str, detail: Option<&str>, field: Option<&str>) -> Value {
    let mut e = json!({"category": category, "code": code});
    if let Some(d) = detail {
        e["detail"] = json!(d);
    }
    if let Some(f) = field {
        e["field"] = json!(f);
    }
    e
}

/// An invalid-request `Error` on `field`.
fn invalid(code: &str, detail: &str, field: &str) -> Value {
    error("INVALID_REQUEST_ERROR", code, Some(detail), Some(field))
}

/// `{"errors": [...]}` with `status` (the first error's, as Square answers).
fn errors(status: u16, errors: Vec<Value>) -> Reply {
    traced(Reply::json(status, &json!({ "errors": errors })))
}

fn traced(reply: Reply) -> Reply {
    reply.with_header("x-speleo-traceid", format!("CDN-{}", ids::uuid_v4()))
}

/// What authentication established: the token (the idempotency scope) and the version.
struct Ctx {
    token: String,
    version: String,
}

/// The bearer token, then `Square-Version`.
fn authenticate(headers: &HeaderMap) -> Result<Ctx, Reply> {
    if auth::bearer(headers) != Some(SANDBOX_TOKEN) {
        return Err(SquareEmulator.error_body(401));
    }
    let version = auth::header(headers, "square-version").unwrap_or(DEFAULT_VERSION);
    let shape = version.len() == 10
        && version.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape {
        let detail = "Square-Version must be of the form YYYY-MM-DD.";
        let e = invalid("INVALID_SQUARE_VERSION_FORMAT", detail, "Square-Version");
        return Err(errors(400, vec![e]));
    }
    Ok(Ctx {
        token: SANDBOX_TOKEN.to_owned(),
        version: version.to_owned(),
    })
}

/// The body as a JSON object, or Square's refusal.
fn object(raw: &[u8]) -> Result<Map<String, Value>, Reply> {
    body::object(raw).ok_or_else(|| {
        let detail = "The request body must be a JSON object.";
        errors(400, vec![invalid("EXPECTED_JSON_BODY", detail, "body")])
    })
}

/// `POST /v2/customers`: token → body → `idempotency_key` → validation → store.
struct Create;

impl CreateProtocol for Create {
    const CONNECTOR: Connector = Connector::Square;
    type Caller = Ctx;
    type Parsed = Map<String, Value>;
    type Valid = Map<String, Value>;

    fn authenticate(&self, req: &Incoming) -> Result<Ctx, Reply> {
        authenticate(&req.headers)
    }

    fn parse(&self, _: &Ctx, req: &Incoming) -> Result<Self::Parsed, Reply> {
        let mut map = object(&req.body)?;
        map.retain(|_, v| !v.is_null());
        let mut errs = Vec::new();
        for (k, v) in &map {
            match (k.as_str(), v) {
                ("address", Value::Object(a)) => {
                    for (ak, av) in a {
                        let field = format!("address.{ak}");
                        if !ADDRESS_FIELDS.split_whitespace().any(|f| f == ak) {
                            errs.push(invalid("UNKNOWN_BODY_PARAMETER", "Unknown field.", &field));
                        } else if !(av.is_string() || av.is_null()) {
                            errs.push(invalid("EXPECTED_STRING", "Expected a string.", &field));
                        }
                    }
                }
                ("tax_ids", Value::Object(_)) => {}
                ("address" | "tax_ids", _) => {
                    errs.push(invalid("EXPECTED_OBJECT", "Expected an object.", k));
                }
                (_, Value::String(_)) if limits::max_of(FIELDS, k).is_some() => {}
                _ if limits::max_of(FIELDS, k).is_some() => {
                    errs.push(invalid("EXPECTED_STRING", "Expected a string.", k));
                }
                _ => errs.push(invalid("UNKNOWN_BODY_PARAMETER", "Unknown field.", k)),
            }
        }
        if errs.is_empty() {
            Ok(map)
        } else {
            Err(errors(400, errs))
        }
    }

    fn idempotency_key(&self, ctx: &Ctx, _: &Incoming, map: &Self::Parsed) -> IdemResult {
        let Some(key) = map.get("idempotency_key").and_then(Value::as_str) else {
            return Ok(None);
        };
        let mut rest = map.clone();
        rest.remove("idempotency_key");
        Ok((!key.is_empty()).then(|| IdempotencyKey {
            scope: ctx.token.clone(),
            key: key.to_owned(),
            fingerprint: Value::Object(rest).to_string(),
        }))
    }

    fn reused(&self, _: &Ctx, used: Used) -> Reply {
        match used {
            // The stored answer again, unmarked: Square documents no replay marker.
            Used::Replay(stored) => stored,
            Used::Mismatch => errors(
                400,
                vec![error(
                    "INVALID_REQUEST_ERROR",
                    "IDEMPOTENCY_KEY_REUSED",
                    None,
                    None,
                )],
            ),
            Used::InFlight => SquareEmulator.error_body(409),
        }
    }

    fn validate(&self, _: &Ctx, map: Self::Parsed) -> Result<Self::Valid, Reply> {
        let errs = problems(&map);
        if errs.is_empty() {
            Ok(map)
        } else {
            Err(errors(400, errs))
        }
    }

    fn store(&self, ctx: &Ctx, _: &SharedState, mut map: Self::Valid) -> Created {
        map.remove("idempotency_key");
        let millis = time::unix_millis_now();
        let now = format!(
            "{}.{:03}Z",
            time::format_utc(millis, DateStyle::Rfc3339("")),
            millis % 1000
        );
        map.insert(
            "id".into(),
            json!(ids::lower_alnum(26).to_ascii_uppercase()),
        );
        map.insert("created_at".into(), json!(now));
        map.insert("updated_at".into(), json!(now));
        map.insert("preferences".into(), json!({"email_unsubscribed": false}));
        map.insert("creation_source".into(), json!("THIRD_PARTY"));
        map.insert("version".into(), json!(0));
        let text = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_owned);
        let (reference, email) = (text("reference_id"), text("email_address"));
        let customer = Value::Object(map);
        let reply = traced(Reply::json(200, &json!({ "customer": customer })))
            .with_header("Square-Version", ctx.version.as_str());
        Ok((create::stored(customer, reference, email), reply))
    }
}

/// Every validation failure of a parsed create body, in field order.
fn problems(map: &Map<String, Value>) -> Vec<Value> {
    let mut errs = Vec::new();
    let text = |k: &str| map.get(k).and_then(Value::as_str);
    if IDENTITY
        .split_whitespace()
        .all(|k| text(k).is_none_or(str::is_empty))
    {
        let detail = "At least one of given_name, family_name, company_name, email_address or phone_number is required.";
        errs.push(invalid("MISSING_REQUIRED_PARAMETER", detail, "given_name"));
    }
    let address = map.get("address").and_then(Value::as_object);
    let strings = FIELDS
        .iter()
        .map(|(k, max)| ((*k).to_owned(), text(k), *max));
    let address_strings = ADDRESS_FIELDS.split_whitespace().map(|k| {
        let v = address.and_then(|a| a.get(k)).and_then(Value::as_str);
        (format!("address.{k}"), v, usize::MAX)
    });
    for (field, value, max) in strings.chain(address_strings) {
        let Some(v) = value else { continue };
        let fail = |code: &str, detail: &str| invalid(code, detail, &field);
        if v.is_empty() {
            errs.push(fail("VALUE_EMPTY", "The provided value is empty."));
        } else if limits::too_long(v, max) {
            let detail = format!("Must be at most {max} characters long.");
            errs.push(fail("VALUE_TOO_LONG", &detail));
        } else if field == "email_address" && !EMAIL.accepts(v) {
            errs.push(fail("INVALID_EMAIL_ADDRESS", "Invalid email address."));
        } else if field == "phone_number" && !phone_ok(v) {
            errs.push(fail("INVALID_PHONE_NUMBER", "Invalid phone number."));
        } else if field == "address.country"
            && !(v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase()))
        {
            errs.push(fail("INVALID_ENUM_VALUE", "Invalid country."));
        }
    }
    errs
}

/// 9-16 digits, with `+`, spaces, `-`, `.`, `(`, `)` around them.
fn phone_ok(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (9..=16).contains(&digits)
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-.()".contains(c))
}

/// `POST /v2/customers/search`, the `reference_id` exact filter only.
async fn search(State(state): State<SharedState>, headers: HeaderMap, raw: Bytes) -> Reply {
    if let Err(reply) = authenticate(&headers) {
        return reply;
    }
    let query = match object(&raw) {
        Ok(q) => Value::Object(q),
        Err(reply) => return reply,
    };
    let Some(reference) = query
        .pointer("/query/filter/reference_id/exact")
        .and_then(Value::as_str)
    else {
        let detail = "The Prism sandbox supports only query.filter.reference_id.exact.";
        return errors(400, vec![invalid("BAD_REQUEST", detail, "query.filter")]);
    };
    // Out of range: VALUE_TOO_LOW / VALUE_TOO_HIGH (documented for ListCustomers' `limit`).
    let limit = match query.get("limit").map(Value::as_i64) {
        None => 100,
        Some(Some(n @ 1..=100)) => n,
        Some(n) => {
            let code = if n.unwrap_or(0) < 1 {
                "VALUE_TOO_LOW"
            } else {
                "VALUE_TOO_HIGH"
            };
            return errors(
                400,
                vec![invalid(code, "limit must be between 1 and 100.", "limit")],
            );
        }
    };
    let mut found = state.searchable_with_reference(Connector::Square, reference);
    if query.pointer("/query/sort/order").and_then(Value::as_str) == Some("DESC") {
        found.reverse();
    }
    let customers: Vec<Value> = found
        .into_iter()
        .take(usize::try_from(limit).unwrap_or(100))
        .map(|c| c.body)
        .collect();
    let answer = if customers.is_empty() {
        json!({})
    } else {
        json!({ "customers": customers })
    };
    let version = auth::header(&headers, "square-version").unwrap_or(DEFAULT_VERSION);
    traced(Reply::json(200, &answer)).with_header("Square-Version", version)
}

#[cfg(test)]
mod tests {
    //! The wire (auth, idempotency, search) is `tests/square.rs`'; these are the rules.
    use super::*;

    /// `CODE field` of each problem of `body`, joined by spaces.
    fn codes(body: Value) -> String {
        let problems = problems(body.as_object().expect("object"));
        let text = |e: &Value, k: &str| e[k].as_str().unwrap_or("").to_owned();
        let pairs = problems
            .iter()
            .map(|e| text(e, "code") + " " + &text(e, "field"));
        pairs.collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn validation_rules() {
        let missing = codes(json!({"reference_id": "r"}));
        assert_eq!(missing, "MISSING_REQUIRED_PARAMETER given_name");
        assert!(codes(json!({"given_name": "Cher", "address": {"country": "ZZ"}})).is_empty());
        let bad = json!({"given_name": "x".repeat(301), "email_address": "john.doe@", "phone_number": "+1 555 0100",
            "reference_id": "r".repeat(101), "note": "", "address": {"country": "usa"}});
        let want = "VALUE_TOO_LONG given_name INVALID_EMAIL_ADDRESS email_address \
            INVALID_PHONE_NUMBER phone_number VALUE_TOO_LONG reference_id VALUE_EMPTY note \
            INVALID_ENUM_VALUE address.country";
        assert_eq!(codes(bad), want);
        for (phone, ok) in [("+1-555-123-4567", true), ("(555) 123.4567", true)]
            .into_iter()
            .chain([("12345678901234567", false), ("555-CALL-NOW", false)])
        {
            assert_eq!(phone_ok(phone), ok, "{phone}");
        }
    }

    #[test]
    fn error_bodies_have_squares_shape() {
        let e = SquareEmulator;
        let table = "401 UNAUTHORIZED 404 NOT_FOUND 409 CONFLICT 429 RATE_LIMITED \
            500 INTERNAL_SERVER_ERROR 503 SERVICE_UNAVAILABLE";
        let words: Vec<&str> = table.split_whitespace().collect();
        for pair in words.chunks(2) {
            let r = e.error_body(pair[0].parse().expect("status"));
            assert_eq!(r.status.to_string(), pair[0]);
            let trace = r.header("x-speleo-traceid");
            assert!(trace.is_some_and(|t| t.starts_with("CDN-")));
            let v: Value = serde_json::from_slice(&r.body).expect("json");
            assert_eq!(v["errors"][0]["code"], pair[1]);
            assert!(v["errors"][0]["category"].is_string());
        }
        assert!(e.is_create(&Method::POST, CREATE_PATH));
        assert!(!e.is_create(&Method::POST, "/v2/customers/search"));
    }
}
