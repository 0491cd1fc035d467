//! Shared by the sandbox's integration tests.
#![allow(dead_code)]

use std::time::Duration;

use prism::{Address, RetryPolicy};

/// The default retry count with millisecond backoff, so fault tests run fast.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        ..Default::default()
    }
}

/// The product page's example address (single street line).
pub fn example_address() -> Address {
    Address {
        line1: Some("1 Main St".into()),
        city: Some("Springfield".into()),
        state: Some("IL".into()),
        postal_code: Some("62701".into()),
        country: Some("US".into()),
        ..Address::default()
    }
}
