use std::sync::Arc;
use std::time::Duration;

use prism_connector::{
    Capabilities, CreateCustomer, CreatedCustomer, CustomerConnector, FindCustomer,
    FindCustomerRequest, Idempotency,
};
use prism_http::{validate_base_url, Executor, ExecutorConfig, KeyDeriver, Outcome, RetryPolicy};
use prism_types::{
    Connector, CustomerCreateRequest, CustomerCreateResponse, CustomerStatus, Environment, Error,
    ErrorKind, FieldError, OnDuplicate, UnsupportedFields,
};

use crate::registry::{ensure_available, ConnectorConfig};

/// Creates customer records at one processor account.
///
/// Cheap to clone (an `Arc`), `Send + Sync`, one connection pool: build one and share it.
#[derive(Clone)]
pub struct CustomerClient {
    inner: Arc<Inner>,
}

struct Inner {
    connector: Arc<dyn CustomerConnector>,
    /// Derives reference-based idempotency keys; the account fingerprint is hashed once, here.
    keys: KeyDeriver,
    executor: Executor,
    on_duplicate: OnDuplicate,
    unsupported_fields: UnsupportedFields,
}

impl std::fmt::Debug for CustomerClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomerClient")
            .field("connector", &self.inner.connector.id())
            .field("environment", &self.inner.executor.config().environment)
            .field("base_url", &self.inner.executor.config().base_url.as_str())
            .finish_non_exhaustive()
    }
}

/// Per-call overrides of the client's settings. `Default` leaves everything to the client.
///
/// ```
/// # use prism::CallOptions; use std::time::Duration;
/// let opts = CallOptions { max_retries: Some(0), timeout: Some(Duration::from_secs(5)), ..CallOptions::default() };
/// ```
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// The idempotency key to send instead of the one derived from the merchant reference
    /// (1–64 printable ASCII characters). Only used by connectors with an idempotency mechanism.
    pub idempotency_key: Option<String>,
    /// Retries after the first attempt (`Some(0)`: exactly one attempt).
    pub max_retries: Option<u32>,
    /// Per-attempt timeout.
    pub timeout: Option<Duration>,
    /// Overall deadline of the call, all attempts and waits included.
    pub deadline: Option<Duration>,
    /// Duplicate policy for this call.
    pub on_duplicate: Option<OnDuplicate>,
    /// Unsupported-fields policy for this call.
    pub unsupported_fields: Option<UnsupportedFields>,
}

impl CustomerClient {
    /// A client for a connector whose credentials are one API key (Stripe, Shift4, Stax, …),
    /// with default settings. Other connectors take their typed config through [`Self::builder`].
    pub fn new(
        connector: Connector,
        api_key: impl Into<String>,
        environment: Environment,
    ) -> Result<Self, Error> {
        Self::builder()
            .connector_config(ConnectorConfig::from_api_key(connector, api_key)?)
            .environment(environment)
            .build()
    }

    /// A client whose credentials come from the `PRISM_<CONNECTOR>_<FIELD>` environment variables.
    pub fn from_env(connector: Connector, environment: Environment) -> Result<Self, Error> {
        Self::builder()
            .connector_config(ConnectorConfig::from_env(connector)?)
            .environment(environment)
            .build()
    }

    /// A builder for every setting.
    pub fn builder() -> CustomerClientBuilder {
        CustomerClientBuilder::default()
    }

    /// The connector this client talks to.
    pub fn connector(&self) -> Connector {
        self.inner.connector.id()
    }

    /// The connector's declared capabilities.
    pub fn capabilities(&self) -> &'static Capabilities {
        self.inner.connector.capabilities()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.executor.config().base_url.as_str()
    }

    /// Creates a customer with the client's settings.
    pub async fn create(
        &self,
        request: CustomerCreateRequest,
    ) -> Result<CustomerCreateResponse, Error> {
        self.create_with(request, CallOptions::default()).await
    }

    /// Creates a customer with per-call overrides.
    pub async fn create_with(
        &self,
        request: CustomerCreateRequest,
        options: CallOptions,
    ) -> Result<CustomerCreateResponse, Error> {
        let started = std::time::Instant::now();
        let inner = &*self.inner;
        let conn = &*inner.connector;
        let connector = conn.id();
        let caps = conn.capabilities();
        let policy = options
            .unsupported_fields
            .unwrap_or(inner.unsupported_fields);
        let on_duplicate = options.on_duplicate.unwrap_or(inner.on_duplicate);

        let validated = prism_validation::validate(&request, connector, caps, policy)?;
        let to_send = if validated.unstored_fields.is_empty() {
            request
        } else {
            without_fields(request, &validated.unstored_fields)
        };

        let mut call = inner.executor.default_call();
        if !matches!(caps.idempotency, Idempotency::None) {
            match options.idempotency_key {
                Some(key) => {
                    check_idempotency_key(&key).map_err(|e| e.with_connector(connector))?;
                    call.idempotency_key = Some(key);
                }
                None => {
                    call.idempotency_key = Some(inner.keys.derive(&to_send.merchant_customer_id));
                    call.key_from_reference = true;
                }
            }
        }
        if let Some(n) = options.max_retries {
            call.retry.max_retries = n;
        }
        if let Some(t) = options.timeout {
            call.attempt_timeout = t;
        }
        if let Some(d) = options.deadline {
            call.total_timeout = d;
        }
        let deadline = call.total_timeout;

        match inner
            .executor
            .execute::<CreateCustomer, _>(conn, &to_send, call)
            .await
        {
            Ok(Outcome {
                output:
                    CreatedCustomer {
                        connector_customer_id,
                        replayed,
                    },
                status,
                mut diagnostics,
            }) => {
                diagnostics.replayed = replayed;
                diagnostics.unstored_fields = validated.unstored_fields;
                Ok(CustomerCreateResponse {
                    merchant_customer_id: to_send.merchant_customer_id,
                    connector_customer_id,
                    status: CustomerStatus::Active,
                    status_code: status,
                    connector,
                    existing: false,
                    diagnostics,
                })
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                let left = deadline.saturating_sub(started.elapsed());
                let e = self
                    .name_existing(e, &to_send.merchant_customer_id, left)
                    .await;
                let diagnostics = e.diagnostics().cloned().unwrap_or_default();
                // After a lost answer, the customer this reference names is (almost surely) this
                // call's own creation: success, as a replay. Otherwise it existed before.
                let own = diagnostics.lost_answer;
                match e.existing_customer_id() {
                    Some(id) if own || on_duplicate == OnDuplicate::ReturnExisting => {
                        let mut diagnostics = diagnostics;
                        diagnostics.unstored_fields = validated.unstored_fields;
                        diagnostics.replayed |= own;
                        Ok(CustomerCreateResponse {
                            merchant_customer_id: to_send.merchant_customer_id,
                            connector_customer_id: id.to_owned(),
                            status: CustomerStatus::Active,
                            // The answer that named the customer (a replay, a lookup) was a 200.
                            status_code: 200,
                            connector,
                            existing: !own,
                            diagnostics,
                        })
                    }
                    _ => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }
}

impl CustomerClient {
    /// For an `AlreadyExists` that does not name the existing customer: asks the processor's
    /// lookup by reference (where the connector has one), within what is `left` of the call's
    /// deadline. The lookup's own failure is logged and the original error kept.
    async fn name_existing(&self, e: Error, merchant_customer_id: &str, left: Duration) -> Error {
        if e.existing_customer_id().is_some() || left.is_zero() {
            return e;
        }
        let inner = &*self.inner;
        let Some(finder) = inner.connector.finder() else {
            return e;
        };
        let req = FindCustomerRequest {
            merchant_customer_id: merchant_customer_id.to_owned(),
        };
        // The lookup spends what is left of the call's deadline, no more.
        let mut call = inner.executor.default_call();
        call.total_timeout = left;
        match inner
            .executor
            .execute::<FindCustomer, _>(finder, &req, call)
            .await
        {
            Ok(Outcome {
                output: Some(id), ..
            }) => e.with_existing_customer_id(Some(id)),
            Ok(_) => e,
            Err(lookup) => {
                tracing::warn!(
                    kind = lookup.kind().as_str(),
                    "looking up the existing customer failed"
                );
                e
            }
        }
    }
}

fn check_idempotency_key(key: &str) -> Result<(), Error> {
    if key.is_empty() || key.len() > 64 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid_fields(vec![FieldError::new(
            "idempotency_key",
            "idempotency_key",
            "must be 1 to 64 printable ASCII characters without spaces",
        )]));
    }
    Ok(())
}

/// `req` without the fields at `paths` (fields the processor cannot store, under `Ignore`).
fn without_fields(mut req: CustomerCreateRequest, paths: &[String]) -> CustomerCreateRequest {
    for p in paths {
        match p.as_str() {
            "email" => req.email = None,
            "name" => req.name = None,
            "phone" => req.phone = None,
            "description" => req.description = None,
            "metadata" => req.metadata.clear(),
            "address" => req.address = None,
            other => {
                if let (Some(a), Some(part)) =
                    (req.address.as_mut(), other.strip_prefix("address."))
                {
                    match part {
                        "line1" => a.line1 = None,
                        "line2" => a.line2 = None,
                        "city" => a.city = None,
                        "state" => a.state = None,
                        "postal_code" => a.postal_code = None,
                        "country" => a.country = None,
                        _ => {}
                    }
                }
            }
        }
    }
    if req.address.as_ref().is_some_and(|a| a.is_empty()) {
        req.address = None;
    }
    req
}

/// Builds a [`CustomerClient`].
#[derive(Debug, Default)]
pub struct CustomerClientBuilder {
    config: Option<ConnectorConfig>,
    connector: Option<Connector>,
    api_key: Option<String>,
    environment: Environment,
    base_url: Option<String>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    connect_timeout: Option<Duration>,
    on_duplicate: OnDuplicate,
    unsupported_fields: UnsupportedFields,
}

impl CustomerClientBuilder {
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
    /// Sandbox (default) or Production.
    pub fn environment(mut self, env: Environment) -> Self {
        self.environment = env;
        self
    }
    /// Sends to this base URL instead of the processor's (proxies, tests, the embedded sandbox).
    /// `https` only, except plain `http` to a loopback host in Sandbox.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }
    /// Retries after the first attempt (default 2; 0 means exactly one attempt).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.retry.max_retries = n;
        self
    }
    /// The whole retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }
    /// Per-attempt timeout (default 30 s).
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = Some(t);
        self
    }
    /// Overall deadline of one call (default 80 s).
    pub fn deadline(mut self, t: Duration) -> Self {
        self.deadline = Some(t);
        self
    }
    /// Connect timeout (default 10 s).
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = Some(t);
        self
    }
    /// Duplicate policy (default [`OnDuplicate::Error`]).
    pub fn on_duplicate(mut self, p: OnDuplicate) -> Self {
        self.on_duplicate = p;
        self
    }
    /// Unsupported-fields policy (default [`UnsupportedFields::Reject`]).
    pub fn unsupported_fields(mut self, p: UnsupportedFields) -> Self {
        self.unsupported_fields = p;
        self
    }

    /// Checks everything and builds the client. Nothing is sent.
    pub fn build(self) -> Result<CustomerClient, Error> {
        let config = match (self.config, self.connector, self.api_key) {
            (Some(c), _, _) => c,
            (None, Some(conn), Some(key)) => ConnectorConfig::from_api_key(conn, key)?,
            (None, Some(conn), None) => ConnectorConfig::from_env(conn)?,
            (None, None, _) => {
                return Err(Error::configuration(
                    "no connector given: call .connector(…) or .connector_config(…)",
                ))
            }
        };
        let id = config.connector();
        ensure_available(id)?;
        let connector = config.into_connector();
        let env = self.environment;
        connector
            .check_config(env)
            .map_err(|e| e.with_connector(id))?;
        let raw = self
            .base_url
            .as_deref()
            .unwrap_or_else(|| connector.base_url(env));
        let base_url = validate_base_url(raw, env).map_err(|e| e.with_connector(id))?;
        let mut exec = ExecutorConfig::new(base_url, env);
        exec.retry = self.retry;
        if let Some(t) = self.timeout {
            exec.attempt_timeout = t;
        }
        if let Some(t) = self.deadline {
            exec.total_timeout = t;
        }
        if let Some(t) = self.connect_timeout {
            exec.connect_timeout = t;
        }
        let keys = KeyDeriver::new(id.as_str(), &connector.account_fingerprint());
        Ok(CustomerClient {
            inner: Arc::new(Inner {
                connector,
                keys,
                executor: Executor::new(exec)?,
                on_duplicate: self.on_duplicate,
                unsupported_fields: self.unsupported_fields,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}

    #[test]
    fn client_is_shareable() {
        assert_send_sync_clone::<CustomerClient>();
    }

    #[test]
    fn keys_are_checked() {
        assert!(check_idempotency_key("abc-123").is_ok());
        assert!(check_idempotency_key("").is_err());
        assert!(check_idempotency_key("has space").is_err());
        assert!(check_idempotency_key(&"x".repeat(65)).is_err());
    }
}
