//! Shift4 wire types (only what Prism sends and reads).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The `POST /customers` body: only fields Shift4 documents for a customer (docs.md "Request
/// mapping").
#[derive(Serialize)]
pub(crate) struct CustomerRequest<'a> {
    pub(crate) email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<&'a str>,
    pub(crate) metadata: Metadata<'a>,
}

/// The customer's metadata: the caller's entries, then Prism's reference entry.
#[derive(Serialize)]
pub(crate) struct Metadata<'a> {
    #[serde(flatten)]
    pub(crate) caller: &'a BTreeMap<String, String>,
    pub(crate) merchant_customer_id: &'a str,
}

/// The customer object (the part Prism reads).
#[derive(Debug, Deserialize)]
pub(crate) struct Customer {
    pub(crate) id: String,
    #[serde(default, rename = "objectType")]
    pub(crate) object_type: Option<String>,
    #[serde(default)]
    pub(crate) deleted: Option<bool>,
}

/// `{"error": {...}}`.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorEnvelope {
    pub(crate) error: ApiError,
}

/// Shift4's error object (the part Prism reads).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ApiError {
    #[serde(default, rename = "type")]
    pub(crate) kind: Option<String>,
    #[serde(default)]
    pub(crate) code: Option<String>,
    #[serde(default)]
    pub(crate) message: Option<String>,
}
