//! The Xendit emulator's own wire (what every connector shares: prism-conformance's behaviour
//! suite; the request mapping: the conformance snapshots): Basic auth with an empty password,
//! the pinned `api-version`, `idempotency-key` replays and conflicts, the native
//! `reference_id` uniqueness and the lookup by reference.
#![allow(clippy::unwrap_used)]

use prism::Connector;
use prism_sandbox::Sandbox;
use prism_testkit::fixtures::body_json;
use prism_testkit::json::{assert_same_keys, digit_shape};
use prism_testkit::sandbox::*;
use serde_json::{json, Value};

const C: Connector = Connector::Xendit;

/// A raw create with `key` as the Basic user (empty password), `api-version` pinned.
fn create(sb: &Sandbox, key: Option<&str>, body: &Value) -> reqwest::RequestBuilder {
    let req = post(sb, C, "/customers").header("api-version", "2020-10-31");
    let req = req.json(body);
    match key {
        Some(k) => req.basic_auth(k, Some("")),
        None => req,
    }
}

fn me() -> Option<&'static str> {
    Some(credential(C, "PRISM_XENDIT_SECRET_KEY"))
}

fn customer(reference: &str) -> Value {
    json!({"reference_id": reference, "type": "INDIVIDUAL",
        "individual_detail": {"given_names": "John", "surname": "Doe"}, "email": "john.doe@example.com"})
}

#[tokio::test]
async fn the_reply_has_the_documented_shape() {
    let sb = Sandbox::start().await.unwrap();
    let mut sent = customer("shape_1");
    sent["addresses"] = json!([{"country": "US", "street_line1": "1 Main St", "is_primary": true}]);
    let (status, body) = reply(create(&sb, me(), &sent)).await;
    assert_eq!(status, 200, "{body}");
    let documented = body_json("xendit", "created");
    for part in ["", "/individual_detail", "/addresses/0"] {
        assert_same_keys(
            body.pointer(part).unwrap(),
            documented.pointer(part).unwrap(),
        );
    }
    let id = body["id"].as_str().unwrap();
    assert_eq!(digit_shape(id).len(), 41, "{id}");
    assert!(id.starts_with("cust-"), "{id}");
    assert_eq!(
        digit_shape(body["created"].as_str().unwrap()),
        "9999-99-99T99:99:99.999Z"
    );
    assert_eq!(body["phone_number"], Value::Null);
}

#[tokio::test]
async fn auth_and_version() {
    let sb = Sandbox::start().await.unwrap();
    let body = customer("auth_1");
    let code = |v: &Value| v["error_code"].as_str().unwrap_or_default().to_owned();
    let (status, v) = reply(create(&sb, None, &body)).await;
    assert_eq!((status, code(&v)), (401, "INVALID_API_KEY".into()));
    assert!(v["message"]
        .as_str()
        .unwrap()
        .starts_with("No API Key detected"));
    let with_password = create(&sb, None, &body).basic_auth(me().unwrap(), Some("pw"));
    assert_eq!(reply(with_password).await.0, 401);
    let public = create(&sb, Some("xnd_public_development_x"), &body);
    assert_eq!(reply(public).await.0, 401);
    let (status, v) = reply(create(
        &sb,
        Some("xnd_development_prism_no_customers"),
        &body,
    ))
    .await;
    assert_eq!((status, code(&v)), (403, "REQUEST_FORBIDDEN_ERROR".into()));
    let old = post(&sb, C, "/customers").header("api-version", "2020-05-19");
    let old = old.json(&body).basic_auth(me().unwrap(), Some(""));
    let (status, v) = reply(old).await;
    assert_eq!((status, code(&v)), (400, "API_VALIDATION_ERROR".into()));
    assert!(stored_ids(&sb, C).is_empty());
}

#[tokio::test]
async fn idempotency_duplicates_and_lookup() {
    let sb = Sandbox::start().await.unwrap();
    let keyed = |body: &Value, key: &str| create(&sb, me(), body).header("idempotency-key", key);
    let first = customer("dup_1");
    let (status, a) = reply(keyed(&first, "k1")).await;
    assert_eq!(status, 200);
    // Same key, same body: the stored reply again; other body: refused; no key: the native rule.
    assert_eq!(reply(keyed(&first, "k1")).await, (200, a.clone()));
    let mut other = first.clone();
    other["email"] = json!("jane.roe@example.com");
    let (status, v) = reply(keyed(&other, "k1")).await;
    assert_eq!(
        (status, v["error_code"].as_str()),
        (400, Some("IDEMPOTENCY_ERROR"))
    );
    let (status, v) = reply(create(&sb, me(), &other)).await;
    let dup = v["error_code"].as_str();
    assert_eq!((status, dup), (400, Some("DUPLICATE_END_CUSTOMER_ERROR")));
    assert_eq!(reply(keyed(&first, &"k".repeat(101))).await.0, 400);
    assert_eq!(stored_ids(&sb, C).len(), 1);
    // The lookup and the fetch by id.
    let lookup =
        |q: &str| get(&sb, C, &format!("/customers{q}")).basic_auth(me().unwrap(), Some(""));
    let (status, found) = reply(lookup("?reference_id=dup_1")).await;
    assert_eq!((status, &found["data"][0]["id"]), (200, &a["id"]));
    let (_, none) = reply(lookup("?reference_id=dup_2")).await;
    assert_eq!(none, json!({"data": [], "has_more": false}));
    assert_eq!(reply(lookup("")).await.0, 400);
    let by_id = format!("/{}", a["id"].as_str().unwrap());
    assert_eq!(reply(lookup(&by_id)).await, (200, a));
    assert_eq!(reply(lookup("/cust-nope")).await.0, 404);
}
