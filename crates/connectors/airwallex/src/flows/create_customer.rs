//! Airwallex `POST /api/v1/pa/customers/create`: the request from Prism's fields, the created customer
//! (or the native duplicate) from the answer.

use prism_connector::normalize::first_last;
use prism_connector::parse::created;
use prism_connector::parse::parse_json;
use prism_connector::types::{Connector, CustomerCreateRequest, Error, FieldError};
use prism_connector::{
    CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};

use crate::models::{AddressBody, CreateCustomerBody, Customer};
use crate::{login_token, with_token, Airwallex, CREATE_CUSTOMER_PATH};

/// Limits Airwallex documents per part that Prism's one `name_max` / `address_part_max` cannot
/// express (docs.md, "Request mapping").
const FIRST_LAST_NAME_MAX: usize = 128;
const CITY_STATE_MAX: usize = 100;
const POSTCODE_MAX: usize = 10;
const REQUEST_ID_MAX: usize = 64;

impl Flow<CreateCustomer> for Airwallex {
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let token = login_token(ctx)?;
        let request_id = ctx
            .idempotency_key
            .filter(|k| !k.is_empty() && k.chars().count() <= REQUEST_ID_MAX)
            .ok_or_else(|| {
                Error::invalid_fields(vec![FieldError::new(
                    "idempotency_key",
                    "required_by_connector",
                    "Airwallex needs a request_id of 1 to 64 characters (Prism derives one unless you pass idempotency_key)",
                )])
            })?;

        let mut errs = Vec::new();
        let (first_name, last_name) = first_last(req.name.as_deref());
        let too_long = |part: &str| part.chars().count() > FIRST_LAST_NAME_MAX;
        if first_name.is_some_and(too_long) || last_name.is_some_and(too_long) {
            errs.push(FieldError::new(
                "name",
                "length",
                format!("Airwallex stores first_name and last_name of at most {FIRST_LAST_NAME_MAX} characters each"),
            ));
        }

        let address = match &req.address {
            None => None,
            Some(a) => {
                for (path, v, max) in [
                    ("address.city", &a.city, CITY_STATE_MAX),
                    ("address.state", &a.state, CITY_STATE_MAX),
                    ("address.postal_code", &a.postal_code, POSTCODE_MAX),
                ] {
                    if v.as_deref().is_some_and(|v| v.chars().count() > max) {
                        errs.push(FieldError::new(
                            path,
                            "length",
                            format!("must be 1 to {max} characters (limit of Airwallex)"),
                        ));
                    }
                }
                match a.country.as_deref() {
                    Some(country) => Some(AddressBody {
                        street: a.line1.as_deref(),
                        city: a.city.as_deref(),
                        state: a.state.as_deref(),
                        postcode: a.postal_code.as_deref(),
                        country_code: country,
                    }),
                    None => {
                        errs.push(FieldError::new(
                            "address.country",
                            "required_by_connector",
                            "is required by Airwallex whenever an address is given",
                        ));
                        None
                    }
                }
            }
        };
        if !errs.is_empty() {
            return Err(Error::invalid_fields(errs).with_connector(Connector::Airwallex));
        }

        let body = CreateCustomerBody {
            request_id,
            merchant_customer_id: &req.merchant_customer_id,
            first_name,
            last_name,
            email: req.email.as_deref(),
            phone_number: req.phone.as_deref(),
            metadata: &req.metadata,
            address,
        };
        Ok(with_token(
            HttpRequest::post_json(CREATE_CUSTOMER_PATH, &body)?,
            token,
        ))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        let customer: Customer = parse_json(resp)?;
        // Airwallex documents no replay of a stored answer: a reused request_id is refused with
        // 400 duplicate_request (mapped in error.rs), so a 2xx is always a fresh creation.
        created(resp, customer.id)
    }
}

#[cfg(test)]
mod tests {
    //! Airwallex's own rules before sending and the documented key order. Each body's content is
    //! the conformance snapshots' (`create_customer_{minimal,full}@airwallex`), the created answer
    //! `created.json`'s `expect`, odd answers the conformance case `malformed_success`.
    use prism_connector::types::{Address, Environment, ErrorKind};
    use prism_testkit::leaks::assert_request_hides;
    use prism_testkit::requests::{field_paths, request_with_address};
    use secrecy::SecretString;

    use super::*;
    use crate::AirwallexConfig;

    const KEY: &str = "2ed2d823-f8b3-416e-86db-ced8770ce217";

    fn build(req: &CustomerCreateRequest, key: Option<&str>) -> Result<HttpRequest, Error> {
        let token = SecretString::from("tok_123".to_owned());
        let mut ctx = FlowContext::first(Environment::Sandbox).with_access_token(&token);
        if let Some(key) = key {
            ctx = ctx.with_idempotency_key(key, false);
        }
        let conn = Airwallex::new(AirwallexConfig::new("client_abc", "key_xyz"));
        Flow::<CreateCustomer>::build_request(&conn, req, &ctx)
    }

    #[test]
    fn documented_example_in_the_documented_order() {
        let req = request_with_address("cust_user_12345");
        let r = build(&req, Some(KEY)).expect("request");
        let wire = concat!(
            r#"{"request_id":"2ed2d823-f8b3-416e-86db-ced8770ce217","merchant_customer_id":"cust_user_12345","#,
            r#""first_name":"John","last_name":"Doe","email":"john.doe@example.com","phone_number":"+1-555-123-4567","#,
            r#""metadata":{"plan":"premium"},"#,
            r#""address":{"street":"1 Main St","city":"Springfield","state":"IL","postcode":"62701","country_code":"US"}}"#
        );
        assert_eq!(std::str::from_utf8(r.body.bytes()), Ok(wire));
        assert_request_hides(&r, ["tok_123"]);
    }

    #[test]
    fn per_part_limits_and_a_country_for_any_address() {
        let long_name = CustomerCreateRequest::new("r").name(format!("{} Doe", "a".repeat(129)));
        let address = Address::new()
            .with_postal_code("12345678901")
            .with_city("c".repeat(101))
            .with_country("GB");
        let long_parts = CustomerCreateRequest::new("r").address(address);
        let city_only = CustomerCreateRequest::new("r").address(Address::new().with_city("Paris"));
        for (req, refused) in [
            (long_name, vec!["name"]),
            (long_parts, vec!["address.city", "address.postal_code"]),
            (city_only, vec!["address.country"]),
        ] {
            let e = build(&req, Some(KEY)).expect_err("too long");
            assert_eq!(e.connector(), Some(Connector::Airwallex));
            assert_eq!(field_paths(&e), refused);
        }
        let country_only =
            CustomerCreateRequest::new("r").address(Address::new().with_country("GB"));
        let r = build(&country_only, Some(KEY)).expect("ok");
        let body: serde_json::Value = serde_json::from_slice(r.body.bytes()).expect("json");
        assert_eq!(body["address"], serde_json::json!({"country_code": "GB"}));
    }

    #[test]
    fn a_request_id_of_1_to_64_characters_and_a_token_are_needed() {
        // (The lookup takes the token the same way: `login_token`.)
        let req = CustomerCreateRequest::new("r");
        for key in [None, Some(""), Some(&*"k".repeat(65))] {
            let e = build(&req, key).expect_err("no usable key");
            assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        }
        let conn = Airwallex::new(AirwallexConfig::new("client_abc", "key_xyz"));
        let ctx = FlowContext::first(Environment::Sandbox).with_idempotency_key(KEY, false);
        let e = Flow::<CreateCustomer>::build_request(&conn, &req, &ctx).expect_err("no token");
        assert_eq!(e.kind(), ErrorKind::Configuration);
    }
}
