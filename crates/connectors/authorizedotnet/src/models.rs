//! Authorize.net wire types for `createCustomerProfileRequest`, `getCustomerProfileRequest` and
//! their responses.
//!
//! The JSON API is a rendering of `AnetApiSchema.xsd`, and the server rejects keys that are out
//! of the XSD `sequence` order (E00003). serde serializes struct fields in declaration order, so
//! every request struct below declares its fields in exactly the XSD order (line numbers refer to
//! `/work/shared/reference/specs/authorizedotnet.AnetApiSchema.xsd`). Never use a map here.

use prism_connector::parse::{lenient_string, one_or_many, parse_json};
use prism_connector::types::{Error, ErrorKind};
use prism_connector::{Body, HttpRequest, HttpResponse};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::{AuthorizeDotNetConfig, PATH};

/// `{"<method>": {...}}`: the root key names the method.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum Envelope<'a> {
    CreateCustomerProfileRequest(CreateCustomerProfileRequest<'a>),
    GetCustomerProfileRequest(GetCustomerProfileRequest<'a>),
}

impl Envelope<'_> {
    /// The request: JSON on [`PATH`], its two credentials (JSON pointers `secrets`) secret.
    pub(crate) fn post(&self, [name, key]: [&'static str; 2]) -> Result<HttpRequest, Error> {
        let invalid = |e: serde_json::Error| Error::new(ErrorKind::InvalidRequest, e.to_string());
        let req = HttpRequest::post(PATH, Body::json(self).map_err(invalid)?);
        Ok(req.secret_field(name).secret_field(key))
    }
}

/// `getCustomerProfileRequest` (XSD l.3092) = `ANetApiRequest` + customerProfileId?,
/// merchantCustomerId?, email?, unmaskExpirationDate?, includeIssuerInfo?: Prism sends the
/// reference only.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetCustomerProfileRequest<'a> {
    pub(crate) merchant_authentication: MerchantAuthentication<'a>,
    pub(crate) merchant_customer_id: &'a str,
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

impl<'a> MerchantAuthentication<'a> {
    pub(crate) fn of(config: &'a AuthorizeDotNetConfig) -> Self {
        let name = config.api_login_id.expose_secret();
        let transaction_key = config.transaction_key.expose_secret();
        Self {
            name,
            transaction_key,
        }
    }
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
    pub(crate) ship_to_list: Vec<CustomerAddress>,
}

/// `customerAddressType` (XSD l.1851) = `nameAndAddressType` (l.362: firstName?, lastName?,
/// company?, address?, city?, state?, zip?, country?) + phoneNumber?, faxNumber?, email?: the
/// members Prism sends (no company, fax or address email), in that order, as an object.
#[derive(Debug)]
pub(crate) struct CustomerAddress(pub(crate) Vec<(&'static str, String)>);

impl Serialize for CustomerAddress {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// The JSON answer to `createCustomerProfileRequest` (XSD l.2943) or `getCustomerProfileRequest`
/// (l.3119); JSON answers have no root key. Errors raised before the method is known
/// (`ErrorResponse`, l.2719) have the same shape without the id lists. Only what Prism reads.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Response {
    #[serde(deserialize_with = "lenient_string")]
    pub(crate) customer_profile_id: Option<String>,
    /// `getCustomerProfileResponse`'s `customerProfileMaskedType` (l.1839), read with this
    /// struct: its `customerProfileId` and `merchantCustomerId`.
    pub(crate) profile: Option<Box<Response>>,
    #[serde(deserialize_with = "lenient_string")]
    pub(crate) merchant_customer_id: Option<String>,
    pub(crate) messages: Messages,
}

impl Response {
    /// The answer when `resultCode` is `Ok`, its messages when `Error`; anything else (no JSON,
    /// no messages, another code) is UnexpectedResponse.
    pub(crate) fn read(resp: &HttpResponse) -> Result<Result<Response, Messages>, Error> {
        let mut answer: Response = parse_json(resp)?;
        let code = answer.messages.result_code.as_deref().unwrap_or_default();
        match code.trim().to_ascii_lowercase().as_str() {
            "ok" => Ok(Ok(answer)),
            "error" => Ok(Err(std::mem::take(&mut answer.messages))),
            _ => {
                let why = "messages.resultCode is neither Ok nor Error";
                Err(Error::unexpected_response(resp.status, &resp.body, why))
            }
        }
    }
}

/// `messagesType` (XSD l.2679).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Messages {
    pub(crate) result_code: Option<String>,
    #[serde(deserialize_with = "one_or_many")]
    pub(crate) message: Vec<Message>,
}

/// One `messages.message` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Message {
    pub(crate) code: Option<String>,
    pub(crate) text: Option<String>,
}
