//! Prism connector for Airwallex (Payments Acceptance customers,
//! `POST /api/v1/pa/customers/create`), authenticated with a bearer token from
//! `POST /api/v1/authentication/login`. Sources and the error-mapping table are in this crate's
//! `docs.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod error;
mod flows;
mod models;
mod token;

pub use config::AirwallexConfig;

use prism_connector::types::{Environment, Error};
use prism_connector::{
    AccessToken, Capabilities, DuplicateDetection, FieldLimits, FindCustomer, Flow, FlowContext,
    HttpRequest, HttpResponse, Idempotency, Lookup, MetadataLimits, RateLimit, ReferenceStorage,
};
use secrecy::SecretString;

/// The pinned API version: the `info.version` of the official OpenAPI document the request
/// mapping was taken from (see docs.md, "Endpoint and authentication").
pub const API_VERSION: &str = "2026-08-21";

/// Airwallex's sandbox ("demo") API host.
pub const SANDBOX_BASE_URL: &str = "https://api-demo.airwallex.com";

/// Airwallex's production API host.
pub const PRODUCTION_BASE_URL: &str = "https://api.airwallex.com";

/// The login (token exchange) path.
pub const LOGIN_PATH: &str = "/api/v1/authentication/login";

/// The create-customer path.
pub const CREATE_CUSTOMER_PATH: &str = "/api/v1/pa/customers/create";

pub(crate) static CAPABILITIES: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::Native("merchant_customer_id"),
    duplicate_detection: DuplicateDetection::Native(
        "400 resource_already_exists for a reused merchant_customer_id (400 duplicate_request for a reused reference-derived request_id); the existing customer's id is looked up by merchant_customer_id",
    ),
    idempotency: Idempotency::BodyField("request_id"),
    limits: FieldLimits {
        merchant_customer_id_max: 64,
        email_max: 256,
        // first_name and last_name are ≤128 each; checked after the split in build_request.
        name_max: 256,
        // No phone length is documented.
        phone_max: 64,
        // description cannot be stored (see unsupported_fields).
        description_max: 5000,
        metadata: Some(MetadataLimits { max_keys: 50, key_max: 50, value_max: 500, reserved_keys: 0 }),
        // street ≤1000; city/state ≤100 and postcode ≤10 are checked in build_request.
        address_part_max: 1000,
        name_part_max: None,
        address_parts: None,
    },
    unsupported_fields: &["description", "address.line2"],
    required_fields: &[],
    request_id_header: None,
    lookup: Lookup::Eventual("list filtered by `merchant_customer_id`; its consistency is undocumented, so a miss proves nothing"),
    rate_limit: RateLimit::UNDOCUMENTED,
    notes: "bearer token from POST /api/v1/authentication/login (30 min); JSON; x-api-version pinned; address needs country; trace_id from error bodies",
};

/// The login step's token, which the executor fetches before any other call.
fn login_token<'a>(ctx: &FlowContext<'a>) -> Result<&'a SecretString, Error> {
    ctx.access_token.ok_or_else(|| {
        Error::configuration(
            "airwallex: no access token from the login step (the executor runs it first)",
        )
    })
}

/// `req` with `token` (`Authorization: Bearer …`, sensitive), the pinned API version and JSON
/// accepted: every call after the login.
fn with_token(req: HttpRequest, token: &SecretString) -> HttpRequest {
    req.bearer_auth(token)
        .header("x-api-version", API_VERSION)
        .header("Accept", "application/json")
}

prism_connector::connector_api! {
    /// The Airwallex connector.
    pub struct Airwallex(AirwallexConfig): CAPABILITIES,
    base_url(self, env) => prism_connector::by_environment(env, SANDBOX_BASE_URL, PRODUCTION_BASE_URL);

    fn check_config(&self, _env: Environment) -> Result<(), Error> {
        self.config.check()
    }

    fn token_request(&self) -> Option<Result<HttpRequest, Error>> {
        Some(Ok(token::login_request(&self.config)))
    }

    fn parse_token(&self, resp: &HttpResponse) -> Result<AccessToken, Error> {
        token::parse_login(resp)
    }

    fn parse_error(&self, resp: &HttpResponse, ctx: &FlowContext<'_>) -> Error {
        error::parse_error(resp, ctx)
    }

    fn finder(&self) -> Option<&dyn Flow<FindCustomer>> {
        Some(self)
    }
}
