//! The Mollie emulator's own wire (what every connector shares: prism-conformance's behaviour suite).
#![allow(clippy::unwrap_used)]

use prism::CustomerCreateRequest as Request;
use prism::{Connector, CustomerClient, Environment, ErrorKind, UnsupportedFields};
use prism_sandbox::Sandbox;
use prism_testkit::fixtures::body_json;
use prism_testkit::json::assert_same_keys;
use prism_testkit::sandbox::*;
use serde_json::{json, Value};

const C: Connector = Connector::Mollie;
const HAL: &str = "application/hal+json";

fn key() -> &'static str {
    credential(C, "PRISM_MOLLIE_API_KEY")
}

/// A JSON create with the API key as Bearer token and, if given, an idempotency key.
fn create(sb: &Sandbox, idem: Option<&str>, body: &Value) -> reqwest::RequestBuilder {
    let req = post(sb, C, "/v2/customers").bearer_auth(key());
    header_if(req.json(body), "Idempotency-Key", idem)
}

/// Status and body of a problem answer, which must carry Mollie's content type.
async fn problem(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = respond(req).await;
    assert_eq!(resp.headers()["content-type"], HAL);
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test]
async fn the_client_request_is_stored_in_mollies_shape() {
    let sb = Sandbox::start().await.unwrap();
    let req = Request::new("cust_user_12345").email("john.doe@example.com");
    let req = req
        .name("John Doe")
        .phone("+1 555 123 4567")
        .metadata("plan", "premium");
    let c = builder(&sb, C)
        .unsupported_fields(UnsupportedFields::Ignore)
        .build()
        .unwrap();
    let resp = c.create(req).await.unwrap();
    assert_eq!(resp.diagnostics.unstored_fields, ["phone"]);
    let id = &resp.connector_customer_id;
    assert!(id.starts_with("cst_") && id.len() == 14, "{id}");
    let body = &sb.customers(C)[0].body;
    let meta = json!({"merchant_customer_id": "cust_user_12345", "plan": "premium"});
    assert_eq!((&body["metadata"], &body["mode"]), (&meta, &json!("test")));
    assert_eq!(body["name"], "John Doe");
    // Mollie's own limits are refused before sending: 1 kB of metadata, ASCII email.
    let big = Request::new("r2")
        .metadata("k", "x".repeat(500))
        .metadata("l", "y".repeat(500));
    let umlaut = Request::new("r3").email("jan@müller.de");
    for req in [big, umlaut] {
        let err = client(&sb, C).create(req).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    }
    assert_eq!(sb.requests_seen(C), 1, "nothing more was sent");
}

#[tokio::test]
async fn the_key_must_match_the_environment() {
    assert!(CustomerClient::new(C, key(), Environment::Sandbox).is_ok());
    let live = format!("live_{}", "a".repeat(30));
    for (k, env) in [
        (key(), Environment::Production),
        (live.as_str(), Environment::Sandbox),
    ] {
        let e = CustomerClient::new(C, k, env).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Configuration);
        assert!(!e.to_string().contains(&k[5..]), "{e}");
    }
}

#[tokio::test]
async fn the_reply_has_the_documented_shape() {
    let sb = Sandbox::start().await.unwrap();
    let sent = json!({"name": "J", "email": "a@example.com", "metadata": {"k": "v"}});
    let resp = respond(create(&sb, None, &sent)).await;
    assert_eq!(resp.status().as_u16(), 201);
    assert_headers(
        &resp,
        &[("content-type", "application/hal+json; charset=utf-8")],
    );
    assert!(!resp.headers().contains_key("idempotent-replayed"));
    let body: Value = resp.json().await.unwrap();
    assert_same_keys(&body, &body_json("mollie", "created"));
    let id = body["id"].as_str().unwrap();
    // The customer by id, then in the list (newest first), then an unknown id.
    let (status, one) = reply(get(&sb, C, &format!("/v2/customers/{id}")).bearer_auth(key())).await;
    assert_eq!((status, &one), (200, &body));
    let second = respond(create(&sb, None, &json!({}))).await;
    assert_eq!(second.status().as_u16(), 201);
    let (status, list) = reply(get(&sb, C, "/v2/customers?limit=1").bearer_auth(key())).await;
    assert_eq!((status, &list["count"]), (200, &json!(1)));
    assert_ne!(list["_embedded"]["customers"][0]["id"], body["id"]);
    assert!(list["_links"]["next"]["href"]
        .as_str()
        .unwrap()
        .contains(id));
    let (status, e) = problem(get(&sb, C, "/v2/customers/cst_nope").bearer_auth(key())).await;
    assert_eq!(
        (status, &e["detail"]),
        (404, &json!("No customer exists with token cst_nope."))
    );
}

#[tokio::test]
async fn wrong_keys_media_types_and_urls_in_mollies_shape() {
    let sb = Sandbox::start().await.unwrap();
    let body = json!({"email": "a@example.com"});
    let url = || post(&sb, C, "/v2/customers");
    let documented = body_json("mollie", "auth_failed");
    let other = url().bearer_auth(wrong_value(key()));
    let basic = url().basic_auth(key(), Some(""));
    for req in [other, basic, url()] {
        assert_eq!(problem(req.json(&body)).await, (401, documented.clone()));
    }
    let form = url().bearer_auth(key()).form(&[("email", "a@example.com")]);
    assert_eq!(problem(form).await.0, 415);
    let (status, e) = problem(get(&sb, C, "/v1/customers")).await;
    assert_eq!((status, &e["title"]), (404, &json!("Not Found")));
    assert!(sb.customers(C).is_empty());
}

#[tokio::test]
async fn idempotency_replay_mismatch_and_validation_on_the_wire() {
    let sb = Sandbox::start().await.unwrap();
    // A refused create is not stored under its key: the key then works with good parameters.
    let (status, e) = problem(create(&sb, Some("k1"), &json!({"phone": "1"}))).await;
    assert_eq!(
        (status, &e["detail"]),
        (
            422,
            &json!("Non-existent body parameter \"phone\" for this API call.")
        )
    );
    let sent =
        json!({"email": "a@example.com", "metadata": {"merchant_customer_id": "r", "x": "1"}});
    let first = respond(create(&sb, Some("k1"), &sent)).await;
    assert_eq!(first.status().as_u16(), 201);
    let first_body = first.bytes().await.unwrap();
    // The same JSON (another member order): the stored reply, marked as a replay.
    let reordered =
        json!({"metadata": {"x": "1", "merchant_customer_id": "r"}, "email": "a@example.com"});
    let again = respond(create(&sb, Some("k1"), &reordered)).await;
    assert_headers(&again, &[("idempotent-replayed", "true")]);
    assert_eq!(
        (again.status().as_u16(), again.bytes().await.unwrap()),
        (201, first_body)
    );
    let other = json!({"email": "b@example.com"});
    let got = problem(create(&sb, Some("k1"), &other)).await;
    assert_eq!(got, (400, body_json("mollie", "idempotency_mismatch")));
    // Without a key nothing is unique: two more creates, two more customers.
    for _ in 0..2 {
        assert_eq!(reply(create(&sb, None, &sent)).await.0, 201);
    }
    assert_eq!(sb.count_by_reference(C, "r"), 3);
}
