//! The Airwallex emulator's own wire (what every connector shares: prism-conformance's behaviour
//! suite, token step and lookup included).
#![allow(clippy::unwrap_used)]

use prism::Connector;
use prism_sandbox::Sandbox;
use prism_testkit::json::{assert_subset, digit_shape};
use prism_testkit::requests::request_with_address;
use prism_testkit::sandbox::*;
use serde_json::{json, Value};

const C: Connector = Connector::Airwallex;
const LOGIN: &str = "/api/v1/authentication/login";
const CREATE: &str = "/api/v1/pa/customers/create";

/// A login with the sandbox's client id and `api_key` (`None`: the header left out).
fn login(sb: &Sandbox, api_key: Option<&str>) -> reqwest::RequestBuilder {
    let client_id = credential(C, "PRISM_AIRWALLEX_CLIENT_ID");
    let req = post(sb, C, LOGIN).header("x-client-id", client_id);
    header_if(req, "x-api-key", api_key)
}

async fn token(sb: &Sandbox) -> String {
    let (status, v) = reply(login(sb, Some(credential(C, "PRISM_AIRWALLEX_API_KEY")))).await;
    assert_eq!(status, 201);
    v["token"].as_str().unwrap().to_owned()
}

fn create(sb: &Sandbox, token: Option<&str>, body: &Value) -> reqwest::RequestBuilder {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let req = post(sb, C, CREATE).json(body);
    header_if(req, "Authorization", bearer.as_deref())
}

#[tokio::test]
async fn the_client_request_is_stored_in_airwallexs_shape() {
    let sb = Sandbox::start().await.unwrap();
    let req = request_with_address("cust_user_12345");
    let resp = client(&sb, C).create(req).await.unwrap();
    let id = &resp.connector_customer_id;
    let lower_alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    assert!(id.starts_with("cus_") && id.len() == 21, "{id}");
    assert!(id[4..].bytes().all(lower_alnum), "{id}");
    assert_eq!(resp.status_code, 201);
    let address = json!({"street": "1 Main St", "city": "Springfield", "state": "IL",
        "postcode": "62701", "country_code": "US"});
    let want = json!({"id": id, "merchant_customer_id": "cust_user_12345", "first_name": "John",
        "last_name": "Doe", "email": "john.doe@example.com", "phone_number": "+1-555-123-4567",
        "metadata": {"plan": "premium"}, "address": address});
    let stored = &sb.customers(C)[0].body;
    assert_subset(stored, &want);
    assert!(stored["request_id"].as_str().unwrap().starts_with("prism_"));
}

#[tokio::test]
async fn login_answers_as_documented() {
    let sb = Sandbox::start().await.unwrap();
    let (status, v) = reply(login(&sb, Some(credential(C, "PRISM_AIRWALLEX_API_KEY")))).await;
    assert_eq!(status, 201);
    assert!(v["token"].as_str().unwrap().starts_with("eyJ"));
    let expires = digit_shape(v["expires_at"].as_str().unwrap());
    assert_eq!(expires, "9999-99-99T99:99:99+9999");
    let (status, v) = reply(login(&sb, Some("wrong"))).await;
    assert_eq!((status, &v["code"]), (401, &json!("credentials_invalid")));
    let (status, v) = reply(login(&sb, None)).await;
    let want = json!({"code": "validation_error", "source": "x-api-key"});
    assert_eq!(status, 400);
    assert_subset(&v, &want);
}

#[tokio::test]
async fn a_create_needs_a_token_this_sandbox_issued() {
    let sb = Sandbox::start().await.unwrap();
    let body = json!({"request_id": "r1", "merchant_customer_id": "m1"});
    let want = json!({"code": "unauthorized", "message": "Access denied, authentication failed"});
    for token in [None, Some("not-a-token")] {
        let (status, v) = reply(create(&sb, token, &body)).await;
        assert_eq!(status, 401);
        assert_subset(&v, &want);
    }
    assert!(sb.customers(C).is_empty());
}

#[tokio::test]
async fn validation_errors_name_the_field() {
    let sb = Sandbox::start().await.unwrap();
    let token = token(&sb).await;
    let base = json!({"request_id": "r1", "merchant_customer_id": "m1"});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let without = |k: &str| {
        let mut b = base.clone();
        b.as_object_mut().unwrap().remove(k);
        b
    };
    let (id, mid, long) = ("request_id", "merchant_customer_id", json!("m".repeat(65)));
    let address = |a: Value| with("address", a);
    let country = "address.country_code";
    let cases = [
        (without(id), id),
        (with(id, long.clone()), id),
        (without(mid), mid),
        (with(mid, json!("")), mid),
        (with(mid, long), mid),
        (with("email", json!(7)), "email"),
        (with("description", json!("x")), "description"),
        (with("metadata", json!({"a": 1})), "metadata.a"),
        (address(json!({"city": "x"})), country),
        (address(json!({"country_code": "usa"})), country),
        (
            address(json!({"country_code": "US", "line2": "x"})),
            "address.line2",
        ),
        (
            address(json!({"country_code": "US", "postcode": "12345678901"})),
            "address.postcode",
        ),
    ];
    for (body, source) in cases {
        let (status, v) = reply(create(&sb, Some(&token), &body)).await;
        assert_eq!(status, 400, "{source}");
        assert_subset(&v, &json!({"code": "validation_error", "source": source}));
        assert!(v["trace_id"].is_string());
    }
    for odd in ["", "null", "[]", "{", "<html>"] {
        let req = post(&sb, C, CREATE).bearer_auth(&token).body(odd);
        let (status, v) = reply(req).await;
        assert_eq!(
            (status, &v["code"]),
            (400, &json!("validation_error")),
            "{odd}"
        );
    }
    assert!(sb.customers(C).is_empty());
}

#[tokio::test]
async fn request_id_and_reference_reuse_on_the_wire() {
    let sb = Sandbox::start().await.unwrap();
    let token = Some(token(&sb).await);
    let send = |request_id: &str, reference: &str| {
        let body = json!({"request_id": request_id, "merchant_customer_id": reference});
        reply(create(&sb, token.as_deref(), &body))
    };
    let (status, v) = send("r1", "m1").await;
    assert_eq!(status, 201, "{v}");
    assert!(v["id"].as_str().unwrap().starts_with("cus_"));
    assert!(v["created_at"].as_str().unwrap().ends_with("+00:00"));
    assert!(v.get("email").is_none(), "a field not sent is left out");
    // The same request_id, even with another reference: duplicate_request.
    let (status, v) = send("r1", "m2").await;
    assert_eq!((status, &v["code"]), (400, &json!("duplicate_request")));
    // The same reference with a new request_id: resource_already_exists.
    let (status, v) = send("r2", "m1").await;
    assert_eq!(
        (status, &v["code"]),
        (400, &json!("resource_already_exists"))
    );
    // A rejected request does not use its request_id up.
    assert_eq!(send("r2", "m3").await.0, 201);
    assert_eq!(sb.customers(C).len(), 2);
}
