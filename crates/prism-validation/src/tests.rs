//! Tests of every validation rule.

use super::*;
use prism_connector::{
    AddressPartLimits, DuplicateDetection, Idempotency, Lookup, MetadataLimits, RateLimit,
    ReferenceStorage,
};
use prism_types::{Address, ErrorKind};

static OPEN: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::Metadata("metadata[merchant_customer_id]"),
    duplicate_detection: DuplicateDetection::None("test"),
    idempotency: Idempotency::None,
    limits: FieldLimits::UNIVERSAL,
    unsupported_fields: &[],
    required_fields: &[],
    request_id_header: None,
    lookup: Lookup::None,
    rate_limit: RateLimit::UNDOCUMENTED,
    notes: "",
};

static NARROW: Capabilities = Capabilities {
    create_customer: true,
    unsupported_reason: None,
    reference_storage: ReferenceStorage::Native("merchantCustomerId"),
    duplicate_detection: DuplicateDetection::None("test"),
    idempotency: Idempotency::None,
    limits: FieldLimits {
        merchant_customer_id_max: 20,
        email_max: 255,
        name_max: 50,
        phone_max: 25,
        description_max: 255,
        metadata: Some(MetadataLimits {
            max_keys: 3,
            key_max: 10,
            value_max: 50,
            reserved_keys: 0,
        }),
        address_part_max: 60,
        name_part_max: Some(20),
        address_parts: Some(AddressPartLimits {
            city_max: 40,
            state_max: 40,
            postal_code_max: 10,
        }),
    },
    unsupported_fields: &["phone", "address.line2"],
    required_fields: &["email"],
    request_id_header: None,
    lookup: Lookup::None,
    rate_limit: RateLimit::UNDOCUMENTED,
    notes: "",
};

fn fields(e: &Error) -> Vec<(String, String)> {
    e.field_errors()
        .iter()
        .map(|f| (f.field.clone(), f.rule.clone()))
        .collect()
}

fn check(req: &CustomerCreateRequest, caps: &Capabilities) -> Result<Validated, Error> {
    validate(req, Connector::Stripe, caps, UnsupportedFields::Reject)
}

#[test]
fn product_page_request_passes() {
    let req = CustomerCreateRequest::new("cust_user_12345")
        .email("john.doe@example.com")
        .name("John Doe")
        .phone("+1-555-123-4567")
        .description("Premium plan subscriber");
    assert_eq!(check(&req, &OPEN).expect("valid"), Validated::default());
}

#[test]
fn every_failing_field_is_reported_once_with_its_rule() {
    let mut req = CustomerCreateRequest::new("")
        .email("not-an-email")
        .name("   ")
        .phone("+1 555 CALL NOW")
        .description("x".repeat(5001));
    for i in 0..21 {
        req = req.metadata(format!("k{i}"), "v");
    }
    req = req
        .metadata("bad[key]", "v")
        .address(Address::new().with_country("usa"));
    let e = check(&req, &OPEN).expect_err("invalid");
    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    assert_eq!(e.status_code(), Some(422));
    let f = fields(&e);
    for want in [
        ("merchant_customer_id", "required"),
        ("email", "email"),
        ("name", "length"),
        ("phone", "phone"),
        ("description", "length"),
        ("metadata", "max_keys"),
        ("metadata.bad[key]", "key_chars"),
        ("address.country", "iso3166_alpha2"),
    ] {
        assert!(
            f.contains(&(want.0.to_owned(), want.1.to_owned())),
            "missing {want:?} in {f:?}"
        );
    }
    assert_eq!(f.len(), 8, "{f:?}");
    assert!(!e.to_string().contains("not-an-email"), "value leaked: {e}");
}

#[test]
fn universal_edges() {
    let ok = |r: CustomerCreateRequest| check(&r, &OPEN).is_ok();
    assert!(ok(CustomerCreateRequest::new("x".repeat(255))));
    assert!(!ok(CustomerCreateRequest::new("x".repeat(256))));
    assert!(!ok(CustomerCreateRequest::new("a\u{0}b")));
    assert!(!ok(CustomerCreateRequest::new(" padded")));
    assert!(ok(CustomerCreateRequest::new("c").phone("5551234")));
    assert!(!ok(CustomerCreateRequest::new("c").phone("555123")));
    assert!(ok(CustomerCreateRequest::new("c").phone("+123456789012345")));
    assert!(!ok(
        CustomerCreateRequest::new("c").phone("+1234567890123456")
    ));
    assert!(!ok(CustomerCreateRequest::new("c").phone("1+5551234567")));
    assert!(ok(CustomerCreateRequest::new("c").name("x".repeat(256))));
    assert!(!ok(CustomerCreateRequest::new("c").name("x".repeat(257))));
    let local = "a".repeat(64);
    assert!(ok(
        CustomerCreateRequest::new("c").email(format!("{local}@example.com"))
    ));
    assert!(!ok(CustomerCreateRequest::new("c").email("a@b@example.com")));
    assert!(ok(
        CustomerCreateRequest::new("c").metadata("k".repeat(40), "v".repeat(500))
    ));
    assert!(!ok(
        CustomerCreateRequest::new("c").metadata("k".repeat(41), "v")
    ));
    assert!(!ok(
        CustomerCreateRequest::new("c").metadata("k", "v".repeat(501))
    ));
    assert!(!ok(CustomerCreateRequest::new("c").metadata("", "v")));
    assert!(!ok(
        CustomerCreateRequest::new("c").metadata("merchant_customer_id", "v")
    ));
    assert!(!ok(CustomerCreateRequest::new("c").address(Address::new())));
    assert!(ok(
        CustomerCreateRequest::new("c").address(Address::new().with_country("GB"))
    ));
}

#[test]
fn connector_limits_apply_on_top_and_name_the_connector() {
    let req = CustomerCreateRequest::new("x".repeat(21)).email("a@example.com");
    let e = check(&req, &NARROW).expect_err("too long for connector");
    assert_eq!(
        fields(&e),
        vec![("merchant_customer_id".into(), "length".into())]
    );
    assert!(e.to_string().contains("limit of stripe"), "{e}");

    let req = CustomerCreateRequest::new("c")
        .metadata("a", "1")
        .metadata("b", "2")
        .metadata("c", "3")
        .metadata("d", "4");
    let f = fields(&check(&req, &NARROW).expect_err("4 keys"));
    assert!(f.contains(&("metadata".into(), "max_keys".into())));
    assert!(f.contains(&("email".into(), "required_by_connector".into())));
}

/// Name parts (after the split) and single address parts have limits of their own.
#[test]
fn name_part_and_address_part_limits() {
    let r = || CustomerCreateRequest::new("c").email("a@example.com");
    let a = Address::new;
    let long = |n| "a".repeat(n);
    let at_limits = a().with_city(long(40)).with_state(long(40));
    let at_limits = at_limits.with_postal_code(long(10)).with_line1(long(60));
    let req = r()
        .name(format!("{} {}", long(20), long(20)))
        .address(at_limits);
    assert!(check(&req, &NARROW).is_ok());
    for (req, field, rule) in [
        (r().name(long(21)), "name", "name_part_length"),
        (
            r().name(format!("Jo {}", long(21))),
            "name",
            "name_part_length",
        ),
        (
            r().address(a().with_city(long(41))),
            "address.city",
            "length",
        ),
        (
            r().address(a().with_state(long(41))),
            "address.state",
            "length",
        ),
        (
            r().address(a().with_postal_code(long(11))),
            "address.postal_code",
            "length",
        ),
    ] {
        let e = check(&req, &NARROW).expect_err(field);
        assert_eq!(fields(&e), vec![(field.into(), rule.into())]);
        assert!(
            e.to_string().contains("stripe") && !e.to_string().contains("aaaa"),
            "{e}"
        );
    }
}

#[test]
fn unsupported_fields_reject_by_default_and_are_listed_when_ignored() {
    let req = CustomerCreateRequest::new("c")
        .email("a@example.com")
        .phone("+1 555 123 4567")
        .address(Address::new().with_line1("1 Main St").with_line2("Apt 2"));
    let e = check(&req, &NARROW).expect_err("phone unsupported");
    assert_eq!(
        fields(&e),
        vec![
            ("phone".into(), "unsupported_by_connector".into()),
            ("address.line2".into(), "unsupported_by_connector".into())
        ]
    );
    let ok =
        validate(&req, Connector::Stripe, &NARROW, UnsupportedFields::Ignore).expect("ignored");
    assert_eq!(
        ok.unstored_fields,
        vec!["phone".to_owned(), "address.line2".to_owned()]
    );
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics_and_never_echoes_values(
            id in ".{0,300}", email in ".{0,80}", name in ".{0,80}", phone in ".{0,30}",
            k in ".{0,50}", v in ".{0,50}"
        ) {
            let req = CustomerCreateRequest::new(id).email(email.clone()).name(name).phone(phone).metadata(k, v);
            if let Err(e) = check(&req, &NARROW) {
                prop_assert_eq!(e.kind(), ErrorKind::InvalidRequest);
                prop_assert!(!e.field_errors().is_empty());
                if email.chars().count() >= 6 {
                    prop_assert!(!e.message().contains(&email));
                }
            }
        }
    }
}
