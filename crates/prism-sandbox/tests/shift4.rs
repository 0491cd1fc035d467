//! The Shift4 emulator, driven by the real `prism` client and by raw HTTP.
#![allow(clippy::unwrap_used)]

mod common;

use prism::{
    Address, CallOptions, Connector, CustomerClient, CustomerClientBuilder, CustomerCreateRequest,
    ErrorKind, OnDuplicate, Shift4Config, UnsupportedFields,
};
use prism_sandbox::{Fault, Sandbox};
use serde_json::{json, Value};

const KEY: &str = "sk_test_prism_sandbox";

fn builder(sb: &Sandbox) -> CustomerClientBuilder {
    CustomerClient::builder()
        .connector(Connector::Shift4)
        .api_key(KEY)
        .base_url(sb.base_url(Connector::Shift4))
        .retry_policy(common::fast_retry())
}

fn url(sb: &Sandbox) -> String {
    format!("{}/customers", sb.base_url(Connector::Shift4))
}

fn raw_json(
    sb: &Sandbox,
    key: Option<&str>,
    idem: Option<&str>,
    body: &Value,
) -> reqwest::RequestBuilder {
    let mut req = reqwest::Client::new().post(url(sb)).json(body);
    if let Some(k) = key {
        req = req.basic_auth(k, Some(""));
    }
    if let Some(i) = idem {
        req = req.header("Idempotency-Key", i);
    }
    req
}

async fn error_of(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    assert_eq!(
        resp.headers()["content-type"],
        "application/json;charset=UTF-8"
    );
    (status, resp.json::<Value>().await.unwrap()["error"].clone())
}

#[tokio::test]
async fn create_through_the_client_stores_the_customer() {
    let sb = Sandbox::start().await.unwrap();
    let client = builder(&sb).build().unwrap();
    let resp = client
        .create(
            CustomerCreateRequest::new("cust_user_12345")
                .email("john.doe@example.com")
                .description("Premium plan subscriber")
                .metadata("plan", "premium"),
        )
        .await
        .unwrap();
    let id = &resp.connector_customer_id;
    assert!(id.starts_with("cust_") && id.len() == 29, "{id}");
    assert_eq!(resp.merchant_customer_id, "cust_user_12345");
    assert_eq!(resp.connector, Connector::Shift4);
    assert_eq!(resp.status_code, 200);
    assert_eq!(
        resp.diagnostics.request_id, None,
        "Shift4 sends no request id"
    );
    assert!(resp
        .diagnostics
        .idempotency_key
        .as_deref()
        .unwrap()
        .starts_with("prism_"));
    assert!(!resp.diagnostics.replayed);

    let stored = sb.customers(Connector::Shift4);
    assert_eq!(stored.len(), 1);
    let c = &stored[0];
    assert_eq!(&c.id, id);
    assert_eq!(c.merchant_customer_id.as_deref(), Some("cust_user_12345"));
    assert_eq!(c.email.as_deref(), Some("john.doe@example.com"));
    assert_eq!(c.body["objectType"], "customer");
    assert_eq!(c.body["description"], "Premium plan subscriber");
    assert_eq!(
        c.body["metadata"],
        json!({"plan": "premium", "merchant_customer_id": "cust_user_12345"})
    );
    assert_eq!(sb.requests_seen(Connector::Shift4), 1);
}

#[tokio::test]
async fn the_new_constructor_works_with_one_key() {
    // `CustomerClient::new` takes the key alone; the sandbox needs the base URL, so the same
    // config goes through the builder's typed config as well.
    assert!(CustomerClient::new(Connector::Shift4, KEY, prism::Environment::Sandbox).is_ok());
    let e = CustomerClient::new(Connector::Shift4, "sk_live_x", prism::Environment::Sandbox)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Configuration);
    let sb = Sandbox::start().await.unwrap();
    let client = CustomerClient::builder()
        .connector_config(Shift4Config::new(KEY).into())
        .base_url(sb.base_url(Connector::Shift4))
        .build()
        .unwrap();
    client
        .create(CustomerCreateRequest::new("r-typed").email("t@example.com"))
        .await
        .unwrap();
    assert_eq!(sb.count_by_reference(Connector::Shift4, "r-typed"), 1);
}

#[tokio::test]
async fn the_reply_has_the_documented_shape() {
    let sb = Sandbox::start().await.unwrap();
    let resp = raw_json(
        &sb,
        Some(KEY),
        None,
        &json!({"email": "a@example.com", "metadata": {"k": "v"}}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        resp.headers()["content-type"],
        "application/json;charset=UTF-8"
    );
    assert!(!resp.headers().contains_key("request-id"));
    let body: Value = resp.json().await.unwrap();
    let fixture: Value =
        serde_json::from_str(include_str!("../../../tests/fixtures/shift4/created.json")).unwrap();
    let mut keys: Vec<_> = body.as_object().unwrap().keys().collect();
    let mut want: Vec<_> = fixture["body"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| *k != "description")
        .collect();
    keys.sort();
    want.sort();
    assert_eq!(
        keys, want,
        "the fields of the captured customer object (no description was sent)"
    );
    assert_eq!(body["cards"], json!([]));
    assert!(body["created"].as_u64().unwrap() > 1_700_000_000);

    // Form encoding is accepted as well.
    let resp = reqwest::Client::new()
        .post(url(&sb))
        .basic_auth(KEY, Some(""))
        .form(&[
            ("email", "f@example.com"),
            ("metadata[merchant_customer_id]", "r-form"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(sb.count_by_reference(Connector::Shift4, "r-form"), 1);
}

#[tokio::test]
async fn wrong_missing_or_bearer_key_is_shift4s_401() {
    let sb = Sandbox::start().await.unwrap();
    let client = CustomerClient::builder()
        .connector(Connector::Shift4)
        .api_key("sk_test_wrongkey")
        .base_url(sb.base_url(Connector::Shift4))
        .build()
        .unwrap();
    let err = client
        .create(CustomerCreateRequest::new("r1").email("a@example.com"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.connector_message(), Some("Provided API key is invalid"));
    assert!(!format!("{err} {err:?}").contains("sk_test_wrongkey"));

    let body = json!({"email": "a@example.com"});
    for req in [
        raw_json(&sb, Some("sk_test_other"), None, &body),
        raw_json(&sb, None, None, &body),
        reqwest::Client::new()
            .post(url(&sb))
            .bearer_auth(KEY)
            .json(&body),
    ] {
        let (status, e) = error_of(req.send().await.unwrap()).await;
        assert_eq!(status, 401);
        assert_eq!(
            e,
            json!({"type": "invalid_request", "message": "Provided API key is invalid"})
        );
    }
    assert!(sb.customers(Connector::Shift4).is_empty());
}

#[tokio::test]
async fn email_rules_in_shift4s_shape() {
    let sb = Sandbox::start().await.unwrap();
    for (body, message) in [
        (json!({"description": "x"}), "email: Must not be empty."),
        (json!({"email": ""}), "email: Must not be empty."),
        (
            json!({"email": "not-an-email"}),
            "email: Must be a well-formed email address.",
        ),
    ] {
        let (status, e) = error_of(
            raw_json(&sb, Some(KEY), Some("k-email"), &body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(
            e,
            json!({"type": "invalid_request", "message": message}),
            "{body}"
        );
    }
    // Undocumented fields are refused, so tests prove Prism never sends them.
    let (status, e) = error_of(
        raw_json(
            &sb,
            Some(KEY),
            None,
            &json!({"email": "a@b.co", "name": "X"}),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(e["message"].as_str().unwrap().starts_with("name: "));
    assert!(sb.customers(Connector::Shift4).is_empty());

    // Validation failures are not stored under the key: it now works with good parameters.
    let resp = raw_json(
        &sb,
        Some(KEY),
        Some("k-email"),
        &json!({"email": "ok@example.com"}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
}

#[tokio::test]
async fn prism_refuses_what_shift4_cannot_take_before_sending() {
    let sb = Sandbox::start().await.unwrap();
    let client = builder(&sb).build().unwrap();
    // No email: required by Shift4, refused by Prism.
    let err = client
        .create(CustomerCreateRequest::new("r1"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.field_errors().iter().any(|f| f.field == "email"));
    // name / phone / address: no place at Shift4.
    let full = || {
        CustomerCreateRequest::new("r2")
            .email("john.doe@example.com")
            .name("John Doe")
            .phone("+1-555-123-4567")
            .address(Address {
                line1: Some("1 Main St".into()),
                country: Some("US".into()),
                ..Address::default()
            })
    };
    let err = client.create(full()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    let fields: Vec<_> = err
        .field_errors()
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    for f in ["name", "phone", "address"] {
        assert!(fields.contains(&f), "{fields:?}");
    }
    // A reserved metadata key.
    let err = client
        .create(
            CustomerCreateRequest::new("r3")
                .email("a@example.com")
                .metadata("merchant_customer_id", "x"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(sb.requests_seen(Connector::Shift4), 0, "nothing was sent");

    // Opting in: sent without them, and they are reported.
    let ignoring = builder(&sb)
        .unsupported_fields(UnsupportedFields::Ignore)
        .build()
        .unwrap();
    let resp = ignoring.create(full()).await.unwrap();
    let mut unstored = resp.diagnostics.unstored_fields.clone();
    unstored.sort();
    assert_eq!(unstored, ["address", "name", "phone"]);
    let stored = &sb.customers(Connector::Shift4)[0];
    assert!(stored.body.get("name").is_none());
}

#[tokio::test]
async fn idempotency_replay_and_mismatch_on_the_wire() {
    let sb = Sandbox::start().await.unwrap();
    let body =
        json!({"email": "a@example.com", "metadata": {"x": "1", "merchant_customer_id": "r"}});
    let first = raw_json(&sb, Some(KEY), Some("k-same"), &body)
        .send()
        .await
        .unwrap();
    let first_headers = first.headers().clone();
    let first_body = first.bytes().await.unwrap();

    // Same parameters (another key order): the same stored answer, with no replay marker.
    let reordered =
        json!({"metadata": {"merchant_customer_id": "r", "x": "1"}, "email": "a@example.com"});
    let again = raw_json(&sb, Some(KEY), Some("k-same"), &reordered)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 200);
    let mut names: Vec<_> = again
        .headers()
        .keys()
        .map(|k| k.as_str().to_owned())
        .collect();
    names.retain(|n| n != "date");
    let mut first_names: Vec<_> = first_headers
        .keys()
        .map(|k| k.as_str().to_owned())
        .collect();
    first_names.retain(|n| n != "date");
    assert_eq!(names, first_names, "no replay header");
    assert_eq!(again.bytes().await.unwrap(), first_body);

    let (status, e) = error_of(
        raw_json(
            &sb,
            Some(KEY),
            Some("k-same"),
            &json!({"email": "b@example.com"}),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        e,
        json!({"type": "invalid_request", "message": "Idempotent key used for request with different parameters."})
    );
    assert_eq!(sb.customers(Connector::Shift4).len(), 1);

    // Without a key nothing is unique: two creates, two customers.
    for _ in 0..2 {
        assert_eq!(
            raw_json(&sb, Some(KEY), None, &body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
            200
        );
    }
    assert_eq!(sb.count_by_reference(Connector::Shift4, "r"), 3);
}

#[tokio::test]
async fn repeats_of_one_reference_never_make_a_second_customer() {
    let sb = Sandbox::start().await.unwrap();
    let client = builder(&sb).build().unwrap();
    let req = || CustomerCreateRequest::new("cust_dup").email("dup@example.com");
    let first = client.create(req()).await.unwrap();

    // Identical data: Shift4 replays silently, so Prism sees the same customer as a success.
    let again = client.create(req()).await.unwrap();
    assert_eq!(again.connector_customer_id, first.connector_customer_id);
    assert!(
        !again.existing && !again.diagnostics.replayed,
        "Shift4 gives no replay signal"
    );

    // Other data under the same reference: the key mismatch is reported as AlreadyExists.
    let err = client
        .create(CustomerCreateRequest::new("cust_dup").email("other@example.com"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    assert_eq!(err.status_code(), Some(409));
    assert_eq!(
        err.existing_customer_id(),
        None,
        "Shift4 does not say which customer"
    );
    assert!(!err.is_retryable());
    // ReturnExisting cannot help without an id: the error stays.
    let returning = builder(&sb)
        .on_duplicate(OnDuplicate::ReturnExisting)
        .build()
        .unwrap();
    let err = returning
        .create(CustomerCreateRequest::new("cust_dup").email("third@example.com"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);

    // A caller-chosen key is not about the reference: the mismatch is a ProcessorError.
    let opts = |k: &str| CallOptions {
        idempotency_key: Some(k.to_owned()),
        ..CallOptions::default()
    };
    client
        .create_with(
            CustomerCreateRequest::new("c1").email("a@example.com"),
            opts("caller-key"),
        )
        .await
        .unwrap();
    let err = client
        .create_with(
            CustomerCreateRequest::new("c2").email("a@example.com"),
            opts("caller-key"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ProcessorError);
    assert_eq!(err.http_status(), Some(400));

    assert_eq!(sb.count_by_reference(Connector::Shift4, "cust_dup"), 1);
    assert_eq!(sb.customers(Connector::Shift4).len(), 2);
}

#[tokio::test]
async fn faults_are_retried_with_the_same_key_and_never_duplicate() {
    let sb = Sandbox::start().await.unwrap();
    let client = builder(&sb).build().unwrap();

    // Applied, then the connection dropped: the retry gets the stored reply back.
    sb.faults()
        .push(Some(Connector::Shift4), Fault::ResetAfterStore);
    let resp = client
        .create(CustomerCreateRequest::new("r-reset").email("a@example.com"))
        .await
        .unwrap();
    assert_eq!(sb.count_by_reference(Connector::Shift4, "r-reset"), 1);
    assert_eq!(
        sb.customers(Connector::Shift4)[0].id,
        resp.connector_customer_id
    );
    assert_eq!(resp.diagnostics.attempts, 2);

    // 500 and 429 in Shift4's shape are retried.
    sb.faults()
        .push(Some(Connector::Shift4), Fault::Status(500));
    sb.faults().push(
        Some(Connector::Shift4),
        Fault::RateLimit {
            retry_after_secs: None,
        },
    );
    let resp = client
        .create(CustomerCreateRequest::new("r-5xx").email("a@example.com"))
        .await
        .unwrap();
    assert_eq!(resp.diagnostics.attempts, 3);
    assert_eq!(sb.count_by_reference(Connector::Shift4, "r-5xx"), 1);

    // Without retries, the kinds.
    let once = || CallOptions {
        max_retries: Some(0),
        ..CallOptions::default()
    };
    sb.faults()
        .push(Some(Connector::Shift4), Fault::Status(503));
    let err = client
        .create_with(
            CustomerCreateRequest::new("r-503").email("a@example.com"),
            once(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ProcessorUnavailable);
    assert_eq!(err.connector_code(), Some("gateway_error"));
    sb.faults().push(
        Some(Connector::Shift4),
        Fault::RateLimit {
            retry_after_secs: None,
        },
    );
    let err = client
        .create_with(
            CustomerCreateRequest::new("r-429").email("a@example.com"),
            once(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.connector_code(), Some("rate_limit_error"));

    // A 2xx that is not a customer: UnexpectedResponse (the customer was stored).
    sb.faults()
        .push(Some(Connector::Shift4), Fault::HtmlErrorPage);
    let err = client
        .create_with(
            CustomerCreateRequest::new("r-html").email("a@example.com"),
            once(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedResponse);
    // … and the next call with the same reference and data gets that customer back.
    let resp = client
        .create(CustomerCreateRequest::new("r-html").email("a@example.com"))
        .await
        .unwrap();
    assert_eq!(sb.count_by_reference(Connector::Shift4, "r-html"), 1);
    assert!(resp.connector_customer_id.starts_with("cust_"));
}

#[tokio::test]
async fn registry_index_and_unknown_urls() {
    let sb = Sandbox::start().await.unwrap();
    assert!(Sandbox::connectors().contains(&Connector::Shift4));
    assert_eq!(
        Sandbox::credentials(Connector::Shift4),
        &[("PRISM_SHIFT4_SECRET_KEY", KEY)]
    );
    let index: Value = reqwest::get(sb.root_url())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let s = index
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["connector"] == "shift4")
        .unwrap();
    assert_eq!(s["base_url"], sb.base_url(Connector::Shift4));
    assert_eq!(s["credentials"]["PRISM_SHIFT4_SECRET_KEY"], KEY);

    let resp = reqwest::get(format!("{}/nothing", sb.base_url(Connector::Shift4)))
        .await
        .unwrap();
    let (status, e) = error_of(resp).await;
    assert_eq!(status, 404);
    assert_eq!(e["type"], "invalid_request");
}
