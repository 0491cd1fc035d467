//! Square wire types: the bodies Prism sends and the parts of the answers Prism reads.

use serde::{Deserialize, Serialize};

/// The `CreateCustomer` body (`CreateCustomerRequest`). Field order and names as the official
/// Python SDK sends them; absent fields are omitted, never `null` or `""` (docs.md).
#[derive(Debug, Default, Serialize)]
pub(crate) struct CustomerBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) idempotency_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) given_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) family_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) email_address: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) address: Option<AddressBody<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) phone_number: Option<&'a str>,
    pub(crate) reference_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) note: Option<&'a str>,
}

/// Square's `Address` (the parts Prism has).
#[derive(Debug, Default, Serialize)]
pub(crate) struct AddressBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) address_line_1: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) address_line_2: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) locality: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) administrative_district_level_1: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) postal_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) country: Option<&'a str>,
}

/// `CreateCustomerResponse`: "either `errors` or `customer` is present (never both)".
#[derive(Debug, Deserialize)]
pub(crate) struct CreateResponse {
    #[serde(default)]
    pub(crate) customer: Option<Customer>,
    #[serde(default)]
    pub(crate) errors: Vec<serde_json::Value>,
}

/// A customer profile (the parts Prism reads).
#[derive(Debug, Deserialize)]
pub(crate) struct Customer {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) reference_id: Option<String>,
}

/// `SearchCustomersResponse`: `{}` when nothing matches.
#[derive(Debug, Deserialize)]
pub(crate) struct SearchResponse {
    #[serde(default)]
    pub(crate) customers: Vec<Customer>,
}

/// `{"errors": [Error…]}`, or the legacy v1 `{"type", "message", "field"}` the SDK also reads.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub(crate) errors: Vec<ApiError>,
    #[serde(default, rename = "type")]
    pub(crate) v1_type: Option<String>,
    #[serde(default)]
    pub(crate) message: Option<String>,
    #[serde(default)]
    pub(crate) field: Option<String>,
}

/// Square's `Error` object (`category` and `code` required, `detail` and `field` optional).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ApiError {
    #[serde(default)]
    pub(crate) category: Option<String>,
    #[serde(default)]
    pub(crate) code: Option<String>,
    #[serde(default)]
    pub(crate) detail: Option<String>,
    #[serde(default)]
    pub(crate) field: Option<String>,
}
