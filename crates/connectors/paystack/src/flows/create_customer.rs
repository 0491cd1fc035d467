//! `POST /customer`: the body from docs.md's "Request mapping", the answer's `customer_code`,
//! checked against the request (a create for a known e-mail answers with the existing customer).

use prism_connector::normalize::{first_last, metadata_with_reference};
use prism_connector::types::{Connector, CustomerCreateRequest, Error, FieldError};
use prism_connector::{
    CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};

use crate::models::CustomerBody;
use crate::{Paystack, REFERENCE_KEY};

impl Flow<CreateCustomer> for Paystack {
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        Ok(self.authorized(HttpRequest::post_json("/customer", &to_wire(req)?)?))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        let (_, code) = super::customer(resp)?;
        prism_connector::parse::created(resp, code)
    }

    /// The answer's customer must not carry another reference: that would be a customer
    /// created for this e-mail between the check and the create (someone else's). A reply that
    /// echoes no metadata is trusted, as the check found no customer for the e-mail.
    fn parse_response_for(
        &self,
        req: &CustomerCreateRequest,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        let (customer, code) = super::customer(resp)?;
        match customer.reference() {
            Some(theirs) if theirs != req.merchant_customer_id => {
                Err(super::someone_elses(resp, &code, Some(theirs)))
            }
            _ => prism_connector::parse::created(resp, code),
        }
    }
}

/// The request's e-mail, which Paystack requires (`InvalidRequest` before sending without it;
/// validation refuses it first through `required_fields`).
pub(crate) fn email(req: &CustomerCreateRequest) -> Result<&str, Error> {
    req.email.as_deref().ok_or_else(|| {
        Error::invalid_fields(vec![FieldError::new(
            "email",
            "required_by_connector",
            "is required by paystack",
        )])
        .with_connector(Connector::Paystack)
    })
}

/// The body: name split at the last space, phone without separators, metadata an object with
/// the reference. `description` and `address` have no Paystack field (left out by the facade).
pub(crate) fn to_wire(req: &CustomerCreateRequest) -> Result<CustomerBody<'_>, Error> {
    let (first_name, last_name) = first_last(req.name.as_deref());
    let phone = req.phone.as_deref().map(|p| {
        p.chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect()
    });
    Ok(CustomerBody {
        email: email(req)?,
        first_name,
        last_name,
        phone,
        metadata: metadata_with_reference(req, REFERENCE_KEY),
    })
}

#[cfg(test)]
mod tests {
    //! The wire request is also the conformance snapshots' (`create_customer_*@paystack`).
    use super::*;
    use crate::PaystackConfig;
    use prism_connector::types::{Environment, ErrorKind};
    use prism_connector::FindExisting;
    use serde_json::{json, Value};

    const KEY: &str = "sk_test_prism_unit";

    fn paystack() -> Paystack {
        Paystack::new(PaystackConfig::new(KEY))
    }

    fn body(req: &CustomerCreateRequest) -> Value {
        let ctx = FlowContext::first(Environment::Sandbox);
        let http = Flow::<CreateCustomer>::build_request(&paystack(), req, &ctx).expect("built");
        assert_eq!(http.path, "/customer");
        assert_eq!(
            http.header_value("Authorization"),
            Some("Bearer sk_test_prism_unit")
        );
        assert!(!format!("{http:?}").contains(KEY));
        serde_json::from_slice(http.body.bytes()).expect("json")
    }

    #[test]
    fn known_vector() {
        let req = CustomerCreateRequest::new("cust_user_12345")
            .email("john.doe@example.com")
            .name("  Mary Ann Doe ")
            .phone("+1-555-(123) 45.67")
            .metadata("plan", "premium");
        assert_eq!(
            body(&req),
            json!({"email": "john.doe@example.com", "first_name": "Mary Ann", "last_name": "Doe",
                "phone": "+15551234567",
                "metadata": {"merchant_customer_id": "cust_user_12345", "plan": "premium"}})
        );
        let one = CustomerCreateRequest::new("r")
            .email("a@example.com")
            .name("Cher");
        assert_eq!(
            body(&one),
            json!({"email": "a@example.com", "first_name": "Cher", "metadata": {"merchant_customer_id": "r"}})
        );
    }

    #[test]
    fn email_is_required_before_sending() {
        let ctx = FlowContext::first(Environment::Sandbox);
        let req = CustomerCreateRequest::new("r").name("A B");
        let e =
            Flow::<CreateCustomer>::build_request(&paystack(), &req, &ctx).expect_err("no email");
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert_eq!(e.field_errors()[0].field, "email");
        assert!(Flow::<FindExisting>::build_request(&paystack(), &req, &ctx).is_err());
        let req = CustomerCreateRequest::new("r").email("a+b@example.com");
        let get = Flow::<FindExisting>::build_request(&paystack(), &req, &ctx).expect("get");
        assert_eq!(get.path, "/customer/a%2Bb%40example.com");
    }

    fn reply(status: u16, body: Value) -> HttpResponse {
        HttpResponse::new(status, vec![], body.to_string().into_bytes())
    }

    fn customer(reference: Option<&str>) -> Value {
        let metadata = reference.map_or(
            Value::Null,
            |r| json!({"merchant_customer_id": r, "calling_code": "+234"}),
        );
        json!({"status": true, "message": "Customer retrieved", "data": {
            "email": "a@example.com", "customer_code": "CUS_xnxdt6s1zg1f4nx", "id": 1173, "metadata": metadata}})
    }

    #[test]
    fn the_check_tells_ours_from_someone_elses() {
        let ctx = FlowContext::first(Environment::Sandbox);
        let req = CustomerCreateRequest::new("mine").email("a@example.com");
        let check = |resp: &HttpResponse| {
            if resp.is_success() {
                Flow::<FindExisting>::parse_response_for(&paystack(), &req, resp, &ctx)
            } else {
                Flow::<FindExisting>::parse_error_response(&paystack(), resp, &ctx)
            }
        };
        let none = reply(
            404,
            json!({"status": false, "message": "Customer email is invalid for your live domain."}),
        );
        assert!(check(&none).is_ok());
        let ours = check(&reply(200, customer(Some("mine")))).expect_err("ours");
        assert_eq!(ours.kind(), ErrorKind::AlreadyExists);
        assert_eq!(ours.existing_customer_id(), Some("CUS_xnxdt6s1zg1f4nx"));
        for theirs in [Some("theirs"), None] {
            let e = check(&reply(200, customer(theirs))).expect_err("theirs");
            assert_eq!(e.kind(), ErrorKind::AlreadyExists);
            assert_eq!(e.existing_customer_id(), None, "never returned as ours");
        }
        let e = check(&reply(
            401,
            json!({"status": false, "message": "Invalid key"}),
        ))
        .expect_err("401");
        assert_eq!(e.kind(), ErrorKind::Authentication);
    }

    #[test]
    fn the_create_answer_is_checked_against_the_request() {
        let ctx = FlowContext::first(Environment::Sandbox);
        let req = CustomerCreateRequest::new("mine").email("a@example.com");
        let read = |body| {
            Flow::<CreateCustomer>::parse_response_for(&paystack(), &req, &reply(200, body), &ctx)
        };
        assert_eq!(
            read(customer(Some("mine")))
                .expect("ours")
                .connector_customer_id,
            "CUS_xnxdt6s1zg1f4nx"
        );
        assert!(
            read(customer(None)).is_ok(),
            "no metadata echoed: the check is trusted"
        );
        let e = read(customer(Some("theirs"))).expect_err("a race");
        assert!(e.kind() == ErrorKind::AlreadyExists && e.existing_customer_id().is_none());
        for odd in [
            json!({"status": true, "message": "ok"}),
            json!({"status": true, "data": {"id": 1}}),
            json!({"message": "x"}),
        ] {
            assert_eq!(
                read(odd).expect_err("odd").kind(),
                ErrorKind::UnexpectedResponse
            );
        }
        let e = read(json!({"status": false, "message": "Declined"})).expect_err("false");
        assert_eq!(e.kind(), ErrorKind::ProcessorError);
    }
}
