#![no_main]
//! Every connector's `parse_response` (and `parse_token`) on arbitrary bytes: never a panic.

use libfuzzer_sys::fuzz_target;
use prism::{Environment, FlowContext};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let connectors = common::connectors();
    if let Some((which, resp)) = common::split(data, connectors.len()) {
        let token = secrecy::SecretString::from("tok_fuzz".to_owned());
        let ctx = FlowContext::first(Environment::Sandbox)
            .with_idempotency_key("prism_fuzz", true)
            .with_access_token(&token);
        let c = &connectors[which];
        if let Ok(out) = c.parse_response(&resp, &ctx) {
            assert!(!out.connector_customer_id.is_empty());
        }
        let _ = c.parse_token(&resp);
    }
});
