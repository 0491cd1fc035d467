//! Authorize.net wire types for `createCustomerProfileRequest` / its response.
//!
//! The JSON API is a rendering of `AnetApiSchema.xsd`, and the server rejects keys that are out
//! of the XSD `sequence` order (E00003). serde serializes struct fields in declaration order, so
//! every request struct below declares its fields in exactly the XSD order (line numbers refer to
//! `/work/shared/reference/specs/authorizedotnet.AnetApiSchema.xsd`). Never use a map here.

use prism_connector::parse::{lenient_string, one_or_many};
use serde::{Deserialize, Serialize};

/// `{"createCustomerProfileRequest": {...}}`: the root key names the method.
#[derive(Debug, Serialize)]
pub(crate) struct Envelope<'a> {
    #[serde(rename = "createCustomerProfileRequest")]
    pub(crate) create_customer_profile_request: CreateCustomerProfileRequest<'a>,
}

/// `createCustomerProfileRequest` (XSD l.2925) = `ANetApiRequest` (l.2621:
/// merchantAuthentication, clientId?, refId?) + profile, validationMode?. Prism sends neither
/// clientId, refId nor validationMode.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateCustomerProfileRequest<'a> {
    pub(crate) merchant_authentication: MerchantAuthentication<'a>,
    pub(crate) profile: CustomerProfile<'a>,
}

/// `merchantAuthenticationType` (XSD l.904): name, then the `transactionKey` choice.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MerchantAuthentication<'a> {
    pub(crate) name: &'a str,
    pub(crate) transaction_key: &'a str,
}

/// `customerProfileType` (XSD l.1799) = `customerProfileBaseType` (l.1773: merchantCustomerId?,
/// description?, email?) + paymentProfiles*, shipToList*, profileType?. Prism sends no payment
/// profiles and no profileType.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CustomerProfile<'a> {
    pub(crate) merchant_customer_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) email: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) ship_to_list: Vec<CustomerAddress<'a>>,
}

/// `customerAddressType` (XSD l.1851) = `nameAndAddressType` (l.362: firstName?, lastName?,
/// company?, address?, city?, state?, zip?, country?) + phoneNumber?, faxNumber?, email?.
/// Prism sends no company, fax or address email. Equal to its `default()` when nothing would be
/// sent.
#[derive(Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CustomerAddress<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) last_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) city: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) state: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) zip: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) country: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) phone_number: Option<&'a str>,
}

/// The JSON answer to `createCustomerProfileRequest` (XSD l.2943; JSON answers have no root key).
/// Errors raised before the method is known (`ErrorResponse`, l.2719) have the same shape
/// without the id lists. Only what Prism reads.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Response {
    #[serde(default, deserialize_with = "lenient_string")]
    pub(crate) customer_profile_id: Option<String>,
    #[serde(default)]
    pub(crate) messages: Option<Messages>,
}

/// `messagesType` (XSD l.2679).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Messages {
    #[serde(default)]
    pub(crate) result_code: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub(crate) message: Vec<Message>,
}

/// One `messages.message` entry.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Message {
    #[serde(default)]
    pub(crate) code: Option<String>,
    #[serde(default)]
    pub(crate) text: Option<String>,
}
