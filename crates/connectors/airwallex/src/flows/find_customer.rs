//! `GET /api/v1/pa/customers?merchant_customer_id=<ref>` → `{has_more, items: [Customer]}`
//! (docs.md, "Endpoint and authentication": the lookup by merchant reference). Names the
//! customer behind `resource_already_exists` / `duplicate_request`, which carry no id.

use prism_connector::encoding::query_encode;
use prism_connector::parse::parse_json;
use prism_connector::types::Error;
use prism_connector::{
    FindCustomer, FindCustomerRequest, Flow, FlowContext, FoundCustomer, HttpRequest, HttpResponse,
};

use crate::models::CustomerList;
use crate::{login_token, with_token, Airwallex};

/// The list path.
pub const LIST_CUSTOMERS_PATH: &str = "/api/v1/pa/customers";

impl Flow<FindCustomer> for Airwallex {
    fn build_request(
        &self,
        req: &FindCustomerRequest,
        ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let token = login_token(ctx)?;
        let reference = query_encode(&req.merchant_customer_id);
        let path = format!("{LIST_CUSTOMERS_PATH}?merchant_customer_id={reference}");
        Ok(with_token(HttpRequest::get(path), token))
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
