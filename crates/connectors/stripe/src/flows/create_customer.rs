//! Stripe `POST /v1/customers`: the form body from Prism's fields, the customer (or a replay read
//! as a duplicate or as this call's own) from the answer.

use prism_connector::encoding::FormEncoder;
use prism_connector::parse::parse_json;
use prism_connector::types::{CustomerCreateRequest, Error, ErrorKind};
use prism_connector::{
    Body, CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};

use crate::models::{CreatedCustomer as Created, ObjectType};
use crate::{Stripe, REFERENCE_KEY};

impl Flow<CreateCustomer> for Stripe {
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let mut form = FormEncoder::with_capacity(512);
        form.push_opt("email", req.email.as_deref())
            .push_opt("name", req.name.as_deref())
            .push_opt("phone", req.phone.as_deref())
            .push_opt("description", req.description.as_deref());
        if let Some(a) = &req.address {
            for (k, v) in [
                ("line1", &a.line1),
                ("line2", &a.line2),
                ("city", &a.city),
                ("state", &a.state),
                ("postal_code", &a.postal_code),
                ("country", &a.country),
            ] {
                if let Some(v) = v {
                    form.push_nested("address", k, v);
                }
            }
        }
        form.push_nested("metadata", REFERENCE_KEY, &req.merchant_customer_id);
        for (k, v) in &req.metadata {
            form.push_nested("metadata", k, v);
        }
        let mut http = self.authorized(HttpRequest::post(
            "/v1/customers",
            Body::Form(form.finish().into()),
        ));
        if let Some(key) = ctx.idempotency_key {
            http = http.header("Idempotency-Key", key);
        }
        Ok(http)
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        let customer: Created = parse_json(resp)?;
        if customer.id.is_empty() || customer.object.is_some_and(|o| o != ObjectType::Customer) {
            return Err(Error::unexpected_response(
                resp.status,
                &resp.body,
                "not a customer object",
            ));
        }
        let replayed = resp
            .header("idempotent-replayed")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        if replayed && ctx.key_from_reference && !ctx.earlier_attempt_may_have_applied {
            // Nothing this call sent before can have created it: an earlier call with the same
            // reference-derived key did. That is a duplicate (SPEC §4). (A key the caller chose
            // and reused is the caller's own retry of one operation: its replay is a success.)
            return Err(Error::new(
                ErrorKind::AlreadyExists,
                "a customer with this merchant_customer_id was already created at this Stripe account (idempotent replay)",
            )
            .with_http_status(resp.status)
            .with_request_id(resp.header("request-id").map(str::to_owned))
            .with_existing_customer_id(Some(customer.id)));
        }
        Ok(CreatedCustomer {
            connector_customer_id: customer.id,
            replayed,
        })
    }
}
