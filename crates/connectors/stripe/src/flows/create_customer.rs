//! Stripe `POST /v1/customers`: the form body from Prism's fields, the customer (or a replay read
//! as a duplicate or as this call's own) from the answer.

use prism_connector::encoding::FormEncoder;
use prism_connector::parse::{created_or_replayed, parse_json};
use prism_connector::types::{Connector, CustomerCreateRequest, Error};
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
        let http = HttpRequest::post("/v1/customers", Body::Form(form.finish().into()));
        Ok(self
            .authorized(http)
            .header_opt("Idempotency-Key", ctx.idempotency_key))
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
        // A replay is a duplicate or this call's own (SPEC §4).
        let request_id = Some("request-id");
        created_or_replayed(
            Connector::Stripe,
            resp,
            ctx,
            customer.id,
            replayed,
            request_id,
        )
    }
}
