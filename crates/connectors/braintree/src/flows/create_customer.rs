//! `POST /merchants/{merchant_id}/customers`: braintree_python's `CustomerGateway.create` — the
//! request mapping is in docs.md ("Server API (option B) details").

use prism_connector::normalize::split_name;
use prism_connector::parse::created;
use prism_connector::types::{Connector, CustomerCreateRequest, Error, FieldError};
use prism_connector::{
    Body, CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};

use crate::models::{parse, CustomerXml};
use crate::{error, Braintree, ID_MAX, NAME_PART_MAX};

impl Flow<CreateCustomer> for Braintree {
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let mut errs = Vec::from_iter(id_error(&req.merchant_customer_id));
        let (first_name, last_name) = match req.name.as_deref().map(split_name) {
            Some((first, last)) => (Some(first), last),
            None => (None, None),
        };
        let too_long = |p: &&str| p.chars().count() > NAME_PART_MAX;
        if first_name.as_ref().is_some_and(too_long) || last_name.as_ref().is_some_and(too_long) {
            errs.push(FieldError::new(
                "name",
                "name_part_length",
                format!("Braintree stores the name as first_name (all but the last word) and last_name (the last word), each at most {NAME_PART_MAX} characters"),
            ));
        }
        if !errs.is_empty() {
            return Err(Error::invalid_fields(errs).with_connector(Connector::Braintree));
        }
        let xml = CustomerXml {
            id: &req.merchant_customer_id,
            first_name,
            last_name,
            email: req.email.as_deref(),
            phone: req.phone.as_deref(),
        }
        .to_xml()
        .map_err(|e| {
            Error::configuration(format!("braintree: could not encode the request ({e})"))
        })?;
        // The contract's body kinds are JSON and forms; an encoded body with its own content
        // type travels as `Body::Json` with that type (the executor sends the bytes as they are).
        let body = Body::Json {
            bytes: xml.into_bytes().into(),
            content_type: "application/xml",
        };
        Ok(self.with_headers(HttpRequest::post(self.customers_path(""), body)))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        let unexpected = |why: &str| Error::unexpected_response(resp.status, &resp.body, why);
        let root = parse(resp.body_without_bom()).map_err(|why| unexpected(&why))?;
        match root.name.as_str() {
            // A refusal is a refusal whatever the status: nothing was created.
            "api-error-response" => Err(error::validation_error(resp, &root)),
            "customer" => match root.text_at(&["id"]) {
                // No idempotency: an answer is never a replay.
                Some(id) => created(resp, id.to_owned()),
                None => Err(unexpected("a <customer> without an <id>")),
            },
            _ => Err(unexpected("not a <customer>")),
        }
    }
}

/// Braintree's customer-id rules beyond the length (`91610`, `91611`, `91612`): the reference
/// becomes the id, so a reference Braintree would refuse is refused before sending.
pub(crate) fn id_error(id: &str) -> Option<FieldError> {
    let charset = id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let why = if !charset {
        "Braintree uses it as the customer id: only letters, digits, '-' and '_'"
    } else if id == "all" || id == "new" {
        "Braintree uses it as the customer id: 'all' and 'new' are not allowed"
    } else if id.is_empty() || id.chars().count() > ID_MAX {
        "Braintree uses it as the customer id: 1 to 36 characters"
    } else {
        return None;
    };
    Some(FieldError::new(
        "merchant_customer_id",
        "braintree_customer_id",
        why,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BraintreeConfig;
    use prism_connector::types::{Environment, ErrorKind};

    fn braintree() -> Box<dyn Flow<CreateCustomer>> {
        Box::new(Braintree::new(BraintreeConfig::new(
            "merchant_1",
            "pub",
            "priv",
        )))
    }

    fn ctx() -> FlowContext<'static> {
        FlowContext::first(Environment::Sandbox)
    }

    /// docs.md's example body, byte for byte, with the SDK's headers (the wire request as a
    /// whole: the conformance snapshots).
    #[test]
    fn docs_example_request_exactly() {
        let docs = include_str!("../../docs.md");
        let start = docs
            .find("<customer><id>cust_user_12345")
            .expect("example in docs.md");
        let example = &docs[start..start + docs[start..].find('\n').expect("line end")];
        let req = CustomerCreateRequest::new("cust_user_12345")
            .email("john.doe@example.com")
            .name("John Doe")
            .phone("+1-555-123-4567");
        let r = braintree().build_request(&req, &ctx()).expect("built");
        assert_eq!(std::str::from_utf8(r.body.bytes()), Ok(example));
        assert_eq!(r.path, "/merchants/merchant_1/customers");
        assert_eq!(r.body.content_type(), Some("application/xml"));
        for (h, v) in [("Accept", "application/xml"), ("X-ApiVersion", "6")] {
            assert_eq!(r.header_value(h), Some(v));
        }
        assert!(r
            .headers
            .iter()
            .any(|h| h.name == "Authorization" && h.sensitive));
    }

    #[test]
    fn braintree_rules_are_checked_before_sending() {
        let r = CustomerCreateRequest::new;
        let (a255, b255) = ("a".repeat(255), "b".repeat(255));
        for (req, field) in [
            (r("a-Z_9"), None),
            (r(&"x".repeat(36)), None),
            (r("Bartholomew").name(format!("{a255} {b255}")), None),
            (r("cust 1"), Some("merchant_customer_id")),
            (r("cust.1"), Some("merchant_customer_id")),
            (r("çust"), Some("merchant_customer_id")),
            (r("all"), Some("merchant_customer_id")),
            (r("new"), Some("merchant_customer_id")),
            (r(&"x".repeat(37)), Some("merchant_customer_id")),
            (r("c1").name(format!("{a255}a")), Some("name")),
            (r("c1").name(format!("John {b255}b")), Some("name")),
        ] {
            let named: Vec<String> = match braintree().build_request(&req, &ctx()) {
                Ok(_) => vec![],
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::InvalidRequest);
                    e.field_errors().iter().map(|f| f.field.clone()).collect()
                }
            };
            assert_eq!(named, Vec::from_iter(field), "{req:?}");
        }
    }

    /// 2xx answers that are no created customer (bodies that are no XML at all: the
    /// conformance `malformed_success`).
    #[test]
    fn odd_success_bodies() {
        let read = |body: &str| {
            let resp = HttpResponse::new(201, vec![], body.as_bytes().to_vec());
            braintree().parse_response(&resp, &ctx())
        };
        for body in [
            "<customer/>",
            "<customer><id> </id></customer>",
            "<html>x</html>",
        ] {
            assert_eq!(
                read(body).expect_err(body).kind(),
                ErrorKind::UnexpectedResponse
            );
        }
        let refused = "<api-error-response><errors><customer><errors><error><code>81604</code><attribute>email</attribute></error></errors></customer></errors></api-error-response>";
        assert_eq!(
            read(refused).expect_err("refused").kind(),
            ErrorKind::InvalidRequest
        );
        let ok = read(
            "\u{feff}<customer><id>c_1</id><global-id>Y3VzdG9tZXJfY18x</global-id></customer>",
        );
        assert_eq!(ok.expect("created").connector_customer_id, "c_1");
    }
}
