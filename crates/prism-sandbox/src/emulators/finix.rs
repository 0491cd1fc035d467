//! Finix: `POST /identities` (a buyer Identity, HAL JSON), as described in
//! `crates/connectors/finix/docs.md` ("Emulator notes", "Emulator (as implemented)") and
//! `tests/fixtures/finix/`: Basic auth ([`USERNAME`]/[`PASSWORD`]; [`FORBIDDEN_USERNAME`] is a
//! known user without permission: 403), then `Accept` (406), JSON (400), one 422 `INVALID_FIELD`
//! per bad field, 201. No idempotency, no uniqueness. `GET /identities?tags.key=K&tags.value=V`
//! lists Identities. The `Finix-Version` received is echoed in the answer (an emulator
//! convenience, not a Finix header).
#![cfg(feature = "finix")]

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::routing::get;
use prism_types::Connector;
use serde_json::{json, Map, Value};

use super::{Emulator, Head, Reply, SharedState};
use crate::kit::create::{self, CreateProtocol, Created, Incoming};
use crate::kit::email::{DomainChars, EmailSyntax, LocalPart};
use crate::kit::limits::{self, Limits, MapLimits};
use crate::kit::time::{self, DateStyle};
use crate::kit::{auth, ids, json as body, routes};

/// The API user the emulator accepts (the docs' sandbox usernames start with `US`).
pub(crate) const USERNAME: &str = "USprismSandbox";
/// Its password.
pub(crate) const PASSWORD: &str = "prism-sandbox-password";
/// A known API user (same password) whose role may not create Identities: 403.
pub(crate) const FORBIDDEN_USERNAME: &str = "USprismSandboxReadOnly";
/// The emulated Finix Application every Identity belongs to.
const APPLICATION: &str = "APgPDQrLD52TYvqazjHJJchM";
/// The real sandbox host, for `_links` when the request names no `Host`.
const FINIX_SANDBOX: &str = "https://finix.sandbox-payments-api.com";
const HAL: &str = "application/hal+json";
const REFERENCE_TAG: &str = "merchant_customer_id";
/// The `Accept` media types answered (anything else: 406).
const ACCEPTED: [&str; 4] = [HAL, "application/json", "application/*", "*/*"];
/// Merchant-underwriting fields of `entity`: documented, but not emulated (buyers only).
const MERCHANT_ENTITY_FIELDS: &str = "title business_name business_type doing_business_as \
    business_phone business_address mcc dob max_transaction_amount amex_mid discover_mid url \
    annual_card_volume has_accepted_credit_cards_previously incorporation_date \
    principal_percentage_ownership short_business_name ownership_type tax_authority tax_id \
    business_tax_id default_statement_descriptor";
/// Finix's code and message by status (docs' error-codes page), `status CODE message` per row,
/// then by class for other statuses; 401 has its own shape ([`unauthorized`]).
const ERRORS: &[&str] = &[
    "400 BAD_REQUEST You provided a request that can not be successfully parsed. Verify you are providing valid JSON.",
    "402 UPSTREAM_PROCESSOR_ERROR An error occurred with an upstream processor.",
    "403 FORBIDDEN Your credentials do not have the right permissions to submit the request.",
    "404 NOT_FOUND The resource could not be found.",
    "405 METHOD_NOT_ALLOWED The method is not allowed for this resource.",
    "406 NOT_ACCEPTABLE The requested media type is not acceptable.",
    "409 CONFLICT The request conflicts with the current state of the server.",
    "422 INVALID_FIELD A provided field has an invalid value.",
    "429 TOO_MANY_REQUESTS Too many requests. Please wait and try again.",
    "4xx BAD_REQUEST The request was rejected.",
    "5xx SERVER_ERROR We had a problem with our server. Try again later.",
];

/// Buyer fields of `entity` and their documented maximum lengths.
const ENTITY_FIELDS: Limits = &[
    ("first_name", 20),
    ("last_name", 20),
    ("email", 100),
    ("phone", 10),
];
/// `personal_address` fields and their maximum lengths (`region` is checked as 2 letters).
const ADDRESS_FIELDS: Limits = &[
    ("line1", 35),
    ("line2", 35),
    ("city", 20),
    ("region", 2),
    ("postal_code", 7),
    ("country", 3),
];
/// `tags`: pairs, key and value lengths.
const TAGS: MapLimits = MapLimits::new(50, 40, 500);
/// A minimal syntax check (whether Finix checks email syntax is unverified).
const EMAIL: EmailSyntax = EmailSyntax::new(false, LocalPart::Any, 0, DomainChars::Any);

/// `personal_address.country`: ISO 3166-1 alpha-3, plus `XKX` (Kosovo), which the spec's enum
/// lists though ISO has not assigned it.
fn is_alpha3(s: &str) -> bool {
    s == "XKX" || prism_types::iso3166::is_country_alpha3(s)
}

/// The Finix emulator.
#[derive(Clone, Copy)]
pub(crate) struct FinixEmulator;

impl Emulator for FinixEmulator {
    fn connector(&self) -> Connector {
        Connector::Finix
    }

    fn router(&self, state: SharedState) -> axum::Router {
        // GET first: the 405's `Allow` lists GET, HEAD, POST.
        let identities = get(list_identities).merge(create::post(Create, state.clone()));
        let routes = axum::Router::new()
            .route("/identities", identities)
            .with_state(state);
        routes::with_fallbacks(*self, routes)
    }

    fn error_body(&self, status: u16) -> Reply {
        let source = format!("{FINIX_SANDBOX}/identities");
        if status == 401 {
            return unauthorized(&source);
        }
        let (code, message) = error_for(status);
        error_one(status, code, message, &source)
    }

    fn credentials(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("PRISM_FINIX_USERNAME", USERNAME),
            ("PRISM_FINIX_PASSWORD", PASSWORD),
        ]
    }

    fn not_found(&self, head: &Head) -> Reply {
        let url = format!("{}{}", base(&head.headers), head.uri.path());
        let message = format!("Not found: {}", head.uri.path());
        error_one(404, "NOT_FOUND", message, &url)
    }

    fn method_not_allowed(&self, head: &Head) -> Reply {
        let url = format!("{}/identities", base(&head.headers));
        let message = format!("Method {} is not allowed on /identities.", head.method);
        error_one(405, "METHOD_NOT_ALLOWED", message, &url)
    }
}

/// The code and message of `status` in [`ERRORS`] (the `4xx` row for any status below 500).
fn error_for(status: u16) -> (&'static str, &'static str) {
    let row = |key: &str| {
        let fields = |row: &&'static str| row.strip_prefix(key)?.strip_prefix(' ')?.split_once(' ');
        ERRORS.iter().find_map(fields)
    };
    let class = if status < 500 { "4xx" } else { "5xx" };
    row(&status.to_string())
        .or_else(|| row(class))
        .unwrap_or_default()
}

/// One error of a HAL list: code, field (left out when `None`), message.
type ApiError = (&'static str, Option<String>, String);

/// A HAL answer: `application/hal+json` with a fresh `x-request-id`.
fn hal_reply(status: u16, body: &Value) -> Reply {
    Reply::json_as(status, body, HAL).with_header("x-request-id", ids::uuid_v4())
}

fn error_list(status: u16, errors: Vec<ApiError>, source: &str) -> Reply {
    let item = |(code, field, message): ApiError| {
        let mut v = json!({"code": code, "logref": ids::hex(16), "message": message,
            "_links": { "source": { "href": source } }});
        if let Some(field) = field {
            v["field"] = json!(field);
        }
        v
    };
    let items: Vec<Value> = errors.into_iter().map(item).collect();
    let body = json!({ "total": items.len(), "_embedded": { "errors": items } });
    hal_reply(status, &body)
}

/// A HAL list of one error without a field.
fn error_one(status: u16, code: &'static str, message: impl Into<String>, source: &str) -> Reply {
    error_list(status, vec![(code, None, message.into())], source)
}

/// Finix's 401 (schema `Error401Unauthorized`: code `UNKNOWN`, `_links.self` and `.source`).
fn unauthorized(url: &str) -> Reply {
    let links = json!({ "self": { "href": url }, "source": { "href": url } });
    let error = json!({"code": "UNKNOWN", "logref": ids::hex(16), "message": "Unauthorized",
        "_links": links});
    let body = json!({ "total": 1, "_embedded": { "errors": [error] } });
    hal_reply(401, &body)
}

/// `http://<host>/finix` from the request (for `_links`), or Finix's own sandbox URL.
fn base(headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.starts_with("127.0.0.1") || h.starts_with("localhost"))
        .map_or_else(|| FINIX_SANDBOX.to_owned(), |h| format!("http://{h}/finix"))
}

/// Auth and content negotiation shared by every route: `Err` is the answer to send.
fn gate(headers: &HeaderMap, url: &str) -> Result<(), Reply> {
    let (user, password) = auth::basic(headers).unwrap_or_default();
    match (user.as_str(), password.as_deref()) {
        (USERNAME, Some(PASSWORD)) => {}
        (FORBIDDEN_USERNAME, Some(PASSWORD)) => {
            let (code, message) = error_for(403);
            return Err(error_one(403, code, message, url));
        }
        _ => return Err(unauthorized(url)),
    }
    if let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) {
        let media = |part: &str| {
            let media = part.split(';').next().unwrap_or_default();
            media.trim().to_ascii_lowercase()
        };
        let ok = accept
            .split(',')
            .any(|part| ACCEPTED.contains(&media(part).as_str()));
        if !ok {
            let message = format!("Media type {accept} is not acceptable; use {HAL}.");
            return Err(error_one(406, "NOT_ACCEPTABLE", message, url));
        }
    }
    Ok(())
}

/// The request's context, from its headers.
struct Ctx {
    /// `http://<host>/finix` (or Finix's sandbox URL), for `_links`.
    root: String,
    /// The collection's URL, for errors' `_links`.
    url: String,
    /// The `Finix-Version` received, echoed in the answer.
    version: Option<String>,
}

/// `POST /identities`: Basic auth and `Accept` → JSON object (400) → validation, every bad
/// field at once (422) → store. No idempotency, no uniqueness.
struct Create;

impl CreateProtocol for Create {
    const CONNECTOR: Connector = Connector::Finix;
    type Caller = Ctx;
    type Parsed = Map<String, Value>;
    type Valid = EntityAndTags;

    fn authenticate(&self, req: &Incoming) -> Result<Ctx, Reply> {
        let root = base(&req.headers);
        let url = format!("{root}/identities");
        gate(&req.headers, &url)?;
        let version = req
            .headers
            .get("finix-version")
            .and_then(|v| v.to_str().ok());
        let version = version.map(str::to_owned);
        Ok(Ctx { root, url, version })
    }

    fn parse(&self, ctx: &Ctx, req: &Incoming) -> Result<Self::Parsed, Reply> {
        let (code, message) = error_for(400);
        body::object(&req.body).ok_or_else(|| error_one(400, code, message, &ctx.url))
    }

    fn validate(&self, ctx: &Ctx, request: Self::Parsed) -> Result<EntityAndTags, Reply> {
        validate(&request).map_err(|errors| error_list(422, errors, &ctx.url))
    }

    fn store(&self, ctx: &Ctx, _: &SharedState, (entity, tags): EntityAndTags) -> Created {
        let id = format!("ID{}", ids::alnum(22));
        let identity = identity_object(&id, &ctx.root, &entity, &tags);
        let mut reply = hal_reply(201, &identity);
        if let Some(v) = &ctx.version {
            reply = reply.with_header("Finix-Version", v.clone());
        }
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        let (reference, email) = (text(tags.get(REFERENCE_TAG)), text(entity.get("email")));
        Ok((create::stored(identity, reference, email), reply))
    }
}

/// The `entity` and `tags` of a valid request.
type EntityAndTags = (Map<String, Value>, Map<String, Value>);

/// The `INVALID_FIELD` errors of a request, collected.
#[derive(Default)]
struct Errors(Vec<ApiError>);

impl Errors {
    fn bad(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0
            .push(("INVALID_FIELD", Some(field.into()), message.into()));
    }
}

/// How an object member is checked: the parts that pass, an error for each that does not.
type Check = fn(&Map<String, Value>, &mut Errors) -> Map<String, Value>;

/// Checks the request; on success, the entity and tags to store.
fn validate(request: &Map<String, Value>) -> Result<EntityAndTags, Vec<ApiError>> {
    let mut e = Errors::default();
    for key in request.keys() {
        match key.as_str() {
            // idempotency_id is ignored: Finix documents it only for transfers, authorizations
            // and reversals.
            "entity" | "tags" | "idempotency_id" => {}
            "additional_underwriting_data" => e.bad(
                key,
                "The Prism sandbox emulates buyer Identities only (additional_underwriting_data is for merchants).",
            ),
            other => e.bad(other, format!("Unknown field: {other}")),
        }
    }
    // Each member: empty when absent or null, an error when not an object.
    let members: [(&str, &str, Check); 2] =
        [("entity", "", entity), ("tags", " of string values", tags)];
    let [entity, tags] = members.map(|(key, of, check)| match request.get(key) {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(fields)) => check(fields, &mut e),
        Some(_) => {
            e.bad(key, format!("{key} must be an object{of}"));
            Map::new()
        }
    });
    if e.0.is_empty() {
        Ok((entity, tags))
    } else {
        Err(e.0)
    }
}

/// The buyer fields of `entity` that pass; an error for each that does not.
fn entity(fields: &Map<String, Value>, e: &mut Errors) -> Map<String, Value> {
    let mut entity = Map::new();
    for (k, v) in fields {
        let path = format!("entity.{k}");
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        match (v, limits::max_of(ENTITY_FIELDS, k)) {
            (Value::Null, Some(_)) => {}
            (Value::String(s), Some(max)) if limits::too_long(s, max) => {
                e.bad(&path, format!("{path} must be at most {max} characters"));
            }
            (Value::String(s), _) if k == "email" && !EMAIL.accepts(s) => {
                e.bad(&path, format!("Invalid field value: {path}"));
            }
            (Value::String(s), _) if k == "phone" && !digits(s) => {
                e.bad(&path, format!("{path} must contain digits only"));
            }
            (Value::String(_), Some(_)) => {
                entity.insert(k.clone(), v.clone());
            }
            (_, Some(_)) => e.bad(&path, format!("{path} must be a string")),
            (Value::Null, None) if k == "personal_address" => {}
            (Value::Object(a), None) if k == "personal_address" => {
                entity.insert(k.clone(), Value::Object(address(a, e)));
            }
            (_, None) if k == "personal_address" => {
                e.bad(&path, format!("{path} must be an object"));
            }
            _ if MERCHANT_ENTITY_FIELDS.split_whitespace().any(|f| f == k) => e.bad(
                &path,
                format!("The Prism sandbox emulates buyer Identities only ({path} is a merchant field)."),
            ),
            _ => e.bad(&path, format!("Unknown field: {path}")),
        }
    }
    entity
}

/// The string tags; an error for each bad one.
fn tags(t: &Map<String, Value>, e: &mut Errors) -> Map<String, Value> {
    let n = t.len();
    if TAGS.too_many(n) {
        e.bad("tags", format!("tags may have at most 50 pairs, got {n}"));
    }
    let mut tags = Map::new();
    for (k, v) in t {
        let path = format!("tags.{k}");
        if k.is_empty() || TAGS.key_too_long(k) {
            e.bad(&path, "tag keys must be 1 to 40 characters");
        }
        match v {
            Value::String(s) if TAGS.value_too_long(s) => {
                e.bad(&path, "tag values must be at most 500 characters");
            }
            Value::String(_) => {
                tags.insert(k.clone(), v.clone());
            }
            _ => e.bad(&path, "tag values must be strings"),
        }
    }
    tags
}

/// The `personal_address` fields that pass; an error for each that does not.
fn address(a: &Map<String, Value>, e: &mut Errors) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in a {
        let path = format!("entity.personal_address.{k}");
        let (s, max) = match (v, limits::max_of(ADDRESS_FIELDS, k)) {
            (_, None) => {
                e.bad(&path, format!("Unknown field: {path}"));
                continue;
            }
            (Value::Null, _) => continue,
            (Value::String(s), Some(max)) => (s, max),
            _ => {
                e.bad(&path, format!("{path} must be a string"));
                continue;
            }
        };
        let rule = match k.as_str() {
            "region" if s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()) => None,
            "region" => Some("a 2-letter state code".to_owned()),
            "country" if is_alpha3(s) => None,
            "country" => Some("a 3-letter country code (e.g. USA)".to_owned()),
            _ if !s.is_empty() && !limits::too_long(s, max) => None,
            _ => Some(format!("1 to {max} characters")),
        };
        match rule {
            None => {
                out.insert(k.clone(), v.clone());
            }
            Some(rule) => e.bad(&path, format!("{path} must be {rule}")),
        }
    }
    out
}

/// The Identity as Finix answers it (`tests/fixtures/finix/created.json`).
fn identity_object(
    id: &str,
    root: &str,
    entity: &Map<String, Value>,
    tags: &Map<String, Value>,
) -> Value {
    let field = |k: &str| entity.get(k).cloned().unwrap_or(Value::Null);
    let personal_address = match entity.get("personal_address") {
        Some(Value::Object(a)) => {
            // Every address field, null when not sent, in the order of [`ADDRESS_FIELDS`].
            let part =
                |&(k, _): &(&str, usize)| (k.to_owned(), a.get(k).cloned().unwrap_or(Value::Null));
            Value::Object(ADDRESS_FIELDS.iter().map(part).collect())
        }
        _ => Value::Null,
    };
    let now = time::format_utc(time::unix_millis_now(), DateStyle::Centis);
    let me = format!("{root}/identities/{id}");
    let mut links: Map<String, Value> = "verifications merchants settlements authorizations \
        transfers payment_instruments associated_identities disputes"
        .split_whitespace()
        .map(|rel| (rel.to_owned(), json!({ "href": format!("{me}/{rel}") })))
        .collect();
    links.insert("self".into(), json!({ "href": me }));
    let application = format!("{root}/applications/{APPLICATION}");
    links.insert("application".into(), json!({ "href": application }));
    // The merchant fields a buyer has: null but for these defaults; tax ids are answered as
    // `…_provided` flags.
    let mut entity: Map<String, Value> = MERCHANT_ENTITY_FIELDS
        .split_whitespace()
        .filter(|k| !k.ends_with("tax_id"))
        .map(|k| (k.to_owned(), Value::Null))
        .collect();
    let defaults = json!({"max_transaction_amount": 0, "annual_card_volume": 0,
        "has_accepted_credit_cards_previously": false, "ownership_type": "PRIVATE",
        "tax_id_provided": false, "business_tax_id_provided": false});
    entity.extend(defaults.as_object().cloned().unwrap_or_default());
    for k in ["first_name", "last_name", "email", "phone"] {
        entity.insert(k.to_owned(), field(k));
    }
    entity.insert("personal_address".into(), personal_address);
    json!({
        "id": id,
        "application": APPLICATION,
        "entity": entity,
        "tags": tags,
        "created_at": now,
        "updated_at": now,
        "_links": links,
    })
}

/// `GET /identities?tags.key=K&tags.value=V`: the stored Identities with that tag (all without
/// a filter), newest first, in Finix's `IdentitiesList` shape.
async fn list_identities(
    State(state): State<SharedState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Reply {
    let root = base(&headers);
    let url = format!("{root}/identities");
    if let Err(reply) = gate(&headers, &url) {
        return reply;
    }
    let query = query.unwrap_or_default();
    let params: Vec<(String, String)> = serde_urlencoded::from_str(&query).unwrap_or_default();
    let param = |name: &str| Some(params.iter().find(|(k, _)| k == name)?.1.as_str());
    let (key, value) = (param("tags.key"), param("tags.value"));
    // The reference tag is indexed: a lookup stays O(1) under the soak's 20,000 Identities.
    let candidates = match (key, value) {
        (Some(REFERENCE_TAG), Some(v)) => state.customers_with_reference(Connector::Finix, v),
        _ => state.customers(Connector::Finix),
    };
    let mut found: Vec<Value> = candidates
        .into_iter()
        .filter(|c| {
            let tags = &c.body["tags"];
            let has_value = |v| tags.as_object().is_some_and(|t| t.values().any(|x| x == v));
            match (key, value) {
                (Some(k), Some(v)) => tags[k].as_str() == Some(v),
                (Some(k), None) => tags.get(k).is_some(),
                (None, Some(v)) => has_value(v),
                (None, None) => true,
            }
        })
        .map(|c| c.body)
        .collect();
    found.reverse();
    found.truncate(20);
    hal_reply(
        200,
        &json!({
            "_embedded": { "identities": found },
            "page": { "limit": 20, "next_cursor": null },
            "_links": { "self": { "href": url } }
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 249 ISO codes and the spec's XKX; alpha-2 and lists are not codes.
    #[test]
    fn alpha3() {
        assert!(is_alpha3("XKX") && is_alpha3("USA") && !is_alpha3("US") && !is_alpha3("USA GBR"));
    }
}
