//! The Finix emulator, driven by the real `prism` client and by raw HTTP.
#![allow(clippy::unwrap_used)]

mod common;

use prism::{
    Address, CallOptions, Connector, CustomerClient, CustomerClientBuilder, CustomerCreateRequest,
    ErrorKind, FinixConfig, UnsupportedFields,
};
use prism_sandbox::{Fault, Sandbox};
use serde_json::{json, Value};

const USER: &str = "USprismSandbox";
const PASSWORD: &str = "prism-sandbox-password";
const FINIX: Option<Connector> = Some(Connector::Finix);

fn builder_as(sb: &Sandbox, user: &str, password: &str) -> CustomerClientBuilder {
    CustomerClient::builder()
        .connector_config(FinixConfig::new(user, password).into())
        .base_url(sb.base_url(Connector::Finix))
        .retry_policy(common::fast_retry())
}

fn client(sb: &Sandbox) -> CustomerClient {
    builder_as(sb, USER, PASSWORD).build().unwrap()
}

fn raw_post(sb: &Sandbox, auth: Option<(&str, &str)>) -> reqwest::RequestBuilder {
    let mut req = reqwest::Client::new()
        .post(format!("{}/identities", sb.base_url(Connector::Finix)))
        .header("Finix-Version", "2022-02-01")
        .header("Content-Type", "application/json");
    if let Some((u, p)) = auth {
        req = req.basic_auth(u, Some(p));
    }
    req
}

fn example() -> CustomerCreateRequest {
    CustomerCreateRequest::new("cust_user_12345")
        .email("john.doe@example.com")
        .name("John Doe")
        .phone("+1-555-123-4567")
        .metadata("plan", "premium")
        .address(common::example_address())
}

#[tokio::test]
async fn create_succeeds_and_stores_the_identity() {
    let sb = Sandbox::start().await.unwrap();
    let resp = client(&sb).create(example()).await.unwrap();
    let id = &resp.connector_customer_id;
    assert!(id.starts_with("ID") && id.len() == 24, "{id}");
    assert!(id[2..].chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(resp.merchant_customer_id, "cust_user_12345");
    assert_eq!(resp.status_code, 201);
    assert_eq!(resp.diagnostics.attempts, 1);
    assert!(!resp.diagnostics.replayed);
    assert_eq!(resp.diagnostics.idempotency_key, None);
    assert_eq!(
        resp.diagnostics.request_id.as_deref().map(str::len),
        Some(36)
    );

    let stored = sb.customers(Connector::Finix);
    assert_eq!(stored.len(), 1);
    let c = &stored[0];
    assert_eq!(&c.id, id);
    assert_eq!(c.merchant_customer_id.as_deref(), Some("cust_user_12345"));
    assert_eq!(c.email.as_deref(), Some("john.doe@example.com"));
    let e = &c.body["entity"];
    assert_eq!(
        (e["first_name"].as_str(), e["last_name"].as_str()),
        (Some("John"), Some("Doe"))
    );
    assert_eq!(e["phone"], "5551234567");
    assert_eq!(
        e["personal_address"],
        json!({"line1":"1 Main St","line2":null,"city":"Springfield","region":"IL","postal_code":"62701","country":"USA"})
    );
    assert_eq!(
        c.body["tags"],
        json!({"merchant_customer_id":"cust_user_12345","plan":"premium"})
    );
    assert_eq!(sb.requests_seen(Connector::Finix), 1);
}

#[tokio::test]
async fn the_reply_has_the_documented_shape() {
    let sb = Sandbox::start().await.unwrap();
    let resp = raw_post(&sb, Some((USER, PASSWORD)))
        .header("Accept", "application/hal+json")
        .body(r#"{"entity":{"first_name":"Collen"},"tags":{"key":"value"}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(resp.headers()["content-type"], "application/hal+json");
    assert_eq!(resp.headers()["finix-version"], "2022-02-01");
    assert!(resp.headers().contains_key("x-request-id"));
    let body: Value = resp.json().await.unwrap();
    let fixture: Value =
        serde_json::from_str(include_str!("../../../tests/fixtures/finix/created.json")).unwrap();
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&body), keys(&fixture["body"]));
    assert_eq!(keys(&body["entity"]), keys(&fixture["body"]["entity"]));
    assert_eq!(keys(&body["_links"]), keys(&fixture["body"]["_links"]));
    assert_eq!(body["entity"]["last_name"], Value::Null);
    assert_eq!(body["entity"]["personal_address"], Value::Null);
    assert_eq!(body["entity"]["ownership_type"], "PRIVATE");
    assert_eq!(body["tags"], json!({"key":"value"}));
    let created = body["created_at"].as_str().unwrap();
    assert_eq!(
        (
            created.len(),
            &created[10..11],
            &created[19..20],
            &created[22..]
        ),
        (23, "T", ".", "Z")
    );
    let id = body["id"].as_str().unwrap();
    assert!(body["_links"]["self"]["href"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/identities/{id}")));
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_finix_401() {
    let sb = Sandbox::start().await.unwrap();
    let err = builder_as(&sb, USER, "wrong-password")
        .build()
        .unwrap()
        .create(example())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.connector_code(), Some("UNKNOWN"));
    assert!(err.request_id().is_some());
    assert!(!format!("{err} {err:?}").contains("wrong-password"));

    for auth in [None, Some((USER, "nope")), Some(("USother", PASSWORD))] {
        let resp = raw_post(&sb, auth).body("{}").send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 401);
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["total"], 1);
        let e = &v["_embedded"]["errors"][0];
        assert_eq!(
            (e["code"].as_str(), e["message"].as_str()),
            (Some("UNKNOWN"), Some("Unauthorized"))
        );
        assert!(e["logref"].is_string() && e["_links"]["self"]["href"].is_string());
    }
    assert!(sb.customers(Connector::Finix).is_empty());
}

#[tokio::test]
async fn read_only_user_is_permission_denied() {
    let sb = Sandbox::start().await.unwrap();
    let err = builder_as(&sb, "USprismSandboxReadOnly", PASSWORD)
        .build()
        .unwrap()
        .create(example())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    assert_eq!(err.connector_code(), Some("FORBIDDEN"));
}

#[tokio::test]
async fn bad_json_accept_and_routing_errors() {
    let sb = Sandbox::start().await.unwrap();
    let code = |v: &Value| {
        v["_embedded"]["errors"][0]["code"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    let resp = raw_post(&sb, Some((USER, PASSWORD)))
        .body("{\"entity\":")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    assert_eq!(code(&resp.json().await.unwrap()), "BAD_REQUEST");

    let resp = raw_post(&sb, Some((USER, PASSWORD)))
        .header("Accept", "text/html")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 406);
    assert_eq!(code(&resp.json().await.unwrap()), "NOT_ACCEPTABLE");

    let http = reqwest::Client::new();
    let resp = http
        .put(format!("{}/identities", sb.base_url(Connector::Finix)))
        .basic_auth(USER, Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    assert_eq!(code(&resp.json().await.unwrap()), "METHOD_NOT_ALLOWED");

    let resp = http
        .get(format!("{}/nothing", sb.base_url(Connector::Finix)))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    assert_eq!(resp.headers()["content-type"], "application/hal+json");
    assert_eq!(code(&resp.json().await.unwrap()), "NOT_FOUND");
    assert!(sb.customers(Connector::Finix).is_empty());
}

#[tokio::test]
async fn field_errors_are_422_invalid_field_per_field() {
    let sb = Sandbox::start().await.unwrap();
    let body = json!({
        "entity": {"email": "not-an-email", "last_name": "x".repeat(21), "personal_address": {"country": "US"}},
        "tags": {"k".repeat(41): "v"}
    });
    let resp = raw_post(&sb, Some((USER, PASSWORD)))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 422);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["total"], 4);
    let mut fields: Vec<&str> = v["_embedded"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    let long_tag = format!("tags.{}", "k".repeat(41));
    assert_eq!(
        fields,
        [
            "entity.email",
            "entity.last_name",
            "entity.personal_address.country",
            long_tag.as_str()
        ]
    );
    assert!(v["_embedded"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["code"] == "INVALID_FIELD"));
    assert!(sb.customers(Connector::Finix).is_empty());
}

#[tokio::test]
async fn prism_rejects_what_finix_cannot_take_before_sending() {
    let sb = Sandbox::start().await.unwrap();
    let c = client(&sb);
    let cases = [
        (
            CustomerCreateRequest::new("r").description("Premium plan subscriber"),
            "description",
        ),
        (
            CustomerCreateRequest::new("r").name("Bartholomew-Maximilian Jones"),
            "name",
        ),
        (
            CustomerCreateRequest::new("r").phone("+44 20 7946 0958"),
            "phone",
        ),
        (
            CustomerCreateRequest::new("r").address(Address {
                country: Some("US".into()),
                ..Address::default()
            }),
            "address.line1",
        ),
        (
            CustomerCreateRequest::new("r").metadata("merchant_customer_id", "x"),
            "metadata.merchant_customer_id",
        ),
    ];
    for (req, field) in cases {
        let err = c.create(req).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{field}: {err}");
        assert!(
            err.field_errors().iter().any(|f| f.field == field),
            "{field}: {:?}",
            err.field_errors()
        );
    }
    assert_eq!(sb.requests_seen(Connector::Finix), 0, "nothing was sent");

    // With UnsupportedFields::Ignore the description is reported, not stored.
    let resp = c
        .create_with(
            CustomerCreateRequest::new("r-ignore").description("Premium plan subscriber"),
            CallOptions {
                unsupported_fields: Some(UnsupportedFields::Ignore),
                ..CallOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(resp.diagnostics.unstored_fields, ["description"]);
    let stored = sb.customers(Connector::Finix);
    assert_eq!(
        stored[0].body["tags"],
        json!({"merchant_customer_id":"r-ignore"})
    );
}

#[tokio::test]
async fn no_idempotency_and_no_uniqueness() {
    let sb = Sandbox::start().await.unwrap();
    let c = client(&sb);
    let a = c
        .create(CustomerCreateRequest::new("cust_dup"))
        .await
        .unwrap();
    let b = c
        .create(CustomerCreateRequest::new("cust_dup"))
        .await
        .unwrap();
    assert_ne!(
        a.connector_customer_id, b.connector_customer_id,
        "Finix makes two buyers"
    );
    assert_eq!(sb.count_by_reference(Connector::Finix, "cust_dup"), 2);
    // An Idempotency-Key header or idempotency_id changes nothing.
    for _ in 0..2 {
        let resp = raw_post(&sb, Some((USER, PASSWORD)))
            .header("Idempotency-Key", "k1")
            .body(r#"{"tags":{"merchant_customer_id":"raw"},"idempotency_id":"k1"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 201);
    }
    assert_eq!(sb.count_by_reference(Connector::Finix, "raw"), 2);

    // The reconciliation listing finds them by tag.
    let list: Value = reqwest::Client::new()
        .get(format!(
            "{}/identities?tags.key=merchant_customer_id&tags.value=cust_dup",
            sb.base_url(Connector::Finix)
        ))
        .basic_auth(USER, Some(PASSWORD))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let found = list["_embedded"]["identities"].as_array().unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(
        found[0]["id"],
        b.connector_customer_id.as_str(),
        "newest first"
    );
}

#[tokio::test]
async fn server_error_is_not_resent() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(FINIX, Fault::Status(500));
    let err = client(&sb).create(example()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ProcessorUnavailable);
    assert_eq!(err.connector_code(), Some("SERVER_ERROR"));
    assert!(err.outcome_unknown(), "a 5xx may have created the buyer");
    assert_eq!(
        sb.requests_seen(Connector::Finix),
        1,
        "no idempotency: never resent"
    );
}

#[tokio::test]
async fn reset_after_store_is_final_and_unknown() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(FINIX, Fault::ResetAfterStore);
    let err = client(&sb).create(example()).await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Transport | ErrorKind::Timeout),
        "{err}"
    );
    assert!(err.outcome_unknown());
    assert_eq!(
        sb.customers(Connector::Finix).len(),
        1,
        "stored once, never duplicated"
    );
    assert_eq!(sb.requests_seen(Connector::Finix), 1);
}

#[tokio::test]
async fn rate_limit_is_retried() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(
        FINIX,
        Fault::RateLimit {
            retry_after_secs: None,
        },
    );
    let resp = client(&sb).create(example()).await.unwrap();
    assert_eq!(resp.diagnostics.attempts, 2);
    assert_eq!(sb.customers(Connector::Finix).len(), 1);

    sb.faults().push(
        FINIX,
        Fault::RateLimit {
            retry_after_secs: None,
        },
    );
    let err = client(&sb)
        .create_with(
            example(),
            CallOptions {
                max_retries: Some(0),
                ..CallOptions::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.connector_code(), Some("TOO_MANY_REQUESTS"));
    assert!(!err.outcome_unknown());
}

#[tokio::test]
async fn odd_success_bodies_are_unexpected_responses() {
    let sb = Sandbox::start().await.unwrap();
    for fault in [Fault::HtmlErrorPage, Fault::EmptyBody, Fault::MalformedJson] {
        sb.faults().push(FINIX, fault.clone());
        let err = client(&sb).create(example()).await.unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::UnexpectedResponse,
            "{fault:?}: {err}"
        );
    }
}

#[tokio::test]
async fn registry_and_index() {
    let sb = Sandbox::start().await.unwrap();
    assert!(Sandbox::connectors().contains(&Connector::Finix));
    assert_eq!(
        Sandbox::credentials(Connector::Finix),
        &[
            ("PRISM_FINIX_USERNAME", USER),
            ("PRISM_FINIX_PASSWORD", PASSWORD)
        ]
    );
    let index: Value = reqwest::get(sb.root_url())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let finix = index
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["connector"] == "finix")
        .unwrap();
    assert_eq!(finix["credentials"]["PRISM_FINIX_PASSWORD"], PASSWORD);
}
