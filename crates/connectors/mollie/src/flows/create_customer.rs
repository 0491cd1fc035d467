//! Mollie `POST /v2/customers`: the JSON body from Prism's fields (with Mollie's own rules
//! checked first), the customer (or a replay read as a duplicate or as this call's own) from the
//! answer.

use prism_connector::parse::{created_or_replayed, parse_json};
use prism_connector::rules::reserved_reference_key;
use prism_connector::types::{Connector, CustomerCreateRequest, Environment, Error, FieldError};
use prism_connector::{
    CreateCustomer, CreatedCustomer, Flow, FlowContext, HttpRequest, HttpResponse,
};

use crate::models::{Customer, CustomerRequest, Metadata};
use crate::{Mollie, METADATA_MAX_BYTES, REFERENCE_KEY};

impl Flow<CreateCustomer> for Mollie {
    fn build_request(
        &self,
        req: &CustomerCreateRequest,
        ctx: &FlowContext<'_>,
    ) -> Result<HttpRequest, Error> {
        let body = CustomerRequest {
            name: req.name.as_deref(),
            email: req.email.as_deref(),
            metadata: Metadata {
                merchant_customer_id: &req.merchant_customer_id,
                caller: &req.metadata,
            },
        };
        check(req, &body)?;
        Ok(HttpRequest::post_json("/v2/customers", &body)?
            .bearer_auth(&self.config.api_key)
            .header("Accept", "application/hal+json")
            .header_opt("Idempotency-Key", ctx.idempotency_key))
    }

    fn parse_response(
        &self,
        resp: &HttpResponse,
        ctx: &FlowContext<'_>,
    ) -> Result<CreatedCustomer, Error> {
        let customer: Customer = parse_json(resp)?;
        let want_mode = match ctx.environment {
            Environment::Sandbox => "test",
            Environment::Production => "live",
        };
        if customer.id.trim().is_empty()
            || customer
                .resource
                .as_deref()
                .is_some_and(|r| r != "customer")
            || customer.mode.as_deref().is_some_and(|m| m != want_mode)
        {
            let why = format!("not a {want_mode}-mode customer object");
            return Err(Error::unexpected_response(resp.status, &resp.body, why));
        }
        let replayed = resp
            .header("idempotent-replayed")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        // A replay is a duplicate or this call's own (SPEC §4).
        created_or_replayed(Connector::Mollie, resp, ctx, customer.id, replayed, None)
    }
}

/// Mollie's own rules, checked before anything is sent: the whole `metadata` object within its
/// ~1 kB (measured as the compact JSON Prism sends), an ASCII email (Mollie wants non-ASCII
/// domains in Punycode), and the reserved reference key (repeated from validation so that the
/// connector used on its own never overwrites the reference).
fn check(req: &CustomerCreateRequest, body: &CustomerRequest<'_>) -> Result<(), Error> {
    let mut errs = Vec::new();
    errs.extend(reserved_reference_key(req, REFERENCE_KEY, "Mollie"));
    let size = serde_json::to_vec(&body.metadata).map_or(usize::MAX, |b| b.len());
    if size > METADATA_MAX_BYTES {
        errs.push(FieldError::new(
            "metadata",
            "max_serialized_bytes",
            format!(
                "with merchant_customer_id it is {size} bytes of JSON; Mollie stores at most {METADATA_MAX_BYTES} (\"approximately 1 kB\")"
            ),
        ));
    }
    if req.email.as_deref().is_some_and(|e| !e.is_ascii()) {
        errs.push(FieldError::new(
            "email",
            "ascii",
            "Mollie accepts ASCII addresses only: write a non-ASCII domain in Punycode (RFC 3492)",
        ));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid_fields(errs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MollieConfig;
    use prism_connector::types::ErrorKind;

    const KEY: &str = "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM";

    fn conn() -> Mollie {
        Mollie::new(MollieConfig::new(KEY))
    }

    fn body(http: &HttpRequest) -> &str {
        std::str::from_utf8(http.body.bytes()).expect("utf8")
    }

    #[test]
    fn wire_request_matches_the_sdk() {
        // docs.md "Request mapping": what @mollie/api-client 4.6.0 sends for the same fields.
        let req = CustomerCreateRequest::new("cust_user_12345")
            .email("john.doe@example.com")
            .name("John Doe")
            .metadata("plan", "premium");
        let ctx = FlowContext::first(Environment::Sandbox).with_idempotency_key("prism_abc", true);
        let http = conn().build_request(&req, &ctx).expect("request");
        assert_eq!(
            (http.method.as_str(), http.path.as_str()),
            ("POST", "/v2/customers")
        );
        assert_eq!(http.body.content_type(), Some("application/json"));
        assert_eq!(
            body(&http),
            r#"{"name":"John Doe","email":"john.doe@example.com","metadata":{"merchant_customer_id":"cust_user_12345","plan":"premium"}}"#
        );
        assert_eq!(
            http.header_value("Authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
        assert_eq!(http.header_value("Accept"), Some("application/hal+json"));
        assert_eq!(http.header_value("Idempotency-Key"), Some("prism_abc"));
        let printed = format!("{http:?} {:?}", http.redacted());
        assert!(!printed.contains(KEY), "{printed}");
    }

    #[test]
    fn minimal_request_never_sends_unstorable_fields() {
        let req = CustomerCreateRequest::new("r1")
            .phone("+1 555 123 4567")
            .description("d")
            .address(prism_connector::types::Address::new().with_line1("1 Main St"));
        let http = conn()
            .build_request(&req, &FlowContext::first(Environment::Sandbox))
            .expect("request");
        assert_eq!(body(&http), r#"{"metadata":{"merchant_customer_id":"r1"}}"#);
        assert_eq!(http.header_value("Idempotency-Key"), None);
    }

    #[test]
    fn mollie_rules_are_checked_before_sending() {
        let ctx = FlowContext::first(Environment::Sandbox);
        let fields = |req: CustomerCreateRequest| -> Vec<String> {
            let e = conn().build_request(&req, &ctx).expect_err("refused");
            assert_eq!(e.kind(), ErrorKind::InvalidRequest);
            e.field_errors().iter().map(|f| f.field.clone()).collect()
        };
        // {"merchant_customer_id":"r","k0":"vvv…"}: 31 bytes of frame + key + value.
        let fits = |n: usize| CustomerCreateRequest::new("r").metadata("k0", "v".repeat(n));
        let exact = 1024 - r#"{"merchant_customer_id":"r","k0":""}"#.len();
        assert!(conn().build_request(&fits(exact), &ctx).is_ok());
        assert_eq!(fields(fits(exact + 1)), ["metadata"]);
        // Bytes, not characters: "é" is 2 bytes of UTF-8; quotes are escaped (2 bytes each).
        let mut wide = CustomerCreateRequest::new("r");
        for i in 0..3 {
            wide = wide.metadata(format!("k{i}"), "é\"".repeat(100));
        }
        assert_eq!(fields(wide), ["metadata"]);
        let umlaut = CustomerCreateRequest::new("r").email("jan@müller.de");
        assert_eq!(fields(umlaut), ["email"]);
        let reserved = CustomerCreateRequest::new("r").metadata(REFERENCE_KEY, "x");
        assert_eq!(fields(reserved), ["metadata.merchant_customer_id"]);
    }

    fn created(body: &str, headers: &[(&str, &str)]) -> HttpResponse {
        let headers = headers.iter().map(|(k, v)| ((*k).into(), (*v).into()));
        HttpResponse::new(201, headers.collect(), body.to_owned())
    }

    #[test]
    fn replays_are_duplicates_or_this_calls_own() {
        let r = created(
            r#"{"resource":"customer","id":"cst_8wmqcHMN4U","mode":"test"}"#,
            &[("Idempotent-Replayed", "true")],
        );
        let first = FlowContext::first(Environment::Sandbox).with_idempotency_key("k", true);
        let e = conn().parse_response(&r, &first).expect_err("duplicate");
        assert_eq!(e.kind(), ErrorKind::AlreadyExists);
        assert_eq!(e.existing_customer_id(), Some("cst_8wmqcHMN4U"));
        let mut lost = first;
        lost.earlier_attempt_may_have_applied = true;
        let own = conn().parse_response(&r, &lost).expect("own");
        assert!(own.replayed && own.connector_customer_id == "cst_8wmqcHMN4U");
        let caller = FlowContext::first(Environment::Sandbox).with_idempotency_key("k", false);
        assert!(
            conn()
                .parse_response(&r, &caller)
                .expect("caller key")
                .replayed
        );
    }

    #[test]
    fn odd_success_bodies_are_unexpected_responses() {
        let ctx = FlowContext::first(Environment::Sandbox);
        let huge = format!("{{\"id\":\"{}", "x".repeat(2_000_000));
        for body in [
            "",
            "<html>ok</html>",
            "\u{feff}",
            "{\"id\":",
            "null",
            "[]",
            "{}",
            "{\"id\":\"\"}",
            "{\"id\":7}",
            r#"{"resource":"payment","id":"tr_1","mode":"test"}"#,
            r#"{"resource":"customer","id":"cst_1","mode":"live"}"#,
            r#"{"status":422,"title":"Unprocessable Entity","detail":"x"}"#,
            huge.as_str(),
        ] {
            let e = conn()
                .parse_response(&created(body, &[]), &ctx)
                .expect_err(&body[..body.len().min(40)]);
            assert_eq!(e.kind(), ErrorKind::UnexpectedResponse);
        }
        let bom = created(
            "\u{feff}{\"resource\":\"customer\",\"id\":\"cst_A\",\"mode\":\"test\"}",
            &[],
        );
        assert_eq!(
            conn()
                .parse_response(&bom, &ctx)
                .expect("ok")
                .connector_customer_id,
            "cst_A"
        );
    }
}
