//! What is particular to the Paystack emulator's wire, and the e-mail rule end to end. The
//! behaviour every connector shares is prism-conformance's behaviour suite; the request Prism
//! builds is the connector's unit tests' and snapshots'.
#![allow(clippy::unwrap_used)]

use prism::{CallOptions, Connector, CustomerCreateRequest, ErrorKind, OnDuplicate};
use prism_sandbox::Sandbox;
use prism_testkit::fixtures::body_json;
use prism_testkit::json::{assert_subset, sorted_keys};
use prism_testkit::sandbox::{client, credential, get, post, reply, reqwest};
use serde_json::{json, Value};

const C: Connector = Connector::Paystack;

fn key() -> &'static str {
    credential(C, "PRISM_PAYSTACK_SECRET_KEY")
}

fn create(sb: &Sandbox, body: &Value) -> reqwest::RequestBuilder {
    post(sb, C, "/customer").bearer_auth(key()).json(body)
}

fn request(reference: &str, email: &str) -> CustomerCreateRequest {
    CustomerCreateRequest::new(reference)
        .email(email)
        .name("Mary Ann Doe")
        .phone("+234 812 345 6789")
        .metadata("plan", "premium")
}

#[tokio::test]
async fn the_client_request_is_stored_in_paystacks_shape() {
    let sb = Sandbox::start().await.unwrap();
    let resp = client(&sb, C)
        .create(request("cust_1", "mary@example.com"))
        .await
        .unwrap();
    let code = &resp.connector_customer_id;
    assert!(code.starts_with("CUS_") && code.len() == 19, "{code}");
    assert_eq!(sb.requests_seen(C), 2, "the e-mail check, then the create");
    let want = json!({"email": "mary@example.com", "first_name": "Mary Ann", "last_name": "Doe",
        "phone": "+2348123456789", "domain": "test",
        "metadata": {"merchant_customer_id": "cust_1", "plan": "premium"}});
    assert_subset(&sb.customers(C)[0].body, &want);
}

#[tokio::test]
async fn an_existing_email_answers_with_the_existing_customer() {
    let sb = Sandbox::start().await.unwrap();
    let (status, first) = reply(create(
        &sb,
        &json!({"email": "a@example.com", "first_name": "A"}),
    ))
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        sorted_keys(&first),
        sorted_keys(&body_json("paystack", "created"))
    );
    let again = json!({"email": "A@Example.com", "first_name": "B", "metadata": {"x": "y"}});
    let (status, second) = reply(create(&sb, &again)).await;
    assert_eq!(status, 200);
    assert_eq!(second["message"], "Customer created");
    assert_eq!(
        second["data"], first["data"],
        "the same customer, unchanged"
    );
    assert_eq!(sb.customers(C).len(), 1);
}

#[tokio::test]
async fn someone_elses_email_is_never_returned_as_ours() {
    let sb = Sandbox::start().await.unwrap();
    let client = client(&sb, C);
    let theirs = client
        .create(request("theirs", "x@example.com"))
        .await
        .unwrap();
    for on_duplicate in [OnDuplicate::Error, OnDuplicate::ReturnExisting] {
        let opts = CallOptions {
            on_duplicate: Some(on_duplicate),
            ..CallOptions::default()
        };
        let e = client
            .create_with(request("mine", "x@example.com"), opts)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::AlreadyExists, "{e}");
        assert_eq!(e.existing_customer_id(), None, "{e}");
        assert!(e.to_string().contains(&theirs.connector_customer_id), "{e}");
        assert!(!e.outcome_unknown());
    }
    assert_eq!(sb.customers(C).len(), 1);
    assert_eq!(
        sb.requests_seen(C),
        4,
        "two checks and one create, then a check"
    );
    let opts = CallOptions {
        on_duplicate: Some(OnDuplicate::ReturnExisting),
        ..CallOptions::default()
    };
    let again = client
        .create_with(request("theirs", "x@example.com"), opts)
        .await
        .unwrap();
    assert!(again.existing);
    assert_eq!(again.connector_customer_id, theirs.connector_customer_id);
}

#[tokio::test]
async fn auth_failures_in_paystacks_words() {
    let sb = Sandbox::start().await.unwrap();
    let body = json!({"email": "a@example.com"});
    let none = post(&sb, C, "/customer").json(&body);
    assert_eq!(
        reply(none).await,
        (
            401,
            json!({"status": false, "message": "No Authorization Header was found"})
        )
    );
    let public = post(&sb, C, "/customer")
        .bearer_auth("pk_test_prism")
        .json(&body);
    assert_eq!(
        reply(public).await,
        (401, json!({"status": false, "message": "Invalid key"}))
    );
    let fetch = get(&sb, C, "/customer/a@example.com").bearer_auth("sk_test_other");
    assert_eq!(reply(fetch).await.0, 401);
    assert!(sb.customers(C).is_empty());
}

#[tokio::test]
async fn validation_in_paystacks_words() {
    let sb = Sandbox::start().await.unwrap();
    let metadata = "\"metadata\" must be of type object";
    for (body, message) in [
        (
            json!({"email": "a@example.com", "metadata": null}),
            metadata,
        ),
        (json!({"email": "a@example.com", "metadata": ""}), metadata),
        (json!({"email": "a@example.com", "metadata": [1]}), metadata),
        (json!({"first_name": "A"}), "\"email\" is required"),
        (
            json!({"email": "not-an-address"}),
            "\"email\" must be a valid email",
        ),
        (
            json!({"email": "a@example.com", "description": "x"}),
            "\"description\" is not allowed",
        ),
    ] {
        let (status, got) = reply(create(&sb, &body)).await;
        assert_eq!(
            (status, got["status"].clone()),
            (400, json!(false)),
            "{body}"
        );
        assert_eq!(got["message"], message, "{body}");
    }
    let stringified =
        json!({"email": "a@example.com", "metadata": "{\"merchant_customer_id\":\"r\"}"});
    let (status, got) = reply(create(&sb, &stringified)).await;
    assert_eq!(status, 200);
    assert_eq!(
        got["data"]["metadata"],
        json!({"merchant_customer_id": "r"})
    );
    assert_eq!(sb.count_by_reference(C, "r"), 1);
}

#[tokio::test]
async fn fetch_by_email_or_code() {
    let sb = Sandbox::start().await.unwrap();
    let (_, created) = reply(create(&sb, &json!({"email": "a+b@example.com"}))).await;
    let code = created["data"]["customer_code"].as_str().unwrap();
    for path in [
        "/customer/A%2Bb%40example.com".to_owned(),
        format!("/customer/{code}"),
    ] {
        let (status, got) = reply(get(&sb, C, &path).bearer_auth(key())).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(got["message"], "Customer retrieved");
        assert_eq!(got["data"]["customer_code"], code);
        assert_eq!(got["data"]["total_transactions"], 0);
    }
    let missing = get(&sb, C, "/customer/nobody%40example.com").bearer_auth(key());
    let want =
        json!({"status": false, "message": "Customer email is invalid for your live domain."});
    assert_eq!(reply(missing).await, (404, want));
}
