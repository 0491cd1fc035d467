//! Stripe: `POST /v1/customers` (form-encoded, bracket keys), as described in
//! `crates/connectors/stripe/docs.md` ("Emulator notes") and `tests/fixtures/stripe/`.
//!
//! - Auth first: `Authorization: Bearer <key>` or `Basic base64(<key>:)`. Only
//!   [`SANDBOX_KEY`] is accepted; [`RESTRICTED_KEY`] is a known restricted key without customer
//!   write permission (403). Any 401 carries no `Request-Id`, as at Stripe.
//! - `Idempotency-Key`: replay with `Idempotent-Replayed: true` (same key, same parameters),
//!   400 `idempotency_error` (same key, other parameters), 409 `idempotency_key_in_use` (same key
//!   in flight). Validation failures are not stored under the key.
//! - No uniqueness on anything: two creates with different keys give two customers.
#![cfg(feature = "stripe")]

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use prism_types::Connector;
use serde_json::{json, Value};

use super::{Emulator, Head, Reply, SharedState};
use crate::kit::create::{self, CreateProtocol, Created, IdemResult, IdempotencyKey, Incoming};
use crate::kit::email::{DomainChars, EmailSyntax, LocalPart};
use crate::kit::idempotency::Used;
use crate::kit::limits::{self, Limits, MapLimits};
use crate::kit::{auth, ids, routes, time};

/// The secret key the emulator accepts.
pub(crate) const SANDBOX_KEY: &str = "sk_test_prism_sandbox";
/// A restricted key the emulator knows but which lacks `rak_customer_write`: answers 403.
pub(crate) const RESTRICTED_KEY: &str = "rk_test_prism_sandbox_readonly";
/// The API version answered when the request names none.
const DEFAULT_VERSION: &str = "2025-10-29.clover";
/// The emulated account.
const ACCOUNT: &str = "acct_1PrismSandbox00";
/// Metadata key under which Prism stores the merchant reference.
const REFERENCE_KEY: &str = "merchant_customer_id";
const ADDRESS_PARTS: [&str; 6] = ["city", "country", "line1", "line2", "postal_code", "state"];
/// Maximum lengths of the string parameters, in the order Stripe checks them.
const LIMITS: Limits = &[
    ("email", 512),
    ("name", 256),
    ("phone", 20),
    ("description", 5000),
];
/// Each `address[…]` part.
const ADDRESS_MAX: usize = 5000;
const METADATA: MapLimits = MapLimits::new(50, 40, 500);
/// Address syntax as Stripe checks it (observed: `otameshi@com` rejected).
const EMAIL: EmailSyntax =
    EmailSyntax::new(true, LocalPart::AsciiDotAtom, 2, DomainChars::AsciiHostname);
/// Parameters of `PostCustomers` in Stripe's spec that this emulator does not implement: they
/// get a clear 400 instead of `parameter_unknown` (which would be wrong for them).
const NOT_EMULATED: &str =
    "balance business_name cash_balance expand individual_name invoice_prefix \
    invoice_settings next_invoice_sequence payment_method preferred_locales shipping source tax \
    tax_exempt tax_id_data test_clock validate";

/// The Stripe emulator.
#[derive(Clone, Copy)]
pub(crate) struct StripeEmulator;

impl Emulator for StripeEmulator {
    fn connector(&self) -> Connector {
        Connector::Stripe
    }

    fn router(&self, state: SharedState) -> axum::Router {
        let routes = axum::Router::new()
            .route("/v1/customers", create::post(Create, state.clone()))
            .route("/v1/customers/search", get(search_customers))
            .with_state(state);
        routes::with_fallbacks(*self, routes)
    }

    fn error_body(&self, status: u16) -> Reply {
        let req_id = request_id();
        let (kind, code, message): (&str, Option<&str>, String) = match status {
            401 => return invalid_key(SANDBOX_KEY),
            402 => ("card_error", Some("card_declined"), "Your card was declined.".into()),
            403 => ("invalid_request_error", None, permission_message(RESTRICTED_KEY)),
            404 => ("invalid_request_error", Some("resource_missing"), unrecognized_message("POST", "/v1/customers")),
            409 => (
                "idempotency_error",
                Some("idempotency_key_in_use"),
                "There is currently another in-progress request using this Idempotent Key (that probably means you \
                 submitted twice, and the other request is still going through). Please try again later."
                    .into(),
            ),
            429 => ("invalid_request_error", Some("rate_limit"), "Request rate limit exceeded".into()),
            400..=499 => ("invalid_request_error", None, "Invalid request.".into()),
            _ => ("api_error", None, "An unknown error occurred".into()),
        };
        let mut body = ErrorBody::new(kind, message);
        body.code = code.map(str::to_owned);
        let mut reply = error_reply(status, body, Some(&req_id), None);
        if status == 500 {
            // Stripe's 500s are indeterminate and marked not-to-retry (docs.md, "Errors").
            reply = reply.with_header("Stripe-Should-Retry", "false");
        }
        reply
    }

    fn credentials(&self) -> &'static [(&'static str, &'static str)] {
        &[("PRISM_STRIPE_API_KEY", SANDBOX_KEY)]
    }

    fn not_found(&self, head: &Head) -> Reply {
        let message = unrecognized_message(head.method.as_str(), head.uri.path());
        let body = ErrorBody::new("invalid_request_error", message);
        error_reply(404, body, Some(&request_id()), None)
    }
}

/// A Stripe `{"error": {…}}` body.
#[derive(Debug, Default)]
struct ErrorBody {
    kind: &'static str,
    code: Option<String>,
    message: String,
    param: Option<String>,
    /// Add `doc_url` and `request_log_url` (Stripe does on parameter errors).
    links: bool,
}

impl ErrorBody {
    fn new(kind: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            kind,
            message,
            ..Self::default()
        }
    }

    /// A 400 `invalid_request_error` about one parameter.
    fn param(code: Option<&str>, param: impl Into<String>, message: impl Into<String>) -> Self {
        let (code, param) = (code.map(str::to_owned), Some(param.into()));
        let links = true;
        Self {
            code,
            param,
            links,
            ..Self::new("invalid_request_error", message)
        }
    }
}

/// [`ErrorBody::param`] without a code.
fn bad(param: &str, message: impl Into<String>) -> ErrorBody {
    ErrorBody::param(None, param, message)
}

/// Builds an error answer; `req_id` `None` means no `Request-Id` header (401).
fn error_reply(status: u16, e: ErrorBody, req_id: Option<&str>, idem: Option<&str>) -> Reply {
    let link = |url: String| e.links.then_some(url);
    let doc = |c: &String| {
        link(format!(
            "https://stripe.com/docs/error-codes/{}",
            c.replace('_', "-")
        ))
    };
    let log = |id| {
        link(format!(
            "https://dashboard.stripe.com/test/logs/{id}?t={}",
            time::unix_now()
        ))
    };
    let mut err = json!({
        "code": e.code, "doc_url": e.code.as_ref().and_then(doc), "message": e.message,
        "param": e.param, "request_log_url": req_id.and_then(log), "type": e.kind,
    });
    if let Value::Object(m) = &mut err {
        m.retain(|_, v| !v.is_null());
    }
    let mut reply = Reply::json(status, &json!({ "error": err }));
    let headers = [("Request-Id", req_id), ("Idempotency-Key", idem)];
    for (name, value) in headers
        .into_iter()
        .chain([("Stripe-Version", Some(DEFAULT_VERSION))])
    {
        if let Some(value) = value {
            reply = reply.with_header(name, value);
        }
    }
    reply
}

fn request_id() -> String {
    format!("req_{}", ids::alnum(14))
}

/// Masks a key as Stripe does: the `sk_test_` style prefix, asterisks, the last `visible` chars
/// (none of a key not longer than them).
fn mask_key(key: &str, visible: usize) -> String {
    let prefixes = ["sk", "rk", "pk"].map(|a| ["test", "live"].map(|b| format!("{a}_{b}_")));
    let prefix = prefixes
        .into_iter()
        .flatten()
        .find(|p| key.starts_with(p.as_str()));
    let prefix = prefix.unwrap_or_default();
    let rest: Vec<char> = key[prefix.len()..].chars().collect();
    let shown = if rest.len() > visible { visible } else { 0 };
    let tail: String = rest[rest.len() - shown..].iter().collect();
    format!("{prefix}{}{tail}", "*".repeat(rest.len() - shown))
}

/// The 401 for a key Stripe does not know (without `Request-Id`, as every 401).
fn invalid_key(key: &str) -> Reply {
    let message = format!("Invalid API Key provided: {}", mask_key(key, 4));
    error_reply(
        401,
        ErrorBody::new("invalid_request_error", message),
        None,
        None,
    )
}

fn permission_message(key: &str) -> String {
    format!(
        "The provided key '{}' does not have the required permissions for this endpoint on account '{ACCOUNT}'. \
         Having the 'rak_customer_write' permission would allow this request to continue.",
        mask_key(key, 6)
    )
}

fn unrecognized_message(method: &str, path: &str) -> String {
    format!(
        "Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at \
         https://support.stripe.com/."
    )
}

/// Checks the API key as Stripe does: no key or an unknown key is a 401 without `Request-Id`;
/// the restricted sandbox key lacks permission (403).
fn authenticate(headers: &HeaderMap, req_id: &str) -> Result<String, Reply> {
    let key = auth::bearer(headers).map(str::to_owned);
    let Some(key) = key.or_else(|| auth::basic_user(headers)) else {
        return Err(error_reply(
            401,
            ErrorBody::new(
                "invalid_request_error",
                "You did not provide an API key. You need to provide your API key in the Authorization header, \
                 using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See \
                 https://stripe.com/docs/api#authentication for details, or we can help at \
                 https://support.stripe.com/.",
            ),
            None,
            None,
        ));
    };
    if key == RESTRICTED_KEY {
        let body = ErrorBody::new("invalid_request_error", permission_message(&key));
        return Err(error_reply(403, body, Some(req_id), None));
    }
    if key != SANDBOX_KEY {
        return Err(invalid_key(&key));
    }
    Ok(key)
}

/// `GET /v1/customers/search?query=metadata['KEY']:'VALUE'`: the one query form Prism sends
/// (Stripe's search query language is much larger). Newest first, as Stripe orders results.
/// Stripe's search lags writes (up to a minute; an hour in outages): by default the emulator
/// is consistent at once, and `Sandbox::set_search_lag` models the lag.
async fn search_customers(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Reply {
    let req_id = request_id();
    if let Err(reply) = authenticate(&headers, &req_id) {
        return reply;
    }
    let Some((key, value)) = params.get("query").and_then(|q| parse_metadata_query(q)) else {
        let mut body = ErrorBody::new(
            "invalid_request_error",
            "The sandbox supports only queries of the form metadata['key']:'value'.",
        );
        body.param = Some("query".into());
        return error_reply(400, body, Some(&req_id), None);
    };
    let candidates = if key == REFERENCE_KEY {
        state.searchable_with_reference(Connector::Stripe, &value)
    } else {
        state.customers(Connector::Stripe)
    };
    let mut data: Vec<Value> = candidates
        .into_iter()
        .filter(|c| c.body["metadata"][key.as_str()].as_str() == Some(value.as_str()))
        .map(|c| c.body)
        .collect();
    data.reverse();
    let limit = params
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(10)
        .clamp(1, 100);
    let has_more = data.len() > limit;
    data.truncate(limit);
    Reply::json(
        200,
        &json!({
            "object": "search_result",
            "url": "/v1/customers/search",
            "has_more": has_more,
            "next_page": null,
            "data": data,
        }),
    )
    .with_header("Request-Id", req_id)
    .with_header("Stripe-Version", DEFAULT_VERSION)
}

/// `metadata['k']:'v'` → (k, v), with `\'` and `\\` unescaped in the value.
fn parse_metadata_query(q: &str) -> Option<(String, String)> {
    let rest = q.trim().strip_prefix("metadata['")?;
    let (key, rest) = rest.split_once("']:'")?;
    let inner = rest.strip_suffix('\'')?;
    let mut value = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            value.push(chars.next()?);
        } else if c == '\'' {
            return None;
        } else {
            value.push(c);
        }
    }
    Some((key.to_owned(), value))
}

/// The request's context: every reply after authentication carries its headers.
struct Ctx {
    key: String,
    req_id: String,
    idem: Option<String>,
    version: String,
}

impl Ctx {
    fn fail(&self, status: u16, body: ErrorBody) -> Reply {
        let mut r = error_reply(status, body, Some(&self.req_id), self.idem.as_deref());
        r.set_header("Stripe-Version", self.version.clone());
        r
    }
}

/// `POST /v1/customers`: auth (401s carry no `Request-Id`) → form body → `Idempotency-Key`
/// (replay, mismatch or in flight, before validation) → validation → store.
struct Create;

impl CreateProtocol for Create {
    const CONNECTOR: Connector = Connector::Stripe;
    type Caller = Ctx;
    type Parsed = Vec<(String, String)>;
    type Valid = Params;

    fn authenticate(&self, req: &Incoming) -> Result<Ctx, Reply> {
        let req_id = request_id();
        let key = authenticate(&req.headers, &req_id)?;
        let idem = auth::header(&req.headers, "idempotency-key").map(str::to_owned);
        let version = auth::header(&req.headers, "stripe-version").unwrap_or(DEFAULT_VERSION);
        let version = version.to_owned();
        Ok(Ctx {
            key,
            req_id,
            idem,
            version,
        })
    }

    fn parse(&self, ctx: &Ctx, req: &Incoming) -> Result<Self::Parsed, Reply> {
        let content_type = auth::content_type(&req.headers);
        let is_form = content_type.is_empty()
            || content_type.starts_with("application/x-www-form-urlencoded");
        let pairs = (is_form || req.body.is_empty())
            .then(|| serde_urlencoded::from_bytes(&req.body).ok())
            .flatten();
        pairs.ok_or_else(|| {
            ctx.fail(400, ErrorBody::new(
                "invalid_request_error",
                "Invalid request (check that your POST content type is application/x-www-form-urlencoded). If you \
                 have any questions, we can help at https://support.stripe.com/.",
            ))
        })
    }

    fn idempotency_key(&self, ctx: &Ctx, req: &Incoming, pairs: &Self::Parsed) -> IdemResult {
        if let Some(k) = ctx.idem.as_deref().filter(|k| k.chars().count() > 255) {
            let n = k.chars().count();
            let message = format!(
                "Invalid idempotency key: it must be at most 255 characters long, but was {n}."
            );
            return Err(ctx.fail(400, ErrorBody::new("invalid_request_error", message)));
        }
        let fingerprint = || fingerprint(pairs);
        Ok(IdempotencyKey::from_header(
            &req.headers,
            &ctx.key,
            fingerprint,
        ))
    }

    fn reused(&self, ctx: &Ctx, used: Used) -> Reply {
        let k = ctx.idem.as_deref().unwrap_or_default();
        match used {
            Used::Replay(mut stored) => {
                stored.set_header("Request-Id", ctx.req_id.clone());
                stored.set_header("Idempotent-Replayed", "true");
                stored
            }
            Used::Mismatch => ctx.fail(400, ErrorBody::new(
                "idempotency_error",
                format!(
                    "Keys for idempotent requests can only be used with the same parameters they were first \
                     used with. Try using a key other than '{k}' if you meant to execute a different request."
                ),
            )),
            Used::InFlight => {
                let mut body = ErrorBody::new(
                    "idempotency_error",
                    format!(
                        "There is currently another in-progress request using this Idempotent Key (that probably \
                         means you submitted twice, and the other request is still going through): {k}. Please try \
                         again later."
                    ),
                );
                body.code = Some("idempotency_key_in_use".into());
                ctx.fail(409, body)
            }
        }
    }

    fn validate(&self, ctx: &Ctx, pairs: Self::Parsed) -> Result<Params, Reply> {
        parse_params(&pairs).map_err(|e| ctx.fail(400, e))
    }

    fn store(&self, ctx: &Ctx, _: &SharedState, params: Params) -> Created {
        let customer = customer_object(&params);
        let mut reply = Reply::json(200, &customer).with_header("Request-Id", ctx.req_id.clone());
        if let Some(k) = &ctx.idem {
            reply = reply.with_header("Idempotency-Key", k.clone());
        }
        reply = reply.with_header("Stripe-Version", ctx.version.clone());
        let reference = params.metadata.get(REFERENCE_KEY).cloned();
        let email = params.get("email").cloned();
        Ok((create::stored(customer, reference, email), reply))
    }
}

/// Order-independent digest of the parameters, for idempotency comparison.
fn fingerprint(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<_> = pairs.iter().collect();
    sorted.sort();
    let mut out = String::from("POST /v1/customers");
    for (k, v) in sorted {
        out.push('\n');
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

#[derive(Debug, Default)]
struct Params {
    /// `email`, `name`, `phone`, `description`.
    strings: BTreeMap<String, String>,
    address: BTreeMap<String, String>,
    metadata: BTreeMap<String, String>,
}

impl Params {
    fn get(&self, name: &str) -> Option<&String> {
        self.strings.get(name)
    }
}

/// Splits `a[b]` into `("a", Some("b"))`; `None` when the brackets are malformed.
fn split_key(k: &str) -> Option<(&str, Option<&str>)> {
    match k.find('[') {
        None => Some((k, None)),
        Some(i) => {
            let rest = &k[i..];
            let inner = rest.strip_prefix('[')?.strip_suffix(']')?;
            Some((&k[..i], Some(inner)))
        }
    }
}

fn parse_params(pairs: &[(String, String)]) -> Result<Params, ErrorBody> {
    let mut p = Params::default();
    let mut metadata: Vec<(&str, &str)> = Vec::new();
    for (k, v) in pairs {
        let unknown = |name: &str| {
            ErrorBody::param(
                Some("parameter_unknown"),
                name,
                format!("Received unknown parameter: {name}"),
            )
        };
        let Some((top, sub)) = split_key(k) else {
            return Err(unknown(k));
        };
        match (top, sub) {
            (_, Some(sub)) if limits::max_of(LIMITS, top).is_some() => {
                return Err(bad(top, format!("Invalid string: {{\"{sub}\"=>\"{v}\"}}")));
            }
            (_, None) if limits::max_of(LIMITS, top).is_some() => {
                p.strings.insert(top.to_owned(), v.clone());
            }
            ("address" | "metadata", None) => {
                // `""` unsets; anything else is not an object.
                if !v.is_empty() {
                    let message =
                        format!("Invalid object: {top} must be a hash or an empty string");
                    return Err(bad(top, message));
                }
                if top == "address" {
                    p.address.clear();
                } else {
                    metadata.clear();
                }
            }
            ("address", Some(part)) => {
                if !ADDRESS_PARTS.contains(&part) {
                    return Err(unknown(k));
                }
                if v.is_empty() {
                    p.address.remove(part);
                } else {
                    p.address.insert(part.to_owned(), v.clone());
                }
            }
            ("metadata", Some(key)) => metadata.push((key, v)),
            (top, _) if NOT_EMULATED.split_whitespace().any(|n| n == top) => {
                let message = format!(
                    "The Prism sandbox does not emulate the parameter `{top}` of POST /v1/customers."
                );
                return Err(bad(top, message));
            }
            (top, _) => return Err(unknown(top)),
        }
    }

    for &(name, max) in LIMITS {
        let Some(value) = p.get(name) else { continue };
        if value.is_empty() {
            return Err(ErrorBody::param(
                Some("parameter_invalid_string_empty"),
                name,
                format!(
                    "You passed an empty string for '{name}'. We assume empty values are an attempt to unset a \
                     parameter; however '{name}' cannot be unset. You should remove '{name}' from your request or \
                     supply a non-empty value."
                ),
            ));
        }
        check_length(name, value, max)?;
    }
    if let Some(email) = p.get("email") {
        if !EMAIL.accepts(email) {
            return Err(ErrorBody::param(
                Some("email_invalid"),
                "email",
                format!("Invalid email address: {email}"),
            ));
        }
    }
    for (part, value) in &p.address {
        check_length(&format!("address[{part}]"), value, ADDRESS_MAX)?;
    }

    for (key, value) in metadata {
        let message = if key.is_empty() || key.contains(['[', ']']) {
            format!("Invalid metadata key '{key}': keys must be non-empty and cannot contain '[' or ']'.")
        } else if METADATA.key_too_long(key) {
            let n = key.chars().count();
            format!("Metadata keys can be at most 40 characters long, but '{key}' is {n}.")
        } else if METADATA.value_too_long(value) {
            format!("Metadata values can be at most 500 characters long; the value of '{key}' is too long.")
        } else {
            String::new()
        };
        if !message.is_empty() {
            return Err(bad("metadata", message));
        }
        if value.is_empty() {
            p.metadata.remove(key);
        } else {
            p.metadata.insert(key.to_owned(), value.to_owned());
        }
    }
    if METADATA.too_many(p.metadata.len()) {
        let n = p.metadata.len();
        return Err(bad(
            "metadata",
            format!("Metadata can have at most 50 keys, but {n} were given."),
        ));
    }
    Ok(p)
}

fn check_length(name: &str, value: &str, max: usize) -> Result<(), ErrorBody> {
    if limits::too_long(value, max) {
        let head: String = value.chars().take(10).collect();
        return Err(bad(
            name,
            format!("Invalid string: {head}...; must be at most {max} characters"),
        ));
    }
    Ok(())
}

/// The customer object as Stripe answers it (`tests/fixtures/stripe/created.json`).
fn customer_object(p: &Params) -> Value {
    let address = if p.address.is_empty() {
        Value::Null
    } else {
        let part = |k: &&str| ((*k).to_owned(), json!(p.address.get(*k)));
        Value::Object(ADDRESS_PARTS.iter().map(part).collect())
    };
    json!({
        "id": format!("cus_{}", ids::alnum(14)),
        "object": "customer",
        "address": address,
        "balance": 0,
        "created": time::unix_now(),
        "currency": null,
        "default_source": null,
        "delinquent": false,
        "description": p.get("description"),
        "email": p.get("email"),
        "invoice_prefix": format!("{:08X}", fastrand::u32(..)),
        "invoice_settings": {
            "custom_fields": null,
            "default_payment_method": null,
            "footer": null,
            "rendering_options": null
        },
        "livemode": false,
        "metadata": p.metadata,
        "name": p.get("name"),
        "next_invoice_sequence": 1,
        "phone": p.get("phone"),
        "preferred_locales": [],
        "shipping": null,
        "tax_exempt": "none",
        "test_clock": null
    })
}

#[cfg(test)]
mod tests {
    //! Parameters, idempotency and the auth answers are the wire tests' (`tests/stripe.rs`).
    use super::*;

    #[test]
    fn masks_like_stripe() {
        assert_eq!(mask_key("sk_test_abcdefghAso0", 4), "sk_test_********Aso0");
        assert_eq!(mask_key("sk_test_ab", 4), "sk_test_**");
        assert_eq!(mask_key("garbage-key", 4), "*******-key");
        assert!(permission_message(RESTRICTED_KEY).contains("'rk_test_****************adonly'"));
    }

    #[test]
    fn injected_faults_answer_like_stripe() {
        let e = StripeEmulator;
        for status in [400, 401, 402, 403, 404, 409, 429, 500, 502, 503] {
            let r = e.error_body(status);
            let v: Value = serde_json::from_slice(&r.body).expect("json");
            assert!(v["error"]["type"].is_string() && v["error"]["message"].is_string());
            assert_eq!(r.header("Request-Id").is_some(), status != 401, "{status}");
            let retry = r.header("Stripe-Should-Retry");
            assert_eq!(retry, (status == 500).then_some("false"), "{status}");
        }
    }
}
