//! `GET /api/v1/pa/customers?merchant_customer_id=<ref>` → `{has_more, items: [Customer]}`
//! (docs.md, "Endpoint and authentication": the lookup by merchant reference). Names the
//! customer behind `resource_already_exists` / `duplicate_request`, which carry no id.

use prism_connector::encoding::query_encode;
use prism_connector::parse::parse_json;
use prism_connector::types::Error;
use prism_connector::{
    FindCustomer, FindCustomerRequest, Flow, FlowContext, FoundCustomer, HttpRequest, HttpResponse,
};
use secrecy::ExposeSecret;

use crate::models::CustomerList;
use crate::{Airwallex, API_VERSION};

/// The list path.
pub const LIST_CUSTOMERS_PATH: &str = "/api/v1/pa/customers";

impl Flow<FindCustomer> for Airwallex {
    fn build_request(
        &self,
        req: &FindCustomerRequest,
        ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let token = ctx.access_token.ok_or_else(|| {
            Error::configuration(
                "airwallex: no access token from the login step (the executor runs it first)",
            )
        })?;
        Ok(HttpRequest::get(format!(
            "{LIST_CUSTOMERS_PATH}?merchant_customer_id={}",
            query_encode(&req.merchant_customer_id)
        ))
        .sensitive_header("Authorization", format!("Bearer {}", token.expose_secret()))
        .header("x-api-version", API_VERSION)
        .header("Accept", "application/json"))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<Vec<FoundCustomer>, Error> {
        let list: CustomerList = parse_json(resp)?;
        // merchant_customer_id is unique at Airwallex: at most one item.
        Ok(list
            .items
            .into_iter()
            .map(|c| FoundCustomer {
                connector_customer_id: c.id,
                merchant_customer_id: c.merchant_customer_id,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AirwallexConfig;
    use prism_connector::types::Environment;
    use prism_connector::Method;
    use secrecy::SecretString;

    fn connector() -> Airwallex {
        Airwallex::new(AirwallexConfig::new("client", "key"))
    }

    #[test]
    fn builds_the_list_query() {
        let token = SecretString::from("tok_1".to_owned());
        let ctx = FlowContext::first(Environment::Sandbox).with_access_token(&token);
        let req = FindCustomerRequest {
            merchant_customer_id: "cust 1&x".into(),
        };
        let r = Flow::<FindCustomer>::build_request(&connector(), &req, &ctx).expect("request");
        assert_eq!(r.method, Method::Get);
        assert_eq!(
            r.path,
            "/api/v1/pa/customers?merchant_customer_id=cust+1%26x"
        );
        assert_eq!(r.header_value("Authorization"), Some("Bearer tok_1"));
        let no_token = FlowContext::first(Environment::Sandbox);
        assert!(Flow::<FindCustomer>::build_request(&connector(), &req, &no_token).is_err());
    }

    #[test]
    fn reads_the_list() {
        let ctx = FlowContext::first(Environment::Sandbox);
        let parse = |body: &str| {
            Flow::<FindCustomer>::parse_response(
                &connector(),
                &HttpResponse::new(200, vec![], body.as_bytes().to_vec()),
                &ctx,
            )
        };
        let one = r#"{"has_more":false,"items":[{"id":"cus_hkpdh1d0d298uf1","merchant_customer_id":"cust_user_12345"}]}"#;
        assert_eq!(
            FoundCustomer::pick(parse(one).expect("parsed"), "cust_user_12345").as_deref(),
            Some("cus_hkpdh1d0d298uf1")
        );
        assert_eq!(
            FoundCustomer::pick(parse(one).expect("parsed"), "cust_user_1234"),
            None,
            "another reference is never named"
        );
        assert_eq!(
            parse(r#"{"has_more":false,"items":[]}"#).expect("parsed"),
            vec![]
        );
        assert!(parse("<html>").is_err());
    }
}
