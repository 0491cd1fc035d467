//! `GET /customers?reference_id=<ref>`: the customer carrying a reference (docs.md "Lookup by
//! merchant reference"; xendit-go `GetCustomerByReferenceID`). `reference_id` is unique, so the
//! list has 0 or 1 element; read-after-write is undocumented, hence `Lookup::Eventual`.

use prism_connector::parse::found_customers;
use prism_connector::types::Error;
use prism_connector::{
    FindCustomer, FindCustomerRequest, Flow, FlowContext, FoundCustomer, HttpRequest, HttpResponse,
};

use crate::models::CustomerList;
use crate::Xendit;

impl Flow<FindCustomer> for Xendit {
    fn build_request(
        &self,
        req: &FindCustomerRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        Ok(self.with_headers(req.get_by("/customers", "reference_id")))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<Vec<FoundCustomer>, Error> {
        found_customers(
            resp,
            |list: CustomerList| list.data,
            |c| FoundCustomer::new(c.id, c.reference_id),
        )
    }

    /// The SDK's documented "not found" codes of this call are an empty answer, not an error.
    fn parse_error_response(
        &self,
        resp: &HttpResponse,
        ctx: &FlowContext<'_>,
    ) -> Result<Vec<FoundCustomer>, Error> {
        let e = crate::error::parse_error(resp, ctx);
        match e.connector_code() {
            Some("ENTITY_NOT_FOUND_ERROR" | "END_CUSTOMER_NOT_FOUND_ERROR" | "DATA_NOT_FOUND")
                if matches!(resp.status, 400 | 404) =>
            {
                Ok(Vec::new())
            }
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::XenditConfig;
    use prism_connector::types::Environment;

    #[test]
    fn lookup_request_and_answers() {
        let x = Xendit::new(XenditConfig::new("xnd_development_k"));
        let ctx = FlowContext::first(Environment::Sandbox);
        let req = FindCustomerRequest {
            merchant_customer_id: "cust 1&x".into(),
        };
        let r = Flow::<FindCustomer>::build_request(&x, &req, &ctx).expect("built");
        assert_eq!(r.path, "/customers?reference_id=cust+1%26x");
        assert_eq!(r.header_value("api-version"), Some("2020-10-31"));
        let body = r#"{"data":[{"id":"cust-2","reference_id":"cust 1&x2"},{"id":"cust-1","reference_id":"cust 1&x"}],"has_more":false}"#;
        let resp = HttpResponse::new(200, vec![], body.as_bytes().to_vec());
        let found = Flow::<FindCustomer>::parse_response(&x, &resp, &ctx).expect("parsed");
        assert_eq!(
            FoundCustomer::pick(found, "cust 1&x").as_deref(),
            Some("cust-1")
        );
        let missing = br#"{"error_code":"END_CUSTOMER_NOT_FOUND_ERROR","message":"m"}"#;
        let resp = HttpResponse::new(404, vec![], missing.to_vec());
        let none = Flow::<FindCustomer>::parse_error_response(&x, &resp, &ctx);
        assert_eq!(none.ok(), Some(vec![]));
        let resp = HttpResponse::new(404, vec![], b"<html>".to_vec());
        assert!(Flow::<FindCustomer>::parse_error_response(&x, &resp, &ctx).is_err());
    }
}
