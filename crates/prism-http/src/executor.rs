//! The executor: build, send, read, retry where safe, scrub, trace.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use prism_connector::{
    AccessToken, Body, ConnectorApi, Flow, FlowContext, HttpRequest, HttpResponse, Method, Nonce,
    Operation,
};
use prism_types::redact::Redactor;
use prism_types::{Diagnostics, Environment, Error, ErrorKind};
use tokio::sync::Mutex;
use tracing::Instrument;

use crate::{BaseUrl, RetryPolicy};

/// Settings of one executor (one client).
#[derive(Debug, Clone)]
pub struct ExecutorConfig {
    /// Where requests go.
    pub base_url: BaseUrl,
    /// The environment the client was built for.
    pub environment: Environment,
    /// Default retry policy.
    pub retry: RetryPolicy,
    /// Default per-attempt timeout (30 s).
    pub attempt_timeout: Duration,
    /// Default overall deadline of a call, all attempts and waits included (80 s).
    pub total_timeout: Duration,
    /// Largest response body read (1 MiB); a larger one is an `UnexpectedResponse`.
    pub max_body_bytes: usize,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// At most this many requests in flight at once (`None`: no bound). Further attempts wait
    /// for a slot, in order, within their own timeout; one that cannot get a slot in time
    /// fails as a timeout with nothing sent.
    pub max_in_flight: Option<usize>,
    /// The proxy `https` requests go through (default: from the environment).
    pub proxy: Proxy,
}

/// Where a client's `https` requests go: straight to the processor, or through an HTTP proxy
/// (an HTTP `CONNECT` tunnel: TLS stays end to end between Prism and the processor). Plain
/// `http` base URLs (loopback only) never use a proxy.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Proxy {
    /// `HTTPS_PROXY`, else `ALL_PROXY` (or their lower-case forms), unless `NO_PROXY` names the
    /// processor's host — read when the client is built. The default, as curl's and reqwest's.
    #[default]
    FromEnvironment,
    /// No proxy, whatever the environment says.
    Direct,
    /// This proxy: `http://host:port`, with `user:password@` before the host when it asks for
    /// Basic credentials.
    Url(String),
}

impl std::fmt::Debug for Proxy {
    // A proxy URL may hold a password: it is never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Proxy::FromEnvironment => f.write_str("FromEnvironment"),
            Proxy::Direct => f.write_str("Direct"),
            Proxy::Url(_) => f.write_str("Url([redacted])"),
        }
    }
}

impl ExecutorConfig {
    /// Defaults of SPEC §4 for `base_url` and `environment`.
    pub fn new(base_url: BaseUrl, environment: Environment) -> Self {
        Self {
            base_url,
            environment,
            retry: RetryPolicy::default(),
            attempt_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(80),
            max_body_bytes: 1024 * 1024,
            connect_timeout: Duration::from_secs(10),
            max_in_flight: None,
            proxy: Proxy::FromEnvironment,
        }
    }
}

/// One logical call's settings, after per-call overrides.
#[derive(Debug, Clone)]
pub struct Call {
    /// The key sent on every attempt (if the connector has an idempotency mechanism).
    pub idempotency_key: Option<String>,
    /// True when the key was derived from the merchant reference rather than chosen by the caller.
    pub key_from_reference: bool,
    /// Retry policy for this call.
    pub retry: RetryPolicy,
    /// Per-attempt timeout.
    pub attempt_timeout: Duration,
    /// Overall deadline.
    pub total_timeout: Duration,
}

/// A successful call.
#[derive(Debug)]
pub struct Outcome<T> {
    /// What the connector read.
    pub output: T,
    /// The processor's HTTP status.
    pub status: u16,
    /// How the call went.
    pub diagnostics: Diagnostics,
}

/// Sends connector requests. Cheap to share: one connection pool, one token cache.
#[derive(Debug)]
pub struct Executor {
    http: HttpClient,
    config: ExecutorConfig,
    token: Mutex<Option<AccessToken>>,
    /// Slots for requests in flight, when [`ExecutorConfig::max_in_flight`] bounds them.
    slots: Option<tokio::sync::Semaphore>,
    /// A timer that does nothing, kept registered about a second ahead while attempts are
    /// made, so that the runtime's timer wheel is not empty when an attempt registers its
    /// own, later, deadline (see [`Executor::hold_timer_wheel`]).
    wheel_hold: std::sync::Mutex<Option<WheelHold>>,
    /// The last request path and its URL: a connector's create path rarely changes from one
    /// call to the next, and a copy of a built URL costs less than building it again.
    last_url: std::sync::Mutex<Option<(String, http::Uri)>>,
}

/// The HTTP client: hyper's (hyper-util's pooled client), TLS by rustls with the webpki roots,
/// HTTP/1.1 or HTTP/2 as the server's ALPN chooses; connecting directly or through a proxy's
/// `CONNECT` tunnel.
#[derive(Debug)]
enum HttpClient {
    Direct(Pooled<TcpConnector>),
    Tunneled(Pooled<hyper_util::client::legacy::connect::proxy::Tunnel<TcpConnector>>),
}

type TcpConnector = hyper_util::client::legacy::connect::HttpConnector;
type Pooled<C> = hyper_util::client::legacy::Client<hyper_rustls::HttpsConnector<C>, Full<Bytes>>;

impl HttpClient {
    fn request(
        &self,
        req: http::Request<Full<Bytes>>,
    ) -> hyper_util::client::legacy::ResponseFuture {
        match self {
            HttpClient::Direct(c) => c.request(req),
            HttpClient::Tunneled(c) => c.request(req),
        }
    }
}

/// The `User-Agent` of every request.
const USER_AGENT: &str = concat!("prism/", env!("CARGO_PKG_VERSION"));

/// The client of one executor: its own connection pool (idle connections closed after 60 s),
/// `TCP_NODELAY`, the configured connect timeout (the TCP connection; the TLS handshake after it
/// counts against the attempt's timeout), TLS 1.2/1.3 verified against the webpki roots, plain
/// `http` only where the base URL allows it (loopback), no redirects followed, through the
/// proxy of [`ExecutorConfig::proxy`] when there is one for the base URL.
fn http_client(config: &ExecutorConfig) -> Result<HttpClient, Error> {
    let mut tcp = TcpConnector::new();
    // `https` URIs pass to the TLS layer wrapped around this one.
    tcp.enforce_http(false);
    tcp.set_nodelay(true);
    tcp.set_connect_timeout(Some(config.connect_timeout));
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| Error::configuration(format!("cannot set up TLS: {e}")))?
    .with_root_certificates(rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    })
    .with_no_client_auth();
    let tls = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .enable_http2();
    fn pooled<C>(connector: hyper_rustls::HttpsConnector<C>) -> Pooled<C>
    where
        hyper_rustls::HttpsConnector<C>: hyper_util::client::legacy::connect::Connect + Clone,
    {
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_timer(hyper_util::rt::TokioTimer::new())
            .timer(hyper_util::rt::TokioTimer::new())
            .build(connector)
    }
    Ok(match proxy_for(config)? {
        None => HttpClient::Direct(pooled(tls.wrap_connector(tcp))),
        Some((proxy, auth)) => {
            let mut tunnel = hyper_util::client::legacy::connect::proxy::Tunnel::new(proxy, tcp);
            if let Some(auth) = auth {
                tunnel = tunnel.with_auth(auth);
            }
            HttpClient::Tunneled(pooled(tls.wrap_connector(tunnel)))
        }
    })
}

/// The proxy (its URI, and its `Proxy-Authorization` when it has credentials) that requests to
/// the base URL go through, if any.
fn proxy_for(
    config: &ExecutorConfig,
) -> Result<Option<(http::Uri, Option<http::HeaderValue>)>, Error> {
    if !config.base_url.is_https() {
        return Ok(None);
    }
    let matcher = match &config.proxy {
        Proxy::Direct => return Ok(None),
        Proxy::FromEnvironment => hyper_util::client::proxy::matcher::Matcher::from_env(),
        Proxy::Url(url) => hyper_util::client::proxy::matcher::Matcher::builder()
            .all(url.clone())
            .build(),
    };
    let base: http::Uri = config
        .base_url
        .as_str()
        .parse()
        .map_err(|_| Error::configuration("the base URL is not a valid URI"))?;
    let Some(intercept) = matcher.intercept(&base) else {
        // A proxy URL that cannot be read is refused, not ignored (one from the environment
        // that cannot be read is ignored, as curl does).
        if matches!(config.proxy, Proxy::Url(_)) {
            return Err(Error::configuration(
                "the proxy is not a valid http://host:port URL",
            ));
        }
        return Ok(None);
    };
    if intercept.uri().scheme_str() != Some("http") {
        return Err(Error::configuration(
            "only http:// proxies are supported (requests to the processor go through the proxy's CONNECT tunnel, TLS end to end)",
        ));
    }
    Ok(Some((
        intercept.uri().clone(),
        intercept.basic_auth().cloned(),
    )))
}

/// The timer [`Executor::hold_timer_wheel`] keeps registered, and the runtime whose wheel holds it.
#[derive(Debug)]
struct WheelHold {
    runtime: tokio::runtime::Id,
    timer: std::pin::Pin<Box<tokio::time::Sleep>>,
}

/// What [`Executor::run`] ends with: the outcome, or the error with the call's diagnostics.
type RunResult<T> = Result<Outcome<T>, (Error, Diagnostics)>;

/// How one attempt failed, for the retry decision.
struct Failure {
    error: Error,
    /// The request may have been applied by the processor (sent, and no definite answer).
    may_have_applied: bool,
    /// The failure is a definite answer that the request was not applied (4xx other than lock
    /// conflicts, connect failures).
    definitely_not_applied: bool,
}

impl Executor {
    /// An executor with its own connection pool.
    pub fn new(config: ExecutorConfig) -> Result<Self, Error> {
        let http = http_client(&config)?;
        let slots = match config.max_in_flight {
            Some(0) => return Err(Error::configuration("max_in_flight must be at least 1")),
            Some(n) => Some(tokio::sync::Semaphore::new(n)),
            None => None,
        };
        Ok(Self {
            http,
            config,
            token: Mutex::new(None),
            slots,
            wheel_hold: std::sync::Mutex::new(None),
            last_url: std::sync::Mutex::new(None),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ExecutorConfig {
        &self.config
    }

    /// A [`Call`] with this executor's defaults.
    pub fn default_call(&self) -> Call {
        Call {
            idempotency_key: None,
            key_from_reference: false,
            retry: self.config.retry,
            attempt_timeout: self.config.attempt_timeout,
            total_timeout: self.config.total_timeout,
        }
    }

    /// Runs one logical call of `Op` through `conn`: build, send, read, retry where safe.
    //
    // This and the steps below are plain functions returning an `async move` block rather
    // than `async fn`s: an `async fn` keeps each argument twice in its future (as captured and
    // as moved into its body), and every byte of a future is copied each time it is moved
    // into its caller's.
    #[allow(clippy::manual_async_fn)] // on purpose: see above
    pub fn execute<'a, Op, C>(
        &'a self,
        conn: &'a C,
        req: &'a Op::Request,
        call: Call,
    ) -> impl std::future::Future<Output = Result<Outcome<Op::Output>, Error>> + Send + 'a
    where
        Op: Operation + 'a,
        C: Flow<Op> + ?Sized,
    {
        async move {
            let span = tracing::info_span!(
                "prism.call",
                connector = conn.id().as_str(),
                operation = Op::NAME,
                attempts = tracing::field::Empty,
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                outcome = tracing::field::Empty,
            );
            let started = Instant::now();
            let result = self
                .run::<Op, C>(conn, req, &call, started)
                .instrument(span.clone())
                .await;
            match result {
                Ok(mut out) => {
                    out.diagnostics.idempotency_key = call.idempotency_key;
                    out.diagnostics.elapsed = started.elapsed();
                    traced_success(&span, out.status, &out.diagnostics);
                    Ok(out)
                }
                Err((error, mut diag)) => {
                    diag.idempotency_key = call.idempotency_key;
                    diag.elapsed = started.elapsed();
                    Err(failed::<Op, C>(conn, req, &span, error, diag))
                }
            }
        }
    }

    #[allow(clippy::manual_async_fn)] // on purpose: see `execute`
    fn run<'a, Op, C>(
        &'a self,
        conn: &'a C,
        req: &'a Op::Request,
        call: &'a Call,
        started: Instant,
    ) -> impl std::future::Future<Output = RunResult<Op::Output>> + Send + 'a
    where
        Op: Operation + 'a,
        C: Flow<Op> + ?Sized,
    {
        async move {
            let deadline = started + call.total_timeout;
            let resend_is_safe = conn.resend_is_safe();
            // The key goes into the diagnostics at the end (moved, in `execute`), not copied here.
            let mut diag = Diagnostics::default();
            let mut earlier_may_have_applied = false;
            let mut refreshed_token = false;
            let mut retries_done = 0u32;
            loop {
                let attempt = retries_done + 1;
                let failure = match self
                    .attempt::<Op, C>(
                        conn,
                        req,
                        call,
                        attempt,
                        earlier_may_have_applied,
                        deadline,
                        &mut diag,
                    )
                    .await
                {
                    Ok((output, status)) => {
                        return Ok(Outcome {
                            output,
                            status,
                            diagnostics: diag,
                        });
                    }
                    Err(f) => f,
                };
                let Failure {
                    error,
                    may_have_applied,
                    definitely_not_applied,
                } = failure;

                // A rejected cached token: fetch a new one once (nothing was applied).
                if error.kind() == ErrorKind::Authentication
                    && conn.token_request().is_some()
                    && !refreshed_token
                {
                    refreshed_token = true;
                    *Box::pin(self.token.lock()).await = None;
                    if Instant::now() < deadline {
                        continue;
                    }
                }

                let unknown_now = may_have_applied
                    || (earlier_may_have_applied && !definitely_not_applied)
                    || error.outcome_unknown();
                let finish =
                    |e: Error, diag: Diagnostics| Err((e.with_outcome_unknown(unknown_now), diag));

                if !error.is_retryable() || retries_done >= call.retry.max_retries {
                    return finish(error, diag);
                }
                if may_have_applied && !resend_is_safe {
                    tracing::info!(attempt, "not resending: the request may have been applied and the connector has no idempotency or uniqueness");
                    return finish(error, diag);
                }
                retries_done += 1;
                let mut wait = call.retry.backoff(retries_done);
                if let Some(after) = error.retry_after() {
                    if after > call.retry.max_retry_after {
                        return finish(error, diag);
                    }
                    wait = wait.max(after);
                }
                if Instant::now() + wait >= deadline {
                    return finish(error, diag);
                }
                tracing::info!(
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    kind = error.kind().as_str(),
                    "retrying"
                );
                earlier_may_have_applied |= may_have_applied;
                diag.lost_answer = earlier_may_have_applied;
                // Boxed: a retry is rare, and the timer would otherwise sit in every call's future.
                Box::pin(tokio::time::sleep(wait)).await;
            }
        }
    }

    #[allow(clippy::too_many_arguments, clippy::manual_async_fn)] // the latter: see `execute`
    fn attempt<'a, Op, C>(
        &'a self,
        conn: &'a C,
        req: &'a Op::Request,
        call: &'a Call,
        attempt: u32,
        earlier_may_have_applied: bool,
        deadline: Instant,
        diag: &'a mut Diagnostics,
    ) -> impl std::future::Future<Output = Result<(Op::Output, u16), Failure>> + Send + 'a
    where
        Op: Operation + 'a,
        C: Flow<Op> + ?Sized,
    {
        async move {
            let token = self
                .access_token(conn, call, deadline)
                .await
                .map_err(not_sent)?;
            let ctx = FlowContext {
                environment: self.config.environment,
                idempotency_key: call.idempotency_key.as_deref(),
                key_from_reference: call.key_from_reference,
                attempt,
                earlier_attempt_may_have_applied: earlier_may_have_applied,
                access_token: token.as_ref().map(|t| &t.token),
                // Read anew for every attempt: a resend of a signed request is signed again.
                now: SystemTime::now(),
                // A system call per attempt, made only for connectors that sign with it.
                nonce: if conn.uses_nonce() {
                    fresh_nonce()?
                } else {
                    Nonce([0; 16])
                },
            };
            // A request that cannot be built is not retryable: the same input builds the same way.
            let http_req = conn
                .build_request(req, &ctx)
                .map_err(|e| not_sent(e.with_retryable(false)))?;
            diag.attempts = attempt;
            let resp = self.send(http_req, call, deadline).await?;
            if let Some(h) = conn.capabilities().request_id_header {
                if let Some(id) = resp.header(h) {
                    diag.request_id = Some(id.to_owned());
                }
            }
            traced_answer(attempt, resp.status);
            let read = if resp.is_success() {
                conn.parse_response_for(req, &resp, &ctx)
            } else {
                conn.parse_error_response(&resp, &ctx)
            };
            if resp.is_success() {
                match read {
                    Ok(output) => Ok((output, resp.status)),
                    // A 2xx we cannot read may well have created the customer, and so may a
                    // "try again" stated inside a 2xx (Authorize.net E00001); any other error
                    // stated inside a 2xx is a definite answer.
                    Err(error) => {
                        let unsure =
                            error.kind() == ErrorKind::UnexpectedResponse || error.is_retryable();
                        Err(Failure {
                            may_have_applied: unsure,
                            definitely_not_applied: !unsure,
                            error,
                        })
                    }
                }
            } else {
                let error = match read {
                    // An operation that reads this answer as a result (a lookup's "not found").
                    Ok(output) => return Ok((output, resp.status)),
                    Err(e) => e,
                };
                // A 5xx may have been applied before the processor failed; a 429 or a lock conflict
                // was refused before any work; any other 4xx is a definite "not applied".
                let may_have_applied = resp.status >= 500;
                let definitely_not_applied = resp.status < 500 && !error.is_retryable();
                Err(Failure {
                    error,
                    may_have_applied,
                    definitely_not_applied,
                })
            }
        }
    }

    async fn access_token<C: ConnectorApi + ?Sized>(
        &self,
        conn: &C,
        call: &Call,
        deadline: Instant,
    ) -> Result<Option<AccessToken>, Error> {
        let Some(token_req) = conn.token_request() else {
            return Ok(None);
        };
        // Out of line: the token step's own send would otherwise make every call's future
        // (stored in the caller's task, moved as it is built) larger by a whole send.
        Box::pin(self.cached_or_new_token(conn, token_req, call, deadline)).await
    }

    async fn cached_or_new_token<C: ConnectorApi + ?Sized>(
        &self,
        conn: &C,
        token_req: Result<HttpRequest, Error>,
        call: &Call,
        deadline: Instant,
    ) -> Result<Option<AccessToken>, Error> {
        let mut cached = self.token.lock().await;
        if let Some(t) = cached.as_ref() {
            if t.is_fresh(SystemTime::now(), Duration::from_secs(60)) {
                return Ok(Some(t.clone()));
            }
        }
        let token_req = token_req?;
        let resp = match self.send(token_req, call, deadline).await {
            Ok(r) => r,
            // The token step changes nothing at the processor: whatever happened, nothing of
            // the call was applied.
            Err(f) => return Err(f.error.with_outcome_unknown(false)),
        };
        let token = if resp.is_success() {
            conn.parse_token(&resp)?
        } else {
            return Err(conn.parse_error(&resp, &FlowContext::first(self.config.environment)));
        };
        *cached = Some(token.clone());
        Ok(Some(token))
    }

    /// Sends `req` (consumed: its header values move into the HTTP client without a copy).
    ///
    /// The request is turned into hyper's when this is called; nothing is sent until the
    /// returned future is polled. Only what sending needs (the client's pending response and
    /// the attempt's timeout) is kept in that future.
    fn send<'a>(
        &'a self,
        req: HttpRequest,
        call: &Call,
        deadline: Instant,
    ) -> impl std::future::Future<Output = Result<HttpResponse, Failure>> + Send + 'a {
        let prepared = self.prepare(req, call, deadline);
        async move {
            let (pending, now, budget) = prepared?;
            // Set once a slot is held: a timeout before that sent nothing.
            let sending = std::sync::atomic::AtomicBool::new(false);
            let max = self.config.max_body_bytes;
            let fut = async {
                let _slot = match &self.slots {
                    Some(slots) => Some(slots.acquire().await.map_err(|_| {
                        not_sent(Error::configuration(
                            "the client's request slots are closed",
                        ))
                    })?),
                    None => None,
                };
                sending.store(true, std::sync::atomic::Ordering::Relaxed);
                let resp = pending.await.map_err(transport_failure)?;
                // The headers move, not copied: the connector reads the few it needs through
                // `HttpResponse::header`.
                let (parts, mut body) = resp.into_parts();
                let status = parts.status.as_u16();
                let headers = parts.headers;
                // The announced length (`Content-Length`), when there is one.
                if hyper::body::Body::size_hint(&body)
                    .exact()
                    .is_some_and(|n| n > max as u64)
                {
                    return Err(too_large(status, max));
                }
                // Most answers arrive as one chunk: keep it as is (no copy); join only when
                // there are more.
                let mut first: Option<Bytes> = None;
                let mut buf = Vec::new();
                while let Some(frame) = body.frame().await {
                    // Trailers (HTTP/2) carry nothing a connector reads.
                    let Ok(chunk) = frame.map_err(body_failure)?.into_data() else {
                        continue;
                    };
                    let held = first.as_ref().map_or(0, Bytes::len);
                    if held + buf.len() + chunk.len() > max {
                        return Err(too_large(status, max));
                    }
                    match first.take() {
                        None if buf.is_empty() => first = Some(chunk),
                        held_chunk => {
                            if let Some(f) = held_chunk {
                                buf.reserve(f.len() + chunk.len());
                                buf.extend_from_slice(&f);
                            }
                            buf.extend_from_slice(&chunk);
                        }
                    }
                }
                let body = first.unwrap_or_else(|| Bytes::from(buf));
                Ok::<_, Failure>(HttpResponse::from_parts(status, headers, body))
            };
            // `timeout_at` with the instant read when the request was prepared: the clock is
            // read once per attempt here.
            match tokio::time::timeout_at((now + budget).into(), fut).await {
                Ok(r) => r,
                Err(_) => Err(timed_out(
                    budget,
                    sending.load(std::sync::atomic::Ordering::Relaxed),
                )),
            }
        }
    }

    /// Keeps a do-nothing timer registered in the runtime's timer wheel, between half a
    /// second and a second ahead of `now`, while this client makes attempts.
    ///
    /// Each attempt's timeout is a timer. Tokio wakes its time driver (a write to the runtime's
    /// event descriptor, and a sleeping worker thread woken to re-arm its sleep) whenever a
    /// timer is registered earlier than the earliest one it is sleeping towards — always, when
    /// the wheel was empty as it went to sleep, as it is between one sequential call and the
    /// next. With this timer held ahead, an attempt's deadline (30 s by default) is later than
    /// the driver's next wake and registers without waking it; the held timer itself is moved
    /// at most every half second. A deadline shorter than that wakes the driver as before.
    /// Measured (`prism-bench ab`, 10 runs each, Prism / raw): eventfd writes per sequential
    /// create 1.67 → 1.45, p50 ratio 1.087 → 1.071, CPU 1.081 → 1.064.
    fn hold_timer_wheel(&self, now: Instant) {
        const AHEAD: Duration = Duration::from_secs(1);
        // Never wait for it: another attempt holding the lock is doing the same.
        let Ok(mut hold) = self.wheel_hold.try_lock() else {
            return;
        };
        if let Some(h) = hold.as_ref() {
            if h.timer.deadline().into_std() > now + AHEAD / 2 {
                return;
            }
        }
        // Renewed at most every half second; in the wheel of the runtime making this attempt
        // (a client used from several runtimes moves it to the one renewing it).
        let deadline = (now + AHEAD).into();
        let runtime = tokio::runtime::Handle::current().id();
        match hold.as_mut() {
            Some(h) if h.runtime == runtime => h.timer.as_mut().reset(deadline),
            _ => {
                let mut timer = Box::pin(tokio::time::sleep_until(deadline));
                // Registered by `reset` (a new timer registers only when first polled; this
                // one is never polled: it is there to be in the wheel, not to wake anyone).
                timer.as_mut().reset(deadline);
                *hold = Some(WheelHold { runtime, timer });
            }
        }
    }

    /// The URI for `path` (with its query): the last one built, when it was for the same path
    /// (a copy of a built URI is a few reference counts; building one parses it).
    fn uri_for(&self, path: &str) -> Result<http::Uri, Failure> {
        let build = || {
            let url = self.config.base_url.url_for(path);
            http::Uri::try_from(url.as_str())
                .map_err(|_| invalid_request(format_args!("{path:?} does not make a valid URI")))
        };
        let Ok(mut last) = self.last_url.try_lock() else {
            return build();
        };
        match last.as_ref() {
            Some((p, uri)) if p == path => Ok(uri.clone()),
            _ => {
                let uri = build()?;
                *last = Some((path.to_owned(), uri.clone()));
                Ok(uri)
            }
        }
    }

    /// The attempt's pending response (nothing is sent until it is polled), the instant its
    /// budget counts from, and the budget; or why it cannot be sent.
    fn prepare(
        &self,
        req: HttpRequest,
        call: &Call,
        deadline: Instant,
    ) -> Result<
        (
            hyper_util::client::legacy::ResponseFuture,
            Instant,
            Duration,
        ),
        Failure,
    > {
        let now = Instant::now();
        let budget = call
            .attempt_timeout
            .min(deadline.saturating_duration_since(now));
        if budget.is_zero() {
            return Err(not_sent(Error::new(
                ErrorKind::Timeout,
                "the call's deadline passed before the request was sent",
            )));
        }
        self.hold_timer_wheel(now);
        let uri = self.uri_for(&req.path)?;
        let method = match req.method {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
            Method::Patch => http::Method::PATCH,
            Method::Delete => http::Method::DELETE,
            // A method added later: parsed by name.
            other => http::Method::from_bytes(other.as_str().as_bytes())
                .map_err(|_| invalid_request(format_args!("unknown HTTP method {other:?}")))?,
        };
        // The request is filled in place (no builder moved along with each header).
        let mut request = http::Request::new(Full::new(Bytes::new()));
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        headers.reserve(req.headers.len() + 3);
        for h in req.headers {
            let Ok(name) = http::HeaderName::from_bytes(h.name.as_bytes()) else {
                return Err(invalid_request(format_args!(
                    "{:?} is not an HTTP header name",
                    h.name
                )));
            };
            // The String moves into the header value (no copy); a value HTTP cannot carry is
            // refused here, before anything is sent, without showing it.
            let Ok(mut value) = http::HeaderValue::try_from(h.value) else {
                return Err(invalid_request(format_args!(
                    "the {} header has a value HTTP cannot carry",
                    h.name
                )));
            };
            value.set_sensitive(h.sensitive);
            headers.append(name, value);
        }
        if let Some(ct) = req.body.content_type() {
            let Ok(value) = http::HeaderValue::try_from(ct) else {
                return Err(invalid_request(format_args!(
                    "{ct:?} is not a valid Content-Type"
                )));
            };
            headers.insert(http::header::CONTENT_TYPE, value);
        }
        // The two headers every request had when it went through reqwest, after the
        // connector's own and in the same order, so that the bytes on the wire are unchanged.
        if !headers.contains_key(http::header::ACCEPT) {
            headers.insert(http::header::ACCEPT, http::HeaderValue::from_static("*/*"));
        }
        if !headers.contains_key(http::header::USER_AGENT) {
            headers.insert(
                http::header::USER_AGENT,
                http::HeaderValue::from_static(USER_AGENT),
            );
        }
        match req.body {
            Body::Empty => {}
            Body::Json { bytes, .. } | Body::Form(bytes) => {
                *request.body_mut() = Full::new(bytes);
            }
        }
        Ok((self.http.request(request), now, budget))
    }
}

// The success's tracing and the failure's handling are out of line (the latter marked cold),
// rather than inside the call's state machine among the hot path's instructions.

/// Records a successful call on its span and logs it.
#[inline(never)]
fn traced_success(span: &tracing::Span, status: u16, diag: &Diagnostics) {
    span.record("attempts", diag.attempts);
    span.record("status", status);
    if let Some(id) = &diag.request_id {
        span.record("request_id", id.as_str());
    }
    span.record("outcome", "ok");
    tracing::info!(
        parent: span,
        elapsed_ms = diag.elapsed.as_millis() as u64,
        "call succeeded"
    );
}

/// Logs an attempt's answer (at debug level).
#[inline(never)]
fn traced_answer(attempt: u32, status: u16) {
    tracing::debug!(attempt, status, "answer");
}

/// A failed call's error: logged, given its connector and diagnostics, and scrubbed of the
/// connector's secrets and the request's personal values.
#[cold]
#[inline(never)]
fn failed<Op, C>(
    conn: &C,
    req: &Op::Request,
    span: &tracing::Span,
    error: Error,
    diag: Diagnostics,
) -> Error
where
    Op: Operation,
    C: Flow<Op> + ?Sized,
{
    span.record("attempts", diag.attempts);
    span.record("outcome", error.kind().as_str());
    tracing::warn!(
        parent: span,
        kind = error.kind().as_str(),
        status = error.http_status(),
        outcome_unknown = error.outcome_unknown(),
        "call failed"
    );
    // The redactor is built only now: a success never needs it, and collecting the
    // connector's secrets and the request's personal values costs allocations.
    let mut redactor = Redactor::new();
    for s in conn.secrets() {
        redactor.add(secrecy::ExposeSecret::expose_secret(s));
    }
    redactor.extend(Op::personal_values(req));
    error
        .with_connector(conn.id())
        .with_diagnostics(diag)
        .scrubbed(&redactor)
}

/// A failure before anything was sent: nothing of it was applied.
#[cold]
#[inline(never)]
fn not_sent(error: Error) -> Failure {
    Failure {
        error,
        may_have_applied: false,
        definitely_not_applied: true,
    }
}

/// A request that cannot be sent as built (a connector's mistake): refused, nothing sent.
#[cold]
#[inline(never)]
fn invalid_request(what: std::fmt::Arguments<'_>) -> Failure {
    not_sent(Error::configuration(what.to_string()))
}

/// The attempt's timeout passed: before it got a request slot (nothing sent), or after.
#[cold]
#[inline(never)]
fn timed_out(budget: Duration, sent: bool) -> Failure {
    if !sent {
        return not_sent(Error::new(
            ErrorKind::Timeout,
            format!(
                "no free request slot within {} ms (max_in_flight); nothing was sent",
                budget.as_millis()
            ),
        ));
    }
    Failure {
        error: Error::new(
            ErrorKind::Timeout,
            format!("no complete answer within {} ms", budget.as_millis()),
        )
        .with_retryable(true),
        may_have_applied: true,
        definitely_not_applied: false,
    }
}

/// 16 bytes from the operating system's random source, for signed schemes' nonces and salts.
/// A machine that cannot give randomness cannot sign safely: nothing is sent then.
fn fresh_nonce() -> Result<Nonce, Failure> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        not_sent(Error::configuration(format!(
            "no randomness for the request's nonce: {e}"
        )))
    })?;
    Ok(Nonce(bytes))
}

/// The answer's body is larger than the client reads.
#[cold]
#[inline(never)]
fn too_large(status: u16, max: usize) -> Failure {
    let may_have_applied = (200..300).contains(&status) || status >= 500;
    Failure {
        error: Error::unexpected_response(status, b"", format!("body larger than {max} bytes")),
        may_have_applied,
        definitely_not_applied: !may_have_applied,
    }
}

/// What a transport error means for the attempt: sent or not, and retryable.
#[cold]
#[inline(never)]
fn transport_failure(e: hyper_util::client::legacy::Error) -> Failure {
    // A connect failure (TCP or TLS) means no byte of the request left this machine.
    let connect = e.is_connect();
    let what = if connect {
        "could not connect to the processor"
    } else {
        "the connection failed after the request was sent"
    };
    network_failure(&e, what, connect)
}

/// The connection broke while the answer's body was being read.
#[cold]
#[inline(never)]
fn body_failure(e: hyper::Error) -> Failure {
    network_failure(&e, "the connection broke while reading the answer", false)
}

/// A transport failure: `Timeout` when an I/O cause says so (the connect timeout), `Transport`
/// otherwise; retryable; applied unless nothing was sent. The message names the cause (hyper's
/// and the system's words: no URL, credential or body is in them).
fn network_failure(e: &(dyn std::error::Error + 'static), what: &str, connect: bool) -> Failure {
    let mut causes = Vec::new();
    let mut timed_out = false;
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            timed_out |= io.kind() == std::io::ErrorKind::TimedOut;
        }
        causes.push(cause.to_string());
        source = cause.source();
    }
    let detail = causes.join(": ");
    let kind = if timed_out {
        ErrorKind::Timeout
    } else {
        ErrorKind::Transport
    };
    Failure {
        error: Error::new(
            kind,
            if detail.is_empty() {
                what.to_owned()
            } else {
                format!("{what}: {detail}")
            },
        )
        .with_retryable(true),
        may_have_applied: !connect,
        definitely_not_applied: connect,
    }
}
