//! The sandbox itself and its fault layer on the wire. What each fault means to the client, for
//! every connector, is prism-conformance's behaviour suite (the fault matrix); Stripe serves as
//! the example processor here.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use prism::{CallOptions, Connector, CustomerCreateRequest, ErrorKind};
use prism_sandbox::{Fault, FaultMix, Faults, Sandbox};
use prism_testkit::sandbox::*;
use serde_json::json;

const C: Connector = Connector::Stripe;
const STRIPE: Option<Connector> = Some(C);

fn create(sb: &Sandbox) -> reqwest::RequestBuilder {
    post(sb, C, "/v1/customers").bearer_auth(credential(C, "PRISM_STRIPE_API_KEY"))
}

fn req(reference: &str) -> CustomerCreateRequest {
    CustomerCreateRequest::new(reference).email("jane@example.com")
}

fn once() -> CallOptions {
    CallOptions {
        max_retries: Some(0),
        ..CallOptions::default()
    }
}

#[tokio::test]
async fn start_on_a_port_list_the_emulators_and_shut_down() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let sb = Sandbox::start_on(port).await.unwrap();
    let url = sb.root_url();
    assert_eq!(url, format!("http://127.0.0.1:{port}"));
    assert_eq!(sb.base_url(C), format!("{url}/stripe"));
    let adyen = Sandbox::credentials(Connector::Adyen);
    assert!(adyen.is_empty(), "no emulator, no credentials");
    let index = reply(reqwest::Client::new().get(&url)).await;
    let listed = index.1.as_array().map(Vec::len);
    assert_eq!((index.0, listed), (200, Some(Sandbox::connectors().len())));
    sb.shutdown().await;
    let fresh = reqwest::Client::builder().pool_max_idle_per_host(0);
    let fresh = fresh
        .build()
        .unwrap()
        .get(&url)
        .timeout(Duration::from_secs(2));
    assert!(fresh.send().await.is_err(), "stopped");
}

#[tokio::test]
async fn faults_are_scoped_to_their_connector_and_to_creates() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults()
        .push(Some(Connector::Shift4), Fault::Status(500));
    client(&sb, C).create_with(req("r1"), once()).await.unwrap();
    assert_eq!(sb.faults().pending(), 1);
    sb.faults().clear();
    assert_eq!(sb.faults().pending(), 0);
    // A request that is not a create does not consume a fault.
    sb.faults().push(None, Fault::Status(500));
    assert_eq!(reply(get(&sb, C, "/v1/customers")).await.0, 404);
    assert_eq!(sb.faults().pending(), 1);
}

#[tokio::test]
async fn injected_errors_in_the_processors_shape() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(STRIPE, Fault::Status(500));
    let resp = respond(create(&sb)).await;
    assert_eq!(resp.status().as_u16(), 500);
    assert_eq!(resp.headers()["stripe-should-retry"], "false");
    let want = json!({"error": {"message": "An unknown error occurred", "type": "api_error"}});
    assert_eq!(resp.json::<serde_json::Value>().await.unwrap(), want);
    let throttle = Fault::RateLimit {
        retry_after_secs: None,
    };
    sb.faults().push(STRIPE, throttle);
    let resp = respond(create(&sb)).await;
    assert!(resp.status().as_u16() == 429 && !resp.headers().contains_key("retry-after"));
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limit");
}

#[tokio::test]
async fn broken_2xx_bodies_on_the_wire() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(STRIPE, Fault::TruncatedBody);
    let resp = respond(create(&sb)).await;
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.content_length().unwrap() > 100);
    let cut_short = resp.bytes().await.is_err();
    assert!(cut_short, "the body ends before Content-Length");
    let malformed = (Fault::MalformedJson, "{\"id\": \"cus_");
    for (fault, want) in [malformed, (Fault::EmptyBody, "")] {
        sb.faults().push(STRIPE, fault);
        let resp = respond(create(&sb)).await;
        assert_eq!(resp.status().as_u16(), 200);
        assert_eq!(resp.text().await.unwrap(), want);
    }
    sb.faults().push(STRIPE, Fault::HtmlErrorPage);
    let resp = respond(create(&sb)).await;
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(resp.text().await.unwrap().starts_with("<!DOCTYPE html>"));
    assert_eq!(sb.customers(C).len(), 4, "each of them stored the customer");
}

#[tokio::test]
async fn latency_delays_the_answer_past_a_deadline() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults()
        .push(STRIPE, Fault::Latency(Duration::from_millis(500)));
    let client = builder(&sb, C)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client.create_with(req("r2"), once()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
}

#[tokio::test]
async fn a_seeded_random_mix_never_duplicates_a_customer() {
    let sb = Sandbox::start().await.unwrap();
    let spec = "503:0.15,reset-after:0.15,reset-before:0.1,truncated:0.05,latency=5ms:0.1";
    let faults = Faults::parse_spec(spec).unwrap();
    sb.faults().set_random(None, FaultMix { seed: 42, faults });
    let client = builder(&sb, C).max_retries(8).build().unwrap();
    let mut replayed = 0;
    for i in 0..40 {
        let resp = client.create(req(&format!("mix-{i}"))).await.unwrap();
        replayed += usize::from(resp.diagnostics.replayed);
    }
    for i in 0..40 {
        assert_eq!(sb.count_by_reference(C, &format!("mix-{i}")), 1, "mix-{i}");
    }
    assert_eq!(sb.customers(C).len(), 40);
    assert!(sb.requests_seen(C) > 40, "some requests were faulted");
    assert!(
        replayed > 0,
        "some answers were lost after the store and replayed"
    );
}
