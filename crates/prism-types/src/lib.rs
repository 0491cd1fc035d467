//! Domain values shared by every Prism crate: the customer-create request and response,
//! [`Connector`] and [`Environment`], the call policies, and the one error type [`Error`].
//!
//! This crate does no I/O and knows no processor's wire format.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod connector;
mod error;
pub mod iso3166;
pub mod redact;
mod request;
mod response;

pub use connector::{Connector, Environment, ParseConnectorError};
pub use error::{Error, ErrorKind, FieldError};
pub use request::{Address, CustomerCreateRequest, OnDuplicate, UnsupportedFields};
pub use response::{CustomerCreateResponse, CustomerStatus, Diagnostics};
