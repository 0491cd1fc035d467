//! Prism connector for Mollie (`POST /customers`). Sources and the error-mapping table are in
//! this crate's `docs.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod error;
mod flows;
mod models;

pub use config::MollieConfig;

use prism_connector::types::Error;
use prism_connector::{
    Capabilities, DuplicateDetection, FieldLimits, FlowContext, HttpResponse, Idempotency, Lookup,
    RateLimit, ReferenceStorage,
};

// TODO(scaffold): the processor's hosts, from its documentation (cite them in docs.md).
/// Sandbox base URL.
pub const SANDBOX_BASE_URL: &str = "https://sandbox.mollie.invalid";
/// Production base URL.
pub const PRODUCTION_BASE_URL: &str = "https://api.mollie.invalid";

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

/// The Mollie connector.
#[derive(Debug, Clone)]
pub struct Mollie {
    config: MollieConfig,
}

impl Mollie {
    /// A connector with `config`.
    pub fn new(config: MollieConfig) -> Self {
        Self { config }
    }
}

prism_connector::connector_api! {
    Mollie: MollieConfig, CAPABILITIES,
    base_url(self, env) => prism_connector::by_environment(env, SANDBOX_BASE_URL, PRODUCTION_BASE_URL);

    fn parse_error(&self, resp: &HttpResponse, _ctx: &FlowContext<'_>) -> Error {
        error::parse_error(resp)
    }
}
