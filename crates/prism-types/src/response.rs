//! The customer-create response and its diagnostics.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::Connector;

/// The state of a customer record at the processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum CustomerStatus {
    /// The customer exists and can be used.
    Active,
}

/// The result of a successful create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerCreateResponse {
    /// Your reference, echoed from the request (never the processor's id).
    pub merchant_customer_id: String,
    /// The processor's id for the customer (Stripe `cus_…`, Authorize.net profile id, …).
    pub connector_customer_id: String,
    /// Always [`CustomerStatus::Active`] for a created customer.
    pub status: CustomerStatus,
    /// The HTTP status the processor answered.
    pub status_code: u16,
    /// Which connector answered.
    pub connector: Connector,
    /// True when the customer already existed and [`OnDuplicate::ReturnExisting`](crate::OnDuplicate)
    /// returned it instead of failing.
    pub existing: bool,
    /// How the call went.
    pub diagnostics: Diagnostics,
}

/// How a call went: attempts, idempotency, the processor's request id, timing and any field the
/// processor could not store. Carried by responses and errors alike.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostics {
    /// The processor's request id (`Request-Id`, `cko-request-id`, …) of the last answer, if sent.
    pub request_id: Option<String>,
    /// The idempotency key sent on every attempt, if the processor supports one.
    pub idempotency_key: Option<String>,
    /// How many HTTP attempts were made (0 when the call failed before sending).
    pub attempts: u32,
    /// True when the processor answered with a stored result for the idempotency key, or a
    /// duplicate answer was recognised as this call's own earlier (unanswered) attempt.
    pub replayed: bool,
    /// True when an earlier attempt of this call was sent and no definite answer came back
    /// (a lost answer); a duplicate reported after it is most likely this call's own creation.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lost_answer: bool,
    /// True when an outcome that would have been unknown was settled by looking the customer up
    /// by reference at the processor (found: this call's customer; not found with a strongly
    /// consistent lookup: the create did not happen).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reconciled: bool,
    /// Wall time of the whole call.
    #[serde(with = "duration_ms")]
    pub elapsed: Duration,
    /// Request fields the processor had no place for and that were not sent
    /// (only with `UnsupportedFields::Ignore`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unstored_fields: Vec<String>,
}

mod duration_ms {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }
}
