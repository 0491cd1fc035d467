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

/// "The record cannot be found."
const NOT_FOUND: &str = "E00040";

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
            Err(m) if first(&m).0 == Some(NOT_FOUND) => return Ok(Vec::new()),
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
    //! The request and a plain find against the emulator: the behaviour suite's
    //! `lookup_by_reference`; the documented reply: tests/fixtures/authorizedotnet/lookup/.
    use super::*;
    use crate::AuthorizeDotNetConfig;
    use prism_connector::types::{Environment, ErrorKind};
    use prism_connector::Configurator;

    fn read(body: &str) -> Result<Option<String>, Error> {
        read_resp(&HttpResponse::new(200, vec![], body.as_bytes().to_vec()))
    }

    fn read_resp(resp: &HttpResponse) -> Result<Option<String>, Error> {
        let api = AuthorizeDotNetConfig::new("login", "key").into_connector();
        let ctx = FlowContext::first(Environment::Sandbox);
        let found = Flow::<FindCustomer>::parse_response(&api, resp, &ctx)?;
        Ok(FoundCustomer::pick(found, "MerchantCustID"))
    }

    /// The API reference's example, the documented E00040, another reference, odd answers.
    #[test]
    fn documented_replies() {
        for (name, id) in [("found", Some("527262")), ("not_found", None)] {
            let resp = prism_testkit::fixture("authorizedotnet", &format!("lookup/{name}"));
            assert_eq!(read_resp(&resp).expect(name).as_deref(), id, "{name}");
        }
        let ok = r#""messages":{"resultCode":"Ok"}"#;
        let other =
            format!(r#"{{"profile":{{"customerProfileId":"9","merchantCustomerId":"x"}},{ok}}}"#);
        assert_eq!(read(&other).expect("other"), None);
        let none = format!(r#"{{"profile":{{"customerProfileId":9}},{ok}}}"#);
        assert_eq!(read(&none).expect("no reference"), None);
        let e = read(&format!("{{{ok}}}")).expect_err("no profile");
        assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
        let auth =
            r#"{"messages":{"resultCode":"Error","message":[{"code":"E00007","text":"x"}]}}"#;
        assert_eq!(
            read(auth).expect_err("auth").kind(),
            ErrorKind::Authentication
        );
    }
}
