//! Stripe wire types (only what Prism reads).

use serde::Deserialize;

/// The customer object (the part Prism reads).
#[derive(Debug, Deserialize)]
pub(crate) struct Customer {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) object: Option<String>,
    /// Read by the lookup (the reference lives in `metadata[merchant_customer_id]`).
    #[serde(default)]
    pub(crate) metadata: std::collections::BTreeMap<String, String>,
}

/// `{"error": {...}}`.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorEnvelope {
    pub(crate) error: ApiError,
}

/// Stripe's `api_errors` object (the part Prism reads).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ApiError {
    #[serde(default, rename = "type")]
    pub(crate) kind: Option<String>,
    #[serde(default)]
    pub(crate) code: Option<String>,
    #[serde(default)]
    pub(crate) message: Option<String>,
    #[serde(default)]
    pub(crate) param: Option<String>,
}

/// A search answer (`object: "search_result"`); only the ids are read.
#[derive(Debug, Deserialize)]
pub(crate) struct SearchResult {
    #[serde(default)]
    pub(crate) data: Vec<Customer>,
}
