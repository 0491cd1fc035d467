//! The processor emulators, one file each, registered here.
//!
//! # Adding an emulator
//!
//! 1. Write `src/emulators/<name>.rs` with a unit struct (`Clone + Copy`) implementing
//!    [`Emulator`] — its router (routes relative to `/<name>`, e.g. `/v1/customers`), its
//!    processor-shaped error body for injected faults, the test credentials it accepts — and a
//!    [`crate::kit::create::CreateProtocol`] for its create call, mounted with
//!    [`crate::kit::create::post`]. Finish the router with
//!    [`crate::kit::routes::with_fallbacks`]. The kit ([`crate::kit`]) has the rest: auth
//!    extractors, idempotency, ids, dates, length tables, the email checker.
//! 2. Register it with one-line additions, each directly above its marker:
//!    - in `Cargo.toml`, the feature `<name> = []` above `# @prism:features`, and `"<name>"` in
//!      `all-emulators`;
//!    - here, `mod <name>;` above `// @prism:emulator-mods` (the file itself starts with
//!      `#![cfg(feature = "<name>")]`, so the module is empty without its feature);
//!    - here, `register!(all, "<name>", <name>::<Type>);` above `// @prism:emulators`.
//!
//! Fault injection, request counting and the connection handling are generic (in `lib.rs`): an
//! emulator never sees them.

use axum::http::Method;
use prism_types::Connector;

pub(crate) use crate::kit::routes::Head;
pub(crate) use crate::reply::Reply;
pub(crate) use crate::store::SharedState;

mod airwallex;
mod authorizedotnet;
mod braintree;
mod checkout;
mod finix;
mod mollie;
mod paystack;
mod razorpay;
mod shift4;
mod square;
mod stax;
mod stripe;
mod xendit;
// @prism:emulator-mods (one `mod x;` per emulator, above this marker)

/// Adds `$emulator` to `$all` when the cargo feature `$feature` is on.
macro_rules! register {
    ($all:ident, $feature:literal, $emulator:expr) => {
        #[cfg(feature = $feature)]
        $all.push(Box::new($emulator));
    };
}

/// Every compiled emulator, in registration order.
#[allow(clippy::vec_init_then_push)] // one `push` per compiled emulator
pub(crate) fn all() -> Vec<Box<dyn Emulator>> {
    #[allow(unused_mut)] // a build without any emulator
    let mut all: Vec<Box<dyn Emulator>> = Vec::new();
    register!(all, "stripe", stripe::StripeEmulator);
    register!(all, "shift4", shift4::Shift4Emulator);
    register!(all, "finix", finix::FinixEmulator);
    register!(all, "airwallex", airwallex::AirwallexEmulator);
    register!(all, "stax", stax::StaxEmulator);
    register!(
        all,
        "authorizedotnet",
        authorizedotnet::AuthorizeDotNetEmulator
    );
    register!(all, "checkout", checkout::CheckoutEmulator);
    register!(all, "square", square::SquareEmulator);
    register!(all, "braintree", braintree::BraintreeEmulator);
    register!(all, "mollie", mollie::MollieEmulator);
    register!(all, "razorpay", razorpay::RazorpayEmulator);
    register!(all, "paystack", paystack::PaystackEmulator);
    register!(all, "xendit", xendit::XenditEmulator);
    // @prism:emulators (one `register!` line per emulator, above this marker)
    all
}

/// One processor's emulator.
pub(crate) trait Emulator: Send + Sync + 'static {
    /// The processor it emulates; also its path prefix (`/<connector.as_str()>`).
    fn connector(&self) -> Connector;

    /// Its routes, relative to `/<connector>` (e.g. `/v1/customers`).
    fn router(&self, state: SharedState) -> axum::Router;

    /// The processor's own error answer for `status`, used by injected `Status` and
    /// `RateLimit` faults (headers included, e.g. Stripe's `Request-Id`).
    fn error_body(&self, status: u16) -> Reply;

    /// `(environment variable, value)` pairs of the test credentials this emulator accepts,
    /// e.g. `[("PRISM_STRIPE_API_KEY", "sk_test_prism_sandbox")]`.
    fn credentials(&self) -> &'static [(&'static str, &'static str)];

    /// Whether a request (path relative to `/<connector>`) is a customer create, the only kind
    /// faults apply to. Default: every `POST`. Override when the processor has other POSTs
    /// (e.g. a login call before the create).
    fn is_create(&self, method: &Method, path: &str) -> bool {
        let _ = path;
        method == Method::POST
    }

    /// The answer to a path no route takes. Default: [`Self::error_body`]`(404)`.
    fn not_found(&self, head: &Head) -> Reply {
        let _ = head;
        self.error_body(404)
    }

    /// The answer to a known path with a method it does not take. Default: [`Self::not_found`]
    /// (most processors answer 404 there).
    fn method_not_allowed(&self, head: &Head) -> Reply {
        self.not_found(head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every emulator's injected-fault answer keeps the status and is a JSON object (after the
    /// byte-order mark some processors send) — or, where the processor answers in XML (the
    /// reply's `Content-Type` says so), an XML document or no body; each emulator's tests check
    /// its own shape.
    #[test]
    fn error_bodies_keep_the_status_and_are_json() {
        for e in all() {
            for status in [
                400, 401, 402, 403, 404, 405, 409, 422, 429, 500, 502, 503, 504,
            ] {
                let r = e.error_body(status);
                assert_eq!(r.status, status, "{}", e.connector().as_str());
                if r.header("Content-Type").is_some_and(|t| t.contains("xml")) {
                    let ok = r.body.is_empty() || r.body.starts_with(b"<");
                    assert!(ok, "{} {status}: XML or empty", e.connector().as_str());
                    continue;
                }
                let v: serde_json::Value =
                    serde_json::from_slice(crate::kit::json::strip_bom(&r.body))
                        .unwrap_or_else(|_| panic!("{} {status}: JSON", e.connector().as_str()));
                assert!(v.is_object(), "{} {status}: {v}", e.connector().as_str());
            }
        }
    }

    #[test]
    fn registry_is_consistent() {
        let all = all();
        let mut names: Vec<_> = all.iter().map(|e| e.connector().as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len(), "one emulator per connector");
        for e in &all {
            assert!(
                !e.credentials().is_empty(),
                "{} lists its credentials",
                e.connector().as_str()
            );
            let prefix = format!("PRISM_{}_", e.connector().as_str().to_ascii_uppercase());
            for (var, _) in e.credentials() {
                assert!(var.starts_with(&prefix), "{var} starts with {prefix}");
            }
        }
    }
}
