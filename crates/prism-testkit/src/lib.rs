//! # prism-testkit
//!
//! Test support for the Prism workspace, for `[dev-dependencies]` only (never a normal
//! dependency of a connector crate: `cargo xtask tidy` would see tokio behind it).
//!
//! - [`fixtures`]: the one loader of `tests/fixtures/<connector>/<reply>.json` (the processors'
//!   documented replies, each with the outcome it stands for in its `expect` object).
//! - [`leaks`]: the suites' personal test values and the check that no credential or personal
//!   value shows in a text (an error, a `Debug`, a snapshot, captured tracing), and that a
//!   request a connector built hides its credentials.
//! - [`requests`]: the product page's example request and address.
//! - [`docs`]: the JSON examples of a connector's `docs.md`, minified.
//! - [`json`]: comparing JSON shapes (key sets, subsets).
//! - `sandbox` (feature `sandbox`): clients of the embedded sandbox built from the credentials it
//!   accepts with a fast retry policy, and raw requests to an emulator.
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

pub mod docs;
pub mod fixtures;
pub mod json;
pub mod leaks;
pub mod requests;
#[cfg(feature = "sandbox")]
pub mod sandbox;

pub use fixtures::{fixture, fixture_names};
