//! One meaning of `AlreadyExists` (SPEC §4), checked on every emulated connector against the
//! embedded sandbox: a second create for the same reference — with the same data or with other
//! data — never makes a second customer where the connector declares duplicate detection, is
//! reported as `AlreadyExists` (or, for a silent replay, as the same customer), and names the
//! existing customer wherever the processor or its lookup can; `OnDuplicate::ReturnExisting`
//! then returns it.

use std::time::Duration;

use prism::{
    CallOptions, Connector, ConnectorConfig, CustomerClient, CustomerCreateRequest,
    DuplicateDetection, ErrorKind, OnDuplicate, RetryPolicy, UnsupportedFields,
};
use prism_sandbox::Sandbox;

fn client(sandbox: &Sandbox, c: Connector) -> CustomerClient {
    let creds = Sandbox::credentials(c);
    let cfg = ConnectorConfig::from_env_with(c, &|k| {
        creds
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_owned())
    })
    .expect("sandbox credentials");
    CustomerClient::builder()
        .connector_config(cfg)
        .base_url(sandbox.base_url(c))
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(2),
            ..RetryPolicy::default()
        })
        .unsupported_fields(UnsupportedFields::Ignore)
        .build()
        .expect("client")
}

fn request(reference: &str, email: &str) -> CustomerCreateRequest {
    CustomerCreateRequest::new(reference)
        .email(email)
        .name("John Doe")
        .description("Premium plan subscriber")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_create_for_a_reference_is_already_exists_everywhere() {
    let captured = prism_conformance::capture::global();
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut checked = 0;
    for c in prism::compiled_connectors()
        .into_iter()
        .filter(|c| Sandbox::connectors().contains(c))
    {
        let caps = prism::capabilities(c).expect("compiled");
        let client = client(&sandbox, c);
        let reference = format!("dup_{}", &c.as_str()[..4]);
        let first = client
            .create(request(&reference, "john.doe@example.com"))
            .await
            .unwrap_or_else(|e| panic!("{c}: {e}"));
        let detects = !matches!(caps.duplicate_detection, DuplicateDetection::None(_));

        for (what, email) in [
            ("same data", "john.doe@example.com"),
            ("other data", "jane.roe@example.com"),
        ] {
            let again = client.create(request(&reference, email)).await;
            if !detects {
                // Declared honestly in the matrix: the processor makes a second customer.
                let second = again.unwrap_or_else(|e| panic!("{c} {what}: {e}"));
                assert_ne!(
                    second.connector_customer_id, first.connector_customer_id,
                    "{c} {what}"
                );
                continue;
            }
            assert_eq!(
                sandbox.count_by_reference(c, &reference),
                1,
                "{c} {what}: a second customer"
            );
            match again {
                // A processor that replays silently (Shift4 with identical data) gives back the
                // same customer: no second one, but Prism cannot flag it.
                Ok(same) => {
                    assert_eq!(what, "same data", "{c}: other data must not succeed");
                    assert_eq!(
                        same.connector_customer_id, first.connector_customer_id,
                        "{c}"
                    );
                }
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::AlreadyExists, "{c} {what}: {e}");
                    assert_eq!(e.status_code(), Some(409));
                    assert!(!e.outcome_unknown() && !e.is_retryable(), "{c} {what}");
                    if let Some(id) = e.existing_customer_id() {
                        assert_eq!(
                            id, first.connector_customer_id,
                            "{c} {what}: wrong customer named"
                        );
                        let existing = client
                            .create_with(
                                request(&reference, email),
                                CallOptions {
                                    on_duplicate: Some(OnDuplicate::ReturnExisting),
                                    ..CallOptions::default()
                                },
                            )
                            .await
                            .unwrap_or_else(|e| panic!("{c} {what} ReturnExisting: {e}"));
                        assert!(existing.existing, "{c} {what}");
                        assert_eq!(
                            existing.connector_customer_id, first.connector_customer_id,
                            "{c} {what}"
                        );
                    } else {
                        // Only where neither the answer nor a lookup can name it (documented).
                        assert!(
                            c == Connector::Shift4,
                            "{c} {what}: the existing customer is not named"
                        );
                    }
                }
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 6,
        "duplicate-detecting connectors were checked ({checked})"
    );
    prism_conformance::capture::assert_no_secret_or_personal_data(
        "the duplicate suite's tracing",
        &captured.text(),
    );
}
