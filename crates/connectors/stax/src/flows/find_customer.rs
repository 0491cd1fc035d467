//! `GET /customer?reference=<ref>`: the customers carrying a reference, in Stax's
//! Laravel-paginated list (docs.md "Idempotency and duplicates": `reference` is a documented
//! Find-All filter). Whether the filter is exact-match, and how soon a new customer is listed,
//! are undocumented: each customer's `reference` is returned so that only an exact match counts,
//! and the lookup is declared eventually consistent (a miss proves nothing). Soft-deleted
//! customers (`deleted_at` set) are left out.

use prism_connector::parse::found_customers;
use prism_connector::types::Error;
use prism_connector::{
    FindCustomer, FindCustomerRequest, Flow, FlowContext, FoundCustomer, HttpRequest, HttpResponse,
};

use crate::models::CustomerPage;
use crate::Stax;

impl Flow<FindCustomer> for Stax {
    fn build_request(
        &self,
        req: &FindCustomerRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        Ok(self.authorized(req.get_by("/customer", "reference")))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<Vec<FoundCustomer>, Error> {
        found_customers(
            resp,
            |page: CustomerPage| page.data.into_iter().filter(|c| c.deleted_at.is_none()),
            // A listed customer without a reference cannot be ours.
            |c| FoundCustomer::new(c.id, Some(c.reference.unwrap_or_default())),
        )
    }
}

#[cfg(test)]
mod tests {
    //! The request and a plain find are the behaviour suite's `lookup_by_reference`.
    use super::*;
    use crate::StaxConfig;
    use prism_connector::types::Environment;

    #[test]
    fn only_live_exact_matches_count() {
        let body = r#"{"total":3,"per_page":25,"current_page":1,"data":[
            {"id":"c-prefix","reference":"cust_10","deleted_at":null},
            {"id":"c-deleted","reference":"cust_1","deleted_at":"2024-01-01 00:00:00"},
            {"id":"c-mine","reference":"cust_1","deleted_at":null}]}"#;
        let resp = HttpResponse::new(200, vec![], body.as_bytes().to_vec());
        let ctx = FlowContext::first(Environment::Sandbox);
        let stax = Stax::new(StaxConfig::new("k"));
        let found = Flow::<FindCustomer>::parse_response(&stax, &resp, &ctx).expect("parsed");
        assert_eq!(
            FoundCustomer::pick(found, "cust_1").as_deref(),
            Some("c-mine")
        );
    }
}
