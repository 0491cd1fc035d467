//! Authorize.net: `createCustomerProfileRequest` and `getCustomerProfileRequest` (by
//! `merchantCustomerId`) on `POST /xml/v1/request.api` (JSON), as described in
//! `crates/connectors/authorizedotnet/docs.md` ("Emulator notes": the order of checks, the texts,
//! the duplicate rule) and `tests/fixtures/authorizedotnet/`.
//!
//! Every application answer is HTTP 200 with a byte-order mark before the JSON; the outcome is in
//! `messages` (other statuses come only from injected faults). The duplicate check (E00039, with
//! email only under [`EMAIL_IN_DUPLICATE_CHECK`]) and the store are one atomic step. Ids are
//! numeric strings. `paymentProfiles` is not emulated: refused with an E00003 saying so.
#![cfg(feature = "authorizedotnet")]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::HeaderMap;
use prism_types::Connector;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use super::{Emulator, Head, Reply, SharedState};
use crate::kit::create::{handle, CreateProtocol, Created, Incoming};
use crate::kit::json::{strip_bom, Members};
use crate::kit::{auth, limits, routes};
use crate::store::StoredCustomer;

const C: Connector = Connector::AuthorizeDotNet;
/// The API Login ID the emulator accepts.
pub(crate) const LOGIN_ID: &str = "prism_sandbox_login";
/// The Transaction Key the emulator accepts (16 characters, the schema's maximum).
pub(crate) const TRANSACTION_KEY: &str = "prism_sbx_key_01";
/// Whether `email` takes part in the duplicate check (unverified at Authorize.net; off).
pub(crate) const EMAIL_IN_DUPLICATE_CHECK: bool = false;
/// The XSD namespace, as it appears in schema error texts.
const NS: &str = "AnetApi/xml/v1/schema/AnetApiSchema.xsd";
/// The methods this emulator implements.
const METHOD: &str = "createCustomerProfileRequest";
const GET: &str = "getCustomerProfileRequest";
/// The first profile id handed out (the API reference's example id).
const FIRST_PROFILE_ID: u64 = 527_262;
/// The first shipping-address id handed out.
const FIRST_ADDRESS_ID: u64 = 29_366_174;
/// E00007's text.
const AUTH_FAILED: &str = "User authentication failed due to invalid authentication values.";
/// E00003's text for a body that is no request at all.
const BAD_XML: &str = "An error occurred while parsing the XML request.";
/// The maxLength violation's text in E00003.
const TOO_LONG: &str = "The actual length is greater than the MaxLength value.";
/// E00004's text.
const BAD_METHOD: &str = "The name of the requested API method is invalid.";
/// E00011's and E00001's texts (injected 403 and 5xx).
const ACCESS_DENIED: &str = "Access denied. You do not have the appropriate permissions.";
const TRY_AGAIN: &str = "An error occurred during processing. Please try again.";

/// The Authorize.net emulator.
#[derive(Clone, Copy)]
pub(crate) struct AuthorizeDotNetEmulator;

impl Emulator for AuthorizeDotNetEmulator {
    fn connector(&self) -> Connector {
        C
    }

    fn router(&self, state: SharedState) -> axum::Router {
        let create = Arc::new(Create {
            next_profile: Arc::new(AtomicU64::new(FIRST_PROFILE_ID)),
            next_address: Arc::new(AtomicU64::new(FIRST_ADDRESS_ID)),
        });
        // One route for every method: a lookup is told apart by its root key.
        let api = axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let (create, state) = (Arc::clone(&create), state.clone());
            async move {
                let root = serde_json::from_slice::<Members<'_>>(strip_bom(&body)).ok();
                let first = root.and_then(|m| m.0.into_iter().next());
                if first.is_some_and(|(method, _)| method == GET) {
                    get_profile(&state, &body).unwrap_or_else(|reply| reply)
                } else {
                    handle(create.as_ref(), &state, &Incoming { headers, body })
                }
            }
        });
        let routes = axum::Router::new().route("/xml/v1/request.api", api);
        routes::with_fallbacks(*self, routes)
    }

    /// Authorize.net documents no non-200 answer; injected statuses carry the closest in-band
    /// error (BOM + messages) so a client still sees the processor's shape.
    fn error_body(&self, status: u16) -> Reply {
        let (code, text) = match status {
            401 => ("E00007", AUTH_FAILED),
            403 => ("E00011", ACCESS_DENIED),
            404 => ("E00004", BAD_METHOD),
            400..=499 => ("E00003", BAD_XML),
            _ => ("E00001", TRY_AGAIN),
        };
        let mut r = error_reply(code, text, false, None);
        r.status = status;
        r
    }

    fn credentials(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("PRISM_AUTHORIZEDOTNET_API_LOGIN_ID", LOGIN_ID),
            ("PRISM_AUTHORIZEDOTNET_TRANSACTION_KEY", TRANSACTION_KEY),
        ]
    }

    /// IIS's HTML 404, outside the API.
    fn not_found(&self, _: &Head) -> Reply {
        let page = b"<html><body><h1>404 - File or directory not found.</h1></body></html>";
        Reply::new(404, page.to_vec()).with_header("Content-Type", "text/html")
    }
}

// ---- replies ---------------------------------------------------------------------------------

/// An answer in XSD order: refId, customerProfileId, `members` (the method's own, each rendered
/// `"name":value,`), then messages (last, as in the documented examples). HTTP 200, BOM, JSON.
fn answer(
    ref_id: Option<&str>,
    id: Option<&str>,
    members: &str,
    (result, code, text): (&str, &str, &str),
) -> Reply {
    let member =
        |k: &str, v: Option<&str>| v.map_or(String::new(), |v| format!(r#""{k}":{},"#, json!(v)));
    let (ref_id, id) = (member("refId", ref_id), member("customerProfileId", id));
    let message = json!([{ "code": code, "text": text }]);
    let json = format!(
        r#"{{{ref_id}{id}{members}"messages":{{"resultCode":"{result}","message":{message}}}}}"#
    );
    let bytes = [b"\xEF\xBB\xBF".as_slice(), json.as_bytes()].concat();
    Reply::new(200, bytes).with_header("Content-Type", "application/json; charset=utf-8")
}

/// The method's id lists, as a success and E00039 carry them.
fn lists(addresses: &[String]) -> String {
    let addresses = json!(addresses);
    format!(
        r#""customerPaymentProfileIdList":[],"customerShippingAddressIdList":{addresses},"validationDirectResponseList":[],"#
    )
}

/// An error answer; `with_lists` adds the method's (empty) id lists, as E00039 does.
fn error_reply(code: &str, text: &str, with_lists: bool, ref_id: Option<&str>) -> Reply {
    let members = if with_lists {
        lists(&[])
    } else {
        String::new()
    };
    answer(ref_id, None, &members, ("Error", code, text))
}

/// The text of a simple element (strings, and numbers/booleans as their JSON text).
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// [`text`] of a raw element.
fn raw_text(raw: &RawValue) -> Option<String> {
    text(&serde_json::from_str(raw.get()).ok()?)
}

// ---- the schema (AnetApiSchema.xsd, the parts this method uses) -----------------------------

/// One element of an XSD `sequence`: its name (an `xs:choice`: its alternatives' names, space
/// separated), whether it is required, and its type.
struct El(&'static str, bool, Ty);

enum Ty {
    /// A string with an optional maxLength.
    Str(Option<usize>),
    /// An enumeration: its XSD type name and values (space separated).
    Enum(&'static str, &'static str),
    /// A complex type with its own sequence, once.
    Complex(&'static [El]),
    /// A complex type repeated (`maxOccurs="unbounded"`): a JSON array or a single object.
    Many(&'static [El]),
    /// Valid in the schema but not emulated.
    NotEmulated,
    /// An `xs:choice`: the type of each alternative that is not a plain string.
    Choice(&'static [(&'static str, Ty)]),
}

/// An optional element.
const fn opt(names: &'static str, ty: Ty) -> El {
    El(names, false, ty)
}

/// A required element.
const fn req(names: &'static str, ty: Ty) -> El {
    El(names, true, ty)
}

/// A string of at most `n` characters.
const fn max(n: usize) -> Ty {
    Ty::Str(Some(n))
}

/// `merchantAuthenticationType` (XSD l.904).
static AUTHENTICATION: &[El] = &[
    opt("name", max(25)),
    req(
        "transactionKey sessionToken password impersonationAuthentication fingerPrint clientKey \
         accessToken",
        Ty::Choice(&[
            ("transactionKey", max(16)),
            ("password", max(40)),
            ("impersonationAuthentication", Ty::NotEmulated),
            ("fingerPrint", Ty::NotEmulated),
        ]),
    ),
    opt("mobileDeviceId", max(60)),
];

/// `customerAddressType` (XSD l.1851, with `nameAndAddressType` l.362).
static ADDRESS: &[El] = &[
    opt("firstName", max(50)),
    opt("lastName", max(50)),
    opt("company", max(50)),
    opt("address", max(60)),
    opt("city", max(40)),
    opt("state", max(40)),
    opt("zip", max(20)),
    opt("country", max(60)),
    opt("phoneNumber", max(25)),
    opt("faxNumber", max(25)),
    opt("email", Ty::Str(None)),
];

/// `customerProfileType` (XSD l.1799, with `customerProfileBaseType` l.1773).
static PROFILE: &[El] = &[
    opt("merchantCustomerId", max(20)),
    opt("description", max(255)),
    opt("email", max(255)),
    opt("paymentProfiles", Ty::NotEmulated),
    opt("shipToList", Ty::Many(ADDRESS)),
    opt(
        "profileType",
        Ty::Enum("customerProfileTypeEnum", "regular guest"),
    ),
];

/// `createCustomerProfileRequest` (XSD l.2925, with `ANetApiRequest` l.2621).
static CREATE_CUSTOMER_PROFILE_REQUEST: &[El] = &[
    req("merchantAuthentication", Ty::Complex(AUTHENTICATION)),
    opt("clientId", max(30)),
    opt("refId", max(20)),
    req("profile", Ty::Complex(PROFILE)),
    opt(
        "validationMode",
        Ty::Enum("validationModeEnum", VALIDATION_MODES),
    ),
];
const VALIDATION_MODES: &str = "none testMode liveMode oldLiveMode";

/// `getCustomerProfileRequest` (XSD l.3092, with `ANetApiRequest` l.2621).
static GET_CUSTOMER_PROFILE_REQUEST: &[El] = &[
    req("merchantAuthentication", Ty::Complex(AUTHENTICATION)),
    opt("clientId", max(30)),
    opt("refId", max(20)),
    opt("customerProfileId", Ty::NotEmulated),
    opt("merchantCustomerId", max(20)),
    opt("email", Ty::NotEmulated),
    opt("unmaskExpirationDate", Ty::Str(None)),
    opt("includeIssuerInfo", Ty::Str(None)),
];

/// The expected-elements list of a .NET schema message: from `from` up to the first required
/// element, inclusive.
fn expected(seq: &[El], from: usize) -> String {
    let mut names = Vec::new();
    for e in seq.iter().skip(from) {
        names.extend(e.0.split_whitespace());
        if e.1 {
            break;
        }
    }
    names.join(", ")
}

/// Validates `obj` (the content of element `parent`) against `seq`; the error is E00003's text.
fn validate(parent: &str, obj: &RawValue, seq: &[El]) -> Result<(), String> {
    let element = format!("The element '{parent}' in namespace '{NS}' has");
    let Ok(Members(entries)) = serde_json::from_str(obj.get()) else {
        let text = format!("{element} invalid content: a complex element expected.");
        return Err(text);
    };
    let possible = |pos: usize| match expected(seq, pos) {
        list if list.is_empty() => String::new(),
        list => format!(" List of possible elements expected: '{list}' in namespace '{NS}'."),
    };
    let mut pos = 0;
    for (key, value) in entries {
        // Unknown, before the current position, or skipping a required element: invalid.
        let named = |e: &El| e.0.split_whitespace().any(|n| n == key);
        let found = seq.iter().position(named);
        let in_order = |&i: &usize| i >= pos && !seq[pos..i].iter().any(|e| e.1);
        let Some(i) = found.filter(in_order) else {
            let child = format!("invalid child element '{key}' in namespace '{NS}'.");
            return Err(format!("{element} {child}{}", possible(pos)));
        };
        pos = i + 1;
        if value.get().trim() != "null" {
            check_type(&key, value, &seq[i].2)?;
        }
    }
    if seq[pos..].iter().any(|e| e.1) {
        return Err(format!("{element} incomplete content.{}", possible(pos)));
    }
    Ok(())
}

fn check_type(name: &str, value: &RawValue, ty: &Ty) -> Result<(), String> {
    let text = raw_text(value);
    let in_text = text.as_deref().unwrap_or_default();
    let invalid = |datatype: &str, why: &str| {
        Err(format!(
            "The '{NS}:{name}' element is invalid - The value &#39;{in_text}&#39; is invalid according to its datatype '{datatype}' - {why}"
        ))
    };
    match ty {
        Ty::Str(_) | Ty::Enum(_, _) if text.is_none() => Err(format!(
            "The element '{name}' in namespace '{NS}' cannot contain child elements or arrays: a text value expected."
        )),
        Ty::Str(Some(max)) if limits::too_long(in_text, *max) => invalid("String", TOO_LONG),
        Ty::Enum(type_name, values) if !values.split_whitespace().any(|v| v == in_text) => {
            invalid(&format!("{NS}:{type_name}"), "The Enumeration constraint failed.")
        }
        Ty::Str(_) | Ty::Enum(_, _) => Ok(()),
        Ty::Complex(seq) => validate(name, value, seq),
        Ty::Many(seq) => match serde_json::from_str::<Vec<&RawValue>>(value.get()) {
            Ok(items) => items.iter().try_for_each(|item| validate(name, item, seq)),
            Err(_) => validate(name, value, seq),
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

/// A request past the method and schema checks: its `refId` and the request.
type Parsed = (Option<String>, Value);

/// A profile with at least one field, from an authenticated request: refId, the profile, its
/// merchantCustomerId, description and email (non-empty).
type Valid = (
    Option<String>,
    Value,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The request of method `expected` (E00004 for another root key), its `refId`, checked against
/// `seq` (E00003).
fn parse(body: &[u8], expected: &str, seq: &[El]) -> Result<Parsed, Reply> {
    let Ok(Members(root)) = serde_json::from_slice(strip_bom(body)) else {
        return Err(bad_xml());
    };
    let [(method, request)] = root.as_slice() else {
        return Err(bad_xml());
    };
    if method != expected {
        return Err(error_reply("E00004", BAD_METHOD, false, None));
    }
    let members = serde_json::from_str::<Members<'_>>(request.get()).map(|m| m.0);
    let ref_id = members.ok().and_then(|m| {
        let (_, raw) = m.into_iter().find(|(k, _)| k == "refId")?;
        raw_text(raw)
    });
    // Schema first: such errors come back before the method runs.
    if let Err(text) = validate(expected, request, seq) {
        return Err(error_reply("E00003", &text, false, ref_id.as_deref()));
    }
    let request = serde_json::from_str(request.get()).map_err(|_| bad_xml())?;
    Ok((ref_id, request))
}

/// Whether the request's `merchantAuthentication` is the emulator's.
fn authenticated(request: &Value) -> bool {
    let credentials = ["name", "transactionKey"];
    let [login, key] = auth::in_body(request, "/merchantAuthentication", credentials);
    login == Some(LOGIN_ID) && key == Some(TRANSACTION_KEY)
}

/// `getCustomerProfileRequest`: schema (E00003) → credentials (E00007) → the oldest profile with
/// the `merchantCustomerId` (E00040 when none); `refId` is not echoed.
fn get_profile(state: &SharedState, body: &[u8]) -> Result<Reply, Reply> {
    let (ref_id, request) = parse(body, GET, GET_CUSTOMER_PROFILE_REQUEST)?;
    let fail = |code, text| Err(error_reply(code, text, false, ref_id.as_deref()));
    if !authenticated(&request) {
        return fail("E00007", AUTH_FAILED);
    }
    let reference = request.get("merchantCustomerId").and_then(text);
    let found = state.customers_with_reference(C, &reference.unwrap_or_default());
    let Some(profile) = found.into_iter().next() else {
        return fail("E00040", "The record cannot be found.");
    };
    let profile = format!(r#""profile":{},"#, profile.body);
    Ok(answer(
        None,
        None,
        &profile,
        ("Ok", "I00001", "Successful."),
    ))
}

/// E00003 for a body that is no request at all.
fn bad_xml() -> Reply {
    error_reply("E00003", BAD_XML, false, None)
}

/// `createCustomerProfileRequest`: root key (E00004) → schema, element order included
/// (E00003) → credentials in the body (E00007) → empty profile (E00041) → duplicate (E00039,
/// atomic with the store) → create. Every answer is HTTP 200.
struct Create {
    next_profile: Arc<AtomicU64>,
    next_address: Arc<AtomicU64>,
}

/// The next id of `counter`, as the numeric string Authorize.net answers.
fn next(counter: &AtomicU64) -> String {
    counter.fetch_add(1, Ordering::SeqCst).to_string()
}

impl CreateProtocol for Create {
    const CONNECTOR: Connector = C;
    /// The credentials travel in the body: checked in `validate`, after the schema.
    type Caller = ();
    type Parsed = Parsed;
    type Valid = Valid;

    fn authenticate(&self, _: &Incoming) -> Result<(), Reply> {
        Ok(())
    }

    fn parse(&self, (): &(), req: &Incoming) -> Result<Parsed, Reply> {
        parse(&req.body, METHOD, CREATE_CUSTOMER_PROFILE_REQUEST)
    }

    fn validate(&self, (): &(), (ref_id, request): Parsed) -> Result<Valid, Reply> {
        let fail = |code, text| Err(error_reply(code, text, false, ref_id.as_deref()));
        if !authenticated(&request) {
            return fail("E00007", AUTH_FAILED);
        }
        let Some(profile) = request.get("profile").cloned() else {
            return Err(bad_xml());
        };
        let field = |k: &str| profile.get(k).and_then(text).filter(|v| !v.is_empty());
        let mcid = field("merchantCustomerId");
        let (description, email) = (field("description"), field("email"));
        if mcid.is_none() && description.is_none() && email.is_none() {
            let text = "One or more fields in the profile must contain a value.";
            return fail("E00041", text);
        }
        Ok((ref_id, profile, mcid, description, email))
    }

    fn store(&self, (): &(), state: &SharedState, v: Valid) -> Created {
        let (ref_id, profile, mcid, description, email) = v;
        let ref_id = ref_id.as_deref();
        // Every submitted value matches (none submitted: no check).
        let email_checked = email.clone().filter(|_| EMAIL_IN_DUPLICATE_CHECK);
        let submitted = [("description", &description), ("email", &email_checked)];
        let same = |c: &StoredCustomer| {
            let equal = |(k, v): &(&str, &Option<String>)| v.is_none() || c.body[*k] == json!(v);
            submitted.iter().all(equal)
                && (mcid.is_some() || email_checked.is_some() || description.is_some())
        };
        // The reference index narrows the search when the request has one.
        let existing = match &mcid {
            Some(r) => state.customers_with_reference(C, r),
            None => state.find_customer(C, same).into_iter().collect(),
        };
        if let Some(existing) = existing.into_iter().find(|c| same(c)) {
            let text = format!("A duplicate record with ID {} already exists.", existing.id);
            return Err(error_reply("E00039", &text, true, ref_id));
        }

        let id = next(&self.next_profile);
        let mut ship_to: Vec<Value> = match profile.get("shipToList") {
            Some(Value::Array(items)) => items.clone(),
            Some(Value::Null) | None => Vec::new(),
            Some(one) => vec![one.clone()],
        };
        // Every entry is an object (the schema was checked).
        let mut address_ids = Vec::new();
        for address in ship_to.iter_mut().filter_map(Value::as_object_mut) {
            address_ids.push(next(&self.next_address));
            address.insert("customerAddressId".into(), json!(address_ids.last()));
        }
        let profile_type = profile.get("profileType").and_then(text);
        let mut stored = json!({ "customerProfileId": id, "shipToList": ship_to,
            "merchantCustomerId": mcid, "description": description, "email": email,
            "profileType": profile_type });
        if let Some(members) = stored.as_object_mut() {
            members.retain(|_, value| !value.is_null());
        }
        let ok = ("Ok", "I00001", "Successful.");
        let reply = answer(ref_id, Some(&id), &lists(&address_ids), ok);
        let customer = StoredCustomer {
            id,
            merchant_customer_id: mcid,
            email,
            body: stored,
        };
        Ok((customer, reply))
    }
}
