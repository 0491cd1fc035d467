//! Braintree's server API, the one every official SDK's `customer.create` calls:
//! `POST /merchants/{merchant_id}/customers` (XML) and `GET /merchants/{merchant_id}/customers/{id}`,
//! as described in `crates/connectors/braintree/EMULATOR.md` and `tests/fixtures/braintree/`.
//!
//! - Auth first: `Authorization: Basic base64(public:private)` of [`PUBLIC_KEY`] / [`PRIVATE_KEY`]
//!   and the path's merchant [`MERCHANT_ID`]; anything else is 401 with an empty body (the SDKs
//!   raise on the status alone; the body is undocumented).
//! - The body is one `<customer>` element of leaf elements (`first_name` or `first-name`);
//!   XML that is not one is 422 with a bare `<api-error-response>` (assumed wording).
//! - Validation collects every failing rule into one 422 `<api-error-response>` (codes and
//!   messages of the validation-error list): `id` too long (91612), bad characters (91610),
//!   `all`/`new` (91611); `email` ≤ 255 (81605) and well-formed (81604); `first_name`,
//!   `last_name`, `phone`, `company` ≤ 255 (81608, 81613, 81614, 81601). Unknown elements are
//!   ignored (undocumented).
//! - **Native uniqueness**: an `id` already used is 422 `91609` "Customer ID has already been
//!   taken.", checked under the create lock (two racing creates: one wins). Error replies echo
//!   the request in `<params>`, as Braintree's do.
//! - Success is **201** (assumed; the SDKs accept 200/201) with the `<customer>`; without an
//!   `id` a 9-digit one is generated. `global-id` is the unpadded base64 of `customer_<id>`.
//! - `GET …/customers/{id}`: 200 `<customer>` or 404 with an empty body; no lag.
//! - No idempotency: Braintree has none.
//!
//! Not emulated: the GraphQL API (`POST /graphql`), which Prism does not call (docs.md
//! "Decision").
#![cfg(feature = "braintree")]

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use base64::Engine as _;
use prism_types::Connector;
use quick_xml::escape::{escape, resolve_predefined_entity};
use quick_xml::events::Event;
use serde_json::{json, Value};

use super::{Emulator, Reply, SharedState};
use crate::kit::create::{self, CreateProtocol, Created, Incoming};
use crate::kit::email::{DomainChars, EmailSyntax, LocalPart};
use crate::kit::limits::{too_long, Limits};
use crate::kit::time::{self, DateStyle};
use crate::kit::{auth, routes};
use crate::store::StoredCustomer;

/// The merchant id the emulator accepts.
pub(crate) const MERCHANT_ID: &str = "prism_sandbox_merchant";
/// The public key the emulator accepts.
pub(crate) const PUBLIC_KEY: &str = "prism_sandbox_public";
/// The private key the emulator accepts.
pub(crate) const PRIVATE_KEY: &str = "prism_sandbox_private_key";

/// Fields with their maximum and the code of a violation, in the order errors are listed.
const LENGTHS: Limits = &[
    ("company", 255),
    ("email", 255),
    ("first_name", 255),
    ("last_name", 255),
    ("phone", 255),
];
const LENGTH_CODES: [(&str, &str, &str); 5] = [
    ("company", "81601", "Company is too long."),
    ("email", "81605", "Email is too long."),
    ("first_name", "81608", "First name is too long."),
    ("last_name", "81613", "Last name is too long."),
    ("phone", "81614", "Phone is too long."),
];
/// The customer elements stored and answered, in the reply's order.
const FIELDS: [&str; 7] = [
    "first_name",
    "last_name",
    "company",
    "email",
    "phone",
    "fax",
    "website",
];

/// A permissive email rule (Braintree's is undocumented beyond "an invalid format").
const EMAIL: EmailSyntax = EmailSyntax::new(true, LocalPart::Any, 2, DomainChars::Any);

/// The Braintree emulator.
#[derive(Clone, Copy)]
pub(crate) struct BraintreeEmulator;

impl Emulator for BraintreeEmulator {
    fn connector(&self) -> Connector {
        Connector::Braintree
    }

    fn router(&self, state: SharedState) -> axum::Router {
        let mine = format!("/merchants/{MERCHANT_ID}/customers");
        let routes = axum::Router::new()
            .route(&mine, create::post(Create, state.clone()))
            .route(&format!("{mine}/{{id}}"), axum::routing::get(find))
            .route(
                "/merchants/{m}/customers",
                axum::routing::any(|| async { bare(401) }),
            )
            .route(
                "/merchants/{m}/customers/{id}",
                axum::routing::any(|| async { bare(401) }),
            )
            .with_state(state);
        routes::with_fallbacks(*self, routes)
    }

    fn error_body(&self, status: u16) -> Reply {
        match status {
            422 => api_error(&[("91613", "Customer ID is required.", "id")], ""),
            _ => bare(status),
        }
    }

    fn credentials(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("PRISM_BRAINTREE_MERCHANT_ID", MERCHANT_ID),
            ("PRISM_BRAINTREE_PUBLIC_KEY", PUBLIC_KEY),
            ("PRISM_BRAINTREE_PRIVATE_KEY", PRIVATE_KEY),
        ]
    }
}

/// A status without a body (Braintree documents none for 401/403/404/426/429/5xx).
fn bare(status: u16) -> Reply {
    Reply::new(status, Vec::new()).with_header("Content-Type", "application/xml; charset=utf-8")
}

fn xml(status: u16, body: String) -> Reply {
    let body = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}");
    Reply::new(status, body.into_bytes())
        .with_header("Content-Type", "application/xml; charset=utf-8")
}

/// 422 `<api-error-response>` with customer errors `(code, message, attribute)` and `params`.
fn api_error(errors: &[(&str, &str, &str)], params: &str) -> Reply {
    let items: String = errors
        .iter()
        .map(|(code, message, attr)| format!("<error><code>{code}</code><message>{message}</message><attribute type=\"symbol\">{attr}</attribute></error>"))
        .collect();
    let summary: Vec<&str> = errors.iter().map(|(_, m, _)| *m).collect();
    xml(422, format!(
        "<api-error-response><errors><customer><errors type=\"array\">{items}</errors></customer><errors type=\"array\"/></errors><params><customer>{params}</customer></params><message>{}</message></api-error-response>",
        summary.join("\n")
    ))
}

fn authorized(headers: &HeaderMap) -> bool {
    auth::basic(headers) == Some((PUBLIC_KEY.to_owned(), Some(PRIVATE_KEY.to_owned())))
}

/// The leaf elements of a `<customer>` body, names with `-` read as `_`; `None` when the body
/// is not one such element.
fn customer_fields(body: &[u8]) -> Option<Vec<(String, String)>> {
    let mut reader = quick_xml::Reader::from_str(std::str::from_utf8(body).ok()?);
    let (mut depth, mut fields, mut text) = (0, Vec::new(), String::new());
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) if depth == 0 && e.name().as_ref() == b"customer" => depth = 1,
            Event::Empty(e) if depth == 0 && e.name().as_ref() == b"customer" => depth = 3,
            Event::Start(_) if depth == 1 => {
                depth = 2;
                text.clear();
            }
            Event::Empty(e) if depth == 1 => {
                fields.push((
                    String::from_utf8_lossy(e.name().as_ref()).replace('-', "_"),
                    String::new(),
                ));
            }
            Event::Text(t) if depth == 2 => text.push_str(&t.decode().ok()?),
            Event::GeneralRef(r) if depth == 2 => match r.resolve_char_ref().ok()? {
                Some(c) => text.push(c),
                None => text.push_str(resolve_predefined_entity(&r.decode().ok()?)?),
            },
            Event::End(e) if depth == 2 => {
                depth = 1;
                let name = String::from_utf8_lossy(e.name().as_ref()).replace('-', "_");
                fields.push((name, std::mem::take(&mut text)));
            }
            Event::End(_) if depth == 1 => depth = 3,
            Event::Eof if depth == 3 => return Some(fields),
            Event::Decl(_) | Event::Comment(_) => {}
            Event::Text(t) if t.decode().ok()?.trim().is_empty() => {}
            _ => return None,
        }
    }
}

/// `POST /merchants/{MERCHANT_ID}/customers`: Basic auth → XML → validation → unique id → store.
struct Create;

impl CreateProtocol for Create {
    const CONNECTOR: Connector = Connector::Braintree;
    type Caller = ();
    type Parsed = Vec<(String, String)>;
    type Valid = Vec<(String, String)>;

    fn authenticate(&self, req: &Incoming) -> Result<(), Reply> {
        authorized(&req.headers)
            .then_some(())
            .ok_or_else(|| bare(401))
    }

    fn parse(&self, (): &(), req: &Incoming) -> Result<Self::Parsed, Reply> {
        customer_fields(&req.body).ok_or_else(|| {
            xml(422, "<api-error-response><errors><errors type=\"array\"/></errors><message>Invalid XML.</message></api-error-response>".into())
        })
    }

    fn validate(&self, (): &(), fields: Self::Parsed) -> Result<Self::Valid, Reply> {
        let get = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str());
        let mut errors = Vec::new();
        if let Some(id) = get("id") {
            if too_long(id, 36) {
                errors.push(("91612", "Customer ID is too long.", "id"));
            }
            if !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                errors.push(("91610", "Customer ID is invalid.", "id"));
            }
            if id == "all" || id == "new" {
                errors.push(("91611", "Customer ID is not an allowed ID.", "id"));
            }
        }
        for ((field, max), (_, code, message)) in LENGTHS.iter().zip(LENGTH_CODES) {
            if get(field).is_some_and(|v| too_long(v, *max)) {
                errors.push((code, message, field));
            }
        }
        if get("email").is_some_and(|e| !e.is_empty() && (!e.is_ascii() || !EMAIL.accepts(e))) {
            errors.push(("81604", "Email is an invalid format.", "email"));
        }
        if errors.is_empty() {
            Ok(fields)
        } else {
            Err(api_error(&errors, &params(&fields)))
        }
    }

    fn store(&self, (): &(), state: &SharedState, fields: Self::Valid) -> Created {
        let get = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone());
        let id = match get("id").filter(|i| !i.is_empty()) {
            Some(id) if state.count_by_reference(Connector::Braintree, &id) > 0 => {
                let taken = [("91609", "Customer ID has already been taken.", "id")];
                return Err(api_error(&taken, &params(&fields)));
            }
            Some(id) => id,
            None => (0..9)
                .map(|_| char::from(b'0' + fastrand::u8(0..10)))
                .collect(),
        };
        let mut body = serde_json::Map::new();
        body.insert("id".into(), json!(id));
        for f in FIELDS {
            body.insert(f.into(), get(f).map_or(Value::Null, Value::String));
        }
        let now = time::format_utc(time::unix_millis_now(), DateStyle::Rfc3339("Z"));
        body.insert("created_at".into(), json!(now));
        let body = Value::Object(body);
        let reply = xml(201, customer_xml(&body));
        let email = get("email");
        Ok((
            StoredCustomer {
                id: id.clone(),
                merchant_customer_id: Some(id),
                email,
                body,
            },
            reply,
        ))
    }
}

/// The request echoed in `<params>` (as given, escaped).
fn params(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("<{k}>{}</{k}>", escape(v.as_str())))
        .collect()
}

/// A stored customer as Braintree answers it (node SDK fixture shape, docs.md).
fn customer_xml(c: &Value) -> String {
    let text = |k: &str| c[k].as_str().map(|v| escape(v).into_owned());
    let id = text("id").unwrap_or_default();
    let global = base64::engine::general_purpose::STANDARD_NO_PAD
        .encode(format!("customer_{}", c["id"].as_str().unwrap_or_default()));
    let fields: String = FIELDS
        .iter()
        .map(|f| {
            let tag = f.replace('_', "-");
            match text(f) {
                Some(v) => format!("<{tag}>{v}</{tag}>"),
                None => format!("<{tag} nil=\"true\"></{tag}>"),
            }
        })
        .collect();
    let at = text("created_at").unwrap_or_default();
    format!("<customer><id>{id}</id><merchant-id>{MERCHANT_ID}</merchant-id>{fields}<created-at type=\"datetime\">{at}</created-at><updated-at type=\"datetime\">{at}</updated-at><custom-fields></custom-fields><global-id>{global}</global-id><credit-cards type=\"array\"/><addresses type=\"array\"/></customer>")
}

/// `GET /merchants/{MERCHANT_ID}/customers/{id}`: the customer, or 404 with an empty body.
async fn find(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Reply {
    if !authorized(&headers) {
        return bare(401);
    }
    match state
        .customers_with_reference(Connector::Braintree, &id)
        .first()
    {
        Some(c) => xml(200, customer_xml(&c.body)),
        None => bare(404),
    }
}

#[cfg(test)]
mod tests {
    //! The parser and rules the wire tests (behaviour suite) do not show.
    use super::*;

    #[test]
    fn customer_bodies() {
        let ok = customer_fields(
            b"<customer><id>c1</id><first-name>Zo&#235; &amp; co</first-name><fax/></customer>",
        );
        let want = [("id", "c1"), ("first_name", "Zoë & co"), ("fax", "")];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        assert_eq!(ok, Some(want));
        for bad in [
            "",
            "<customer><a><b/></a></customer>",
            "<other/>",
            "{}",
            "<customer><id>1</id>",
            "<customer/><x/>",
        ] {
            assert_eq!(customer_fields(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn every_rule_is_reported() {
        let fields = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect()
        };
        let long = "x".repeat(256);
        let bad = fields(&[
            ("id", "new"),
            ("email", "a@b"),
            ("first_name", &long),
            ("phone", &long),
        ]);
        let r = Create.validate(&(), bad).expect_err("refused");
        let body = String::from_utf8(r.body).expect("utf8");
        for code in ["91611", "81604", "81608", "81614"] {
            assert!(body.contains(code), "{code}: {body}");
        }
        assert!(Create
            .validate(&(), fields(&[("id", "a-Z_9"), ("email", "a@b.co")]))
            .is_ok());
        assert_eq!(BraintreeEmulator.error_body(503).body, Vec::<u8>::new());
    }
}
