//! The conformance table, run for every connector arm. `cargo test -p prism-conformance -- stripe`
//! runs one connector's cases.

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use prism_conformance::{arm, cases};

            fn a() -> prism_conformance::Arm {
                arm(stringify!($name))
            }

            #[tokio::test]
            async fn created_minimal() { cases::created_minimal(a()).await }
            #[tokio::test]
            async fn created_full() { cases::created_full(a()).await }
            #[tokio::test]
            async fn unsupported_fields() { cases::unsupported_fields(a()).await }
            #[tokio::test]
            async fn bad_input() { cases::bad_input(a()).await }
            #[tokio::test]
            async fn processor_rejects_data() { cases::processor_rejects_data(a()).await }
            #[tokio::test]
            async fn duplicate() { cases::duplicate(a()).await }
            #[tokio::test]
            async fn auth_failed() { cases::auth_failed(a()).await }
            #[tokio::test]
            async fn permission_denied() { cases::permission_denied(a()).await }
            #[tokio::test]
            async fn rate_limited_then_success() { cases::rate_limited_then_success(a()).await }
            #[tokio::test]
            async fn server_error_exhausted() { cases::server_error_exhausted(a()).await }
            #[tokio::test]
            async fn malformed_success() { cases::malformed_success(a()).await }
            #[tokio::test]
            async fn timeout() { cases::timeout(a()).await }
            #[tokio::test]
            async fn connection_refused() { cases::connection_refused(a()).await }
            #[tokio::test]
            async fn connection_reset() { cases::connection_reset(a()).await }
            #[tokio::test]
            async fn no_retries_means_one_attempt() { cases::no_retries_means_one_attempt(a()).await }
        }
    )*};
}

conformance!(
    stripe,
    airwallex,
    stax,
    authorizedotnet,
    shift4,
    finix,
    checkout,
    square,
    braintree,
    mollie,
    razorpay,
    paystack,
    xendit,
    // @prism:conformance-list (one connector name per line, above this marker)
);

/// Every arm is in the list above, and every snapshot file belongs to a case of a known arm
/// (a stale snapshot fails here).
#[test]
fn every_arm_runs_and_no_snapshot_is_stale() {
    let src = include_str!("conformance.rs");
    let arms = prism_conformance::arms();
    for a in &arms {
        assert!(
            src.contains(&format!("    {},\n", a.name())),
            "arm {} is not in conformance!(…)",
            a.name()
        );
    }
    let compiled = prism::compiled_connectors();
    for c in &compiled {
        assert!(
            arms.iter().any(|a| a.connector == *c),
            "compiled connector {c} has no conformance arm"
        );
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/snapshots");
    for entry in std::fs::read_dir(&dir).expect("snapshots dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let known = arms.iter().any(|a| {
            ["create_customer_minimal", "create_customer_full"]
                .iter()
                .any(|case| name == format!("prism_conformance__cases__{case}@{}.snap", a.name()))
        });
        assert!(
            known,
            "stale or unknown snapshot {name}: delete it or add its arm"
        );
    }
}

/// No credential of any arm appears in any snapshot file.
#[test]
fn no_secret_in_any_snapshot() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/snapshots");
    for entry in std::fs::read_dir(&dir).expect("snapshots dir") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        for a in prism_conformance::arms() {
            for s in a.secrets() {
                assert!(
                    !text.contains(s),
                    "{} contains a credential of {}",
                    path.display(),
                    a.name()
                );
            }
        }
        for (value, _) in prism_conformance::redact::PERSONAL
            .iter()
            .filter(|(v, _)| v.len() >= 8)
        {
            assert!(
                !text.contains(value),
                "{} contains personal data",
                path.display()
            );
        }
    }
}

/// No credential shows in the `Debug` of any connector's config, connector or client.
#[test]
fn debug_never_shows_credentials() {
    for a in prism_conformance::arms() {
        let creds = a.credentials;
        let lookup = |k: &str| {
            creds
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        };
        let config = prism::ConnectorConfig::from_env_with(a.connector, &lookup).expect("config");
        let client = prism::CustomerClient::builder()
            .connector_config(config.clone())
            .base_url("http://127.0.0.1:9")
            .build()
            .expect("client");
        let text = format!(
            "{config:?} {:?} {client:?}",
            config.clone().into_connector()
        );
        for s in a.secrets() {
            assert!(
                !text.contains(s),
                "{}: credential in Debug: {text}",
                a.name()
            );
        }
    }
}
