//! The Square emulator's own wire: idempotency as Square documents it, the search and its lag,
//! and the client's request stored in Square's shape (what every connector shares is
//! prism-conformance's behaviour suite).
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use prism::CustomerCreateRequest as Request;
use prism::{CallOptions, Connector, ErrorKind, Reconciliation};
use prism_sandbox::Sandbox;
use prism_testkit::fixtures::body_json;
use prism_testkit::json::assert_same_keys;
use prism_testkit::sandbox::*;
use serde_json::{json, Value};

const C: Connector = Connector::Square;

fn token() -> &'static str {
    credential(C, "PRISM_SQUARE_ACCESS_TOKEN")
}

fn create(sb: &Sandbox, body: &Value) -> reqwest::RequestBuilder {
    let req = post(sb, C, "/v2/customers").bearer_auth(token());
    req.header("Square-Version", "2025-08-20").json(body)
}

fn search(sb: &Sandbox, reference: &str) -> reqwest::RequestBuilder {
    let body = json!({"query": {"filter": {"reference_id": {"exact": reference}}}});
    post(sb, C, "/v2/customers/search")
        .bearer_auth(token())
        .json(&body)
}

#[tokio::test]
async fn the_client_request_is_stored_in_squares_shape() {
    let sb = Sandbox::start().await.unwrap();
    let req = Request::new("cust_user_12345").email("john.doe@example.com");
    let req = req.name("John Doe").phone("+1-555-123-4567");
    let req = req.description("Premium plan subscriber");
    let req = req.address(prism_testkit::requests::example_address());
    let resp = client(&sb, C).create(req).await.unwrap();
    let id = &resp.connector_customer_id;
    assert!(
        id.len() == 26
            && id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    );
    assert!(resp
        .diagnostics
        .request_id
        .as_deref()
        .is_some_and(|r| r.starts_with("CDN-")));
    let stored = &sb.customers(C)[0].body;
    // The documented reply's keys, no more, no fewer.
    assert_same_keys(stored, &body_json("square", "created")["customer"]);
    assert_eq!(
        (
            stored["given_name"].as_str(),
            stored["family_name"].as_str()
        ),
        (Some("John"), Some("Doe"))
    );
    // Square's own rules are checked before sending: nothing more reaches the emulator.
    for bad in [Request::new("r2"), Request::new("r3").phone("+1 555 0100")] {
        let e = client(&sb, C).create(bad).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    }
    let long_key = CallOptions {
        idempotency_key: Some("k".repeat(46)),
        ..CallOptions::default()
    };
    let e = client(&sb, C)
        .create_with(Request::new("r4").email("a@example.com"), long_key)
        .await;
    assert_eq!(e.unwrap_err().kind(), ErrorKind::InvalidRequest);
    assert_eq!(sb.requests_seen(C), 1, "nothing more was sent");
}

#[tokio::test]
async fn idempotency_as_square_documents_it() {
    let sb = Sandbox::start().await.unwrap();
    let body = json!({"idempotency_key": "k-1", "given_name": "Amelia", "reference_id": "r1"});
    let (status, first) = reply(create(&sb, &body)).await;
    assert_eq!(status, 200);
    // Same key, same body: the same customer, unmarked; nothing new stored.
    let (status, again) = reply(create(&sb, &body)).await;
    assert_eq!((status, &again), (200, &first));
    assert_eq!(sb.customers(C).len(), 1);
    // Same key, other body: IDEMPOTENCY_KEY_REUSED.
    let other = json!({"idempotency_key": "k-1", "given_name": "Jane", "reference_id": "r1"});
    let (status, e) = reply(create(&sb, &other)).await;
    assert_eq!(status, 400);
    assert_eq!(e["errors"][0]["code"], "IDEMPOTENCY_KEY_REUSED");
    // No key, or another key: a second customer with the same reference_id (not unique).
    for key in [None, Some("k-2")] {
        let mut b = body.clone();
        match key {
            Some(k) => b["idempotency_key"] = json!(k),
            None => drop(b.as_object_mut().unwrap().remove("idempotency_key")),
        }
        assert_eq!(reply(create(&sb, &b)).await.0, 200);
    }
    assert_eq!(sb.count_by_reference(C, "r1"), 3);
    // A refused request does not use up its key.
    let bad = json!({"idempotency_key": "k-3", "reference_id": "r2"});
    let (status, e) = reply(create(&sb, &bad)).await;
    assert_eq!(
        (status, e["errors"][0]["code"].as_str()),
        (400, Some("MISSING_REQUIRED_PARAMETER"))
    );
    let good =
        json!({"idempotency_key": "k-3", "email_address": "a@example.com", "reference_id": "r2"});
    assert_eq!(reply(create(&sb, &good)).await.0, 200);
}

#[tokio::test]
async fn refusals_have_squares_shape() {
    let sb = Sandbox::start().await.unwrap();
    let unauthorized = post(&sb, C, "/v2/customers")
        .bearer_auth("EAAAwrong")
        .json(&json!({}));
    let (status, e) = reply(unauthorized).await;
    assert_eq!(status, 401);
    assert_eq!(e, body_json("square", "auth_failed"));
    let bad = json!({"email_address": "john.doe@", "reference_id": "r", "metadata": {"a": "b"}});
    let (status, e) = reply(create(&sb, &bad)).await;
    assert_eq!(status, 400);
    assert_eq!(e["errors"][0]["field"], "metadata");
    assert_eq!(e["errors"][0]["code"], "UNKNOWN_BODY_PARAMETER");
    let bad = json!({"email_address": "john.doe@", "reference_id": "r"});
    let (_, e) = reply(create(&sb, &bad)).await;
    assert_eq!(e, body_json("square", "invalid_email"));
    let version = post(&sb, C, "/v2/customers").bearer_auth(token());
    let version = version.header("Square-Version", "latest").json(&json!({}));
    let (status, e) = reply(version).await;
    assert_eq!(
        (status, e["errors"][0]["code"].as_str()),
        (400, Some("INVALID_SQUARE_VERSION_FORMAT"))
    );
    assert!(sb.customers(C).is_empty());
}

#[tokio::test]
async fn search_is_eventually_consistent() {
    let sb = Sandbox::start().await.unwrap();
    let (status, empty) = reply(search(&sb, "r1")).await;
    assert_eq!((status, empty), (200, json!({})));
    sb.set_search_lag(Duration::from_secs(60));
    let body = json!({"email_address": "a@example.com", "reference_id": "r1"});
    assert_eq!(reply(create(&sb, &body)).await.0, 200);
    assert_eq!(
        reply(search(&sb, "r1")).await.1,
        json!({}),
        "not yet searchable"
    );
    // Prism cannot tell "not yet" from "never": the outcome stays open.
    let r = client(&sb, C).reconcile("r1").await.unwrap();
    assert_eq!(r, Reconciliation::NotFound { definite: false });
    sb.set_search_lag(Duration::ZERO);
    let (_, found) = reply(search(&sb, "r1")).await;
    assert_eq!(
        found["customers"][0]["id"].as_str(),
        Some(sb.customers(C)[0].id.as_str())
    );
    assert_eq!(reply(search(&sb, "R1")).await.1, json!({}));
    let fuzzy = json!({"query": {"filter": {"email_address": {"fuzzy": "a"}}}});
    let req = post(&sb, C, "/v2/customers/search")
        .bearer_auth(token())
        .json(&fuzzy);
    assert_eq!(reply(req).await.0, 400);
}
