//! Prism connector for Checkout.com (`POST /customers` on the account's own host). Sources, the
//! capability decisions and the error-mapping table are in this crate's `docs.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod error;
mod flows;
mod models;
mod phone;

pub use config::CheckoutConfig;

use std::borrow::Cow;

use prism_connector::types::{Environment, Error};
use prism_connector::{
    Capabilities, DuplicateDetection, FieldLimits, FlowContext, HttpResponse, Idempotency, Lookup,
    MetadataLimits, RateLimit, ReferenceStorage,
};

/// The sandbox host, after the account's prefix: `https://{prefix}.api.sandbox.checkout.com`.
pub const SANDBOX_HOST: &str = "api.sandbox.checkout.com";
/// The production host, after the account's prefix: `https://{prefix}.api.checkout.com`.
pub const PRODUCTION_HOST: &str = "api.checkout.com";
/// The metadata key holding `merchant_customer_id` (Checkout.com has no reference field).
pub const REFERENCE_KEY: &str = "merchant_customer_id";
/// The response header carrying Checkout.com's request id.
pub const REQUEST_ID_HEADER: &str = "cko-request-id";

static CAPABILITIES: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::Metadata("metadata.merchant_customer_id"),
    duplicate_detection: DuplicateDetection::None(
        "Checkout.com enforces nothing on metadata and cannot search it: the same merchant_customer_id twice makes two customers (an email already used at the account may be refused: InvalidRequest on `email`)",
    ),
    idempotency: Idempotency::None,
    limits: FieldLimits {
        // A metadata value: at most 100 characters.
        merchant_customer_id_max: 100,
        email_max: 255,
        name_max: 255,
        phone_max: 64,
        description_max: 5000,
        // 10 pairs in all, one of them the reference; keys and values ≤ 100 (keys: Prism's 40).
        metadata: Some(MetadataLimits {
            max_keys: 9,
            key_max: 100,
            value_max: 100,
            reserved_keys: 1,
        }),
        address_part_max: 5000,
        name_part_max: None,
        address_parts: None,
    },
    unsupported_fields: &["description", "address"],
    required_fields: &["email"],
    request_id_header: Some(REQUEST_ID_HEADER),
    lookup: Lookup::None,
    rate_limit: RateLimit {
        sandbox_per_minute: None,
        production_per_minute: Some(100 * 60),
        source: "checkout.com/docs api-rate-limits: 100 write requests/s per account in production, lower (unpublished) in the sandbox",
    },
    notes: "JSON on the account's host {prefix}.api.(sandbox.)checkout.com; phone split into {country_code, number}; email required; Cko-Idempotency-Key is not documented for /customers, so a create that may have been applied is never resent",
};

prism_connector::connector_api! {
    /// The Checkout.com connector.
    pub struct Checkout(CheckoutConfig): CAPABILITIES,
    base_url(self, env) => self.account_base_url(env);

    fn check_config(&self, env: Environment) -> Result<(), Error> {
        self.config.check(env)
    }

    fn parse_error(&self, resp: &HttpResponse, _ctx: &FlowContext<'_>) -> Error {
        error::parse_error(resp)
    }
}

impl Checkout {
    /// The account's base URL in `env`: `https://{prefix}.api.(sandbox.)checkout.com`.
    fn account_base_url(&self, env: Environment) -> Cow<'static, str> {
        let host = match env {
            Environment::Sandbox => SANDBOX_HOST,
            Environment::Production => PRODUCTION_HOST,
        };
        Cow::Owned(format!("https://{}.{host}", self.config.prefix()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prism_connector::ConnectorApi;

    #[test]
    fn the_host_is_the_accounts_own() {
        let c = Checkout::new(CheckoutConfig::new("sk_sbox_x", "1a2b3c4d"));
        let url = |env| c.base_url(env).into_owned();
        assert_eq!(
            url(Environment::Sandbox),
            "https://1a2b3c4d.api.sandbox.checkout.com"
        );
        assert_eq!(
            url(Environment::Production),
            "https://1a2b3c4d.api.checkout.com"
        );
        assert!(!CAPABILITIES.resend_is_safe());
    }
}
