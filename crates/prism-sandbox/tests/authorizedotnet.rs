//! The Authorize.net emulator's own wire (the rest: prism-conformance's behaviour suite; the
//! request mapping: the conformance snapshots).
#![allow(clippy::unwrap_used)]

use prism::Connector;
use prism_sandbox::Sandbox;
use prism_testkit::fixtures::body_json;
use prism_testkit::json::{assert_same_keys, assert_subset, pluck};
use prism_testkit::sandbox::*;
use serde_json::{json, Value};

const C: Connector = Connector::AuthorizeDotNet;
const KEY: &str = "PRISM_AUTHORIZEDOTNET_TRANSACTION_KEY";
const JSON_UTF8: (&str, &str) = ("content-type", "application/json; charset=utf-8");

/// A createCustomerProfileRequest as text (key order matters to Authorize.net), with the sandbox's
/// credentials unless others are given; `profile` spliced in as given.
fn body_as(login: &str, key: &str, profile: &str) -> String {
    format!(
        r#"{{"createCustomerProfileRequest":{{"merchantAuthentication":{{"name":"{login}","transactionKey":"{key}"}},"profile":{profile}}}}}"#
    )
}

fn body(profile: &str) -> String {
    let login = credential(C, "PRISM_AUTHORIZEDOTNET_API_LOGIN_ID");
    body_as(login, credential(C, KEY), profile)
}

/// Posts `text` and returns the answer's JSON; every answer is HTTP 200, JSON with a BOM.
async fn call(sb: &Sandbox, text: String) -> Value {
    let req = post(sb, C, "/xml/v1/request.api").header("Content-Type", "application/json");
    let resp = respond(req.body(text)).await;
    assert_eq!(resp.status().as_u16(), 200, "errors come with HTTP 200");
    assert_headers(&resp, &[JSON_UTF8]);
    let bytes = resp.bytes().await.unwrap();
    let json = bytes.strip_prefix(b"\xEF\xBB\xBF");
    let json = json.expect("every answer starts with a BOM");
    serde_json::from_slice(json).unwrap()
}

/// The first message's code and text.
fn first_message(v: &Value) -> (&str, &str) {
    let m = &v["messages"]["message"][0];
    let text = |k: &str| m[k].as_str().unwrap_or("");
    (text("code"), text("text"))
}

#[tokio::test]
async fn the_replies_have_the_documented_shapes() {
    let sb = Sandbox::start().await.unwrap();
    let ship = r#"{"merchantCustomerId":"r1","shipToList":[{"firstName":"A"},{"lastName":"B"}]}"#;
    let v = call(&sb, body(ship)).await;
    let id = v["customerProfileId"].as_str().unwrap();
    assert!(id.parse::<u64>().is_ok(), "digits: {id}");
    let shipping = v["customerShippingAddressIdList"].as_array().unwrap();
    assert_eq!(shipping.len(), 2);
    let stored = &sb.customers(C)[0].body["shipToList"];
    assert_eq!(pluck(stored, "customerAddressId"), json!(shipping));
    let ok = json!({"resultCode": "Ok", "message": [{"code": "I00001", "text": "Successful."}]});
    let want = json!({"customerPaymentProfileIdList": [], "validationDirectResponseList": [],
        "messages": ok});
    assert_subset(&v, &want);
    assert_same_keys(&v, &body_json("authorizedotnet", "created"));
    // refId is echoed.
    let with_ref = body(r#"{"merchantCustomerId":"r2"}"#);
    let with_ref = with_ref.replace("\"profile\"", "\"refId\":\"ref-7\",\"profile\"");
    assert_eq!(call(&sb, with_ref).await["refId"], "ref-7");
    // An empty profile, an unknown method, garbage, a request body with a BOM of its own.
    let v = call(&sb, body(r#"{"description":""}"#)).await;
    assert_eq!(v, body_json("authorizedotnet", "empty_profile"));
    let v = call(&sb, r#"{"createCustomerRequest": {}}"#.to_owned()).await;
    assert_eq!(first_message(&v).0, "E00004");
    let garbage = call(&sb, "not json".to_owned()).await;
    assert_eq!(first_message(&garbage).0, "E00003");
    let bom = format!("\u{feff}{}", body(r#"{"merchantCustomerId":"bom"}"#));
    assert_eq!(call(&sb, bom).await["messages"]["resultCode"], "Ok");
}

#[tokio::test]
async fn a_duplicate_is_e00039_naming_the_profile_and_only_with_the_same_description() {
    let sb = Sandbox::start().await.unwrap();
    let profile = r#"{"merchantCustomerId":"cust_dup","description":"Gold"}"#;
    let first = call(&sb, body(profile)).await;
    let id = first["customerProfileId"].as_str().unwrap();
    let v = call(&sb, body(profile)).await.to_string();
    let documented = body_json("authorizedotnet", "duplicate").to_string();
    assert_eq!(
        v,
        documented.replace("1220992516", id),
        "no customerProfileId"
    );
    // The same reference with another description: Authorize.net creates a second profile.
    let profile = r#"{"merchantCustomerId":"cust_dup","description":"Silver"}"#;
    call(&sb, body(profile)).await;
    assert_eq!(sb.count_by_reference(C, "cust_dup"), 2);
    // The lookup by reference names the oldest; none is E00040 as documented.
    let get = |r: &str| body(&format!("\"{r}\"")).replace("\"profile\"", "\"merchantCustomerId\"");
    let get = |r: &str| get(r).replace("createCustomerProfile", "getCustomerProfile");
    let (found, none) = (
        call(&sb, get("cust_dup")).await,
        call(&sb, get("nobody")).await,
    );
    assert_eq!(found["profile"]["customerProfileId"], id);
    assert_eq!(none, body_json("authorizedotnet", "lookup/not_found"));
}

/// Schema errors (E00003) come before the credentials check (E00007).
#[tokio::test]
async fn schema_errors_are_e00003_and_come_before_wrong_credentials() {
    let sb = Sandbox::start().await.unwrap();
    let login = credential(C, "PRISM_AUTHORIZEDOTNET_API_LOGIN_ID");
    let wrong_key = body_as(login, "wrong_key_00000", r#"{"merchantCustomerId":"r1"}"#);
    let v = call(&sb, wrong_key).await;
    assert_eq!(v, body_json("authorizedotnet", "auth_failed"));
    let profile = r#"{"merchantCustomerId":"ODOO-1000000-bf538bf4"}"#;
    let v = call(&sb, body_as("bad", "bad", profile)).await;
    let text = "The 'AnetApi/xml/v1/schema/AnetApiSchema.xsd:merchantCustomerId' element is invalid - The value &#39;ODOO-1000000-bf538bf4&#39; is invalid according to its datatype 'String' - The actual length is greater than the MaxLength value.";
    assert_eq!(first_message(&v), ("E00003", text));
    // maxLength, XSD order, unknown and missing elements, enumerations.
    let member = |f: &str, n| format!(r#"{{"{f}":"{}"}}"#, "1".repeat(n));
    let long = |f, n| body(&member(f, n));
    let ship = |f, n| body(&format!(r#"{{"shipToList":[{}]}}"#, member(f, n)));
    let swapped = r#"{"email":"a@example.com","merchantCustomerId":"r1"}"#;
    let unknown = r#"{"merchantCustomerId":"r1","metadata":{"a":"b"}}"#;
    let no_profile = body("{}").replace(r#","profile":{}"#, "");
    let incomplete =
        "incomplete content. List of possible elements expected: 'clientId, refId, profile'";
    let auth_last = format!(
        r#"{{"createCustomerProfileRequest":{{"profile":{{}},"merchantAuthentication":{{"name":"{login}"}}}}}}"#
    );
    for (sent, part) in [
        (long("description", 256), "xsd:description' element"),
        (long("email", 256), "xsd:email' element"),
        (ship("zip", 21), "xsd:zip' element"),
        (ship("phoneNumber", 26), "xsd:phoneNumber' element"),
        (body(swapped), "child element 'merchantCustomerId'"),
        (body(unknown), "child element 'metadata'"),
        (no_profile, incomplete),
        (auth_last, "expected: 'merchantAuthentication'"),
        (body(r#"{"profileType":"vip"}"#), "Enumeration constraint"),
        (body_as(login, &"k".repeat(17), "{}"), ":transactionKey'"),
    ] {
        let v = call(&sb, sent).await;
        let (code, text) = first_message(&v);
        assert!(code == "E00003" && text.contains(part), "{v}");
    }
    assert!(sb.customers(C).is_empty());
}
