//! The customer-create request: the product page's JSON, builders, redacted `Debug`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A request to create a customer record at the processor.
///
/// Field names are exactly those of the product page, so its JSON example deserializes as is.
/// Unknown fields are rejected rather than dropped: a misspelt `emial` must not vanish silently.
///
/// `Debug` shows which personal fields are present, never their values.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerCreateRequest {
    /// Your own unique reference for this customer (required).
    pub merchant_customer_id: String,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Phone number (`+`, digits, spaces, `-`, `.`, `(`, `)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Internal description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Additional key/value data (at most 20 keys; connectors may allow fewer).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    /// Postal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

impl CustomerCreateRequest {
    /// A request with only the required merchant reference.
    pub fn new(merchant_customer_id: impl Into<String>) -> Self {
        Self {
            merchant_customer_id: merchant_customer_id.into(),
            ..Self::default()
        }
    }

    /// Sets the email address.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the full name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the phone number.
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(phone.into());
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Adds one metadata entry.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Sets the postal address.
    pub fn address(mut self, address: Address) -> Self {
        self.address = Some(address);
        self
    }

    /// The personal values of this request (email, name, phone, description, address lines),
    /// for scrubbing from anything Prism prints.
    pub fn personal_values(&self) -> impl Iterator<Item = &str> {
        let addr = self.address.iter().flat_map(|a| {
            [&a.line1, &a.line2, &a.city, &a.postal_code]
                .into_iter()
                .flatten()
                .map(String::as_str)
        });
        [&self.email, &self.name, &self.phone, &self.description]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .chain(addr)
            .chain(self.metadata.values().map(String::as_str))
    }
}

fn present<T>(v: &Option<T>) -> &'static str {
    if v.is_some() {
        "Some([redacted])"
    } else {
        "None"
    }
}

impl fmt::Debug for CustomerCreateRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomerCreateRequest")
            .field("merchant_customer_id", &self.merchant_customer_id)
            .field("email", &format_args!("{}", present(&self.email)))
            .field("name", &format_args!("{}", present(&self.name)))
            .field("phone", &format_args!("{}", present(&self.phone)))
            .field(
                "description",
                &format_args!("{}", present(&self.description)),
            )
            .field("metadata_keys", &self.metadata.keys().collect::<Vec<_>>())
            .field("address", &self.address)
            .finish()
    }
}

/// A postal address. `country` is an ISO 3166-1 alpha-2 code (`US`, `GB`, …).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street line 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line1: Option<String>,
    /// Street line 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// City or locality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State, county, province or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal or ZIP code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl Address {
    /// An empty address; fill it with the `with_*` methods.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets line 1.
    pub fn with_line1(mut self, v: impl Into<String>) -> Self {
        self.line1 = Some(v.into());
        self
    }
    /// Sets line 2.
    pub fn with_line2(mut self, v: impl Into<String>) -> Self {
        self.line2 = Some(v.into());
        self
    }
    /// Sets the city.
    pub fn with_city(mut self, v: impl Into<String>) -> Self {
        self.city = Some(v.into());
        self
    }
    /// Sets the state or region.
    pub fn with_state(mut self, v: impl Into<String>) -> Self {
        self.state = Some(v.into());
        self
    }
    /// Sets the postal code.
    pub fn with_postal_code(mut self, v: impl Into<String>) -> Self {
        self.postal_code = Some(v.into());
        self
    }
    /// Sets the ISO 3166-1 alpha-2 country code.
    pub fn with_country(mut self, v: impl Into<String>) -> Self {
        self.country = Some(v.into());
        self
    }
    /// True when no part is set.
    pub fn is_empty(&self) -> bool {
        self.line1.is_none()
            && self.line2.is_none()
            && self.city.is_none()
            && self.state.is_none()
            && self.postal_code.is_none()
            && self.country.is_none()
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Address")
            .field("line1", &format_args!("{}", present(&self.line1)))
            .field("line2", &format_args!("{}", present(&self.line2)))
            .field("city", &format_args!("{}", present(&self.city)))
            .field("state", &format_args!("{}", present(&self.state)))
            .field(
                "postal_code",
                &format_args!("{}", present(&self.postal_code)),
            )
            .field("country", &self.country)
            .finish()
    }
}

/// What to do with request fields the processor has no place for (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnsupportedFields {
    /// Fail with `InvalidRequest` naming the field and connector, before sending (default).
    #[default]
    Reject,
    /// Send without them; the response lists them in `diagnostics.unstored_fields`.
    Ignore,
}

/// What to do when the processor already has a customer for this `merchant_customer_id` (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDuplicate {
    /// Fail with `AlreadyExists` (409), carrying the existing id when known (default).
    #[default]
    Error,
    /// Return the existing customer as success, with `existing = true`.
    ReturnExisting,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_page_json_deserializes() {
        let req: CustomerCreateRequest = serde_json::from_value(serde_json::json!({
            "merchant_customer_id": "cust_user_12345",
            "email": "john.doe@example.com",
            "name": "John Doe",
            "phone": "+1-555-123-4567",
            "description": "Premium plan subscriber"
        }))
        .expect("product page example");
        assert_eq!(req.merchant_customer_id, "cust_user_12345");
        assert_eq!(req.email.as_deref(), Some("john.doe@example.com"));
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let err = serde_json::from_value::<CustomerCreateRequest>(serde_json::json!({
            "merchant_customer_id": "c1", "emial": "x@example.com"
        }))
        .expect_err("typo must not be dropped");
        assert!(err.to_string().contains("emial"));
    }

    #[test]
    fn debug_hides_personal_data() {
        let req = CustomerCreateRequest::new("c1")
            .email("john.doe@example.com")
            .name("John Doe")
            .phone("+1-555-123-4567")
            .description("VIP John")
            .metadata("plan", "premium-secret-value")
            .address(Address::new().with_line1("1 Main St").with_country("US"));
        let dbg = format!("{req:?}");
        for s in ["john.doe", "John", "555", "premium-secret-value", "Main St"] {
            assert!(!dbg.contains(s), "{s} leaked in {dbg}");
        }
        assert!(dbg.contains("c1") && dbg.contains("plan") && dbg.contains("US"));
    }
}
