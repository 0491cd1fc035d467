//! `CustomerClient`: validation, the idempotency key, the executor call, duplicates named and
//! returned by policy.

use std::sync::Arc;
use std::time::Duration;

use prism_connector::{
    Capabilities, CreateCustomer, CreatedCustomer, CreatesCustomers, FindCustomer,
    FindCustomerRequest, FindExisting, FoundCustomer, Idempotency, ProbeExisting,
};
use prism_http::{Call, Outcome};
use prism_types::{
    Connector, CustomerCreateRequest, CustomerCreateResponse, CustomerStatus, Environment, Error,
    ErrorKind, FieldError, OnDuplicate, UnsupportedFields,
};

use crate::registry::ConnectorConfig;
use crate::settings::{ClientBuilder, ClientCore, ServiceClient};

/// Creates customer records at one processor account.
///
/// Cheap to clone (an `Arc`), `Send + Sync`, one connection pool: build one and share it.
#[derive(Clone)]
pub struct CustomerClient {
    inner: Arc<ClientCore<dyn CreatesCustomers>>,
}

/// Builds a [`CustomerClient`]: the shared [`ClientBuilder`].
pub type CustomerClientBuilder = ClientBuilder<CustomerClient>;

impl ServiceClient for CustomerClient {
    type Connector = dyn CreatesCustomers;

    fn connector_from(config: ConnectorConfig) -> Arc<dyn CreatesCustomers> {
        config.into_connector()
    }

    fn from_core(core: ClientCore<dyn CreatesCustomers>) -> Self {
        Self {
            inner: Arc::new(core),
        }
    }
}

impl std::fmt::Debug for CustomerClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Customer{:?}", self.inner)
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
    // Not an `async fn`: that would wrap `create_with`'s future in one more that also keeps a
    // copy of `request` (288 bytes), and callers move the future they get (memcpy) as they build
    // and spawn it. This returns `create_with`'s own.
    pub fn create(
        &self,
        request: CustomerCreateRequest,
    ) -> impl std::future::Future<Output = Result<CustomerCreateResponse, Error>> + Send + '_ {
        self.create_with(request, CallOptions::default())
    }

    /// Creates a customer with per-call overrides.
    //
    // A plain function returning an `async move` block rather than an `async fn`: an `async fn`
    // keeps its arguments twice in its future (as captured and as moved into its body), and
    // this future is copied whole each time it is moved (into `create`'s caller, a task).
    #[allow(clippy::manual_async_fn)]
    pub fn create_with(
        &self,
        mut request: CustomerCreateRequest,
        mut options: CallOptions,
    ) -> impl std::future::Future<Output = Result<CustomerCreateResponse, Error>> + Send + '_ {
        async move {
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
            // Replaced in place (not a second binding): the create future keeps one request.
            if !validated.unstored_fields.is_empty() {
                request = without_fields(request, &validated.unstored_fields);
            }

            // The key sent on every attempt: the caller's, or one derived from the reference.
            let mut key_from_reference = false;
            let key = match caps.idempotency {
                Idempotency::None => None,
                _ => match options.idempotency_key.take() {
                    Some(key) => {
                        check_idempotency_key(&key).map_err(|e| e.with_connector(connector))?;
                        Some(key)
                    }
                    None => {
                        key_from_reference = true;
                        Some(inner.keys.derive(&request.merchant_customer_id))
                    }
                },
            };
            let deadline = self.call_settings(&options).total_timeout;
            // The call's settings are built where they are passed, not bound to a name: a
            // named `Call` would keep its 120 bytes in this future beside the executor's copy.
            let call_with = |key: Option<String>, total_timeout: Duration| Call {
                idempotency_key: key,
                key_from_reference,
                total_timeout,
                ..self.call_settings(&options)
            };

            // Processors that answer a create for a key they already hold (Paystack: the
            // e-mail) with that customer are asked first: an `AlreadyExists` from the check
            // takes the duplicate policy below like a processor's own. Boxed: only those
            // connectors pay for it.
            let checked = match conn.existing_check() {
                Some(check) => Box::pin(inner.executor.execute::<FindExisting, _>(
                    check,
                    &request,
                    call_with(key.clone(), deadline),
                ))
                .await
                // Nothing was created whatever happened to the check.
                .map(|_| ())
                .map_err(|e| e.with_outcome_unknown(false)),
                None => Ok(()),
            };
            // A statement of its own: a future awaited in a `match` scrutinee lives (and takes
            // room in this function's future) until the end of the `match`, beside the arms'
            // own. (Not boxed: allocating the executor's future per call — 2.3 KB when this was
            // measured, 1.2 KB now, both beyond glibc's per-thread cache — cost its malloc
            // about 3,600 instructions with consolidation, more than the copies it saved.)
            let result = match checked {
                Ok(()) => {
                    inner
                        .executor
                        .execute::<CreateCustomer, _>(
                            conn,
                            &request,
                            call_with(
                                key,
                                // The check and the create share the call's deadline.
                                match conn.existing_check() {
                                    Some(_) => deadline.saturating_sub(started.elapsed()),
                                    None => deadline,
                                },
                            ),
                        )
                        .await
                }
                Err(e) => Err(e),
            };
            match result {
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
                        merchant_customer_id: request.merchant_customer_id,
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
                    // Boxed, as the settling below: rare paths, each holding a whole executor
                    // call, which would otherwise make every create's future that much larger.
                    let e = match conn.duplicate_probe() {
                        Some(probe) => {
                            Box::pin(self.probe_existing(probe, e, &request, left)).await
                        }
                        None => {
                            Box::pin(self.name_existing(e, &request.merchant_customer_id, left))
                                .await
                        }
                    };
                    let diagnostics = e.diagnostics().cloned().unwrap_or_default();
                    // After a lost answer, the customer this reference names is (almost surely)
                    // this call's own creation: success, as a replay. Otherwise it existed before.
                    let own = diagnostics.lost_answer;
                    match e.existing_customer_id() {
                        Some(id) if own || on_duplicate == OnDuplicate::ReturnExisting => {
                            let mut diagnostics = diagnostics;
                            diagnostics.unstored_fields = validated.unstored_fields;
                            diagnostics.replayed |= own;
                            Ok(CustomerCreateResponse {
                                merchant_customer_id: request.merchant_customer_id,
                                connector_customer_id: id.to_owned(),
                                status: CustomerStatus::Active,
                                // The answer that named the customer (a replay, a lookup) was
                                // a 200.
                                status_code: 200,
                                connector,
                                existing: !own,
                                diagnostics,
                            })
                        }
                        _ => Err(e),
                    }
                }
                Err(e) if e.outcome_unknown() => {
                    let left = deadline.saturating_sub(started.elapsed());
                    // What a resend needs: the same settings, and the key (back in the error's
                    // diagnostics) rather than a copy held in this future all along.
                    let mut resend = self.call_settings(&options);
                    resend.idempotency_key =
                        e.diagnostics().and_then(|d| d.idempotency_key.clone());
                    resend.key_from_reference = key_from_reference;
                    Box::pin(self.settle(e, request, validated.unstored_fields, resend, left)).await
                }
                Err(e) => Err(e),
            }
        }
    }

    /// The executor's call settings with this call's overrides (no idempotency key yet).
    fn call_settings(&self, options: &CallOptions) -> Call {
        let mut call = self.inner.executor.default_call();
        if let Some(n) = options.max_retries {
            call.retry.max_retries = n;
        }
        if let Some(t) = options.timeout {
            call.attempt_timeout = t;
        }
        if let Some(d) = options.deadline {
            call.total_timeout = d;
        }
        call
    }

    /// Looks a customer up by merchant reference at the processor, to settle an earlier call
    /// whose outcome was unknown (or to check before creating). Uses the client's deadline.
    ///
    /// `Unsupported` where the connector has no lookup (the capability matrix says which do).
    pub async fn reconcile(&self, merchant_customer_id: &str) -> Result<Reconciliation, Error> {
        let inner = &*self.inner;
        let caps = inner.connector.capabilities();
        if inner.connector.finder().is_none() {
            return Err(Error::unsupported(format!(
                "{} has no lookup by merchant reference",
                inner.connector.id().display_name()
            ))
            .with_connector(inner.connector.id()));
        }
        let left = inner.executor.config().total_timeout;
        Ok(match self.find(merchant_customer_id, left).await? {
            Some(connector_customer_id) => Reconciliation::Found {
                connector_customer_id,
            },
            None => Reconciliation::NotFound {
                definite: caps.lookup.not_found_is_definite(),
            },
        })
    }
}

/// What a lookup by merchant reference found ([`CustomerClient::reconcile`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reconciliation {
    /// A customer with this reference exists.
    Found {
        /// The processor's id for it.
        connector_customer_id: String,
    },
    /// None was found.
    NotFound {
        /// True when the lookup is strongly consistent, so that none exists; false when it may
        /// lag behind a recent create (a search index).
        definite: bool,
    },
}

impl CustomerClient {
    /// For an `AlreadyExists` that does not name the existing customer: asks the processor's
    /// lookup by reference (where the connector has one), within what is `left` of the call's
    /// deadline. The lookup's own failure is logged and the original error kept.
    async fn name_existing(&self, e: Error, merchant_customer_id: &str, left: Duration) -> Error {
        if e.existing_customer_id().is_some() || self.inner.connector.finder().is_none() {
            return e;
        }
        match self.find(merchant_customer_id, left).await {
            Ok(Some(id)) => e.with_existing_customer_id(Some(id)),
            Ok(None) => e,
            Err(lookup) => {
                tracing::warn!(
                    kind = lookup.kind().as_str(),
                    "looking up the existing customer failed"
                );
                e
            }
        }
    }

    /// For an `AlreadyExists` from a processor whose uniqueness rule is on the customer's data
    /// (Razorpay): sends the connector's [`ProbeExisting`] for the same request within `left`.
    /// The customer it answers with is named when it carries this reference; one that carries
    /// another reference (or none) is not this reference's customer, so the answer becomes a
    /// `ProcessorError` (the processor refused the data as another customer's). The probe's own
    /// failure is logged and the original error kept.
    async fn probe_existing(
        &self,
        probe: &dyn prism_connector::Flow<ProbeExisting>,
        e: Error,
        request: &CustomerCreateRequest,
        left: Duration,
    ) -> Error {
        if e.existing_customer_id().is_some() || left.is_zero() {
            return e;
        }
        let mut call = self.inner.executor.default_call();
        call.total_timeout = left;
        let found = match self
            .inner
            .executor
            .execute::<ProbeExisting, _>(probe, request, call)
            .await
        {
            Ok(out) => out.output,
            Err(failed) => {
                tracing::warn!(
                    kind = failed.kind().as_str(),
                    "asking for the existing customer failed"
                );
                return e;
            }
        };
        if found.merchant_customer_id.as_deref() == Some(request.merchant_customer_id.as_str()) {
            return e.with_existing_customer_id(Some(found.connector_customer_id));
        }
        let connector = self.inner.connector.id();
        let mut other = Error::new(
            ErrorKind::ProcessorError,
            format!(
                "{} refused the customer: its data (email/phone) belongs to the existing customer {}, which carries another merchant_customer_id or none",
                connector.display_name(),
                found.connector_customer_id
            ),
        )
        .with_connector(connector)
        .with_http_status(e.http_status().unwrap_or(400))
        .with_request_id(e.request_id().map(str::to_owned));
        if let Some(code) = e.connector_code() {
            other = other.with_connector_code(code);
        }
        if let Some(message) = e.connector_message() {
            other = other.with_connector_message(message);
        }
        match e.diagnostics() {
            Some(d) => other.with_diagnostics(d.clone()),
            None => other,
        }
    }

    /// The processor's lookup by reference within `left` (no more): `Ok(None)` when it found
    /// none; `Unsupported` when the connector has no lookup, `Timeout` when no time is left.
    async fn find(
        &self,
        merchant_customer_id: &str,
        left: Duration,
    ) -> Result<Option<String>, Error> {
        let inner = &*self.inner;
        let Some(finder) = inner.connector.finder() else {
            return Err(Error::unsupported("no lookup by merchant reference"));
        };
        if left.is_zero() {
            return Err(Error::new(
                ErrorKind::Timeout,
                "no time left for the lookup",
            ));
        }
        let req = FindCustomerRequest {
            merchant_customer_id: merchant_customer_id.to_owned(),
        };
        let mut call = inner.executor.default_call();
        call.total_timeout = left;
        inner
            .executor
            .execute::<FindCustomer, _>(finder, &req, call)
            .await
            .map(|out| FoundCustomer::pick(out.output, merchant_customer_id))
    }

    /// Settles an unknown outcome with the connector's check before creates ([`FindExisting`]),
    /// where it has one and no lookup by reference: the check found nothing before the create,
    /// so a customer carrying this reference now is this call's own. Anything else leaves the
    /// outcome unknown (the check's consistency is not known to be strong).
    async fn settle_by_check(
        &self,
        e: Error,
        request: CustomerCreateRequest,
        unstored_fields: Vec<String>,
        mut call: Call,
        left: Duration,
    ) -> Result<CustomerCreateResponse, Error> {
        let inner = &*self.inner;
        let Some(check) = inner.connector.existing_check() else {
            return Err(e);
        };
        if left.is_zero() {
            return Err(e);
        }
        call.total_timeout = left;
        let found = inner
            .executor
            .execute::<FindExisting, _>(check, &request, call)
            .await;
        let id = match found {
            Err(f) if f.kind() == ErrorKind::AlreadyExists => {
                f.existing_customer_id().map(str::to_owned)
            }
            _ => None,
        };
        let Some(connector_customer_id) = id else {
            return Err(e);
        };
        let mut diagnostics = e.diagnostics().cloned().unwrap_or_default();
        diagnostics.reconciled = true;
        diagnostics.lost_answer = true;
        diagnostics.unstored_fields = unstored_fields;
        Ok(CustomerCreateResponse {
            merchant_customer_id: request.merchant_customer_id,
            connector_customer_id,
            status: CustomerStatus::Active,
            // The answer that named the customer (the check) was a 200.
            status_code: 200,
            connector: inner.connector.id(),
            existing: false,
            diagnostics,
        })
    }

    /// Settles a create whose outcome is unknown with the processor's own records (SPEC §8):
    /// found → this call's customer; not found by a strongly consistent lookup → the create did
    /// not happen: resent once where resending was unsafe before (retries and deadline
    /// permitting), else a definite error; anything else leaves the outcome unknown.
    async fn settle(
        &self,
        e: Error,
        request: CustomerCreateRequest,
        unstored_fields: Vec<String>,
        call: Call,
        left: Duration,
    ) -> Result<CustomerCreateResponse, Error> {
        let inner = &*self.inner;
        let caps = inner.connector.capabilities();
        let connector = inner.connector.id();
        if inner.connector.finder().is_none() {
            return self
                .settle_by_check(e, request, unstored_fields, call, left)
                .await;
        }
        let started = std::time::Instant::now();
        let found = match self.find(&request.merchant_customer_id, left).await {
            Ok(found) => found,
            Err(lookup) => {
                tracing::warn!(
                    kind = lookup.kind().as_str(),
                    "settling an unknown outcome: the lookup failed"
                );
                return Err(e);
            }
        };
        let mut diagnostics = e.diagnostics().cloned().unwrap_or_default();
        match found {
            Some(id) => {
                diagnostics.reconciled = true;
                diagnostics.lost_answer = true;
                diagnostics.unstored_fields = unstored_fields;
                Ok(CustomerCreateResponse {
                    merchant_customer_id: request.merchant_customer_id,
                    connector_customer_id: id,
                    status: CustomerStatus::Active,
                    // The answer that named the customer (the lookup) was a 200.
                    status_code: 200,
                    connector,
                    existing: false,
                    diagnostics,
                })
            }
            None if !caps.lookup.not_found_is_definite() => Err(e),
            None => {
                diagnostics.reconciled = true;
                let retries_left = call
                    .retry
                    .max_retries
                    .saturating_sub(diagnostics.attempts.saturating_sub(1));
                let left = left.saturating_sub(started.elapsed());
                if caps.resend_is_safe() || retries_left == 0 || left.is_zero() {
                    // The executor already resent where that was safe; the create did not happen.
                    return Err(e.with_outcome_unknown(false).with_diagnostics(diagnostics));
                }
                // Proven not applied: one more attempt is now safe even without idempotency.
                let mut once = call;
                once.retry.max_retries = 0;
                once.total_timeout = left;
                let attempts_before = diagnostics.attempts;
                match inner
                    .executor
                    .execute::<CreateCustomer, _>(&*inner.connector, &request, once)
                    .await
                {
                    Ok(Outcome {
                        output,
                        status,
                        diagnostics: mut d,
                    }) => {
                        d.attempts += attempts_before;
                        d.reconciled = true;
                        d.replayed = output.replayed;
                        d.unstored_fields = unstored_fields;
                        Ok(CustomerCreateResponse {
                            merchant_customer_id: request.merchant_customer_id,
                            connector_customer_id: output.connector_customer_id,
                            status: CustomerStatus::Active,
                            status_code: status,
                            connector,
                            existing: false,
                            diagnostics: d,
                        })
                    }
                    Err(again) => {
                        let mut d = again.diagnostics().cloned().unwrap_or_default();
                        d.attempts += attempts_before;
                        d.reconciled = true;
                        Err(again.with_diagnostics(d))
                    }
                }
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

#[cfg(all(test, feature = "stripe"))]
mod settings_tests {
    use super::*;

    #[test]
    fn base_url_from_the_environment_unless_given() {
        fn env(k: &str) -> Option<String> {
            match k {
                "PRISM_STRIPE_API_KEY" => Some("sk_test_x".to_owned()),
                "PRISM_STRIPE_BASE_URL" => Some("http://127.0.0.1:9/stripe".to_owned()),
                _ => None,
            }
        }
        let from_env = CustomerClient::builder()
            .connector(Connector::Stripe)
            .env_lookup(env)
            .build()
            .expect("client");
        assert_eq!(from_env.base_url(), "http://127.0.0.1:9/stripe");
        let given = CustomerClient::builder()
            .connector(Connector::Stripe)
            .env_lookup(env)
            .base_url("https://proxy.example/stripe")
            .build()
            .expect("client");
        assert_eq!(given.base_url(), "https://proxy.example/stripe");
        // The loopback rule holds for the override too.
        let prod = CustomerClient::builder()
            .connector(Connector::Stripe)
            .api_key("sk_live_x")
            .environment(Environment::Production)
            .env_lookup(env)
            .build()
            .expect_err("http in production");
        assert_eq!(prod.kind(), ErrorKind::Configuration);
        let none = CustomerClient::builder()
            .connector(Connector::Stripe)
            .api_key("sk_test_x")
            .env_lookup(|_| None)
            .build()
            .expect("client");
        assert_eq!(none.base_url(), "https://api.stripe.com");
    }

    #[test]
    fn the_proxy_setting_reaches_the_transport() {
        let build = |b: crate::ClientBuilder<CustomerClient>| {
            b.connector(Connector::Stripe)
                .api_key("sk_test_x")
                .env_lookup(|_| None)
                .build()
        };
        let e = build(CustomerClient::builder().proxy("https://proxy.example:8443"))
            .expect_err("not an http proxy");
        assert_eq!(e.kind(), ErrorKind::Configuration, "{e}");
        build(CustomerClient::builder().proxy("http://proxy.example:3128")).expect("http proxy");
        build(CustomerClient::builder().no_proxy()).expect("direct");
    }

    #[test]
    fn credentials_from_a_map() {
        let map =
            std::collections::BTreeMap::from([("api_key".to_owned(), "sk_test_x".to_owned())]);
        let config = ConnectorConfig::from_map(Connector::Stripe, &map).expect("config");
        assert_eq!(config.connector(), Connector::Stripe);
        let typo =
            std::collections::BTreeMap::from([("apikey".to_owned(), "sk_test_x".to_owned())]);
        let e = ConnectorConfig::from_map(Connector::Stripe, &typo).expect_err("typo");
        assert!(
            e.message().contains("apikey") && e.message().contains("api_key"),
            "{e}"
        );
        assert!(!e.to_string().contains("sk_test_x"));
        assert_eq!(
            ConnectorConfig::env_vars(Connector::Stripe),
            vec!["PRISM_STRIPE_API_KEY".to_owned()]
        );
    }
}
