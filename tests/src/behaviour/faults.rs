//! The fault matrix (issue "Reliability"): every injected fault × retries on/off, for one
//! connector. For each cell: no panic, the right error kind, `outcome_unknown` exactly when the
//! customer may exist, and — the property that matters — the store holds at most one customer
//! per reference wherever the connector declares idempotency or uniqueness, and exactly as many
//! as the outcome says: success ⇒ 1, a definite failure ⇒ 0, `outcome_unknown` ⇒ 0 or 1.

use std::time::Duration;

use prism::{CustomerClient, ErrorKind, RetryPolicy, UnsupportedFields};
use prism_sandbox::{Fault, Sandbox};
use prism_testkit::leaks::assert_clean;
use prism_testkit::sandbox::builder;

use super::Subject;

/// Every fault kind the sandbox injects.
pub fn faults() -> Vec<Fault> {
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

fn client(sb: &Sandbox, s: &Subject, retries: u32) -> CustomerClient {
    builder(sb, s.connector)
        .retry_policy(RetryPolicy {
            max_retries: retries,
            ..prism_testkit::sandbox::fast_retry()
        })
        .timeout(Duration::from_secs(3))
        .unsupported_fields(UnsupportedFields::Ignore)
        .build()
        .expect("client")
}

pub async fn fault_matrix(sb: Sandbox, s: Subject) {
    let c = s.connector;
    let safe = s.caps.resend_is_safe();
    // A strongly consistent lookup settles an unapplied create as a definite failure (SPEC §8).
    let settled = s.has_finder() && s.caps.lookup.not_found_is_definite();
    let secrets: Vec<&str> = Sandbox::credentials(c).iter().map(|(_, v)| *v).collect();
    for retries in [0u32, 2] {
        let client = client(&sb, &s, retries);
        for (i, fault) in faults().into_iter().enumerate() {
            // Short: Authorize.net allows 20 characters.
            let reference = format!("fm_{}_{retries}_{i}", &c.as_str()[..4]);
            sb.faults().clear();
            sb.faults().push(Some(c), fault.clone());
            let result = client
                .create(super::cases::request(&reference, &s.email(&reference)))
                .await;
            let stored = sb.count_by_reference(c, &reference);
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
                Err(e) if e.kind() == ErrorKind::AlreadyExists => assert_eq!(stored, 1, "{cell}"),
                Err(e) => assert_eq!(
                    stored, 0,
                    "{cell}: definite failure {e} but {stored} stored"
                ),
            }
            let retried = retries > 0;
            // An unknown outcome settled by the processor's lookup (SPEC §8): the customer was
            // found, so it is this call's own; the create was not resent for it.
            if let Ok(r) = &result {
                if r.diagnostics.reconciled {
                    assert!(r.diagnostics.lost_answer, "{cell}");
                    assert!(s.can_settle(), "{cell}: reconciled without a lookup");
                    continue;
                }
            }
            match fault {
                Fault::Latency(_) => assert!(result.is_ok(), "{cell}: {result:?}"),
                Fault::Status(_) => match &result {
                    Ok(r) => assert!(retried && safe && r.diagnostics.attempts == 2, "{cell}"),
                    Err(e) => {
                        assert_eq!(e.kind(), ErrorKind::ProcessorUnavailable, "{cell}: {e}");
                        // A 5xx may have been applied, unless a strong lookup found nothing.
                        assert_eq!(e.outcome_unknown(), !settled, "{cell}: {e}");
                        // The emulator answers in the processor's shape: its words are read.
                        let words = e.connector_code().or(e.connector_message());
                        assert!(words.is_some(), "{cell}: no processor code or message: {e}");
                    }
                },
                Fault::RateLimit { .. } => match &result {
                    Ok(r) => assert!(retried && r.diagnostics.attempts == 2, "{cell}"),
                    Err(e) => {
                        assert!(!retried, "{cell}: a 429 is always safe to retry: {e}");
                        assert_eq!(e.kind(), ErrorKind::RateLimited, "{cell}: {e}");
                        assert!(!e.outcome_unknown(), "{cell}");
                        let words = e.connector_code().or(e.connector_message());
                        assert!(words.is_some(), "{cell}: no processor code or message: {e}");
                        if let Fault::RateLimit {
                            retry_after_secs: Some(s),
                        } = fault
                        {
                            assert_eq!(e.retry_after(), Some(Duration::from_secs(s)), "{cell}");
                        }
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
                            assert_eq!(e.outcome_unknown(), !settled, "{cell}: sent: {e}");
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
                assert_clean(&cell, &format!("{e} {e:?}"), secrets.iter().copied());
            }
        }
    }
}
