//! Authorize.net `createCustomerProfileRequest`: the request in XSD order, the profile id (or the
//! E00039 duplicate) from the answer, errors that arrive in HTTP 200.

use prism_connector::normalize::split_name;
use prism_connector::parse::parse_json;
use prism_connector::types::{CustomerCreateRequest, Error, ErrorKind, FieldError};
use prism_connector::{
    Body, CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};
use secrecy::ExposeSecret;

use crate::error;
use crate::models::{
    CreateCustomerProfileRequest, CustomerAddress, CustomerProfile, Envelope,
    MerchantAuthentication, Response,
};
use crate::{AuthorizeDotNet, PATH};

/// XSD `nameAndAddressType` / `customerAddressType` limits the coarse `FieldLimits` cannot say.
const FIRST_LAST_NAME_MAX: usize = 50;
const ADDRESS_MAX: usize = 60;
const CITY_STATE_MAX: usize = 40;
const ZIP_MAX: usize = 20;

/// What `line1` and `line2` are joined with into the one `address` element.
const LINE_SEPARATOR: &str = ", ";

impl Flow<CreateCustomer> for AuthorizeDotNet {
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let ship_to = ship_to_entry(req)?;
        let envelope = Envelope {
            create_customer_profile_request: CreateCustomerProfileRequest {
                merchant_authentication: MerchantAuthentication {
                    name: self.config.api_login_id.expose_secret(),
                    transaction_key: self.config.transaction_key.expose_secret(),
                },
                profile: CustomerProfile {
                    merchant_customer_id: &req.merchant_customer_id,
                    description: req.description.as_deref(),
                    email: req.email.as_deref(),
                    ship_to_list: ship_to.into_iter().collect(),
                },
            },
        };
        let body = Body::json(&envelope).map_err(|e| {
            Error::new(
                ErrorKind::InvalidRequest,
                format!("cannot encode the request as JSON: {e}"),
            )
        })?;
        Ok(HttpRequest::post(PATH, body)
            .secret_field("/createCustomerProfileRequest/merchantAuthentication/transactionKey")
            .secret_field("/createCustomerProfileRequest/merchantAuthentication/name"))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        let answer: Response = parse_json(resp)?;
        let Some(messages) = answer.messages else {
            return Err(Error::unexpected_response(
                resp.status,
                &resp.body,
                "no messages.resultCode",
            ));
        };
        match messages.result_code.as_deref().map(str::trim) {
            Some(c) if c.eq_ignore_ascii_case("Ok") => match answer.customer_profile_id {
                Some(id) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => {
                    Ok(CreatedCustomer {
                        connector_customer_id: id,
                        replayed: false,
                    })
                }
                Some(_) => Err(Error::unexpected_response(
                    resp.status,
                    &resp.body,
                    "customerProfileId is not numeric",
                )),
                None => Err(Error::unexpected_response(
                    resp.status,
                    &resp.body,
                    "resultCode Ok without customerProfileId",
                )),
            },
            Some(c) if c.eq_ignore_ascii_case("Error") => {
                error::from_messages(resp, &messages, ctx)
            }
            _ => Err(Error::unexpected_response(
                resp.status,
                &resp.body,
                "messages.resultCode is neither Ok nor Error",
            )),
        }
    }
}

/// Name, phone and address have no place on the profile itself; they go to one `shipToList`
/// entry created in the same call (see docs.md). `None` when none of them is set.
fn ship_to_entry(req: &CustomerCreateRequest) -> Result<Option<CustomerAddress<'_>>, Error> {
    let mut errs = Vec::new();
    let mut entry = CustomerAddress {
        phone_number: req.phone.as_deref(),
        ..CustomerAddress::default()
    };
    if let Some(name) = &req.name {
        let (first, last) = split_name(name);
        if first.chars().count() > FIRST_LAST_NAME_MAX
            || last.is_some_and(|l| l.chars().count() > FIRST_LAST_NAME_MAX)
        {
            errs.push(FieldError::new(
                "name",
                "length",
                format!(
                    "first name (all but the last word) and last name (the last word) must each be at most {FIRST_LAST_NAME_MAX} characters (limit of Authorize.net)"
                ),
            ));
        }
        entry.first_name = Some(first);
        entry.last_name = last;
    }
    if let Some(a) = &req.address {
        let lines: Vec<&str> = [a.line1.as_deref(), a.line2.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if !lines.is_empty() {
            let joined = lines.join(LINE_SEPARATOR);
            if joined.chars().count() > ADDRESS_MAX {
                let field = if a.line2.is_some() {
                    "address.line2"
                } else {
                    "address.line1"
                };
                errs.push(FieldError::new(
                    field,
                    "length",
                    format!(
                        "line1 and line2 share one field at Authorize.net: together (joined with \"{LINE_SEPARATOR}\") they must be at most {ADDRESS_MAX} characters"
                    ),
                ));
            }
            entry.address = Some(joined);
        }
        for (field, value, max) in [
            ("address.city", &a.city, CITY_STATE_MAX),
            ("address.state", &a.state, CITY_STATE_MAX),
            ("address.postal_code", &a.postal_code, ZIP_MAX),
        ] {
            if value.as_ref().is_some_and(|v| v.chars().count() > max) {
                errs.push(FieldError::new(
                    field,
                    "length",
                    format!("must be at most {max} characters (limit of Authorize.net)"),
                ));
            }
        }
        entry.city = a.city.as_deref();
        entry.state = a.state.as_deref();
        entry.zip = a.postal_code.as_deref();
        entry.country = a.country.as_deref();
    }
    if !errs.is_empty() {
        return Err(Error::invalid_fields(errs)
            .with_connector(prism_connector::types::Connector::AuthorizeDotNet));
    }
    Ok((!entry.is_empty()).then_some(entry))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AuthorizeDotNetConfig;
    use prism_connector::types::{Address, Environment};
    use prism_connector::Configurator;

    fn api() -> AuthorizeDotNet {
        AuthorizeDotNetConfig::new("API_LOGIN_ID", "TRANSACTION_KEY").into_connector()
    }

    fn ctx() -> FlowContext<'static> {
        FlowContext::first(Environment::Sandbox)
    }

    fn body_of(req: &CustomerCreateRequest) -> String {
        let http = api().build_request(req, &ctx()).expect("build");
        String::from_utf8(http.body.bytes().to_vec()).expect("utf8")
    }

    /// Removes the white space outside strings: keeps key order, unlike a `Value` round trip.
    fn minify(json: &str) -> String {
        let mut out = String::new();
        let (mut in_str, mut escaped) = (false, false);
        for c in json.chars() {
            if in_str {
                out.push(c);
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_str = false;
                }
            } else if c == '"' {
                in_str = true;
                out.push(c);
            } else if !c.is_whitespace() {
                out.push(c);
            }
        }
        out
    }

    /// The JSON block after "**Example body**" in docs.md.
    fn docs_example() -> String {
        let docs = include_str!("../../docs.md");
        let after = &docs[docs.find("**Example body**").expect("example heading")..];
        let start = after.find("```json").expect("json block") + "```json".len();
        let end = after[start..].find("```").expect("block end");
        minify(&after[start..start + end])
    }

    fn full_request() -> CustomerCreateRequest {
        CustomerCreateRequest::new("cust_user_12345")
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
            )
    }

    #[test]
    fn request_matches_the_documented_example_byte_for_byte() {
        let http = api().build_request(&full_request(), &ctx()).expect("build");
        assert_eq!(http.method.as_str(), "POST");
        assert_eq!(http.path, "/xml/v1/request.api");
        assert_eq!(http.body.content_type(), Some("application/json"));
        assert!(
            http.headers.is_empty(),
            "credentials travel in the body only"
        );
        assert_eq!(body_of(&full_request()), docs_example());
    }

    #[test]
    fn minimal_request() {
        assert_eq!(
            body_of(&CustomerCreateRequest::new("c1")),
            r#"{"createCustomerProfileRequest":{"merchantAuthentication":{"name":"API_LOGIN_ID","transactionKey":"TRANSACTION_KEY"},"profile":{"merchantCustomerId":"c1"}}}"#
        );
        // Phone alone makes a ship-to entry with only phoneNumber.
        assert!(body_of(&CustomerCreateRequest::new("c1").phone("5551234567"))
            .ends_with(r#""profile":{"merchantCustomerId":"c1","shipToList":[{"phoneNumber":"5551234567"}]}}}"#));
        // A one-word name is a first name only.
        assert!(body_of(&CustomerCreateRequest::new("c1").name("Cher"))
            .contains(r#""shipToList":[{"firstName":"Cher"}]"#));
    }

    #[test]
    fn line2_is_joined_into_address() {
        let req = CustomerCreateRequest::new("c1").address(
            Address::new()
                .with_line1("1 Main St")
                .with_line2("Apt 4")
                .with_country("GB"),
        );
        assert!(body_of(&req)
            .contains(r#""shipToList":[{"address":"1 Main St, Apt 4","country":"GB"}]"#));
        let req = CustomerCreateRequest::new("c1").address(Address::new().with_line2("Apt 4"));
        assert!(body_of(&req).contains(r#"{"address":"Apt 4"}"#));
    }

    #[test]
    fn wire_limits_beyond_field_limits_are_checked_before_sending() {
        let long = |n| "a".repeat(n);
        let cases: Vec<(CustomerCreateRequest, &str)> = vec![
            (
                CustomerCreateRequest::new("c1").name(format!("John {}", long(51))),
                "name",
            ),
            (CustomerCreateRequest::new("c1").name(long(51)), "name"),
            (
                CustomerCreateRequest::new("c1")
                    .address(Address::new().with_line1(long(50)).with_line2(long(9))),
                "address.line2",
            ),
            (
                CustomerCreateRequest::new("c1").address(Address::new().with_line1(long(61))),
                "address.line1",
            ),
            (
                CustomerCreateRequest::new("c1").address(Address::new().with_city(long(41))),
                "address.city",
            ),
            (
                CustomerCreateRequest::new("c1").address(Address::new().with_state(long(41))),
                "address.state",
            ),
            (
                CustomerCreateRequest::new("c1").address(Address::new().with_postal_code(long(21))),
                "address.postal_code",
            ),
        ];
        for (req, field) in cases {
            let e = api().build_request(&req, &ctx()).expect_err(field);
            assert_eq!(e.kind(), ErrorKind::InvalidRequest);
            assert_eq!(e.field_errors()[0].field, field);
            assert!(!e.to_string().contains("aaaaaaaa"), "no value in the error");
        }
        // At the limits it builds.
        let req = CustomerCreateRequest::new("c1")
            .name(format!("{} {}", long(50), long(50)))
            .address(
                Address::new()
                    .with_line1(long(50))
                    .with_line2(long(8))
                    .with_city(long(40))
                    .with_postal_code(long(20)),
            );
        assert!(api().build_request(&req, &ctx()).is_ok());
    }

    #[test]
    fn credentials_are_declared_secret() {
        let api = AuthorizeDotNetConfig::new("loginXYZ123", "keyXYZ1234567890").into_connector();
        let http = api.build_request(&full_request(), &ctx()).expect("build");
        let shown = serde_json::to_string(&http.redacted()).expect("json");
        assert!(
            !shown.contains("keyXYZ1234567890") && !shown.contains("loginXYZ123"),
            "{shown}"
        );
        assert!(shown.contains(
            r#""merchantAuthentication":{"name":"[redacted]","transactionKey":"[redacted]"}"#
        ));
        assert!(!format!("{http:?}").contains("keyXYZ"));
    }

    fn fixture(name: &str) -> HttpResponse {
        prism_testkit::fixtures::fixture("authorizedotnet", name)
    }

    /// What the documented replies are read as is checked from their `expect` objects
    /// (tests/tests/fixtures.rs); what is particular to Authorize.net's wire: every answer, errors
    /// included, comes with HTTP 200 and a byte-order mark.
    #[test]
    fn documented_replies_are_http_200_with_a_bom() {
        for name in prism_testkit::fixture_names("authorizedotnet") {
            let resp = fixture(&name);
            assert_eq!(resp.status, 200, "{name}");
            assert!(resp.body.starts_with(b"\xEF\xBB\xBF"), "{name}");
        }
    }

    #[test]
    fn odd_success_bodies_are_unexpected_responses() {
        let bodies = [
            "",
            "\u{feff}",
            "<html>maintenance</html>",
            "\u{feff}{\"customerProfileId\":",
            "null",
            "[]",
            "{}",
            "{\"messages\":{\"resultCode\":\"Ok\",\"message\":[{\"code\":\"I00001\",\"text\":\"Successful.\"}]}}",
            "{\"customerProfileId\":\"\",\"messages\":{\"resultCode\":\"Ok\"}}",
            "{\"customerProfileId\":\"cus_1\",\"messages\":{\"resultCode\":\"Ok\"}}",
            "{\"customerProfileId\":\"1\",\"messages\":{\"resultCode\":\"Maybe\"}}",
            "{\"customerProfileId\":\"1\",\"messages\":{}}",
            "{\"customerProfileId\":{\"a\":1},\"messages\":{\"resultCode\":\"Ok\"}}",
        ];
        for body in bodies {
            let resp = HttpResponse::new(200, vec![], body.as_bytes().to_vec());
            let e = api().parse_response(&resp, &ctx()).expect_err(body);
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse, "{body}");
        }
        let resp = HttpResponse::new(200, vec![], vec![0xEF, 0xBB, 0xBF, 0xC3, 0x28]);
        assert_eq!(
            api()
                .parse_response(&resp, &ctx())
                .expect_err("bytes")
                .kind(),
            ErrorKind::UnexpectedResponse
        );
        // resultCode Error without any message is still an error, not a success.
        let resp = HttpResponse::new(
            200,
            vec![],
            b"{\"messages\":{\"resultCode\":\"Error\",\"message\":[]}}".to_vec(),
        );
        assert_eq!(
            api()
                .parse_response(&resp, &ctx())
                .expect_err("no code")
                .kind(),
            ErrorKind::ProcessorError
        );
        // A numeric id (not the documented string) is read too.
        let resp = HttpResponse::new(
            200,
            vec![],
            b"{\"customerProfileId\":42,\"messages\":{\"resultCode\":\"Ok\"}}".to_vec(),
        );
        assert_eq!(
            api()
                .parse_response(&resp, &ctx())
                .expect("num")
                .connector_customer_id,
            "42"
        );
    }
}
