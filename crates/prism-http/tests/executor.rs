//! The executor against a minimal connector and a wiremock server.

use std::time::Duration;

use prism_connector::types::{Connector, CustomerCreateRequest, Environment, Error, ErrorKind};
use prism_connector::{
    Body, Capabilities, ConnectorApi, CreateCustomer, CreatedCustomer, DuplicateDetection,
    FieldLimits, Flow, FlowContext, HttpRequest, HttpResponse, Idempotency, ReferenceStorage,
};
use prism_http::{validate_base_url, Executor, ExecutorConfig, RetryPolicy};
use secrecy::SecretString;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

static CAPS: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::None,
    duplicate_detection: DuplicateDetection::None("test"),
    idempotency: Idempotency::None,
    limits: FieldLimits::UNIVERSAL,
    unsupported_fields: &[],
    required_fields: &[],
    request_id_header: Some("x-request-id"),
    notes: "",
};

#[derive(Debug)]
struct Test {
    header_value: &'static str,
}

impl ConnectorApi for Test {
    fn id(&self) -> Connector {
        Connector::Stripe
    }
    fn capabilities(&self) -> &'static Capabilities {
        &CAPS
    }
    fn base_url(&self, _env: Environment) -> &'static str {
        "http://127.0.0.1:9"
    }
    fn account_fingerprint(&self) -> String {
        "test".into()
    }
    fn secrets(&self) -> Vec<&SecretString> {
        Vec::new()
    }
    fn parse_error(&self, resp: &HttpResponse, _ctx: &FlowContext<'_>) -> Error {
        let kind = prism_connector::wire::kind_for_status(resp.status);
        prism_connector::wire::processor_error(
            Connector::Stripe,
            resp,
            Some("x-request-id"),
            kind,
            None,
            None,
        )
    }
}

impl Flow<CreateCustomer> for Test {
    fn build_request(
        &self,
        _req: &CustomerCreateRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        Ok(
            HttpRequest::post("/customers", Body::Form(Vec::from(&b"a=b"[..]).into()))
                .header("X-Test", self.header_value),
        )
    }
    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        prism_connector::wire::created(resp, String::from_utf8_lossy(&resp.body).into_owned())
    }
}

fn executor(uri: &str) -> Executor {
    let mut cfg = ExecutorConfig::new(
        validate_base_url(uri, Environment::Sandbox).expect("url"),
        Environment::Sandbox,
    );
    cfg.retry = RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(2),
        max_retry_after: Duration::from_secs(1),
    };
    Executor::new(cfg).expect("executor")
}

#[tokio::test]
async fn a_header_http_cannot_carry_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("cus_1"))
        .mount(&server)
        .await;
    let ex = executor(&server.uri());
    let bad = Test {
        header_value: "line\nbreak",
    };
    let e = ex
        .execute::<CreateCustomer, _>(&bad, &CustomerCreateRequest::new("c1"), ex.default_call())
        .await
        .expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Configuration, "{e}");
    assert!(!e.outcome_unknown());
    assert!(!e.to_string().contains("line"), "{e}");
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
}

#[tokio::test]
async fn a_5xx_is_not_resent_without_idempotency_and_its_outcome_is_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let ex = executor(&server.uri());
    let c = Test { header_value: "ok" };
    let e = ex
        .execute::<CreateCustomer, _>(&c, &CustomerCreateRequest::new("c1"), ex.default_call())
        .await
        .expect_err("503");
    assert_eq!(e.kind(), ErrorKind::ProcessorUnavailable);
    assert!(e.outcome_unknown());
    assert_eq!(e.diagnostics().map(|d| d.attempts), Some(1));
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(1));
}

#[tokio::test]
async fn a_429_is_resent_even_without_idempotency_and_the_request_id_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("x-request-id", "r1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-request-id", "r2")
                .set_body_string("cus_2"),
        )
        .mount(&server)
        .await;
    let ex = executor(&server.uri());
    let c = Test { header_value: "ok" };
    let out = ex
        .execute::<CreateCustomer, _>(&c, &CustomerCreateRequest::new("c1"), ex.default_call())
        .await
        .expect("created after a 429");
    assert_eq!(out.output.connector_customer_id, "cus_2");
    assert_eq!((out.status, out.diagnostics.attempts), (201, 2));
    assert_eq!(out.diagnostics.request_id.as_deref(), Some("r2"));
    assert!(!out.diagnostics.lost_answer);
}

#[tokio::test]
async fn the_overall_deadline_ends_the_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .mount(&server)
        .await;
    let ex = executor(&server.uri());
    let c = Test { header_value: "ok" };
    let mut call = ex.default_call();
    call.total_timeout = Duration::from_millis(300);
    let e = ex
        .execute::<CreateCustomer, _>(&c, &CustomerCreateRequest::new("c1"), call)
        .await
        .expect_err("deadline");
    // The 1 s Retry-After does not fit in the 300 ms deadline: no second attempt.
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.diagnostics().map(|d| d.attempts), Some(1));
    assert_eq!(e.retry_after(), Some(Duration::from_secs(1)));
}
