//! `POST /identities` for a buyer. The mapping is in docs.md ("Request mapping").

use prism_connector::normalize::{country_alpha3, phone_e164ish, split_name};
use prism_connector::parse::parse_json;
use prism_connector::types::{Address, Connector, CustomerCreateRequest, Error, FieldError};
use prism_connector::{
    Body, CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};
use secrecy::ExposeSecret;

use crate::models::{CreateIdentityRequest, Entity, Identity, PersonalAddress, Tags};
use crate::{Finix, API_VERSION, CITY_MAX, NAME_PART_MAX, POSTAL_CODE_MAX, REFERENCE_KEY};

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
            let (first, last) = split_name(name);
            let too_long = |s: &str| s.chars().count() > NAME_PART_MAX;
            if too_long(first) || last.is_some_and(too_long) {
                errs.push(FieldError::new(
                    "name",
                    "name_part_length",
                    format!(
                        "Finix stores the name as first_name (all but the last word) and last_name (the last word), each at most {NAME_PART_MAX} characters"
                    ),
                ));
            }
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

        if req.metadata.contains_key(REFERENCE_KEY) {
            errs.push(FieldError::new(
                format!("metadata.{REFERENCE_KEY}"),
                "reserved_key",
                "key is reserved: Finix stores merchant_customer_id there",
            ));
        }

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
        let body = Body::json(&body).map_err(|e| {
            Error::configuration(format!("finix: could not encode the request ({e})"))
        })?;
        Ok(HttpRequest::post("/identities", body)
            .sensitive_header("Authorization", self.basic_auth.expose_secret())
            .header("Finix-Version", API_VERSION)
            .header("Accept", "application/hal+json"))
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
        Ok(CreatedCustomer {
            connector_customer_id: identity.id,
            replayed: false,
        })
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
/// ill-fitting part: whether Finix takes a partial address is not documented (docs.md).
fn personal_address<'a>(a: &'a Address, errs: &mut Vec<FieldError>) -> Option<PersonalAddress<'a>> {
    let before = errs.len();
    let mut need = |path: &str, v: &'a Option<String>| -> &'a str {
        match v.as_deref() {
            Some(s) => s,
            None => {
                errs.push(FieldError::new(
                    path,
                    "required_by_connector",
                    "is required by Finix when an address is given (line1, city, state, postal_code and country)",
                ));
                ""
            }
        }
    };
    let line1 = need("address.line1", &a.line1);
    let city = need("address.city", &a.city);
    let region = need("address.state", &a.state);
    let postal_code = need("address.postal_code", &a.postal_code);
    let country = need("address.country", &a.country);

    if city.chars().count() > CITY_MAX {
        errs.push(FieldError::new(
            "address.city",
            "length",
            format!("must be 1 to {CITY_MAX} characters (limit of finix)"),
        ));
    }
    let two_letters = region.len() == 2 && region.bytes().all(|b| b.is_ascii_alphabetic());
    if !region.is_empty() && !two_letters {
        errs.push(FieldError::new(
            "address.state",
            "state_code",
            "Finix takes a 2-letter state or region code (e.g. IL)",
        ));
    }
    if postal_code.chars().count() > POSTAL_CODE_MAX {
        errs.push(FieldError::new(
            "address.postal_code",
            "length",
            format!("must be 1 to {POSTAL_CODE_MAX} characters (limit of finix)"),
        ));
    }
    let alpha3 = if country.is_empty() {
        None
    } else {
        country_alpha3(country)
    };
    if !country.is_empty() && alpha3.is_none() {
        errs.push(FieldError::new(
            "address.country",
            "iso3166_alpha2",
            "must be an ISO 3166-1 alpha-2 code in upper case (e.g. US)",
        ));
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
    use serde_json::{json, Value};

    /// The connector as its create flow (it has a lookup flow too).
    fn finix() -> Box<dyn Flow<CreateCustomer>> {
        Box::new(Finix::new(FinixConfig::new(
            "USprismSandbox",
            "prism-sandbox-password",
        )))
    }

    fn ctx() -> FlowContext<'static> {
        FlowContext::first(Environment::Sandbox)
    }

    fn example() -> CustomerCreateRequest {
        CustomerCreateRequest::new("cust_user_12345")
            .email("john.doe@example.com")
            .name("John Doe")
            .phone("+1-555-123-4567")
            .metadata("plan", "premium")
            .address(
                Address::new()
                    .with_line1("1 Main St")
                    .with_city("Springfield")
                    .with_state("IL")
                    .with_postal_code("62701")
                    .with_country("US"),
            )
    }

    fn body(r: &HttpRequest) -> Value {
        serde_json::from_slice(r.body.bytes()).expect("json body")
    }

    #[test]
    fn docs_example_request_exactly() {
        let r = finix().build_request(&example(), &ctx()).expect("built");
        assert_eq!(r.method.as_str(), "POST");
        assert_eq!(r.path, "/identities");
        assert_eq!(r.body.content_type(), Some("application/json"));
        assert_eq!(r.header_value("Finix-Version"), Some("2022-02-01"));
        assert_eq!(r.header_value("Accept"), Some("application/hal+json"));
        assert_eq!(
            r.header_value("Authorization"),
            Some("Basic VVNwcmlzbVNhbmRib3g6cHJpc20tc2FuZGJveC1wYXNzd29yZA==")
        );
        assert!(r
            .headers
            .iter()
            .find(|h| h.name == "Authorization")
            .is_some_and(|h| h.sensitive));
        assert!(r.header_value("Idempotency-Key").is_none());
        // Byte for byte the docs.md example (field order included).
        let expected = r#"{"entity":{"first_name":"John","last_name":"Doe","email":"john.doe@example.com","phone":"5551234567","personal_address":{"line1":"1 Main St","city":"Springfield","region":"IL","postal_code":"62701","country":"USA"}},"tags":{"merchant_customer_id":"cust_user_12345","plan":"premium"}}"#;
        assert_eq!(std::str::from_utf8(r.body.bytes()).expect("utf8"), expected);
        let shown = format!("{:?}", r.redacted());
        assert!(!shown.contains("VVNw"), "{shown}");
    }

    #[test]
    fn spec_buyer_example() {
        // spec requestBodies.CreateIdentityRequest.examples["Create an Identity for a Buyer"]
        let req = CustomerCreateRequest::new("ref-1")
            .email("therock@gmail.com")
            .name("Collen Wade")
            .phone("7145677613")
            .metadata("key", "value")
            .address(
                Address::new()
                    .with_line1("741 Douglass St")
                    .with_line2("Apartment 7")
                    .with_city("San Mateo")
                    .with_state("CA")
                    .with_postal_code("94114")
                    .with_country("US"),
            );
        let r = finix().build_request(&req, &ctx()).expect("built");
        assert_eq!(
            body(&r),
            json!({"tags":{"merchant_customer_id":"ref-1","key":"value"},"entity":{"phone":"7145677613","first_name":"Collen","last_name":"Wade","email":"therock@gmail.com","personal_address":{"city":"San Mateo","country":"USA","region":"CA","line2":"Apartment 7","line1":"741 Douglass St","postal_code":"94114"}}})
        );
    }

    #[test]
    fn minimal_request_and_description_never_sent() {
        let req = CustomerCreateRequest::new("r").description("Premium plan subscriber");
        let r = finix().build_request(&req, &ctx()).expect("built");
        assert_eq!(
            body(&r),
            json!({"entity":{},"tags":{"merchant_customer_id":"r"}})
        );
    }

    #[test]
    fn names_split_and_limits() {
        let b = |n: &str| finix().build_request(&CustomerCreateRequest::new("r").name(n), &ctx());
        let v = body(&b("Mary Ann Smith").expect("ok"));
        assert_eq!(v["entity"]["first_name"], "Mary Ann");
        assert_eq!(v["entity"]["last_name"], "Smith");
        let v = body(&b("Cher").expect("ok"));
        assert_eq!(v["entity"], json!({"first_name":"Cher"}));
        assert!(b(&format!("{} {}", "a".repeat(20), "b".repeat(20))).is_ok());
        for bad in [
            "Bartholomew-Maximilian Jones".to_owned(),
            format!("John {}", "x".repeat(21)),
            "y".repeat(21),
        ] {
            let e = b(&bad).expect_err("too long");
            assert_eq!(e.kind(), ErrorKind::InvalidRequest);
            assert_eq!(e.field_errors()[0].field, "name");
            assert!(
                !e.to_string().contains("Bartholomew"),
                "no personal data in errors"
            );
        }
    }

    #[test]
    fn phones() {
        for (given, sent) in [
            ("+1-555-123-4567", "5551234567"),
            ("+1 (714) 567-7613", "7145677613"),
            ("1 714 567 7613", "7145677613"),
            ("714.567.7613", "7145677613"),
            ("7145677613", "7145677613"),
        ] {
            assert_eq!(nanp_ten_digits(given).as_deref(), Some(sent), "{given}");
        }
        for bad in [
            "+44 20 7946 0958",
            "+15551234",
            "555123456",
            "25551234567",
            "+1 555 123 45678",
            "+",
        ] {
            assert_eq!(nanp_ten_digits(bad), None, "{bad}");
        }
        let e = finix()
            .build_request(
                &CustomerCreateRequest::new("r").phone("+44 20 7946 0958"),
                &ctx(),
            )
            .expect_err("non-NANP");
        assert_eq!(
            (e.kind(), e.field_errors()[0].field.as_str()),
            (ErrorKind::InvalidRequest, "phone")
        );
    }

    #[test]
    fn address_rules() {
        let full = || {
            Address::new()
                .with_line1("1 Main St")
                .with_city("Springfield")
                .with_state("IL")
                .with_postal_code("62701")
                .with_country("US")
        };
        let fields = |a: Address| -> Vec<String> {
            match finix().build_request(&CustomerCreateRequest::new("r").address(a), &ctx()) {
                Ok(_) => vec![],
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
                    e.field_errors().iter().map(|f| f.field.clone()).collect()
                }
            }
        };
        assert!(fields(full()).is_empty());
        assert!(fields(full().with_country("DE").with_state("BE")).is_empty());
        assert_eq!(
            fields(Address::new().with_country("US")),
            [
                "address.line1",
                "address.city",
                "address.state",
                "address.postal_code"
            ]
        );
        assert_eq!(fields(full().with_city("x".repeat(21))), ["address.city"]);
        assert_eq!(
            fields(full().with_postal_code("12345678")),
            ["address.postal_code"]
        );
        assert_eq!(fields(full().with_state("Illinois")), ["address.state"]);
        assert_eq!(fields(full().with_state("I1")), ["address.state"]);
        assert_eq!(fields(full().with_country("XX")), ["address.country"]);
        let r = finix()
            .build_request(
                &CustomerCreateRequest::new("r").address(full().with_country("GB")),
                &ctx(),
            )
            .expect("ok");
        assert_eq!(body(&r)["entity"]["personal_address"]["country"], "GBR");
    }

    #[test]
    fn reserved_tag_rejected() {
        let e = finix()
            .build_request(
                &CustomerCreateRequest::new("r").metadata("merchant_customer_id", "x"),
                &ctx(),
            )
            .expect_err("reserved");
        assert_eq!(e.field_errors()[0].field, "metadata.merchant_customer_id");
    }

    #[test]
    fn unexpected_success_bodies() {
        for body in [
            &b""[..],
            b"<html>ok</html>",
            b"null",
            b"{}",
            b"{\"id\":7}",
            b"{\"id\":\"\"}",
            b"{\"id\":\"ID\"}",
            b"{\"id\":\"cus_123\"}",
            b"{\"id\":\"ID12-34\"}",
            b"{\"id\":\"IDgW",
            b"\xEF\xBB\xBF",
        ] {
            let r = HttpResponse::new(201, vec![], body.to_vec());
            let e = finix().parse_response(&r, &ctx()).expect_err("unexpected");
            assert_eq!(
                e.kind(),
                ErrorKind::UnexpectedResponse,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        let bom = HttpResponse::new(201, vec![], b"\xEF\xBB\xBF{\"id\":\"IDabc123\"}".to_vec());
        assert_eq!(
            finix()
                .parse_response(&bom, &ctx())
                .expect("ok")
                .connector_customer_id,
            "IDabc123"
        );
    }
}
