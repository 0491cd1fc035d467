//! `GET /v1/customers/search?query=metadata['merchant_customer_id']:'<ref>'`: names the customer
//! behind a duplicate. Stripe's search is eventually consistent (docs.md: "searchable in less
//! than a minute", up to an hour behind in outages; not available in India), so a miss is
//! reported as "not found", never as an error.

use prism_connector::encoding::query_encode;
use prism_connector::parse::found_customers;
use prism_connector::types::Error;
use prism_connector::{
    FindCustomer, FindCustomerRequest, Flow, FlowContext, FoundCustomer, HttpRequest, HttpResponse,
};

use crate::models::SearchResult;
use crate::{Stripe, REFERENCE_KEY};

/// The search query for a reference: values are single-quoted; `'` and `\` are escaped with a
/// backslash (Stripe search query language).
pub(crate) fn search_query(reference: &str) -> String {
    let escaped = reference.replace('\\', "\\\\").replace('\'', "\\'");
    format!("metadata['{REFERENCE_KEY}']:'{escaped}'")
}

impl Flow<FindCustomer> for Stripe {
    fn build_request(
        &self,
        req: &FindCustomerRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let path = format!(
            "/v1/customers/search?query={}&limit=2",
            query_encode(&search_query(&req.merchant_customer_id))
        );
        Ok(self.authorized(HttpRequest::get(path)))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<Vec<FoundCustomer>, Error> {
        // More than one match means the account held duplicates before Prism (Stripe enforces
        // nothing); the first match is named. Stripe does not document the order of results.
        found_customers(
            resp,
            |result: SearchResult| result.data,
            |c| FoundCustomer::new(c.id, c.metadata.get(REFERENCE_KEY).cloned()),
        )
    }
}

#[cfg(test)]
mod tests {
    //! The search request and its answer, found and not found, are the behaviour suite's
    //! `lookup_by_reference` (sent to the emulator, which parses the query back). Both flows add
    //! the key with `Stripe::authorized`.
    use super::*;
    use prism_connector::types::Environment;

    #[test]
    fn the_key_is_hidden() {
        let s = Stripe::new(crate::StripeConfig::new("sk_test_x"));
        let req = FindCustomerRequest {
            merchant_customer_id: "cust_1".into(),
        };
        let ctx = FlowContext::first(Environment::Sandbox);
        let r = Flow::<FindCustomer>::build_request(&s, &req, &ctx).expect("request");
        prism_testkit::leaks::assert_request_hides(&r, ["sk_test_x"]);
    }

    #[test]
    fn query_escapes_quotes() {
        for (reference, query) in [
            ("cust_1", "metadata['merchant_customer_id']:'cust_1'"),
            (
                r"o'brien\x",
                r"metadata['merchant_customer_id']:'o\'brien\\x'",
            ),
        ] {
            assert_eq!(search_query(reference), query);
        }
    }
}
