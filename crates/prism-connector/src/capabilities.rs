//! What a connector declares it can do and how (the source of the README's capability matrix).

use serde::Serialize;

/// What a connector can do and how; the capability matrix in the README is generated from these.
#[derive(Debug, Clone, Serialize)]
pub struct Capabilities {
    /// Whether customer create is supported at all.
    pub create_customer: bool,
    /// Why not, when it is not.
    pub unsupported_reason: Option<&'static str>,
    /// Where `merchant_customer_id` is stored at the processor.
    pub reference_storage: ReferenceStorage,
    /// How a repeated create for the same reference is detected.
    pub duplicate_detection: DuplicateDetection,
    /// The processor's idempotency mechanism.
    pub idempotency: Idempotency,
    /// Field limits enforced before sending (on top of the universal rules).
    pub limits: FieldLimits,
    /// Request fields the processor has no place for (paths: `phone`, `metadata`, `address.line2`).
    pub unsupported_fields: &'static [&'static str],
    /// Request fields the processor requires although Prism does not (e.g. `email`).
    pub required_fields: &'static [&'static str],
    /// The response header carrying the processor's request id.
    pub request_id_header: Option<&'static str>,
    /// The lookup by merchant reference ([`crate::FindCustomer`]) and how far its "not found"
    /// can be trusted; the facade uses it to settle outcomes that would otherwise be unknown.
    pub lookup: Lookup,
    /// The processor's documented rate limit for creates (the importer's default pace).
    pub rate_limit: RateLimit,
    /// Free-form remarks for the matrix (kept short).
    pub notes: &'static str,
}

impl Capabilities {
    /// Whether a create may be resent after it may have reached the processor: only with an
    /// idempotency mechanism or native uniqueness of the reference.
    pub fn resend_is_safe(&self) -> bool {
        !matches!(self.idempotency, Idempotency::None)
            || matches!(self.duplicate_detection, DuplicateDetection::Native { .. })
    }
}

/// A processor's documented request rate limit for customer creates, per environment, in
/// requests per minute (`None` where the processor documents none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RateLimit {
    /// In the sandbox / test mode.
    pub sandbox_per_minute: Option<u32>,
    /// In production / live mode.
    pub production_per_minute: Option<u32>,
    /// Where the figures come from (or why there are none).
    pub source: &'static str,
}

impl RateLimit {
    /// No documented limit.
    pub const UNDOCUMENTED: RateLimit = RateLimit {
        sandbox_per_minute: None,
        production_per_minute: None,
        source: "not documented",
    };
}

/// A connector's lookup by merchant reference, by consistency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "how", rename_all = "snake_case")]
pub enum Lookup {
    /// Reads what was just written: "not found" means the create did not happen.
    Strong(&'static str),
    /// May lag behind writes (a search index): "found" settles an outcome, "not found" does not.
    Eventual(&'static str),
    /// No lookup by reference.
    None,
}

impl Lookup {
    /// Whether "not found" proves that no customer with this reference exists.
    pub fn not_found_is_definite(self) -> bool {
        matches!(self, Lookup::Strong(_))
    }
}

/// Where the merchant reference lives at the processor.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "kind", content = "at", rename_all = "snake_case")]
pub enum ReferenceStorage {
    /// A field made for it (e.g. Authorize.net `merchantCustomerId`).
    Native(&'static str),
    /// A metadata/tags entry (e.g. Stripe `metadata[merchant_customer_id]`).
    Metadata(&'static str),
    /// Nowhere.
    None,
}

/// How Prism learns that a customer for this reference already exists.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "kind", content = "how", rename_all = "snake_case")]
pub enum DuplicateDetection {
    /// The processor enforces uniqueness and says so (e.g. Authorize.net E00039).
    Native(&'static str),
    /// Prism detects it through a mechanism of its own (e.g. a reference-derived idempotency key).
    Emulated(&'static str),
    /// No way to detect it.
    None(&'static str),
}

/// The processor's idempotency mechanism for create.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Idempotency {
    /// A request header (e.g. `Idempotency-Key`).
    Header(&'static str),
    /// A body field (e.g. Square `idempotency_key`, Airwallex `request_id`).
    BodyField(&'static str),
    /// None.
    None,
}

/// Per-connector field limits, checked before sending.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FieldLimits {
    /// Longest `merchant_customer_id`.
    pub merchant_customer_id_max: usize,
    /// Longest email.
    pub email_max: usize,
    /// Longest name.
    pub name_max: usize,
    /// Longest phone (as sent).
    pub phone_max: usize,
    /// Longest description.
    pub description_max: usize,
    /// Metadata limits; `None` when the processor has no metadata.
    pub metadata: Option<MetadataLimits>,
    /// Longest address line / city / state / postal code.
    pub address_part_max: usize,
    /// When the processor keeps the name as a first name (all but the last word) and a last name
    /// (the last word, as [`split_name`](crate::normalize::split_name) splits it): the longest
    /// each part may be. Checked before sending, like every limit here.
    pub name_part_max: Option<usize>,
    /// Address parts with tighter limits than `address_part_max` (`None`: that one for all).
    pub address_parts: Option<AddressPartLimits>,
}

/// Limits of single address parts, where a processor's are tighter than its line limit.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct AddressPartLimits {
    /// Longest city.
    pub city_max: usize,
    /// Longest state / region.
    pub state_max: usize,
    /// Longest postal code.
    pub postal_code_max: usize,
}

impl FieldLimits {
    /// The universal limits of SPEC §1.
    pub const UNIVERSAL: FieldLimits = FieldLimits {
        merchant_customer_id_max: 255,
        email_max: 512,
        name_max: 256,
        phone_max: 64,
        description_max: 5000,
        metadata: Some(MetadataLimits {
            max_keys: 20,
            key_max: 40,
            value_max: 500,
            reserved_keys: 0,
        }),
        address_part_max: 5000,
        name_part_max: None,
        address_parts: None,
    };
}

/// Metadata limits.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MetadataLimits {
    /// Most keys the caller may send (after Prism's own reserved keys).
    pub max_keys: usize,
    /// Longest key.
    pub key_max: usize,
    /// Longest value.
    pub value_max: usize,
    /// Keys Prism itself uses (e.g. `merchant_customer_id`), already taken from the processor's count.
    pub reserved_keys: usize,
}
