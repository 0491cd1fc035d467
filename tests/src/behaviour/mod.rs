//! One behaviour suite for every compiled connector, against the embedded sandbox
//! (`prism_sandbox`), each case gated by what the connector declares (model: OpenDAL's behavior
//! tests, skipped where the service's `Capability` excludes them; object_store's one integration
//! suite every backend calls).
//!
//! A connector gets the whole suite by being registered (compiled in, with an emulator): there is
//! no per-connector code here. Each case runs once per connector on a fresh sandbox; a case the
//! connector's declarations exclude is skipped with the reason printed
//! (`cargo test -p prism-conformance --test behaviour -- --nocapture`). A failure names the
//! connector; every connector runs before the case fails. The tracing of the whole suite is
//! checked for credentials and personal data.
//!
//! Adding a case: an `async fn` in [`cases`] (or [`faults`]), a [`Case`] in [`all`], its name
//! in `tests/behaviour.rs`.

pub mod cases;
pub mod faults;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use prism::{Capabilities, Connector, CreatesCustomers, DuplicateDetection};
use prism_sandbox::Sandbox;

/// The connector a case runs for, with what it declares.
#[derive(Clone)]
pub struct Subject {
    pub connector: Connector,
    pub caps: &'static Capabilities,
    /// The pure connector (test credentials): what it offers (token step, finder).
    pub api: Arc<dyn CreatesCustomers>,
}

impl Subject {
    pub fn new(connector: Connector) -> Self {
        Subject {
            connector,
            caps: prism::capabilities(connector).expect("compiled"),
            api: crate::arms::test_config(connector).into_connector(),
        }
    }

    pub fn emulated(&self) -> bool {
        Sandbox::connectors().contains(&self.connector)
    }

    pub fn has_finder(&self) -> bool {
        self.api.finder().is_some()
    }

    /// Requests the connector's check before every create adds (0 or 1): Paystack looks the
    /// e-mail up first (`ConnectorApi::existing_check`).
    pub fn checks_before_create(&self) -> usize {
        usize::from(self.api.existing_check().is_some())
    }

    /// The e-mail of a request for `reference` in cases that create several references: one
    /// per reference, as real customers have (processors that key customers on the e-mail —
    /// Paystack, Razorpay, Checkout.com — rightly refuse another reference's e-mail).
    pub fn email(&self, reference: &str) -> String {
        format!("john.doe+{reference}@example.com")
    }

    /// Whether the processor keys duplicates on contact data (e-mail, phone) rather than on the
    /// reference: a check before creates (Paystack) or a probe after a refusal (Razorpay). The
    /// same reference with other contact data is then another customer.
    pub fn keyed_on_contact(&self) -> bool {
        self.api.existing_check().is_some() || self.api.duplicate_probe().is_some()
    }

    /// Whether an unknown outcome can be settled with the processor's records: a lookup by
    /// reference, or the check before creates.
    pub fn can_settle(&self) -> bool {
        self.has_finder() || self.api.existing_check().is_some()
    }

    pub fn has_token_step(&self) -> bool {
        self.api.token_request().is_some()
    }

    /// Whether a repeated create for a reference is detected at all (natively or by Prism).
    pub fn detects_duplicates(&self) -> bool {
        !matches!(self.caps.duplicate_detection, DuplicateDetection::None(_))
    }

    /// Whether an `AlreadyExists` must name the existing customer: the processor says it
    /// (native uniqueness) or the connector can look it up.
    pub fn names_the_existing_customer(&self) -> bool {
        self.has_finder() || matches!(self.caps.duplicate_detection, DuplicateDetection::Native(_))
    }
}

/// `None`: the case runs; `Some(why)`: the connector's declarations exclude it.
pub type Gate = fn(&Subject) -> Option<&'static str>;
/// A case body, on a fresh sandbox.
pub type Body = fn(Sandbox, Subject) -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// One behaviour case.
pub struct Case {
    pub name: &'static str,
    pub gate: Gate,
    pub run: Body,
}

/// Runs for every compiled connector (its own checks say what a missing part means).
pub fn always(_: &Subject) -> Option<&'static str> {
    None
}

/// Needs the connector's emulator (the registry case fails where one is missing).
pub fn emulated(s: &Subject) -> Option<&'static str> {
    (!s.emulated()).then_some("no emulator in prism-sandbox")
}

macro_rules! case {
    ($module:ident :: $name:ident, $gate:expr) => {
        Case {
            name: stringify!($name),
            gate: $gate,
            run: |sb, s| Box::pin($module::$name(sb, s)),
        }
    };
}

/// Every case of the suite.
pub fn all() -> Vec<Case> {
    vec![
        case!(cases::registry, always),
        case!(cases::credentials_from_env, always),
        case!(cases::credentials_from_map, always),
        case!(cases::create_stores_the_customer, emulated),
        case!(cases::authentication_failure, emulated),
        case!(cases::unsupported_fields_are_refused_before_sending, |s| {
            emulated(s).or(s
                .caps
                .unsupported_fields
                .is_empty()
                .then_some("stores every field"))
        }),
        case!(cases::declared_limits_are_enforced_before_sending, emulated),
        case!(cases::duplicates, emulated),
        case!(cases::idempotent_replay, |s| {
            emulated(s).or((!s.caps.resend_is_safe())
                .then_some("no idempotency mechanism and no native uniqueness"))
        }),
        case!(cases::never_resent_without_idempotency, |s| {
            emulated(s).or(s
                .caps
                .resend_is_safe()
                .then_some("resending is safe (idempotency or native uniqueness)"))
        }),
        case!(cases::lookup_by_reference, |s| {
            emulated(s).or((!s.has_finder()).then_some("no lookup by reference (no finder)"))
        }),
        case!(cases::token_step, |s| {
            emulated(s).or((!s.has_token_step()).then_some("no token step"))
        }),
        case!(faults::fault_matrix, emulated),
    ]
}

/// Runs the case `name` for every compiled connector.
pub async fn run(name: &str) {
    let captured = crate::capture::global();
    let case = all()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no behaviour case {name}"));
    let mut failures = Vec::new();
    let mut ran = 0;
    // `PRISM_BEHAVIOUR_ONLY=stripe,stax` narrows a local run to those connectors.
    let only = std::env::var("PRISM_BEHAVIOUR_ONLY").ok();
    for c in prism::compiled_connectors() {
        if let Some(only) = &only {
            if !only.split(',').any(|o| o.trim() == c.as_str()) {
                continue;
            }
        }
        let subject = Subject::new(c);
        if let Some(why) = (case.gate)(&subject) {
            eprintln!("[{name}] {c}: skipped: {why}");
            continue;
        }
        let sandbox = Sandbox::start().await.expect("sandbox");
        match tokio::spawn((case.run)(sandbox, subject)).await {
            Ok(()) => ran += 1,
            Err(e) => failures.push(format!("{c}: {}", panic_text(e))),
        }
    }
    assert!(
        failures.is_empty(),
        "[{name}] failed for {} connector(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(ran > 0, "[{name}] ran for no connector");
    prism_testkit::sandbox::assert_no_sandbox_secret(
        &format!("the tracing of the behaviour suite ({name})"),
        &captured.text(),
    );
}

fn panic_text(e: tokio::task::JoinError) -> String {
    match e.try_into_panic() {
        Ok(p) => p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "panicked".to_owned()),
        Err(e) => e.to_string(),
    }
}
