//! Unknown outcomes settled by the processor's lookup (SPEC §8), and `reconcile`, through
//! wiremock with Stripe's documented shapes (search is eventually consistent).
#![cfg(feature = "stripe")]

use std::time::Duration;

use prism::{
    Connector, CustomerClient, CustomerCreateRequest, ErrorKind, Reconciliation, RetryPolicy,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> CustomerClient {
    CustomerClient::builder()
        .connector(Connector::Stripe)
        .api_key("sk_test_settle")
        .base_url(server.uri())
        .retry_policy(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            max_retry_after: Duration::from_secs(1),
        })
        .build()
        .expect("client")
}

/// Stripe's 500: `Stripe-Should-Retry: false`, so Prism does not resend and the outcome is
/// unknown until the lookup says otherwise.
async fn create_fails_unclearly(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("Stripe-Should-Retry", "false")
                .set_body_raw(
                    r#"{"error":{"type":"api_error","message":"An unknown error occurred"}}"#,
                    "application/json",
                ),
        )
        .mount(server)
        .await;
}

fn search(ids: &[&str]) -> ResponseTemplate {
    let data: Vec<_> = ids
        .iter()
        .map(|id| serde_json::json!({"id": id, "object": "customer"}))
        .collect();
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "object": "search_result", "data": data, "has_more": false, "url": "/v1/customers/search"
    }))
}

#[tokio::test]
async fn a_lost_create_found_by_the_lookup_is_this_calls_customer() {
    let server = MockServer::start().await;
    create_fails_unclearly(&server).await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/search"))
        .respond_with(search(&["cus_found1"]))
        .mount(&server)
        .await;
    let r = client(&server)
        .create(CustomerCreateRequest::new("cust_settle_1"))
        .await
        .expect("settled by the lookup");
    assert_eq!(r.connector_customer_id, "cus_found1");
    assert!(!r.existing);
    assert!(r.diagnostics.reconciled && r.diagnostics.lost_answer);
    assert_eq!(r.diagnostics.attempts, 1, "the create was not resent");
}

#[tokio::test]
async fn an_eventually_consistent_miss_leaves_the_outcome_unknown() {
    let server = MockServer::start().await;
    create_fails_unclearly(&server).await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/search"))
        .respond_with(search(&[]))
        .mount(&server)
        .await;
    let c = client(&server);
    let e = c
        .create(CustomerCreateRequest::new("cust_settle_2"))
        .await
        .expect_err("still unknown");
    assert_eq!(e.kind(), ErrorKind::ProcessorUnavailable);
    assert!(e.outcome_unknown(), "a search miss proves nothing");
    assert_eq!(
        c.reconcile("cust_settle_2").await.expect("lookup"),
        Reconciliation::NotFound { definite: false }
    );
    let posts = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(posts, 1, "never resent without proof");
}

#[tokio::test]
async fn reconcile_names_the_customer_or_says_it_cannot() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/search"))
        .respond_with(search(&["cus_r1"]))
        .mount(&server)
        .await;
    assert_eq!(
        client(&server).reconcile("cust_r1").await.expect("lookup"),
        Reconciliation::Found {
            connector_customer_id: "cus_r1".into()
        }
    );
}
