//! One arm per connector: its test credentials, where its create goes, and which documented
//! reply stands for which situation.

use prism::Connector;

/// The fixture names (files in `tests/fixtures/<connector>/`) for each situation.
#[derive(Debug, Clone, Copy)]
pub struct Replies {
    /// A created customer.
    pub created: &'static str,
    /// The processor rejecting the data (an invalid email or the closest documented rejection).
    pub invalid_data: &'static str,
    /// Bad credentials.
    pub auth_failed: &'static str,
    /// Credentials not allowed (if the processor has such an answer).
    pub permission_denied: Option<&'static str>,
    /// Throttled (if documented).
    pub rate_limited: Option<&'static str>,
    /// A processor failure.
    pub server_error: &'static str,
    /// A native duplicate answer and the existing id it carries (if the processor has one).
    pub duplicate: Option<(&'static str, Option<&'static str>)>,
}

/// A connector under test.
#[derive(Debug, Clone, Copy)]
pub struct Arm {
    pub connector: Connector,
    /// Test credentials as `PRISM_<CONNECTOR>_<FIELD>` → value. Every value must be absent from
    /// snapshots, errors and logs.
    pub credentials: &'static [(&'static str, &'static str)],
    /// The processor path the create is sent to.
    pub create_path: &'static str,
    /// A token pre-step: (path, fixture of the success reply).
    pub token: Option<(&'static str, &'static str)>,
    /// Fields of [`crate::cases::full_request`] the connector cannot store.
    pub unsupported: &'static [&'static str],
    /// Documented replies.
    pub replies: Replies,
    /// The id in the `created` fixture.
    pub created_id: &'static str,
}

impl Arm {
    pub fn name(&self) -> &'static str {
        self.connector.as_str()
    }

    pub fn secrets(&self) -> impl Iterator<Item = &'static str> {
        self.credentials.iter().map(|(_, v)| *v)
    }
}

/// Every arm.
pub fn arms() -> Vec<Arm> {
    vec![
        Arm {
            connector: Connector::Stripe,
            credentials: &[("PRISM_STRIPE_API_KEY", "sk_test_conformanceSECRET0001")],
            create_path: "/v1/customers",
            token: None,
            unsupported: &[],
            replies: Replies {
                created: "created",
                invalid_data: "invalid_email",
                auth_failed: "auth_failed",
                permission_denied: Some("permission_denied"),
                rate_limited: Some("rate_limited"),
                server_error: "server_error",
                duplicate: None,
            },
            created_id: "cus_NffrFeUfNV2Hib",
        },
        // @prism:conformance-arm (one Arm per connector, above this marker)
    ]
}

/// The arm of `name`.
pub fn arm(name: &str) -> Arm {
    arms()
        .into_iter()
        .find(|a| a.name() == name)
        .unwrap_or_else(|| panic!("no conformance arm for {name}"))
}
