//! Prism connector for Finix (`POST /identities`): a Prism customer is a Finix buyer Identity.
//! Sources, the request mapping and the error-mapping table are in this crate's `docs.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod error;
mod flows;
mod models;

pub use config::FinixConfig;

use prism_connector::types::{Environment, Error};
use prism_connector::{
    AddressPartLimits, Capabilities, DuplicateDetection, FieldLimits, FindCustomer, Flow,
    FlowContext, HttpRequest, HttpResponse, Idempotency, Lookup, MetadataLimits, RateLimit,
    ReferenceStorage,
};

/// The pinned API version header value (`Finix-Version`; the spec's `info.version`, see docs.md).
pub const API_VERSION: &str = "2022-02-01";

/// Finix's sandbox base URL.
pub const SANDBOX_BASE_URL: &str = "https://finix.sandbox-payments-api.com";

/// Finix's live base URL.
pub const PRODUCTION_BASE_URL: &str = "https://finix.live-payments-api.com";

/// The tag key holding `merchant_customer_id`.
pub const REFERENCE_KEY: &str = "merchant_customer_id";

/// The response header carrying Finix's request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

static CAPABILITIES: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::Metadata("tags.merchant_customer_id"),
    duplicate_detection: DuplicateDetection::None(
        "Finix has no merchant-reference field and no uniqueness rule for Identities: two creates make two buyers",
    ),
    idempotency: Idempotency::None,
    limits: FieldLimits {
        // A tag value may hold 500 characters: the universal 255 is the binding limit.
        merchant_customer_id_max: 255,
        email_max: 100,
        // first_name and last_name ≤ 20 each (finix-python entity docstrings) plus one space.
        name_max: 41,
        // Checked on the caller's spelling; what is sent is 10 digits (NANP only, see docs.md).
        phone_max: 64,
        // Not stored (unsupported); the universal limit only matters with UnsupportedFields::Ignore.
        description_max: 5000,
        metadata: Some(MetadataLimits { max_keys: 49, key_max: 40, value_max: 500, reserved_keys: 1 }),
        // line1/line2 ≤ 35; region: 2 letters, checked when building.
        address_part_max: 35,
        name_part_max: Some(20),
        address_parts: Some(AddressPartLimits { city_max: 20, state_max: 35, postal_code_max: 7 }),
    },
    unsupported_fields: &["description"],
    required_fields: &[],
    request_id_header: Some(REQUEST_ID_HEADER),
    lookup: Lookup::Eventual("identities listed by tag (`tags.key`/`tags.value`, official SDK); consistency and matching undocumented, so a miss proves nothing"),
    rate_limit: RateLimit {
        sandbox_per_minute: None,
        production_per_minute: Some(100 * 60),
        source: "Finix: live 100 writes/s; sandbox limits not publicly documented (docs.md)",
    },
    notes: "buyer Identity; HAL JSON; Finix-Version 2022-02-01 pinned; name split into first/last (≤20 each); phone: NANP 10 digits only; address all-or-nothing (line1, city, 2-letter state, postal ≤7, country→alpha-3); no idempotency: a create that may have been applied is never resent",
};

prism_connector::connector_api! {
    /// The Finix connector.
    pub struct Finix(FinixConfig, authorization = FinixConfig::basic_auth): CAPABILITIES,
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

impl Finix {
    /// `req` with the headers of every Finix call: Basic auth (sensitive), the pinned
    /// `Finix-Version`, HAL answers.
    fn with_headers(&self, req: HttpRequest) -> HttpRequest {
        self.authorization
            .apply(req)
            .header("Finix-Version", API_VERSION)
            .header("Accept", "application/hal+json")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prism_connector::ConnectorApi;
    use secrecy::ExposeSecret;

    /// What no shared check can know: the declared limits against Finix's (50 tags, one of them
    /// the reference; a name is two parts of at most 20), and the Basic header among the secrets.
    #[test]
    fn declarations_and_secrets() {
        let m = CAPABILITIES.limits.metadata.expect("tags");
        assert_eq!(m.max_keys + m.reserved_keys, 50);
        let part = CAPABILITIES.limits.name_part_max.expect("first/last");
        assert!(CAPABILITIES.limits.name_max > 2 * part);
        let f = Finix::new(FinixConfig::new("USu", "pw"));
        let s: Vec<&str> = f.secrets().into_iter().map(|s| s.expose_secret()).collect();
        assert_eq!(s, ["USu", "pw", "Basic VVN1OnB3"]);
    }
}
