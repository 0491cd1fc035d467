//! `POST /v2/customers/search` (`SearchCustomers`) with `query.filter.reference_id.exact`: the
//! customers carrying a reference, oldest first. Square documents the search as eventually
//! consistent ("well under 30 seconds", occasionally "closer to one minute or longer"), so a
//! miss proves nothing; it calls the filter both case-insensitive and exact, so each customer's
//! `reference_id` is returned for the facade's exact comparison. `reference_id` is not unique at
//! Square: several matches are possible, the oldest is named.

use prism_connector::parse::found_customers;
use prism_connector::types::Error;
use prism_connector::{
    FindCustomer, FindCustomerRequest, Flow, FlowContext, FoundCustomer, HttpRequest, HttpResponse,
};
use serde_json::json;

use crate::models::SearchResponse;
use crate::{Square, SEARCH_PATH};

impl Flow<FindCustomer> for Square {
    fn build_request(
        &self,
        req: &FindCustomerRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let body = json!({
            "limit": 100,
            "query": {
                "filter": {"reference_id": {"exact": req.merchant_customer_id}},
                "sort": {"field": "CREATED_AT", "order": "ASC"},
            },
        });
        Ok(self.authorized(HttpRequest::post_json(SEARCH_PATH, &body)?))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<Vec<FoundCustomer>, Error> {
        found_customers(
            resp,
            |found: SearchResponse| found.customers,
            // A listed customer without a reference cannot be ours.
            |c| FoundCustomer::new(c.id, Some(c.reference_id.unwrap_or_default())),
        )
    }
}

#[cfg(test)]
mod tests {
    //! The documented search replies (`tests/fixtures/square/search/`), and the request. The
    //! round trip against the emulator is the behaviour suite's `lookup_by_reference`.
    use super::*;
    use crate::SquareConfig;
    use prism_connector::types::Environment;
    use prism_testkit::fixtures::{expectation, fixture};

    fn square() -> Square {
        Square::new(SquareConfig::new("EAAAtoken"))
    }

    #[test]
    fn the_search_request() {
        let req = FindCustomerRequest {
            merchant_customer_id: "cust_1".into(),
        };
        let ctx = FlowContext::first(Environment::Sandbox);
        let http = Flow::<FindCustomer>::build_request(&square(), &req, &ctx).expect("request");
        prism_testkit::leaks::assert_request_hides(&http, ["EAAAtoken"]);
        assert_eq!(http.path, "/v2/customers/search");
        assert_eq!(http.header_value("Square-Version"), Some("2025-08-20"));
        let body: serde_json::Value = serde_json::from_slice(http.body.bytes()).expect("json");
        assert_eq!(body["query"]["filter"]["reference_id"]["exact"], "cust_1");
    }

    #[test]
    fn documented_replies_and_exact_matches() {
        let ctx = FlowContext::first(Environment::Sandbox);
        for name in ["search/found", "search/empty"] {
            let found =
                Flow::<FindCustomer>::parse_response(&square(), &fixture("square", name), &ctx)
                    .expect(name);
            let want = expectation("square", name).expect("expect");
            let id = FoundCustomer::pick(found, "cust_user_12345");
            assert_eq!(
                id.as_deref(),
                want["connector_customer_id"].as_str(),
                "{name}"
            );
        }
        let body = r#"{"customers":[{"id":"A","reference_id":"CUST_1"},{"id":"B"},
            {"id":"C","reference_id":"cust_1"}],"cursor":"x"}"#;
        let resp = HttpResponse::new(200, vec![], body.as_bytes().to_vec());
        let found = Flow::<FindCustomer>::parse_response(&square(), &resp, &ctx).expect("parsed");
        assert_eq!(FoundCustomer::pick(found, "cust_1").as_deref(), Some("C"));
    }
}
