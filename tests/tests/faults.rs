//! The fault matrix (issue "Reliability"): every emulated connector × every injected fault ×
//! retries on/off, against the embedded sandbox. For each cell: no panic, the right error kind,
//! `outcome_unknown` exactly when the customer may exist, and — the property that matters — the
//! sandbox's store holds at most one customer per reference wherever the connector declares
//! idempotency or uniqueness, and exactly as many as the outcome says:
//! success ⇒ 1, a definite failure ⇒ 0, `outcome_unknown` ⇒ 0 or 1.

use std::time::Duration;

use prism::{
    Connector, ConnectorConfig, CustomerClient, CustomerCreateRequest, ErrorKind, RetryPolicy,
    UnsupportedFields,
};
use prism_sandbox::{Fault, Sandbox};

fn faults() -> Vec<Fault> {
    vec![
        Fault::Latency(Duration::from_millis(30)),
        Fault::Status(500),
        Fault::Status(503),
        Fault::RateLimit {
            retry_after_secs: None,
        },
        Fault::RateLimit {
            retry_after_secs: Some(1),
        },
        Fault::ResetBeforeStore,
        Fault::ResetAfterStore,
        Fault::TruncatedBody,
        Fault::MalformedJson,
        Fault::HtmlErrorPage,
        Fault::EmptyBody,
    ]
}

fn client(sandbox: &Sandbox, c: Connector, retries: u32) -> CustomerClient {
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
            max_retries: retries,
            initial_backoff: Duration::from_millis(2),
            max_backoff: Duration::from_millis(10),
            max_retry_after: Duration::from_secs(2),
        })
        .timeout(Duration::from_secs(3))
        .unsupported_fields(UnsupportedFields::Ignore)
        .build()
        .expect("client")
}

fn request(reference: &str) -> CustomerCreateRequest {
    CustomerCreateRequest::new(reference)
        .email("john.doe@example.com")
        .name("John Doe")
        .description("Premium plan subscriber")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_matrix() {
    let captured = prism_conformance::capture::global();
    let sandbox = Sandbox::start().await.expect("sandbox");
    let emulated = Sandbox::connectors();
    let mut cells = 0;
    for c in prism::compiled_connectors()
        .into_iter()
        .filter(|c| emulated.contains(c))
    {
        let safe = prism::capabilities(c).expect("compiled").resend_is_safe();
        for retries in [0u32, 2] {
            let client = client(&sandbox, c, retries);
            for (i, fault) in faults().into_iter().enumerate() {
                cells += 1;
                // Short: Authorize.net allows 20 characters.
                let reference = format!("fm_{}_{retries}_{i}", &c.as_str()[..4]);
                sandbox.faults().clear();
                sandbox.faults().push(Some(c), fault.clone());
                let result = client.create(request(&reference)).await;
                let stored = sandbox.count_by_reference(c, &reference);
                let cell = format!("{c} retries={retries} {fault:?}");
                if safe {
                    assert!(stored <= 1, "{cell}: {stored} customers for one reference");
                }
                match &result {
                    Ok(r) => {
                        assert_eq!(stored, 1, "{cell}: success but {stored} stored");
                        assert_eq!(r.merchant_customer_id, reference);
                    }
                    Err(e) if e.outcome_unknown() => assert!(stored <= 1, "{cell}"),
                    // The reference exists (the processor cannot name it to a retry).
                    Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                        assert_eq!(stored, 1, "{cell}")
                    }
                    Err(e) => assert_eq!(
                        stored, 0,
                        "{cell}: definite failure {e} but {stored} stored"
                    ),
                }
                let retried = retries > 0;
                // An unknown outcome settled by the processor's lookup (SPEC §8): the customer
                // was found, so it is this call's own.
                if let Ok(r) = &result {
                    if r.diagnostics.reconciled {
                        assert!(r.diagnostics.lost_answer, "{cell}");
                        assert!(sandbox_has_lookup(c), "{cell}: reconciled without a lookup");
                        continue;
                    }
                }
                match fault {
                    Fault::Latency(_) => {
                        assert!(result.is_ok(), "{cell}: {result:?}");
                    }
                    Fault::Status(_) => match &result {
                        Ok(r) => assert!(retried && safe && r.diagnostics.attempts == 2, "{cell}"),
                        Err(e) => {
                            assert_eq!(e.kind(), ErrorKind::ProcessorUnavailable, "{cell}: {e}");
                            assert!(e.outcome_unknown(), "{cell}: a 5xx may have been applied");
                        }
                    },
                    Fault::RateLimit { .. } => match &result {
                        Ok(r) => assert!(retried && r.diagnostics.attempts == 2, "{cell}"),
                        Err(e) => {
                            assert!(!retried, "{cell}: a 429 is always safe to retry: {e}");
                            assert_eq!(e.kind(), ErrorKind::RateLimited, "{cell}: {e}");
                            assert!(!e.outcome_unknown(), "{cell}");
                        }
                    },
                    Fault::ResetBeforeStore | Fault::ResetAfterStore | Fault::TruncatedBody => {
                        match &result {
                            Ok(r) => {
                                assert!(retried && safe, "{cell}: resent without a safe mechanism");
                                assert_eq!(r.diagnostics.attempts, 2, "{cell}");
                            }
                            // A processor that rejects a resent key without replaying (Airwallex)
                            // answers the retry with its duplicate error.
                            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                                assert!(retried && safe, "{cell}: {e}");
                            }
                            Err(e) => {
                                assert!(
                                    matches!(
                                        e.kind(),
                                        ErrorKind::Transport | ErrorKind::UnexpectedResponse
                                    ),
                                    "{cell}: {e}"
                                );
                                assert!(e.outcome_unknown(), "{cell}: the request was sent");
                                assert!(
                                    !(retried && safe && e.kind() == ErrorKind::Transport),
                                    "{cell}: not retried: {e}"
                                );
                            }
                        }
                    }
                    Fault::MalformedJson | Fault::HtmlErrorPage | Fault::EmptyBody => {
                        let e = result.as_ref().expect_err(&cell);
                        assert_eq!(e.kind(), ErrorKind::UnexpectedResponse, "{cell}: {e}");
                        assert!(e.outcome_unknown(), "{cell}");
                        assert_eq!(stored, 1, "{cell}");
                    }
                    _ => {}
                }
                if let Err(e) = &result {
                    for (_, secret) in Sandbox::credentials(c) {
                        assert!(
                            !format!("{e} {e:?}").contains(secret),
                            "{cell}: credential in error"
                        );
                    }
                    assert!(
                        !format!("{e} {e:?}").contains("john.doe@example.com"),
                        "{cell}: email in error"
                    );
                }
            }
        }
    }
    assert!(cells >= faults().len() * 2, "the matrix ran");
    let log = captured.text();
    assert!(log.contains("prism.call"), "tracing was captured");
    prism_conformance::capture::assert_no_secret_or_personal_data(
        "the fault suite's tracing",
        &log,
    );
}

/// A customer stored before the answer was lost, then the same call retried: one customer, and
/// the call reports success (the processor's replay or native duplicate is this call's own).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_answer_then_retry_is_one_customer() {
    let captured = prism_conformance::capture::global();
    let sandbox = Sandbox::start().await.expect("sandbox");
    for c in prism::compiled_connectors()
        .into_iter()
        .filter(|c| Sandbox::connectors().contains(c))
    {
        if !prism::capabilities(c).expect("compiled").resend_is_safe() {
            continue;
        }
        let reference = format!("lost_{}", &c.as_str()[..4]);
        sandbox.faults().push(Some(c), Fault::ResetAfterStore);
        // (Airwallex refuses a resent request_id without replaying; the lookup by reference
        // names the customer.)
        let r = client(&sandbox, c, 2)
            .create(request(&reference))
            .await
            .unwrap_or_else(|e| panic!("{c}: {e}"));
        assert!(r.diagnostics.lost_answer, "{c}");
        assert_eq!(r.diagnostics.attempts, 2, "{c}");
        if c == Connector::Stripe {
            assert!(
                r.diagnostics.replayed,
                "stripe flags its replay (Idempotent-Replayed)"
            );
        }
        assert_eq!(sandbox.count_by_reference(c, &reference), 1, "{c}");
        // A second, separate call for the same reference never makes a second customer: it is
        // `AlreadyExists`, or — where the processor replays silently (no replay signal, e.g.
        // Shift4) — the same customer.
        match client(&sandbox, c, 2).create(request(&reference)).await {
            Err(e) => assert_eq!(e.kind(), ErrorKind::AlreadyExists, "{c}: {e}"),
            Ok(again) => assert_eq!(again.connector_customer_id, r.connector_customer_id, "{c}"),
        }
        assert_eq!(sandbox.count_by_reference(c, &reference), 1, "{c}");
    }
    prism_conformance::capture::assert_no_secret_or_personal_data(
        "the fault suite's tracing",
        &captured.text(),
    );
}

/// Whether the connector can look a customer up by reference (declared in its capabilities).
fn sandbox_has_lookup(c: Connector) -> bool {
    prism::capabilities(c).is_some_and(|caps| caps.lookup != prism::Lookup::None)
}
