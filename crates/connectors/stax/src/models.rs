//! Stax wire types: the create body Prism sends and the part of the answer Prism reads.

use serde::{Deserialize, Serialize};

/// The `POST /customer` body. Every field is top-level; absent fields are omitted rather than
/// sent as `null` or `""` (docs.md, "Request mapping"). Field order follows docs.md's example.
#[derive(Debug, Default, Serialize)]
pub(crate) struct CustomerBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) firstname: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) lastname: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) notes: Option<&'a str>,
    pub(crate) reference: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) address_1: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) address_2: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) address_city: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) address_state: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) address_zip: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) address_country: Option<&'static str>,
}

/// The customer object Stax answers with (the part Prism reads).
#[derive(Debug, Deserialize)]
pub(crate) struct Customer {
    pub(crate) id: String,
}

/// A page of `GET /customer` (Laravel pagination), the part the lookup reads.
#[derive(Debug, Deserialize)]
pub(crate) struct CustomerPage {
    #[serde(default)]
    pub(crate) data: Vec<ListedCustomer>,
}

/// A listed customer: id, reference, soft-deletion.
#[derive(Debug, Deserialize)]
pub(crate) struct ListedCustomer {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) reference: Option<String>,
    #[serde(default)]
    pub(crate) deleted_at: Option<String>,
}
