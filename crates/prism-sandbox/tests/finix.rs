//! The Finix emulator's own wire (what every connector shares: prism-conformance's behaviour
//! suite; the request mapping: the conformance snapshots).
#![allow(clippy::unwrap_used)]

use prism::Connector;
use prism_sandbox::Sandbox;
use prism_testkit::fixtures::body_json;
use prism_testkit::json::{assert_same_keys, assert_subset, digit_shape, pluck};
use prism_testkit::sandbox::*;
use serde_json::{json, Value};

const C: Connector = Connector::Finix;
const USER: &str = "PRISM_FINIX_USERNAME";

/// A raw create as `user` (or without credentials), `Finix-Version` pinned.
fn create(sb: &Sandbox, user: Option<(&str, &str)>, body: &str) -> reqwest::RequestBuilder {
    let req = post(sb, C, "/identities").header("Finix-Version", "2022-02-01");
    let req = req.header("Content-Type", "application/json");
    let req = req.body(body.to_owned());
    match user {
        Some((u, p)) => req.basic_auth(u, Some(p)),
        None => req,
    }
}

fn me() -> Option<(&'static str, &'static str)> {
    Some((credential(C, USER), credential(C, "PRISM_FINIX_PASSWORD")))
}

/// The first error's code of a HAL error list.
fn code(v: &Value) -> &str {
    let code = &v["_embedded"]["errors"][0]["code"];
    code.as_str().unwrap_or_default()
}

#[tokio::test]
async fn the_reply_has_the_documented_shape() {
    let sb = Sandbox::start().await.unwrap();
    let sent = r#"{"entity":{"first_name":"Collen"},"tags":{"key":"value"}}"#;
    let resp = respond(create(&sb, me(), sent).header("Accept", "application/hal+json")).await;
    assert_eq!(resp.status().as_u16(), 201);
    let hal = ("content-type", "application/hal+json");
    assert_headers(&resp, &[hal, ("finix-version", "2022-02-01")]);
    assert!(resp.headers().contains_key("x-request-id"));
    let body: Value = resp.json().await.unwrap();
    let documented = body_json("finix", "created");
    for part in ["", "/entity", "/_links"] {
        let (got, doc) = (body.pointer(part), documented.pointer(part));
        assert_same_keys(got.unwrap(), doc.unwrap());
    }
    let want = json!({"entity": {"last_name": null, "personal_address": null,
        "ownership_type": "PRIVATE"}, "tags": {"key": "value"}});
    assert_subset(&body, &want);
    let created = digit_shape(body["created_at"].as_str().unwrap());
    assert_eq!(created, "9999-99-99T99:99:99.99Z");
    let id = body["id"].as_str().unwrap();
    assert!(id.starts_with("ID") && id.len() == 24, "{id}");
    assert!(id[2..].chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
    let link = body["_links"]["self"]["href"].as_str().unwrap();
    assert!(link.ends_with(&format!("/identities/{id}")));
}

/// Finix's 401 shape (wrong credentials through the client: the behaviour suite) and the
/// read-only user's 403 (how the connector reads it: tests/fixtures/finix/permission_denied.json).
#[tokio::test]
async fn auth_failures_are_finix_401_and_a_read_only_user_is_403() {
    let sb = Sandbox::start().await.unwrap();
    let (status, v) = reply(create(&sb, None, "{}")).await;
    assert_eq!((status, &v["total"]), (401, &json!(1)));
    let e = &v["_embedded"]["errors"][0];
    assert_subset(e, &json!({"code": "UNKNOWN", "message": "Unauthorized"}));
    assert!(e["logref"].is_string() && e["_links"]["self"]["href"].is_string());
    let read_only = Some((
        "USprismSandboxReadOnly",
        credential(C, "PRISM_FINIX_PASSWORD"),
    ));
    let (status, v) = reply(create(&sb, read_only, "{}")).await;
    assert_eq!(
        (status, code(&v)),
        (403, "FORBIDDEN"),
        "read as permission_denied.json"
    );
    assert!(sb.customers(C).is_empty());
}

#[tokio::test]
async fn bad_json_accept_and_routing_errors() {
    let sb = Sandbox::start().await.unwrap();
    let (status, v) = reply(create(&sb, me(), "{\"entity\":")).await;
    assert_eq!((status, code(&v)), (400, "BAD_REQUEST"));
    let (status, v) = reply(create(&sb, me(), "{}").header("Accept", "text/html")).await;
    assert_eq!((status, code(&v)), (406, "NOT_ACCEPTABLE"));
    let (status, v) = reply(raw(&sb, C, reqwest::Method::PUT, "/identities")).await;
    assert_eq!((status, code(&v)), (405, "METHOD_NOT_ALLOWED"));
    let resp = respond(get(&sb, C, "/nothing")).await;
    assert_eq!(resp.headers()["content-type"], "application/hal+json");
    let (status, v) = (resp.status().as_u16(), resp.json::<Value>().await.unwrap());
    assert_eq!((status, code(&v)), (404, "NOT_FOUND"));
    assert!(sb.customers(C).is_empty());
}

/// Every bad field at once, one `INVALID_FIELD` each (Finix's own rules; what Prism refuses
/// before sending: the connector's unit tests).
#[tokio::test]
async fn field_errors_are_422_invalid_field_per_field() {
    let sb = Sandbox::start().await.unwrap();
    let address = json!({"country": "US", "region": "Illinois", "postal_code": "12345678"});
    let sent = json!({"entity": {"email": "not-an-email", "last_name": "x".repeat(21),
        "phone": "+15551234567", "business_type": "LLC", "personal_address": address},
        "tags": {"k".repeat(41): "v", "n": 1}, "foo": 1});
    let (status, v) = reply(create(&sb, me(), &sent.to_string())).await;
    assert_eq!((status, &v["total"]), (422, &json!(10)));
    let errors = &v["_embedded"]["errors"];
    let mut fields: Vec<String> = serde_json::from_value(pluck(errors, "field")).unwrap();
    fields.sort();
    let (entity, address) = ("entity", "entity.personal_address");
    let want = [
        format!("{entity}.business_type"),
        format!("{entity}.email"),
        format!("{entity}.last_name"),
        format!("{address}.country"),
        format!("{address}.postal_code"),
        format!("{address}.region"),
        format!("{entity}.phone"),
        "foo".into(),
        format!("tags.{}", "k".repeat(41)),
        "tags.n".into(),
    ];
    assert_eq!(fields, want);
    assert_eq!(pluck(errors, "code"), json!(vec!["INVALID_FIELD"; 10]));
    assert!(sb.customers(C).is_empty());
}

#[tokio::test]
async fn idempotency_hints_are_ignored_and_the_list_finds_by_tag() {
    let sb = Sandbox::start().await.unwrap();
    let sent = r#"{"tags":{"merchant_customer_id":"raw"},"idempotency_id":"k1"}"#;
    for _ in 0..2 {
        let req = create(&sb, me(), sent).header("Idempotency-Key", "k1");
        assert_eq!(reply(req).await.0, 201);
    }
    assert_eq!(sb.count_by_reference(C, "raw"), 2);
    let (u, p) = me().unwrap();
    let by_tag = "/identities?tags.key=merchant_customer_id&tags.value=raw";
    let list = get(&sb, C, by_tag);
    let (_, list) = reply(list.basic_auth(u, Some(p))).await;
    let ids = stored_ids(&sb, C);
    let found = pluck(&list["_embedded"]["identities"], "id");
    assert_eq!(found, json!([ids[1], ids[0]]), "newest first");
}
