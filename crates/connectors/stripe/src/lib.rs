//! Prism connector for Stripe (`POST /v1/customers`). Sources and the error-mapping table are in
//! this crate's `docs.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod error;
mod flows;
mod models;

pub use config::StripeConfig;

use prism_connector::types::{Environment, Error};
use prism_connector::{
    Capabilities, DuplicateDetection, FieldLimits, FindCustomer, Flow, FlowContext, HttpRequest,
    HttpResponse, Idempotency, Lookup, MetadataLimits, RateLimit, ReferenceStorage,
};

/// The pinned API version (stripe-node `src/apiVersion.ts`, see docs.md).
pub const API_VERSION: &str = "2025-10-29.clover";

/// Stripe's base URL (the same for test and live: the key picks the mode).
pub const BASE_URL: &str = "https://api.stripe.com";

/// The metadata key holding `merchant_customer_id`.
pub const REFERENCE_KEY: &str = "merchant_customer_id";

static CAPABILITIES: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::Metadata("metadata[merchant_customer_id]"),
    duplicate_detection: DuplicateDetection::Emulated(
        "reference-derived Idempotency-Key: a repeat within Stripe's 24 h key window is replayed (same data) or refused (other data) and reported as AlreadyExists; the existing id comes from the replay or from a metadata search (eventually consistent)",
    ),
    idempotency: Idempotency::Header("Idempotency-Key"),
    limits: FieldLimits {
        merchant_customer_id_max: 255,
        email_max: 512,
        name_max: 256,
        phone_max: 20,
        description_max: 350,
        metadata: Some(MetadataLimits { max_keys: 49, key_max: 40, value_max: 500, reserved_keys: 1 }),
        address_part_max: 5000,
        name_part_max: None,
        address_parts: None,
    },
    unsupported_fields: &[],
    required_fields: &[],
    request_id_header: Some("request-id"),
    lookup: Lookup::Eventual("search by `metadata['merchant_customer_id']`: Stripe documents it as searchable within a minute, up to an hour behind during outages"),
    rate_limit: RateLimit {
        sandbox_per_minute: Some(25 * 60),
        production_per_minute: Some(25 * 60),
        source: "docs.stripe.com/rate-limits: 100 requests/s live and 25 in a sandbox per account, and 25/s per endpoint unless noted",
    },
    notes: "form-encoded; Stripe-Version pinned",
};

prism_connector::connector_api! {
    /// The Stripe connector.
    pub struct Stripe(StripeConfig, authorization = StripeConfig::authorization): CAPABILITIES,
    base_url(self, _env) => BASE_URL.into();

    fn check_config(&self, env: Environment) -> Result<(), Error> {
        self.config.check(env)
    }

    fn parse_error(&self, resp: &HttpResponse, ctx: &FlowContext<'_>) -> Error {
        error::parse_error(resp, ctx.key_from_reference)
    }

    // The key is sent as it is: nothing is signed.
    fn uses_nonce(&self) -> bool {
        false
    }

    fn finder(&self) -> Option<&dyn Flow<FindCustomer>> {
        Some(self)
    }
}

impl Stripe {
    /// `req` with the key (`Authorization`, sensitive), the pinned version and JSON accepted:
    /// every call.
    fn authorized(&self, req: HttpRequest) -> HttpRequest {
        self.authorization
            .apply(req)
            .header("Stripe-Version", API_VERSION)
            .header("Accept", "application/json")
    }
}
