//! What every service client shares: one builder, one settings object, one core.
//!
//! The product's model is one client per service (`CustomerClient` today; a `PaymentClient`
//! later). Credentials, environment, base URL, timeouts, retry policy and policies are set on a
//! [`ClientBuilder`] and checked once, here; a service client is a thin type over the
//! [`ClientCore`] the builder makes. A new service implements [`ServiceClient`] and reuses all of
//! this.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use prism_connector::ConnectorApi;
use prism_http::{validate_base_url, Executor, ExecutorConfig, KeyDeriver, Proxy, RetryPolicy};
use prism_types::{Connector, Environment, Error, OnDuplicate, UnsupportedFields};

use crate::registry::{ensure_available, ConnectorConfig};

/// The settings of a client, shared by every service client. Built through [`ClientBuilder`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ClientSettings {
    /// Sandbox (default) or Production.
    pub environment: Environment,
    /// Overrides the processor's base URL (proxies, tests, the embedded sandbox).
    pub base_url: Option<String>,
    /// Retry policy (default: 2 retries, 0.5 s doubling to 5 s, jittered).
    pub retry: RetryPolicy,
    /// Per-attempt timeout (default 30 s).
    pub timeout: Option<Duration>,
    /// Overall deadline of one call (default 80 s).
    pub deadline: Option<Duration>,
    /// Connect timeout (default 10 s).
    pub connect_timeout: Option<Duration>,
    /// At most this many requests in flight at once per client (default: no bound).
    pub max_in_flight: Option<usize>,
    /// The proxy `https` requests go through (default: `HTTPS_PROXY` / `ALL_PROXY` unless
    /// `NO_PROXY` names the host, read when the client is built).
    pub proxy: Proxy,
    /// Duplicate policy (default [`OnDuplicate::Error`]).
    pub on_duplicate: OnDuplicate,
    /// Unsupported-fields policy (default [`UnsupportedFields::Reject`]).
    pub unsupported_fields: UnsupportedFields,
}

/// A service client Prism can build from a [`ClientBuilder`] (implemented by
/// [`crate::CustomerClient`]; a later `PaymentClient` implements it the same way).
pub trait ServiceClient: Sized {
    /// The connector trait object this service drives.
    #[doc(hidden)]
    type Connector: ?Sized + ConnectorApi;
    /// Turns the typed config into that trait object.
    #[doc(hidden)]
    fn connector_from(config: ConnectorConfig) -> Arc<Self::Connector>;
    /// Wraps the checked core.
    #[doc(hidden)]
    fn from_core(core: ClientCore<Self::Connector>) -> Self;
}

/// What a built client holds: the connector, one executor (one connection pool), the
/// idempotency-key deriver and the policies. Shared by every service client.
#[doc(hidden)]
pub struct ClientCore<C: ?Sized> {
    pub(crate) connector: Arc<C>,
    pub(crate) executor: Executor,
    /// Derives reference-based idempotency keys; the account fingerprint is hashed once, here.
    pub(crate) keys: KeyDeriver,
    pub(crate) on_duplicate: OnDuplicate,
    pub(crate) unsupported_fields: UnsupportedFields,
}

impl<C: ?Sized + ConnectorApi> std::fmt::Debug for ClientCore<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("connector", &self.connector.id())
            .field("environment", &self.executor.config().environment)
            .field("base_url", &self.executor.config().base_url.as_str())
            .finish_non_exhaustive()
    }
}

/// Builds any service client: `CustomerClient::builder()` is a `ClientBuilder<CustomerClient>`.
pub struct ClientBuilder<S> {
    config: Option<ConnectorConfig>,
    connector: Option<Connector>,
    api_key: Option<String>,
    settings: ClientSettings,
    env_lookup: fn(&str) -> Option<String>,
    service: PhantomData<fn() -> S>,
}

impl<S> std::fmt::Debug for ClientBuilder<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .field("connector", &self.connector)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("settings", &self.settings)
            .finish()
    }
}

impl<S> Default for ClientBuilder<S> {
    fn default() -> Self {
        Self {
            config: None,
            connector: None,
            api_key: None,
            settings: ClientSettings::default(),
            env_lookup: |k| std::env::var(k).ok(),
            service: PhantomData,
        }
    }
}

impl<S: ServiceClient> ClientBuilder<S> {
    /// The connector and its typed credentials.
    pub fn connector_config(mut self, config: ConnectorConfig) -> Self {
        self.config = Some(config);
        self
    }
    /// The connector, when credentials come from [`Self::api_key`] or the environment.
    pub fn connector(mut self, connector: Connector) -> Self {
        self.connector = Some(connector);
        self
    }
    /// The API key of a single-secret connector. Without it (and without a typed config) the
    /// credentials are read from `PRISM_<CONNECTOR>_<FIELD>`.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }
    /// All settings at once.
    pub fn settings(mut self, settings: ClientSettings) -> Self {
        self.settings = settings;
        self
    }
    /// Sandbox (default) or Production.
    pub fn environment(mut self, env: Environment) -> Self {
        self.settings.environment = env;
        self
    }
    /// Sends to this base URL instead of the processor's (proxies, tests, the embedded sandbox).
    /// `https` only, except plain `http` to a loopback host in Sandbox. Without it,
    /// `PRISM_<CONNECTOR>_BASE_URL` is honoured when set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.settings.base_url = Some(url.into());
        self
    }
    /// Retries after the first attempt (default 2; 0 means exactly one attempt).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.settings.retry.max_retries = n;
        self
    }
    /// The whole retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }
    /// Per-attempt timeout (default 30 s).
    pub fn timeout(mut self, t: Duration) -> Self {
        self.settings.timeout = Some(t);
        self
    }
    /// Overall deadline of one call (default 80 s).
    pub fn deadline(mut self, t: Duration) -> Self {
        self.settings.deadline = Some(t);
        self
    }
    /// Connect timeout (default 10 s).
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.settings.connect_timeout = Some(t);
        self
    }
    /// At most `n` requests of this client in flight at once (default: no bound).
    /// Calls beyond it wait for a slot, first come first served, within their per-attempt
    /// timeout and deadline; one that gets no slot in time fails as a [`ErrorKind::Timeout`]
    /// with nothing sent (`outcome_unknown() == false`). Bounds the connections a burst opens
    /// (a thousand concurrent calls would otherwise open a thousand connections) and the
    /// processor's rate limits it meets. `n` must be at least 1.
    ///
    /// [`ErrorKind::Timeout`]: prism_types::ErrorKind::Timeout
    pub fn max_in_flight(mut self, n: usize) -> Self {
        self.settings.max_in_flight = Some(n);
        self
    }
    /// Sends `https` requests through this HTTP proxy (`http://host:port`, with
    /// `user:password@` before the host for Basic credentials) as a `CONNECT` tunnel: TLS stays
    /// end to end with the processor. Default: the environment's (`HTTPS_PROXY`, else
    /// `ALL_PROXY`, unless `NO_PROXY` names the processor's host). With an `https` base URL, a
    /// proxy URL that cannot be read, or one that is not `http://`, is refused when the client
    /// is built; a loopback `http` base URL never uses a proxy.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.settings.proxy = Proxy::Url(url.into());
        self
    }
    /// Connects straight to the processor, whatever the environment's proxy variables say.
    pub fn no_proxy(mut self) -> Self {
        self.settings.proxy = Proxy::Direct;
        self
    }
    /// Duplicate policy (default [`OnDuplicate::Error`]).
    pub fn on_duplicate(mut self, p: OnDuplicate) -> Self {
        self.settings.on_duplicate = p;
        self
    }
    /// Unsupported-fields policy (default [`UnsupportedFields::Reject`]).
    pub fn unsupported_fields(mut self, p: UnsupportedFields) -> Self {
        self.settings.unsupported_fields = p;
        self
    }

    /// Checks everything and builds the client. Nothing is sent.
    pub fn build(self) -> Result<S, Error> {
        let config = match (self.config, self.connector, self.api_key) {
            (Some(c), _, _) => c,
            (None, Some(conn), Some(key)) => ConnectorConfig::from_api_key(conn, key)?,
            (None, Some(conn), None) => ConnectorConfig::from_env_with(conn, &self.env_lookup)?,
            (None, None, _) => {
                return Err(Error::configuration(
                    "no connector given: call .connector(…) or .connector_config(…)",
                ))
            }
        };
        let id = config.connector();
        ensure_available(id)?;
        let connector = S::connector_from(config);
        let settings = self.settings;
        let env = settings.environment;
        connector
            .check_config(env)
            .map_err(|e| e.with_connector(id))?;
        // The base URL is computed once, here: an explicit one, else the environment's
        // override, else the processor's own (which may depend on the account).
        let raw = match settings.base_url {
            Some(url) => url,
            None => (self.env_lookup)(&ConnectorConfig::base_url_env_var(id))
                .filter(|u| !u.trim().is_empty())
                .unwrap_or_else(|| connector.base_url(env).into_owned()),
        };
        let base_url = validate_base_url(&raw, env).map_err(|e| e.with_connector(id))?;
        let mut exec = ExecutorConfig::new(base_url, env);
        exec.retry = settings.retry;
        if let Some(t) = settings.timeout {
            exec.attempt_timeout = t;
        }
        if let Some(t) = settings.deadline {
            exec.total_timeout = t;
        }
        if let Some(t) = settings.connect_timeout {
            exec.connect_timeout = t;
        }
        exec.max_in_flight = settings.max_in_flight;
        exec.proxy = settings.proxy;
        let keys = KeyDeriver::new(id.as_str(), &connector.account_fingerprint());
        Ok(S::from_core(ClientCore {
            connector,
            executor: Executor::new(exec)?,
            keys,
            on_duplicate: settings.on_duplicate,
            unsupported_fields: settings.unsupported_fields,
        }))
    }
}

#[cfg(test)]
impl<S> ClientBuilder<S> {
    /// Reads environment variables through `lookup` instead of the process environment.
    pub(crate) fn env_lookup(mut self, lookup: fn(&str) -> Option<String>) -> Self {
        self.env_lookup = lookup;
        self
    }
}
