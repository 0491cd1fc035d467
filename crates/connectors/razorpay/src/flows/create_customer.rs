//! `POST /v1/customers`: the request from Prism's fields (docs.md "Request mapping"), the
//! customer from the answer. The same body serves the create (`fail_existing: "1"`: a duplicate
//! is refused) and the probe that names the existing customer (`fail_existing: "0"`: Razorpay
//! answers with it instead), see docs.md "Idempotency and duplicates".

use prism_connector::normalize::phone_e164ish;
use prism_connector::parse::{created, parse_json};
use prism_connector::rules::reserved_reference_key;
use prism_connector::types::{Connector, CustomerCreateRequest, Error, FieldError};
use prism_connector::{
    CreateCustomer, CreatedCustomer, Flow, FlowContext, FoundCustomer, HttpRequest, HttpResponse,
    ProbeExisting,
};

use crate::models::{Customer, CustomerBody, Notes};
use crate::{Razorpay, CONTACT_MAX, CONTACT_MIN_DIGITS, NAME_MAX, NAME_MIN, REFERENCE_KEY};

/// The path of the create.
const PATH: &str = "/v1/customers";

impl Flow<CreateCustomer> for Razorpay {
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        self.customer_request(req, "1")
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        // Razorpay has no idempotency: an answer is never a replay.
        created(resp, read_customer(resp)?.id)
    }
}

impl Flow<ProbeExisting> for Razorpay {
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        self.customer_request(req, "0")
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<FoundCustomer, Error> {
        let customer = read_customer(resp)?;
        Ok(FoundCustomer {
            merchant_customer_id: customer.reference(),
            connector_customer_id: customer.id,
        })
    }
}

impl Razorpay {
    /// The create with `fail_existing` (`"1"` or `"0"`, always a JSON string), after Razorpay's
    /// own limits: every violation at once, nothing sent.
    fn customer_request(
        &self,
        req: &CustomerCreateRequest,
        fail_existing: &'static str,
    ) -> Result<HttpRequest, Error> {
        let mut errs = Vec::new();
        let mut bad = |field: &str, rule: &str, message: String| {
            errs.push(FieldError::new(field, rule, message));
        };
        if req.email.is_none() && req.phone.is_none() {
            let why = "Razorpay needs email or phone: its duplicate rule is on email+contact, and Prism resends a create only where that rule recognises it";
            bad("email", "email_or_phone", why.into());
            bad("phone", "email_or_phone", why.into());
        }
        if let Some(name) = &req.name {
            let n = name.chars().count();
            if !(NAME_MIN..=NAME_MAX).contains(&n) {
                let why =
                    format!("must be {NAME_MIN} to {NAME_MAX} characters (limit of razorpay)");
                bad("name", "length", why);
            }
        }
        let contact = req.phone.as_deref().map(phone_e164ish);
        if let Some(c) = &contact {
            let digits = c.bytes().filter(u8::is_ascii_digit).count();
            if c.len() > CONTACT_MAX || digits < CONTACT_MIN_DIGITS {
                let why = format!(
                    "Razorpay takes a contact of at most {CONTACT_MAX} characters (+ and digits, country code included) with at least {CONTACT_MIN_DIGITS} digits"
                );
                bad("phone", "contact_format", why);
            }
        }
        errs.extend(reserved_reference_key(req, REFERENCE_KEY, "Razorpay"));
        if !errs.is_empty() {
            return Err(Error::invalid_fields(errs).with_connector(Connector::Razorpay));
        }
        let body = CustomerBody {
            name: req.name.as_deref(),
            email: req.email.as_deref(),
            contact,
            fail_existing,
            notes: Notes {
                metadata: &req.metadata,
                merchant_customer_id: &req.merchant_customer_id,
            },
        };
        Ok(self.with_headers(HttpRequest::post_json(PATH, &body)?))
    }
}

/// The customer entity of a 2xx: a string `id` (non-empty) and, when present, `entity:
/// "customer"`; anything else is an `UnexpectedResponse`.
fn read_customer(resp: &HttpResponse) -> Result<Customer, Error> {
    let customer: Customer = parse_json(resp)?;
    if customer.id.trim().is_empty() || customer.entity.as_deref().is_some_and(|e| e != "customer")
    {
        return Err(Error::unexpected_response(
            resp.status,
            &resp.body,
            "not a customer entity",
        ));
    }
    Ok(customer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RazorpayConfig;
    use prism_connector::types::{Environment, ErrorKind};

    fn razorpay() -> Razorpay {
        Razorpay::new(RazorpayConfig::new("rzp_test_example", "secret"))
    }

    fn body(req: &CustomerCreateRequest) -> Result<String, Error> {
        let ctx = FlowContext::first(Environment::Sandbox);
        let r = Flow::<CreateCustomer>::build_request(&razorpay(), req, &ctx)?;
        Ok(String::from_utf8(r.body.bytes().to_vec()).expect("utf-8"))
    }

    /// The request of docs.md (the fields razorpay-node 2.9.6 sends as given), known bytes.
    #[test]
    fn request_known_vector() {
        let req = CustomerCreateRequest::new("cust_user_12345")
            .email("john.doe@example.com")
            .name("John Doe")
            .phone("+1-555-123-4567")
            .metadata("plan", "premium");
        assert_eq!(
            body(&req).expect("built"),
            r#"{"name":"John Doe","email":"john.doe@example.com","contact":"+15551234567","fail_existing":"1","notes":{"plan":"premium","merchant_customer_id":"cust_user_12345"}}"#
        );
        let ctx = FlowContext::first(Environment::Sandbox);
        let probe = Flow::<ProbeExisting>::build_request(&razorpay(), &req, &ctx).expect("probe");
        let text = String::from_utf8(probe.body.bytes().to_vec()).expect("utf-8");
        assert!(text.contains(r#""fail_existing":"0""#), "{text}");
        assert_eq!(probe.path, "/v1/customers");
        assert_eq!(
            probe.header_value("Authorization"),
            Some("Basic cnpwX3Rlc3RfZXhhbXBsZTpzZWNyZXQ=")
        );
    }

    /// Razorpay's limits, before sending, every violation named.
    #[test]
    fn limits_before_sending() {
        let fields = |req: CustomerCreateRequest| -> Vec<String> {
            let e = body(&req).expect_err("refused");
            assert_eq!(e.kind(), ErrorKind::InvalidRequest);
            e.field_errors().iter().map(|f| f.field.clone()).collect()
        };
        let base = || CustomerCreateRequest::new("r1").email("a@example.com");
        assert_eq!(fields(CustomerCreateRequest::new("r1")), ["email", "phone"]);
        assert_eq!(fields(base().name("Jo")), ["name"]);
        assert_eq!(fields(base().phone("+1 (555) 12")), ["phone"]);
        assert_eq!(fields(base().phone("+44 20 7946 0958 123")), ["phone"]);
        assert_eq!(
            fields(base().metadata(REFERENCE_KEY, "x")),
            ["metadata.merchant_customer_id"]
        );
        assert!(body(&CustomerCreateRequest::new("r1").phone("9123456780")).is_ok());
        assert!(body(&base().name("Al B")).is_ok());
    }

    /// The answer: `notes` as an object or `[]`, the documented `"created_at "` key, the id
    /// checks.
    #[test]
    fn answers() {
        let read = |body: &str| read_customer(&HttpResponse::new(200, vec![], body.to_owned()));
        let c = read(r#"{"id":"cust_1","entity":"customer","notes":[],"created_at ":1}"#)
            .expect("customer");
        assert_eq!((c.id.as_str(), c.reference()), ("cust_1", None));
        let c = read(r#"{"id":"cust_2","notes":{"merchant_customer_id":"r1"}}"#).expect("ok");
        assert_eq!(c.reference().as_deref(), Some("r1"));
        for bad in [
            r#"{"id":"","entity":"customer"}"#,
            r#"{"id":"order_1","entity":"order"}"#,
            r#"{"id":7}"#,
            r#"{"entity":"customer"}"#,
        ] {
            let e = read(bad).expect_err(bad);
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse, "{bad}");
        }
    }
}
