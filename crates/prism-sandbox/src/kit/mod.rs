//! The emulator kit: everything two emulators would otherwise both write.
//!
//! An emulator file keeps only what is specific to its processor — routes, wire shapes, rules,
//! messages and test credentials — and builds on:
//!
//! - [`create`]: **one generic create handler** ([`create::post`]) driven by a small
//!   per-processor [`create::CreateProtocol`]: authenticate → parse → idempotency (optional) →
//!   validate → store → reply, each step a hook in the processor's own shapes. The store step
//!   runs under one lock, so a native duplicate check and the insert are atomic.
//! - [`idempotency`]: claim a key → fresh (a guard) / replay / mismatch / in flight.
//! - [`auth`]: `Authorization` extractors (Bearer, Basic), custom headers, credentials in a
//!   JSON body.
//! - [`routes`]: the processor's 404 and 405 for every unknown path or method
//!   ([`routes::with_fallbacks`], from [`crate::emulators::Emulator::not_found`] and
//!   [`crate::emulators::Emulator::method_not_allowed`]).
//! - [`ids`] and [`time`]: random ids (alphanumeric, hex, UUID v4, JWT-shaped), Unix time and
//!   the one UTC date formatter for every processor's date strings.
//! - [`limits`]: a processor's maximum lengths declared as data and checked in one place.
//! - [`email`]: the one email-syntax checker, its strictness declared per processor.
//! - [`json`]: JSON bodies (byte-order mark, objects, element order kept where a processor
//!   checks it).

pub(crate) mod auth;
pub(crate) mod create;
pub(crate) mod email;
pub(crate) mod idempotency;
pub(crate) mod ids;
pub(crate) mod json;
pub(crate) mod limits;
pub(crate) mod routes;
pub(crate) mod time;
