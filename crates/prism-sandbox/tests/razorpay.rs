//! What is particular to the Razorpay emulator's wire: the strict `Basic` scheme word and the two
//! 401 texts, the email+contact duplicate rule with `fail_existing` (`"0"` only as a string), the
//! empty `notes` answered as `[]`, unknown keys refused. The behaviour every connector shares is
//! prism-conformance's behaviour suite.
#![allow(clippy::unwrap_used)]

use prism::Connector;
use prism_sandbox::Sandbox;
use prism_testkit::sandbox::*;
use serde_json::{json, Value};

const C: Connector = Connector::Razorpay;

fn keys() -> (&'static str, &'static str) {
    let id = credential(C, "PRISM_RAZORPAY_KEY_ID");
    (id, credential(C, "PRISM_RAZORPAY_KEY_SECRET"))
}

/// A create with Basic auth as `(key id, secret)`.
fn create(sb: &Sandbox, auth: (&str, &str), body: &Value) -> reqwest::RequestBuilder {
    let req = post(sb, C, "/v1/customers").basic_auth(auth.0, Some(auth.1));
    req.json(body)
}

#[tokio::test]
async fn basic_scheme_and_the_two_401s() {
    let sb = Sandbox::start().await.unwrap();
    let (id, secret) = keys();
    let desc = |v: &Value| {
        v["error"]["description"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let (status, v) = reply(create(&sb, (id, "wrong"), &json!({}))).await;
    assert_eq!(
        (status, desc(&v)),
        (401, "The api secret provided is invalid".into())
    );
    let (status, v) = reply(create(&sb, ("rzp_test_other", secret), &json!({}))).await;
    assert_eq!(
        (status, desc(&v)),
        (401, "The api key provided is invalid".into())
    );
    assert_eq!(v["error"]["code"], "BAD_REQUEST_ERROR");
    use base64::Engine as _;
    let pair = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    let lower = post(&sb, C, "/v1/customers").header("Authorization", format!("basic {pair}"));
    let (status, _) = reply(lower.json(&json!({}))).await;
    assert_eq!(status, 401, "the docs call `basic` invalid");
    assert!(sb.customers(C).is_empty());
}

#[tokio::test]
async fn email_contact_duplicates_and_fail_existing() {
    let sb = Sandbox::start().await.unwrap();
    let body = json!({"email": "a@example.com", "contact": "+919876543210",
        "fail_existing": "1", "notes": {"merchant_customer_id": "r1"}});
    let (status, first) = reply(create(&sb, keys(), &body)).await;
    assert_eq!(status, 200);
    let id = first["id"].as_str().unwrap();
    assert!(id.starts_with("cust_") && id.len() == 19, "{id}");
    assert_eq!(first["entity"], "customer");
    // Same pair, another reference: refused with "1" (and with a numeric 0, which is ignored).
    for fail in [json!("1"), json!(0)] {
        let other = json!({"email": "A@example.com", "contact": "+919876543210",
            "fail_existing": fail, "notes": {"merchant_customer_id": "r2"}});
        let (status, v) = reply(create(&sb, keys(), &other)).await;
        assert_eq!(status, 400);
        assert_eq!(
            v["error"]["description"],
            "Customer already exists for the merchant"
        );
    }
    // "0": the stored customer, unchanged.
    let probe = json!({"email": "a@example.com", "contact": "+919876543210",
        "fail_existing": "0", "name": "Someone", "notes": {"merchant_customer_id": "r2"}});
    let (status, v) = reply(create(&sb, keys(), &probe)).await;
    assert_eq!((status, &v), (200, &first));
    // Another pair (email alone) is another customer; neither member: never a duplicate.
    for body in [
        json!({"email": "a@example.com"}),
        json!({"name": "Al B"}),
        json!({"name": "Al B"}),
    ] {
        let (status, v) = reply(create(&sb, keys(), &body)).await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["notes"], json!([]), "empty notes come back as []");
    }
    assert_eq!(sb.customers(C).len(), 4);
}

#[tokio::test]
async fn validation_answers() {
    let sb = Sandbox::start().await.unwrap();
    for (body, field, reason) in [
        (
            json!({"description": "x"}),
            "description",
            "input_validation_failed",
        ),
        (
            json!({"contact": "+91 98765"}),
            "contact",
            "input_validation_failed",
        ),
        (
            json!({"contact": "1234567"}),
            "contact",
            "invalid_contact_number",
        ),
        (
            json!({"email": "not-an-email"}),
            "email",
            "input_validation_failed",
        ),
        (json!({"name": "Jo"}), "name", "input_validation_failed"),
        (
            json!({"notes": {"k": "v".repeat(257)}}),
            "notes.k",
            "input_validation_failed",
        ),
    ] {
        let (status, v) = reply(create(&sb, keys(), &body)).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(v["error"]["field"], field, "{v}");
        assert_eq!(v["error"]["reason"], reason, "{v}");
    }
    let many: serde_json::Map<String, Value> =
        (0..16).map(|i| (format!("k{i}"), json!("v"))).collect();
    let (status, v) = reply(create(&sb, keys(), &json!({"notes": many}))).await;
    assert_eq!(
        (status, &v["error"]["description"]),
        (400, &json!("Notes should not have more than 15 keys."))
    );
    assert!(sb.customers(C).is_empty());
}

/// Through the client (the `fail_existing` design of docs.md "Decisions"), with a distinct
/// email+contact per reference (the shared fault matrix reuses one email, which Razorpay's rule
/// refuses for a second reference): a lost answer settled by the probe, `AlreadyExists` naming
/// the customer, `ReturnExisting`, another reference's email+contact, a 2xx that cannot be read.
#[tokio::test]
async fn the_duplicate_design_through_the_client() {
    use prism::{CallOptions, CustomerCreateRequest, ErrorKind, OnDuplicate};
    use prism_sandbox::Fault;
    let sb = Sandbox::start().await.unwrap();
    let client = builder(&sb, C).build().unwrap();
    let req = |r: &str, email: &str| {
        CustomerCreateRequest::new(r)
            .email(email)
            .phone("+91 98765 43210")
    };
    sb.faults().push(Some(C), Fault::ResetAfterStore);
    let r = client.create(req("r1", "a@example.com")).await.unwrap();
    assert!(r.diagnostics.lost_answer && r.diagnostics.replayed && !r.existing);
    assert_eq!((r.diagnostics.attempts, sb.customers(C).len()), (2, 1));
    let id = r.connector_customer_id.as_str();

    let e = client.create(req("r1", "a@example.com")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    assert_eq!(e.existing_customer_id(), Some(id));
    let returning = CallOptions {
        on_duplicate: Some(OnDuplicate::ReturnExisting),
        ..CallOptions::default()
    };
    let x = client
        .create_with(req("r1", "a@example.com"), returning)
        .await
        .unwrap();
    assert!(x.existing && x.connector_customer_id == id);

    let e = client.create(req("r2", "a@example.com")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ProcessorError, "{e}");
    assert!(e.to_string().contains(id) && e.existing_customer_id().is_none());
    assert_eq!(sb.customers(C).len(), 1);

    sb.faults().push(Some(C), Fault::MalformedJson);
    let e = client.create(req("r3", "b@example.com")).await.unwrap_err();
    assert!(e.kind() == ErrorKind::UnexpectedResponse && e.outcome_unknown());
    sb.faults().push(Some(C), Fault::Status(503));
    let r4 = client.create(req("r4", "c@example.com")).await.unwrap();
    assert_eq!(r4.diagnostics.attempts, 2);
    assert_eq!(sb.customers(C).len(), 3);
}
