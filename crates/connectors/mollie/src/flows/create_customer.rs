//! `POST /customers`: the request from Prism's fields, the created customer from the answer.

use prism_connector::parse::{created, parse_json};
use prism_connector::types::{CustomerCreateRequest, Error};
use prism_connector::{
    Body, CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};
use secrecy::ExposeSecret;

use crate::models::{Customer, CustomerBody};
use crate::Mollie;

impl Flow<CreateCustomer> for Mollie {
    // TODO(scaffold): path, authentication, headers and body from the processor's reference.
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let body = CustomerBody {
            reference: &req.merchant_customer_id,
            email: req.email.as_deref(),
            name: req.name.as_deref(),
            phone: req.phone.as_deref(),
            description: req.description.as_deref(),
            metadata: &req.metadata,
            address: req.address.as_ref(),
        };
        let body = Body::json(&body)
            .map_err(|e| Error::configuration(format!("cannot encode the request: {e}")))?;
        Ok(HttpRequest::post("/customers", body).sensitive_header(
            "Authorization",
            format!("Bearer {}", self.config.api_key.expose_secret()),
        ))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        let customer: Customer = parse_json(resp)?;
        created(resp, customer.id)
    }
}
