//! One arm per compiled connector, derived from what the connector itself declares — nothing
//! here is per connector:
//!
//! - credentials: `tests/fixtures/<name>/arm.json` (values that pass the connector's own shape
//!   checks; the names must be exactly `ConnectorConfig::env_vars`);
//! - where the create and the token step go: the connector's own `build_request` and
//!   `token_request`;
//! - fields it cannot store: `prism::capabilities`;
//! - which documented reply stands for which situation, and the created id: the `expect`
//!   object of each fixture (`tests/fixtures/README.md`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use prism::{Connector, ConnectorConfig, Environment, FlowContext};
use prism_testkit::fixtures::{arm_data, expectation, fixture_names, fixtures_expecting};

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
    /// A duplicate answer and the existing id it carries (if the processor has one).
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

    /// The connector's config from the arm's credentials.
    pub fn config(&self) -> ConnectorConfig {
        test_config(self.connector)
    }

    /// Where the lookup is a POST to the create path too (Authorize.net's one RPC endpoint,
    /// the method named by the body's root key): the start of its body up to the first `:`, which
    /// tells a lookup from a create.
    pub fn lookup_marker(&self) -> Option<Vec<u8>> {
        let api = self.config().into_connector();
        let find = prism_connector::FindCustomerRequest {
            merchant_customer_id: "r".into(),
        };
        let ctx = FlowContext::first(Environment::Sandbox);
        let req = api.finder()?.build_request(&find, &ctx).ok()?;
        let body = req.body.bytes();
        let end = body.iter().position(|b| *b == b':')?;
        (req.path == self.create_path && req.method.as_str() == "POST")
            .then(|| body[..end].to_vec())
    }
}

/// Every arm: one per compiled connector.
pub fn arms() -> Vec<Arm> {
    static ARMS: OnceLock<Vec<Arm>> = OnceLock::new();
    ARMS.get_or_init(|| {
        prism::compiled_connectors()
            .into_iter()
            .map(derive)
            .collect()
    })
    .clone()
}

/// The arm of `name`.
pub fn arm(name: &str) -> Arm {
    arms()
        .into_iter()
        .find(|a| a.name() == name)
        .unwrap_or_else(|| panic!("no conformance arm for {name}"))
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The test credentials of `connector` (`tests/fixtures/<name>/arm.json`), checked against the
/// variables the connector reads.
pub fn credentials(connector: Connector) -> &'static [(&'static str, &'static str)] {
    let name = connector.as_str();
    let data = arm_data(name).unwrap_or_else(|| {
        panic!("{name}: no tests/fixtures/{name}/arm.json with test credentials")
    });
    let creds: BTreeMap<String, String> = serde_json::from_value(data["credentials"].clone())
        .unwrap_or_else(|e| panic!("{name}: arm.json `credentials`: {e}"));
    let mut vars: Vec<String> = ConnectorConfig::env_vars(connector);
    vars.sort_unstable();
    assert_eq!(
        creds.keys().cloned().collect::<Vec<_>>(),
        vars,
        "{name}: arm.json credentials must name exactly the connector's variables"
    );
    Box::leak(
        creds
            .into_iter()
            .map(|(k, v)| (leak(k), leak(v)))
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

/// The connector's config from its test credentials ([`credentials`]).
pub fn test_config(connector: Connector) -> ConnectorConfig {
    let creds = credentials(connector);
    ConnectorConfig::from_env_with(connector, &prism_testkit::sandbox::lookup_in(creds))
        .unwrap_or_else(|e| panic!("{connector}: test credentials refused: {e}"))
}

/// The arm of `connector`, from its declarations, its fixtures and its `arm.json`.
fn derive(connector: Connector) -> Arm {
    let name = connector.as_str();
    let credentials = credentials(connector);
    let caps = prism::capabilities(connector).expect("compiled");
    let mut arm = Arm {
        connector,
        credentials,
        create_path: "",
        token: None,
        unsupported: caps.unsupported_fields,
        replies: Replies {
            created: "",
            invalid_data: "",
            auth_failed: "",
            permission_denied: None,
            rate_limited: None,
            server_error: "",
            duplicate: None,
        },
        created_id: "",
    };
    let conn = arm.config().into_connector();
    // The token step first (its documented reply gives the token the create needs).
    let mut token = None;
    if let Some(request) = conn.token_request() {
        let path = request
            .unwrap_or_else(|e| panic!("{name}: token_request: {e}"))
            .path;
        let fixture = one_of(name, "outcome", "token", "token")
            .unwrap_or_else(|| panic!("{name}: a token step but no fixture expecting a token"));
        arm.token = Some((leak(path), fixture));
        token = Some(
            conn.parse_token(&prism_testkit::fixture(name, fixture))
                .unwrap_or_else(|e| panic!("{name}: parse_token({fixture}): {e}")),
        );
    }
    let mut ctx = FlowContext::first(Environment::Sandbox)
        .with_idempotency_key("prism_0123456789abcdef0123456789abcdef", true);
    if let Some(t) = &token {
        ctx = ctx.with_access_token(&t.token);
    }
    arm.create_path = leak(
        conn.build_request(&crate::cases::minimal_request_for(connector), &ctx)
            .unwrap_or_else(|e| panic!("{name}: build_request: {e}"))
            .path,
    );
    let required = |key: &str, value: &str, usual: &str| {
        one_of(name, key, value, usual)
            .unwrap_or_else(|| panic!("{name}: no fixture expects {key} `{value}`"))
    };
    arm.replies = Replies {
        created: required("outcome", "created", "created"),
        invalid_data: required("kind", "invalid_request", "invalid_email"),
        auth_failed: required("kind", "authentication", "auth_failed"),
        permission_denied: one_of(name, "kind", "permission_denied", "permission_denied"),
        rate_limited: one_of(name, "kind", "rate_limited", "rate_limited"),
        server_error: required("kind", "processor_unavailable", "server_error"),
        duplicate: one_of(name, "kind", "already_exists", "duplicate").map(|f| {
            let existing = expectation(name, f)
                .and_then(|e| e["existing_customer_id"].as_str().map(str::to_owned))
                .map(leak);
            (f, existing)
        }),
    };
    let created = expectation(name, arm.replies.created).expect("created expects");
    arm.created_id = leak(
        created["connector_customer_id"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: the created fixture names no connector_customer_id"))
            .to_owned(),
    );
    arm
}

/// The fixture standing for a situation: among those whose expectation has `key` = `value`,
/// the one with the usual name if there is one, else the first by name.
fn one_of(connector: &str, key: &str, value: &str, usual: &str) -> Option<&'static str> {
    let candidates = fixtures_expecting(connector, key, value);
    let pick = candidates
        .iter()
        .find(|n| *n == usual)
        .or_else(|| candidates.first())?;
    debug_assert!(fixture_names(connector).contains(pick));
    Some(leak(pick.clone()))
}
