//! The conformance harness: one table of cases ([`mod@cases`]) run against every connector arm
//! ([`arms()`], derived from each connector's own declarations and fixtures) through a wiremock
//! server replaying the connector's documented replies (`tests/fixtures/<connector>/<reply>.json`,
//! each stating its expected reading, checked by `tests/fixtures.rs`); and one behaviour suite
//! ([`behaviour`]) run for every connector against the embedded sandbox, each case gated by the
//! connector's declared capabilities.
//!
//! Adding a connector: its fixtures (with `expect`) and `arm.json` in `tests/fixtures/<name>/`,
//! and its name in the `conformance!` list in `tests/conformance.rs` (at its `@prism:` marker).
//! The snapshots of the outgoing requests land in `src/snapshots/` and must be reviewed. The
//! behaviour suite needs nothing: it runs for every compiled connector.
#![forbid(unsafe_code)]
#![allow(missing_docs, clippy::unwrap_used)]

pub mod arms;
pub mod behaviour;
pub mod capture;
pub mod cases;
pub mod fixtures;
pub mod redact;

pub use arms::{arm, arms, Arm, Replies};
