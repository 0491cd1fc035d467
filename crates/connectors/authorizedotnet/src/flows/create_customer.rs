//! Authorize.net `createCustomerProfileRequest`: the request in XSD order, the profile id (or the
//! E00039 duplicate) from the answer, errors that arrive in HTTP 200.

use prism_connector::normalize::split_name;
use prism_connector::parse::created;
use prism_connector::types::{Connector, CustomerCreateRequest, Error, FieldError};
use prism_connector::{
    CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};

use crate::error;
use crate::models::{
    CreateCustomerProfileRequest, CustomerAddress, CustomerProfile, Envelope,
    MerchantAuthentication, Response,
};
use crate::AuthorizeDotNet;

/// XSD `nameAndAddressType`: `address` holds line1 and line2 (the other parts' limits are
/// declared in `Capabilities`).
const ADDRESS_MAX: usize = 60;

/// What `line1` and `line2` are joined with into the one `address` element.
const LINE_SEPARATOR: &str = ", ";

impl Flow<CreateCustomer> for AuthorizeDotNet {
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let profile = CustomerProfile {
            merchant_customer_id: &req.merchant_customer_id,
            description: req.description.as_deref(),
            email: req.email.as_deref(),
            ship_to_list: ship_to_entry(req)?.into_iter().collect(),
        };
        let merchant_authentication = MerchantAuthentication::of(&self.config);
        let create = CreateCustomerProfileRequest {
            merchant_authentication,
            profile,
        };
        Envelope::CreateCustomerProfileRequest(create).post([
            "/createCustomerProfileRequest/merchantAuthentication/name",
            "/createCustomerProfileRequest/merchantAuthentication/transactionKey",
        ])
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        let answer = match Response::read(resp)? {
            Ok(answer) => answer,
            Err(messages) => return error::from_messages(resp, &messages, ctx),
        };
        let unexpected = |why| Err(Error::unexpected_response(resp.status, &resp.body, why));
        match answer.customer_profile_id {
            Some(id) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => {
                created(resp, id)
            }
            Some(_) => unexpected("customerProfileId is not numeric"),
            None => unexpected("resultCode Ok without customerProfileId"),
        }
    }
}

/// Name, phone and address have no place on the profile itself; they go to one `shipToList`
/// entry created in the same call (see docs.md). `None` when none of them is set. The declared
/// limits were checked before; line1 and line2 share one element, checked here.
fn ship_to_entry(req: &CustomerCreateRequest) -> Result<Option<CustomerAddress>, Error> {
    let (first_name, last_name) = req.name.as_deref().map(split_name).unzip();
    let a = req.address.clone().unwrap_or_default();
    let joined = match (a.line1.as_deref(), a.line2.as_deref()) {
        (Some(l1), Some(l2)) => format!("{l1}{LINE_SEPARATOR}{l2}"),
        (l1, l2) => l1.or(l2).unwrap_or_default().to_owned(),
    };
    if joined.chars().count() > ADDRESS_MAX {
        let message = format!(
            "line1 and line2 share one field at Authorize.net: together (joined with \"{LINE_SEPARATOR}\") they must be at most {ADDRESS_MAX} characters"
        );
        let error = FieldError::new("address.line2", "length", message);
        return Err(Error::invalid_fields(vec![error]).with_connector(Connector::AuthorizeDotNet));
    }
    let members = [
        ("firstName", first_name),
        ("lastName", last_name.flatten()),
        ("address", Some(joined.as_str()).filter(|j| !j.is_empty())),
        ("city", a.city.as_deref()),
        ("state", a.state.as_deref()),
        ("zip", a.postal_code.as_deref()),
        ("country", a.country.as_deref()),
        ("phoneNumber", req.phone.as_deref()),
    ];
    let entry: Vec<_> = members
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?.to_owned())))
        .collect();
    Ok((!entry.is_empty()).then_some(CustomerAddress(entry)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AuthorizeDotNetConfig;
    use prism_connector::types::{Address, Environment, ErrorKind};
    use prism_connector::Configurator;
    use prism_testkit::requests::{example_address, product_request};

    fn api() -> AuthorizeDotNet {
        AuthorizeDotNetConfig::new("API_LOGIN_ID", "TRANSACTION_KEY").into_connector()
    }

    fn ctx() -> FlowContext<'static> {
        FlowContext::first(Environment::Sandbox)
    }

    fn r(reference: &str) -> CustomerCreateRequest {
        CustomerCreateRequest::new(reference)
    }

    fn build(req: &CustomerCreateRequest) -> Result<HttpRequest, Error> {
        Flow::<CreateCustomer>::build_request(&api(), req, &ctx())
    }

    fn body_of(req: &CustomerCreateRequest) -> String {
        let http = build(req).expect("build");
        String::from_utf8(http.body.bytes().to_vec()).expect("utf8")
    }

    /// Key order is checked by the emulator (behaviour suite), the values by the conformance
    /// snapshots; this holds docs.md's example to the code.
    #[test]
    fn request_matches_the_documented_example_byte_for_byte() {
        let docs = include_str!("../../docs.md");
        let example = prism_testkit::docs::json_example(docs, "**Example body**");
        let req = product_request("cust_user_12345").address(example_address());
        assert_eq!(body_of(&req), example);
    }

    /// Name, phone and address parts go to one shipToList entry, only when one is given.
    #[test]
    fn the_ship_to_entry() {
        let line2 = r("c1").address(Address::new().with_line2("Apt 4"));
        for (req, entry) in [
            (r("c1"), ""),
            (
                r("c1").phone("5551234567"),
                r#"{"phoneNumber":"5551234567"}"#,
            ),
            (r("c1").name("Cher"), r#"{"firstName":"Cher"}"#),
            (line2, r#"{"address":"Apt 4"}"#),
        ] {
            let list = format!(r#","shipToList":[{entry}]"#);
            let list = if entry.is_empty() { "" } else { &list };
            let profile = format!(r#""profile":{{"merchantCustomerId":"c1"{list}}}}}}}"#);
            assert!(body_of(&req).ends_with(&profile), "{}", body_of(&req));
        }
    }

    /// line1 and line2 share one element (the other limits are declared: the behaviour suite).
    #[test]
    fn the_joined_address_lines_fit_one_element() {
        let long = |n| "a".repeat(n);
        let req = |l2| r("c1").address(Address::new().with_line1(long(50)).with_line2(long(l2)));
        let e = build(&req(9)).expect_err("61");
        assert_eq!(e.field_errors()[0].field, "address.line2");
        assert!(!e.to_string().contains("aaaaaaaa"), "no value in the error");
        assert!(build(&req(8)).is_ok());
    }

    /// In the create and in the lookup.
    #[test]
    fn credentials_are_declared_secret() {
        use prism_connector::{FindCustomer, FindCustomerRequest};
        let api = AuthorizeDotNetConfig::new("loginXYZ123", "keyXYZ1234567890").into_connector();
        let find = FindCustomerRequest {
            merchant_customer_id: "c1".into(),
        };
        let lookup = Flow::<FindCustomer>::build_request(&api, &find, &ctx());
        let create = Flow::<CreateCustomer>::build_request(&api, &r("c1"), &ctx());
        for http in [create, lookup] {
            let shown = serde_json::to_string(&http.expect("build").redacted()).expect("json");
            let masked = r#"Authentication":{"name":"[redacted]","transactionKey":"[redacted]"}"#;
            assert!(shown.contains(masked), "{shown}");
        }
    }

    /// What is particular to Authorize.net's wire: every documented answer, errors included, is
    /// HTTP 200 with a byte-order mark (what each is read as: tests/tests/fixtures.rs).
    #[test]
    fn documented_replies_are_http_200_with_a_bom() {
        for name in prism_testkit::fixture_names("authorizedotnet") {
            let resp = prism_testkit::fixture("authorizedotnet", &name);
            let ok = resp.status == 200 && resp.body.starts_with(b"\xEF\xBB\xBF");
            assert!(ok, "{name}");
        }
    }

    /// 200 answers that are no profile: an `Ok` without a numeric id, another result code (bodies
    /// that are no JSON at all: the conformance `malformed_success`).
    #[test]
    fn odd_success_bodies() {
        let read = |body: &str| {
            let resp = HttpResponse::new(200, vec![], body.as_bytes().to_vec());
            Flow::<CreateCustomer>::parse_response(&api(), &resp, &ctx())
        };
        let ok = r#"{"resultCode":"Ok"}"#;
        for (id, messages) in [
            ("null", ok),
            ("\"cus_1\"", ok),
            ("\"1\"", r#"{"resultCode":"Maybe"}"#),
            ("\"1\"", "{}"),
        ] {
            let body = format!(r#"{{"customerProfileId":{id},"messages":{messages}}}"#);
            let e = read(&body).expect_err(&body);
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse, "{body}");
        }
        // An error without any message is still an error; a numeric id is read too.
        let no_code = read(r#"{"messages":{"resultCode":"Error","message":[]}}"#).expect_err("");
        assert_eq!(no_code.kind(), ErrorKind::ProcessorError);
        let num = read(r#"{"customerProfileId":42,"messages":{"resultCode":"Ok"}}"#);
        assert_eq!(num.expect("num").connector_customer_id, "42");
    }
}
