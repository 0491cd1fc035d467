//! Prism connector for Razorpay (`POST /v1/customers`). Sources, the request mapping, the
//! duplicate design (`fail_existing`) and the error-mapping table are in this crate's `docs.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod error;
mod flows;
mod models;

pub use config::RazorpayConfig;

use prism_connector::types::{Environment, Error};
use prism_connector::{
    Capabilities, DuplicateDetection, FieldLimits, Flow, FlowContext, HttpRequest, HttpResponse,
    Idempotency, Lookup, MetadataLimits, ProbeExisting, RateLimit, ReferenceStorage,
};

/// Razorpay's one host, for test and live keys alike (the key id says which mode).
pub const BASE_URL: &str = "https://api.razorpay.com";

/// The `notes` key holding `merchant_customer_id`.
pub const REFERENCE_KEY: &str = "merchant_customer_id";

/// Shortest and longest `name` (Razorpay: 3–50 characters).
pub const NAME_MIN: usize = 3;
/// Longest `name`.
pub const NAME_MAX: usize = 50;
/// Longest `contact` as sent, country code included.
pub const CONTACT_MAX: usize = 15;
/// Fewest digits in `contact`, country code included.
pub const CONTACT_MIN_DIGITS: usize = 8;

static CAPABILITIES: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::Metadata("notes.merchant_customer_id"),
    duplicate_detection: DuplicateDetection::Native(
        "Razorpay refuses a second customer with the same email+contact (fail_existing \"1\"); Prism then asks again with fail_existing \"0\" and names the existing customer when it carries this reference. The rule is on email+contact, not on the reference: the same reference with other email/contact makes a second customer",
    ),
    idempotency: Idempotency::None,
    limits: FieldLimits {
        // A notes value holds 256 characters: the universal 255 is the binding limit.
        merchant_customer_id_max: 255,
        email_max: 64,
        // At least 3 characters: checked when building.
        name_max: NAME_MAX,
        // Checked on the caller's spelling; what is sent (separators removed) is checked when
        // building: ≤ 15 characters, ≥ 8 digits.
        phone_max: 64,
        // Not stored (unsupported); the universal limit only matters with UnsupportedFields::Ignore.
        description_max: 5000,
        // 15 notes in all, one of them the reference; key length undocumented (Prism's 40).
        metadata: Some(MetadataLimits {
            max_keys: 14,
            key_max: 40,
            value_max: 256,
            reserved_keys: 1,
        }),
        address_part_max: 5000,
        name_part_max: None,
        address_parts: None,
    },
    unsupported_fields: &["description", "address"],
    required_fields: &[],
    request_id_header: None,
    lookup: Lookup::None,
    rate_limit: RateLimit {
        sandbox_per_minute: None,
        production_per_minute: None,
        source: "Razorpay documents 429 (Throttling Error) but no figures",
    },
    notes: "one host, mode by key id (rzp_test_/rzp_live_); Basic key_id:key_secret; email or phone required by Prism (Razorpay's duplicate rule, and so safe resending, rests on them); contact sent as digits with +; no idempotency key: a resend is answered by the email+contact rule",
};

prism_connector::connector_api! {
    /// The Razorpay connector.
    pub struct Razorpay(RazorpayConfig, authorization = RazorpayConfig::basic_auth): CAPABILITIES,
    base_url(self, _env) => BASE_URL.into();

    fn check_config(&self, env: Environment) -> Result<(), Error> {
        self.config.check(env)
    }

    fn parse_error(&self, resp: &HttpResponse, _ctx: &FlowContext<'_>) -> Error {
        error::parse_error(resp)
    }

    fn duplicate_probe(&self) -> Option<&dyn Flow<ProbeExisting>> {
        Some(self)
    }
}

impl Razorpay {
    /// `req` with the headers of every Razorpay call: Basic auth (sensitive), JSON answers.
    fn with_headers(&self, req: HttpRequest) -> HttpRequest {
        self.authorization
            .apply(req)
            .header("Accept", "application/json")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prism_connector::ConnectorApi;
    use secrecy::ExposeSecret;

    /// What no shared check can know: 15 notes in all (one the reference), a notes value of
    /// 256 holds any reference, and the Basic header among the secrets.
    #[test]
    fn declarations_and_secrets() {
        let m = CAPABILITIES.limits.metadata.expect("notes");
        assert_eq!(m.max_keys + m.reserved_keys, 15);
        assert!(m.value_max >= CAPABILITIES.limits.merchant_customer_id_max);
        assert!(CAPABILITIES.resend_is_safe());
        let r = Razorpay::new(RazorpayConfig::new("rzp_test_x", "pw"));
        let s: Vec<&str> = r.secrets().into_iter().map(|s| s.expose_secret()).collect();
        assert_eq!(s, ["rzp_test_x", "pw", "Basic cnpwX3Rlc3RfeDpwdw=="]);
        assert_eq!(r.base_url(Environment::Production), BASE_URL);
        assert_eq!(r.base_url(Environment::Sandbox), BASE_URL);
    }
}
