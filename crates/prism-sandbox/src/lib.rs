//! # prism-sandbox
//!
//! An in-process HTTP server on loopback (127.0.0.1 only) that speaks each implemented
//! processor's customer-create wire protocol, so the library, the `prism` program and your own
//! test suites run with no account and no network. Each emulator lives under
//! `/<connector>` (e.g. `http://127.0.0.1:PORT/stripe/v1/customers`); `GET /` lists them.
//!
//! ```no_run
//! use prism_sandbox::{Connector, Fault, Sandbox};
//!
//! # async fn run() -> std::io::Result<()> {
//! let sandbox = Sandbox::start().await?;
//! let base_url = sandbox.base_url(Connector::Stripe);          // give this to the client builder
//! let (_var, key) = Sandbox::credentials(Connector::Stripe)[0]; // "sk_test_prism_sandbox"
//! sandbox.faults().push(Some(Connector::Stripe), Fault::ResetAfterStore);
//! // … run the client against base_url with key …
//! assert!(sandbox.customers(Connector::Stripe).len() <= 1);
//! # Ok(()) }
//! ```
//!
//! Fault injection ([`Faults`]) is a generic layer in front of every emulator: one-shot faults
//! ([`Faults::push`]), seeded probabilistic mixes ([`Faults::set_random`]) and a text grammar
//! for the command line ([`Faults::parse_spec`]). Dropping the [`Sandbox`] stops the server.
#![forbid(unsafe_code)]
// In a build with only some emulators (one cargo feature each), some kit and store helpers have
// no user: the lint is relaxed for such builds only.
#![cfg_attr(not(feature = "all-emulators"), allow(dead_code))]
#![deny(missing_docs)]

mod emulators;
mod faults;
mod kit;
mod reply;
mod store;

use std::convert::Infallible;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use axum::response::IntoResponse;
use hyper::body::Frame;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

use crate::emulators::Emulator;
use crate::store::SharedState;

pub use crate::faults::{Fault, FaultMix, Faults};
pub use crate::store::StoredCustomer;
/// The connector names (re-exported from `prism-types`).
pub use prism_types::Connector;

/// Largest request body the fault layer reads when it must consume one (16 MiB).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// A running sandbox server. Dropping it shuts the server down (every connection is closed).
pub struct Sandbox {
    addr: SocketAddr,
    state: SharedState,
    faults: Arc<Faults>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("root_url", &self.root_url())
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox on `127.0.0.1` with a free port chosen by the system.
    pub async fn start() -> std::io::Result<Sandbox> {
        Self::start_on(0).await
    }

    /// Starts a sandbox on `127.0.0.1:port` (never any other address).
    pub async fn start_on(port: u16) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let state = SharedState::default();
        let faults = Arc::new(Faults::default());
        let emulators: Arc<Vec<Box<dyn Emulator>>> = Arc::new(emulators::all());
        let root_url = format!("http://{addr}");

        let index: Vec<serde_json::Value> = emulators
            .iter()
            .map(|e| {
                let c = e.connector();
                let creds: serde_json::Map<String, serde_json::Value> = e
                    .credentials()
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).into()))
                    .collect();
                serde_json::json!({
                    "connector": c.as_str(),
                    "name": c.display_name(),
                    "base_url": format!("{root_url}/{}", c.as_str()),
                    "credentials": creds,
                })
            })
            .collect();
        let index = Arc::new(index);
        let mut router = axum::Router::new().route(
            "/",
            axum::routing::get(move || {
                let index = Arc::clone(&index);
                async move { axum::Json(serde_json::Value::Array(index.as_ref().clone())) }
            }),
        );
        for e in emulators.iter() {
            router = router.nest(
                &format!("/{}", e.connector().as_str()),
                e.router(state.clone()),
            );
        }
        let app = App {
            router,
            emulators,
            state: state.clone(),
            faults: Arc::clone(&faults),
        };
        let task = tokio::spawn(accept_loop(listener, app));
        tracing::debug!(%addr, "prism sandbox listening");
        Ok(Sandbox {
            addr,
            state,
            faults,
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn root_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL of `connector`'s emulator: [`Self::root_url`] + `/` + its name. Pass it to
    /// the client builder's `base_url`.
    pub fn base_url(&self, connector: Connector) -> String {
        format!("{}/{}", self.root_url(), connector.as_str())
    }

    /// The connectors that have an emulator in this build (one cargo feature each).
    pub fn connectors() -> Vec<Connector> {
        emulators::all().iter().map(|e| e.connector()).collect()
    }

    /// `(environment variable, test value)` pairs the emulator of `connector` accepts, e.g.
    /// `[("PRISM_STRIPE_API_KEY", "sk_test_prism_sandbox")]`; empty without an emulator.
    pub fn credentials(connector: Connector) -> &'static [(&'static str, &'static str)] {
        emulators::all()
            .iter()
            .find(|e| e.connector() == connector)
            .map_or(&[], |e| e.credentials())
    }

    /// What `connector`'s emulator stored, oldest first.
    pub fn customers(&self, connector: Connector) -> Vec<StoredCustomer> {
        self.state.customers(connector)
    }

    /// How many stored customers of `connector` carry this merchant reference.
    pub fn count_by_reference(&self, connector: Connector, merchant_customer_id: &str) -> usize {
        self.state
            .count_by_reference(connector, merchant_customer_id)
    }

    /// Models an eventually consistent search (Stripe's `GET /v1/customers/search`): customers
    /// stored less than `lag` ago are not found by it. Default: none (consistent at once).
    pub fn set_search_lag(&self, lag: std::time::Duration) {
        self.state.set_search_lag(lag);
    }

    /// The fault settings of this sandbox.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Requests that reached `connector`'s emulator, faulted ones included.
    pub fn requests_seen(&self, connector: Connector) -> usize {
        self.state.requests_seen(connector)
    }

    /// Stops the server and waits until it has stopped.
    pub async fn shutdown(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Everything a connection needs to answer requests.
#[derive(Clone)]
struct App {
    router: axum::Router,
    emulators: Arc<Vec<Box<dyn Emulator>>>,
    state: SharedState,
    faults: Arc<Faults>,
}

/// Accepts connections until aborted; aborting drops the `JoinSet`, which aborts every
/// connection task.
async fn accept_loop(listener: TcpListener, app: App) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, app.clone()));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "sandbox accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Serves one HTTP/1.1 connection; a fault can close it at any time through `abort`.
async fn serve_connection(stream: TcpStream, app: App) {
    let _ = stream.set_nodelay(true);
    let abort = Arc::new(Notify::new());
    let svc_abort = Arc::clone(&abort);
    let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
        let app = app.clone();
        let abort = Arc::clone(&svc_abort);
        async move { Ok::<_, Infallible>(app.handle(req.map(Body::new), &abort).await) }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        result = conn => {
            if let Err(e) = result {
                tracing::debug!(error = %e, "sandbox connection ended with an error");
            }
        }
        // Dropping the connection closes the socket without (the rest of) an answer.
        () = abort.notified() => tracing::debug!("sandbox connection closed by an injected fault"),
    }
}

impl App {
    async fn route(&self, req: Request<Body>) -> Response<Body> {
        match self.router.clone().oneshot(req).await {
            Ok(resp) => resp,
            Err(never) => match never {},
        }
    }

    async fn handle(&self, req: Request<Body>, abort: &Notify) -> Response<Body> {
        let path = req.uri().path().to_owned();
        let first = path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default();
        let Some(emulator) = self
            .emulators
            .iter()
            .find(|e| e.connector().as_str() == first)
        else {
            return self.route(req).await;
        };
        let connector = emulator.connector();
        self.state.record_request(connector);
        let relative = path.get(1 + first.len()..).unwrap_or_default();
        let fault = if emulator.is_create(req.method(), relative) {
            self.faults.next(connector)
        } else {
            None
        };
        let Some(fault) = fault else {
            return self.route(req).await;
        };
        tracing::debug!(connector = connector.as_str(), ?fault, "injecting fault");
        match fault {
            Fault::Latency(d) => {
                tokio::time::sleep(d).await;
                self.route(req).await
            }
            Fault::Status(status) => {
                drain(req).await;
                emulator.error_body(status).into_response()
            }
            Fault::RateLimit { retry_after_secs } => {
                drain(req).await;
                let mut reply = emulator.error_body(429);
                if let Some(secs) = retry_after_secs {
                    reply.set_header("Retry-After", secs.to_string());
                }
                reply.into_response()
            }
            Fault::ResetBeforeStore => {
                drain(req).await;
                close_connection(abort).await
            }
            Fault::ResetAfterStore => {
                let handled = self.route(req).await;
                drop(handled);
                close_connection(abort).await
            }
            Fault::TruncatedBody => truncate(self.route(req).await).await,
            Fault::MalformedJson => replace_body(
                self.route(req).await,
                Some("application/json"),
                b"{\"id\": \"cus_",
            ),
            Fault::HtmlErrorPage => replace_body(
                self.route(req).await,
                Some("text/html; charset=utf-8"),
                HTML_PAGE,
            ),
            Fault::EmptyBody => replace_body(self.route(req).await, None, b""),
        }
    }
}

const HTML_PAGE: &[u8] = b"<!DOCTYPE html>\n<html><head><title>Service Temporarily Unavailable</title></head>\n\
<body><h1>Service Temporarily Unavailable</h1><p>The server is temporarily unable to service your request \
due to maintenance downtime or capacity problems. Please try again later.</p><hr><address>nginx</address></body></html>\n";

/// Reads (and discards) a request body, so the client has finished sending.
async fn drain(req: Request<Body>) {
    let _ = axum::body::to_bytes(req.into_body(), MAX_BODY).await;
}

/// Closes the connection without answering: never returns a response.
async fn close_connection(abort: &Notify) -> Response<Body> {
    abort.notify_one();
    std::future::pending().await
}

/// Answers 200 with `body` instead of what the emulator answered (headers kept).
fn replace_body(
    resp: Response<Body>,
    content_type: Option<&'static str>,
    body: &'static [u8],
) -> Response<Body> {
    let (mut parts, _) = resp.into_parts();
    parts.status = StatusCode::OK;
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(ct) = content_type {
        parts
            .headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    Response::from_parts(parts, Body::from(body))
}

/// The emulator's answer with a `Content-Length` of the whole body but only its first half
/// sent; hyper then closes the connection.
async fn truncate(resp: Response<Body>) -> Response<Body> {
    let (parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .unwrap_or_default();
    let mut parts = parts;
    let full = bytes.len().max(2);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(full));
    let half = bytes.slice(..bytes.len() / 2);
    Response::from_parts(
        parts,
        Body::new(HalfThenClose {
            chunk: Some(half),
            pause: None,
        }),
    )
}

/// A body of one chunk whose length is not announced (so hyper uses the `Content-Length`
/// header as given), followed by a short pause (so the chunk is flushed to the client) and then
/// the end: hyper sees the body end before `Content-Length` and closes the connection.
struct HalfThenClose {
    chunk: Option<Bytes>,
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl hyper::body::Body for HalfThenClose {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = &mut *self;
        if let Some(chunk) = this.chunk.take() {
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
        let pause = this.pause.get_or_insert_with(|| {
            Box::pin(tokio::time::sleep(std::time::Duration::from_millis(25)))
        });
        pause.as_mut().poll(cx).map(|()| None)
    }
}

#[cfg(all(test, feature = "stripe"))]
mod tests {
    use super::*;
    use crate::kit::idempotency::{claim, Claim};

    #[tokio::test]
    async fn key_in_flight_gets_409() {
        let sandbox = Sandbox::start().await.expect("start");
        // Hold the key in flight as a concurrent request would.
        let Claim::Fresh(guard) = claim(
            &sandbox.state,
            Connector::Stripe,
            "sk_test_prism_sandbox",
            "k-inflight",
            "whatever",
        ) else {
            panic!("fresh expected")
        };
        let http = reqwest::Client::new();
        let post = || {
            http.post(format!(
                "{}/v1/customers",
                sandbox.base_url(Connector::Stripe)
            ))
            .bearer_auth("sk_test_prism_sandbox")
            .header("Idempotency-Key", "k-inflight")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("email=a%40b.co")
            .send()
        };
        let resp = post().await.expect("send");
        assert_eq!(resp.status().as_u16(), 409);
        assert!(resp.headers().contains_key("request-id"));
        let v: serde_json::Value = resp.json().await.expect("json");
        assert_eq!(v["error"]["code"], "idempotency_key_in_use");
        assert!(sandbox.customers(Connector::Stripe).is_empty());
        drop(guard);
        assert_eq!(post().await.expect("send").status().as_u16(), 200);
        assert_eq!(sandbox.customers(Connector::Stripe).len(), 1);
    }
}
