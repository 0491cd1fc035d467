//! Prism connector for Xendit (`POST /customers`, api-version 2020-10-31): a Prism customer is an
//! `INDIVIDUAL` end customer whose `reference_id` is the merchant reference. Sources, the request
//! mapping and the error-mapping table are in this crate's `docs.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod error;
mod flows;
mod models;

pub use config::{XenditConfig, LIVE_KEY_PREFIX, TEST_KEY_PREFIX};

use prism_connector::types::{Environment, Error};
use prism_connector::{
    Capabilities, DuplicateDetection, FieldLimits, FindCustomer, Flow, FlowContext, HttpRequest,
    HttpResponse, Idempotency, Lookup, MetadataLimits, RateLimit, ReferenceStorage,
};

/// Xendit's base URL, the same for test and live mode (the key's prefix picks the mode).
pub const BASE_URL: &str = "https://api.xendit.co";

/// The pinned `api-version` header: the Customer schema with `type` / `individual_detail`.
pub const API_VERSION: &str = "2020-10-31";

/// Longest `individual_detail.given_names` / `surname` (docs.xendit.co create-customer).
pub const NAME_PART_MAX: usize = 50;

/// Longest `description` (xendit-python `customer_request.py` validation).
pub const DESCRIPTION_MAX: usize = 1000;

static CAPABILITIES: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::Native("reference_id"),
    duplicate_detection: DuplicateDetection::Native(
        "reference_id is unique per account: a second create is refused with 400 DUPLICATE_END_CUSTOMER_ERROR (the existing id from GET /customers?reference_id=); within the 24 h idempotency-key window a repeat with identical data may instead be replayed as success (Xendit marks no replay)",
    ),
    idempotency: Idempotency::Header("idempotency-key"),
    limits: FieldLimits {
        merchant_customer_id_max: 255,
        email_max: 512,
        // given_names ≤ 50 + " " + surname ≤ 50; each part is checked after the split.
        name_max: 2 * NAME_PART_MAX + 1,
        // Checked on the caller's spelling; what is sent is E.164 (`+` and ≤ 15 digits).
        phone_max: 64,
        description_max: DESCRIPTION_MAX,
        metadata: Some(MetadataLimits { max_keys: 20, key_max: 40, value_max: 500, reserved_keys: 0 }),
        address_part_max: 255,
        name_part_max: None,
        address_parts: None,
    },
    unsupported_fields: &[],
    required_fields: &["name"],
    request_id_header: None,
    lookup: Lookup::Eventual("GET /customers?reference_id= (the list endpoint filtered by the unique reference); read-after-write is not documented, so a miss proves nothing"),
    rate_limit: RateLimit {
        sandbox_per_minute: Some(60),
        production_per_minute: Some(600),
        source: "docs.xendit.co/apidocs/rate-limits: 60 requests/min per endpoint per account in test mode, 600 in live mode (help.xendit.co lists 600 and 6000)",
    },
    notes: "api-version 2020-10-31 pinned; one host, key prefix picks test/live; type INDIVIDUAL, name required and split into given_names/surname (≤50 each); phone sent as E.164 (a leading + required); address as addresses[0] with the 2020-10-31 names",
};

prism_connector::connector_api! {
    /// The Xendit connector.
    pub struct Xendit(XenditConfig, authorization = XenditConfig::authorization): CAPABILITIES,
    base_url(self, _env) => BASE_URL.into();

    fn check_config(&self, env: Environment) -> Result<(), Error> {
        self.config.check(env)
    }

    fn parse_error(&self, resp: &HttpResponse, ctx: &FlowContext<'_>) -> Error {
        error::parse_error(resp, ctx)
    }

    fn finder(&self) -> Option<&dyn Flow<FindCustomer>> {
        Some(self)
    }
}

impl Xendit {
    /// `req` with the headers of every Xendit call: Basic auth (sensitive), the pinned
    /// `api-version`, JSON accepted.
    fn with_headers(&self, req: HttpRequest) -> HttpRequest {
        self.authorization
            .apply(req)
            .header("api-version", API_VERSION)
            .header("Accept", "application/json")
    }
}
