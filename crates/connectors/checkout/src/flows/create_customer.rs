//! `POST /customers`: the request from docs.md's "Request mapping" (the official SDKs' fields,
//! names and headers), the answer's `id`.

use prism_connector::normalize::metadata_with_reference;
use prism_connector::parse::{created, parse_json};
use prism_connector::types::{Connector, CustomerCreateRequest, Error, FieldError};
use prism_connector::{
    CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};

use crate::models::{Customer, CustomerBody};
use crate::{phone, Checkout, REFERENCE_KEY};

impl Flow<CreateCustomer> for Checkout {
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let body = to_wire(req)?;
        // No `Cko-Idempotency-Key`: not documented for /customers, and the SDKs send none there.
        Ok(HttpRequest::post_json("/customers", &body)?.bearer_auth(&self.config.secret_key))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        let customer: Customer = parse_json(resp)?;
        // Without idempotency nothing is ever a replay.
        created(resp, customer.id)
    }
}

/// The Prism request as Checkout.com's body, with the rules validation cannot express (email
/// present, phone splittable). Every failing rule is reported at once; nothing is sent.
pub(crate) fn to_wire(req: &CustomerCreateRequest) -> Result<CustomerBody<'_>, Error> {
    let mut errs = Vec::new();
    let email = req.email.as_deref().unwrap_or_else(|| {
        errs.push(FieldError::new(
            "email",
            "required_by_connector",
            "is required by checkout",
        ));
        ""
    });
    let phone = match req.phone.as_deref().map(phone::split) {
        None => None,
        Some(Ok(p)) => Some(p),
        Some(Err(why)) => {
            errs.push(FieldError::new("phone", "phone_split", why));
            None
        }
    };
    if !errs.is_empty() {
        return Err(Error::invalid_fields(errs).with_connector(Connector::Checkout));
    }
    Ok(CustomerBody {
        email,
        name: req.name.as_deref(),
        phone,
        metadata: metadata_with_reference(req, REFERENCE_KEY),
    })
}

#[cfg(test)]
mod tests {
    //! Checkout.com's own rules before sending and a known vector of the wire request. The
    //! snapshots `create_customer_{minimal,full}@checkout` show the request the executor sends.
    use super::*;
    use crate::CheckoutConfig;
    use prism_connector::types::Environment;
    use prism_connector::Method;
    use prism_testkit::leaks::assert_request_hides;
    use prism_testkit::requests::field_paths;

    const KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";

    fn build(req: &CustomerCreateRequest) -> Result<HttpRequest, Error> {
        let c = Checkout::new(CheckoutConfig::new(KEY, "1a2b3c4d"));
        Flow::<CreateCustomer>::build_request(&c, req, &FlowContext::first(Environment::Sandbox))
    }

    #[test]
    fn the_sdks_request() {
        let req = CustomerCreateRequest::new("cust_user_12345")
            .email("john.doe@example.com")
            .name("John Doe")
            .phone("+1-555-123-4567")
            .metadata("plan", "premium");
        let http = build(&req).expect("built");
        assert_request_hides(&http, [KEY]);
        assert_eq!(
            (http.method, http.path.as_str()),
            (Method::Post, "/customers")
        );
        assert_eq!(http.body.content_type(), Some("application/json"));
        assert_eq!(
            http.header_value("Authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
        assert_eq!(http.headers.len(), 1, "{:?}", http.headers);
        let want = r#"{"email":"john.doe@example.com","name":"John Doe","phone":{"country_code":"+1","number":"5551234567"},"metadata":{"merchant_customer_id":"cust_user_12345","plan":"premium"}}"#;
        assert_eq!(std::str::from_utf8(http.body.bytes()), Ok(want));
        // The smallest request: email and the reference.
        let http = build(&CustomerCreateRequest::new("r").email("a@example.com")).expect("built");
        let want = r#"{"email":"a@example.com","metadata":{"merchant_customer_id":"r"}}"#;
        assert_eq!(std::str::from_utf8(http.body.bytes()), Ok(want));
    }

    #[test]
    fn refused_before_sending() {
        let e = build(&CustomerCreateRequest::new("r").phone("555-123-4567")).expect_err("refused");
        assert_eq!(field_paths(&e), ["email", "phone"]);
        assert_eq!(e.connector(), Some(Connector::Checkout));
        assert!(e.field_errors()[1].message.contains("country calling code"));
        let ok = CustomerCreateRequest::new("r").email("a@example.com");
        assert!(build(&ok.phone("+44 20 7946 0958")).is_ok());
    }
}
