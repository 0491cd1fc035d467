//! Prism connector for Authorize.net: a customer is a CIM customer profile, created with
//! `createCustomerProfileRequest` (JSON) on `POST /xml/v1/request.api`. Sources and the
//! error-mapping table are in this crate's `docs.md`.
//!
//! Peculiarities handled here: credentials travel in the body (`merchantAuthentication`), keys
//! must follow the XSD sequence order, answers start with a UTF-8 byte-order mark, and every
//! application error (bad credentials, duplicates, schema errors) comes back as HTTP 200 with
//! `messages.resultCode = "Error"`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod error;
mod flows;
mod models;

pub use config::AuthorizeDotNetConfig;

use prism_connector::types::Error;
use prism_connector::{
    AddressPartLimits, Capabilities, DuplicateDetection, FieldLimits, FindCustomer, Flow,
    FlowContext, HttpResponse, Idempotency, Lookup, RateLimit, ReferenceStorage,
};

/// Sandbox base URL (official SDKs' `ANetEnvironment::SANDBOX`; support KB 000001206).
pub const SANDBOX_BASE_URL: &str = "https://apitest.authorize.net";

/// Production base URL as given by support KB 000001206. Newer official SDKs use
/// `https://api2.authorize.net`, which is equally official; override the client's `base_url` to
/// use it.
pub const PRODUCTION_BASE_URL: &str = "https://api.authorize.net";

/// The single RPC endpoint: the method is chosen by the JSON root key.
pub const PATH: &str = "/xml/v1/request.api";

pub(crate) static CAPABILITIES: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::Native("profile.merchantCustomerId"),
    duplicate_detection: DuplicateDetection::Native(
        "E00039 when a profile with the same merchantCustomerId and description (email too, per some docs) exists; the existing profile id is parsed from the message text",
    ),
    idempotency: Idempotency::None,
    limits: FieldLimits {
        merchant_customer_id_max: 20,
        email_max: 255,
        // firstName ≤ 50 + " " + lastName ≤ 50.
        name_max: 101,
        phone_max: 25,
        description_max: 255,
        metadata: None,
        // `address` ≤ 60 (line1 and line2 joined: checked when the request is built).
        address_part_max: 60,
        name_part_max: Some(50),
        address_parts: Some(AddressPartLimits { city_max: 40, state_max: 40, postal_code_max: 20 }),
    },
    unsupported_fields: &["metadata"],
    required_fields: &[],
    request_id_header: None,
    lookup: Lookup::Eventual(
        "getCustomerProfileRequest by merchantCustomerId (E00040 when none): a direct read, but a miss is not proof (unresolved E00040 reports for existing references; read-after-write and several profiles per reference undocumented)",
    ),
    rate_limit: RateLimit::UNDOCUMENTED,
    notes: "JSON in XSD key order, credentials in the body; errors come as HTTP 200 with resultCode Error; name/phone/address go to one shipToList entry (address.line2 joined to line1 with \", \"); no metadata; duplicate check matches merchantCustomerId+description (+email per some docs)",
};

/// The Authorize.net connector.
#[derive(Debug, Clone)]
pub struct AuthorizeDotNet {
    config: AuthorizeDotNetConfig,
}

impl AuthorizeDotNet {
    /// A connector with `config`.
    pub fn new(config: AuthorizeDotNetConfig) -> Self {
        Self { config }
    }
}

prism_connector::connector_api! {
    AuthorizeDotNet: AuthorizeDotNetConfig, CAPABILITIES,
    base_url(self, env) => prism_connector::by_environment(env, SANDBOX_BASE_URL, PRODUCTION_BASE_URL);

    fn parse_error(&self, resp: &HttpResponse, ctx: &FlowContext<'_>) -> Error {
        error::parse_error(resp, ctx)
    }

    fn finder(&self) -> Option<&dyn Flow<FindCustomer>> {
        Some(self)
    }
}
