//! `POST /customer`: the request from docs.md's "Request mapping", the answer's `id`.

use prism_connector::normalize::{country_alpha3, first_last};
use prism_connector::parse::created;
use prism_connector::parse::parse_json;
use prism_connector::types::{Connector, CustomerCreateRequest, Error, FieldError};
use prism_connector::{
    CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};

use crate::models::{Customer, CustomerBody};
use crate::Stax;

/// Stax's phone rule: `/[0-9]{10,15}/` (docs.md); Prism sends digits only.
const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 10..=15;
/// `address_zip` maximum.
const ZIP_MAX: usize = 16;

impl Flow<CreateCustomer> for Stax {
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let body = to_wire(req)?;
        Ok(self.authorized(HttpRequest::post_json("/customer", &body)?))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        let customer: Customer = parse_json(resp)?;
        // Stax has no idempotency mechanism, so nothing is ever a replay.
        created(resp, customer.id)
    }
}

/// Maps the Prism request to Stax's flat fields, enforcing the Stax rules validation cannot
/// express (one of name/email, 10-15 phone digits, 2-letter state, zip ≤ 16, alpha-3 country).
/// Every failing rule is reported at once; nothing is sent.
pub(crate) fn to_wire(req: &CustomerCreateRequest) -> Result<CustomerBody<'_>, Error> {
    let mut errs = Vec::new();
    let name = req.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if name.is_none() && req.email.is_none() {
        let msg = "Stax needs at least one of name or email (it requires one of firstname, lastname, email, company)";
        errs.push(FieldError::new("name", "required_one_of", msg));
        errs.push(FieldError::new("email", "required_one_of", msg));
    }
    let (firstname, lastname) = first_last(name);

    let phone = req
        .phone
        .as_deref()
        .map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>());
    if let Some(p) = &phone {
        if !PHONE_DIGITS.contains(&p.len()) {
            errs.push(FieldError::new(
                "phone",
                "phone",
                "Stax needs 10 to 15 digits (it stores digits only)",
            ));
        }
    }

    let mut body = CustomerBody {
        firstname,
        lastname,
        email: req.email.as_deref(),
        phone,
        notes: req.description.as_deref(),
        reference: &req.merchant_customer_id,
        ..CustomerBody::default()
    };

    if let Some(a) = &req.address {
        body.address_1 = a.line1.as_deref();
        body.address_2 = a.line2.as_deref();
        body.address_city = a.city.as_deref();
        if let Some(state) = a.state.as_deref() {
            if state.len() == 2 && state.bytes().all(|b| b.is_ascii_alphabetic()) {
                body.address_state = Some(state);
            } else {
                errs.push(FieldError::new(
                    "address.state",
                    "state_code",
                    "Stax needs a two-letter state abbreviation (e.g. IL)",
                ));
            }
        }
        if let Some(zip) = a.postal_code.as_deref() {
            if zip.chars().count() <= ZIP_MAX {
                body.address_zip = Some(zip);
            } else {
                errs.push(FieldError::new(
                    "address.postal_code",
                    "length",
                    format!("must be 1 to {ZIP_MAX} characters (limit of stax)"),
                ));
            }
        }
        if let Some(country) = a.country.as_deref() {
            match country_alpha3(country) {
                Some(a3) => body.address_country = Some(a3),
                None => errs.push(FieldError::new(
                    "address.country",
                    "iso3166_alpha2",
                    "must be an ISO 3166-1 alpha-2 code in upper case (e.g. US)",
                )),
            }
        }
    }

    if errs.is_empty() {
        Ok(body)
    } else {
        Err(Error::invalid_fields(errs).with_connector(Connector::Stax))
    }
}

#[cfg(test)]
mod tests {
    //! Stax's own rules before sending. The wire request is the conformance snapshots'
    //! (`create_customer_{minimal,full}@stax`), the created answer `created.json`'s `expect`, odd
    //! answers the conformance case `malformed_success`.
    use super::*;
    use crate::StaxConfig;
    use prism_connector::types::{Address, Environment};
    use prism_testkit::leaks::assert_request_hides;
    use prism_testkit::requests::field_paths;
    use serde_json::{json, Value};

    const KEY: &str = "stax_sandbox_prism_key";

    /// The body built for `req` (its headers hide the key), or the field paths refused.
    fn wire(req: &CustomerCreateRequest) -> Result<Value, Vec<String>> {
        let stax = Stax::new(StaxConfig::new(KEY));
        let ctx = FlowContext::first(Environment::Sandbox);
        match Flow::<CreateCustomer>::build_request(&stax, req, &ctx) {
            Ok(http) => {
                assert_request_hides(&http, [KEY]);
                Ok(serde_json::from_slice(http.body.bytes()).expect("json body"))
            }
            Err(e) => {
                assert_eq!(e.connector(), Some(Connector::Stax));
                Err(field_paths(&e).into_iter().map(str::to_owned).collect())
            }
        }
    }

    fn with_email() -> CustomerCreateRequest {
        CustomerCreateRequest::new("r").email("a@example.com")
    }

    #[test]
    fn name_or_email_is_required() {
        let req = || CustomerCreateRequest::new("r");
        let neither = Err(vec!["name".to_owned(), "email".to_owned()]);
        assert_eq!(wire(&req().phone("5551234567")), neither);
        assert_eq!(wire(&req().name("  ")), neither);
        let body = json!({"firstname": "Cher", "reference": "r"});
        assert_eq!(wire(&req().name("Cher")), Ok(body));
        assert!(wire(&with_email()).is_ok());
    }

    #[test]
    fn phone_needs_ten_to_fifteen_digits() {
        for (phone, sent) in [
            ("(555) 123.4567", Some("5551234567")),
            ("+44 20 7946 0958", Some("442079460958")),
            ("123 4567 890", Some("1234567890")),
            ("123456789012345", Some("123456789012345")),
            ("555-1234", None),
            ("1234 5678 9012 3456", None),
        ] {
            let got = wire(&with_email().phone(phone)).map(|b| b["phone"].clone());
            let want = sent
                .map(|p| json!(p))
                .ok_or_else(|| vec!["phone".to_owned()]);
            assert_eq!(got, want, "{phone}");
        }
    }

    #[test]
    fn address_rules_are_enforced_before_sending() {
        let address = |a: Address| with_email().address(a);
        let bad = Address::new()
            .with_state("Illinois")
            .with_postal_code("12345678901234567")
            .with_country("XX");
        let refused = ["address.state", "address.postal_code", "address.country"];
        assert_eq!(
            wire(&address(bad)),
            Err(refused.map(str::to_owned).to_vec())
        );
        for state in ["I", "I1", "ÎL", "ILL"] {
            let bad = Address::new().with_state(state);
            assert!(wire(&address(bad)).is_err(), "{state}");
        }
        let ok = Address::new().with_line2("Unit 12").with_country("GB");
        let body = json!({"email": "a@example.com", "reference": "r", "address_2": "Unit 12",
            "address_country": "GBR"});
        assert_eq!(wire(&address(ok)), Ok(body));
    }
}
