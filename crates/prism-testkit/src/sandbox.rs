//! Clients of the embedded sandbox and raw requests to its emulators (feature `sandbox`).

use std::time::Duration;

use prism::{Connector, ConnectorConfig, CustomerClient, CustomerClientBuilder, RetryPolicy};
pub use prism_sandbox::{Fault, Sandbox};

/// The default retry count (2) with millisecond backoff, so fault tests run fast.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(2),
        max_backoff: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(2),
    }
}

/// A `PRISM_<C>_<FIELD>` lookup over `(variable, value)` pairs.
pub fn lookup_in<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |k| {
        pairs
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_owned())
    }
}

/// The config of `connector` from `(variable, value)` pairs; panics when they are refused.
pub fn config_from(connector: Connector, pairs: &[(&str, &str)]) -> ConnectorConfig {
    ConnectorConfig::from_env_with(connector, &lookup_in(pairs))
        .unwrap_or_else(|e| panic!("{connector}: test credentials refused: {e}"))
}

/// The value the sandbox accepts for `variable` of `connector`.
pub fn credential(connector: Connector, variable: &str) -> &'static str {
    Sandbox::credentials(connector)
        .iter()
        .find(|(n, _)| *n == variable)
        .map(|(_, v)| *v)
        .unwrap_or_else(|| panic!("{connector}: the sandbox has no {variable}"))
}

/// A client builder for `connector`'s emulator: the sandbox's credentials, its base URL and
/// [`fast_retry`].
pub fn builder(sandbox: &Sandbox, connector: Connector) -> CustomerClientBuilder {
    builder_with(sandbox, connector, &[])
}

/// Like [`builder`], with some credentials replaced (`(variable, value)`), e.g. a wrong key.
pub fn builder_with(
    sandbox: &Sandbox,
    connector: Connector,
    replaced: &[(&str, &str)],
) -> CustomerClientBuilder {
    let pairs: Vec<(&str, &str)> = Sandbox::credentials(connector)
        .iter()
        .map(|(n, v)| {
            let v = replaced
                .iter()
                .find(|(r, _)| r == n)
                .map_or(*v, |(_, r)| *r);
            (*n, v)
        })
        .collect();
    CustomerClient::builder()
        .connector_config(config_from(connector, &pairs))
        .base_url(sandbox.base_url(connector))
        .retry_policy(fast_retry())
}

/// A client of `connector`'s emulator ([`builder`], built).
pub fn client(sandbox: &Sandbox, connector: Connector) -> CustomerClient {
    builder(sandbox, connector).build().expect("sandbox client")
}

/// A raw request to `connector`'s emulator: `method` on its base URL + `path`.
pub fn raw(
    sandbox: &Sandbox,
    connector: Connector,
    method: reqwest::Method,
    path: &str,
) -> reqwest::RequestBuilder {
    reqwest::Client::new().request(method, format!("{}{path}", sandbox.base_url(connector)))
}

/// A raw POST to `connector`'s emulator at `path`.
pub fn post(sandbox: &Sandbox, connector: Connector, path: &str) -> reqwest::RequestBuilder {
    raw(sandbox, connector, reqwest::Method::POST, path)
}

/// A raw GET of `connector`'s emulator at `path`.
pub fn get(sandbox: &Sandbox, connector: Connector, path: &str) -> reqwest::RequestBuilder {
    raw(sandbox, connector, reqwest::Method::GET, path)
}

/// Every credential any emulator accepts.
pub fn all_sandbox_secrets() -> Vec<&'static str> {
    Sandbox::connectors()
        .into_iter()
        .flat_map(|c| Sandbox::credentials(c).iter().map(|(_, v)| *v))
        .collect()
}

/// Panics when a credential the sandbox accepts, or a personal test value, appears in `text`.
pub fn assert_no_sandbox_secret(what: &str, text: &str) {
    crate::leaks::assert_clean(what, text, all_sandbox_secrets());
}

/// The HTTP client the raw requests use (for its types: `reqwest::Method`, responses).
pub use reqwest;

/// Sends a connector's own request value ([`prism::HttpRequest`], e.g. a token step or a lookup
/// built by its pure functions) to `connector`'s emulator and returns the answer as the value its
/// parsers read: a minimal stand-in for the executor.
pub async fn send(
    sandbox: &Sandbox,
    connector: Connector,
    request: &prism::HttpRequest,
) -> prism::HttpResponse {
    let method = reqwest::Method::from_bytes(request.method.as_str().as_bytes()).expect("method");
    let mut req = raw(sandbox, connector, method, &request.path);
    for h in &request.headers {
        req = req.header(h.name, &h.value);
    }
    if let Some(ct) = request.body.content_type() {
        req = req.header("content-type", ct);
    }
    let resp = req
        .body(request.body.bytes().to_vec())
        .send()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "{connector}: {} {}: {e}",
                request.method.as_str(),
                request.path
            )
        });
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let body = resp.bytes().await.expect("body").to_vec();
    prism::HttpResponse::new(status, headers, body)
}

/// A credential value of the same shape as `value` (same length, same prefix) that is not it:
/// its last character changed.
pub fn wrong_value(value: &str) -> String {
    let mut chars: Vec<char> = value.chars().collect();
    let last = chars.last_mut().expect("a non-empty credential");
    *last = match *last {
        '9' => '0',
        'z' => 'a',
        'Z' => 'A',
        c if c.is_ascii_alphanumeric() => char::from(c as u8 + 1),
        _ => 'x',
    };
    chars.into_iter().collect()
}

/// Sends a raw request and returns its status and JSON body (a leading byte-order mark
/// skipped; `Null` when the body is not JSON).
pub async fn reply(req: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    let resp = req.send().await.expect("send");
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.expect("body");
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    (status, serde_json::from_slice(body).unwrap_or_default())
}

/// The ids `connector`'s emulator stored, oldest first.
pub fn stored_ids(sandbox: &Sandbox, connector: Connector) -> Vec<String> {
    sandbox
        .customers(connector)
        .into_iter()
        .map(|c| c.id)
        .collect()
}

/// Sends a raw request; panics when it cannot be sent.
pub async fn respond(req: reqwest::RequestBuilder) -> reqwest::Response {
    req.send().await.expect("send")
}

/// `req` with the header `name: value` when there is a value.
pub fn header_if(
    req: reqwest::RequestBuilder,
    name: &str,
    value: Option<&str>,
) -> reqwest::RequestBuilder {
    match value {
        Some(v) => req.header(name, v),
        None => req,
    }
}

/// Panics unless `resp` carries each `(name, value)` header with exactly that value.
pub fn assert_headers(resp: &reqwest::Response, want: &[(&str, &str)]) {
    for (name, value) in want {
        let got = resp.headers().get(*name).and_then(|v| v.to_str().ok());
        assert_eq!(got, Some(*value), "header {name}");
    }
}
