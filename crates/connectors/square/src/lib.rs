//! Prism connector for Square (`POST /v2/customers`, lookup by `POST /v2/customers/search`).
//! Sources, the capability decisions and the error-mapping table are in this crate's `docs.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod error;
mod flows;
mod models;

pub use config::SquareConfig;

use prism_connector::types::Error;
use prism_connector::{
    Capabilities, DuplicateDetection, FieldLimits, FindCustomer, Flow, FlowContext, HttpRequest,
    HttpResponse, Idempotency, Lookup, RateLimit, ReferenceStorage,
};

/// The pinned `Square-Version`: the version of the official OpenAPI document and SDK release
/// the request mapping was taken from (docs.md, "Endpoint and authentication").
pub const API_VERSION: &str = "2025-08-20";

/// Square's sandbox host.
pub const SANDBOX_BASE_URL: &str = "https://connect.squareupsandbox.com";

/// Square's production host.
pub const PRODUCTION_BASE_URL: &str = "https://connect.squareup.com";

/// `CreateCustomer`.
pub const CREATE_PATH: &str = "/v2/customers";

/// `SearchCustomers` (the lookup by `reference_id`).
pub const SEARCH_PATH: &str = "/v2/customers/search";

/// The longest `idempotency_key` Prism sends to Square. `CreateCustomerRequest` documents no
/// maximum; 45 is the smallest one Square documents for any create (`CreatePaymentRequest`,
/// `CreateCardRequest`, …), so a key of at most 45 characters fits every reading (docs.md).
pub const IDEMPOTENCY_KEY_MAX: usize = 45;

/// The trace id Square's edge puts on its answers (observed, not documented; docs.md).
pub const REQUEST_ID_HEADER: &str = "x-speleo-traceid";

pub(crate) static CAPABILITIES: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::Native("reference_id"),
    duplicate_detection: DuplicateDetection::Emulated(
        "reference_id is not unique at Square (it \"permits creating duplicate customer profiles\"), so detection rests on the reference-derived idempotency_key: a repeat with other data gets IDEMPOTENCY_KEY_REUSED, reported as AlreadyExists with the id found by search; a repeat with identical data gets the first customer back as success (no replay marker); Square's key retention is unpublished",
    ),
    idempotency: Idempotency::BodyField("idempotency_key"),
    limits: FieldLimits {
        merchant_customer_id_max: 100,
        email_max: 254,
        // given_name and family_name are ≤ 300 each; Prism's name is ≤ 256 whole.
        name_max: 256,
        phone_max: 64,
        // `note` has no documented maximum.
        description_max: 5000,
        metadata: None,
        // Address limits are in a guide section that could not be read (docs.md "Unverified").
        address_part_max: 5000,
        name_part_max: None,
        address_parts: None,
    },
    unsupported_fields: &["metadata"],
    required_fields: &[],
    request_id_header: Some(REQUEST_ID_HEADER),
    lookup: Lookup::Eventual("SearchCustomers with `reference_id` exact: Square documents new profiles as searchable \"in well under 30 seconds\", occasionally \"closer to one minute or longer\""),
    rate_limit: RateLimit::UNDOCUMENTED,
    notes: "JSON; Square-Version 2025-08-20 pinned; idempotency_key in the body (≤ 45); name split into given_name/family_name; needs name, email or phone; phone 9-16 digits",
};

prism_connector::connector_api! {
    /// The Square connector.
    pub struct Square(SquareConfig): CAPABILITIES,
    base_url(self, env) => prism_connector::by_environment(env, SANDBOX_BASE_URL, PRODUCTION_BASE_URL);

    fn parse_error(&self, resp: &HttpResponse, ctx: &FlowContext<'_>) -> Error {
        error::parse_error(resp, ctx.key_from_reference)
    }

    fn finder(&self) -> Option<&dyn Flow<FindCustomer>> {
        Some(self)
    }
}

impl Square {
    /// `req` with the token (`Authorization: Bearer …`, sensitive), the pinned version and
    /// JSON accepted: every call.
    fn authorized(&self, req: HttpRequest) -> HttpRequest {
        req.bearer_auth(&self.config.access_token)
            .header("Square-Version", API_VERSION)
            .header("Accept", "application/json")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prism_connector::types::Environment;
    use prism_connector::ConnectorApi;

    #[test]
    fn capabilities_are_consistent() {
        assert!(CAPABILITIES.resend_is_safe());
        assert!(!CAPABILITIES.lookup.not_found_is_definite());
        let c = Square::new(SquareConfig::new("EAAAtoken"));
        assert_eq!(c.base_url(Environment::Sandbox), SANDBOX_BASE_URL);
        assert_eq!(c.base_url(Environment::Production), PRODUCTION_BASE_URL);
        assert_eq!(c.secrets().len(), 1);
    }
}
