//! Authorize.net: `createCustomerProfileRequest` on `POST /xml/v1/request.api` (JSON), as
//! described in `crates/connectors/authorizedotnet/docs.md` ("Emulator notes") and
//! `tests/fixtures/authorizedotnet/`.
//!
//! - Every application answer is **HTTP 200** with a body that starts with a UTF-8 byte-order
//!   mark (`EF BB BF`) followed by JSON without a root key; the outcome is in
//!   `messages.resultCode` (`Ok` | `Error`) and `messages.message[].code`. Other statuses come
//!   only from injected faults.
//! - Order of checks: method (root key, E00004), schema (E00003: key order against the XSD
//!   sequence, unknown keys, maxLengths, enums), credentials (E00007), empty profile (E00041),
//!   duplicate (E00039), create.
//! - Duplicate check: a stored profile whose `merchantCustomerId` and `description` (and
//!   `email` when [`EMAIL_IN_DUPLICATE_CHECK`] is on; off by default, as the docs' table lists
//!   only the first two) equal every one of those fields the request submits ("only if ALL the
//!   values for each field being submitted match"). The answer carries the existing id in the
//!   text only: `A duplicate record with ID <id> already exists.`. The check and the store are
//!   one atomic step.
//! - Ids are numeric strings without prefix (`customerProfileId`, `customerAddressId`).
//! - No idempotency key, no rate limit, no email-format check (the XSD has none).
//! - `paymentProfiles` is out of Prism's scope and not emulated: a request carrying it is
//!   refused with an E00003 saying so.
#![cfg(feature = "authorizedotnet")]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use prism_types::Connector;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use serde_json::{json, Value};

use super::{Emulator, Reply, SharedState};
use crate::store::StoredCustomer;

/// The API Login ID the emulator accepts.
pub(crate) const LOGIN_ID: &str = "prism_sandbox_login";
/// The Transaction Key the emulator accepts (16 characters, the schema's maximum).
pub(crate) const TRANSACTION_KEY: &str = "prism_sbx_key_01";
/// Whether `email` takes part in the duplicate check (unverified at Authorize.net; off).
pub(crate) const EMAIL_IN_DUPLICATE_CHECK: bool = false;
/// The XSD namespace, as it appears in schema error texts.
const NS: &str = "AnetApi/xml/v1/schema/AnetApiSchema.xsd";
/// The method this emulator implements.
const METHOD: &str = "createCustomerProfileRequest";
/// The first profile id handed out (the API reference's example id).
const FIRST_PROFILE_ID: u64 = 527_262;
/// The first shipping-address id handed out.
const FIRST_ADDRESS_ID: u64 = 29_366_174;

/// The Authorize.net emulator.
pub(crate) struct AuthorizeDotNetEmulator;

/// Per-sandbox state: the shared store, the lock that makes duplicate-check-and-store atomic,
/// and the id counters.
#[derive(Clone)]
struct AnetState {
    shared: SharedState,
    create_lock: Arc<Mutex<()>>,
    next_profile: Arc<AtomicU64>,
    next_address: Arc<AtomicU64>,
}

impl Emulator for AuthorizeDotNetEmulator {
    fn connector(&self) -> Connector {
        Connector::AuthorizeDotNet
    }

    fn router(&self, state: SharedState) -> axum::Router {
        let state = AnetState {
            shared: state,
            create_lock: Arc::new(Mutex::new(())),
            next_profile: Arc::new(AtomicU64::new(FIRST_PROFILE_ID)),
            next_address: Arc::new(AtomicU64::new(FIRST_ADDRESS_ID)),
        };
        axum::Router::new()
            .route("/xml/v1/request.api", post(request_api).fallback(not_found))
            .fallback(not_found)
            .with_state(state)
    }

    /// Authorize.net documents no non-200 answer; injected statuses carry the closest in-band
    /// error (BOM + messages) so a client still sees the processor's shape.
    fn error_body(&self, status: u16) -> Reply {
        let (code, text) = match status {
            401 => (
                "E00007",
                "User authentication failed due to invalid authentication values.",
            ),
            403 => (
                "E00011",
                "Access denied. You do not have the appropriate permissions.",
            ),
            404 => ("E00004", "The name of the requested API method is invalid."),
            400..=499 => ("E00003", "An error occurred while parsing the XML request."),
            _ => (
                "E00001",
                "An error occurred during processing. Please try again.",
            ),
        };
        let mut r = error_reply(code, text, false);
        r.status = status;
        r
    }

    fn credentials(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("PRISM_AUTHORIZEDOTNET_API_LOGIN_ID", LOGIN_ID),
            ("PRISM_AUTHORIZEDOTNET_TRANSACTION_KEY", TRANSACTION_KEY),
        ]
    }
}

// ---- replies ---------------------------------------------------------------------------------

/// HTTP 200, BOM, JSON.
fn bom_json<T: Serialize>(body: &T) -> Reply {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(serde_json::to_vec(body).unwrap_or_default());
    Reply::new(200, bytes).with_header("Content-Type", "application/json; charset=utf-8")
}

#[derive(Serialize)]
struct Messages<'a> {
    #[serde(rename = "resultCode")]
    result_code: &'a str,
    message: [MessageEntry<'a>; 1],
}

#[derive(Serialize)]
struct MessageEntry<'a> {
    code: &'a str,
    text: &'a str,
}

/// `createCustomerProfileResponse` in XSD order (refId, customerProfileId, the three lists,
/// messages: the JSON rendering puts messages last, as the documented examples do).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateResponse<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    ref_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_profile_id: Option<&'a str>,
    customer_payment_profile_id_list: [&'a str; 0],
    customer_shipping_address_id_list: &'a [String],
    validation_direct_response_list: [&'a str; 0],
    messages: Messages<'a>,
}

/// `{"messages": …}` only (errors raised before or outside the method's own logic).
#[derive(Serialize)]
struct ErrorOnly<'a> {
    #[serde(rename = "refId", skip_serializing_if = "Option::is_none")]
    ref_id: Option<&'a str>,
    messages: Messages<'a>,
}

fn messages<'a>(result_code: &'a str, code: &'a str, text: &'a str) -> Messages<'a> {
    Messages {
        result_code,
        message: [MessageEntry { code, text }],
    }
}

/// An error answer; `with_lists` adds the method's (empty) id lists, as E00039 does.
fn error_reply(code: &str, text: &str, with_lists: bool) -> Reply {
    error_reply_ref(code, text, with_lists, None)
}

fn error_reply_ref(code: &str, text: &str, with_lists: bool, ref_id: Option<&str>) -> Reply {
    if with_lists {
        bom_json(&CreateResponse {
            ref_id,
            customer_profile_id: None,
            customer_payment_profile_id_list: [],
            customer_shipping_address_id_list: &[],
            validation_direct_response_list: [],
            messages: messages("Error", code, text),
        })
    } else {
        bom_json(&ErrorOnly {
            ref_id,
            messages: messages("Error", code, text),
        })
    }
}

async fn not_found() -> Reply {
    Reply::new(
        404,
        b"<html><body><h1>404 - File or directory not found.</h1></body></html>".to_vec(),
    )
    .with_header("Content-Type", "text/html")
}

// ---- an order-preserving JSON value (serde_json's map sorts keys without `preserve_order`) --

#[derive(Debug, Clone, PartialEq)]
enum J {
    Null,
    Bool(bool),
    Num(serde_json::Number),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl<'de> Deserialize<'de> for J {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = J;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E: de::Error>(self) -> Result<J, E> {
                Ok(J::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<J, E> {
                Ok(J::Null)
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<J, E> {
                Ok(J::Bool(b))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<J, E> {
                Ok(J::Num(n.into()))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<J, E> {
                Ok(J::Num(n.into()))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<J, E> {
                Ok(serde_json::Number::from_f64(n).map_or(J::Null, J::Num))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<J, E> {
                Ok(J::Str(s.to_owned()))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<J, E> {
                Ok(J::Str(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<J, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = seq.next_element()? {
                    v.push(x);
                }
                Ok(J::Arr(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<J, A::Error> {
                let mut v = Vec::new();
                while let Some((k, x)) = map.next_entry::<String, J>()? {
                    v.push((k, x));
                }
                Ok(J::Obj(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl J {
    /// The text of a simple element (strings, and numbers/booleans as their JSON text).
    fn text(&self) -> Option<String> {
        match self {
            J::Str(s) => Some(s.clone()),
            J::Num(n) => Some(n.to_string()),
            J::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    fn get(&self, key: &str) -> Option<&J> {
        match self {
            J::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn text_of(&self, key: &str) -> Option<String> {
        self.get(key).and_then(J::text)
    }

    fn to_value(&self) -> Value {
        match self {
            J::Null => Value::Null,
            J::Bool(b) => json!(b),
            J::Num(n) => Value::Number(n.clone()),
            J::Str(s) => json!(s),
            J::Arr(a) => Value::Array(a.iter().map(J::to_value).collect()),
            J::Obj(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), v.to_value())).collect()),
        }
    }
}

// ---- the schema (AnetApiSchema.xsd, the parts this method uses) -----------------------------

/// One element of an XSD `sequence`: alternative names (an `xs:choice` has several), whether
/// it is required, and its type.
struct El {
    names: &'static [&'static str],
    required: bool,
    ty: Ty,
}

enum Ty {
    /// A string with an optional maxLength.
    Str(Option<usize>),
    /// An enumeration: its XSD type name and values.
    Enum(&'static str, &'static [&'static str]),
    /// A complex type with its own sequence, once.
    Complex(&'static [El]),
    /// A complex type repeated (`maxOccurs="unbounded"`): a JSON array or a single object.
    Many(&'static [El]),
    /// Valid in the schema but not emulated.
    NotEmulated,
    /// An `xs:choice`: the type of each alternative that is not a plain string.
    Choice(&'static [(&'static str, Ty)]),
}

const fn el(names: &'static [&'static str], required: bool, ty: Ty) -> El {
    El {
        names,
        required,
        ty,
    }
}

/// `merchantAuthenticationType` (XSD l.904).
static MERCHANT_AUTHENTICATION: &[El] = &[
    el(&["name"], false, Ty::Str(Some(25))),
    el(
        &[
            "transactionKey",
            "sessionToken",
            "password",
            "impersonationAuthentication",
            "fingerPrint",
            "clientKey",
            "accessToken",
        ],
        true,
        Ty::Choice(&[
            ("transactionKey", Ty::Str(Some(16))),
            ("password", Ty::Str(Some(40))),
            ("impersonationAuthentication", Ty::NotEmulated),
            ("fingerPrint", Ty::NotEmulated),
        ]),
    ),
    el(&["mobileDeviceId"], false, Ty::Str(Some(60))),
];

/// `customerAddressType` (XSD l.1851, with `nameAndAddressType` l.362).
static CUSTOMER_ADDRESS: &[El] = &[
    el(&["firstName"], false, Ty::Str(Some(50))),
    el(&["lastName"], false, Ty::Str(Some(50))),
    el(&["company"], false, Ty::Str(Some(50))),
    el(&["address"], false, Ty::Str(Some(60))),
    el(&["city"], false, Ty::Str(Some(40))),
    el(&["state"], false, Ty::Str(Some(40))),
    el(&["zip"], false, Ty::Str(Some(20))),
    el(&["country"], false, Ty::Str(Some(60))),
    el(&["phoneNumber"], false, Ty::Str(Some(25))),
    el(&["faxNumber"], false, Ty::Str(Some(25))),
    el(&["email"], false, Ty::Str(None)),
];

/// `customerProfileType` (XSD l.1799, with `customerProfileBaseType` l.1773).
static CUSTOMER_PROFILE: &[El] = &[
    el(&["merchantCustomerId"], false, Ty::Str(Some(20))),
    el(&["description"], false, Ty::Str(Some(255))),
    el(&["email"], false, Ty::Str(Some(255))),
    el(&["paymentProfiles"], false, Ty::NotEmulated),
    el(&["shipToList"], false, Ty::Many(CUSTOMER_ADDRESS)),
    el(
        &["profileType"],
        false,
        Ty::Enum("customerProfileTypeEnum", &["regular", "guest"]),
    ),
];

/// `createCustomerProfileRequest` (XSD l.2925, with `ANetApiRequest` l.2621).
static CREATE_CUSTOMER_PROFILE_REQUEST: &[El] = &[
    el(
        &["merchantAuthentication"],
        true,
        Ty::Complex(MERCHANT_AUTHENTICATION),
    ),
    el(&["clientId"], false, Ty::Str(Some(30))),
    el(&["refId"], false, Ty::Str(Some(20))),
    el(&["profile"], true, Ty::Complex(CUSTOMER_PROFILE)),
    el(
        &["validationMode"],
        false,
        Ty::Enum(
            "validationModeEnum",
            &["none", "testMode", "liveMode", "oldLiveMode"],
        ),
    ),
];

/// The expected-elements list of a .NET schema message: from `from` up to the first required
/// element, inclusive.
fn expected(seq: &[El], from: usize) -> String {
    let mut names = Vec::new();
    for e in seq.iter().skip(from) {
        names.extend(e.names.iter().copied());
        if e.required {
            break;
        }
    }
    names.join(", ")
}

/// Validates `obj` (the content of element `parent`) against `seq`; the error is E00003's text.
fn validate(parent: &str, obj: &J, seq: &[El]) -> Result<(), String> {
    let J::Obj(entries) = obj else {
        return Err(format!(
            "The element '{parent}' in namespace '{NS}' has invalid content: a complex element expected."
        ));
    };
    let mut pos = 0;
    for (key, value) in entries {
        let found = seq.iter().position(|e| e.names.contains(&key.as_str()));
        let i = match found {
            Some(i) if i >= pos => i,
            _ => {
                let list = expected(seq, pos);
                return Err(if list.is_empty() {
                    format!(
                        "The element '{parent}' in namespace '{NS}' has invalid child element '{key}' in namespace '{NS}'."
                    )
                } else {
                    format!(
                        "The element '{parent}' in namespace '{NS}' has invalid child element '{key}' in namespace '{NS}'. List of possible elements expected: '{list}' in namespace '{NS}'."
                    )
                });
            }
        };
        // A required element skipped over.
        if seq[pos..i].iter().any(|e| e.required) {
            let list = expected(seq, pos);
            return Err(format!(
                "The element '{parent}' in namespace '{NS}' has invalid child element '{key}' in namespace '{NS}'. List of possible elements expected: '{list}' in namespace '{NS}'."
            ));
        }
        pos = i + 1;
        if matches!(value, J::Null) {
            continue;
        }
        check_type(key, value, &seq[i].ty)?;
    }
    if seq[pos..].iter().any(|e| e.required) {
        let list = expected(seq, pos);
        return Err(format!(
            "The element '{parent}' in namespace '{NS}' has incomplete content. List of possible elements expected: '{list}' in namespace '{NS}'."
        ));
    }
    Ok(())
}

fn check_type(name: &str, value: &J, ty: &Ty) -> Result<(), String> {
    match ty {
        Ty::Str(_) | Ty::Enum(_, _) if value.text().is_none() => Err(format!(
            "The element '{name}' in namespace '{NS}' cannot contain child elements or arrays: a text value expected."
        )),
        Ty::Str(Some(max)) => {
            let text = value.text().unwrap_or_default();
            if text.chars().count() > *max {
                Err(format!(
                    "The '{NS}:{name}' element is invalid - The value &#39;{text}&#39; is invalid according to its datatype 'String' - The actual length is greater than the MaxLength value."
                ))
            } else {
                Ok(())
            }
        }
        Ty::Str(None) => Ok(()),
        Ty::Enum(type_name, values) => {
            let text = value.text().unwrap_or_default();
            if values.contains(&text.as_str()) {
                Ok(())
            } else {
                Err(format!(
                    "The '{NS}:{name}' element is invalid - The value &#39;{text}&#39; is invalid according to its datatype '{NS}:{type_name}' - The Enumeration constraint failed."
                ))
            }
        }
        Ty::Complex(seq) => validate(name, value, seq),
        Ty::Many(seq) => match value {
            J::Arr(items) => items.iter().try_for_each(|item| validate(name, item, seq)),
            other => validate(name, other, seq),
        },
        Ty::Choice(alternatives) => match alternatives.iter().find(|(n, _)| *n == name) {
            Some((_, ty)) => check_type(name, value, ty),
            None => check_type(name, value, &Ty::Str(None)),
        },
        Ty::NotEmulated => Err(format!(
            "The Prism sandbox does not emulate '{name}': create the profile without it."
        )),
    }
}

// ---- the handler ---------------------------------------------------------------------------

async fn request_api(State(state): State<AnetState>, body: Bytes) -> Reply {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&body);
    let parse_error = || {
        error_reply(
            "E00003",
            "An error occurred while parsing the XML request.",
            false,
        )
    };
    let Ok(root) = serde_json::from_slice::<J>(body) else {
        return parse_error();
    };
    let J::Obj(entries) = &root else {
        return parse_error();
    };
    let [(method, request)] = entries.as_slice() else {
        return parse_error();
    };
    if method != METHOD {
        return error_reply(
            "E00004",
            "The name of the requested API method is invalid.",
            false,
        );
    }
    let ref_id = request.text_of("refId");
    let ref_id = ref_id.as_deref();

    // Schema first: such errors come back before the method runs.
    if let Err(text) = validate(METHOD, request, CREATE_CUSTOMER_PROFILE_REQUEST) {
        return error_reply_ref("E00003", &text, false, ref_id);
    }

    // Credentials.
    let auth = request.get("merchantAuthentication");
    let login = auth.and_then(|a| a.text_of("name"));
    let key = auth.and_then(|a| a.text_of("transactionKey"));
    if login.as_deref() != Some(LOGIN_ID) || key.as_deref() != Some(TRANSACTION_KEY) {
        return error_reply_ref(
            "E00007",
            "User authentication failed due to invalid authentication values.",
            false,
            ref_id,
        );
    }

    let Some(profile) = request.get("profile") else {
        return parse_error();
    };
    let field = |k: &str| profile.text_of(k).filter(|v| !v.is_empty());
    let (mcid, description, email) = (
        field("merchantCustomerId"),
        field("description"),
        field("email"),
    );
    if mcid.is_none() && description.is_none() && email.is_none() {
        return error_reply_ref(
            "E00041",
            "One or more fields in the profile must contain a value.",
            false,
            ref_id,
        );
    }

    // Duplicate check and store, atomically.
    let _guard = state.create_lock.lock().unwrap_or_else(|p| p.into_inner());
    let submitted: Vec<(&str, &str)> = [
        ("merchantCustomerId", mcid.as_deref()),
        ("description", description.as_deref()),
        (
            "email",
            if EMAIL_IN_DUPLICATE_CHECK {
                email.as_deref()
            } else {
                None
            },
        ),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect();
    if !submitted.is_empty() {
        let same = |c: &StoredCustomer| {
            submitted
                .iter()
                .all(|(k, v)| c.body.get(*k).and_then(Value::as_str) == Some(*v))
        };
        // The reference index narrows the search when the request has one.
        let existing = match submitted.iter().find(|(k, _)| *k == "merchantCustomerId") {
            Some((_, reference)) => state
                .shared
                .customers_with_reference(Connector::AuthorizeDotNet, reference)
                .into_iter()
                .find(|c| same(c)),
            None => state.shared.find_customer(Connector::AuthorizeDotNet, same),
        };
        if let Some(existing) = existing {
            let text = format!("A duplicate record with ID {} already exists.", existing.id);
            return error_reply_ref("E00039", &text, true, ref_id);
        }
    }

    let id = state
        .next_profile
        .fetch_add(1, Ordering::SeqCst)
        .to_string();
    let ship_to: Vec<&J> = match profile.get("shipToList") {
        Some(J::Arr(items)) => items.iter().collect(),
        Some(J::Null) | None => Vec::new(),
        Some(one) => vec![one],
    };
    let mut address_ids = Vec::new();
    let mut stored_addresses = Vec::new();
    for a in ship_to {
        let address_id = state
            .next_address
            .fetch_add(1, Ordering::SeqCst)
            .to_string();
        let mut v = a.to_value();
        if let Value::Object(m) = &mut v {
            m.insert("customerAddressId".into(), json!(address_id));
        }
        stored_addresses.push(v);
        address_ids.push(address_id);
    }
    let mut stored = json!({ "customerProfileId": id, "shipToList": stored_addresses });
    if let Value::Object(m) = &mut stored {
        for (k, v) in [
            ("merchantCustomerId", &mcid),
            ("description", &description),
            ("email", &email),
        ] {
            if let Some(v) = v {
                m.insert(k.into(), json!(v));
            }
        }
        if let Some(t) = profile.text_of("profileType") {
            m.insert("profileType".into(), json!(t));
        }
    }
    state.shared.insert_customer(
        Connector::AuthorizeDotNet,
        StoredCustomer {
            id: id.clone(),
            merchant_customer_id: mcid.clone(),
            email: email.clone(),
            body: stored,
        },
    );
    bom_json(&CreateResponse {
        ref_id,
        customer_profile_id: Some(&id),
        customer_payment_profile_id_list: [],
        customer_shipping_address_id_list: &address_ids,
        validation_direct_response_list: [],
        messages: messages("Ok", "I00001", "Successful."),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> J {
        serde_json::from_str(s).expect("json")
    }

    #[test]
    fn order_preserving_parse() {
        let j = parse(r#"{"b":1,"a":[true,null,"x"],"c":{"z":1,"y":2}}"#);
        let J::Obj(m) = &j else { panic!("object") };
        assert_eq!(
            m.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["b", "a", "c"]
        );
        assert_eq!(
            j.get("c").and_then(|c| c.text_of("y")).as_deref(),
            Some("2")
        );
    }

    #[test]
    fn schema_order_and_lengths() {
        let ok = parse(
            r#"{"merchantAuthentication":{"name":"a","transactionKey":"b"},"profile":{"merchantCustomerId":"x","email":"e","shipToList":[{"firstName":"J","phoneNumber":"1"}]}}"#,
        );
        assert_eq!(
            validate(METHOD, &ok, CREATE_CUSTOMER_PROFILE_REQUEST),
            Ok(())
        );

        let swapped = parse(
            r#"{"merchantAuthentication":{"name":"a","transactionKey":"b"},"profile":{"email":"e","merchantCustomerId":"x"}}"#,
        );
        let e = validate(METHOD, &swapped, CREATE_CUSTOMER_PROFILE_REQUEST).expect_err("order");
        assert!(e.starts_with("The element 'profile' in namespace 'AnetApi/xml/v1/schema/AnetApiSchema.xsd' has invalid child element 'merchantCustomerId'"), "{e}");
        assert!(
            e.contains(
                "List of possible elements expected: 'paymentProfiles, shipToList, profileType'"
            ),
            "{e}"
        );

        let unknown = parse(
            r#"{"merchantAuthentication":{"name":"a","transactionKey":"b"},"profile":{"metadata":{}}}"#,
        );
        assert!(validate(METHOD, &unknown, CREATE_CUSTOMER_PROFILE_REQUEST)
            .expect_err("unknown")
            .contains("invalid child element 'metadata'"));

        let long = parse(
            r#"{"merchantAuthentication":{"name":"a","transactionKey":"b"},"profile":{"merchantCustomerId":"ODOO-1000000-bf538bf4"}}"#,
        );
        assert_eq!(
            validate(METHOD, &long, CREATE_CUSTOMER_PROFILE_REQUEST).expect_err("length"),
            "The 'AnetApi/xml/v1/schema/AnetApiSchema.xsd:merchantCustomerId' element is invalid - The value &#39;ODOO-1000000-bf538bf4&#39; is invalid according to its datatype 'String' - The actual length is greater than the MaxLength value."
        );

        let no_profile = parse(r#"{"merchantAuthentication":{"name":"a","transactionKey":"b"}}"#);
        assert!(validate(METHOD, &no_profile, CREATE_CUSTOMER_PROFILE_REQUEST)
            .expect_err("incomplete")
            .contains("has incomplete content. List of possible elements expected: 'clientId, refId, profile'"));

        let profile_first =
            parse(r#"{"profile":{},"merchantAuthentication":{"name":"a","transactionKey":"b"}}"#);
        assert!(
            validate(METHOD, &profile_first, CREATE_CUSTOMER_PROFILE_REQUEST)
                .expect_err("auth first")
                .contains("List of possible elements expected: 'merchantAuthentication'")
        );

        let bad_enum = parse(
            r#"{"merchantAuthentication":{"name":"a","transactionKey":"b"},"profile":{"profileType":"vip"}}"#,
        );
        assert!(validate(METHOD, &bad_enum, CREATE_CUSTOMER_PROFILE_REQUEST)
            .expect_err("enum")
            .contains("The Enumeration constraint failed."));

        let long_key = parse(
            r#"{"merchantAuthentication":{"name":"a","transactionKey":"12345678901234567"},"profile":{}}"#,
        );
        assert!(validate(METHOD, &long_key, CREATE_CUSTOMER_PROFILE_REQUEST)
            .expect_err("key length")
            .contains(":transactionKey' element is invalid"));
    }

    #[test]
    fn injected_statuses_keep_the_in_band_shape() {
        let e = AuthorizeDotNetEmulator;
        for status in [400, 401, 403, 404, 429, 500, 502, 503] {
            let r = e.error_body(status);
            assert_eq!(r.status, status);
            assert!(r.body.starts_with(b"\xEF\xBB\xBF"));
            let v: Value = serde_json::from_slice(&r.body[3..]).expect("json");
            assert_eq!(v["messages"]["resultCode"], "Error", "{status}");
        }
    }
}
