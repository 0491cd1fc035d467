//! What is particular to the Stax emulator's wire. The behaviour every connector shares (auth
//! failure, duplicates, faults, registry, …) is prism-conformance's behaviour suite; that Prism
//! never sends a body without name or email is the connector's unit tests'.
#![allow(clippy::unwrap_used)]

use prism::Connector;
use prism_sandbox::Sandbox;
use prism_testkit::fixtures::body_json;
use prism_testkit::json::{assert_subset, digit_shape, pluck, sorted_keys};
use prism_testkit::requests::{example_address, product_request};
use prism_testkit::sandbox::{client, credential, get, post, raw, reply, reqwest, stored_ids};
use serde_json::{json, Value};

const C: Connector = Connector::Stax;

fn key() -> &'static str {
    credential(C, "PRISM_STAX_API_KEY")
}

fn create(sb: &Sandbox, body: &Value) -> reqwest::RequestBuilder {
    post(sb, C, "/customer").bearer_auth(key()).json(body)
}

fn is_uuid_v4(id: &str) -> bool {
    let lens: Vec<usize> = id.split('-').map(str::len).collect();
    let hex = id
        .chars()
        .all(|c| c == '-' || matches!(c, '0'..='9' | 'a'..='f'));
    lens == [8, 4, 4, 4, 12] && id.as_bytes()[14] == b'4' && hex
}

#[tokio::test]
async fn the_client_request_is_stored_in_staxs_shape() {
    let sb = Sandbox::start().await.unwrap();
    let req = product_request("cust_user_12345").address(example_address());
    let resp = client(&sb, C).create(req).await.unwrap();
    assert!(is_uuid_v4(&resp.connector_customer_id), "{resp:?}");
    assert_eq!(resp.status_code, 200);
    let want = json!({"firstname": "John", "lastname": "Doe", "phone": "15551234567",
        "notes": "Premium plan subscriber", "address_1": "1 Main St", "address_2": null,
        "address_state": "IL", "address_country": "USA", "reference": "cust_user_12345",
        "company": null, "has_address": true});
    assert_subset(&sb.customers(C)[0].body, &want);
}

#[tokio::test]
async fn the_reply_has_the_documented_shape() {
    let sb = Sandbox::start().await.unwrap();
    let sent = json!({"firstname": " Jane ", "email": "Jane@Example.com", "address_2": ""});
    let (status, body) = reply(create(&sb, &sent)).await;
    assert_eq!(status, 200);
    assert_eq!(
        sorted_keys(&body),
        sorted_keys(&body_json("stax", "created"))
    );
    assert!(is_uuid_v4(body["id"].as_str().unwrap()));
    // Trimmed like Laravel's TrimStrings, "" becomes null; md5("jane@example.com").
    let want = json!({"firstname": "Jane", "address_2": null, "has_address": false,
        "gravatar": "//www.gravatar.com/avatar/9e26471d35a78862c17e467d87cddedf"});
    assert_subset(&body, &want);
    assert_eq!(body["created_at"], body["updated_at"]);
    let at = body["created_at"].as_str().unwrap();
    assert_eq!(digit_shape(at), "9999-99-99 99:99:99");
    let (_, body) = reply(create(&sb, &json!({"company": "ACME"}))).await;
    assert_eq!(body["gravatar"], false);
}

#[tokio::test]
async fn auth_failures_are_the_documented_401_and_only_bearer_counts() {
    let sb = Sandbox::start().await.unwrap();
    let body = json!({"email": "a@example.com"});
    let documented = (401, body_json("stax", "auth_failed"));
    let none = post(&sb, C, "/customer");
    assert_eq!(reply(none.json(&body)).await, documented);
    let wrong = post(&sb, C, "/customer").bearer_auth("not_the_key");
    assert_eq!(reply(wrong.json(&body)).await, documented);
    let basic = post(&sb, C, "/customer").basic_auth(key(), Some(""));
    assert_eq!(reply(basic.json(&body)).await.0, 401, "only Bearer");
}

#[tokio::test]
async fn missing_identity_is_the_documented_422() {
    let sb = Sandbox::start().await.unwrap();
    let sent = json!({"reference": "r1", "phone": "5551234567"});
    let documented = (422, body_json("stax", "missing_identity"));
    assert_eq!(reply(create(&sb, &sent)).await, documented);
    // Not JSON and not a form: Laravel sees an empty input.
    let text = post(&sb, C, "/customer").bearer_auth(key());
    let text = text.header("Content-Type", "text/plain");
    assert_eq!(reply(text.body("firstname=John")).await.0, 422);
}

#[tokio::test]
async fn invalid_data_is_a_laravel_422() {
    let sb = Sandbox::start().await.unwrap();
    let sent = json!({"email": "john.doe@"});
    let documented = body_json("stax", "invalid_email");
    assert_eq!(reply(create(&sb, &sent)).await, (422, documented));
    let sent = json!({"firstname": "J", "phone": "555-123-4567", "address_state": "Illinois",
        "address_country": "USAA", "reference": "r".repeat(256)});
    let want = json!({"phone": ["The phone format is invalid."],
        "address_state": ["The address state must not be greater than 2 characters."],
        "address_country": ["The address country must not be greater than 3 characters."],
        "reference": ["The reference must not be greater than 255 characters."]});
    assert_eq!(reply(create(&sb, &sent)).await, (422, want));
    assert!(sb.customers(C).is_empty());
}

#[tokio::test]
async fn idempotency_hints_are_ignored_and_the_list_filters_by_reference() {
    let sb = Sandbox::start().await.unwrap();
    let sent = json!({"email": "x@example.com", "reference": "k", "idempotency_id": "same"});
    for _ in 0..2 {
        let req = create(&sb, &sent).header("Idempotency-Key", "same");
        assert_eq!(reply(req).await.0, 200);
    }
    assert_eq!(sb.count_by_reference(C, "k"), 2);
    let other = json!({"email": "y@example.com", "reference": "kk"});
    reply(create(&sb, &other)).await;
    let (_, list) = reply(get(&sb, C, "/customer?reference=k").bearer_auth(key())).await;
    let ids = stored_ids(&sb, C);
    assert_eq!(list["total"], 2, "exact match");
    assert_eq!(
        pluck(&list["data"], "id"),
        json!([ids[0], ids[1]]),
        "oldest first"
    );
    assert_eq!(reply(get(&sb, C, "/customer?reference=k")).await.0, 401);
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let sb = Sandbox::start().await.unwrap();
    let want = json!({"message": "The route customers could not be found."});
    assert_eq!(reply(get(&sb, C, "/customers")).await, (404, want));
    let put = raw(&sb, C, reqwest::Method::PUT, "/customer");
    assert_eq!(reply(put).await.0, 405);
}
