//! The Airwallex emulator, driven by the real `prism` client and by raw HTTP.
#![allow(clippy::unwrap_used)]

mod common;

use prism::{
    Address, AirwallexConfig, CallOptions, Connector, CustomerClient, CustomerClientBuilder,
    CustomerCreateRequest, ErrorKind,
};
use prism_sandbox::{Fault, Sandbox};
use serde_json::{json, Value};

const CLIENT_ID: &str = "prism_sandbox_client";
const API_KEY: &str = "prism_sandbox_api_key";
const AWX: Option<Connector> = Some(Connector::Airwallex);

fn builder(sb: &Sandbox, client_id: &str, api_key: &str) -> CustomerClientBuilder {
    CustomerClient::builder()
        .connector_config(AirwallexConfig::new(client_id, api_key).into())
        .base_url(sb.base_url(Connector::Airwallex))
        .retry_policy(common::fast_retry())
}

fn client(sb: &Sandbox) -> CustomerClient {
    builder(sb, CLIENT_ID, API_KEY).build().unwrap()
}

async fn login(sb: &Sandbox) -> String {
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/authentication/login",
            sb.base_url(Connector::Airwallex)
        ))
        .header("x-client-id", CLIENT_ID)
        .header("x-api-key", API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let v: Value = resp.json().await.unwrap();
    v["token"].as_str().unwrap().to_owned()
}

async fn raw_create(sb: &Sandbox, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/pa/customers/create",
            sb.base_url(Connector::Airwallex)
        ))
        .header("Content-Type", "application/json")
        .body(body.to_string());
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[test]
fn sandbox_lists_the_credentials_prism_reads() {
    let creds = Sandbox::credentials(Connector::Airwallex);
    assert_eq!(
        creds,
        &[
            ("PRISM_AIRWALLEX_CLIENT_ID", CLIENT_ID),
            ("PRISM_AIRWALLEX_API_KEY", API_KEY)
        ]
    );
}

#[tokio::test]
async fn create_through_prism_stores_the_customer() {
    let sb = Sandbox::start().await.unwrap();
    let resp = client(&sb)
        .create(
            CustomerCreateRequest::new("cust_user_12345")
                .email("john.doe@example.com")
                .name("John Doe")
                .phone("+1-555-123-4567")
                .metadata("plan", "premium")
                .address(common::example_address()),
        )
        .await
        .unwrap();
    let id = &resp.connector_customer_id;
    assert!(id.starts_with("cus_") && id.len() == 21, "{id}");
    assert_eq!(resp.merchant_customer_id, "cust_user_12345");
    assert_eq!(resp.status_code, 201);
    assert_eq!(resp.diagnostics.attempts, 1);
    assert!(!resp.diagnostics.replayed);

    let stored = sb.customers(Connector::Airwallex);
    assert_eq!(stored.len(), 1);
    let c = &stored[0].body;
    assert_eq!(c["id"], id.as_str());
    assert_eq!(c["merchant_customer_id"], "cust_user_12345");
    assert_eq!(
        (c["first_name"].as_str(), c["last_name"].as_str()),
        (Some("John"), Some("Doe"))
    );
    assert_eq!(c["email"], "john.doe@example.com");
    assert_eq!(c["phone_number"], "+1-555-123-4567");
    assert_eq!(c["metadata"], json!({"plan": "premium"}));
    assert_eq!(
        c["address"],
        json!({"street": "1 Main St", "city": "Springfield", "state": "IL", "postcode": "62701", "country_code": "US"})
    );
    assert!(c["request_id"].as_str().unwrap().starts_with("prism_"));
    // One login, one create.
    assert_eq!(sb.requests_seen(Connector::Airwallex), 2);
}

#[tokio::test]
async fn the_token_is_reused_across_calls() {
    let sb = Sandbox::start().await.unwrap();
    let c = client(&sb);
    for r in ["ref-a", "ref-b", "ref-c"] {
        c.create(CustomerCreateRequest::new(r)).await.unwrap();
    }
    assert_eq!(sb.customers(Connector::Airwallex).len(), 3);
    assert_eq!(
        sb.requests_seen(Connector::Airwallex),
        4,
        "one login for three creates"
    );
}

#[tokio::test]
async fn login_answers_as_documented() {
    let sb = Sandbox::start().await.unwrap();
    let url = format!(
        "{}/api/v1/authentication/login",
        sb.base_url(Connector::Airwallex)
    );
    let http = reqwest::Client::new();

    let resp = http
        .post(&url)
        .header("x-client-id", CLIENT_ID)
        .header("x-api-key", API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let v: Value = resp.json().await.unwrap();
    assert!(v["token"].as_str().unwrap().starts_with("eyJ"));
    let expires = v["expires_at"].as_str().unwrap();
    // YYYY-MM-DDTHH:MM:SS+0000
    assert_eq!(expires.len(), 24, "{expires}");
    assert!(
        expires.ends_with("+0000") && &expires[10..11] == "T",
        "{expires}"
    );

    let resp = http
        .post(&url)
        .header("x-client-id", CLIENT_ID)
        .header("x-api-key", "wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["code"], "credentials_invalid");

    let resp = http
        .post(&url)
        .header("x-client-id", CLIENT_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(
        (v["code"].as_str(), v["source"].as_str()),
        (Some("validation_error"), Some("x-api-key"))
    );
}

#[tokio::test]
async fn create_needs_a_token_this_sandbox_issued() {
    let sb = Sandbox::start().await.unwrap();
    let body = json!({"request_id": "r1", "merchant_customer_id": "m1"});
    for token in [None, Some("not-a-token")] {
        let (status, v) = raw_create(&sb, token, &body).await;
        assert_eq!(status, 401);
        assert_eq!(v["code"], "unauthorized");
        assert_eq!(v["message"], "Access denied, authentication failed");
    }
    assert!(sb.customers(Connector::Airwallex).is_empty());
}

#[tokio::test]
async fn validation_errors_name_the_field() {
    let sb = Sandbox::start().await.unwrap();
    let token = login(&sb).await;
    let cases = [
        (json!({"merchant_customer_id": "m1"}), "request_id"),
        (json!({"request_id": "r1"}), "merchant_customer_id"),
        (
            json!({"request_id": "r1", "merchant_customer_id": "m".repeat(65)}),
            "merchant_customer_id",
        ),
        (
            json!({"request_id": "r1", "merchant_customer_id": "m1", "address": {"city": "x"}}),
            "address.country_code",
        ),
        (
            json!({"request_id": "r1", "merchant_customer_id": "m1", "description": "x"}),
            "description",
        ),
    ];
    for (body, source) in cases {
        let (status, v) = raw_create(&sb, Some(&token), &body).await;
        assert_eq!(status, 400, "{source}");
        assert_eq!(
            (v["code"].as_str(), v["source"].as_str()),
            (Some("validation_error"), Some(source))
        );
        assert!(v["trace_id"].is_string());
    }
    assert!(sb.customers(Connector::Airwallex).is_empty());
}

#[tokio::test]
async fn request_id_and_reference_reuse() {
    let sb = Sandbox::start().await.unwrap();
    let token = login(&sb).await;
    let (status, v) = raw_create(
        &sb,
        Some(&token),
        &json!({"request_id": "r1", "merchant_customer_id": "m1"}),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    assert!(v["id"].as_str().unwrap().starts_with("cus_"));
    assert!(v["created_at"].as_str().unwrap().ends_with("+00:00"));

    // Same request_id, even with another reference: duplicate_request.
    let (status, v) = raw_create(
        &sb,
        Some(&token),
        &json!({"request_id": "r1", "merchant_customer_id": "m2"}),
    )
    .await;
    assert_eq!(
        (status, v["code"].as_str()),
        (400, Some("duplicate_request"))
    );
    // Same reference, new request_id: resource_already_exists.
    let (status, v) = raw_create(
        &sb,
        Some(&token),
        &json!({"request_id": "r2", "merchant_customer_id": "m1"}),
    )
    .await;
    assert_eq!(
        (status, v["code"].as_str()),
        (400, Some("resource_already_exists"))
    );
    // A rejected request does not use its request_id up.
    let (status, _) = raw_create(
        &sb,
        Some(&token),
        &json!({"request_id": "r2", "merchant_customer_id": "m3"}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(sb.customers(Connector::Airwallex).len(), 2);

    // Lookup by reference.
    let resp = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/pa/customers?merchant_customer_id=m1",
            sb.base_url(Connector::Airwallex)
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    assert_eq!(v["items"][0]["merchant_customer_id"], "m1");
}

#[tokio::test]
async fn a_repeated_reference_is_already_exists_through_prism() {
    let sb = Sandbox::start().await.unwrap();
    let c = client(&sb);
    let first = c.create(CustomerCreateRequest::new("dup-1")).await.unwrap();

    // Same reference, Prism's derived request_id: duplicate_request → AlreadyExists, and the
    // lookup by merchant_customer_id names the existing customer.
    let e = c
        .create(CustomerCreateRequest::new("dup-1"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists, "{e}");
    assert_eq!(e.connector_code(), Some("duplicate_request"));
    assert_eq!(
        e.existing_customer_id(),
        Some(first.connector_customer_id.as_str())
    );
    assert!(!e.outcome_unknown());
    let existing = c
        .create_with(
            CustomerCreateRequest::new("dup-1"),
            CallOptions {
                on_duplicate: Some(prism::OnDuplicate::ReturnExisting),
                ..CallOptions::default()
            },
        )
        .await
        .unwrap();
    assert!(existing.existing);
    assert_eq!(existing.connector_customer_id, first.connector_customer_id);

    // Same reference, caller-chosen key: resource_already_exists → AlreadyExists.
    let e = c
        .create_with(
            CustomerCreateRequest::new("dup-1"),
            CallOptions {
                idempotency_key: Some("caller-key-1".into()),
                ..CallOptions::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists, "{e}");
    assert_eq!(e.connector_code(), Some("resource_already_exists"));
    assert_eq!(sb.customers(Connector::Airwallex).len(), 1);
}

#[tokio::test]
async fn a_lost_answer_never_makes_a_second_customer() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(AWX, Fault::ResetAfterStore);
    let r = client(&sb)
        .create(CustomerCreateRequest::new("lost-1"))
        .await
        .unwrap();
    // The first attempt created it; the resend with the same request_id is refused without
    // an id, and the lookup by merchant_customer_id names this call's own customer.
    assert!(!r.existing && r.diagnostics.replayed && r.diagnostics.lost_answer);
    assert_eq!(r.diagnostics.attempts, 2);
    let stored = sb.customers(Connector::Airwallex);
    assert_eq!(stored.len(), 1);
    assert_eq!(r.connector_customer_id, stored[0].id);
}

#[tokio::test]
async fn a_server_error_is_retried_with_the_same_request_id() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(AWX, Fault::Status(500));
    let resp = client(&sb)
        .create(CustomerCreateRequest::new("retry-1"))
        .await
        .unwrap();
    assert_eq!(resp.diagnostics.attempts, 2);
    assert_eq!(sb.customers(Connector::Airwallex).len(), 1);

    sb.faults().push(
        AWX,
        Fault::RateLimit {
            retry_after_secs: None,
        },
    );
    let resp = client(&sb)
        .create(CustomerCreateRequest::new("retry-2"))
        .await
        .unwrap();
    assert_eq!(resp.diagnostics.attempts, 2);
}

#[tokio::test]
async fn a_rejected_token_is_refreshed_once() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(AWX, Fault::Status(401));
    client(&sb)
        .create(CustomerCreateRequest::new("reauth-1"))
        .await
        .unwrap();
    // login, create (401), login, create.
    assert_eq!(sb.requests_seen(Connector::Airwallex), 4);
}

#[tokio::test]
async fn wrong_credentials_are_an_authentication_error() {
    let sb = Sandbox::start().await.unwrap();
    let e = builder(&sb, CLIENT_ID, "wrong_key_value")
        .build()
        .unwrap()
        .create(CustomerCreateRequest::new("x"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication, "{e}");
    assert_eq!(e.connector_code(), Some("credentials_invalid"));
    assert!(!format!("{e} {e:?}").contains("wrong_key_value"));
    assert!(sb.customers(Connector::Airwallex).is_empty());
}

#[tokio::test]
async fn an_address_without_country_is_rejected_before_sending() {
    let sb = Sandbox::start().await.unwrap();
    let e = client(&sb)
        .create(CustomerCreateRequest::new("addr-1").address(Address {
            city: Some("Paris".into()),
            ..Address::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(e.field_errors()[0].field, "address.country");
    // The login may have run; no create reached the emulator.
    assert!(sb.customers(Connector::Airwallex).is_empty());
    assert!(sb.requests_seen(Connector::Airwallex) <= 1);
}
