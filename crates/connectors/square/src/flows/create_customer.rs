//! `POST /v2/customers` (`CreateCustomer`): the request from docs.md's "Request mapping", the
//! customer's `id` from the answer.

use prism_connector::normalize::first_last;
use prism_connector::parse::{created, parse_json};
use prism_connector::types::{Connector, CustomerCreateRequest, Error, FieldError};
use prism_connector::{
    CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};

use crate::models::{AddressBody, CreateResponse, CustomerBody};
use crate::{Square, CREATE_PATH, IDEMPOTENCY_KEY_MAX};

/// Square's phone rule: "9–16 digits, with an optional `+` prefix and country code" (spec);
/// Prism's own rule already caps it at 15.
const PHONE_MIN_DIGITS: usize = 9;

impl Flow<CreateCustomer> for Square {
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let body = to_wire(req, ctx.idempotency_key)?;
        Ok(self.authorized(HttpRequest::post_json(CREATE_PATH, &body)?))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        let answer: CreateResponse = parse_json(resp)?;
        match answer.customer {
            // Square replays a reused key's answer without marking it (docs.md "Idempotency"),
            // so a replay cannot be told apart from a fresh create.
            Some(c) if answer.errors.is_empty() => created(resp, c.id),
            _ => Err(Error::unexpected_response(
                resp.status,
                &resp.body,
                "a 2xx without a customer, or with errors",
            )),
        }
    }
}

/// Maps the Prism request to `CreateCustomerRequest`, enforcing the Square rules validation
/// cannot express (one of name/email/phone, 9+ phone digits, the key's length). Every failing
/// rule is reported at once; nothing is sent.
pub(crate) fn to_wire<'a>(
    req: &'a CustomerCreateRequest,
    idempotency_key: Option<&'a str>,
) -> Result<CustomerBody<'a>, Error> {
    let mut errs = Vec::new();
    let name = req.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if name.is_none() && req.email.is_none() && req.phone.is_none() {
        let msg = "Square needs at least one of name, email or phone (it requires one of given_name, family_name, company_name, email_address, phone_number)";
        for field in ["name", "email", "phone"] {
            errs.push(FieldError::new(field, "required_one_of", msg));
        }
    }
    if let Some(phone) = req.phone.as_deref() {
        if phone.chars().filter(char::is_ascii_digit).count() < PHONE_MIN_DIGITS {
            errs.push(FieldError::new(
                "phone",
                "phone_digits",
                "Square needs 9 to 16 digits, with an optional + and country code",
            ));
        }
    }
    if idempotency_key.is_some_and(|k| k.is_empty() || k.chars().count() > IDEMPOTENCY_KEY_MAX) {
        errs.push(FieldError::new(
            "idempotency_key",
            "length",
            format!("must be 1 to {IDEMPOTENCY_KEY_MAX} characters for Square"),
        ));
    }
    if !errs.is_empty() {
        return Err(Error::invalid_fields(errs).with_connector(Connector::Square));
    }
    let (given_name, family_name) = first_last(name);
    let address = req.address.as_ref().map(|a| AddressBody {
        address_line_1: a.line1.as_deref(),
        address_line_2: a.line2.as_deref(),
        locality: a.city.as_deref(),
        administrative_district_level_1: a.state.as_deref(),
        postal_code: a.postal_code.as_deref(),
        country: a.country.as_deref(),
    });
    Ok(CustomerBody {
        idempotency_key,
        given_name,
        family_name,
        email_address: req.email.as_deref(),
        address,
        phone_number: req.phone.as_deref(),
        reference_id: &req.merchant_customer_id,
        note: req.description.as_deref(),
    })
}

#[cfg(test)]
mod tests {
    //! The wire request is also the conformance snapshots' (`create_customer_{minimal,full}@square`);
    //! the created answer is `created.json`'s `expect`.
    use super::*;
    use crate::SquareConfig;
    use prism_connector::types::{Address, Environment, ErrorKind};
    use prism_testkit::leaks::assert_request_hides;
    use prism_testkit::requests::field_paths;
    use serde_json::{json, Value};

    const TOKEN: &str = "EAAAsquare_test_token";
    const KEY: &str = "prism_0123456789abcdef0123456789abcdef";

    fn square() -> Square {
        Square::new(SquareConfig::new(TOKEN))
    }

    /// The body built for `req` with `key` (its headers checked), or the field paths refused.
    fn wire(req: &CustomerCreateRequest, key: Option<&str>) -> Result<Value, Vec<String>> {
        let mut ctx = FlowContext::first(Environment::Sandbox);
        if let Some(k) = key {
            ctx = ctx.with_idempotency_key(k, true);
        }
        match Flow::<CreateCustomer>::build_request(&square(), req, &ctx) {
            Ok(http) => {
                assert_request_hides(&http, [TOKEN]);
                assert_eq!(http.path, "/v2/customers");
                assert_eq!(http.header_value("Square-Version"), Some("2025-08-20"));
                assert_eq!(http.body.content_type(), Some("application/json"));
                Ok(serde_json::from_slice(http.body.bytes()).expect("json body"))
            }
            Err(e) => {
                assert_eq!(
                    (e.kind(), e.connector()),
                    (ErrorKind::InvalidRequest, Some(Connector::Square))
                );
                Err(field_paths(&e).into_iter().map(str::to_owned).collect())
            }
        }
    }

    /// Known vector: docs.md's example request, byte for byte in the official SDK's key order.
    #[test]
    fn the_documented_example() {
        let req = CustomerCreateRequest::new("cust_user_12345")
            .email("john.doe@example.com")
            .name("John Doe")
            .phone("+1-555-123-4567")
            .description("Premium plan subscriber")
            .address(
                Address::new()
                    .with_line1("1 Main St")
                    .with_city("Springfield")
                    .with_state("IL")
                    .with_postal_code("62701")
                    .with_country("US"),
            );
        let ctx = FlowContext::first(Environment::Sandbox).with_idempotency_key(KEY, true);
        let http = Flow::<CreateCustomer>::build_request(&square(), &req, &ctx).expect("request");
        let want = concat!(
            r#"{"idempotency_key":"prism_0123456789abcdef0123456789abcdef","given_name":"John","#,
            r#""family_name":"Doe","email_address":"john.doe@example.com","address":{"address_line_1":"1 Main St","#,
            r#""locality":"Springfield","administrative_district_level_1":"IL","postal_code":"62701","country":"US"},"#,
            r#""phone_number":"+1-555-123-4567","reference_id":"cust_user_12345","note":"Premium plan subscriber"}"#
        );
        assert_eq!(std::str::from_utf8(http.body.bytes()).expect("utf8"), want);
        assert_eq!(
            http.header_value("Authorization"),
            Some("Bearer EAAAsquare_test_token")
        );
        assert_eq!(http.header_value("Accept"), Some("application/json"));
    }

    #[test]
    fn names_split_and_nothing_empty_is_sent() {
        let req = |n: &str| CustomerCreateRequest::new("r").name(n);
        for (name, body) in [
            ("Cher", json!({"given_name": "Cher", "reference_id": "r"})),
            (
                " Mary Ann  Smith ",
                json!({"given_name": "Mary Ann", "family_name": "Smith", "reference_id": "r"}),
            ),
        ] {
            assert_eq!(wire(&req(name), None), Ok(body), "{name}");
        }
        let line2 = CustomerCreateRequest::new("r")
            .email("a@example.com")
            .address(Address::new().with_line2("Apt 4"));
        let body = json!({"email_address": "a@example.com", "reference_id": "r", "address": {"address_line_2": "Apt 4"}});
        assert_eq!(wire(&line2, None), Ok(body));
    }

    #[test]
    fn square_rules_are_enforced_before_sending() {
        let neither = Err(["name", "email", "phone"].map(str::to_owned).to_vec());
        assert_eq!(wire(&CustomerCreateRequest::new("r"), Some(KEY)), neither);
        assert_eq!(
            wire(&CustomerCreateRequest::new("r").name("  "), Some(KEY)),
            neither
        );
        for (phone, ok) in [
            ("+1 555 0100", false),
            ("12345678", false),
            ("+44 20 7946 0958", true),
            ("555-123-4567", true),
        ] {
            let got = wire(&CustomerCreateRequest::new("r").phone(phone), None);
            assert_eq!(got.is_ok(), ok, "{phone}");
        }
        let req = CustomerCreateRequest::new("r").email("a@example.com");
        assert!(wire(&req, Some(&"k".repeat(45))).is_ok());
        let refused = Err(vec!["idempotency_key".to_owned()]);
        for key in ["k".repeat(46), String::new()] {
            assert_eq!(wire(&req, Some(&key)), refused);
        }
    }

    #[test]
    fn odd_success_bodies_are_unexpected_responses() {
        let ctx = FlowContext::first(Environment::Sandbox);
        let huge = format!(r#"{{"customer":{{"id":"{}"#, "x".repeat(2_000_000));
        for body in [
            "",
            "<html>ok</html>",
            "\u{feff}",
            r#"{"customer":"#,
            "null",
            "[]",
            "{}",
        ]
        .into_iter()
        .chain([
            r#"{"customer":{"id":""}}"#,
            r#"{"customer":{"id":7}}"#,
            r#"{"customer":{}}"#,
            r#"{"customer":{"id":"A"},"errors":[{"code":"X"}]}"#,
            r#"{"errors":[{"category":"API_ERROR","code":"INTERNAL_SERVER_ERROR"}]}"#,
            huge.as_str(),
        ]) {
            let r = HttpResponse::new(200, vec![], body.as_bytes().to_vec());
            let e = Flow::<CreateCustomer>::parse_response(&square(), &r, &ctx)
                .expect_err(&body[..body.len().min(40)]);
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
        }
        let r = HttpResponse::new(
            200,
            vec![],
            b"\xEF\xBB\xBF{\"customer\":{\"id\":\"JDKY\"}}".to_vec(),
        );
        let c = Flow::<CreateCustomer>::parse_response(&square(), &r, &ctx).expect("created");
        assert_eq!(
            (c.connector_customer_id.as_str(), c.replayed),
            ("JDKY", false)
        );
    }
}
