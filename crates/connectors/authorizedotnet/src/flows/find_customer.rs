//! `getCustomerProfileRequest` by `merchantCustomerId` (docs.md "Lookup"): one profile, or E00040
//! "The record cannot be found." in an HTTP 200. A direct read, yet declared eventually
//! consistent: a miss is not proof of absence (docs.md "Unverified"). The profile's own
//! `merchantCustomerId` is returned, so only an exact match counts.

use prism_connector::types::Error;
use prism_connector::{
    FindCustomer, FindCustomerRequest, Flow, FlowContext, FoundCustomer, HttpRequest, HttpResponse,
};

use crate::error::{first, in_band};
use crate::models::{Envelope, GetCustomerProfileRequest, MerchantAuthentication, Response};
use crate::AuthorizeDotNet;

impl Flow<FindCustomer> for AuthorizeDotNet {
    fn build_request(
        &self,
        req: &FindCustomerRequest,
        _ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let merchant_authentication = MerchantAuthentication::of(&self.config);
        let merchant_customer_id = &req.merchant_customer_id;
        let get = GetCustomerProfileRequest {
            merchant_authentication,
            merchant_customer_id,
        };
        Envelope::GetCustomerProfileRequest(get).post([
            "/getCustomerProfileRequest/merchantAuthentication/name",
            "/getCustomerProfileRequest/merchantAuthentication/transactionKey",
        ])
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        _ctx: &FlowContext<'_>,
    ) -> Result<Vec<FoundCustomer>, Error> {
        let profile = match Response::read(resp)? {
            Ok(answer) => answer.profile.unwrap_or_default(),
            // E00040 "The record cannot be found.": none.
            Err(m) if first(&m).0 == Some("E00040") => return Ok(Vec::new()),
            Err(m) => return Err(in_band(resp, &m)),
        };
        let Some(id) = profile.customer_profile_id else {
            let why = "resultCode Ok without profile.customerProfileId";
            return Err(Error::unexpected_response(resp.status, &resp.body, why));
        };
        // A profile without a reference cannot be this call's.
        let reference = profile.merchant_customer_id.unwrap_or_default();
        Ok(vec![FoundCustomer {
            connector_customer_id: id,
            merchant_customer_id: Some(reference),
        }])
    }
}

#[cfg(test)]
mod tests {
    //! The request and a plain find against the emulator: the behaviour suite.
    use super::*;
    use crate::AuthorizeDotNetConfig;
    use prism_connector::types::{Environment, ErrorKind::*};
    use prism_connector::Configurator;

    /// The documented replies (tests/fixtures/authorizedotnet/lookup/), another reference, no
    /// reference, no profile, another error (one message as an object, not an array).
    #[test]
    fn what_a_reply_names() {
        let api = AuthorizeDotNetConfig::new("login", "key").into_connector();
        let ctx = FlowContext::first(Environment::Sandbox);
        let read = |resp: &HttpResponse| {
            let found = Flow::<FindCustomer>::parse_response(&api, resp, &ctx);
            found.map(|f| FoundCustomer::pick(f, "MerchantCustID"))
        };
        for (name, id) in [("found", Some("527262")), ("not_found", None)] {
            let resp = prism_testkit::fixture("authorizedotnet", &format!("lookup/{name}"));
            assert_eq!(read(&resp).expect(name).as_deref(), id);
        }
        let ok = |p: &str| format!(r#"{{"profile":{{{p}}},"messages":{{"resultCode":"Ok"}}}}"#);
        let e00007 = r#"{"messages":{"resultCode":"Error","message":{"code":"E00007"}}}"#;
        for (body, kind) in [
            (
                ok(r#""customerProfileId":"9","merchantCustomerId":"x""#),
                None,
            ),
            (ok(r#""customerProfileId":9"#), None),
            (ok(""), Some(UnexpectedResponse)),
            (e00007.to_owned(), Some(Authentication)),
        ] {
            let got = read(&HttpResponse::new(200, vec![], body.clone().into_bytes()));
            assert_eq!(
                got.map_err(|e| e.kind()),
                kind.map_or(Ok(None), Err),
                "{body}"
            );
        }
    }
}
