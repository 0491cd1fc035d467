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
        Arm {
            connector: Connector::Airwallex,
            credentials: &[
                (
                    "PRISM_AIRWALLEX_CLIENT_ID",
                    "awx_client_conformanceSECRET0001",
                ),
                ("PRISM_AIRWALLEX_API_KEY", "awx_key_conformanceSECRET0002"),
            ],
            create_path: "/api/v1/pa/customers/create",
            token: Some(("/api/v1/authentication/login", "login")),
            unsupported: &["description", "address.line2"],
            replies: Replies {
                created: "created",
                invalid_data: "invalid_email",
                auth_failed: "auth_failed",
                permission_denied: Some("permission_denied"),
                rate_limited: Some("rate_limited"),
                server_error: "server_error",
                duplicate: Some(("duplicate", None)),
            },
            created_id: "cus_hkpdh1d0d298uf1",
        },
        Arm {
            connector: Connector::Stax,
            credentials: &[("PRISM_STAX_API_KEY", "stax_conformanceSECRET0001")],
            create_path: "/customer",
            token: None,
            unsupported: &["metadata"],
            replies: Replies {
                created: "created",
                invalid_data: "invalid_email",
                auth_failed: "auth_failed",
                permission_denied: None,
                rate_limited: Some("rate_limited"),
                server_error: "server_error",
                duplicate: None,
            },
            created_id: "59327746-fbca-4fb6-adf0-e88c99245548",
        },
        Arm {
            connector: Connector::AuthorizeDotNet,
            credentials: &[
                (
                    "PRISM_AUTHORIZEDOTNET_API_LOGIN_ID",
                    "adn_login_conformSECRET1",
                ),
                ("PRISM_AUTHORIZEDOTNET_TRANSACTION_KEY", "adnKeyConfSECRT1"),
            ],
            create_path: "/xml/v1/request.api",
            token: None,
            unsupported: &["metadata"],
            replies: Replies {
                created: "created",
                invalid_data: "invalid_email",
                auth_failed: "auth_failed",
                permission_denied: Some("permission_denied"),
                rate_limited: None,
                server_error: "server_error",
                duplicate: Some(("duplicate", Some("1220992516"))),
            },
            created_id: "527262",
        },
        Arm {
            connector: Connector::Shift4,
            credentials: &[("PRISM_SHIFT4_SECRET_KEY", "sk_test_conformanceSECRET0001")],
            create_path: "/customers",
            token: None,
            unsupported: &["name", "phone", "address"],
            replies: Replies {
                created: "created",
                invalid_data: "invalid_email",
                auth_failed: "auth_failed",
                permission_denied: None,
                rate_limited: Some("rate_limited"),
                server_error: "server_error",
                // Not native: Shift4's key-mismatch answer to Prism's reference-derived
                // Idempotency-Key, which the connector reports as AlreadyExists (no id known).
                duplicate: Some(("idempotency_mismatch", None)),
            },
            created_id: "cust_OWTybrAX3JP4Bbv1xnkpnHEj",
        },
        Arm {
            connector: Connector::Finix,
            credentials: &[
                ("PRISM_FINIX_USERNAME", "USfinixConformanceSECRET01"),
                ("PRISM_FINIX_PASSWORD", "finix-conformance-SECRET-0002"),
            ],
            create_path: "/identities",
            token: None,
            unsupported: &["description"],
            replies: Replies {
                created: "created",
                invalid_data: "invalid_email",
                auth_failed: "auth_failed",
                permission_denied: Some("permission_denied"),
                rate_limited: Some("rate_limited"),
                server_error: "server_error",
                // No uniqueness and no idempotency at Finix: no duplicate answer exists.
                duplicate: None,
            },
            created_id: "IDgWxBhfGYLLdkhxx2ddYf9K",
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
