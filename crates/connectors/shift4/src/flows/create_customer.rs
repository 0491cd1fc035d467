//! Shift4 `POST /customers`: the request from Prism's fields, the created customer from the answer.

use prism_connector::parse::parse_json;
use prism_connector::rules::reserved_reference_key;
use prism_connector::types::{CustomerCreateRequest, Error, FieldError};
use prism_connector::{
    CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};

use crate::models::{Customer, CustomerRequest, Metadata};
use crate::{Shift4, REFERENCE_KEY};

impl Flow<CreateCustomer> for Shift4 {
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        // Validation has already enforced both rules; they are repeated here so the connector
        // used on its own can never send a body Shift4 would reject or misread.
        let Some(email) = req.email.as_deref() else {
            return Err(Error::invalid_fields(vec![FieldError::new(
                "email",
                "required_by_connector",
                "is required by Shift4",
            )]));
        };
        if let Some(reserved) = reserved_reference_key(req, REFERENCE_KEY, "Shift4") {
            return Err(Error::invalid_fields(vec![reserved]));
        }
        let body = CustomerRequest {
            email,
            description: req.description.as_deref(),
            metadata: Metadata {
                caller: &req.metadata,
                merchant_customer_id: &req.merchant_customer_id,
            },
        };
        Ok(HttpRequest::post_json("/customers", &body)?
            .sensitive_header("Authorization", self.config.authorization())
            .header("Accept", "application/json")
            .header_opt("Idempotency-Key", ctx.idempotency_key))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        let customer: Customer = parse_json(resp)?;
        if customer.id.trim().is_empty()
            || customer
                .object_type
                .as_deref()
                .is_some_and(|o| o != "customer")
            || customer.deleted == Some(true)
        {
            return Err(Error::unexpected_response(
                resp.status,
                &resp.body,
                "not a live customer object",
            ));
        }
        // Shift4 replays a stored answer for a reused Idempotency-Key without saying so (no replay
        // header is documented), so a replay cannot be told apart from a fresh create here.
        Ok(CreatedCustomer {
            connector_customer_id: customer.id,
            replayed: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Shift4Config;
    use prism_connector::types::{Address, Environment, ErrorKind};

    fn conn() -> Shift4 {
        Shift4::new(Shift4Config::new("sk_test_example"))
    }

    #[test]
    fn wire_request_matches_the_documented_example() {
        // docs.md "Request mapping": the full example with name/phone/address omitted (they are
        // rejected or reported by validation before this point).
        let req = CustomerCreateRequest::new("cust_user_12345")
            .email("john.doe@example.com")
            .description("Premium plan subscriber")
            .metadata("plan", "premium");
        let ctx = FlowContext::first(Environment::Sandbox).with_idempotency_key("prism_abc", true);
        let http = conn().build_request(&req, &ctx).expect("request");
        assert_eq!(http.path, "/customers");
        assert_eq!(http.body.content_type(), Some("application/json"));
        assert_eq!(
            std::str::from_utf8(http.body.bytes()).expect("utf8"),
            r#"{"email":"john.doe@example.com","description":"Premium plan subscriber","metadata":{"plan":"premium","merchant_customer_id":"cust_user_12345"}}"#
        );
        assert_eq!(
            http.header_value("Authorization"),
            Some("Basic c2tfdGVzdF9leGFtcGxlOg==")
        );
        assert_eq!(http.header_value("Accept"), Some("application/json"));
        assert_eq!(http.header_value("Idempotency-Key"), Some("prism_abc"));
        let printed = format!("{http:?} {:?}", http.redacted());
        assert!(!printed.contains("c2tfdGVzdF9leGFtcGxlOg"), "{printed}");
        assert!(!printed.contains("sk_test_example"), "{printed}");
    }

    #[test]
    fn minimal_request_and_never_undocumented_fields() {
        let req = CustomerCreateRequest::new("r1")
            .email("a@example.com")
            .name("John Doe")
            .phone("+1 555 123 4567")
            .address(Address::new().with_line1("1 Main St").with_country("US"));
        let http = conn()
            .build_request(&req, &FlowContext::first(Environment::Sandbox))
            .expect("request");
        // Only documented fields; name/phone/address have no place at Shift4.
        assert_eq!(
            std::str::from_utf8(http.body.bytes()).expect("utf8"),
            r#"{"email":"a@example.com","metadata":{"merchant_customer_id":"r1"}}"#
        );
        assert_eq!(http.header_value("Idempotency-Key"), None);
    }

    #[test]
    fn missing_email_and_reserved_key_are_refused() {
        let ctx = FlowContext::first(Environment::Sandbox);
        let e = conn()
            .build_request(&CustomerCreateRequest::new("r1"), &ctx)
            .expect_err("no email");
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert_eq!(e.field_errors()[0].field, "email");
        let req = CustomerCreateRequest::new("r1")
            .email("a@example.com")
            .metadata(REFERENCE_KEY, "x");
        let e = conn().build_request(&req, &ctx).expect_err("reserved");
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
    }

    #[test]
    fn odd_success_bodies_are_unexpected_responses() {
        let ctx = FlowContext::first(Environment::Sandbox);
        let huge = format!("{{\"id\":\"{}", "x".repeat(2_000_000));
        for body in [
            "",
            "<html>ok</html>",
            "\u{feff}",
            "{\"id\":",
            "null",
            "[]",
            "{}",
            "{\"id\":\"\"}",
            "{\"id\":7}",
            "{\"id\":\"char_1\",\"objectType\":\"charge\"}",
            "{\"id\":\"cust_1\",\"objectType\":\"customer\",\"deleted\":true}",
            "{\"error\":{\"type\":\"invalid_request\",\"message\":\"m\"}}",
            huge.as_str(),
        ] {
            let r = HttpResponse::new(200, vec![], body.as_bytes().to_vec());
            let e = conn()
                .parse_response(&r, &ctx)
                .expect_err(&body[..body.len().min(40)]);
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
        }
        let r = HttpResponse::new(
            200,
            vec![],
            b"\xEF\xBB\xBF{\"id\":\"cust_A\",\"objectType\":\"customer\"}".to_vec(),
        );
        assert_eq!(
            conn()
                .parse_response(&r, &ctx)
                .expect("ok")
                .connector_customer_id,
            "cust_A"
        );
    }
}
