//! Mollie: `POST /v2/customers` (JSON in, HAL JSON out), as described in
//! `crates/connectors/mollie/EMULATOR.md` and `tests/fixtures/mollie/`.
//!
//! - Auth first: `Authorization: Bearer <API key>`; only [`SANDBOX_KEY`] (a `test_` key, so
//!   customers are `mode: "test"`) is accepted; anything else is the documented 401.
//! - `Idempotency-Key` (scoped per API key): same key + same JSON → the stored reply again with
//!   `Idempotent-Replayed: true`; other JSON → 400 `This Idempotency-Key has already been used.`;
//!   in flight → 409. Only successful creates are stored under a key.
//! - Validation → 422 problem documents with `field`: unknown body parameters, `testmode` with an
//!   API key, non-string `name`/`email`, a non-RFC 5322 (or non-ASCII) email, a `locale` outside
//!   the spec's enum, `metadata` over 1024 bytes of compact JSON.
//! - No uniqueness on anything; ids are `cst_` + 10 letters and digits; no request-id header.
//! - `GET /v2/customers/{id}` and `GET /v2/customers?limit=&from=` (newest first, no filter).
//!
//! Choices where Mollie is unverified (docs.md "Unverified"), made strict: the 415/400/422
//! detail texts, the exact 1024-byte metadata limit, caching only successful replies, the 404
//! texts. Keys do not expire here (Mollie: 24 h); the kit's cache has no clock.
#![cfg(feature = "mollie")]

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use prism_types::Connector;
use serde_json::{json, Map, Value};

use super::{Emulator, Head, Reply, SharedState};
use crate::kit::create::{self, CreateProtocol, Created, IdemResult, IdempotencyKey, Incoming};
use crate::kit::email::{DomainChars, EmailSyntax, LocalPart};
use crate::kit::idempotency::Used;
use crate::kit::time::{self, DateStyle};
use crate::kit::{auth, ids, json, routes};

/// The API key the emulator accepts (a test-mode key: `test_` + 30 or more word characters).
pub(crate) const SANDBOX_KEY: &str = "test_prismsandboxkey0000000000000000";
/// Mollie's answers carry this content type (create-customer reference, "Response").
const HAL: &str = "application/hal+json";
/// The emulated organisation, for `_links.dashboard`.
const ORG: &str = "org_13514547";
/// The documented locales (`components.schemas.locale` of the official OpenAPI).
const LOCALES: &str = "en_US en_GB nl_NL nl_BE de_DE de_AT de_CH de_LU fr_FR fr_BE fr_LU es_ES \
    ca_ES pt_PT it_IT nb_NO sv_SE fi_FI da_DK is_IS hu_HU pl_PL lv_LV lt_LT";
/// The most bytes of compact JSON `metadata` may take ("up to approximately 1kB").
const METADATA_MAX: usize = 1024;
/// RFC 5322 addr-spec in ASCII, as Mollie validates (api-documentation#759).
const EMAIL: EmailSyntax =
    EmailSyntax::new(true, LocalPart::AsciiDotAtom, 2, DomainChars::AsciiHostname);

/// The Mollie emulator.
#[derive(Clone, Copy)]
pub(crate) struct MollieEmulator;

impl Emulator for MollieEmulator {
    fn connector(&self) -> Connector {
        Connector::Mollie
    }

    fn router(&self, state: SharedState) -> axum::Router {
        let routes = axum::Router::new()
            .route(
                "/v2/customers",
                create::post(Create, state.clone()).get(list),
            )
            .route("/v2/customers/{id}", get(one))
            .with_state(state);
        routes::with_fallbacks(*self, routes)
    }

    fn error_body(&self, status: u16) -> Reply {
        let detail = match status {
            401 => return unauthorized(),
            403 => "You do not have access to the requested resource.",
            404 => "The resource could not be found.",
            409 => "Another request with this Idempotency-Key is already being processed.",
            429 => "You have exceeded the rate limit. Please slow down your requests.",
            500..=599 => "Something went wrong on our side.",
            _ => "The request could not be handled.",
        };
        problem(status, detail, None)
    }

    fn credentials(&self) -> &'static [(&'static str, &'static str)] {
        &[("PRISM_MOLLIE_API_KEY", SANDBOX_KEY)]
    }

    fn not_found(&self, head: &Head) -> Reply {
        problem(
            404,
            &format!("No endpoint {} exists.", head.uri.path()),
            None,
        )
    }

    fn method_not_allowed(&self, head: &Head) -> Reply {
        let detail = format!(
            "The {} method is not allowed for this endpoint.",
            head.method
        );
        problem(405, &detail, None)
    }
}

/// The HTTP reason phrase, which Mollie puts in `title`.
fn title(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    }
}

/// A HAL problem document `{status, title, detail, field?, _links.documentation}`.
fn problem(status: u16, detail: &str, field: Option<&str>) -> Reply {
    let doc = match status {
        401 => "https://docs.mollie.com/guides/authentication",
        _ if detail.contains("Idempotency-Key") => {
            "https://docs.mollie.com/overview/api-idempotency"
        }
        _ => "https://docs.mollie.com/overview/handling-errors",
    };
    let mut body = json!({"status": status, "title": title(status), "detail": detail,
        "_links": {"documentation": {"href": doc, "type": "text/html"}}});
    if let (Some(f), Value::Object(m)) = (field, &mut body) {
        m.insert("field".into(), json!(f));
    }
    Reply::json_as(status, &body, HAL)
}

/// The documented 401 (`tests/fixtures/mollie/auth_failed.json`).
fn unauthorized() -> Reply {
    problem(
        401,
        "Missing authentication, or failed to authenticate",
        None,
    )
}

fn unprocessable(field: Option<&str>, detail: impl AsRef<str>) -> Reply {
    problem(422, detail.as_ref(), field)
}

/// The API key of the request, if it is the accepted one.
fn authenticate(headers: &HeaderMap) -> Result<&'static str, Reply> {
    match auth::bearer(headers) {
        Some(k) if k == SANDBOX_KEY => Ok(SANDBOX_KEY),
        _ => Err(unauthorized()),
    }
}

/// `POST /v2/customers`: Bearer key → JSON object → `Idempotency-Key` → validation → store.
struct Create;

impl CreateProtocol for Create {
    const CONNECTOR: Connector = Connector::Mollie;
    /// The API key.
    type Caller = &'static str;
    type Parsed = Map<String, Value>;
    type Valid = Map<String, Value>;

    fn authenticate(&self, req: &Incoming) -> Result<&'static str, Reply> {
        authenticate(&req.headers)
    }

    fn parse(&self, _: &&'static str, req: &Incoming) -> Result<Self::Parsed, Reply> {
        if !auth::content_type(&req.headers).starts_with("application/json") {
            let detail = "The Content-Type must be application/json.";
            return Err(problem(415, detail, None));
        }
        if req.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Map::new());
        }
        let detail = "The request body is not a valid JSON object.";
        json::object(&req.body).ok_or_else(|| problem(400, detail, None))
    }

    fn idempotency_key(
        &self,
        key: &&'static str,
        req: &Incoming,
        body: &Self::Parsed,
    ) -> IdemResult {
        // serde_json's map is sorted: equal JSON gives an equal text whatever the member order.
        let fingerprint = || Value::Object(body.clone()).to_string();
        Ok(IdempotencyKey::from_header(&req.headers, key, fingerprint))
    }

    fn reused(&self, _: &&'static str, used: Used) -> Reply {
        match used {
            Used::Replay(mut stored) => {
                stored.set_header("Idempotent-Replayed", "true");
                stored
            }
            Used::Mismatch => problem(400, "This Idempotency-Key has already been used.", None),
            Used::InFlight => MollieEmulator.error_body(409),
        }
    }

    fn validate(&self, _: &&'static str, body: Self::Parsed) -> Result<Self::Valid, Reply> {
        for (name, v) in &body {
            match (name.as_str(), v) {
                ("name" | "email" | "locale", Value::String(_) | Value::Null) | ("metadata", _) => {
                }
                ("name" | "email" | "locale", _) => {
                    return Err(unprocessable(
                        Some(name),
                        format!("The {name} must be a string."),
                    ))
                }
                ("testmode", _) => {
                    let d = "The testmode parameter cannot be used with an API key: the key sets the mode.";
                    return Err(unprocessable(Some("testmode"), d));
                }
                _ => {
                    let d = format!("Non-existent body parameter \"{name}\" for this API call.");
                    return Err(unprocessable(None, d));
                }
            }
        }
        if let Some(e) = body.get("email").and_then(Value::as_str) {
            if !EMAIL.accepts(e) {
                return Err(unprocessable(
                    Some("email"),
                    format!("The email address '{e}' is invalid."),
                ));
            }
        }
        if let Some(l) = body.get("locale").and_then(Value::as_str) {
            if !LOCALES.split_whitespace().any(|x| x == l) {
                return Err(unprocessable(
                    Some("locale"),
                    format!("The locale '{l}' is not supported."),
                ));
            }
        }
        let size = body.get("metadata").map_or(0, |m| m.to_string().len());
        if size > METADATA_MAX {
            let d = format!(
                "The metadata is too large ({size} bytes); you can use up to approximately 1kB."
            );
            return Err(unprocessable(Some("metadata"), d));
        }
        Ok(body)
    }

    fn store(&self, _: &&'static str, _: &SharedState, body: Self::Valid) -> Created {
        let id = format!("cst_{}", ids::alnum(10));
        let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
        let created = time::format_utc(time::unix_millis_now(), DateStyle::Rfc3339("+00:00"));
        let customer = json!({
            "resource": "customer", "id": id, "mode": "test",
            "name": body.get("name").unwrap_or(&Value::Null),
            "email": body.get("email").unwrap_or(&Value::Null),
            "locale": body.get("locale").unwrap_or(&Value::Null),
            "metadata": body.get("metadata").unwrap_or(&Value::Null),
            "createdAt": created,
            "_links": {
                "self": {"href": format!("https://api.mollie.com/v2/customers/{id}"), "type": HAL},
                "dashboard": {"href": format!("https://www.mollie.com/dashboard/{ORG}/customers/{id}"), "type": "text/html"},
                "documentation": {"href": "https://docs.mollie.com/reference/create-customer", "type": "text/html"},
            },
        });
        let reference = body
            .get("metadata")
            .and_then(|m| m.get("merchant_customer_id"));
        let reference = reference.and_then(Value::as_str).map(str::to_owned);
        let reply = Reply::json_as(201, &customer, "application/hal+json; charset=utf-8");
        Ok((create::stored(customer, reference, text("email")), reply))
    }
}

/// `GET /v2/customers/{id}`: the customer, or Mollie's 404.
async fn one(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Reply {
    if let Err(r) = authenticate(&headers) {
        return r;
    }
    match state.find_customer(Connector::Mollie, |c| c.id == id) {
        Some(c) => Reply::json_as(200, &c.body, HAL),
        None => problem(404, &format!("No customer exists with token {id}."), None),
    }
}

/// `GET /v2/customers?limit=&from=`: newest first, `limit` 1–250 (default 50), no filter.
async fn list(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Reply {
    if let Err(r) = authenticate(&headers) {
        return r;
    }
    let limit = match q.get("limit").map(|l| l.parse::<usize>()) {
        None => 50,
        Some(Ok(n @ 1..=250)) => n,
        Some(_) => return problem(400, "The limit must be between 1 and 250.", Some("limit")),
    };
    let mut all: Vec<Value> = state
        .customers(Connector::Mollie)
        .into_iter()
        .map(|c| c.body)
        .collect();
    all.reverse();
    let start = match q.get("from") {
        None => 0,
        Some(from) => match all.iter().position(|c| c["id"] == from.as_str()) {
            Some(i) => i,
            None => return problem(400, "The cursor 'from' is invalid.", Some("from")),
        },
    };
    let page: Vec<Value> = all.iter().skip(start).take(limit).cloned().collect();
    let next = all.get(start + limit).map(|c| {
        json!({"href": format!("https://api.mollie.com/v2/customers?from={}&limit={limit}", c["id"].as_str().unwrap_or_default()), "type": HAL})
    });
    let body = json!({
        "count": page.len(),
        "_embedded": {"customers": page},
        "_links": {
            "self": {"href": "https://api.mollie.com/v2/customers", "type": HAL},
            "previous": null, "next": next,
            "documentation": {"href": "https://docs.mollie.com/reference/list-customers", "type": "text/html"},
        },
    });
    Reply::json_as(200, &body, HAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!("an object"),
        }
    }

    /// Status, `field` and `detail` of a problem document.
    fn rejection(r: Reply) -> (u16, Value, String) {
        let v: Value = serde_json::from_slice(&r.body).expect("json");
        assert_eq!(v["status"], r.status);
        assert_eq!(v["title"], title(r.status));
        assert_eq!(r.header("Content-Type"), Some(HAL));
        (
            r.status,
            v["field"].clone(),
            v["detail"].as_str().expect("detail").to_owned(),
        )
    }

    #[test]
    fn validation_in_mollies_shape() {
        let ok = json!({"name": "J", "email": "j.doe@example.com", "locale": "nl_NL",
            "metadata": {"merchant_customer_id": "r"}});
        assert!(Create.validate(&SANDBOX_KEY, body(ok)).is_ok());
        assert!(Create
            .validate(&SANDBOX_KEY, body(json!({"metadata": [1, "x"]})))
            .is_ok());
        let big = "x".repeat(METADATA_MAX - 1);
        for (sent, field, start) in [
            (
                json!({"phone": "1"}),
                Value::Null,
                "Non-existent body parameter \"phone\"",
            ),
            (
                json!({"address": null}),
                Value::Null,
                "Non-existent body parameter \"address\"",
            ),
            (
                json!({"testmode": true}),
                json!("testmode"),
                "The testmode parameter",
            ),
            (
                json!({"name": 7}),
                json!("name"),
                "The name must be a string",
            ),
            (
                json!({"email": "jan@müller.de"}),
                json!("email"),
                "The email address",
            ),
            (json!({"email": "a@b"}), json!("email"), "The email address"),
            (json!({"locale": "en"}), json!("locale"), "The locale 'en'"),
            (
                json!({"metadata": big}),
                json!("metadata"),
                "The metadata is too large",
            ),
        ] {
            let (status, f, detail) =
                rejection(Create.validate(&SANDBOX_KEY, body(sent)).expect_err("422"));
            assert_eq!((status, &f), (422, &field));
            assert!(detail.starts_with(start), "{detail}");
        }
    }

    #[test]
    fn customers_and_errors_have_the_documented_shape() {
        let sent =
            body(json!({"email": "a@example.com", "metadata": {"merchant_customer_id": "r1"}}));
        let (stored, reply) = Create
            .store(&SANDBOX_KEY, &SharedState::default(), sent)
            .expect("stored");
        assert_eq!(reply.status, 201);
        let id = stored.id.as_str();
        assert!(
            id.len() == 14
                && id.starts_with("cst_")
                && id[4..].chars().all(|c| c.is_ascii_alphanumeric())
        );
        assert_eq!(stored.merchant_customer_id.as_deref(), Some("r1"));
        assert_eq!(
            (&stored.body["name"], &stored.body["mode"]),
            (&Value::Null, &json!("test"))
        );
        assert!(stored.body["createdAt"]
            .as_str()
            .expect("date")
            .ends_with("+00:00"));
        for status in [400, 401, 403, 404, 409, 415, 422, 429, 500, 502, 503, 504] {
            let (got, _, detail) = rejection(MollieEmulator.error_body(status));
            assert!(got == status && !detail.is_empty());
        }
        let (_, _, d) = rejection(MollieEmulator.error_body(401));
        assert_eq!(d, "Missing authentication, or failed to authenticate");
    }
}
