//! Airwallex `POST /api/v1/pa/customers/create`: the request from Prism's fields, the created customer
//! (or the native duplicate) from the answer.

use prism_connector::normalize::split_name;
use prism_connector::parse::created;
use prism_connector::parse::parse_json;
use prism_connector::types::{Connector, CustomerCreateRequest, Error, ErrorKind, FieldError};
use prism_connector::{
    Body, CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};
use secrecy::ExposeSecret;

use crate::models::{AddressBody, CreateCustomerBody, Customer};
use crate::{Airwallex, API_VERSION, CREATE_CUSTOMER_PATH};

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
        let token = ctx.access_token.ok_or_else(|| {
            Error::configuration("airwallex: no access token from the login step (the executor runs it before create)")
        })?;
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
        let (first_name, last_name) = match req
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            Some(n) => {
                let (first, last) = split_name(n);
                if first.chars().count() > FIRST_LAST_NAME_MAX
                    || last.is_some_and(|l| l.chars().count() > FIRST_LAST_NAME_MAX)
                {
                    errs.push(FieldError::new(
                        "name",
                        "length",
                        format!("Airwallex stores first_name and last_name of at most {FIRST_LAST_NAME_MAX} characters each"),
                    ));
                }
                (Some(first), last)
            }
            None => (None, None),
        };

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
        let body = Body::json(&body).map_err(|e| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!("cannot encode the request: {e}"),
            )
        })?;
        Ok(HttpRequest::post(CREATE_CUSTOMER_PATH, body)
            .sensitive_header("Authorization", format!("Bearer {}", token.expose_secret()))
            .header("x-api-version", API_VERSION)
            .header("Accept", "application/json"))
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
    use prism_connector::types::{Address, Environment};
    use secrecy::SecretString;
    use serde_json::json;

    use super::*;
    use crate::AirwallexConfig;

    /// The create flow only (the connector also implements the lookup flow).
    fn conn() -> Box<dyn prism_connector::CreatesCustomers> {
        Box::new(Airwallex::new(AirwallexConfig::new(
            "client_abc",
            "key_xyz",
        )))
    }

    fn build(req: &CustomerCreateRequest) -> Result<HttpRequest, Error> {
        let token = SecretString::from("tok_123".to_owned());
        let ctx = FlowContext::first(Environment::Sandbox)
            .with_idempotency_key("2ed2d823-f8b3-416e-86db-ced8770ce217", false)
            .with_access_token(&token);
        conn().build_request(req, &ctx)
    }

    fn body(r: &HttpRequest) -> serde_json::Value {
        serde_json::from_slice(r.body.bytes()).expect("json body")
    }

    fn full() -> CustomerCreateRequest {
        CustomerCreateRequest::new("cust_user_12345")
            .email("john.doe@example.com")
            .name("John Doe")
            .phone("+1-555-123-4567")
            .metadata("plan", "premium")
            .address(Address {
                line1: Some("1 Main St".into()),
                city: Some("Springfield".into()),
                state: Some("IL".into()),
                postal_code: Some("62701".into()),
                country: Some("US".into()),
                ..Address::default()
            })
    }

    /// The documented example of docs.md ("Request mapping"), byte for byte.
    #[test]
    fn documented_example_on_the_wire() {
        let r = build(&full()).expect("request");
        assert_eq!(r.path, "/api/v1/pa/customers/create");
        assert_eq!(r.body.content_type(), Some("application/json"));
        assert_eq!(r.header_value("Authorization"), Some("Bearer tok_123"));
        assert_eq!(r.header_value("x-api-version"), Some("2026-08-21"));
        assert_eq!(r.header_value("Accept"), Some("application/json"));
        let expected = json!({
          "request_id": "2ed2d823-f8b3-416e-86db-ced8770ce217",
          "merchant_customer_id": "cust_user_12345",
          "first_name": "John",
          "last_name": "Doe",
          "email": "john.doe@example.com",
          "phone_number": "+1-555-123-4567",
          "metadata": { "plan": "premium" },
          "address": {
            "street": "1 Main St",
            "city": "Springfield",
            "state": "IL",
            "postcode": "62701",
            "country_code": "US"
          }
        });
        assert_eq!(body(&r), expected);
        // Key order as documented, too.
        let wire = concat!(
            r#"{"request_id":"2ed2d823-f8b3-416e-86db-ced8770ce217","merchant_customer_id":"cust_user_12345","#,
            r#""first_name":"John","last_name":"Doe","email":"john.doe@example.com","phone_number":"+1-555-123-4567","#,
            r#""metadata":{"plan":"premium"},"#,
            r#""address":{"street":"1 Main St","city":"Springfield","state":"IL","postcode":"62701","country_code":"US"}}"#
        );
        assert_eq!(std::str::from_utf8(r.body.bytes()), Ok(wire));
        let shown = format!("{r:?} {:?}", r.redacted());
        assert!(!shown.contains("tok_123"), "{shown}");
    }

    #[test]
    fn minimal_request_sends_only_the_required_fields() {
        let r = build(&CustomerCreateRequest::new("ref-1")).expect("request");
        assert_eq!(
            body(&r),
            json!({"request_id": "2ed2d823-f8b3-416e-86db-ced8770ce217", "merchant_customer_id": "ref-1"})
        );
    }

    #[test]
    fn names_split_and_one_word_names() {
        let b = body(
            &build(&CustomerCreateRequest::new("r").name("Mary Ann  Smith")).expect("request"),
        );
        assert_eq!(
            (b["first_name"].as_str(), b["last_name"].as_str()),
            (Some("Mary Ann"), Some("Smith"))
        );
        let b = body(&build(&CustomerCreateRequest::new("r").name("Cher")).expect("request"));
        assert_eq!(b["first_name"], "Cher");
        assert!(b.get("last_name").is_none());
        let long = format!("{} Doe", "a".repeat(129));
        let e = build(&CustomerCreateRequest::new("r").name(long)).expect_err("too long");
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert_eq!(e.field_errors()[0].field, "name");
    }

    #[test]
    fn address_without_country_is_rejected_before_sending() {
        let req = CustomerCreateRequest::new("r").address(Address {
            city: Some("Springfield".into()),
            ..Address::default()
        });
        let e = build(&req).expect_err("no country");
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert_eq!(e.connector(), Some(Connector::Airwallex));
        assert_eq!(e.field_errors()[0].field, "address.country");
    }

    #[test]
    fn per_part_address_limits() {
        let req = CustomerCreateRequest::new("r").address(Address {
            postal_code: Some("12345678901".into()),
            city: Some("c".repeat(101)),
            country: Some("GB".into()),
            ..Address::default()
        });
        let e = build(&req).expect_err("too long");
        let fields: Vec<_> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["address.city", "address.postal_code"]);
        let ok = CustomerCreateRequest::new("r").address(Address {
            country: Some("GB".into()),
            ..Address::default()
        });
        assert_eq!(
            body(&build(&ok).expect("ok"))["address"],
            json!({"country_code": "GB"})
        );
    }

    #[test]
    fn unsupported_fields_are_never_sent() {
        // The facade rejects them by default; with UnsupportedFields::Ignore it strips them before
        // build_request. Even if they reached it, they would not be written.
        let mut req = full().description("Premium plan subscriber");
        if let Some(a) = req.address.as_mut() {
            a.line2 = Some("Apt 4".into());
        }
        let text =
            String::from_utf8(build(&req).expect("request").body.bytes().to_vec()).expect("utf8");
        assert!(
            !text.contains("Premium plan") && !text.contains("Apt 4"),
            "{text}"
        );
        assert_eq!(
            conn().capabilities().unsupported_fields,
            ["description", "address.line2"]
        );
    }

    #[test]
    fn missing_token_or_key_is_an_error_not_a_panic() {
        let e = conn()
            .build_request(&full(), &FlowContext::first(Environment::Sandbox))
            .expect_err("no token");
        assert_eq!(e.kind(), ErrorKind::Configuration);
        let token = SecretString::from("t".to_owned());
        let ctx = FlowContext::first(Environment::Sandbox).with_access_token(&token);
        assert_eq!(
            conn()
                .build_request(&full(), &ctx)
                .expect_err("no key")
                .kind(),
            ErrorKind::InvalidRequest
        );
        let long = "k".repeat(65);
        let ctx = ctx.with_idempotency_key(&long, false);
        assert_eq!(
            conn()
                .build_request(&full(), &ctx)
                .expect_err("long key")
                .kind(),
            ErrorKind::InvalidRequest
        );
    }

    #[test]
    fn documented_created_answer() {
        let r = crate::error::tests::fixture("created");
        let ctx = FlowContext::first(Environment::Sandbox);
        let c = conn().parse_response(&r, &ctx).expect("created");
        assert_eq!(
            c,
            CreatedCustomer {
                connector_customer_id: "cus_hkpdh1d0d298uf1".into(),
                replayed: false
            }
        );
    }

    #[test]
    fn odd_success_bodies_are_unexpected_responses() {
        let ctx = FlowContext::first(Environment::Sandbox);
        let huge = format!("{{\"x\":\"{}\"}}", "a".repeat(2_000_000));
        for b in [
            "",
            "<html>ok</html>",
            "\u{feff}",
            "null",
            "{}",
            r#"{"id":""}"#,
            r#"{"id":7}"#,
            "{\"id\":\"cus_",
            "[]",
            &huge,
        ] {
            let e = conn()
                .parse_response(&HttpResponse::new(201, vec![], b.to_owned()), &ctx)
                .expect_err("odd");
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
        }
        let ok = HttpResponse::new(201, vec![], "\u{feff}{\"id\":\"cus_x\"}");
        assert!(conn().parse_response(&ok, &ctx).is_ok());
    }
}
