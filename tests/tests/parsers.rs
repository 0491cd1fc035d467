//! Property tests: every connector's `parse_response` and `parse_error` take arbitrary bytes,
//! statuses and headers without panicking, and always give a typed answer.
//! (Longer runs: the `cargo fuzz` targets in `fuzz/`.)

use prism::{Environment, ErrorKind, FlowContext, HttpResponse};
use proptest::prelude::*;

fn connectors() -> Vec<(String, std::sync::Arc<dyn prism::CreatesCustomers>)> {
    prism_conformance::arms()
        .into_iter()
        .map(|a| {
            let creds = a.credentials;
            let cfg = prism::ConnectorConfig::from_env_with(a.connector, &|k| {
                creds
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            })
            .expect("test credentials");
            (a.name().to_owned(), cfg.into_connector())
        })
        .collect()
}

/// Bodies that look like the processors' JSON, to reach deeper than random bytes do.
fn jsonish() -> impl Strategy<Value = Vec<u8>> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        "[a-zA-Z0-9_ .@]{0,12}".prop_map(serde_json::Value::String),
    ];
    let keys = prop_oneof![
        Just("id"),
        Just("error"),
        Just("messages"),
        Just("resultCode"),
        Just("message"),
        Just("code"),
        Just("type"),
        Just("_embedded"),
        Just("errors"),
        Just("customerProfileId"),
        Just("token"),
        Just("expires_at"),
        Just("object"),
        Just("text"),
        Just("field"),
        Just("total"),
    ];
    let value = leaf.prop_recursive(4, 32, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..5).prop_map(|kv| {
                serde_json::Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    });
    (value, any::<bool>()).prop_map(|(v, bom)| {
        let mut b = if bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            Vec::new()
        };
        b.extend(serde_json::to_vec(&v).expect("json"));
        b
    })
}

fn bodies() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![prop::collection::vec(any::<u8>(), 0..256), jsonish()]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        (
            prop_oneof![
                Just("retry-after".to_owned()),
                Just("idempotent-replayed".to_owned()),
                Just("stripe-should-retry".to_owned()),
                Just("request-id".to_owned()),
                Just("x-request-id".to_owned()),
                "[a-z-]{1,12}"
            ],
            "[ -~]{0,16}",
        ),
        0..4,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic(status in 100u16..600, body in bodies(), headers in headers(), attempt in 1u32..4, earlier in any::<bool>()) {
        let token = secrecy_token();
        for (name, c) in connectors() {
            let resp = HttpResponse::new(status, headers.clone(), body.clone());
            let mut ctx = FlowContext::first(Environment::Sandbox).with_idempotency_key("prism_0123456789abcdef", true).with_access_token(&token);
            ctx.attempt = attempt;
            ctx.earlier_attempt_may_have_applied = earlier;
            let e = c.parse_error(&resp, &ctx);
            prop_assert!(e.status_code().is_some() || e.kind() == ErrorKind::Configuration, "{name}");
            match c.parse_response(&resp, &ctx) {
                Ok(out) => prop_assert!(!out.connector_customer_id.is_empty(), "{name}: empty id accepted"),
                Err(e) => { let _ = e.to_string(); }
            }
            if c.token_request().is_some() {
                let _ = c.parse_token(&resp);
            }
        }
    }
}

fn secrecy_token() -> secrecy::SecretString {
    secrecy::SecretString::from("tok_fuzz".to_owned())
}
