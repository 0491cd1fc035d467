//! Mollie wire types (only what Prism sends and reads): the `entity-customer` request and
//! response and the `error-response` problem document of the official OpenAPI (docs.md).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The `POST /v2/customers` body: only fields Mollie documents for a customer (`name`, `email`,
/// `metadata`; `locale` and `testmode` are never sent: Prism has no locale and API keys must not
/// send `testmode`).
#[derive(Serialize)]
pub(crate) struct CustomerRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) email: Option<&'a str>,
    pub(crate) metadata: Metadata<'a>,
}

/// The customer's `metadata` JSON object: Prism's reference entry, then the caller's entries.
#[derive(Serialize)]
pub(crate) struct Metadata<'a> {
    pub(crate) merchant_customer_id: &'a str,
    #[serde(flatten)]
    pub(crate) caller: &'a BTreeMap<String, String>,
}

/// The customer object (the part Prism reads).
#[derive(Debug, Deserialize)]
pub(crate) struct Customer {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) resource: Option<String>,
    #[serde(default)]
    pub(crate) mode: Option<String>,
}

/// A HAL problem document: `{status, title, detail, field?, _links}` (`_links` is not read).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Problem {
    #[serde(default)]
    pub(crate) title: Option<String>,
    #[serde(default)]
    pub(crate) detail: Option<String>,
    #[serde(default)]
    pub(crate) field: Option<String>,
}
