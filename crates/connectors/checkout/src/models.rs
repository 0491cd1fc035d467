//! Checkout.com wire types: the `POST /customers` body Prism sends and the part of the answer it
//! reads (API reference `StoreCustomerRequest` / `StoreCustomerResponse`, docs.md).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The create body, with the fields and names of the official SDKs' `CustomerRequest`. Absent
/// fields are omitted, never sent as `null`; `default` and `instruments` are not used.
#[derive(Debug, Serialize)]
pub(crate) struct CustomerBody<'a> {
    pub(crate) email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) phone: Option<Phone>,
    /// The caller's metadata and the merchant reference ([`crate::REFERENCE_KEY`]).
    pub(crate) metadata: BTreeMap<&'a str, &'a str>,
}

/// Checkout.com's `PhoneNumber`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Phone {
    /// `+` and the country calling code (1 to 7 characters).
    pub(crate) country_code: String,
    /// The rest of the number, digits only (6 to 25 characters).
    pub(crate) number: String,
}

/// The created customer: `{"id": "cus_…"}` and nothing else.
#[derive(Debug, Deserialize)]
pub(crate) struct Customer {
    pub(crate) id: String,
}
