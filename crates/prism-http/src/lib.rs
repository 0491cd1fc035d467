//! The executor: the only Prism crate that performs I/O.
//!
//! It takes a connector's pure [`HttpRequest`](prism_connector::HttpRequest) values and owns everything around them:
//! the per-attempt timeout and the overall deadline, the idempotency key (one per logical call,
//! reused on every attempt), the retry decision (only where resending cannot create a duplicate),
//! access-token caching, body-size limits, scrubbing of secrets and personal data from errors, and
//! tracing (which never records bodies, credentials or personal data). It sends with
//! hyper-util's pooled client (TLS by rustls, webpki roots), directly or through an HTTP
//! proxy's `CONNECT` tunnel ([`Proxy`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod base_url;
mod executor;
mod retry;

pub use base_url::{validate_base_url, BaseUrl};
pub use executor::{Call, Executor, ExecutorConfig, Outcome, Proxy};
pub use retry::{derive_idempotency_key, KeyDeriver, RetryPolicy};
