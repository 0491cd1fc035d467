//! Prism connector for Mollie (`POST /v2/customers`). Sources, the capabilities and the
//! error-mapping table are in this crate's `docs.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod error;
mod flows;
mod models;

pub use config::MollieConfig;

use prism_connector::types::{Environment, Error};
use prism_connector::{
    Capabilities, DuplicateDetection, FieldLimits, FlowContext, HttpResponse, Idempotency, Lookup,
    MetadataLimits, RateLimit, ReferenceStorage,
};

/// Mollie's base URL (the same for test and live mode: the API key picks the mode).
pub const BASE_URL: &str = "https://api.mollie.com";

/// The `metadata` key holding `merchant_customer_id`.
pub const REFERENCE_KEY: &str = "merchant_customer_id";

/// The most bytes of compact JSON Prism sends as a customer's `metadata` (Mollie: "up to
/// approximately 1kB"; 1024 fails closed).
pub const METADATA_MAX_BYTES: usize = 1024;

static CAPABILITIES: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::Metadata("metadata.merchant_customer_id"),
    duplicate_detection: DuplicateDetection::Emulated(
        "reference-derived Idempotency-Key: within Mollie's 24 h key window a repeat is replayed (same data, `Idempotent-Replayed: true`, reported as AlreadyExists with the id) or refused with 400 (other data, AlreadyExists without an id); after 24 h a repeat creates a second customer",
    ),
    idempotency: Idempotency::Header("Idempotency-Key"),
    limits: FieldLimits {
        merchant_customer_id_max: 255,
        email_max: 512,
        name_max: 256,
        phone_max: 64,
        description_max: 5000,
        // Mollie limits only the whole object (~1 kB of JSON, checked before sending); Prism's
        // universal limits apply per entry, plus its own reserved key.
        metadata: Some(MetadataLimits { max_keys: 20, key_max: 40, value_max: 500, reserved_keys: 1 }),
        address_part_max: 5000,
        name_part_max: None,
        address_parts: None,
    },
    unsupported_fields: &["phone", "description", "address"],
    required_fields: &[],
    request_id_header: None,
    lookup: Lookup::None,
    rate_limit: RateLimit {
        sandbox_per_minute: None,
        production_per_minute: None,
        source: "docs.mollie.com/reference/rate-limiting: dynamic per endpoint and mode, no figures published",
    },
    notes: "JSON, HAL answers; one host, the key's test_/live_ prefix picks the mode; metadata ≤ 1 kB of JSON in total; ASCII email only",
};

prism_connector::connector_api! {
    /// The Mollie connector.
    pub struct Mollie(MollieConfig): CAPABILITIES,
    base_url(self, _env) => BASE_URL.into();

    fn check_config(&self, env: Environment) -> Result<(), Error> {
        self.config.check(env)
    }

    fn parse_error(&self, resp: &HttpResponse, ctx: &FlowContext<'_>) -> Error {
        error::parse_error(resp, ctx.key_from_reference)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prism_connector::ConnectorApi;

    #[test]
    fn capabilities_are_consistent() {
        assert!(CAPABILITIES.resend_is_safe());
        let c = Mollie::new(MollieConfig::new("test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM"));
        assert_eq!(c.id(), prism_connector::types::Connector::Mollie);
        assert_eq!(c.base_url(Environment::Sandbox), BASE_URL);
        assert_eq!(c.base_url(Environment::Production), BASE_URL);
        assert_eq!(c.secrets().len(), 1);
        assert!(c.check_config(Environment::Sandbox).is_ok());
        assert!(c.check_config(Environment::Production).is_err());
    }
}
