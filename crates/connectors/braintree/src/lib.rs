//! Prism connector for Braintree: a customer is a vault customer created through the server API
//! every official Braintree SDK uses for `customer.create` — `POST /merchants/{merchant_id}/customers`
//! with an XML `<customer>` whose `<id>` is the merchant's reference. Sources, the decision
//! against the GraphQL `createCustomer` mutation and the error-mapping table are in this crate's
//! `docs.md`.
//!
//! Peculiarities handled here: XML both ways (quick-xml), the reference as the customer id
//! itself (validated before sending: 1–36 of `[A-Za-z0-9_-]`, not `all`/`new`), native
//! uniqueness (`91609` → `AlreadyExists`, the existing id being the reference), a find by id as
//! the strongly consistent lookup, and bodiless error statuses named in the SDK's own words.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod error;
mod flows;
mod models;

pub use config::BraintreeConfig;

use prism_connector::types::{Environment, Error};
use prism_connector::{
    Capabilities, DuplicateDetection, FieldLimits, FindCustomer, Flow, FlowContext, HttpRequest,
    HttpResponse, Idempotency, Lookup, RateLimit, ReferenceStorage,
};
use secrecy::ExposeSecret;

/// Sandbox base URL (braintree_python `environment.py`: `api.sandbox.braintreegateway.com:443`).
pub const SANDBOX_BASE_URL: &str = "https://api.sandbox.braintreegateway.com";
/// Production base URL (braintree_python `environment.py`: `api.braintreegateway.com:443`).
pub const PRODUCTION_BASE_URL: &str = "https://api.braintreegateway.com";

/// The server API version every official SDK sends as `X-ApiVersion` (braintree_python
/// `Configuration.api_version()`).
pub const API_VERSION: &str = "6";

/// Longest customer id (`91612`).
pub const ID_MAX: usize = 36;

/// Longest first name, last name (`81608`, `81613`).
pub const NAME_PART_MAX: usize = 255;

static CAPABILITIES: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::Native("customer.id (the Braintree customer id is the reference)"),
    duplicate_detection: DuplicateDetection::Native(
        "91609 \"Customer ID has already been taken.\" (HTTP 422); the existing customer's id is the reference",
    ),
    idempotency: Idempotency::None,
    limits: FieldLimits {
        merchant_customer_id_max: ID_MAX,
        email_max: 255,
        // first_name and last_name ≤ 255 each; the parts are checked after the split.
        name_max: 256,
        // Braintree takes 255 (81614); the universal 64 is the binding limit.
        phone_max: 64,
        // Not stored (unsupported); the universal limits only matter with UnsupportedFields::Ignore.
        description_max: 5000,
        metadata: None,
        address_part_max: 5000,
        name_part_max: None,
        address_parts: None,
    },
    unsupported_fields: &["description", "metadata", "address"],
    required_fields: &[],
    request_id_header: None,
    lookup: Lookup::Strong(
        "find by id (GET /merchants/{merchant_id}/customers/{reference}, the SDKs' customer.find): a primary-key read; Braintree does not state its consistency",
    ),
    rate_limit: RateLimit::UNDOCUMENTED,
    notes: "server API (XML, X-ApiVersion 6), not GraphQL createCustomer (no id input, no idempotency, no duplicate detection); the reference is the customer id (1-36 of [A-Za-z0-9_-], not all/new); name split into first/last; phone sent as given; global-id not kept",
};

prism_connector::connector_api! {
    /// The Braintree connector.
    pub struct Braintree(BraintreeConfig, authorization = BraintreeConfig::basic_auth): CAPABILITIES,
    base_url(self, env) => prism_connector::by_environment(env, SANDBOX_BASE_URL, PRODUCTION_BASE_URL);

    fn check_config(&self, _env: Environment) -> Result<(), Error> {
        self.config.check()
    }

    fn parse_error(&self, resp: &HttpResponse, _ctx: &FlowContext<'_>) -> Error {
        error::parse_error(resp)
    }

    fn finder(&self) -> Option<&dyn Flow<FindCustomer>> {
        Some(self)
    }
}

impl Braintree {
    /// `/merchants/{merchant_id}/customers` followed by `rest`.
    pub(crate) fn customers_path(&self, rest: &str) -> String {
        let merchant = self.config.merchant_id.expose_secret();
        format!("/merchants/{merchant}/customers{rest}")
    }

    /// `req` with the headers braintree_python sends on every server-API call (its own
    /// `User-Agent` and `Accept-Encoding` are the HTTP client's business).
    pub(crate) fn with_headers(&self, req: HttpRequest) -> HttpRequest {
        self.authorization
            .apply(req)
            .header("Accept", "application/xml")
            .header("X-ApiVersion", API_VERSION)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prism_connector::ConnectorApi;

    /// The Basic header is among the secrets; a resend is safe only through native uniqueness.
    #[test]
    fn declarations_and_secrets() {
        let b = Braintree::new(BraintreeConfig::new("m1", "pub", "priv"));
        let s: Vec<&str> = b.secrets().into_iter().map(|s| s.expose_secret()).collect();
        assert_eq!(s, ["m1", "pub", "priv", "Basic cHViOnByaXY="]);
        assert!(CAPABILITIES.resend_is_safe());
        assert!(CAPABILITIES.lookup.not_found_is_definite());
        assert_eq!(b.customers_path("/x"), "/merchants/m1/customers/x");
    }
}
