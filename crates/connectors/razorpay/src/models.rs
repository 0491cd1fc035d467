//! Razorpay wire types (only what Prism sends and reads).

use std::collections::BTreeMap;

use prism_connector::types::Address;
use serde::{Deserialize, Serialize};

/// The create body: every Prism field, so that nothing is dropped. Fields the processor has no
/// place for go out of this struct and into `Capabilities::unsupported_fields`.
// TODO(scaffold): the processor's field names and shapes, from its API reference.
#[derive(Debug, Serialize)]
pub(crate) struct CustomerBody<'a> {
    pub(crate) reference: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) phone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) metadata: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) address: Option<&'a Address>,
}

/// The created customer (the part Prism reads).
#[derive(Debug, Deserialize)]
pub(crate) struct Customer {
    pub(crate) id: String,
}

/// An error answer (the part Prism reads).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ApiError {
    #[serde(default)]
    pub(crate) code: Option<String>,
    #[serde(default)]
    pub(crate) message: Option<String>,
}
