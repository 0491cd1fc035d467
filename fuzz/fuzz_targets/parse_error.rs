#![no_main]
//! Every connector's `parse_error` on arbitrary bytes: never a panic, always a status code.

use libfuzzer_sys::fuzz_target;
use prism::{Environment, FlowContext};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let connectors = common::connectors();
    if let Some((which, resp)) = common::split(data, connectors.len()) {
        let ctx = FlowContext::first(Environment::Sandbox);
        let e = connectors[which].parse_error(&resp, &ctx);
        assert!(e.status_code().is_some());
        let _ = e.to_string();
    }
});
