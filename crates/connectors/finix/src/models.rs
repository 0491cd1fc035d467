//! Finix wire types (only what Prism sends and reads).

use std::collections::BTreeMap;

use prism_connector::parse::lenient_string;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

/// `CreateIdentityRequest` for a buyer: `entity` and `tags` only (never
/// `additional_underwriting_data` or `business_type`, which make a merchant).
#[derive(Debug, Serialize)]
pub(crate) struct CreateIdentityRequest<'a> {
    pub(crate) entity: Entity<'a>,
    pub(crate) tags: Tags<'a>,
}

/// The buyer fields of `entity`.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Entity<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) last_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) personal_address: Option<PersonalAddress<'a>>,
}

/// `entity.personal_address`.
#[derive(Debug, Serialize)]
pub(crate) struct PersonalAddress<'a> {
    pub(crate) line1: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) line2: Option<&'a str>,
    pub(crate) city: &'a str,
    pub(crate) region: &'a str,
    pub(crate) postal_code: &'a str,
    /// ISO 3166-1 alpha-3.
    pub(crate) country: &'static str,
}

/// `tags`: the reference first, then the caller's metadata (string → string).
#[derive(Debug)]
pub(crate) struct Tags<'a> {
    pub(crate) reference: &'a str,
    pub(crate) metadata: &'a BTreeMap<String, String>,
}

impl Serialize for Tags<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1 + self.metadata.len()))?;
        m.serialize_entry(crate::REFERENCE_KEY, self.reference)?;
        for (k, v) in self.metadata {
            if k != crate::REFERENCE_KEY {
                m.serialize_entry(k, v)?;
            }
        }
        m.end()
    }
}

/// The Identity (the part Prism reads).
#[derive(Debug, Deserialize)]
pub(crate) struct Identity {
    pub(crate) id: String,
}

/// A HAL list: `{"_embedded": {…}, …}` (errors, identities).
#[derive(Debug, Deserialize)]
pub(crate) struct Hal<T> {
    #[serde(default, rename = "_embedded")]
    pub(crate) embedded: Option<T>,
}

/// The `_embedded` of an error list `{"total": N, "_embedded": {"errors": [...]}}`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Errors {
    #[serde(default)]
    pub(crate) errors: Vec<ApiError>,
}

/// One error of the list. Every member is optional and typed leniently: an odd value is ignored,
/// never a parse failure.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ApiError {
    #[serde(default, deserialize_with = "lenient_string")]
    pub(crate) code: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub(crate) field: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub(crate) logref: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub(crate) message: Option<String>,
}

/// The `_embedded` of an `IdentitiesList` (`GET /identities`), the part the lookup reads.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Identities {
    #[serde(default)]
    pub(crate) identities: Vec<ListedIdentity>,
}

/// An Identity in a list: its id and tags.
#[derive(Debug, Deserialize)]
pub(crate) struct ListedIdentity {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) tags: BTreeMap<String, String>,
}
