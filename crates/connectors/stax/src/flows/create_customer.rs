//! `POST /customer`: the request from docs.md's "Request mapping", the answer's `id`.

use prism_connector::normalize::{country_alpha3, split_name};
use prism_connector::parse::created;
use prism_connector::parse::parse_json;
use prism_connector::types::{Connector, CustomerCreateRequest, Error, FieldError};
use prism_connector::{
    Body, CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};
use secrecy::ExposeSecret;

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
        let body = Body::json(&body).map_err(|e| {
            Error::configuration(format!("stax: could not encode the request: {e}"))
        })?;
        Ok(HttpRequest::post("/customer", body)
            .sensitive_header(
                "Authorization",
                format!("Bearer {}", self.config.api_key.expose_secret()),
            )
            .header("Accept", "application/json"))
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
    let (firstname, lastname) = match name {
        Some(n) => {
            let (first, last) = split_name(n);
            (Some(first), last)
        }
        None => (None, None),
    };

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
    use super::*;
    use crate::StaxConfig;
    use prism_connector::types::{Address, Environment, ErrorKind};
    use serde_json::{json, Value};

    /// The connector as its create flow (it has a lookup flow too).
    fn stax() -> Box<dyn Flow<CreateCustomer>> {
        Box::new(Stax::new(StaxConfig::new("stax_sandbox_prism_key")))
    }

    fn ctx() -> FlowContext<'static> {
        FlowContext::first(Environment::Sandbox)
    }

    /// docs.md's example request, without the metadata Stax cannot store.
    fn example() -> CustomerCreateRequest {
        CustomerCreateRequest::new("cust_user_12345")
            .email("john.doe@example.com")
            .name("John Doe")
            .phone("+1-555-123-4567")
            .description("Premium plan subscriber")
            .address(Address {
                line1: Some("1 Main St".into()),
                city: Some("Springfield".into()),
                state: Some("IL".into()),
                postal_code: Some("62701".into()),
                country: Some("US".into()),
                ..Address::default()
            })
    }

    fn body_of(req: &HttpRequest) -> Value {
        serde_json::from_slice(req.body.bytes()).expect("json body")
    }

    #[test]
    fn example_request_is_exactly_the_documented_wire_body() {
        let http = stax().build_request(&example(), &ctx()).expect("builds");
        assert_eq!(http.method.as_str(), "POST");
        assert_eq!(http.path, "/customer");
        assert_eq!(http.body.content_type(), Some("application/json"));
        assert_eq!(
            http.header_value("Authorization"),
            Some("Bearer stax_sandbox_prism_key")
        );
        assert_eq!(http.header_value("Accept"), Some("application/json"));
        assert!(http
            .headers
            .iter()
            .find(|h| h.name == "Authorization")
            .is_some_and(|h| h.sensitive));
        assert!(http.header_value("Idempotency-Key").is_none());
        assert_eq!(
            body_of(&http),
            json!({
                "firstname": "John",
                "lastname": "Doe",
                "email": "john.doe@example.com",
                "phone": "15551234567",
                "notes": "Premium plan subscriber",
                "reference": "cust_user_12345",
                "address_1": "1 Main St",
                "address_city": "Springfield",
                "address_state": "IL",
                "address_zip": "62701",
                "address_country": "USA"
            })
        );
        // The key never shows in Debug or in the redacted form.
        assert!(!format!("{http:?}").contains("stax_sandbox_prism_key"));
        assert!(!format!("{:?}", http.redacted()).contains("stax_sandbox_prism_key"));
    }

    #[test]
    fn absent_fields_are_omitted_and_metadata_is_never_sent() {
        let req = CustomerCreateRequest::new("r1")
            .email("a@example.com")
            .metadata("plan", "premium");
        let http = stax().build_request(&req, &ctx()).expect("builds");
        assert_eq!(
            body_of(&http),
            json!({"email": "a@example.com", "reference": "r1"})
        );
    }

    #[test]
    fn names_split_with_the_shared_rule() {
        let b = |n: &str| {
            body_of(
                &stax()
                    .build_request(&CustomerCreateRequest::new("r").name(n), &ctx())
                    .expect("builds"),
            )
        };
        assert_eq!(b("Cher"), json!({"firstname": "Cher", "reference": "r"}));
        assert_eq!(
            b(" Mary Ann Smith "),
            json!({"firstname": "Mary Ann", "lastname": "Smith", "reference": "r"})
        );
    }

    #[test]
    fn name_or_email_is_required_and_nothing_is_built() {
        let e = stax()
            .build_request(&CustomerCreateRequest::new("r").phone("5551234567"), &ctx())
            .expect_err("one-of");
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert_eq!(e.connector(), Some(Connector::Stax));
        let fields: Vec<_> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["name", "email"]);
        // A blank name does not count.
        let e = stax()
            .build_request(&CustomerCreateRequest::new("r").name("  "), &ctx())
            .expect_err("blank");
        assert_eq!(e.field_errors().len(), 2);
        // Either one is enough.
        assert!(stax()
            .build_request(
                &CustomerCreateRequest::new("r").email("a@example.com"),
                &ctx()
            )
            .is_ok());
    }

    #[test]
    fn phone_needs_ten_to_fifteen_digits() {
        let p = |phone: &str| {
            stax()
                .build_request(
                    &CustomerCreateRequest::new("r")
                        .email("a@example.com")
                        .phone(phone),
                    &ctx(),
                )
                .map(|h| body_of(&h)["phone"].clone())
                .map_err(|e| e.field_errors()[0].field.clone())
        };
        assert_eq!(p("(555) 123.4567"), Ok(json!("5551234567")));
        assert_eq!(p("+44 20 7946 0958"), Ok(json!("442079460958")));
        assert_eq!(p("123456789012345"), Ok(json!("123456789012345")));
        assert_eq!(p("555-1234"), Err("phone".to_owned()));
        assert_eq!(p("123 4567 890"), Ok(json!("1234567890")));
        assert_eq!(p("1234 5678 9012 3456"), Err("phone".to_owned()));
    }

    #[test]
    fn address_rules_are_enforced_before_sending() {
        let req = CustomerCreateRequest::new("r")
            .email("a@example.com")
            .address(Address {
                state: Some("Illinois".into()),
                postal_code: Some("12345678901234567".into()),
                country: Some("XX".into()),
                ..Address::default()
            });
        let e = stax().build_request(&req, &ctx()).expect_err("address");
        let fields: Vec<_> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            ["address.state", "address.postal_code", "address.country"]
        );
        assert!(!e.to_string().contains("Illinois"));
        for bad in ["I", "I1", "ÎL", "ILL"] {
            let req = CustomerCreateRequest::new("r")
                .email("a@example.com")
                .address(Address {
                    state: Some(bad.into()),
                    ..Address::default()
                });
            assert!(stax().build_request(&req, &ctx()).is_err(), "{bad}");
        }
        let req = CustomerCreateRequest::new("r")
            .email("a@example.com")
            .address(Address {
                line2: Some("Unit 12".into()),
                country: Some("GB".into()),
                ..Address::default()
            });
        let body = body_of(&stax().build_request(&req, &ctx()).expect("builds"));
        assert_eq!(
            body,
            json!({"email": "a@example.com", "reference": "r", "address_2": "Unit 12", "address_country": "GBR"})
        );
    }

    #[test]
    fn parses_the_created_fixture() {
        let f: Value = serde_json::from_str(include_str!(
            "../../../../../tests/fixtures/stax/created.json"
        ))
        .expect("fixture");
        let resp = HttpResponse::new(200, vec![], serde_json::to_vec(&f["body"]).expect("body"));
        let out = stax().parse_response(&resp, &ctx()).expect("parses");
        assert_eq!(
            out.connector_customer_id,
            "59327746-fbca-4fb6-adf0-e88c99245548"
        );
        assert!(!out.replayed);
    }

    #[test]
    fn odd_success_bodies_are_unexpected_responses() {
        let huge = format!("{{\"id\":\"{}\"", "x".repeat(1 << 20));
        for body in [
            "",
            "null",
            "[]",
            "<html>ok</html>",
            "\u{feff}",
            "{\"id\":",
            "{\"id\":\"\"}",
            "{\"id\":7}",
            "{\"email\":[\"The email must be a valid email address.\"]}",
            huge.as_str(),
        ] {
            let resp = HttpResponse::new(200, vec![], body.as_bytes().to_vec());
            let e = stax()
                .parse_response(&resp, &ctx())
                .expect_err(body.get(..20).unwrap_or(body));
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
            assert_eq!(e.http_status(), Some(200));
        }
        let bom = HttpResponse::new(200, vec![], b"\xEF\xBB\xBF{\"id\":\"abc\"}".to_vec());
        assert_eq!(
            stax()
                .parse_response(&bom, &ctx())
                .expect("bom")
                .connector_customer_id,
            "abc"
        );
    }
}
