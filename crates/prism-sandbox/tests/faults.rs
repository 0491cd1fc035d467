//! Each fault kind, observed through the real `prism` client (and raw HTTP where the wire matters).
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use prism::{
    CallOptions, Connector, CustomerClient, CustomerClientBuilder, CustomerCreateRequest, ErrorKind,
};
use prism_sandbox::{Fault, FaultMix, Faults, Sandbox};
use serde_json::Value;

const KEY: &str = "sk_test_prism_sandbox";
const STRIPE: Option<Connector> = Some(Connector::Stripe);

fn builder(sb: &Sandbox) -> CustomerClientBuilder {
    CustomerClient::builder()
        .connector(Connector::Stripe)
        .api_key(KEY)
        .base_url(sb.base_url(Connector::Stripe))
        .retry_policy(common::fast_retry())
}

fn once() -> CallOptions {
    CallOptions {
        max_retries: Some(0),
        ..CallOptions::default()
    }
}

fn req(reference: &str) -> CustomerCreateRequest {
    CustomerCreateRequest::new(reference)
        .email("jane@example.com")
        .name("Jane")
}

#[tokio::test]
async fn reset_after_store_then_retry_replays_the_stored_customer() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(STRIPE, Fault::ResetAfterStore);
    let resp = builder(&sb)
        .build()
        .unwrap()
        .create(req("r-reset-after"))
        .await
        .unwrap();
    assert!(resp.diagnostics.replayed, "the retry got the stored reply");
    assert_eq!(resp.diagnostics.attempts, 2);
    let stored = sb.customers(Connector::Stripe);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, resp.connector_customer_id);
    assert_eq!(sb.requests_seen(Connector::Stripe), 2);
}

#[tokio::test]
async fn reset_after_store_without_retry_is_settled_by_the_lookup() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(STRIPE, Fault::ResetAfterStore);
    let resp = builder(&sb)
        .build()
        .unwrap()
        .create_with(req("r1"), once())
        .await
        .unwrap();
    // The answer was lost; Stripe's search names the customer the create stored.
    assert!(resp.diagnostics.reconciled && resp.diagnostics.lost_answer);
    assert_eq!(resp.diagnostics.attempts, 1, "not resent");
    let stored = sb.customers(Connector::Stripe);
    assert_eq!(stored.len(), 1, "the customer was stored before the reset");
    assert_eq!(stored[0].id, resp.connector_customer_id);
}

#[tokio::test]
async fn reset_before_store_then_retry_creates_once() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(STRIPE, Fault::ResetBeforeStore);
    let resp = builder(&sb)
        .build()
        .unwrap()
        .create(req("r-reset-before"))
        .await
        .unwrap();
    assert!(
        !resp.diagnostics.replayed,
        "nothing was stored by the first attempt"
    );
    assert_eq!(resp.diagnostics.attempts, 2);
    assert_eq!(sb.customers(Connector::Stripe).len(), 1);

    sb.faults().push(STRIPE, Fault::ResetBeforeStore);
    let err = builder(&sb)
        .build()
        .unwrap()
        .create_with(req("r-other"), once())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(sb.customers(Connector::Stripe).len(), 1);
}

#[tokio::test]
async fn status_500_without_retries_is_processor_unavailable() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(STRIPE, Fault::Status(500));
    let err = builder(&sb)
        .build()
        .unwrap()
        .create_with(req("r1"), once())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ProcessorUnavailable);
    assert_eq!(err.http_status(), Some(500));
    assert!(err.request_id().unwrap().starts_with("req_"));
    assert!(sb.customers(Connector::Stripe).is_empty());
}

#[tokio::test]
async fn status_503_is_retried_then_succeeds() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(STRIPE, Fault::Status(503));
    sb.faults().push(STRIPE, Fault::Status(502));
    let resp = builder(&sb)
        .build()
        .unwrap()
        .create(req("r1"))
        .await
        .unwrap();
    assert_eq!(resp.diagnostics.attempts, 3);
    assert_eq!(sb.customers(Connector::Stripe).len(), 1);
    assert_eq!(sb.faults().pending(), 0);
}

#[tokio::test]
async fn rate_limit_carries_retry_after_and_stripes_body() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(
        STRIPE,
        Fault::RateLimit {
            retry_after_secs: Some(1),
        },
    );
    let err = builder(&sb)
        .build()
        .unwrap()
        .create_with(req("r1"), once())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(err.connector_code(), Some("rate_limit"));

    // Raw: the wire shape.
    sb.faults().push(
        STRIPE,
        Fault::RateLimit {
            retry_after_secs: None,
        },
    );
    let resp = reqwest::Client::new()
        .post(format!("{}/v1/customers", sb.base_url(Connector::Stripe)))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    assert!(!resp.headers().contains_key("retry-after"));
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["code"], "rate_limit");

    // Retried, then success.
    sb.faults().push(
        STRIPE,
        Fault::RateLimit {
            retry_after_secs: None,
        },
    );
    builder(&sb)
        .build()
        .unwrap()
        .create(req("r2"))
        .await
        .unwrap();
    assert_eq!(sb.customers(Connector::Stripe).len(), 1);
}

#[tokio::test]
async fn truncated_body_is_settled_by_the_lookup_or_the_retry_replays() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(STRIPE, Fault::TruncatedBody);
    let resp = builder(&sb)
        .build()
        .unwrap()
        .create_with(req("r1"), once())
        .await
        .unwrap();
    assert!(
        resp.diagnostics.reconciled,
        "a broken answer, settled by search"
    );
    assert_eq!(sb.customers(Connector::Stripe).len(), 1);

    sb.faults().push(STRIPE, Fault::TruncatedBody);
    let resp = builder(&sb)
        .build()
        .unwrap()
        .create(req("r2"))
        .await
        .unwrap();
    assert!(resp.diagnostics.replayed && !resp.diagnostics.reconciled);
    assert_eq!(sb.customers(Connector::Stripe).len(), 2);
}

#[tokio::test]
async fn truncated_body_on_the_wire() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(STRIPE, Fault::TruncatedBody);
    let resp = reqwest::Client::new()
        .post(format!("{}/v1/customers", sb.base_url(Connector::Stripe)))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let announced = resp.content_length().unwrap();
    assert!(announced > 100);
    assert!(
        resp.bytes().await.is_err(),
        "the body ends before Content-Length"
    );
}

#[tokio::test]
async fn bad_2xx_bodies_are_stored_and_settled_by_the_lookup() {
    let sb = Sandbox::start().await.unwrap();
    let client = builder(&sb).build().unwrap();
    for (i, fault) in [Fault::MalformedJson, Fault::HtmlErrorPage, Fault::EmptyBody]
        .into_iter()
        .enumerate()
    {
        sb.faults().push(STRIPE, fault.clone());
        let resp = client
            .create_with(req(&format!("r{i}")), once())
            .await
            .unwrap();
        assert!(resp.diagnostics.reconciled, "{fault:?}");
        let stored = sb.customers(Connector::Stripe);
        assert_eq!(stored.len(), i + 1, "{fault:?} stores the customer");
        assert_eq!(stored[i].id, resp.connector_customer_id, "{fault:?}");
    }
}

#[tokio::test]
async fn bad_2xx_bodies_on_the_wire() {
    let sb = Sandbox::start().await.unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/v1/customers", sb.base_url(Connector::Stripe));
    for (fault, want) in [
        (Fault::MalformedJson, "{\"id\": \"cus_"),
        (Fault::EmptyBody, ""),
    ] {
        sb.faults().push(STRIPE, fault);
        let resp = http.post(&url).bearer_auth(KEY).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        assert_eq!(resp.text().await.unwrap(), want);
    }
    sb.faults().push(STRIPE, Fault::HtmlErrorPage);
    let resp = http.post(&url).bearer_auth(KEY).send().await.unwrap();
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(resp.text().await.unwrap().starts_with("<!DOCTYPE html>"));
}

#[tokio::test]
async fn latency_delays_and_can_time_out() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults()
        .push(STRIPE, Fault::Latency(Duration::from_millis(150)));
    let started = Instant::now();
    builder(&sb)
        .build()
        .unwrap()
        .create(req("r1"))
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));

    sb.faults()
        .push(STRIPE, Fault::Latency(Duration::from_millis(500)));
    let client = builder(&sb)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client.create_with(req("r2"), once()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
}

#[tokio::test]
async fn faults_are_scoped_to_their_connector() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults()
        .push(Some(Connector::Shift4), Fault::Status(500));
    builder(&sb)
        .build()
        .unwrap()
        .create_with(req("r1"), once())
        .await
        .unwrap();
    assert_eq!(sb.faults().pending(), 1);
    sb.faults().clear();
    assert_eq!(sb.faults().pending(), 0);

    // A non-create request does not consume a fault.
    sb.faults().push(None, Fault::Status(500));
    let resp = reqwest::get(format!("{}/v1/customers", sb.base_url(Connector::Stripe)))
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    assert_eq!(sb.faults().pending(), 1);
}

#[tokio::test]
async fn a_seeded_random_mix_never_duplicates_a_customer() {
    let sb = Sandbox::start().await.unwrap();
    let faults = Faults::parse_spec(
        "503:0.15,reset-after:0.15,reset-before:0.1,truncated:0.05,latency=5ms:0.1",
    )
    .unwrap();
    sb.faults().set_random(None, FaultMix { seed: 42, faults });
    let client = builder(&sb).max_retries(8).build().unwrap();
    let mut replayed = 0;
    for i in 0..40 {
        let resp = client.create(req(&format!("mix-{i}"))).await.unwrap();
        replayed += usize::from(resp.diagnostics.replayed);
    }
    for i in 0..40 {
        assert_eq!(
            sb.count_by_reference(Connector::Stripe, &format!("mix-{i}")),
            1,
            "mix-{i}"
        );
    }
    assert_eq!(sb.customers(Connector::Stripe).len(), 40);
    assert!(
        sb.requests_seen(Connector::Stripe) > 40,
        "some requests were faulted"
    );
    assert!(
        replayed > 0,
        "some answers were lost after the store and replayed"
    );
}

#[tokio::test]
async fn injected_500_has_stripes_shape() {
    let sb = Sandbox::start().await.unwrap();
    sb.faults().push(None, Fault::Status(500));
    let resp = reqwest::Client::new()
        .post(format!("{}/v1/customers", sb.base_url(Connector::Stripe)))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 500);
    assert_eq!(resp.headers()["stripe-should-retry"], "false");
    let v: Value = resp.json().await.unwrap();
    assert_eq!(
        v,
        serde_json::json!({"error": {"message": "An unknown error occurred", "type": "api_error"}})
    );
}
