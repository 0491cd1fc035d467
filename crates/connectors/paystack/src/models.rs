//! Paystack wire types (only what Prism sends and reads): every reply is an envelope
//! `{status, message, data}`, failures `status: false` with `type`/`code`/`meta.nextStep`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The `POST /customer` body (spec `CustomerCreate`). `description` and `address` have no place.
#[derive(Debug, Serialize)]
pub(crate) struct CustomerBody<'a> {
    pub(crate) email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) last_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) phone: Option<String>,
    /// A JSON object (never a string, never `null`): the caller's pairs and the reference.
    pub(crate) metadata: BTreeMap<&'a str, &'a str>,
}

/// A reply envelope. `status` is required: without it the body is not Paystack's.
#[derive(Debug, Deserialize)]
pub(crate) struct Envelope {
    pub(crate) status: bool,
    #[serde(default)]
    pub(crate) data: Option<Customer>,
}

/// The customer in `data` (the part Prism reads).
#[derive(Debug, Deserialize)]
pub(crate) struct Customer {
    #[serde(default)]
    pub(crate) customer_code: Option<String>,
    /// An object in every documented reply; anything else is read as "no reference".
    #[serde(default)]
    pub(crate) metadata: Option<serde_json::Value>,
}

impl Customer {
    /// The `merchant_customer_id` kept in the customer's metadata, if any.
    pub(crate) fn reference(&self) -> Option<&str> {
        self.metadata.as_ref()?.get(crate::REFERENCE_KEY)?.as_str()
    }
}

/// A failure envelope (spec `components.schemas.Error`); every member optional.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ApiError {
    #[serde(default)]
    pub(crate) message: Option<String>,
    #[serde(default, rename = "type")]
    pub(crate) kind: Option<String>,
    #[serde(default)]
    pub(crate) code: Option<String>,
    #[serde(default)]
    pub(crate) meta: Option<Meta>,
}

/// `meta` of a failure.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Meta {
    #[serde(default, rename = "nextStep")]
    pub(crate) next_step: Option<String>,
}
