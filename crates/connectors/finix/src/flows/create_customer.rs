//! `POST /identities` for a buyer. The mapping is in docs.md ("Request mapping").

use prism_connector::normalize::{country_alpha3, phone_e164ish, split_name};
use prism_connector::parse::{created, parse_json};
use prism_connector::rules::reserved_reference_key;
use prism_connector::types::{Address, Connector, CustomerCreateRequest, Error, FieldError};
use prism_connector::{
    CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};

use crate::models::{CreateIdentityRequest, Entity, Identity, PersonalAddress, Tags};
use crate::{Finix, REFERENCE_KEY};

impl Flow<CreateCustomer> for Finix {
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let mut errs = Vec::new();
        let mut entity = Entity {
            email: req.email.as_deref(),
            ..Entity::default()
        };

        if let Some(name) = &req.name {
            // The parts' limits are declared (`name_part_max`) and checked before.
            let (first, last) = split_name(name);
            entity.first_name = Some(first);
            entity.last_name = last;
        }

        if let Some(phone) = &req.phone {
            match nanp_ten_digits(phone) {
                Some(p) => entity.phone = Some(p),
                None => errs.push(FieldError::new(
                    "phone",
                    "phone_nanp",
                    "Finix takes a 10-digit North American number (+1 and 10 digits, or 10 digits); other numbers are not supported",
                )),
            }
        }

        if let Some(a) = &req.address {
            entity.personal_address = personal_address(a, &mut errs);
        }

        errs.extend(reserved_reference_key(req, REFERENCE_KEY, "Finix"));

        if !errs.is_empty() {
            return Err(Error::invalid_fields(errs).with_connector(Connector::Finix));
        }

        let body = CreateIdentityRequest {
            entity,
            tags: Tags {
                reference: &req.merchant_customer_id,
                metadata: &req.metadata,
            },
        };
        Ok(self.with_headers(HttpRequest::post_json("/identities", &body)?))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        let identity: Identity = parse_json(resp)?;
        if !is_identity_id(&identity.id) {
            return Err(Error::unexpected_response(
                resp.status,
                &resp.body,
                "not an Identity (no `ID…` id)",
            ));
        }
        // Finix has no idempotency: an answer is never a replay.
        created(resp, identity.id)
    }
}

/// `ID` followed by base-62 characters (spec pattern `^(ID)[a-zA-Z0-9]{16,32}$`; the length is
/// not checked so that a longer id never breaks a create that succeeded).
fn is_identity_id(id: &str) -> bool {
    id.strip_prefix("ID")
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A NANP number as the 10 bare digits of Finix's examples: `+1 555 123 4567`, `1-555-123-4567`
/// and `555.123.4567` all give `5551234567`; anything else gives `None`.
pub(crate) fn nanp_ten_digits(phone: &str) -> Option<String> {
    let e = phone_e164ish(phone);
    let digits = match e.strip_prefix('+') {
        Some(rest) => rest.strip_prefix('1')?,
        None if e.len() == 11 => e.strip_prefix('1')?,
        None => e.as_str(),
    };
    (digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.to_owned())
}

/// All of line1, city, state (2 letters), postal code and country, or an error per missing or
/// ill-fitting part: whether Finix takes a partial address is not documented (docs.md). The
/// parts' lengths are declared (`address_parts`) and checked before.
fn personal_address<'a>(a: &'a Address, errs: &mut Vec<FieldError>) -> Option<PersonalAddress<'a>> {
    let before = errs.len();
    let mut bad = |path: &str, rule: &str, message: String| {
        errs.push(FieldError::new(path, rule, message));
    };
    let parts = [
        ("line1", &a.line1),
        ("city", &a.city),
        ("state", &a.state),
        ("postal_code", &a.postal_code),
        ("country", &a.country),
    ];
    let [line1, city, region, postal_code, country] = parts.map(|(part, value)| {
        value.as_deref().unwrap_or_else(|| {
            let why = "is required by Finix when an address is given (line1, city, state, postal_code and country)";
            bad(&format!("address.{part}"), "required_by_connector", why.into());
            ""
        })
    });
    let two_letters = region.len() == 2 && region.bytes().all(|b| b.is_ascii_alphabetic());
    if !region.is_empty() && !two_letters {
        let why = "Finix takes a 2-letter state or region code (e.g. IL)";
        bad("address.state", "state_code", why.into());
    }
    let alpha3 = country_alpha3(country);
    if !country.is_empty() && alpha3.is_none() {
        let why = "must be an ISO 3166-1 alpha-2 code in upper case (e.g. US)";
        bad("address.country", "iso3166_alpha2", why.into());
    }
    if errs.len() != before {
        return None;
    }
    Some(PersonalAddress {
        line1,
        line2: a.line2.as_deref(),
        city,
        region,
        postal_code,
        country: alpha3?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FinixConfig;
    use prism_connector::types::{Environment, ErrorKind};
    use prism_testkit::requests::example_address;

    /// The connector as its create flow (it has a lookup flow too).
    fn finix() -> Box<dyn Flow<CreateCustomer>> {
        Box::new(Finix::new(FinixConfig::new("USu", "pw")))
    }

    fn ctx() -> FlowContext<'static> {
        FlowContext::first(Environment::Sandbox)
    }

    /// docs.md's example request; the wire request itself: the conformance snapshots.
    #[test]
    fn docs_example_request_exactly() {
        let docs = include_str!("../../docs.md");
        let example = prism_testkit::docs::json_example(docs, "POST https://finix.sandbox");
        let req = prism_testkit::requests::request_with_address("cust_user_12345");
        let r = finix().build_request(&req, &ctx()).expect("built");
        assert_eq!(std::str::from_utf8(r.body.bytes()), Ok(example.as_str()));
    }

    /// The field errors of `req` (none: it builds). The mapping itself: the conformance
    /// snapshots; the generic rules: the conformance `bad_input`.
    fn refused(req: &CustomerCreateRequest) -> Vec<String> {
        match finix().build_request(req, &ctx()) {
            Ok(r) => {
                let auth = r.headers.iter().find(|h| h.name == "Authorization");
                assert!(auth.is_some_and(|h| h.sensitive));
                assert!(r.header_value("Idempotency-Key").is_none());
                vec![]
            }
            Err(e) => {
                assert!(!e.to_string().contains("Bartholomew"), "no personal data");
                e.field_errors().iter().map(|f| f.field.clone()).collect()
            }
        }
    }

    #[test]
    fn finix_rules_are_checked_before_sending() {
        let r = || CustomerCreateRequest::new("r");
        let (a20, b20) = ("a".repeat(20), "b".repeat(20));
        let (ex, reserved) = (example_address, "metadata.merchant_customer_id");
        for (req, field) in [
            (r().name(format!("{a20} {b20}")), None),
            (r().phone("+44 20 7946 0958"), Some("phone")),
            (r().metadata(REFERENCE_KEY, "x"), Some(reserved)),
        ] {
            assert_eq!(refused(&req), Vec::from_iter(field), "{req:?}");
        }
        for (address, part) in [
            (ex().with_country("DE").with_state("BE"), None),
            (ex().with_state("Illinois"), Some("state")),
            (ex().with_state("I1"), Some("state")),
            (ex().with_country("XX"), Some("country")),
        ] {
            let want = Vec::from_iter(part.map(|p| format!("address.{p}")));
            assert_eq!(refused(&r().address(address)), want);
        }
        let partial = r().address(Address::new().with_country("US"));
        let want = ["line1", "city", "state", "postal_code"].map(|p| format!("address.{p}"));
        assert_eq!(refused(&partial), want);
    }

    #[test]
    fn phones_are_ten_nanp_digits() {
        for (given, sent) in [
            ("+1-555-123-4567", Some("5551234567")),
            ("+1 (714) 567-7613", Some("7145677613")),
            ("1 714 567 7613", Some("7145677613")),
            ("714.567.7613", Some("7145677613")),
            ("+44 20 7946 0958", None),
            ("+15551234", None),
            ("555123456", None),
            ("25551234567", None),
            ("+1 555 123 45678", None),
            ("+", None),
        ] {
            assert_eq!(nanp_ten_digits(given).as_deref(), sent, "{given}");
        }
    }

    /// JSON answers without an Identity id (other odd bodies: the conformance
    /// `malformed_success`).
    #[test]
    fn an_answer_without_an_identity_id_is_unexpected() {
        for body in [
            "{}",
            r#"{"id":7}"#,
            r#"{"id":""}"#,
            r#"{"id":"ID"}"#,
            r#"{"id":"cus_123"}"#,
            r#"{"id":"ID12-34"}"#,
        ] {
            let r = HttpResponse::new(201, vec![], body.as_bytes().to_vec());
            let e = finix().parse_response(&r, &ctx()).expect_err(body);
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
        }
    }
}
