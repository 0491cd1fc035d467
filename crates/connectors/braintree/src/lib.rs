//! Prism connector for Braintree (`POST /customers`). Sources and the error-mapping table are in
//! this crate's `docs.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod error;
mod flows;
mod models;

pub use config::BraintreeConfig;

use prism_connector::types::Error;
use prism_connector::{
    Capabilities, DuplicateDetection, FieldLimits, FlowContext, HttpResponse, Idempotency, Lookup,
    RateLimit, ReferenceStorage,
};

// TODO(scaffold): the processor's hosts, from its documentation (cite them in docs.md).
/// Sandbox base URL.
pub const SANDBOX_BASE_URL: &str = "https://sandbox.braintree.invalid";
/// Production base URL.
pub const PRODUCTION_BASE_URL: &str = "https://api.braintree.invalid";

// TODO(scaffold): every fact here from the processor's documentation (docs.md).
static CAPABILITIES: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::Native("reference"),
    duplicate_detection: DuplicateDetection::None("TODO(scaffold)"),
    idempotency: Idempotency::None,
    limits: FieldLimits::UNIVERSAL,
    unsupported_fields: &[],
    required_fields: &[],
    request_id_header: None,
    lookup: Lookup::None,
    rate_limit: RateLimit::UNDOCUMENTED,
    notes: "",
};

/// The Braintree connector.
#[derive(Debug, Clone)]
pub struct Braintree {
    config: BraintreeConfig,
}

impl Braintree {
    /// A connector with `config`.
    pub fn new(config: BraintreeConfig) -> Self {
        Self { config }
    }
}

prism_connector::connector_api! {
    Braintree: BraintreeConfig, CAPABILITIES,
    base_url(self, env) => prism_connector::by_environment(env, SANDBOX_BASE_URL, PRODUCTION_BASE_URL);

    fn parse_error(&self, resp: &HttpResponse, _ctx: &FlowContext<'_>) -> Error {
        error::parse_error(resp)
    }
}
