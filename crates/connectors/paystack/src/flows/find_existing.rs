//! `GET /customer/{email}` before every create (docs.md "Idempotency and duplicates"): Paystack
//! answers a create for an e-mail it holds with that customer (HTTP 200), so the customer is
//! looked up first. 404 → none; found with this reference → `AlreadyExists` naming it; found
//! with another reference or none → someone else's customer.

use prism_connector::encoding::query_encode;
use prism_connector::types::{Connector, CustomerCreateRequest, Error, ErrorKind};
use prism_connector::{ConnectorApi, FindExisting, Flow, FlowContext, HttpRequest, HttpResponse};

use crate::Paystack;

impl Flow<FindExisting> for Paystack {
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let email = super::create_customer::email(req)?;
        Ok(self.authorized(HttpRequest::get(format!(
            "/customer/{}",
            query_encode(email)
        ))))
    }

    /// Without the request no customer can be shown to be this call's.
    fn parse_response(&self, resp: &HttpResponse, _ctx: &FlowContext<'_>) -> Result<(), Error> {
        read(resp, None)
    }

    fn parse_response_for(
        &self,
        req: &CustomerCreateRequest,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<(), Error> {
        read(resp, Some(&req.merchant_customer_id))
    }

    fn parse_error_response(
        &self,
        resp: &HttpResponse,
        ctx: &FlowContext<'_>,
    ) -> Result<(), Error> {
        match resp.status {
            // "Customer email is invalid for your live domain." (documented fetch 404).
            404 => Ok(()),
            _ => Err(self.parse_error(resp, ctx)),
        }
    }
}

/// A fetched customer against `reference` (the request's).
fn read(resp: &HttpResponse, reference: Option<&str>) -> Result<(), Error> {
    let (customer, code) = super::customer(resp)?;
    match (customer.reference(), reference) {
        (Some(theirs), Some(ours)) if theirs == ours => Err(Error::new(
            ErrorKind::AlreadyExists,
            format!(
                "a customer with this merchant_customer_id already exists at paystack ({code})"
            ),
        )
        .with_connector(Connector::Paystack)
        .with_http_status(resp.status)
        .with_retryable(false)
        .with_existing_customer_id(Some(code))),
        (theirs, _) => Err(super::someone_elses(resp, &code, theirs)),
    }
}
