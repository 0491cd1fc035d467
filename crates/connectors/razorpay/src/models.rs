//! Razorpay wire types (only what Prism sends and reads).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The body of `POST /v1/customers`, in the order of Razorpay's documentation. `description` and
/// `address` have no place here (`Capabilities::unsupported_fields`).
#[derive(Debug, Serialize)]
pub(crate) struct CustomerBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) email: Option<&'a str>,
    /// The phone with its separators removed (`+15551234567`), always a JSON string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) contact: Option<String>,
    /// The JSON string `"1"` (refuse a duplicate) or `"0"` (answer with the existing customer).
    pub(crate) fail_existing: &'static str,
    pub(crate) notes: Notes<'a>,
}

/// `notes`: the caller's metadata, then the reference under [`crate::REFERENCE_KEY`].
#[derive(Debug, Serialize)]
pub(crate) struct Notes<'a> {
    #[serde(flatten)]
    pub(crate) metadata: &'a BTreeMap<String, String>,
    pub(crate) merchant_customer_id: &'a str,
}

/// The customer entity (the part Prism reads). `notes` may come back as an object or, when
/// empty, as `[]`.
#[derive(Debug, Deserialize)]
pub(crate) struct Customer {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) entity: Option<String>,
    #[serde(default)]
    pub(crate) notes: Value,
}

impl Customer {
    /// The reference stored in `notes`, when there is one.
    pub(crate) fn reference(&self) -> Option<String> {
        self.notes
            .get(crate::REFERENCE_KEY)
            .and_then(Value::as_str)
            .map(str::to_owned)
    }
}

/// An error answer: `{"error": {...}}`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorEnvelope {
    #[serde(default)]
    pub(crate) error: Option<ApiError>,
}

/// Razorpay's error object (`source`, `step` and `metadata` are not read).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ApiError {
    #[serde(default)]
    pub(crate) code: Option<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) field: Option<String>,
    #[serde(default)]
    pub(crate) reason: Option<String>,
}
