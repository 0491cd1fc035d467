//! Airwallex wire types (only what Prism sends and reads).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `POST /api/v1/pa/customers/create` body (docs.md, "Request mapping"). Field order follows the
/// documented example.
#[derive(Debug, Serialize)]
pub(crate) struct CreateCustomerBody<'a> {
    pub(crate) request_id: &'a str,
    pub(crate) merchant_customer_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) last_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) phone_number: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) metadata: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) address: Option<AddressBody<'a>>,
}

/// The customer's `address` object: `country_code` is required whenever it is present.
#[derive(Debug, Serialize)]
pub(crate) struct AddressBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) street: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) city: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) state: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) postcode: Option<&'a str>,
    pub(crate) country_code: &'a str,
}

/// The created customer (the part Prism reads). `client_secret` is deliberately not read.
#[derive(Debug, Deserialize)]
pub(crate) struct Customer {
    pub(crate) id: String,
    /// The stored reference (read by the lookup).
    #[serde(default)]
    pub(crate) merchant_customer_id: Option<String>,
}

/// The login answer: `{"token": "...", "expires_at": "2021-06-18T16:30:00+0000"}`.
#[derive(Deserialize)]
pub(crate) struct LoginAnswer {
    pub(crate) token: String,
    #[serde(default)]
    pub(crate) expires_at: Option<serde_json::Value>,
}

/// Airwallex's flat error body `{code, source?, message, details?, trace_id?}`, read leniently:
/// a field of an unexpected type is treated as absent.
#[derive(Debug, Default)]
pub(crate) struct ApiError {
    pub(crate) code: Option<String>,
    pub(crate) source: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) trace_id: Option<String>,
}

impl ApiError {
    pub(crate) fn from_body(body: &[u8]) -> Self {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body)
        else {
            return Self::default();
        };
        let s = |k: &str| {
            map.get(k)
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Self {
            code: s("code"),
            source: s("source"),
            message: s("message"),
            trace_id: s("trace_id"),
        }
    }
}

/// The list answer `{has_more, items: [Customer]}` (only the ids are read).
#[derive(Debug, Deserialize)]
pub(crate) struct CustomerList {
    #[serde(default)]
    pub(crate) items: Vec<Customer>,
}
