//! The rules a [`CustomerCreateRequest`] must meet before anything is sent (SPEC §1), plus the
//! connector's own limits and the unsupported-fields policy (SPEC §3).
//!
//! Every failing field is reported, with its path and rule, in one `InvalidRequest` error; no
//! field value ever appears in the error.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use prism_connector::normalize::{is_country_alpha2, split_name};
use prism_connector::{AddressPartLimits, Capabilities, FieldLimits};
use prism_types::{Connector, CustomerCreateRequest, Error, FieldError, UnsupportedFields};
use validator::ValidateEmail;

/// The outcome of validation when it passes: the fields that will not be sent because the
/// processor cannot store them (only ever non-empty with `UnsupportedFields::Ignore`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Validated {
    /// Paths of fields the connector has no place for.
    pub unstored_fields: Vec<String>,
}

/// Checks `req` against the universal rules, `caps`' limits and the unsupported-fields policy.
pub fn validate(
    req: &CustomerCreateRequest,
    connector: Connector,
    caps: &Capabilities,
    policy: UnsupportedFields,
) -> Result<Validated, Error> {
    let mut errs = Vec::new();
    let lim = &caps.limits;
    let u = FieldLimits::UNIVERSAL;

    // merchant_customer_id
    let id = &req.merchant_customer_id;
    let id_max = lim.merchant_customer_id_max.min(u.merchant_customer_id_max);
    if id.is_empty() {
        errs.push(FieldError::new(
            "merchant_customer_id",
            "required",
            "is required and must not be empty",
        ));
    } else if longer_than(id, id_max) {
        errs.push(length_err(
            "merchant_customer_id",
            1,
            id_max,
            connector,
            id_max < u.merchant_customer_id_max,
        ));
    }
    if id.chars().any(char::is_control) {
        errs.push(FieldError::new(
            "merchant_customer_id",
            "no_control_chars",
            "must not contain control characters",
        ));
    }
    if id.trim() != id {
        errs.push(FieldError::new(
            "merchant_customer_id",
            "no_surrounding_space",
            "must not start or end with white space",
        ));
    }

    if let Some(email) = &req.email {
        let max = lim.email_max.min(u.email_max);
        if longer_than(email, max) {
            errs.push(length_err("email", 1, max, connector, max < u.email_max));
        } else if !is_valid_email(email) {
            errs.push(FieldError::new(
                "email",
                "email",
                "must be a valid email address",
            ));
        }
    }

    if let Some(name) = &req.name {
        let max = lim.name_max.min(u.name_max);
        let n = name.trim().chars().count();
        if n == 0 || longer_than(name, max) {
            errs.push(length_err("name", 1, max, connector, max < u.name_max));
        }
        if name.chars().any(char::is_control) {
            errs.push(FieldError::new(
                "name",
                "no_control_chars",
                "must not contain control characters",
            ));
        }
        if let Some(part_max) = lim.name_part_max {
            let (first, last) = split_name(name);
            let long = |part: &str| longer_than(part, part_max);
            if long(first) || last.is_some_and(long) {
                errs.push(FieldError::new(
                    "name",
                    "name_part_length",
                    format!("{connector} keeps the name as a first name (all but the last word) and a last name (the last word), each at most {part_max} characters"),
                ));
            }
        }
    }

    if let Some(phone) = &req.phone {
        check_phone(phone, lim.phone_max, connector, &mut errs);
    }

    if let Some(d) = &req.description {
        let max = lim.description_max.min(u.description_max);
        if longer_than(d, max) {
            errs.push(length_err(
                "description",
                0,
                max,
                connector,
                max < u.description_max,
            ));
        }
    }

    check_metadata(req, connector, caps, &mut errs);
    check_address(req, connector, caps, &mut errs);

    for field in caps.required_fields {
        if !is_present(req, field) {
            errs.push(FieldError::new(
                *field,
                "required_by_connector",
                format!("is required by {connector}"),
            ));
        }
    }

    let mut unstored = Vec::new();
    for field in caps.unsupported_fields {
        if is_present(req, field) {
            match policy {
                UnsupportedFields::Reject => errs.push(FieldError::new(
                    *field,
                    "unsupported_by_connector",
                    format!(
                        "{connector} has no place to store this field; remove it or set UnsupportedFields::Ignore to send without it"
                    ),
                )),
                UnsupportedFields::Ignore => unstored.push((*field).to_owned()),
            }
        }
    }

    if errs.is_empty() {
        Ok(Validated {
            unstored_fields: unstored,
        })
    } else {
        Err(Error::invalid_fields(errs).with_connector(connector))
    }
}

fn length_err(
    field: &str,
    min: usize,
    max: usize,
    c: Connector,
    connector_limit: bool,
) -> FieldError {
    let by = if connector_limit {
        format!(" (limit of {c})")
    } else {
        String::new()
    };
    FieldError::new(
        field,
        "length",
        format!("must be {min} to {max} characters{by}"),
    )
}

fn check_phone(phone: &str, connector_max: usize, c: Connector, errs: &mut Vec<FieldError>) {
    if !phone
        .chars()
        .all(|ch| ch.is_ascii_digit() || matches!(ch, '+' | ' ' | '-' | '.' | '(' | ')'))
    {
        errs.push(FieldError::new(
            "phone",
            "phone",
            "may contain only +, digits, spaces, -, ., ( and )",
        ));
        return;
    }
    if phone
        .trim_start()
        .char_indices()
        .any(|(i, ch)| ch == '+' && i > 0)
    {
        errs.push(FieldError::new(
            "phone",
            "phone",
            "may contain + only at the start",
        ));
        return;
    }
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !(7..=15).contains(&digits) {
        errs.push(FieldError::new(
            "phone",
            "phone",
            "must have 7 to 15 digits",
        ));
    }
    if longer_than(phone, connector_max) {
        errs.push(length_err("phone", 1, connector_max, c, true));
    }
}

fn check_metadata(
    req: &CustomerCreateRequest,
    c: Connector,
    caps: &Capabilities,
    errs: &mut Vec<FieldError>,
) {
    if req.metadata.is_empty() {
        return;
    }
    let Some(u) = FieldLimits::UNIVERSAL.metadata else {
        return;
    };
    // A connector without metadata still gets the universal rules (its `unsupported_fields`
    // entry rejects the field as a whole): every broken rule is reported, not only the first.
    let lim = caps.limits.metadata.unwrap_or(u);
    let max_keys = lim.max_keys.min(u.max_keys);
    if req.metadata.len() > max_keys {
        let by = if max_keys < u.max_keys {
            format!(" (limit of {c})")
        } else {
            String::new()
        };
        errs.push(FieldError::new(
            "metadata",
            "max_keys",
            format!("may have at most {max_keys} keys{by}"),
        ));
    }
    for (k, v) in &req.metadata {
        let path = format!("metadata.{k}");
        let kmax = lim.key_max.min(u.key_max);
        if k.is_empty() || longer_than(k, kmax) {
            errs.push(FieldError::new(
                path.clone(),
                "key_length",
                format!("key must be 1 to {kmax} characters"),
            ));
        }
        if k.contains('[') || k.contains(']') || k.chars().any(char::is_control) {
            errs.push(FieldError::new(
                path.clone(),
                "key_chars",
                "key must not contain [, ] or control characters",
            ));
        }
        if k == "merchant_customer_id"
            && matches!(
                caps.reference_storage,
                prism_connector::ReferenceStorage::Metadata(_)
            )
        {
            errs.push(FieldError::new(
                path.clone(),
                "reserved_key",
                format!("key is reserved: {c} stores merchant_customer_id there"),
            ));
        }
        let vmax = lim.value_max.min(u.value_max);
        if longer_than(v, vmax) {
            errs.push(FieldError::new(
                path,
                "value_length",
                format!("value must be at most {vmax} characters"),
            ));
        }
    }
}

fn check_address(
    req: &CustomerCreateRequest,
    c: Connector,
    caps: &Capabilities,
    errs: &mut Vec<FieldError>,
) {
    let Some(a) = &req.address else { return };
    if a.is_empty() {
        errs.push(FieldError::new(
            "address",
            "not_empty",
            "must have at least one part when given",
        ));
        return;
    }
    let universal = FieldLimits::UNIVERSAL.address_part_max;
    let max = caps.limits.address_part_max.min(universal);
    let parts = caps.limits.address_parts;
    let part = |f: fn(&AddressPartLimits) -> usize| parts.as_ref().map_or(max, f).min(max);
    for (name, v, max) in [
        ("address.line1", &a.line1, max),
        ("address.line2", &a.line2, max),
        ("address.city", &a.city, part(|p| p.city_max)),
        ("address.state", &a.state, part(|p| p.state_max)),
        (
            "address.postal_code",
            &a.postal_code,
            part(|p| p.postal_code_max),
        ),
    ] {
        if let Some(v) = v {
            if v.trim().is_empty() || longer_than(v, max) {
                errs.push(length_err(name, 1, max, c, max < universal));
            }
        }
    }
    if let Some(country) = &a.country {
        if !is_country_alpha2(country) {
            errs.push(FieldError::new(
                "address.country",
                "iso3166_alpha2",
                "must be an ISO 3166-1 alpha-2 code in upper case (e.g. US)",
            ));
        }
    }
}

/// Whether the field at `path` is set in `req` (`email`, `metadata`, `address`, `address.line2`, …).
pub fn is_present(req: &CustomerCreateRequest, path: &str) -> bool {
    let addr = req.address.as_ref();
    match path {
        "merchant_customer_id" => !req.merchant_customer_id.is_empty(),
        "email" => req.email.is_some(),
        "name" => req.name.is_some(),
        "phone" => req.phone.is_some(),
        "description" => req.description.is_some(),
        "metadata" => !req.metadata.is_empty(),
        "address" => addr.is_some(),
        "address.line1" => addr.is_some_and(|a| a.line1.is_some()),
        "address.line2" => addr.is_some_and(|a| a.line2.is_some()),
        "address.city" => addr.is_some_and(|a| a.city.is_some()),
        "address.state" => addr.is_some_and(|a| a.state.is_some()),
        "address.postal_code" => addr.is_some_and(|a| a.postal_code.is_some()),
        "address.country" => addr.is_some_and(|a| a.country.is_some()),
        _ => false,
    }
}

/// `s.chars().count() > max`, without counting when the byte length already settles it (a
/// character is at least one byte): most values are far below their limits.
fn longer_than(s: &str, max: usize) -> bool {
    s.len() > max && s.chars().count() > max
}

#[cfg(test)]
mod tests;

/// `validator`'s email rule (HTML5 syntax, with IDN and address literals), answered without its
/// regex engine for the common case: a plain ASCII address that matches the rule's own patterns
/// (`^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+$` before the last `@`, dot-separated labels of 1–63
/// letters, digits and inner hyphens after it) is accepted here; anything else goes to
/// `validator`, so the answer is always `validator`'s. The regex path cost ~8 µs per call.
pub fn is_valid_email(email: &str) -> bool {
    fast_email_ok(email) || email.validate_email()
}

/// True only for addresses `validator` accepts (checked against it in the tests).
fn fast_email_ok(email: &str) -> bool {
    let Some((user, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let user_ok = !user.is_empty()
        && user.len() <= 64
        && user
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(&b));
    let label_ok = |l: &[u8]| {
        !l.is_empty()
            && l.len() <= 63
            && l[0].is_ascii_alphanumeric()
            && l[l.len() - 1].is_ascii_alphanumeric()
            && l.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
    };
    user_ok && domain.len() <= 255 && domain.as_bytes().split(|b| *b == b'.').all(label_ok)
}

#[cfg(test)]
mod email_fast_path_tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fast_path_agrees_with_validator() {
        let long_label = "a".repeat(63);
        let too_long_label = "a".repeat(64);
        let cases = [
            "email@here.com".to_owned(),
            "weirder-email@here.and.there.com".to_owned(),
            "!def!xyz%abc@example.com".to_owned(),
            "email@[127.0.0.1]".to_owned(),
            "example@valid-----hyphens.com".to_owned(),
            "test@domain.with.idn.tld.उदाहरण.परीक्षा".to_owned(),
            "\"test@test\"@example.com".to_owned(),
            format!("a@atm.{long_label}"),
            format!("a@atm.{too_long_label}"),
            String::new(),
            "abc".to_owned(),
            "abc@".to_owned(),
            "abc@bar".to_owned(),
            "a @x.cz".to_owned(),
            "abc@.com".to_owned(),
            "abc@com.".to_owned(),
            "something@@somewhere.com".to_owned(),
            "email@127.0.0.1".to_owned(),
            "example@invalid-.com".to_owned(),
            "example@-invalid.com".to_owned(),
            "example@inv-.alid-.com".to_owned(),
            "test@example.com\n".to_owned(),
            format!("{}@example.com", "u".repeat(64)),
            format!("{}@example.com", "u".repeat(65)),
            format!("u@{}.com", ["abc"; 70].join(".")),
            "john.doe@example.com".to_owned(),
        ];
        for c in &cases {
            if fast_email_ok(c) {
                assert!(
                    c.validate_email(),
                    "fast path accepted {c:?}, validator rejects it"
                );
            }
            assert_eq!(is_valid_email(c), c.validate_email(), "{c:?}");
        }
        assert!(fast_email_ok("john.doe@example.com"));
    }

    proptest! {
        #[test]
        fn fast_path_never_accepts_what_validator_rejects(s in "[a-zA-Z0-9.@!#%+_ \\[\\]-]{0,24}(@[a-z0-9.-]{0,12})?") {
            if fast_email_ok(&s) {
                prop_assert!(s.validate_email(), "{:?}", s);
            }
            prop_assert_eq!(is_valid_email(&s), s.validate_email());
        }
    }
}
