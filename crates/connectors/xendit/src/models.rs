//! Xendit wire types (only what Prism sends and reads), api-version 2020-10-31.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The create body (`CustomerRequest`), keys in the order of Xendit's example request.
#[derive(Debug, Serialize)]
pub(crate) struct CustomerBody<'a> {
    pub(crate) reference_id: &'a str,
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) individual_detail: IndividualDetail<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) mobile_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) addresses: Vec<Address<'a>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) metadata: &'a BTreeMap<String, String>,
}

/// `individual_detail` (only the name is sent).
#[derive(Debug, Serialize)]
pub(crate) struct IndividualDetail<'a> {
    pub(crate) given_names: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) surname: Option<&'a str>,
}

/// One `addresses[]` entry with the 2020-10-31 names (docs.md "Request mapping").
#[derive(Debug, Serialize)]
pub(crate) struct Address<'a> {
    pub(crate) country: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) street_line1: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) street_line2: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) city: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) province_state: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) postal_code: Option<&'a str>,
    pub(crate) is_primary: bool,
}

/// The Customer object (the part Prism reads).
#[derive(Debug, Deserialize)]
pub(crate) struct Customer {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) reference_id: Option<String>,
}

/// `GET /customers?reference_id=`: `{"data": [Customer…], "has_more": …}`.
#[derive(Debug, Deserialize)]
pub(crate) struct CustomerList {
    pub(crate) data: Vec<Customer>,
}
