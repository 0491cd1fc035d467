//! # Prism
//!
//! One typed, async API for payment-processor operations, whatever processor sits behind it.
//! The first operation creates a customer record at the processor:
//!
//! ```no_run
//! use prism::{CustomerClient, Connector, Environment, CustomerCreateRequest};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = CustomerClient::new(Connector::Stripe, std::env::var("STRIPE_API_KEY")?, Environment::Sandbox)?;
//! let response = client
//!     .create(CustomerCreateRequest::new("cust_user_12345")
//!         .email("john.doe@example.com")
//!         .name("John Doe")
//!         .phone("+1-555-123-4567")
//!         .description("Premium plan subscriber"))
//!     .await?;
//! assert_eq!(response.merchant_customer_id, "cust_user_12345");
//! println!("{}", response.connector_customer_id);   // "cus_…"
//! # Ok(()) }
//! ```
//!
//! ## Cargo features
//!
//! | feature | connector |
//! |---|---|
//! | `all-connectors` (default) | every connector below |
//! | `authorizedotnet` | Authorize.net (CIM customer profiles) |
//! | `stripe` | Stripe |
//! | `shift4` | Shift4 |
//! | `stax` | Stax (formerly Fattmerchant) |
//! | `airwallex` | Airwallex (client id + API key; login token exchange) |
//! | `finix` | Finix, a buyer Identity (username + password, HTTP Basic) |
//!
//! A client for a connector whose feature is off fails with [`ErrorKind::Unsupported`], naming
//! the feature to enable.
//!
//! ## Guarantees
//!
//! - Bad input fails with [`ErrorKind::InvalidRequest`] listing every field and rule; nothing is sent.
//! - A field the processor cannot store is rejected ([`UnsupportedFields::Reject`], default) or
//!   reported in the response ([`UnsupportedFields::Ignore`]); never dropped silently.
//! - A create is resent only where the processor makes resending safe (idempotency key or native
//!   uniqueness), or when nothing was sent; the same key is used on every attempt.
//! - Secrets and personal data never appear in `Debug`, errors or tracing.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod registry;
mod settings;

pub use client::{CallOptions, CustomerClient, CustomerClientBuilder, Reconciliation};
pub use prism_connector::{
    Capabilities, CreateCustomer, CreatedCustomer, CreatesCustomers, CredentialField,
    DuplicateDetection, FindExisting, Flow, FlowContext, FoundCustomer, HttpRequest, HttpResponse,
    Idempotency, Lookup, ReferenceStorage,
};
pub use prism_http::{Proxy, RetryPolicy};
pub use prism_types::{
    redact, Address, Connector, CustomerCreateRequest, CustomerCreateResponse, CustomerStatus,
    Diagnostics, Environment, Error, ErrorKind, FieldError, OnDuplicate, UnsupportedFields,
};
pub use registry::{capabilities, compiled_connectors, validate, ConnectorConfig};
pub use settings::{ClientBuilder, ClientCore, ClientSettings, ServiceClient};

#[cfg(feature = "airwallex")]
pub use prism_connector_airwallex::AirwallexConfig;
#[cfg(feature = "authorizedotnet")]
pub use prism_connector_authorizedotnet::AuthorizeDotNetConfig;
#[cfg(feature = "braintree")]
pub use prism_connector_braintree::BraintreeConfig;
#[cfg(feature = "checkout")]
pub use prism_connector_checkout::CheckoutConfig;
#[cfg(feature = "finix")]
pub use prism_connector_finix::FinixConfig;
#[cfg(feature = "mollie")]
pub use prism_connector_mollie::MollieConfig;
#[cfg(feature = "paystack")]
pub use prism_connector_paystack::PaystackConfig;
#[cfg(feature = "razorpay")]
pub use prism_connector_razorpay::RazorpayConfig;
#[cfg(feature = "shift4")]
pub use prism_connector_shift4::Shift4Config;
#[cfg(feature = "square")]
pub use prism_connector_square::SquareConfig;
#[cfg(feature = "stax")]
pub use prism_connector_stax::StaxConfig;
#[cfg(feature = "stripe")]
pub use prism_connector_stripe::StripeConfig;
#[cfg(feature = "xendit")]
pub use prism_connector_xendit::XenditConfig;
// @prism:reexports
