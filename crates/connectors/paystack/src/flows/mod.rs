//! The operations Paystack implements: the e-mail check before a create, and the create.

mod create_customer;
mod find_existing;

use prism_connector::parse::parse_json;
use prism_connector::types::{Connector, Error, ErrorKind};
use prism_connector::HttpResponse;

use crate::models::{Customer, Envelope};

/// The customer of a 2xx envelope: `status: false` is a failure (read like an error answer), a
/// success without `data.customer_code` or a body that is not an envelope is unexpected.
fn customer(resp: &HttpResponse) -> Result<(Customer, String), Error> {
    let envelope: Envelope = parse_json(resp)?;
    if !envelope.status {
        return Err(crate::error::parse_error(resp));
    }
    let unexpected = |why| Error::unexpected_response(resp.status, &resp.body, why);
    let customer = envelope
        .data
        .ok_or_else(|| unexpected("a success envelope without data"))?;
    match customer.customer_code.clone() {
        Some(code) if !code.trim().is_empty() => Ok((customer, code)),
        _ => Err(unexpected("the customer has no customer_code")),
    }
}

/// The answer when Paystack holds a customer for the request's e-mail that is not this
/// reference's (another `merchant_customer_id` or none): someone else's customer. It is
/// `AlreadyExists` without an id, so no duplicate policy returns it as this call's.
fn someone_elses(resp: &HttpResponse, code: &str, theirs: Option<&str>) -> Error {
    let whose = if theirs.is_some() {
        "another merchant_customer_id"
    } else {
        "no merchant_customer_id"
    };
    Error::new(
        ErrorKind::AlreadyExists,
        format!(
            "paystack already holds a customer with this e-mail ({code}) carrying {whose}; \
             Paystack keys customers by e-mail and answers a create with that customer, so none was created"
        ),
    )
    .with_connector(Connector::Paystack)
    .with_http_status(resp.status)
    .with_retryable(false)
}
