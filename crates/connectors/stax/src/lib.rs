//! Prism connector for Stax, formerly Fattmerchant (`POST /customer`). Sources, the capability
//! decisions and the error-mapping table are in this crate's `docs.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod error;
mod flows;
mod models;

pub use config::StaxConfig;

use prism_connector::types::{Environment, Error};
use prism_connector::{
    Capabilities, DuplicateDetection, FieldLimits, FindCustomer, Flow, FlowContext, HttpRequest,
    HttpResponse, Idempotency, Lookup, RateLimit, ReferenceStorage,
};

/// Stax's API host. Sandbox accounts use the same host as live ones: the key picks the account
/// ("When using a live or sandbox API key, you will use the same production URL", see docs.md).
pub const BASE_URL: &str = "https://apiprod.fattlabs.com";

/// The Stax field holding `merchant_customer_id`.
pub const REFERENCE_FIELD: &str = "reference";

pub(crate) static CAPABILITIES: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::Native("reference"),
    duplicate_detection: DuplicateDetection::None(
        "Stax does not enforce a unique `reference` (nor email): the same merchant_customer_id twice makes two customers",
    ),
    idempotency: Idempotency::None,
    limits: FieldLimits {
        merchant_customer_id_max: 255,
        email_max: 255,
        // Each of firstname/lastname is ≤ 255; a one-word name goes whole into firstname.
        name_max: 255,
        phone_max: 64,
        // Stax allows 21844 for `notes`; the universal 5000 is lower.
        description_max: 5000,
        metadata: None,
        // address_1/address_2/address_city; the tighter state (2) and zip (16) limits are
        // checked when the request is built.
        address_part_max: 255,
        name_part_max: None,
        address_parts: None,
    },
    unsupported_fields: &["metadata"],
    required_fields: &[],
    request_id_header: None,
    lookup: Lookup::Eventual("customers listed by `reference` (a documented filter); exact matching and consistency undocumented, so a miss proves nothing"),
    rate_limit: RateLimit {
        sandbox_per_minute: Some(100),
        production_per_minute: Some(100),
        source: "Stax: 100 requests/min (overview) or 200/min per IP (throttling page); the lower figure (docs.md)",
    },
    notes: "JSON; name split into firstname/lastname; phone sent as 10-15 digits; state 2 letters; country alpha-3; needs name or email; a create that may have been applied is never resent",
};

prism_connector::connector_api! {
    /// The Stax connector.
    pub struct Stax(StaxConfig): CAPABILITIES,
    base_url(self, _env) => BASE_URL.into();

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

impl Stax {
    /// `req` with the key (`Authorization: Bearer …`, sensitive) and JSON accepted: every call.
    fn authorized(&self, req: HttpRequest) -> HttpRequest {
        req.bearer_auth(&self.config.api_key)
            .header("Accept", "application/json")
    }
}
