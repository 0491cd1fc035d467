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

pub mod auth;
mod capabilities;
mod context;
pub mod credentials;
pub mod encoding;
mod http;
pub mod normalize;
pub mod parse;
pub mod rules;
pub mod time;

use std::borrow::Cow;

pub use capabilities::{
    AddressPartLimits, Capabilities, DuplicateDetection, FieldLimits, Idempotency, Lookup,
    MetadataLimits, RateLimit, ReferenceStorage,
};
pub use context::{AccessToken, FlowContext, Nonce, FIXED_NOW};
#[doc(hidden)]
pub use credentials::{check_field, read_field, CredentialValue};
pub use credentials::{CredentialField, CredentialSet, Credentials};
pub use http::{Body, Header, HttpRequest, HttpResponse, Method, RedactedRequest};

pub use prism_types as types;
use prism_types::{Connector, CustomerCreateRequest, Environment, Error};
pub use secrecy::SecretString;

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

    /// Whether this operation may be resent after it may have reached the processor, given the
    /// connector's declared capabilities. Default: only when it is [`Self::IDEMPOTENT`]. A
    /// create overrides it: the connector's idempotency key or native uniqueness protects
    /// creates, not other calls.
    fn resend_is_safe(caps: &Capabilities) -> bool {
        let _ = caps;
        Self::IDEMPOTENT
    }

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

    fn resend_is_safe(caps: &Capabilities) -> bool {
        caps.resend_is_safe()
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

impl FindCustomerRequest {
    /// A lookup by list filter: a GET of `path` with `param=<reference>` (after `&` when `path`
    /// already has a query), the reference query-encoded.
    pub fn get_by(&self, path: &str, param: &str) -> HttpRequest {
        let sep = if path.contains('?') { '&' } else { '?' };
        let reference = encoding::query_encode(&self.merchant_customer_id);
        HttpRequest::get(format!("{path}{sep}{param}={reference}"))
    }
}

impl Operation for FindCustomer {
    type Request = FindCustomerRequest;
    /// The customers the processor returned for the reference (empty when none, or when a
    /// "not found" answer was read by [`Flow::parse_error_response`]). The facade takes the one
    /// whose reference equals the request's, so a processor filter that matches loosely
    /// (prefixes, case) never names another customer.
    type Output = Vec<FoundCustomer>;
    const NAME: &'static str = "customer.find";
    const IDEMPOTENT: bool = true;
}

/// Looking up, before a create, the customer a processor would hand back instead of creating a
/// new one: for processors keyed on another field than the merchant reference, which answer a
/// create for a key they already hold with that customer, as a success (Paystack and the
/// e-mail). The flow reads the answer against the request ([`Flow::parse_response_for`]):
/// `Ok(())` when the processor holds no such customer; `AlreadyExists` naming the customer when
/// it carries this request's reference; an error that names no customer (so that no duplicate
/// policy returns it) when it belongs to someone else.
#[derive(Debug, Clone, Copy)]
pub struct FindExisting;

impl Operation for FindExisting {
    type Request = CustomerCreateRequest;
    type Output = ();
    const NAME: &'static str = "customer.find_existing";
    const IDEMPOTENT: bool = true;

    fn personal_values(req: &CustomerCreateRequest) -> Vec<&str> {
        req.personal_values().collect()
    }
}

/// A customer a lookup returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundCustomer {
    /// The processor's id for it.
    pub connector_customer_id: String,
    /// The reference stored with it, as the processor returned it (`None` when the answer does
    /// not carry it: the processor's filter is then trusted).
    pub merchant_customer_id: Option<String>,
}

impl FoundCustomer {
    /// A customer from the processor's id and the reference stored with it (`None` when the
    /// answer does not carry it).
    pub fn new(connector_customer_id: String, merchant_customer_id: Option<String>) -> Self {
        Self {
            connector_customer_id,
            merchant_customer_id,
        }
    }

    /// The id of the first customer that carries `reference` (or carries none to compare).
    pub fn pick(found: Vec<FoundCustomer>, reference: &str) -> Option<String> {
        found
            .into_iter()
            .filter(|c| !c.connector_customer_id.trim().is_empty())
            .find(|c| {
                c.merchant_customer_id
                    .as_deref()
                    .is_none_or(|r| r == reference)
            })
            .map(|c| c.connector_customer_id)
    }
}

/// Naming the customer a duplicate answer was about, for a processor whose uniqueness rule is on
/// the customer's data (not on the merchant reference) and whose duplicate answer names no
/// customer: the same create sent again in the processor's form that answers with the existing
/// customer instead of refusing (Razorpay `fail_existing: "0"`). The facade sends it only after
/// the processor refused the create as a duplicate, and keeps the customer only when it carries
/// the request's reference.
#[derive(Debug, Clone, Copy)]
pub struct ProbeExisting;

impl Operation for ProbeExisting {
    type Request = CustomerCreateRequest;
    /// The customer the processor answered with (its stored reference, when it has one).
    type Output = FoundCustomer;
    const NAME: &'static str = "customer.probe_existing";

    fn personal_values(req: &CustomerCreateRequest) -> Vec<&str> {
        req.personal_values().collect()
    }

    fn resend_is_safe(caps: &Capabilities) -> bool {
        caps.resend_is_safe()
    }
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
///
/// Only [`Self::credentials`], [`Self::capabilities`], [`Self::base_url`] and
/// [`Self::parse_error`] are required; the rest defaults to what the declared credentials say.
pub trait ConnectorApi: Send + Sync + std::fmt::Debug + 'static {
    /// The connector's credentials, as declared with [`credentials!`].
    fn credentials(&self) -> &dyn CredentialSet;

    /// Which processor this is.
    fn id(&self) -> Connector {
        self.credentials().connector()
    }

    /// What it can do and where it keeps things; also the source of the capability matrix.
    fn capabilities(&self) -> &'static Capabilities;

    /// The processor's base URL for `env`, which may depend on the configuration (an account's
    /// own host). The facade reads it once, when the client is built; the client's `base_url`
    /// override wins over it.
    fn base_url(&self, env: Environment) -> Cow<'static, str>;

    /// Checks the configuration against `env` before anything is sent. Default: the checks
    /// every credential shares ([`CredentialSet::check_fields`]); connectors add their own rules
    /// (e.g. a live key with `Sandbox`).
    fn check_config(&self, env: Environment) -> Result<(), Error> {
        let _ = env;
        self.credentials().check_fields()
    }

    /// A stable, non-secret fingerprint of the processor account the credentials belong to
    /// (a hash, never the credential itself); it seeds idempotency keys.
    fn account_fingerprint(&self) -> String {
        self.credentials().account_fingerprint()
    }

    /// Every secret this connector holds, so the executor can scrub them from any text.
    fn secrets(&self) -> Vec<&SecretString> {
        self.credentials().secrets()
    }

    /// For processors that need a token first: the token request. `None` (the default) when the
    /// credentials are sent with each request.
    fn token_request(&self) -> Option<Result<HttpRequest, Error>> {
        None
    }

    /// Whether the connector's requests use [`FlowContext::nonce`] (a signed scheme's salt or
    /// nonce). The executor asks the operating system for 16 fresh random bytes per attempt
    /// when they do; a connector that sends its credentials as they are says `false` and is
    /// given an all-zero nonce, saving a system call per attempt. Default: `true`.
    fn uses_nonce(&self) -> bool {
        true
    }

    /// Reads the token answer of [`ConnectorApi::token_request`].
    fn parse_token(&self, resp: &HttpResponse) -> Result<AccessToken, Error> {
        let _ = resp;
        Err(Error::unsupported(format!(
            "{} needs no access token",
            self.id()
        )))
    }

    /// The connector's error mapping: a non-2xx answer as a Prism error (kind, code, message,
    /// retryability, retry-after). Operations use it through [`Flow::parse_error_response`],
    /// which may read some answers differently (a lookup's 404).
    fn parse_error(&self, resp: &HttpResponse, ctx: &FlowContext<'_>) -> Error;

    /// The connector's lookup by merchant reference, where the processor has one (`None`, the
    /// default, where it has not).
    fn finder(&self) -> Option<&dyn Flow<FindCustomer>> {
        None
    }

    /// The connector's [`ProbeExisting`], where its processor has one (`None`, the default,
    /// where it has not).
    fn duplicate_probe(&self) -> Option<&dyn Flow<ProbeExisting>> {
        None
    }

    /// The connector's check before every create ([`FindExisting`]), where the processor answers
    /// a create for a key it already holds with the existing customer (`None`, the default,
    /// elsewhere).
    fn existing_check(&self) -> Option<&dyn Flow<FindExisting>> {
        None
    }
}

/// One operation of a connector: build the request, read the answer. Pure functions.
pub trait Flow<Op: Operation>: ConnectorApi {
    /// Builds the processor request. Fields the processor cannot store are left out here; the
    /// facade has already applied the unsupported-fields policy. A signed scheme signs here,
    /// with the context's clock reading and nonce (new on every attempt).
    fn build_request(&self, req: &Op::Request, ctx: &FlowContext<'_>)
        -> Result<HttpRequest, Error>;

    /// Reads a 2xx answer. May still return an error (processors that answer errors with 200).
    fn parse_response(
        &self,
        resp: &HttpResponse,
        ctx: &FlowContext<'_>,
    ) -> Result<Op::Output, Error>;

    /// Reads a 2xx answer knowing the request it answers (what the executor calls). Default:
    /// [`Self::parse_response`]. Connectors whose answer must be checked against the request
    /// override it (Paystack: a create may answer with a customer that was already there).
    fn parse_response_for(
        &self,
        req: &Op::Request,
        resp: &HttpResponse,
        ctx: &FlowContext<'_>,
    ) -> Result<Op::Output, Error> {
        let _ = req;
        self.parse_response(resp, ctx)
    }

    /// Reads a non-2xx answer to this operation. Default: the connector's error mapping
    /// ([`ConnectorApi::parse_error`]). A lookup overrides it to read "not found" as an answer.
    fn parse_error_response(
        &self,
        resp: &HttpResponse,
        ctx: &FlowContext<'_>,
    ) -> Result<Op::Output, Error> {
        Err(self.parse_error(resp, ctx))
    }

    /// Whether this operation may be resent after it may have been applied. Default:
    /// [`Operation::resend_is_safe`] for the connector's capabilities.
    fn resend_is_safe(&self) -> bool {
        Op::resend_is_safe(self.capabilities())
    }
}

/// A connector that creates customers, as a trait object (what the facade holds).
pub trait CreatesCustomers: Flow<CreateCustomer> {}
impl<T: Flow<CreateCustomer>> CreatesCustomers for T {}

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

/// The base URL of `env`: `sandbox` or `production` (for connectors whose hosts are fixed).
pub fn by_environment(
    env: Environment,
    sandbox: &'static str,
    production: &'static str,
) -> Cow<'static, str> {
    Cow::Borrowed(match env {
        Environment::Sandbox => sandbox,
        Environment::Production => production,
    })
}

/// Declares what every connector says the same way, once: its [`Configurator`] (the config
/// type builds the connector with `new`) and the part of [`ConnectorApi`] that only forwards —
/// the declared credentials (a `config` field), the capabilities and the base URL (which may
/// read the config). The connector's own methods follow, and go into the same
/// `impl ConnectorApi`.
///
/// Written `pub struct Name(Config): CAPS, …` it declares the connector struct too (its
/// `config` field and `new`); with `pub struct Name(Config, authorization = Config::method)` the
/// struct also keeps the [`Authorization`](auth::Authorization) that `method` builds from the
/// config, as its `authorization` field, listed among the connector's secrets.
///
/// ```ignore
/// prism_connector::connector_api! {
///     /// The Stripe connector.
///     pub struct Stripe(StripeConfig, authorization = StripeConfig::authorization): CAPABILITIES,
///     base_url(self, _env) => BASE_URL.into();
///
///     fn parse_error(&self, resp: &HttpResponse, ctx: &FlowContext<'_>) -> Error {
///         error::parse_error(resp, ctx.key_from_reference)
///     }
/// }
/// ```
#[macro_export]
macro_rules! connector_api {
    (
        $(#[$meta:meta])*
        pub struct $connector:ident($config:ident): $caps:ident,
        $($rest:tt)*
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $connector {
            config: $config,
        }

        impl $connector {
            /// A connector with `config`.
            pub fn new(config: $config) -> Self {
                Self { config }
            }
        }

        $crate::connector_api! { $connector: $config, $caps, $($rest)* }
    };
    (
        $(#[$meta:meta])*
        pub struct $connector:ident($config:ident, authorization = $auth:path): $caps:ident,
        base_url($this:ident, $env:ident) => $base:expr;
        $($item:tt)*
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $connector {
            config: $config,
            /// The `Authorization` value, built once from the config (and scrubbed like it).
            authorization: $crate::auth::Authorization,
        }

        impl $connector {
            /// A connector with `config`.
            pub fn new(config: $config) -> Self {
                let authorization = $auth(&config);
                Self {
                    config,
                    authorization,
                }
            }
        }

        $crate::connector_api! {
            $connector: $config, $caps,
            base_url($this, $env) => $base;

            fn secrets(&self) -> Vec<&$crate::SecretString> {
                self.authorization.and_secrets(&self.config)
            }

            $($item)*
        }
    };
    (
        $connector:ident: $config:ident, $caps:ident,
        base_url($this:ident, $env:ident) => $base:expr;
        $($item:tt)*
    ) => {
        impl $crate::Configurator for $config {
            type Connector = $connector;

            fn capabilities() -> &'static $crate::Capabilities {
                &$caps
            }

            fn into_connector(self) -> $connector {
                $connector::new(self)
            }
        }

        impl $crate::ConnectorApi for $connector {
            fn credentials(&self) -> &dyn $crate::CredentialSet {
                &self.config
            }

            fn capabilities(&self) -> &'static $crate::Capabilities {
                &$caps
            }

            #[allow(unused_variables)]
            fn base_url(&$this, $env: $crate::types::Environment) -> ::std::borrow::Cow<'static, str> {
                $base
            }

            $($item)*
        }
    };
}

/// How the facade builds and describes a connector from its typed credentials (OpenDAL's
/// `Configurator`): each connector crate implements it once for its `…Config` type, declared
/// with [`credentials!`]. The facade's registry needs nothing else.
pub trait Configurator: Credentials {
    /// The connector built from this config.
    type Connector: CreatesCustomers;
    /// The declared capabilities (static: no credentials needed).
    fn capabilities() -> &'static Capabilities;
    /// Builds the connector.
    fn into_connector(self) -> Self::Connector;
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    static CAPS: Capabilities = Capabilities {
        create_customer: true,
        unsupported_reason: None,
        reference_storage: ReferenceStorage::None,
        duplicate_detection: DuplicateDetection::None("test"),
        idempotency: Idempotency::None,
        limits: FieldLimits::UNIVERSAL,
        unsupported_fields: &[],
        required_fields: &[],
        request_id_header: None,
        lookup: Lookup::None,
        rate_limit: RateLimit::UNDOCUMENTED,
        notes: "",
    };

    credentials! {
        /// A key.
        pub struct KeyConfig for Stripe {
            /// The key.
            api_key: secret,
        }
        account = [api_key];
    }

    credentials! {
        /// A key, sent as a kept `Bearer` value.
        pub struct BearerConfig for Shift4 {
            /// The key.
            api_key: secret,
        }
        account = [api_key];
    }

    impl BearerConfig {
        fn authorization(&self) -> auth::Authorization {
            auth::Authorization::bearer(&self.api_key)
        }
    }

    connector_api! {
        /// Keeps only its config.
        pub struct Plain(KeyConfig): CAPS,
        base_url(self, env) => by_environment(env, "https://sandbox", "https://live");

        fn parse_error(&self, resp: &HttpResponse, _ctx: &FlowContext<'_>) -> Error {
            Error::unsupported(format!("HTTP {}", resp.status))
        }
    }

    connector_api! {
        /// Keeps its `Authorization` too.
        pub struct Kept(BearerConfig, authorization = BearerConfig::authorization): CAPS,
        base_url(self, _env) => "https://one".into();

        fn parse_error(&self, resp: &HttpResponse, _ctx: &FlowContext<'_>) -> Error {
            Error::unsupported(format!("HTTP {}", resp.status))
        }
    }

    macro_rules! creates_nothing {
        ($($connector:ident),+) => {$(
            impl Flow<CreateCustomer> for $connector {
                fn build_request(
                    &self,
                    _req: &CustomerCreateRequest,
                    _ctx: &FlowContext<'_>,
                ) -> Result<HttpRequest, Error> {
                    Ok(HttpRequest::get("/"))
                }

                fn parse_response(
                    &self,
                    resp: &HttpResponse,
                    _ctx: &FlowContext<'_>,
                ) -> Result<CreatedCustomer, Error> {
                    parse::created(resp, "c1".into())
                }
            }
        )+};
    }
    creates_nothing!(Plain, Kept);

    #[test]
    fn connector_api_declares_the_struct_and_its_kept_authorization() {
        let plain = Plain::new(KeyConfig::new("sk_test_secretvalue"));
        assert_eq!(plain.base_url(Environment::Production), "https://live");
        assert_eq!(plain.secrets().len(), 1);
        let config = BearerConfig::new("sk_test_secretvalue");
        let kept = <BearerConfig as Configurator>::into_connector(config);
        assert_eq!(
            kept.authorization.expose_secret(),
            "Bearer sk_test_secretvalue"
        );
        let secrets: Vec<&str> = kept
            .secrets()
            .into_iter()
            .map(|s| s.expose_secret())
            .collect();
        assert_eq!(
            secrets,
            ["sk_test_secretvalue", "Bearer sk_test_secretvalue"]
        );
        assert_eq!(kept.id(), Connector::Shift4);
        assert!(!format!("{plain:?} {kept:?}").contains("secretvalue"));
    }
}
