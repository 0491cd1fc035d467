//! `POST /customers` (api-version 2020-10-31, `type: INDIVIDUAL`). The mapping is in docs.md
//! ("Request mapping").

use prism_connector::normalize::{phone_e164ish, split_name};
use prism_connector::parse::{created, parse_json};
use prism_connector::types::{Connector, CustomerCreateRequest, Error, FieldError};
use prism_connector::{
    CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};

use crate::models::{Address, Customer, CustomerBody, IndividualDetail};
use crate::{Xendit, NAME_PART_MAX};

impl Flow<CreateCustomer> for Xendit {
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let mut errs = Vec::new();
        let (given_names, surname) = split_name(req.name.as_deref().unwrap_or_default());
        let too_long = |s: &str| s.chars().count() > NAME_PART_MAX;
        if given_names.is_empty() {
            errs.push(FieldError::new(
                "name",
                "required_by_connector",
                "is required by xendit (individual_detail.given_names)",
            ));
        } else if too_long(given_names) || surname.is_some_and(too_long) {
            errs.push(FieldError::new(
                "name",
                "name_part_length",
                format!("Xendit stores the name as given_names (all but the last word) and surname (the last word), each at most {NAME_PART_MAX} characters"),
            ));
        }
        let mobile_number = req.phone.as_deref().map(phone_e164ish);
        if mobile_number
            .as_deref()
            .is_some_and(|p| !p.starts_with('+'))
        {
            errs.push(FieldError::new(
                "phone",
                "e164",
                "Xendit takes E.164 numbers: start with + and the country code",
            ));
        }
        let mut addresses = Vec::new();
        if let Some(a) = &req.address {
            match a.country.as_deref() {
                Some(country) => addresses.push(Address {
                    country,
                    street_line1: a.line1.as_deref(),
                    street_line2: a.line2.as_deref(),
                    city: a.city.as_deref(),
                    province_state: a.state.as_deref(),
                    postal_code: a.postal_code.as_deref(),
                    is_primary: true,
                }),
                None => errs.push(FieldError::new(
                    "address.country",
                    "required_by_connector",
                    "is required by xendit when an address is given",
                )),
            }
        }
        if !errs.is_empty() {
            return Err(Error::invalid_fields(errs).with_connector(Connector::Xendit));
        }
        let body = CustomerBody {
            reference_id: &req.merchant_customer_id,
            kind: "INDIVIDUAL",
            individual_detail: IndividualDetail {
                given_names,
                surname,
            },
            email: req.email.as_deref(),
            mobile_number,
            description: req.description.as_deref(),
            addresses,
            metadata: &req.metadata,
        };
        let http = HttpRequest::post_json("/customers", &body)?;
        Ok(self
            .with_headers(http)
            .header_opt("idempotency-key", ctx.idempotency_key))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        let customer: Customer = parse_json(resp)?;
        if customer.reference_id.as_deref().is_some_and(str::is_empty) {
            return Err(Error::unexpected_response(
                resp.status,
                &resp.body,
                "not a customer object (empty reference_id)",
            ));
        }
        // Xendit marks no replay of an idempotency key (docs.md "Unverified"): never `replayed`.
        created(resp, customer.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::XenditConfig;
    use prism_connector::types::{Address as PrismAddress, Environment, ErrorKind};

    fn xendit() -> Box<dyn Flow<CreateCustomer>> {
        Box::new(Xendit::new(XenditConfig::new("xnd_development_k")))
    }

    fn ctx() -> FlowContext<'static> {
        FlowContext::first(Environment::Sandbox).with_idempotency_key("prism_k", true)
    }

    /// docs.md's example request, byte for byte, with its headers.
    #[test]
    fn docs_example_request_exactly() {
        let docs = include_str!("../../docs.md");
        let example = prism_testkit::docs::json_example(docs, "POST /customers HTTP/1.1");
        let req = prism_testkit::requests::request_with_address("cust_user_12345");
        let r = xendit().build_request(&req, &ctx()).expect("built");
        assert_eq!(std::str::from_utf8(r.body.bytes()), Ok(example.as_str()));
        assert_eq!(r.header_value("api-version"), Some("2020-10-31"));
        assert_eq!(r.header_value("idempotency-key"), Some("prism_k"));
        let auth = r.headers.iter().find(|h| h.name == "Authorization");
        assert!(auth.is_some_and(|h| h.sensitive && h.value == "Basic eG5kX2RldmVsb3BtZW50X2s6"));
    }

    fn refused(req: &CustomerCreateRequest) -> Vec<String> {
        match xendit().build_request(req, &ctx()) {
            Ok(_) => vec![],
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::InvalidRequest);
                assert!(!e.to_string().contains("Bartholomew"), "no personal data");
                e.field_errors().iter().map(|f| f.field.clone()).collect()
            }
        }
    }

    #[test]
    fn xendit_rules_are_checked_before_sending() {
        let r = || CustomerCreateRequest::new("r").name("John Doe");
        let (a50, x51) = ("a".repeat(50), "x".repeat(51));
        for (req, field) in [
            (r().name(format!("{a50} {a50}")), None),
            (r().name("Cher"), None),
            (r().name(format!("Bartholomew {x51}")), Some("name")),
            (r().name(&x51), Some("name")),
            (CustomerCreateRequest::new("r"), Some("name")),
            (r().phone("+62 812-1234-5678"), None),
            (r().phone("0812 1234 5678"), Some("phone")),
            (
                r().address(PrismAddress::new().with_city("Jakarta")),
                Some("address.country"),
            ),
            (r().address(PrismAddress::new().with_country("ID")), None),
        ] {
            assert_eq!(
                refused(&req),
                Vec::from_iter(field.map(str::to_owned)),
                "{req:?}"
            );
        }
    }

    #[test]
    fn answers_without_a_customer_are_unexpected() {
        for body in [
            "{}",
            r#"{"id":7}"#,
            r#"{"id":""}"#,
            r#"{"id":"cust-1","reference_id":""}"#,
        ] {
            let r = HttpResponse::new(200, vec![], body.as_bytes().to_vec());
            let e = xendit().parse_response(&r, &ctx()).expect_err(body);
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
        }
    }
}
