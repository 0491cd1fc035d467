//! Prism connector for Paystack (`POST /customer`, with `GET /customer/{email}` before it).
//! Sources, the duplicate rule and the error-mapping table are in this crate's `docs.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod error;
mod flows;
mod models;

pub use config::PaystackConfig;

use prism_connector::types::{Environment, Error};
use prism_connector::{
    Capabilities, DuplicateDetection, FieldLimits, FindExisting, Flow, FlowContext, HttpRequest,
    HttpResponse, Idempotency, Lookup, MetadataLimits, RateLimit, ReferenceStorage,
};

/// Paystack's one host, for test and live mode alike (the secret key picks the mode).
pub const BASE_URL: &str = "https://api.paystack.co";

/// The metadata key holding `merchant_customer_id`.
pub const REFERENCE_KEY: &str = "merchant_customer_id";

static CAPABILITIES: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::Metadata("metadata.merchant_customer_id"),
    duplicate_detection: DuplicateDetection::Emulated(
        "by e-mail (Paystack answers a create for a known e-mail with that customer): GET /customer/{email} before each create; this reference → AlreadyExists naming it, another or none → AlreadyExists naming none; the same reference under another e-mail is not detected",
    ),
    idempotency: Idempotency::None,
    limits: FieldLimits {
        metadata: Some(MetadataLimits {
            max_keys: 20,
            key_max: 40,
            value_max: 500,
            reserved_keys: 1,
        }),
        ..FieldLimits::UNIVERSAL
    },
    unsupported_fields: &["description", "address"],
    required_fields: &["email"],
    request_id_header: None,
    lookup: Lookup::None,
    rate_limit: RateLimit::UNDOCUMENTED,
    notes: "JSON; one host, sk_test_/sk_live_ must match the environment; name split into first_name/last_name; metadata sent as an object; no idempotency key, so a create that may have been applied is never resent (the e-mail check settles it when it finds our reference)",
};

prism_connector::connector_api! {
    /// The Paystack connector.
    pub struct Paystack(PaystackConfig): CAPABILITIES,
    base_url(self, _env) => BASE_URL.into();

    fn check_config(&self, env: Environment) -> Result<(), Error> {
        self.config.check(env)
    }

    fn parse_error(&self, resp: &HttpResponse, _ctx: &FlowContext<'_>) -> Error {
        error::parse_error(resp)
    }

    fn existing_check(&self) -> Option<&dyn Flow<FindExisting>> {
        Some(self)
    }
}

impl Paystack {
    /// `req` with the secret key (`Authorization: Bearer …`, sensitive) and JSON accepted.
    fn authorized(&self, req: HttpRequest) -> HttpRequest {
        req.bearer_auth(&self.config.secret_key)
            .header("Accept", "application/json")
    }
}
