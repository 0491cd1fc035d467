//! Stripe wire types (only what Prism reads).

use serde::Deserialize;

/// The customer object as a lookup reads it (a create reads [`CreatedCustomer`]).
#[derive(Debug, Deserialize)]
pub(crate) struct Customer {
    pub(crate) id: String,
    /// Read by the lookup (the reference lives in `metadata[merchant_customer_id]`).
    #[serde(default)]
    pub(crate) metadata: std::collections::BTreeMap<String, String>,
}

/// The created customer, as a create reads it: the id and the object's type, without the
/// metadata map (or any other string) a lookup needs, so reading it allocates only the id.
#[derive(Debug, Deserialize)]
pub(crate) struct CreatedCustomer {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) object: Option<ObjectType>,
}

/// Stripe's `object` field, compared without allocating.
#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ObjectType {
    /// `"customer"`
    Customer,
    /// Any other object.
    #[serde(other)]
    Other,
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
