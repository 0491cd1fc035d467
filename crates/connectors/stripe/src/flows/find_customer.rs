//! `GET /v1/customers/search?query=metadata['merchant_customer_id']:'<ref>'`: names the customer
//! behind a duplicate. Stripe's search is eventually consistent (docs.md: "searchable in less
//! than a minute", up to an hour behind in outages; not available in India), so a miss is
//! reported as "not found", never as an error.

use prism_connector::encoding::query_encode;
use prism_connector::parse::parse_json;
use prism_connector::types::Error;
use prism_connector::{
    FindCustomer, FindCustomerRequest, Flow, FlowContext, FoundCustomer, HttpRequest, HttpResponse,
};
use secrecy::ExposeSecret;

use crate::models::SearchResult;
use crate::{Stripe, API_VERSION, REFERENCE_KEY};

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
        Ok(HttpRequest::get(path)
            .sensitive_header("Authorization", self.authorization.expose_secret())
            .header("Stripe-Version", API_VERSION)
            .header("Accept", "application/json"))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<Vec<FoundCustomer>, Error> {
        let result: SearchResult = parse_json(resp)?;
        // More than one match means the account held duplicates before Prism (Stripe enforces
        // nothing); the first match is named. Stripe does not document the order of results.
        Ok(result
            .data
            .into_iter()
            .map(|c| FoundCustomer {
                merchant_customer_id: c.metadata.get(REFERENCE_KEY).cloned(),
                connector_customer_id: c.id,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StripeConfig;
    use prism_connector::types::Environment;
    use prism_connector::Method;

    #[test]
    fn query_escapes_quotes() {
        assert_eq!(
            search_query("cust_1"),
            "metadata['merchant_customer_id']:'cust_1'"
        );
        assert_eq!(
            search_query("o'brien\\x"),
            "metadata['merchant_customer_id']:'o\\'brien\\\\x'"
        );
    }

    #[test]
    fn builds_a_search_get() {
        let s = Stripe::new(StripeConfig::new("sk_test_x"));
        let ctx = FlowContext::first(Environment::Sandbox);
        let r = Flow::<FindCustomer>::build_request(
            &s,
            &FindCustomerRequest {
                merchant_customer_id: "cust_1".into(),
            },
            &ctx,
        )
        .expect("request");
        assert_eq!(r.method, Method::Get);
        assert_eq!(
            r.path,
            "/v1/customers/search?query=metadata%5B%27merchant_customer_id%27%5D%3A%27cust_1%27&limit=2"
        );
        assert!(r
            .headers
            .iter()
            .any(|h| h.name == "Authorization" && h.sensitive));
    }

    #[test]
    fn reads_the_documented_search_result() {
        let s = Stripe::new(StripeConfig::new("sk_test_x"));
        let ctx = FlowContext::first(Environment::Sandbox);
        let body = r#"{"object":"search_result","url":"/v1/customers/search","has_more":false,"next_page":null,
            "data":[{"id":"cus_new","object":"customer"},{"id":"cus_NffrFeUfNV2Hib","object":"customer"}]}"#;
        let found = Flow::<FindCustomer>::parse_response(
            &s,
            &HttpResponse::new(200, vec![], body.as_bytes().to_vec()),
            &ctx,
        );
        assert_eq!(
            FoundCustomer::pick(found.expect("parsed"), "cust_1").as_deref(),
            Some("cus_new")
        );
        let empty = r#"{"object":"search_result","data":[],"has_more":false}"#;
        let none = Flow::<FindCustomer>::parse_response(
            &s,
            &HttpResponse::new(200, vec![], empty.as_bytes().to_vec()),
            &ctx,
        );
        assert_eq!(none.expect("parsed"), vec![]);
    }
}
