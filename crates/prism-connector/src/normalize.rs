//! Normalising request values into processor shapes: name split, ISO 3166 alpha-3, E.164-like
//! phone numbers.

use std::collections::BTreeMap;

pub use prism_types::iso3166::{country_alpha3, is_country_alpha2, is_country_alpha3};
use prism_types::CustomerCreateRequest;

/// The caller's metadata with the merchant reference under `key`, in key order: a processor's
/// metadata object that carries the reference among the caller's entries.
pub fn metadata_with_reference<'a>(
    req: &'a CustomerCreateRequest,
    key: &'a str,
) -> BTreeMap<&'a str, &'a str> {
    let mut metadata: BTreeMap<&str, &str> = req
        .metadata
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    metadata.insert(key, &req.merchant_customer_id);
    metadata
}

/// Splits a full name into (first, last): the last word is the last name, the rest the first
/// name; a one-word name is a first name only.
pub fn split_name(full: &str) -> (&str, Option<&str>) {
    let full = full.trim();
    match full.rsplit_once(char::is_whitespace) {
        Some((first, last)) => (first.trim_end(), Some(last)),
        None => (full, None),
    }
}

/// An optional name as (first, last) parts ([`split_name`]); a missing or blank name has
/// neither.
pub fn first_last(name: Option<&str>) -> (Option<&str>, Option<&str>) {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => {
            let (first, last) = split_name(n);
            (Some(first), last)
        }
        None => (None, None),
    }
}

/// The digits of a phone number, with a leading `+` kept (E.164-like), e.g.
/// `+1-555-123-4567` → `+15551234567`.
pub fn phone_e164ish(phone: &str) -> String {
    let mut out = String::with_capacity(phone.len());
    if phone.trim_start().starts_with('+') {
        out.push('+');
    }
    out.extend(phone.chars().filter(char::is_ascii_digit));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_on_last_word() {
        assert_eq!(split_name("John Doe"), ("John", Some("Doe")));
        assert_eq!(split_name("Mary Ann  Smith "), ("Mary Ann", Some("Smith")));
        assert_eq!(split_name("Cher"), ("Cher", None));
        assert_eq!(
            first_last(Some(" Mary Ann Smith")),
            (Some("Mary Ann"), Some("Smith"))
        );
        assert_eq!(first_last(Some("Cher ")), (Some("Cher"), None));
        assert_eq!(first_last(Some("  ")), (None, None));
        assert_eq!(first_last(None), (None, None));
    }

    #[test]
    fn countries() {
        assert_eq!(country_alpha3("us"), Some("USA"));
        assert_eq!(country_alpha3("GB"), Some("GBR"));
        assert_eq!(country_alpha3("XX"), None);
        assert!(is_country_alpha2("DE") && !is_country_alpha2("de"));
    }

    #[test]
    fn metadata_carries_the_reference() {
        let req = CustomerCreateRequest::new("r1")
            .metadata("z", "1")
            .metadata("a", "2");
        let m = metadata_with_reference(&req, "merchant_customer_id");
        let entries: Vec<(&str, &str)> = m.into_iter().collect();
        assert_eq!(
            entries,
            [("a", "2"), ("merchant_customer_id", "r1"), ("z", "1")]
        );
    }

    #[test]
    fn phone_normalisation() {
        assert_eq!(phone_e164ish("+1 (555) 123-4567"), "+15551234567");
        assert_eq!(phone_e164ish("555.123.4567"), "5551234567");
    }
}
