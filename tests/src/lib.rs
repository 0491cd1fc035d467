//! The conformance harness: one table of cases ([`mod@cases`]) run against every connector arm
//! ([`arms()`]) through a wiremock server replaying the connector's documented replies
//! (`tests/fixtures/<connector>/<reply>.json`).
//!
//! Adding a connector: one [`Arm`] in `src/arms.rs` and its name in the `conformance!` list in
//! `tests/conformance.rs` (both at their `@prism:` markers). The snapshots of the outgoing
//! requests land in `tests/snapshots/` and must be reviewed.
#![forbid(unsafe_code)]
#![allow(missing_docs, clippy::unwrap_used)]

pub mod arms;
pub mod capture;
pub mod cases;
pub mod fixtures;
pub mod redact;

pub use arms::{arm, arms, Arm, Replies};
