//! The retry policy (jittered exponential backoff) and the reference-derived idempotency key.

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
pub fn derive_idempotency_key(
    connector: &str,
    account_fingerprint: &str,
    merchant_customer_id: &str,
) -> String {
    KeyDeriver::new(connector, account_fingerprint).derive(merchant_customer_id)
}

/// [`derive_idempotency_key`] for one (connector, account): the hash of the fixed parts is
/// taken once, so each key costs one hash of the merchant reference. A client keeps one.
#[derive(Clone)]
pub struct KeyDeriver {
    prefix: Sha256,
}

impl std::fmt::Debug for KeyDeriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyDeriver").finish_non_exhaustive()
    }
}

impl KeyDeriver {
    /// The deriver for `connector` and `account_fingerprint`.
    pub fn new(connector: &str, account_fingerprint: &str) -> Self {
        let mut prefix = Sha256::new();
        for part in ["prism-idem-v1", connector, account_fingerprint] {
            prefix.update((part.len() as u64).to_be_bytes());
            prefix.update(part.as_bytes());
        }
        Self { prefix }
    }

    /// The key of `merchant_customer_id`: `prism_` and 32 hex digits.
    pub fn derive(&self, merchant_customer_id: &str) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut h = self.prefix.clone();
        h.update((merchant_customer_id.len() as u64).to_be_bytes());
        h.update(merchant_customer_id.as_bytes());
        let d = h.finalize();
        let mut s = String::with_capacity(38);
        s.push_str("prism_");
        for b in &d[..16] {
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 15)]));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_bounds() {
        let p = RetryPolicy::default();
        for _ in 0..200 {
            let b1 = p.backoff(1);
            assert!(
                b1 >= Duration::from_millis(250) && b1 <= Duration::from_millis(500),
                "{b1:?}"
            );
            let b3 = p.backoff(3);
            assert!(
                b3 >= Duration::from_secs(1) && b3 <= Duration::from_secs(2),
                "{b3:?}"
            );
            let b9 = p.backoff(9);
            assert!(
                b9 >= Duration::from_millis(2500) && b9 <= Duration::from_secs(5),
                "{b9:?}"
            );
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
        assert_ne!(
            derive_idempotency_key("s", "ab", "c"),
            derive_idempotency_key("s", "a", "bc")
        );
        assert_eq!(a.len(), 38);
        assert!(!a.contains("cust_1"));
    }

    #[test]
    fn keys_never_change_across_versions() {
        // SHA-256 of the length-prefixed parts, first 16 bytes in lowercase hex: a key stored at
        // the processor by an earlier version must still be found.
        let golden = "prism_f10dca6592e4370da442d7ef8ff6b310";
        assert_eq!(derive_idempotency_key("stripe", "acct1", "cust_1"), golden);
        let d = KeyDeriver::new("stripe", "acct1");
        assert_eq!(d.derive("cust_1"), golden);
        assert_eq!(
            d.derive("cust_2"),
            derive_idempotency_key("stripe", "acct1", "cust_2")
        );
        assert_eq!(
            d.clone().derive(""),
            derive_idempotency_key("stripe", "acct1", "")
        );
    }
}
