//! `GET /api/v1/pa/customers?merchant_customer_id=<ref>` → `{has_more, items: [Customer]}`
//! (docs.md, "Endpoint and authentication": the lookup by merchant reference). Names the
//! customer behind `resource_already_exists` / `duplicate_request`, which carry no id.

use prism_connector::parse::found_customers;
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
        let list = req.get_by(LIST_CUSTOMERS_PATH, "merchant_customer_id");
        Ok(with_token(list, token))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<Vec<FoundCustomer>, Error> {
        // merchant_customer_id is unique at Airwallex: at most one item.
        found_customers(
            resp,
            |list: CustomerList| list.items,
            |c| FoundCustomer::new(c.id, c.merchant_customer_id),
        )
    }
}
