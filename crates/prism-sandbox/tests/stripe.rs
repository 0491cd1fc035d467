//! The Stripe emulator's own wire (what every connector shares: prism-conformance's behaviour suite).
#![allow(clippy::unwrap_used)]

use prism::{Connector, CustomerCreateRequest, ErrorKind};
use prism_sandbox::Sandbox;
use prism_testkit::fixtures::body_json;
use prism_testkit::json::{assert_same_keys, assert_subset};
use prism_testkit::requests::request_with_address;
use prism_testkit::sandbox::*;
use serde_json::{json, Value};

const C: Connector = Connector::Stripe;

fn key() -> &'static str {
    credential(C, "PRISM_STRIPE_API_KEY")
}

/// A form-encoded create with the sandbox key and, if given, an idempotency key.
fn create(sb: &Sandbox, idem: Option<&str>, body: &str) -> reqwest::RequestBuilder {
    let req = post(sb, C, "/v1/customers").bearer_auth(key());
    let req = req.header("Content-Type", "application/x-www-form-urlencoded");
    let req = req.body(body.to_owned());
    header_if(req, "Idempotency-Key", idem)
}

#[tokio::test]
async fn the_client_request_is_stored_in_stripes_shape() {
    let sb = Sandbox::start().await.unwrap();
    let req = request_with_address("cust_user_12345");
    let resp = client(&sb, C).create(req).await.unwrap();
    let id = &resp.connector_customer_id;
    assert!(id.starts_with("cus_") && id.len() == 18, "{id}");
    assert!(resp.diagnostics.request_id.unwrap().starts_with("req_"));
    let want = json!({"object": "customer", "phone": "+1-555-123-4567", "name": "John Doe",
        "metadata": {"plan": "premium", "merchant_customer_id": "cust_user_12345"},
        "address": {"line2": null, "country": "US"}, "livemode": false});
    assert_subset(&sb.customers(C)[0].body, &want);
}

#[tokio::test]
async fn the_reply_has_the_documented_shape() {
    let sb = Sandbox::start().await.unwrap();
    let body = "email=jenny%40example.com&name=Jenny+Rosen";
    let req = create(&sb, Some("k1"), body);
    let resp = respond(req.header("Stripe-Version", "2025-09-30.clover")).await;
    assert_eq!(resp.status().as_u16(), 200);
    let version = ("stripe-version", "2025-09-30.clover");
    assert_headers(&resp, &[("idempotency-key", "k1"), version]);
    let request_id = resp.headers()["request-id"].to_str().unwrap();
    assert!(request_id.starts_with("req_"));
    let body: Value = resp.json().await.unwrap();
    assert_same_keys(&body, &body_json("stripe", "created"));
    let want = json!({"address": null, "metadata": {}, "name": "Jenny Rosen"});
    assert_subset(&body, &want);
}

#[tokio::test]
async fn auth_permission_and_routing_errors_in_stripes_shape() {
    let sb = Sandbox::start().await.unwrap();
    let wrong = || post(&sb, C, "/v1/customers").bearer_auth("sk_test_wrongkey0000Aso0");
    assert!(!respond(wrong()).await.headers().contains_key("request-id"));
    let (status, body) = reply(wrong()).await;
    let message = "Invalid API Key provided: sk_test_************Aso0";
    let want = json!({"message": message, "type": "invalid_request_error"});
    assert_eq!(status, 401);
    assert_subset(&body["error"], &want);
    let (status, body) = reply(post(&sb, C, "/v1/customers")).await;
    let message = body["error"]["message"].as_str().unwrap();
    assert!(status == 401 && message.starts_with("You did not provide an API key."));
    let basic = post(&sb, C, "/v1/customers").basic_auth(key(), Some(""));
    assert_eq!(reply(basic.form(&[("name", "Basic")])).await.0, 200);
    let restricted = [("PRISM_STRIPE_API_KEY", "rk_test_prism_sandbox_readonly")];
    let client = builder_with(&sb, C, &restricted).build().unwrap();
    let err = client.create(CustomerCreateRequest::new("r1"));
    let err = err.await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    assert!(err.request_id().unwrap().starts_with("req_"));
    let (status, v) = reply(get(&sb, C, "/v1/nothing")).await;
    let message = "Unrecognized request URL (GET: /v1/nothing). Please see \
        https://stripe.com/docs or we can help at https://support.stripe.com/.";
    assert_eq!((status, &v["error"]["message"]), (404, &json!(message)));
}

#[tokio::test]
async fn a_bad_email_is_stripes_400_and_not_stored_under_the_key() {
    let sb = Sandbox::start().await.unwrap();
    let sent = "email=otameshi%40com&metadata[merchant_customer_id]=r1";
    let resp = respond(create(&sb, Some("k-email"), sent)).await;
    assert_eq!(resp.status().as_u16(), 400);
    let req_id = resp.headers()["request-id"].to_str().unwrap().to_owned();
    let e = resp.json::<Value>().await.unwrap()["error"].clone();
    let want = json!({"type": "invalid_request_error", "code": "email_invalid", "param": "email",
        "message": "Invalid email address: otameshi@com",
        "doc_url": "https://stripe.com/docs/error-codes/email-invalid"});
    assert_subset(&e, &want);
    assert!(e["request_log_url"].as_str().unwrap().contains(&req_id));
    // Validation failures are not saved: the same key now works with good parameters.
    let resp = respond(create(&sb, Some("k-email"), "email=ok%40example.com")).await;
    assert_eq!(resp.status().as_u16(), 200);
    assert!(!resp.headers().contains_key("idempotent-replayed"));
}

#[tokio::test]
async fn other_parameter_errors() {
    let sb = Sandbox::start().await.unwrap();
    let long_value = format!("metadata[k]={}", "v".repeat(501));
    let metadata = |n| {
        (0..n)
            .map(|i| format!("metadata[k{i}]=v"))
            .collect::<Vec<_>>()
    };
    let too_many = metadata(51).join("&");
    let cases = [
        ("foo=1", "parameter_unknown", "foo"),
        ("address[zip]=1", "parameter_unknown", "address[zip]"),
        ("name=", "parameter_invalid_string_empty", "name"),
        ("phone=111111111111111111111", "", "phone"),
        (
            "metadata[kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk]=v",
            "",
            "metadata",
        ),
        ("metadata[a[b]]=v", "", "metadata"),
        (&long_value, "", "metadata"),
        (&too_many, "", "metadata"),
        // In Stripe's spec, not emulated: a clear 400, not `parameter_unknown`.
        ("shipping[name]=x", "", "shipping"),
    ];
    for (body, code, param) in cases {
        let (status, v) = reply(create(&sb, None, body)).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(v["error"]["param"], param, "{body}");
        let no_code = v["error"].get("code").is_none();
        assert!(
            (code.is_empty() && no_code) || v["error"]["code"] == code,
            "{body}: {v}"
        );
    }
    let as_json = post(&sb, C, "/v1/customers").bearer_auth(key());
    let as_json = as_json.json(&json!({"email": "a@b.co"}));
    assert_eq!(reply(as_json).await.0, 400);
    assert!(sb.customers(C).is_empty());
    // Fifty keys are allowed; an empty address part is left out.
    let fifty = metadata(50).join("&") + "&address[line1]=1+Main+St&address[line2]=";
    let (status, v) = reply(create(&sb, None, &fifty)).await;
    assert_eq!((status, &v["address"]["line2"]), (200, &Value::Null));
}

#[tokio::test]
async fn idempotency_replay_and_mismatch_on_the_wire() {
    let sb = Sandbox::start().await.unwrap();
    let first = respond(create(&sb, Some("k-same"), "name=A&metadata[x]=1")).await;
    let first_id = first.headers()["request-id"].clone();
    let first_body = first.bytes().await.unwrap();
    // Same parameters in another order: a replay (with a new request id).
    let again = respond(create(&sb, Some("k-same"), "metadata[x]=1&name=A")).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_ne!(again.headers()["request-id"], first_id);
    assert_eq!(again.bytes().await.unwrap(), first_body);
    let (status, v) = reply(create(&sb, Some("k-same"), "name=B")).await;
    let message = "Keys for idempotent requests can only be used with the same parameters they \
        were first used with. Try using a key other than 'k-same' if you meant to execute a \
        different request.";
    let want = json!({"error": {"type": "idempotency_error", "message": message}});
    assert_eq!(status, 400);
    assert_subset(&v, &want);
    // Without a key nothing is unique: two creates, two customers.
    for _ in 0..2 {
        assert_eq!(reply(create(&sb, None, "name=A")).await.0, 200);
    }
    assert_eq!(sb.customers(C).len(), 3);
}

/// Stripe's search lags behind writes: with the lag modelled, a lost answer stays an unknown
/// outcome (a miss proves nothing); once the search sees the customer, it is this call's own.
#[tokio::test]
async fn a_lagging_search_leaves_a_lost_answer_unknown() {
    let sb = Sandbox::start().await.unwrap();
    let once = prism::CallOptions {
        max_retries: Some(0),
        ..prism::CallOptions::default()
    };
    sb.set_search_lag(std::time::Duration::from_secs(3600));
    sb.faults()
        .push(Some(C), prism_sandbox::Fault::ResetAfterStore);
    let e = client(&sb, C)
        .create_with(CustomerCreateRequest::new("lag_1"), once.clone())
        .await
        .unwrap_err();
    assert!(e.outcome_unknown(), "{e}");
    assert_eq!(
        sb.count_by_reference(C, "lag_1"),
        1,
        "stored before the reset"
    );
    sb.set_search_lag(std::time::Duration::ZERO);
    sb.faults()
        .push(Some(C), prism_sandbox::Fault::ResetAfterStore);
    let r = client(&sb, C)
        .create_with(CustomerCreateRequest::new("lag_2"), once)
        .await
        .unwrap();
    assert!(r.diagnostics.reconciled, "{r:?}");
}
