//! The executor against a minimal connector and a wiremock server.

use std::time::Duration;

use std::borrow::Cow;

use prism_connector::types::{Connector, CustomerCreateRequest, Environment, Error, ErrorKind};
use prism_connector::{
    Body, Capabilities, ConnectorApi, CreateCustomer, CreatedCustomer, CredentialSet,
    DuplicateDetection, FieldLimits, FindCustomer, FindCustomerRequest, Flow, FlowContext,
    FoundCustomer, HttpRequest, HttpResponse, Idempotency, Lookup, Method, RateLimit,
    ReferenceStorage,
};
use prism_http::{validate_base_url, Executor, ExecutorConfig, Outcome, RetryPolicy};
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
    lookup: Lookup::None,
    rate_limit: RateLimit::UNDOCUMENTED,
    notes: "",
};

prism_connector::credentials! {
    /// A test key.
    pub struct TestConfig for Stripe {
        /// The key.
        api_key: secret,
    }
    account = [api_key];
}

#[derive(Debug)]
struct Test {
    header_name: &'static str,
    header_value: &'static str,
    config: TestConfig,
}

impl Test {
    fn new(header_value: &'static str) -> Self {
        Self {
            header_name: "X-Test",
            header_value,
            config: TestConfig::new("sk_test_executor"),
        }
    }
}

impl ConnectorApi for Test {
    fn credentials(&self) -> &dyn CredentialSet {
        &self.config
    }
    fn capabilities(&self) -> &'static Capabilities {
        &CAPS
    }
    fn base_url(&self, _env: Environment) -> Cow<'static, str> {
        "http://127.0.0.1:9".into()
    }
    fn parse_error(&self, resp: &HttpResponse, _ctx: &FlowContext<'_>) -> Error {
        let kind = prism_connector::parse::kind_for_status(resp.status);
        prism_connector::parse::processor_error(
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
                .header(self.header_name, self.header_value),
        )
    }
    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        prism_connector::parse::created(resp, String::from_utf8_lossy(&resp.body).into_owned())
    }
}

/// A lookup sent as `PUT` with the attempt's nonce and clock in headers (as a signed scheme
/// would), whose 404 means "not found".
impl Flow<FindCustomer> for Test {
    fn build_request(
        &self,
        req: &FindCustomerRequest,
        ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let secs = ctx
            .now
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Ok(HttpRequest::new(
            Method::Put,
            format!("/customers/{}", req.merchant_customer_id),
            Body::Empty,
        )
        .header("X-Nonce", ctx.nonce.hex())
        .header("X-Timestamp", secs.to_string()))
    }
    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<Vec<FoundCustomer>, Error> {
        Ok(vec![FoundCustomer {
            connector_customer_id: String::from_utf8_lossy(&resp.body).into_owned(),
            merchant_customer_id: None,
        }])
    }
    fn parse_error_response(
        &self,
        resp: &HttpResponse,
        ctx: &FlowContext<'_>,
    ) -> Result<Vec<FoundCustomer>, Error> {
        match resp.status {
            404 => Ok(Vec::new()),
            _ => Err(self.parse_error(resp, ctx)),
        }
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

/// A server answering 200 `cus_1` to each of `methods`, and an executor sending to it.
async fn answering(methods: &[&str]) -> (MockServer, Executor) {
    let server = MockServer::start().await;
    for m in methods {
        Mock::given(method(*m))
            .respond_with(ResponseTemplate::new(200).set_body_string("cus_1"))
            .mount(&server)
            .await;
    }
    let ex = executor(&server.uri());
    (server, ex)
}

/// The create `bad` builds is refused with a configuration error, and nothing is sent.
async fn refused_before_sending(bad: Test) -> Error {
    let (server, ex) = answering(&["POST"]).await;
    let e = ex
        .execute::<CreateCustomer, _>(&bad, &CustomerCreateRequest::new("c1"), ex.default_call())
        .await
        .expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Configuration, "{e}");
    assert!(!e.outcome_unknown());
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
    e
}

#[tokio::test]
async fn a_header_http_cannot_carry_is_refused_before_sending() {
    let e = refused_before_sending(Test::new("line\nbreak")).await;
    assert!(!e.to_string().contains("line"), "{e}");
}

#[tokio::test]
async fn a_header_name_http_cannot_carry_is_refused_before_sending() {
    let e = refused_before_sending(Test {
        header_name: "X Test:",
        ..Test::new("value")
    })
    .await;
    assert!(e.to_string().contains("X Test:"), "{e}");
}

/// The executor keeps a timer in the wheel of the runtime its attempts run on; a client that
/// outlives that runtime, or is used from another, goes on working (and drops without panic).
#[test]
fn a_client_works_on_a_second_runtime_after_the_first_is_gone() {
    let server_rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = server_rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_string("cus_1"))
            .mount(&server)
            .await;
        server
    });
    let ex = executor(&server.uri());
    let c = Test::new("ok");
    let req = CustomerCreateRequest::new("c1");
    let create = || ex.execute::<CreateCustomer, _>(&c, &req, ex.default_call());
    let first = tokio::runtime::Runtime::new().expect("runtime");
    let out = first.block_on(create()).expect("first runtime");
    assert_eq!(out.output.connector_customer_id, "cus_1");
    drop(first);
    let second = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let out = second.block_on(create()).expect("second runtime");
    assert_eq!(out.output.connector_customer_id, "cus_1");
    drop(second);
    drop(ex);
    let seen = server_rt.block_on(server.received_requests());
    assert_eq!(seen.map(|r| r.len()), Some(2));
}

#[tokio::test]
async fn a_5xx_is_not_resent_without_idempotency_and_its_outcome_is_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let ex = executor(&server.uri());
    let c = Test::new("ok");
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
    let c = Test::new("ok");
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
    let c = Test::new("ok");
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

/// Each request goes to its own path, whatever path the request before it went to (the
/// executor reuses the last URL it built when the path is the same).
#[tokio::test]
async fn each_request_goes_to_its_own_path() {
    let (server, ex) = answering(&["POST", "PUT"]).await;
    let c = Test::new("ok");
    let create = CustomerCreateRequest::new("c1");
    for find in ["c1", "c1", "c2"] {
        ex.execute::<CreateCustomer, _>(&c, &create, ex.default_call())
            .await
            .expect("created");
        ex.execute::<FindCustomer, _>(&c, &lookup(find), ex.default_call())
            .await
            .expect("found");
    }
    let seen: Vec<String> = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        seen,
        [
            "POST /customers",
            "PUT /customers/c1",
            "POST /customers",
            "PUT /customers/c1",
            "POST /customers",
            "PUT /customers/c2",
        ]
    );
}

fn lookup(id: &str) -> FindCustomerRequest {
    FindCustomerRequest {
        merchant_customer_id: id.to_owned(),
    }
}

#[tokio::test]
async fn a_resend_is_signed_anew_with_the_method_the_flow_chose() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_body_string("cus_9"))
        .mount(&server)
        .await;
    let ex = executor(&server.uri());
    let c = Test::new("ok");
    // A lookup is idempotent: resent after a 503 although the connector has no idempotency.
    let out = ex
        .execute::<FindCustomer, _>(&c, &lookup("c1"), ex.default_call())
        .await
        .expect("found after a 503");
    assert_eq!(out.output[0].connector_customer_id, "cus_9");
    let seen = server.received_requests().await.expect("recorded");
    assert_eq!(seen.len(), 2);
    let nonce = |i: usize| {
        seen[i]
            .headers
            .get("x-nonce")
            .map(|v| v.as_bytes().to_vec())
    };
    assert!(
        nonce(0).is_some_and(|n| n.len() == 32),
        "a 16-byte hex nonce"
    );
    assert_ne!(nonce(0), nonce(1), "every attempt draws a new nonce");
    let ts: u64 = seen[1]
        .headers
        .get("x-timestamp")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .expect("timestamp");
    assert!(
        ts > 1_700_000_000,
        "the executor's clock, not the fixed test clock"
    );
}

#[tokio::test]
async fn an_operation_reads_its_own_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let ex = executor(&server.uri());
    let c = Test::new("ok");
    let out = ex
        .execute::<FindCustomer, _>(&c, &lookup("c1"), ex.default_call())
        .await
        .expect("not found is an answer");
    assert_eq!(
        (out.output, out.status, out.diagnostics.attempts),
        (vec![], 404, 1)
    );
    // The same 404 to a create is an error.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let e = ex
        .execute::<CreateCustomer, _>(&c, &CustomerCreateRequest::new("c1"), ex.default_call())
        .await
        .expect_err("a create's 404");
    assert_eq!(e.kind(), ErrorKind::ProcessorError);
}

fn bounded_executor(uri: &str, max_in_flight: usize) -> Executor {
    let mut cfg = ExecutorConfig::new(
        validate_base_url(uri, Environment::Sandbox).expect("url"),
        Environment::Sandbox,
    );
    cfg.max_in_flight = Some(max_in_flight);
    Executor::new(cfg).expect("executor")
}

#[tokio::test]
async fn a_call_that_gets_no_request_slot_in_time_fails_with_nothing_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("cus_1")
                .set_delay(Duration::from_millis(600)),
        )
        .mount(&server)
        .await;
    let ex = bounded_executor(&server.uri(), 1);
    let c = Test::new("ok");
    let req = CustomerCreateRequest::new("c1");
    let first = ex.execute::<CreateCustomer, _>(&c, &req, ex.default_call());
    let second = async {
        // Started once the first holds the one slot; it may wait 100 ms for it.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut call = ex.default_call();
        call.total_timeout = Duration::from_millis(150);
        ex.execute::<CreateCustomer, _>(&c, &req, call).await
    };
    let (first, second) = tokio::join!(first, second);
    assert_eq!(
        first.expect("the first call").output.connector_customer_id,
        "cus_1"
    );
    let e = second.expect_err("no slot in time");
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(!e.outcome_unknown(), "nothing was sent: {e}");
    assert!(e.to_string().contains("max_in_flight"), "{e}");
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(1));
}

#[tokio::test]
async fn calls_beyond_max_in_flight_wait_for_a_slot_and_all_complete() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("cus_1")
                .set_delay(Duration::from_millis(20)),
        )
        .mount(&server)
        .await;
    let ex = std::sync::Arc::new(bounded_executor(&server.uri(), 2));
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let ex = std::sync::Arc::clone(&ex);
        calls.spawn(async move {
            let call = ex.default_call();
            ex.execute::<CreateCustomer, _>(
                &Test::new("ok"),
                &CustomerCreateRequest::new("c1"),
                call,
            )
            .await
        });
    }
    // A slot that is never given back would leave calls waiting forever: bounded here.
    let outs = tokio::time::timeout(Duration::from_secs(20), calls.join_all())
        .await
        .expect("every call got a slot");
    for out in outs {
        assert_eq!(out.expect("created").output.connector_customer_id, "cus_1");
    }
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(8));
}

#[test]
fn max_in_flight_zero_is_refused() {
    let mut cfg = ExecutorConfig::new(
        validate_base_url("http://127.0.0.1:9", Environment::Sandbox).expect("url"),
        Environment::Sandbox,
    );
    cfg.max_in_flight = Some(0);
    let e = Executor::new(cfg).expect_err("0 slots");
    assert_eq!(e.kind(), ErrorKind::Configuration);
    assert!(e.to_string().contains("max_in_flight"), "{e}");
}

/// A create through `ex` with the test connector.
async fn create_with(ex: &Executor) -> Result<Outcome<CreatedCustomer>, Error> {
    ex.execute::<CreateCustomer, _>(
        &Test::new("ok"),
        &CustomerCreateRequest::new("c1"),
        ex.default_call(),
    )
    .await
}

#[tokio::test]
async fn a_refused_connection_sends_nothing_and_is_retried() {
    // A port nothing listens on (bound, then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let ex = executor(&format!("http://127.0.0.1:{port}"));
    let e = create_with(&ex).await.expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert!(e.to_string().contains("could not connect"), "{e}");
    // Nothing left this machine: not unknown, and resent as the policy allows.
    assert!(!e.outcome_unknown());
    assert_eq!(e.diagnostics().map(|d| d.attempts), Some(3));
}

#[tokio::test]
async fn an_https_base_url_goes_through_tls_and_a_failed_handshake_sends_nothing() {
    // A plain-HTTP server behind an `https` URL: the TLS handshake fails, so the request
    // itself is never written.
    let (server, _) = answering(&["POST"]).await;
    let https = server.uri().replace("http://", "https://");
    let ex = executor(&https);
    let e = create_with(&ex).await.expect_err("no TLS there");
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert!(e.to_string().contains("could not connect"), "{e}");
    assert!(!e.outcome_unknown());
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
}

#[tokio::test]
async fn a_connection_closed_in_the_middle_of_the_answer_leaves_the_outcome_unknown() {
    // Reads the request, announces 100 bytes, sends 7 and closes.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            let _ = sock
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial")
                .await;
            drop(sock);
        }
    });
    let ex = executor(&format!("http://{addr}"));
    let e = create_with(&ex).await.expect_err("cut off");
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert!(e.to_string().contains("reading the answer"), "{e}");
    // It may have been applied, and the test connector has no idempotency: not resent.
    assert!(e.outcome_unknown());
    assert_eq!(e.diagnostics().map(|d| d.attempts), Some(1));
}

/// A stand-in proxy on loopback: records what each connection sends up to the end of its
/// head, answers `reply`, and closes. It connects nowhere.
async fn recording_proxy(
    reply: &'static [u8],
) -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match sock.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let _ = tx.send(String::from_utf8_lossy(&head).into_owned());
            let _ = sock.write_all(reply).await;
        }
    });
    (format!("http://{addr}"), rx)
}

fn executor_with_proxy(base: &str, proxy: prism_http::Proxy) -> Result<Executor, Error> {
    let mut cfg = ExecutorConfig::new(
        validate_base_url(base, Environment::Sandbox).expect("url"),
        Environment::Sandbox,
    );
    cfg.retry.max_retries = 0;
    cfg.proxy = proxy;
    Executor::new(cfg)
}

#[tokio::test]
async fn an_https_call_goes_through_the_proxy_as_a_connect_tunnel_with_its_credentials() {
    let (proxy, mut seen) =
        recording_proxy(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n").await;
    let with_user = proxy.replace("http://", "http://prism:s3cret-pw@");
    let ex = executor_with_proxy(
        "https://api.processor.example",
        prism_http::Proxy::Url(with_user),
    )
    .expect("executor");
    let e = create_with(&ex).await.expect_err("the proxy refuses");
    let head = seen.recv().await.expect("the proxy was asked");
    // Only the host and port go to the proxy; the request itself would go inside the tunnel.
    assert!(
        head.starts_with("CONNECT api.processor.example:443 HTTP/1.1\r\n"),
        "{head}"
    );
    // Basic prism:s3cret-pw
    assert!(
        head.contains("Proxy-Authorization: Basic cHJpc206czNjcmV0LXB3\r\n"),
        "{head}"
    );
    // Refused at the tunnel: nothing of the request was sent, and no credential is shown.
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert!(!e.outcome_unknown());
    assert!(!format!("{e} {e:?}").contains("s3cret"), "{e:?}");
}

#[tokio::test]
async fn a_loopback_http_base_url_never_goes_through_a_proxy() {
    let (proxy, mut seen) = recording_proxy(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
    let (server, _) = answering(&["POST"]).await;
    let ex = executor_with_proxy(&server.uri(), prism_http::Proxy::Url(proxy)).expect("executor");
    create_with(&ex).await.expect("straight to the server");
    assert!(seen.try_recv().is_err(), "the proxy was contacted");
}

#[test]
fn a_proxy_that_is_not_http_or_cannot_be_read_is_refused_and_its_password_never_shown() {
    for bad in ["https://user:pw-123@proxy.example:8443", "http://[::1"] {
        let e = executor_with_proxy(
            "https://api.processor.example",
            prism_http::Proxy::Url(bad.to_owned()),
        )
        .expect_err(bad);
        assert_eq!(e.kind(), ErrorKind::Configuration, "{bad}: {e}");
        assert!(!e.to_string().contains("pw-123"), "{e}");
    }
    let p = prism_http::Proxy::Url("http://user:pw-123@proxy.example:3128".into());
    assert!(!format!("{p:?}").contains("pw-123"));
}
