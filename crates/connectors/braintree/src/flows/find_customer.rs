//! `GET /merchants/{merchant_id}/customers/{reference}`: braintree_python's
//! `CustomerGateway.find`. The reference is the customer id, so this is a read by primary key:
//! 200 `<customer>` when it exists, 404 when not (docs.md "Lookup").

use prism_connector::encoding::query_encode;
use prism_connector::types::Error;
use prism_connector::{
    FindCustomer, FindCustomerRequest, Flow, FlowContext, FoundCustomer, HttpRequest, HttpResponse,
};

use crate::models::parse;
use crate::Braintree;

impl Flow<FindCustomer> for Braintree {
    fn build_request(
        &self,
        req: &FindCustomerRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        // A valid customer id needs no encoding; anything else stays one path segment.
        let id = query_encode(&req.merchant_customer_id);
        Ok(self.with_headers(HttpRequest::get(self.customers_path(&format!("/{id}")))))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<Vec<FoundCustomer>, Error> {
        // (The executor hands a 404 to `parse_error_response`; a caller reading any answer here
        // gets the same reading.)
        if resp.status == 404 {
            return Ok(Vec::new());
        }
        let unexpected = |why: &str| Error::unexpected_response(resp.status, &resp.body, why);
        let root = parse(resp.body_without_bom()).map_err(|why| unexpected(&why))?;
        let id = (root.name == "customer")
            .then(|| root.text_at(&["id"]))
            .flatten()
            .ok_or_else(|| unexpected("not a <customer> with an <id>"))?;
        // The id is the reference: the facade's exact comparison keeps a loosely matching
        // find (case, say) from naming another customer.
        Ok(vec![FoundCustomer {
            connector_customer_id: id.to_owned(),
            merchant_customer_id: Some(id.to_owned()),
        }])
    }

    fn parse_error_response(
        &self,
        resp: &HttpResponse,
        ctx: &FlowContext<'_>,
    ) -> Result<Vec<FoundCustomer>, Error> {
        match resp.status {
            404 => Ok(Vec::new()),
            _ => Err(prism_connector::ConnectorApi::parse_error(self, resp, ctx)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BraintreeConfig;
    use prism_connector::types::{Environment, ErrorKind};

    /// The path, 404 as "none", and only an exact id counts (the lookup against the emulator:
    /// the behaviour suite's `lookup_by_reference`).
    #[test]
    fn find_by_id() {
        let b = Braintree::new(BraintreeConfig::new("m1", "pub", "priv"));
        let ctx = FlowContext::first(Environment::Sandbox);
        let find = |r: &str| FindCustomerRequest {
            merchant_customer_id: r.to_owned(),
        };
        let path = |r| {
            Flow::<FindCustomer>::build_request(&b, &find(r), &ctx)
                .expect("req")
                .path
        };
        assert_eq!(path("cust_1"), "/merchants/m1/customers/cust_1");
        assert_eq!(path("a/b"), "/merchants/m1/customers/a%2Fb");
        let read = |status, body: &str| {
            let resp = HttpResponse::new(status, vec![], body.as_bytes().to_vec());
            match status {
                200 => Flow::<FindCustomer>::parse_response(&b, &resp, &ctx),
                _ => Flow::<FindCustomer>::parse_error_response(&b, &resp, &ctx),
            }
        };
        assert_eq!(read(404, "").expect("none"), vec![]);
        let resp = HttpResponse::new(404, vec![], Vec::new());
        let none = Flow::<FindCustomer>::parse_response(&b, &resp, &ctx).expect("none");
        assert_eq!(none, vec![]);
        let found = read(200, "<customer><id>CUST_1</id></customer>").expect("one");
        assert_eq!(FoundCustomer::pick(found.clone(), "cust_1"), None);
        assert_eq!(
            FoundCustomer::pick(found, "CUST_1").as_deref(),
            Some("CUST_1")
        );
        assert_eq!(
            read(401, "").expect_err("401").kind(),
            ErrorKind::Authentication
        );
        assert_eq!(
            read(200, "<x/>").expect_err("x").kind(),
            ErrorKind::UnexpectedResponse
        );
    }
}
