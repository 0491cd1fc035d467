//! The Stax emulator, driven by the real `prism` client and by raw HTTP.
#![allow(clippy::unwrap_used)]

mod common;

use prism::{Connector, CustomerClient, CustomerClientBuilder, CustomerCreateRequest, ErrorKind};
use prism_sandbox::{Fault, Sandbox};
use serde_json::{json, Value};

const KEY: &str = "stax_sandbox_prism_key";

fn builder(sb: &Sandbox) -> CustomerClientBuilder {
    CustomerClient::builder()
        .connector(Connector::Stax)
        .api_key(KEY)
        .base_url(sb.base_url(Connector::Stax))
        .retry_policy(common::fast_retry())
}

fn raw_post(sb: &Sandbox, key: Option<&str>, body: &Value) -> reqwest::RequestBuilder {
    let mut req = reqwest::Client::new()
        .post(format!("{}/customer", sb.base_url(Connector::Stax)))
        .header("Accept", "application/json")
        .json(body);
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    req
}

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/fixtures/stax/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn is_uuid_v4(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && parts[2].starts_with('4')
        && id
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
}

#[tokio::test]
async fn create_succeeds_and_stores_the_customer() {
    let sb = Sandbox::start().await.unwrap();
    let client = builder(&sb).build().unwrap();
    let resp = client
        .create(
            CustomerCreateRequest::new("cust_user_12345")
                .email("john.doe@example.com")
                .name("John Doe")
                .phone("+1-555-123-4567")
                .description("Premium plan subscriber")
                .address(common::example_address()),
        )
        .await
        .unwrap();
    assert!(
        is_uuid_v4(&resp.connector_customer_id),
        "{}",
        resp.connector_customer_id
    );
    assert_eq!(resp.merchant_customer_id, "cust_user_12345");
    assert_eq!(resp.status_code, 200);
    assert_eq!(resp.diagnostics.request_id, None);
    assert!(!resp.diagnostics.replayed);

    let stored = sb.customers(Connector::Stax);
    assert_eq!(stored.len(), 1);
    let c = &stored[0];
    assert_eq!(c.id, resp.connector_customer_id);
    assert_eq!(c.merchant_customer_id.as_deref(), Some("cust_user_12345"));
    assert_eq!(c.email.as_deref(), Some("john.doe@example.com"));
    for (k, v) in [
        ("firstname", "John"),
        ("lastname", "Doe"),
        ("phone", "15551234567"),
        ("notes", "Premium plan subscriber"),
        ("address_1", "1 Main St"),
        ("address_city", "Springfield"),
        ("address_state", "IL"),
        ("address_zip", "62701"),
        ("address_country", "USA"),
        ("reference", "cust_user_12345"),
    ] {
        assert_eq!(c.body[k], v, "{k}");
    }
    assert_eq!(c.body["address_2"], Value::Null);
    assert_eq!(c.body["company"], Value::Null);
    assert_eq!(c.body["has_address"], true);
    assert_eq!(sb.requests_seen(Connector::Stax), 1);
}

#[tokio::test]
async fn the_reply_has_the_documented_shape() {
    let sb = Sandbox::start().await.unwrap();
    let resp = raw_post(
        &sb,
        Some(KEY),
        &json!({"firstname": " Jane ", "email": "Jane@Example.com", "address_2": ""}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let body: Value = resp.json().await.unwrap();
    let want = fixture("created");
    let mut keys: Vec<_> = body.as_object().unwrap().keys().collect();
    let mut want_keys: Vec<_> = want["body"].as_object().unwrap().keys().collect();
    keys.sort();
    want_keys.sort();
    assert_eq!(
        keys, want_keys,
        "same fields as the documented customer object"
    );
    assert!(is_uuid_v4(body["id"].as_str().unwrap()));
    assert_eq!(
        body["firstname"], "Jane",
        "trimmed like Laravel's TrimStrings"
    );
    assert_eq!(body["address_2"], Value::Null, "\"\" becomes null");
    assert_eq!(body["has_address"], false);
    assert_eq!(body["allow_invoice_credit_card_payments"], true);
    assert_eq!(body["deleted_at"], Value::Null);
    assert_eq!(body["created_at"], body["updated_at"]);
    let at = body["created_at"].as_str().unwrap();
    assert_eq!(
        (at.len(), &at[4..5], &at[10..11], &at[13..14]),
        (19, "-", " ", ":")
    );
    // md5("jane@example.com")
    assert_eq!(
        body["gravatar"],
        "//www.gravatar.com/avatar/9e26471d35a78862c17e467d87cddedf"
    );

    let resp = raw_post(&sb, Some(KEY), &json!({"company": "ACME"}))
        .send()
        .await
        .unwrap();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["gravatar"], false);
}

#[tokio::test]
async fn wrong_or_missing_key_is_401() {
    let sb = Sandbox::start().await.unwrap();
    let client = CustomerClient::builder()
        .connector(Connector::Stax)
        .api_key("not_the_key")
        .base_url(sb.base_url(Connector::Stax))
        .build()
        .unwrap();
    let err = client
        .create(CustomerCreateRequest::new("r1").email("a@example.com"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert!(!err.is_retryable());
    assert_eq!(err.connector_message(), Some("Unauthorized"));

    let want = fixture("auth_failed");
    for key in [None, Some("not_the_key")] {
        let resp = raw_post(&sb, key, &json!({"email": "a@example.com"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 401);
        assert_eq!(resp.json::<Value>().await.unwrap(), want["body"]);
    }
    let resp = reqwest::Client::new()
        .post(format!("{}/customer", sb.base_url(Connector::Stax)))
        .basic_auth(KEY, Some(""))
        .json(&json!({"email": "a@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401, "only Bearer");
    assert!(sb.customers(Connector::Stax).is_empty());
}

#[tokio::test]
async fn missing_identity_is_the_documented_422_and_prism_never_sends_it() {
    let sb = Sandbox::start().await.unwrap();
    let resp = raw_post(
        &sb,
        Some(KEY),
        &json!({"reference": "r1", "phone": "5551234567"}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status().as_u16(), 422);
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        fixture("missing_identity")["body"]
    );

    // Not JSON and not a form: Laravel sees an empty input.
    let resp = reqwest::Client::new()
        .post(format!("{}/customer", sb.base_url(Connector::Stax)))
        .bearer_auth(KEY)
        .header("Content-Type", "text/plain")
        .body("firstname=John")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 422);
    let seen = sb.requests_seen(Connector::Stax);

    let client = builder(&sb).build().unwrap();
    let err = client
        .create(CustomerCreateRequest::new("r1").phone("5551234567"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let fields: Vec<&str> = err
        .field_errors()
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    assert_eq!(fields, ["name", "email"]);
    assert_eq!(sb.requests_seen(Connector::Stax), seen, "nothing was sent");
    assert!(sb.customers(Connector::Stax).is_empty());
}

#[tokio::test]
async fn invalid_data_is_a_laravel_422() {
    let sb = Sandbox::start().await.unwrap();
    let resp = raw_post(&sb, Some(KEY), &json!({"email": "john.doe@"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 422);
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        fixture("invalid_email")["body"]
    );

    let resp = raw_post(
        &sb,
        Some(KEY),
        &json!({"firstname": "J", "phone": "555-123-4567", "address_state": "Illinois", "address_country": "USAA", "reference": "r".repeat(256)}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status().as_u16(), 422);
    let text = resp.text().await.unwrap();
    assert_eq!(
        text,
        r#"{"phone":["The phone format is invalid."],"address_state":["The address state must not be greater than 2 characters."],"address_country":["The address country must not be greater than 3 characters."],"reference":["The reference must not be greater than 255 characters."]}"#
    );
    assert!(sb.customers(Connector::Stax).is_empty());
}

#[tokio::test]
async fn the_same_reference_twice_makes_two_customers() {
    let sb = Sandbox::start().await.unwrap();
    let client = builder(&sb).build().unwrap();
    let req = || CustomerCreateRequest::new("cust_dup").email("dup@example.com");
    let first = client.create(req()).await.unwrap();
    let second = client.create(req()).await.unwrap();
    assert_ne!(first.connector_customer_id, second.connector_customer_id);
    assert!(!second.existing);
    assert_eq!(sb.count_by_reference(Connector::Stax, "cust_dup"), 2);

    // Idempotency hints are ignored too.
    for _ in 0..2 {
        let resp = raw_post(
            &sb,
            Some(KEY),
            &json!({"email": "x@example.com", "reference": "k", "idempotency_id": "same"}),
        )
        .header("Idempotency-Key", "same")
        .send()
        .await
        .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
    }
    assert_eq!(sb.count_by_reference(Connector::Stax, "k"), 2);

    // The list filters by reference (exactly).
    let list: Value = reqwest::Client::new()
        .get(format!(
            "{}/customer?reference=cust_dup",
            sb.base_url(Connector::Stax)
        ))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 2);
    assert_eq!(list["data"][0]["id"], first.connector_customer_id.as_str());
    assert_eq!(list["data"][1]["id"], second.connector_customer_id.as_str());
    let resp = reqwest::get(format!(
        "{}/customer?reference=cust",
        sb.base_url(Connector::Stax)
    ))
    .await
    .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
}

#[tokio::test]
async fn a_create_that_may_have_been_applied_is_never_resent() {
    let sb = Sandbox::start().await.unwrap();
    let client = builder(&sb).build().unwrap();

    // Stored, then the connection drops: one request, one customer, outcome unknown.
    sb.faults()
        .push(Some(Connector::Stax), Fault::ResetAfterStore);
    let err = client
        .create(CustomerCreateRequest::new("r-reset").email("a@example.com"))
        .await
        .unwrap_err();
    assert!(err.outcome_unknown(), "{err}");
    assert_eq!(sb.requests_seen(Connector::Stax), 1);
    assert_eq!(sb.count_by_reference(Connector::Stax, "r-reset"), 1);

    // A 5xx: not resent either.
    sb.faults().push(Some(Connector::Stax), Fault::Status(500));
    let err = client
        .create(CustomerCreateRequest::new("r-500").email("a@example.com"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ProcessorUnavailable);
    assert!(err.outcome_unknown());
    assert_eq!(err.connector_message(), Some("Server Error"));
    assert_eq!(sb.requests_seen(Connector::Stax), 2);

    // A 429 was refused before any work: retried, then created.
    sb.faults().push(
        Some(Connector::Stax),
        Fault::RateLimit {
            retry_after_secs: Some(0),
        },
    );
    let resp = client
        .create(CustomerCreateRequest::new("r-429").email("a@example.com"))
        .await
        .unwrap();
    assert_eq!(resp.diagnostics.attempts, 2);
    assert_eq!(sb.count_by_reference(Connector::Stax, "r-429"), 1);
}

#[tokio::test]
async fn registry_and_unknown_urls() {
    let sb = Sandbox::start().await.unwrap();
    assert!(Sandbox::connectors().contains(&Connector::Stax));
    assert_eq!(
        Sandbox::credentials(Connector::Stax),
        &[("PRISM_STAX_API_KEY", KEY)]
    );
    let resp = reqwest::get(format!("{}/customers", sb.base_url(Connector::Stax)))
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        json!({"message": "The route customers could not be found."})
    );
    let resp = reqwest::Client::new()
        .put(format!("{}/customer", sb.base_url(Connector::Stax)))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 405);
}
