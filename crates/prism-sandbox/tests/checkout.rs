//! What is particular to the Checkout.com emulator's wire: the stored customer and the reply in
//! Checkout.com's shape, `Cko-Request-Id`, the bodyless 401 and 404, the lookup by id or email,
//! and `Cko-Idempotency-Key` ignored. The behaviour every connector shares is prism-conformance's
//! behaviour suite; the validation codes are the emulator's unit tests'.
#![cfg(feature = "checkout")]
#![allow(clippy::unwrap_used)]

use prism::{Connector, CustomerClient, Environment, UnsupportedFields};
use prism_sandbox::Sandbox;
use prism_testkit::fixtures::body_json;
use prism_testkit::json::{assert_subset, sorted_keys};
use prism_testkit::requests::product_request;
use prism_testkit::sandbox::{
    builder, config_from, credential, get, post, reply, reqwest, respond,
};
use serde_json::{json, Value};

const C: Connector = Connector::Checkout;

fn key() -> &'static str {
    credential(C, "PRISM_CHECKOUT_SECRET_KEY")
}

fn create(sb: &Sandbox, body: &Value) -> reqwest::RequestBuilder {
    post(sb, C, "/customers").bearer_auth(key()).json(body)
}

fn request_id(resp: &reqwest::Response) -> Option<String> {
    let v = resp.headers().get("cko-request-id")?.to_str().ok()?;
    Some(v.to_owned())
}

#[tokio::test]
async fn the_client_request_is_stored_in_checkouts_shape() {
    let sb = Sandbox::start().await.unwrap();
    let client = builder(&sb, C)
        .unsupported_fields(UnsupportedFields::Ignore)
        .build()
        .unwrap();
    let resp = client
        .create(product_request("cust_user_12345").metadata("plan", "premium"))
        .await
        .unwrap();
    assert_eq!(resp.status_code, 201);
    assert_eq!(resp.diagnostics.unstored_fields, ["description"]);
    assert_eq!(
        resp.diagnostics.request_id.as_deref().map(str::len),
        Some(13)
    );
    let stored = &sb.customers(C)[0];
    assert_eq!(stored.id, resp.connector_customer_id);
    let want = json!({"email": "john.doe@example.com", "name": "John Doe",
        "phone": {"country_code": "+1", "number": "5551234567"},
        "metadata": {"merchant_customer_id": "cust_user_12345", "plan": "premium"},
        "default": null, "instruments": []});
    assert_subset(&stored.body, &want);
}

#[tokio::test]
async fn replies_have_the_documented_shapes() {
    let sb = Sandbox::start().await.unwrap();
    let body = json!({"email": "a@example.com", "metadata": {"merchant_customer_id": "r1"}});
    let resp = respond(create(&sb, &body)).await;
    assert_eq!(resp.status(), 201);
    assert_eq!(request_id(&resp).map(|id| id.len()), Some(13));
    let created: Value = resp.json().await.unwrap();
    assert_eq!(
        sorted_keys(&created),
        sorted_keys(&body_json("checkout", "created"))
    );

    // Bad key: 401 with no body at all.
    let resp = respond(
        post(&sb, C, "/customers")
            .bearer_auth("sk_sbox_x")
            .json(&body),
    )
    .await;
    assert_eq!(resp.status(), 401);
    assert!(resp.bytes().await.unwrap().is_empty());

    // A data rejection: the ValidationError shape, its request id also in the header.
    let resp = respond(create(&sb, &json!({"email": "nope"}))).await;
    assert_eq!(resp.status(), 422);
    let header = request_id(&resp);
    let rejected: Value = resp.json().await.unwrap();
    assert_eq!(
        sorted_keys(&rejected),
        sorted_keys(&body_json("checkout", "invalid_request"))
    );
    assert_eq!(rejected["request_id"].as_str(), header.as_deref());

    // An unknown path: 404 with no body.
    let resp = respond(post(&sb, C, "/v1/customers").bearer_auth(key()).json(&body)).await;
    assert_eq!(resp.status(), 404);
    assert!(resp.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn lookup_by_id_or_email_and_no_idempotency() {
    let sb = Sandbox::start().await.unwrap();
    let body = json!({"email": "Jane@Example.com", "metadata": {"merchant_customer_id": "r1"}});
    let keyed = || create(&sb, &body).header("Cko-Idempotency-Key", "same-key");
    let (_, first) = reply(keyed()).await;
    let (status, second) = reply(keyed()).await;
    assert_eq!(status, 201);
    assert_ne!(
        first["id"], second["id"],
        "the key is not honoured on /customers"
    );
    assert_eq!(sb.count_by_reference(C, "r1"), 2);

    let id = first["id"].as_str().unwrap();
    for identifier in [id, "jane@example.com"] {
        let path = format!("/customers/{identifier}");
        let (status, found) = reply(get(&sb, C, &path).bearer_auth(key())).await;
        assert_eq!(
            (status, found["id"].as_str()),
            (200, Some(id)),
            "{identifier}"
        );
        assert_eq!(found["metadata"], json!({"merchant_customer_id": "r1"}));
    }
    let resp = respond(get(&sb, C, "/customers/cus_none").bearer_auth(key())).await;
    assert_eq!(resp.status(), 404);
    let resp = respond(get(&sb, C, &format!("/customers/{id}"))).await;
    assert_eq!(resp.status(), 401);
}

#[test]
fn without_an_override_the_host_is_the_accounts_own() {
    // Built only: nothing is sent.
    let url = |env| {
        let config = config_from(C, Sandbox::credentials(C));
        let live = [(
            "PRISM_CHECKOUT_SECRET_KEY",
            "sk_m73dzbpy7cf3gfd46xr4yj5xo4e",
        )];
        let config = match env {
            Environment::Sandbox => config,
            Environment::Production => config_from(C, &[live[0], Sandbox::credentials(C)[1]]),
        };
        let client = CustomerClient::builder()
            .connector_config(config)
            .environment(env)
            .build()
            .unwrap();
        client.base_url().to_owned()
    };
    let sandbox = url(Environment::Sandbox);
    assert_eq!(
        sandbox.trim_end_matches('/'),
        "https://prismsbx.api.sandbox.checkout.com"
    );
    let production = url(Environment::Production);
    assert_eq!(
        production.trim_end_matches('/'),
        "https://prismsbx.api.checkout.com"
    );
}
