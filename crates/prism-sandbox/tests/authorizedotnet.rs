//! The Authorize.net emulator, driven by the real `prism` client and by raw HTTP.
#![allow(clippy::unwrap_used)]

mod common;

use prism::{
    Address, AuthorizeDotNetConfig, Connector, CustomerClient, CustomerClientBuilder,
    CustomerCreateRequest, ErrorKind, OnDuplicate,
};
use prism_sandbox::{Fault, Sandbox};
use serde_json::{json, Value};

const LOGIN: &str = "prism_sandbox_login";
const KEY: &str = "prism_sbx_key_01";
const C: Connector = Connector::AuthorizeDotNet;

fn builder_with(sb: &Sandbox, login: &str, key: &str) -> CustomerClientBuilder {
    CustomerClient::builder()
        .connector_config(AuthorizeDotNetConfig::new(login, key).into())
        .base_url(sb.base_url(C))
        .retry_policy(common::fast_retry())
}

fn client(sb: &Sandbox) -> CustomerClient {
    builder_with(sb, LOGIN, KEY).build().unwrap()
}

/// Posts `body` and returns (status, raw bytes, JSON after the BOM).
async fn raw(sb: &Sandbox, body: &str) -> (u16, Vec<u8>, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/xml/v1/request.api", sb.base_url(C)))
        .header("Content-Type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let ct = resp.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(ct, "application/json; charset=utf-8");
    let bytes = resp.bytes().await.unwrap().to_vec();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "every answer starts with a BOM"
    );
    let v = serde_json::from_slice(&bytes[3..]).unwrap();
    (status, bytes, v)
}

/// A raw request body as text, `profile` spliced in as given: key order matters to
/// Authorize.net, and a `serde_json::Value` would sort the keys.
fn raw_body(login: &str, key: &str, profile: &str) -> String {
    format!(
        r#"{{"createCustomerProfileRequest":{{"merchantAuthentication":{{"name":"{login}","transactionKey":"{key}"}},"profile":{profile}}}}}"#
    )
}

/// Posts a body given as text (to control key order exactly).
async fn raw_text(sb: &Sandbox, body: String) -> Value {
    let resp = reqwest::Client::new()
        .post(format!("{}/xml/v1/request.api", sb.base_url(C)))
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200, "errors come with HTTP 200");
    let bytes = resp.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    serde_json::from_slice(&bytes[3..]).unwrap()
}

fn full() -> CustomerCreateRequest {
    CustomerCreateRequest::new("cust_user_12345")
        .email("john.doe@example.com")
        .name("John Doe")
        .phone("+1-555-123-4567")
        .description("Premium plan subscriber")
        .address(
            Address::new()
                .with_line1("1 Main St")
                .with_line2("Apt 4")
                .with_city("Springfield")
                .with_state("IL")
                .with_postal_code("62701")
                .with_country("US"),
        )
}

#[tokio::test]
async fn create_through_the_client_stores_profile_and_ship_to_entry() {
    let sb = Sandbox::start().await.unwrap();
    let resp = client(&sb).create(full()).await.unwrap();
    assert!(
        resp.connector_customer_id
            .bytes()
            .all(|b| b.is_ascii_digit()),
        "{}",
        resp.connector_customer_id
    );
    assert_eq!(resp.merchant_customer_id, "cust_user_12345");
    assert_eq!(resp.status_code, 200);
    assert!(!resp.diagnostics.replayed);
    let stored = sb.customers(C);
    assert_eq!(stored.len(), 1);
    let c = &stored[0];
    assert_eq!(c.id, resp.connector_customer_id);
    assert_eq!(c.merchant_customer_id.as_deref(), Some("cust_user_12345"));
    assert_eq!(c.email.as_deref(), Some("john.doe@example.com"));
    assert_eq!(c.body["description"], "Premium plan subscriber");
    let ship = &c.body["shipToList"][0];
    assert_eq!(ship["firstName"], "John");
    assert_eq!(ship["lastName"], "Doe");
    assert_eq!(ship["address"], "1 Main St, Apt 4");
    assert_eq!(ship["zip"], "62701");
    assert_eq!(ship["country"], "US");
    assert_eq!(ship["phoneNumber"], "+1-555-123-4567");
    assert!(ship["customerAddressId"]
        .as_str()
        .unwrap()
        .bytes()
        .all(|b| b.is_ascii_digit()));
    assert_eq!(sb.count_by_reference(C, "cust_user_12345"), 1);

    // Metadata has no home at Authorize.net: rejected before sending.
    let e = client(&sb)
        .create(CustomerCreateRequest::new("c2").metadata("plan", "premium"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(sb.requests_seen(C), 1);
}

#[tokio::test]
async fn the_reply_has_the_documented_shape() {
    let sb = Sandbox::start().await.unwrap();
    let body = raw_body(
        LOGIN,
        KEY,
        r#"{"merchantCustomerId":"r1","shipToList":[{"firstName":"A"},{"lastName":"B"}]}"#,
    );
    let (status, bytes, v) = raw(&sb, &body).await;
    assert_eq!(status, 200);
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with(r#"{"customerProfileId":""#), "{text}");
    let id = v["customerProfileId"].as_str().unwrap();
    assert!(!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(
        v["customerShippingAddressIdList"].as_array().unwrap().len(),
        2
    );
    assert_eq!(v["customerPaymentProfileIdList"], json!([]));
    assert_eq!(v["validationDirectResponseList"], json!([]));
    assert_eq!(
        v["messages"],
        json!({"resultCode":"Ok","message":[{"code":"I00001","text":"Successful."}]})
    );
    // Same keys as the documented reply.
    let fixture: Value = serde_json::from_str(include_str!(
        "../../../tests/fixtures/authorizedotnet/created.json"
    ))
    .unwrap();
    let documented: Value = serde_json::from_str(
        fixture["body_text"]
            .as_str()
            .unwrap()
            .trim_start_matches('\u{feff}'),
    )
    .unwrap();
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), keys(&documented));
    // refId is echoed.
    let with_ref = raw_text(
        &sb,
        format!(
            r#"{{"createCustomerProfileRequest":{{"merchantAuthentication":{{"name":"{LOGIN}","transactionKey":"{KEY}"}},"refId":"ref-7","profile":{{"merchantCustomerId":"r2"}}}}}}"#
        ),
    )
    .await;
    assert_eq!(with_ref["refId"], "ref-7");
}

#[tokio::test]
async fn wrong_credentials_are_e00007_in_http_200() {
    let sb = Sandbox::start().await.unwrap();
    let e = builder_with(&sb, "someone_else", KEY)
        .build()
        .unwrap()
        .create(full())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert_eq!(e.connector_code(), Some("E00007"));
    assert!(!e.is_retryable());
    assert_eq!(sb.requests_seen(C), 1, "not retried");

    let (status, _, v) = raw(
        &sb,
        &raw_body(LOGIN, "wrong_key_00000", r#"{"merchantCustomerId":"r1"}"#),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        v,
        json!({"messages":{"resultCode":"Error","message":[{"code":"E00007","text":"User authentication failed due to invalid authentication values."}]}})
    );
    assert!(sb.customers(C).is_empty());
}

#[tokio::test]
async fn duplicate_reference_and_description_is_e00039_with_the_existing_id() {
    let sb = Sandbox::start().await.unwrap();
    let client = client(&sb);
    let req = CustomerCreateRequest::new("cust_dup")
        .description("Gold")
        .email("a@example.com");
    let first = client.create(req.clone()).await.unwrap();

    let e = client.create(req.clone()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    assert_eq!(e.status_code(), Some(409));
    assert_eq!(e.connector_code(), Some("E00039"));
    assert_eq!(
        e.existing_customer_id(),
        Some(first.connector_customer_id.as_str())
    );

    let again = CustomerClient::builder()
        .connector_config(AuthorizeDotNetConfig::new(LOGIN, KEY).into())
        .base_url(sb.base_url(C))
        .on_duplicate(OnDuplicate::ReturnExisting)
        .build()
        .unwrap()
        .create(req)
        .await
        .unwrap();
    assert!(again.existing);
    assert_eq!(again.connector_customer_id, first.connector_customer_id);

    // Raw: the documented body, with empty id lists and no customerProfileId.
    let (_, _, v) = raw(
        &sb,
        &raw_body(
            LOGIN,
            KEY,
            r#"{"merchantCustomerId":"cust_dup","description":"Gold"}"#,
        ),
    )
    .await;
    assert_eq!(
        v,
        json!({"customerPaymentProfileIdList":[],"customerShippingAddressIdList":[],"validationDirectResponseList":[],
               "messages":{"resultCode":"Error","message":[{"code":"E00039",
               "text":format!("A duplicate record with ID {} already exists.", first.connector_customer_id)}]}})
    );

    // Same reference, another description: Authorize.net creates a second profile.
    let other = client
        .create(CustomerCreateRequest::new("cust_dup").description("Silver"))
        .await
        .unwrap();
    assert_ne!(other.connector_customer_id, first.connector_customer_id);
    assert_eq!(sb.count_by_reference(C, "cust_dup"), 2);
}

#[tokio::test]
async fn a_lost_answer_is_resent_and_the_duplicate_is_our_own_profile() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(Some(C), Fault::ResetAfterStore);
    let resp = client(&sb).create(full()).await.unwrap();
    assert_eq!(resp.diagnostics.attempts, 2);
    assert!(
        resp.diagnostics.replayed,
        "the second attempt found the first one's profile"
    );
    assert!(!resp.existing);
    assert_eq!(sb.count_by_reference(C, "cust_user_12345"), 1);
    assert_eq!(sb.customers(C)[0].id, resp.connector_customer_id);
}

#[tokio::test]
async fn injected_server_errors_are_retried() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(Some(C), Fault::Status(503));
    let resp = client(&sb)
        .create(CustomerCreateRequest::new("r503"))
        .await
        .unwrap();
    assert_eq!(resp.diagnostics.attempts, 2);
    assert_eq!(sb.count_by_reference(C, "r503"), 1);
}

#[tokio::test]
async fn schema_errors_are_e00003() {
    let sb = Sandbox::start().await.unwrap();
    // Over-long merchantCustomerId: the client refuses before sending…
    let e = client(&sb)
        .create(CustomerCreateRequest::new("ODOO-1000000-bf538bf4"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(sb.requests_seen(C), 0);
    // …and the emulator answers it as Authorize.net does.
    let (status, _, v) = raw(
        &sb,
        &raw_body(
            LOGIN,
            KEY,
            r#"{"merchantCustomerId":"ODOO-1000000-bf538bf4"}"#,
        ),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(v["messages"]["message"][0]["code"], "E00003");
    assert_eq!(
        v["messages"]["message"][0]["text"],
        "The 'AnetApi/xml/v1/schema/AnetApiSchema.xsd:merchantCustomerId' element is invalid - The value &#39;ODOO-1000000-bf538bf4&#39; is invalid according to its datatype 'String' - The actual length is greater than the MaxLength value."
    );
    for profile in [
        format!(r#"{{"description":"{}"}}"#, "d".repeat(256)),
        format!(r#"{{"email":"{}@example.com"}}"#, "e".repeat(250)),
        r#"{"shipToList":[{"zip":"123456789012345678901"}]}"#.to_owned(),
        r#"{"shipToList":[{"phoneNumber":"12345678901234567890123456"}]}"#.to_owned(),
    ] {
        let (_, _, v) = raw(&sb, &raw_body(LOGIN, KEY, &profile)).await;
        assert_eq!(v["messages"]["message"][0]["code"], "E00003", "{profile}");
        assert!(v["messages"]["message"][0]["text"]
            .as_str()
            .unwrap()
            .contains("MaxLength"));
    }
    // Keys out of the XSD order, and unknown keys.
    let v = raw_text(
        &sb,
        format!(
            r#"{{"createCustomerProfileRequest":{{"merchantAuthentication":{{"name":"{LOGIN}","transactionKey":"{KEY}"}},"profile":{{"email":"a@example.com","merchantCustomerId":"r1"}}}}}}"#
        ),
    )
    .await;
    assert_eq!(v["messages"]["message"][0]["code"], "E00003");
    assert!(v["messages"]["message"][0]["text"]
        .as_str()
        .unwrap()
        .contains("has invalid child element 'merchantCustomerId'"));
    let (_, _, v) = raw(
        &sb,
        &raw_body(
            LOGIN,
            KEY,
            r#"{"merchantCustomerId":"r1","metadata":{"a":"b"}}"#,
        ),
    )
    .await;
    assert!(v["messages"]["message"][0]["text"]
        .as_str()
        .unwrap()
        .contains("invalid child element 'metadata'"));
    // Schema before credentials.
    let (_, _, v) = raw(
        &sb,
        &raw_body(
            "bad",
            "bad",
            r#"{"merchantCustomerId":"ODOO-1000000-bf538bf4"}"#,
        ),
    )
    .await;
    assert_eq!(v["messages"]["message"][0]["code"], "E00003");
    assert!(sb.customers(C).is_empty());
}

#[tokio::test]
async fn empty_profile_unknown_method_and_garbage() {
    let sb = Sandbox::start().await.unwrap();
    let (_, _, v) = raw(&sb, &raw_body(LOGIN, KEY, r#"{"description":""}"#)).await;
    assert_eq!(
        v,
        json!({"messages":{"resultCode":"Error","message":[{"code":"E00041","text":"One or more fields in the profile must contain a value."}]}})
    );
    let (_, _, v) = raw(&sb, r#"{"createCustomerRequest": {}}"#).await;
    assert_eq!(v["messages"]["message"][0]["code"], "E00004");
    let v = raw_text(&sb, "not json".to_owned()).await;
    assert_eq!(v["messages"]["message"][0]["code"], "E00003");
    // A request body with a BOM of its own is read too.
    let v = raw_text(
        &sb,
        format!(
            "\u{feff}{}",
            raw_body(LOGIN, KEY, r#"{"merchantCustomerId":"bom"}"#)
        ),
    )
    .await;
    assert_eq!(v["messages"]["resultCode"], "Ok");
}
