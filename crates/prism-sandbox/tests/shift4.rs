//! The Shift4 emulator's own wire (what every connector shares: prism-conformance's behaviour suite).
#![allow(clippy::unwrap_used)]

use prism::CustomerCreateRequest as Request;
use prism::{Connector, CustomerClient, Environment, ErrorKind, Shift4Config};
use prism_sandbox::Sandbox;
use prism_testkit::fixtures::body_json;
use prism_testkit::json::{assert_same_keys, assert_subset};
use prism_testkit::sandbox::*;
use serde_json::{json, Value};

const C: Connector = Connector::Shift4;
const JSON_UTF8: &str = "application/json;charset=UTF-8";

fn key() -> &'static str {
    credential(C, "PRISM_SHIFT4_SECRET_KEY")
}

/// A JSON create with the secret key as Basic user and, if given, an idempotency key.
fn create(sb: &Sandbox, idem: Option<&str>, body: &Value) -> reqwest::RequestBuilder {
    let req = post(sb, C, "/customers").basic_auth(key(), Some(""));
    header_if(req.json(body), "Idempotency-Key", idem)
}

/// Status and `error` object of an answer, which must carry Shift4's content type.
async fn error_of(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = respond(req).await;
    assert_eq!(resp.headers()["content-type"], JSON_UTF8);
    let status = resp.status().as_u16();
    (status, resp.json::<Value>().await.unwrap()["error"].clone())
}

fn names(r: &reqwest::Response) -> Vec<&str> {
    let names = r.headers().keys().map(|k| k.as_str());
    names.filter(|n| *n != "date").collect()
}

fn invalid(message: &str) -> Value {
    json!({"type": "invalid_request", "message": message})
}

#[tokio::test]
async fn the_client_request_is_stored_in_shift4s_shape() {
    let sb = Sandbox::start().await.unwrap();
    let req = Request::new("cust_user_12345").email("john.doe@example.com");
    let req = req.description("Premium plan subscriber");
    let req = req.metadata("plan", "premium");
    let resp = client(&sb, C).create(req).await.unwrap();
    let id = &resp.connector_customer_id;
    assert!(id.starts_with("cust_") && id.len() == 29, "{id}");
    let meta = json!({"plan": "premium", "merchant_customer_id": "cust_user_12345"});
    let want = json!({"objectType": "customer", "description": "Premium plan subscriber"});
    assert_subset(&sb.customers(C)[0].body, &want);
    assert_eq!(sb.customers(C)[0].body["metadata"], meta);
    // A reserved metadata key and a missing email are refused before sending.
    let reserved = Request::new("r3").email("a@example.com");
    let reserved = reserved.metadata("merchant_customer_id", "x");
    for req in [reserved, Request::new("r4")] {
        let err = client(&sb, C).create(req).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    }
    assert_eq!(sb.requests_seen(C), 1, "nothing more was sent");
}

#[tokio::test]
async fn one_key_is_enough_and_live_keys_are_refused_in_sandbox() {
    assert!(CustomerClient::new(C, key(), Environment::Sandbox).is_ok());
    let live = CustomerClient::new(C, "sk_live_x", Environment::Sandbox).unwrap_err();
    assert_eq!(live.kind(), ErrorKind::Configuration);
    let sb = Sandbox::start().await.unwrap();
    let typed = CustomerClient::builder().connector_config(Shift4Config::new(key()).into());
    let typed = typed.base_url(sb.base_url(C)).build().unwrap();
    let req = Request::new("r-typed").email("t@example.com");
    typed.create(req).await.unwrap();
    assert_eq!(sb.count_by_reference(C, "r-typed"), 1);
}

#[tokio::test]
async fn the_reply_has_the_documented_shape() {
    let sb = Sandbox::start().await.unwrap();
    let sent = json!({"email": "a@example.com", "metadata": {"k": "v"}});
    let resp = respond(create(&sb, None, &sent)).await;
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["content-type"], JSON_UTF8);
    assert!(!resp.headers().contains_key("request-id"));
    let body: Value = resp.json().await.unwrap();
    // The captured customer object, without the description that was not sent.
    let mut documented = body_json("shift4", "created");
    documented.as_object_mut().unwrap().remove("description");
    assert_same_keys(&body, &documented);
    assert_eq!(body["cards"], json!([]));
    assert!(body["created"].as_u64().unwrap() > 1_700_000_000);
    // Form encoding is accepted as well.
    let form = "email=f%40example.com&metadata[merchant_customer_id]=r-form";
    let form = post(&sb, C, "/customers")
        .basic_auth(key(), Some(""))
        .body(form);
    let form = form.header("Content-Type", "application/x-www-form-urlencoded");
    assert_eq!(reply(form).await.0, 200);
    assert_eq!(sb.count_by_reference(C, "r-form"), 1);
}

#[tokio::test]
async fn wrong_missing_or_bearer_keys_and_unknown_urls_in_shift4s_shape() {
    let sb = Sandbox::start().await.unwrap();
    let body = json!({"email": "a@example.com"});
    let url = || post(&sb, C, "/customers");
    let want = (401, invalid("Provided API key is invalid"));
    let other = url().basic_auth("other", Some(""));
    let bearer = url().bearer_auth(key());
    for req in [other, url(), bearer] {
        assert_eq!(error_of(req.json(&body)).await, want);
    }
    assert!(sb.customers(C).is_empty());
    let (status, e) = error_of(get(&sb, C, "/nothing")).await;
    assert_eq!((status, &e["type"]), (404, &json!("invalid_request")));
}

#[tokio::test]
async fn email_rules_and_undocumented_fields_in_shift4s_shape() {
    let sb = Sandbox::start().await.unwrap();
    let (empty, malformed) = ("Must not be empty.", "Must be a well-formed email address.");
    let no_email = json!({"description": "x"});
    let (blank, bad) = (json!({"email": ""}), json!({"email": "x"}));
    for (body, message) in [(no_email, empty), (blank, empty), (bad, malformed)] {
        let message = format!("email: {message}");
        let got = error_of(create(&sb, Some("k-email"), &body)).await;
        assert_eq!(got, (400, invalid(&message)), "{body}");
    }
    // Undocumented fields are refused, so the tests prove Prism never sends them.
    let named = json!({"email": "a@b.co", "name": "X"});
    let (status, e) = error_of(create(&sb, None, &named)).await;
    assert!(status == 400 && e["message"].as_str().unwrap().starts_with("name: "));
    assert!(sb.customers(C).is_empty());
    // Validation failures are not stored under the key: it now works with good parameters.
    let good = json!({"email": "ok@example.com"});
    assert_eq!(reply(create(&sb, Some("k-email"), &good)).await.0, 200);
}

#[tokio::test]
async fn idempotency_replay_and_mismatch_on_the_wire() {
    let sb = Sandbox::start().await.unwrap();
    let meta = json!({"x": "1", "merchant_customer_id": "r"});
    let sent = json!({"email": "a@example.com", "metadata": meta});
    let first = respond(create(&sb, Some("k-same"), &sent)).await;
    let first_names: Vec<String> = names(&first).into_iter().map(str::to_owned).collect();
    let first_body = first.bytes().await.unwrap();
    // The same parameters (another key order): the same stored answer, with no replay marker.
    let meta = json!({"merchant_customer_id": "r", "x": "1"});
    let reordered = json!({"metadata": meta, "email": "a@example.com"});
    let again = respond(create(&sb, Some("k-same"), &reordered)).await;
    assert_eq!(names(&again), first_names, "no replay header");
    assert_eq!(again.bytes().await.unwrap(), first_body);
    let other = json!({"email": "b@example.com"});
    let want = invalid("Idempotent key used for request with different parameters.");
    let got = error_of(create(&sb, Some("k-same"), &other)).await;
    assert_eq!(got, (400, want));
    // Without a key nothing is unique: two creates, two customers.
    for _ in 0..2 {
        assert_eq!(reply(create(&sb, None, &sent)).await.0, 200);
    }
    assert_eq!(sb.count_by_reference(C, "r"), 3);
}
