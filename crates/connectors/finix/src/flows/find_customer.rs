//! `GET /identities?tags.key=merchant_customer_id&tags.value=<ref>`: the buyer Identities
//! carrying a reference (docs.md "Lookup"; the filter is in Finix's official SDK
//! `identities_api.py`). Its consistency after a create and its matching rules are undocumented,
//! so the connector declares it eventually consistent (a hit settles an unknown outcome, a miss
//! does not) and returns each Identity's tag, so that only an exact match counts.

use prism_connector::parse::found_customers;
use prism_connector::types::Error;
use prism_connector::{
    FindCustomer, FindCustomerRequest, Flow, FlowContext, FoundCustomer, HttpRequest, HttpResponse,
};

use crate::models::{Hal, Identities};
use crate::{Finix, REFERENCE_KEY};

impl Flow<FindCustomer> for Finix {
    fn build_request(
        &self,
        req: &FindCustomerRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let path = format!("/identities?tags.key={REFERENCE_KEY}");
        Ok(self.with_headers(req.get_by(&path, "tags.value")))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<Vec<FoundCustomer>, Error> {
        found_customers(
            resp,
            |list: Hal<Identities>| list.embedded.map(|e| e.identities).unwrap_or_default(),
            |i| FoundCustomer::new(i.id, i.tags.get(REFERENCE_KEY).cloned()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FinixConfig;
    use prism_connector::types::Environment;

    /// Each Identity's tag is read, so only an exact match counts (the request and the lookup
    /// against the emulator: the behaviour suite's `lookup_by_reference`).
    #[test]
    fn only_an_exact_tag_counts() {
        let f = Finix::new(FinixConfig::new("USu", "pw"));
        let ctx = FlowContext::first(Environment::Sandbox);
        let body = r#"{"_embedded":{"identities":[{"id":"IDother","tags":{"merchant_customer_id":"cust 1&x2"}},{"id":"IDmine","tags":{"merchant_customer_id":"cust 1&x"}}]}}"#;
        let resp = HttpResponse::new(200, vec![], body.as_bytes().to_vec());
        let found = Flow::<FindCustomer>::parse_response(&f, &resp, &ctx).expect("parsed");
        let picked = FoundCustomer::pick(found, "cust 1&x");
        assert_eq!(picked.as_deref(), Some("IDmine"));
    }
}
