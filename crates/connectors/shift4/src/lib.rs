//! Prism connector for Shift4 (formerly SecurionPay; `POST /customers`). Sources, the
//! capabilities and the error-mapping table are in this crate's `docs.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod error;
mod flows;
mod models;

pub use config::Shift4Config;

use prism_connector::types::{Environment, Error};
use prism_connector::{
    Capabilities, DuplicateDetection, FieldLimits, FlowContext, HttpResponse, Idempotency, Lookup,
    MetadataLimits, RateLimit, ReferenceStorage,
};

/// Shift4's base URL (the same for test and live: the key picks the mode).
pub const BASE_URL: &str = "https://api.shift4.com";

/// The metadata key holding `merchant_customer_id`.
pub const REFERENCE_KEY: &str = "merchant_customer_id";

/// The exact message Shift4 answers when an `Idempotency-Key` is reused with other parameters
/// (shift4-node `customersSpec.js`, shift4-php `CustomerTest.php`; see docs.md).
pub const IDEMPOTENCY_MISMATCH_MESSAGE: &str =
    "Idempotent key used for request with different parameters.";

static CAPABILITIES: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::Metadata("metadata.merchant_customer_id"),
    duplicate_detection: DuplicateDetection::Emulated(
        "reference-derived Idempotency-Key: a repeat with different data gets Shift4's key-mismatch error and is reported as AlreadyExists; a repeat with identical data gets the same customer back as success (no replay header, so Prism cannot flag it); Shift4's key retention window is undocumented",
    ),
    idempotency: Idempotency::Header("Idempotency-Key"),
    limits: FieldLimits {
        merchant_customer_id_max: 255,
        email_max: 512,
        name_max: 256,
        phone_max: 64,
        description_max: 5000,
        // Shift4 documents no metadata limits: Prism's universal ones, plus its own reserved key.
        metadata: Some(MetadataLimits { max_keys: 20, key_max: 40, value_max: 500, reserved_keys: 1 }),
        address_part_max: 5000,
        name_part_max: None,
        address_parts: None,
    },
    unsupported_fields: &["name", "phone", "address"],
    required_fields: &["email"],
    request_id_header: None,
    lookup: Lookup::None,
    rate_limit: RateLimit::UNDOCUMENTED,
    notes: "JSON; Basic auth with the secret key; email required; no name/phone/address on the customer; no request-id header",
};

prism_connector::connector_api! {
    /// The Shift4 connector.
    pub struct Shift4(Shift4Config): CAPABILITIES,
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
        assert!(CAPABILITIES.required_fields.contains(&"email"));
        for f in ["name", "phone", "address"] {
            assert!(CAPABILITIES.unsupported_fields.contains(&f), "{f}");
        }
        let c = Shift4::new(Shift4Config::new("sk_test_abc"));
        assert_eq!(c.id(), prism_connector::types::Connector::Shift4);
        assert_eq!(c.base_url(Environment::Sandbox), BASE_URL);
        assert_eq!(c.base_url(Environment::Production), BASE_URL);
        assert_eq!(c.secrets().len(), 1);
    }
}
