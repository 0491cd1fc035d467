use std::time::Duration;

use sha2::{Digest, Sha256};

/// When and how often a call is resent (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; `0` means exactly one attempt.
    pub max_retries: u32,
    /// The first backoff; it doubles per retry.
    pub initial_backoff: Duration,
    /// The longest backoff.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a processor asking for more ends the call.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The jittered delay before retry number `retry` (1-based): half the exponential step plus
    /// a random part of the other half, so concurrent clients spread out.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let step = exp.min(self.max_backoff);
        let half = step / 2;
        let jitter = half.mul_f64(fastrand::f64());
        half + jitter
    }
}

/// The default idempotency key of a create: a hash of (connector, account fingerprint, merchant
/// reference), so every attempt of a call — and a repeated call for the same customer from any
/// machine — carries the same key. Holds no raw credential or personal data. 38 characters.
pub fn derive_idempotency_key(connector: &str, account_fingerprint: &str, merchant_customer_id: &str) -> String {
    let mut h = Sha256::new();
    for part in ["prism-idem-v1", connector, account_fingerprint, merchant_customer_id] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let d = h.finalize();
    let mut s = String::with_capacity(38);
    s.push_str("prism_");
    for b in &d[..16] {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_bounds() {
        let p = RetryPolicy::default();
        for _ in 0..200 {
            let b1 = p.backoff(1);
            assert!(b1 >= Duration::from_millis(250) && b1 <= Duration::from_millis(500), "{b1:?}");
            let b3 = p.backoff(3);
            assert!(b3 >= Duration::from_secs(1) && b3 <= Duration::from_secs(2), "{b3:?}");
            let b9 = p.backoff(9);
            assert!(b9 >= Duration::from_millis(2500) && b9 <= Duration::from_secs(5), "{b9:?}");
        }
    }

    #[test]
    fn keys_are_stable_distinct_and_opaque() {
        let a = derive_idempotency_key("stripe", "acct1", "cust_1");
        assert_eq!(a, derive_idempotency_key("stripe", "acct1", "cust_1"));
        assert_ne!(a, derive_idempotency_key("stripe", "acct2", "cust_1"));
        assert_ne!(a, derive_idempotency_key("stripe", "acct1", "cust_2"));
        assert_ne!(a, derive_idempotency_key("shift4", "acct1", "cust_1"));
        // No boundary ambiguity: ("ab","c") differs from ("a","bc").
        assert_ne!(derive_idempotency_key("s", "ab", "c"), derive_idempotency_key("s", "a", "bc"));
        assert_eq!(a.len(), 38);
        assert!(!a.contains("cust_1"));
    }
}
