//! The sans-IO contract between Prism's executor and its connectors.
//!
//! A connector turns a request into an [`HttpRequest`] value and an [`HttpResponse`] value into a
//! result; it never performs I/O. The executor (`prism-http`) owns sending, deadlines, retries,
//! idempotency keys, token caching, redaction and tracing.
//!
//! Architecture invariant: connector crates depend on `prism-types` and this crate only (plus
//! serde-family crates) — never on reqwest, hyper, tokio or another connector.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod capabilities;
mod context;
mod http;
pub mod wire;

pub use capabilities::{
    Capabilities, DuplicateDetection, FieldLimits, Idempotency, MetadataLimits, ReferenceStorage,
};
pub use context::{AccessToken, FlowContext};
pub use http::{Body, Header, HttpRequest, HttpResponse, Method, RedactedRequest};

pub use prism_types as types;
use prism_types::{Connector, CustomerCreateRequest, Environment, Error};
use secrecy::SecretString;

/// An operation a connector may implement.
pub trait Operation: Send + Sync + 'static {
    /// What the caller asks for.
    type Request: Send + Sync;
    /// What the connector makes of the processor's 2xx answer.
    type Output: Send;
    /// A stable name, for tracing.
    const NAME: &'static str;
    /// True when sending the request twice changes nothing more than sending it once (a
    /// lookup): the executor may then resend it after any failure.
    const IDEMPOTENT: bool = false;

    /// The personal values of a request (email, name, …), scrubbed from any error text.
    fn personal_values(req: &Self::Request) -> Vec<&str> {
        let _ = req;
        Vec::new()
    }
}

/// Creating a customer record.
#[derive(Debug, Clone, Copy)]
pub struct CreateCustomer;

impl Operation for CreateCustomer {
    type Request = CustomerCreateRequest;
    type Output = CreatedCustomer;
    const NAME: &'static str = "customer.create";

    fn personal_values(req: &CustomerCreateRequest) -> Vec<&str> {
        req.personal_values().collect()
    }
}

/// Looking a customer up by the merchant reference: how Prism names the existing customer when a
/// processor reports a duplicate without its id, or recovers a create whose answer was lost.
#[derive(Debug, Clone, Copy)]
pub struct FindCustomer;

/// The reference to look up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindCustomerRequest {
    /// The merchant's reference.
    pub merchant_customer_id: String,
}

impl Operation for FindCustomer {
    type Request = FindCustomerRequest;
    /// The processor's id of the customer with this reference, if it found one.
    type Output = Option<String>;
    const NAME: &'static str = "customer.find";
    const IDEMPOTENT: bool = true;
}

/// What a connector reads from the processor's success answer to a create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedCustomer {
    /// The processor's id for the customer.
    pub connector_customer_id: String,
    /// True when the processor answered with a stored result for the idempotency key.
    pub replayed: bool,
}

/// What every connector is, whatever operations it implements.
pub trait ConnectorApi: Send + Sync + std::fmt::Debug + 'static {
    /// Which processor this is.
    fn id(&self) -> Connector;

    /// What it can do and where it keeps things; also the source of the capability matrix.
    fn capabilities(&self) -> &'static Capabilities;

    /// The processor's base URL for `env` (the client's `base_url` override wins over it).
    fn base_url(&self, env: Environment) -> &'static str;

    /// Checks the configuration against `env` before anything is sent (e.g. a live key with
    /// `Sandbox`).
    fn check_config(&self, env: Environment) -> Result<(), Error> {
        let _ = env;
        Ok(())
    }

    /// A stable, non-secret fingerprint of the processor account the credentials belong to
    /// (a hash, never the credential itself); it seeds idempotency keys.
    fn account_fingerprint(&self) -> String;

    /// Every secret this connector holds, so the executor can scrub them from any text.
    fn secrets(&self) -> Vec<&SecretString>;

    /// For processors that need a token first: the token request. `None` (the default) when the
    /// credentials are sent with each request.
    fn token_request(&self) -> Option<Result<HttpRequest, Error>> {
        None
    }

    /// Reads the token answer of [`ConnectorApi::token_request`].
    fn parse_token(&self, resp: &HttpResponse) -> Result<AccessToken, Error> {
        let _ = resp;
        Err(Error::unsupported(format!(
            "{} needs no access token",
            self.id()
        )))
    }

    /// Maps a non-2xx answer to a Prism error (kind, code, message, retryability, retry-after).
    fn parse_error(&self, resp: &HttpResponse, ctx: &FlowContext<'_>) -> Error;

    /// The connector's lookup by merchant reference, where the processor has one (`None`, the
    /// default, where it has not).
    fn finder(&self) -> Option<&dyn Flow<FindCustomer>> {
        None
    }
}

/// One operation of a connector: build the request, read the answer. Pure functions.
pub trait Flow<Op: Operation>: ConnectorApi {
    /// Builds the processor request. Fields the processor cannot store are left out here; the
    /// facade has already applied the unsupported-fields policy.
    fn build_request(&self, req: &Op::Request, ctx: &FlowContext<'_>)
        -> Result<HttpRequest, Error>;

    /// Reads a 2xx answer. May still return an error (processors that answer errors with 200).
    fn parse_response(
        &self,
        resp: &HttpResponse,
        ctx: &FlowContext<'_>,
    ) -> Result<Op::Output, Error>;
}

/// A connector that can create customers, as a trait object.
pub trait CustomerConnector: Flow<CreateCustomer> {}
impl<T: Flow<CreateCustomer>> CustomerConnector for T {}

/// A hex SHA-256 fingerprint of some non-secret or secret parts (for account fingerprints):
/// one-way, so a secret fed in cannot be read back.
pub fn fingerprint(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    let digest = h.finalize();
    digest[..12].iter().map(|b| format!("{b:02x}")).collect()
}

/// The typed configuration of a connector: how the facade finds, builds and describes it.
///
/// Each connector crate implements this once for its `…Config` type; the facade's registry
/// needs nothing else.
pub trait ConnectorConfig: Sized + Clone + std::fmt::Debug + Send + Sync + 'static {
    /// The connector built from this config.
    type Api: CustomerConnector;
    /// Which processor.
    const CONNECTOR: Connector;
    /// The `PRISM_<CONNECTOR>_<FIELD>` variables read by [`ConnectorConfig::from_env_with`].
    const ENV_VARS: &'static [&'static str];
    /// Reads the config through `lookup` (normally `std::env::var`); a missing variable is a
    /// `Configuration` error naming it.
    fn from_env_with(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error>;
    /// A config from one API key, for connectors whose credentials are a single secret;
    /// `None` for connectors that need more.
    fn from_api_key(key: String) -> Option<Self> {
        let _ = key;
        None
    }
    /// The declared capabilities (static: no credentials needed).
    fn capabilities() -> &'static Capabilities;
    /// Builds the connector.
    fn into_api(self) -> Self::Api;
}

/// Reads a required environment variable through `lookup`, or names it in a `Configuration`
/// error. Blank values count as missing.
pub fn required_env(lookup: &dyn Fn(&str) -> Option<String>, name: &str) -> Result<String, Error> {
    lookup(name)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| Error::configuration(format!("missing environment variable {name}")))
}
