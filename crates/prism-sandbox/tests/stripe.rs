//! The Stripe emulator, driven by the real `prism` client and by raw HTTP.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use prism::{
    Connector, CustomerClient, CustomerClientBuilder, CustomerCreateRequest, ErrorKind, OnDuplicate,
};
use prism_sandbox::Sandbox;
use serde_json::Value;

const KEY: &str = "sk_test_prism_sandbox";

fn builder(sb: &Sandbox) -> CustomerClientBuilder {
    CustomerClient::builder()
        .connector(Connector::Stripe)
        .api_key(KEY)
        .base_url(sb.base_url(Connector::Stripe))
        .retry_policy(common::fast_retry())
}

fn raw_post(
    sb: &Sandbox,
    key: Option<&str>,
    idem: Option<&str>,
    body: &str,
) -> reqwest::RequestBuilder {
    let mut req = reqwest::Client::new()
        .post(format!("{}/v1/customers", sb.base_url(Connector::Stripe)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.to_owned());
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    if let Some(i) = idem {
        req = req.header("Idempotency-Key", i);
    }
    req
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
                .metadata("plan", "premium")
                .address(common::example_address()),
        )
        .await
        .unwrap();
    assert!(
        resp.connector_customer_id.starts_with("cus_"),
        "{}",
        resp.connector_customer_id
    );
    assert_eq!(resp.connector_customer_id.len(), 4 + 14);
    assert_eq!(resp.merchant_customer_id, "cust_user_12345");
    assert_eq!(resp.status_code, 200);
    assert!(resp
        .diagnostics
        .request_id
        .as_deref()
        .unwrap()
        .starts_with("req_"));
    assert!(!resp.diagnostics.replayed);

    let stored = sb.customers(Connector::Stripe);
    assert_eq!(stored.len(), 1);
    let c = &stored[0];
    assert_eq!(c.id, resp.connector_customer_id);
    assert_eq!(c.merchant_customer_id.as_deref(), Some("cust_user_12345"));
    assert_eq!(c.email.as_deref(), Some("john.doe@example.com"));
    assert_eq!(c.body["object"], "customer");
    assert_eq!(c.body["phone"], "+1-555-123-4567");
    assert_eq!(c.body["name"], "John Doe");
    assert_eq!(c.body["metadata"]["plan"], "premium");
    assert_eq!(c.body["address"]["line2"], Value::Null);
    assert_eq!(c.body["address"]["country"], "US");
    assert_eq!(c.body["livemode"], false);
    assert_eq!(
        sb.count_by_reference(Connector::Stripe, "cust_user_12345"),
        1
    );
    assert_eq!(sb.requests_seen(Connector::Stripe), 1);
}

#[tokio::test]
async fn the_reply_has_the_documented_shape() {
    let sb = Sandbox::start().await.unwrap();
    let resp = raw_post(
        &sb,
        Some(KEY),
        Some("k1"),
        "email=jennyrosen%40example.com&name=Jenny+Rosen",
    )
    .header("Stripe-Version", "2025-09-30.clover")
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["idempotency-key"], "k1");
    assert_eq!(resp.headers()["stripe-version"], "2025-09-30.clover");
    assert!(resp.headers()["request-id"]
        .to_str()
        .unwrap()
        .starts_with("req_"));
    let body: Value = resp.json().await.unwrap();
    let fixture: Value =
        serde_json::from_str(include_str!("../../../tests/fixtures/stripe/created.json")).unwrap();
    let mut keys: Vec<_> = body.as_object().unwrap().keys().collect();
    let mut want: Vec<_> = fixture["body"].as_object().unwrap().keys().collect();
    keys.sort();
    want.sort();
    assert_eq!(
        keys, want,
        "same fields as Stripe's documented customer object"
    );
    assert_eq!(body["address"], Value::Null);
    assert_eq!(body["metadata"], serde_json::json!({}));
    assert_eq!(body["name"], "Jenny Rosen");
    assert_eq!(body["email"], "jennyrosen@example.com");
}

#[tokio::test]
async fn wrong_or_missing_key_is_stripes_401() {
    let sb = Sandbox::start().await.unwrap();
    let client = CustomerClient::builder()
        .connector(Connector::Stripe)
        .api_key("sk_test_wrongkey0000Aso0")
        .base_url(sb.base_url(Connector::Stripe))
        .build()
        .unwrap();
    let err = client
        .create(CustomerCreateRequest::new("r1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.request_id(), None);

    let resp = raw_post(&sb, Some("sk_test_wrongkey0000Aso0"), None, "")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    assert!(!resp.headers().contains_key("request-id"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["error"]["message"],
        "Invalid API Key provided: sk_test_************Aso0"
    );
    assert_eq!(body["error"]["type"], "invalid_request_error");

    let resp = raw_post(&sb, None, None, "").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = resp.json().await.unwrap();
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("You did not provide an API key."));
    assert!(sb.customers(Connector::Stripe).is_empty());
}

#[tokio::test]
async fn basic_auth_with_the_key_as_user_is_accepted() {
    let sb = Sandbox::start().await.unwrap();
    let resp = reqwest::Client::new()
        .post(format!("{}/v1/customers", sb.base_url(Connector::Stripe)))
        .basic_auth(KEY, Some(""))
        .form(&[("name", "Basic")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
}

#[tokio::test]
async fn restricted_key_is_permission_denied() {
    let sb = Sandbox::start().await.unwrap();
    let client = CustomerClient::builder()
        .connector(Connector::Stripe)
        .api_key("rk_test_prism_sandbox_readonly")
        .base_url(sb.base_url(Connector::Stripe))
        .build()
        .unwrap();
    let err = client
        .create(CustomerCreateRequest::new("r1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    assert!(err.request_id().unwrap().starts_with("req_"));
}

#[tokio::test]
async fn bad_email_is_stripes_400_and_not_stored_under_the_key() {
    let sb = Sandbox::start().await.unwrap();
    let resp = raw_post(
        &sb,
        Some(KEY),
        Some("k-email"),
        "email=otameshi%40com&metadata[merchant_customer_id]=r1",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let req_id = resp.headers()["request-id"].to_str().unwrap().to_owned();
    let body: Value = resp.json().await.unwrap();
    let e = &body["error"];
    assert_eq!(e["type"], "invalid_request_error");
    assert_eq!(e["code"], "email_invalid");
    assert_eq!(e["param"], "email");
    assert_eq!(e["message"], "Invalid email address: otameshi@com");
    assert_eq!(
        e["doc_url"],
        "https://stripe.com/docs/error-codes/email-invalid"
    );
    assert!(e["request_log_url"].as_str().unwrap().contains(&req_id));
    assert!(sb.customers(Connector::Stripe).is_empty());

    // Validation failures are not saved: the same key now works with good parameters.
    let resp = raw_post(&sb, Some(KEY), Some("k-email"), "email=ok%40example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(!resp.headers().contains_key("idempotent-replayed"));
}

#[tokio::test]
async fn bad_email_through_the_client_maps_to_invalid_request() {
    let sb = Sandbox::start().await.unwrap();
    let client = builder(&sb).build().unwrap();
    // Passes Prism's own syntax check (if it accepts dotless domains) or fails before sending:
    // either way the kind is InvalidRequest and nothing is stored.
    let err = client
        .create(CustomerCreateRequest::new("r1").email("otameshi@com"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(sb.customers(Connector::Stripe).is_empty());
}

#[tokio::test]
async fn other_parameter_errors() {
    let sb = Sandbox::start().await.unwrap();
    let cases = [
        ("foo=1", "parameter_unknown", "foo"),
        ("address[zip]=1", "parameter_unknown", "address[zip]"),
        ("name=", "parameter_invalid_string_empty", "name"),
    ];
    for (body, code, param) in cases {
        let resp = raw_post(&sb, Some(KEY), None, body).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 400, "{body}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["error"]["code"], code, "{body}");
        assert_eq!(v["error"]["param"], param, "{body}");
    }
    let phone = format!("phone={}", "1".repeat(21));
    let long_key = format!("metadata[{}]=v", "k".repeat(41));
    for (body, param) in [
        (phone.as_str(), "phone"),
        (long_key.as_str(), "metadata"),
        ("metadata[a[b]]=v", "metadata"),
    ] {
        let resp = raw_post(&sb, Some(KEY), None, body).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 400, "{body}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["error"]["param"], param, "{body}");
        assert_eq!(v["error"]["type"], "invalid_request_error");
    }
    let resp = reqwest::Client::new()
        .post(format!("{}/v1/customers", sb.base_url(Connector::Stripe)))
        .bearer_auth(KEY)
        .json(&serde_json::json!({"email": "a@b.co"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    assert!(sb.customers(Connector::Stripe).is_empty());
}

#[tokio::test]
async fn idempotency_replay_and_mismatch() {
    let sb = Sandbox::start().await.unwrap();
    let first = raw_post(&sb, Some(KEY), Some("k-same"), "name=A&metadata[x]=1")
        .send()
        .await
        .unwrap();
    let first_id = first.headers()["request-id"].to_str().unwrap().to_owned();
    let first_body: Value = first.json().await.unwrap();

    // Same parameters in another order: a replay.
    let again = raw_post(&sb, Some(KEY), Some("k-same"), "metadata[x]=1&name=A")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 200);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_ne!(again.headers()["request-id"].to_str().unwrap(), first_id);
    let again_body: Value = again.json().await.unwrap();
    assert_eq!(again_body, first_body);

    let other = raw_post(&sb, Some(KEY), Some("k-same"), "name=B")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 400);
    let v: Value = other.json().await.unwrap();
    assert_eq!(v["error"]["type"], "idempotency_error");
    assert_eq!(
        v["error"]["message"],
        "Keys for idempotent requests can only be used with the same parameters they were first used with. \
         Try using a key other than 'k-same' if you meant to execute a different request."
    );
    assert_eq!(sb.customers(Connector::Stripe).len(), 1);

    // Without a key nothing is unique: two creates, two customers.
    for _ in 0..2 {
        assert_eq!(
            raw_post(&sb, Some(KEY), None, "name=A")
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
            200
        );
    }
    assert_eq!(sb.customers(Connector::Stripe).len(), 3);
}

#[tokio::test]
async fn the_same_create_twice_is_already_exists_with_the_first_id() {
    let sb = Sandbox::start().await.unwrap();
    let client = builder(&sb).build().unwrap();
    let req = || CustomerCreateRequest::new("cust_dup").email("dup@example.com");
    let first = client.create(req()).await.unwrap();
    let err = client.create(req()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    assert_eq!(
        err.existing_customer_id(),
        Some(first.connector_customer_id.as_str())
    );
    assert_eq!(sb.count_by_reference(Connector::Stripe, "cust_dup"), 1);

    let returning = builder(&sb)
        .on_duplicate(OnDuplicate::ReturnExisting)
        .build()
        .unwrap();
    let existing = returning.create(req()).await.unwrap();
    assert!(existing.existing);
    assert_eq!(existing.connector_customer_id, first.connector_customer_id);

    // The same reference with other data is still a duplicate (no id known then).
    let err = client
        .create(CustomerCreateRequest::new("cust_dup").name("Other"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    assert_eq!(sb.customers(Connector::Stripe).len(), 1);

    // Another reference is another customer.
    client
        .create(CustomerCreateRequest::new("cust_other"))
        .await
        .unwrap();
    assert_eq!(sb.customers(Connector::Stripe).len(), 2);
}

#[tokio::test]
async fn index_unknown_urls_and_registry() {
    let sb = Sandbox::start().await.unwrap();
    assert!(sb.root_url().starts_with("http://127.0.0.1:"));
    assert_eq!(
        sb.base_url(Connector::Stripe),
        format!("{}/stripe", sb.root_url())
    );
    assert!(Sandbox::connectors().contains(&Connector::Stripe));
    assert_eq!(
        Sandbox::credentials(Connector::Stripe),
        &[("PRISM_STRIPE_API_KEY", KEY)]
    );
    assert!(Sandbox::credentials(Connector::Adyen).is_empty());

    let index: Value = reqwest::get(sb.root_url())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stripe = index
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["connector"] == "stripe")
        .unwrap();
    assert_eq!(stripe["base_url"], sb.base_url(Connector::Stripe));
    assert_eq!(stripe["credentials"]["PRISM_STRIPE_API_KEY"], KEY);

    let resp = reqwest::get(format!("{}/v1/nothing", sb.base_url(Connector::Stripe)))
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(
        v["error"]["message"],
        "Unrecognized request URL (GET: /v1/nothing). Please see https://stripe.com/docs or we can help at https://support.stripe.com/."
    );
}

#[tokio::test]
async fn start_on_a_port_and_shutdown() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sb = Sandbox::start_on(port).await.unwrap();
    assert_eq!(sb.root_url(), format!("http://127.0.0.1:{port}"));
    let url = sb.root_url();
    assert!(reqwest::get(&url).await.unwrap().status().is_success());
    sb.shutdown().await;
    let fresh = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    assert!(fresh
        .get(&url)
        .timeout(Duration::from_secs(2))
        .send()
        .await
        .is_err());
}
