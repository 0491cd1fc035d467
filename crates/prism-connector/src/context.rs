//! What the executor tells a flow about the attempt: environment, idempotency key, attempt,
//! token, clock reading and nonce.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use prism_types::Environment;
use secrecy::SecretString;

/// What the executor tells a flow about the attempt it is building or reading.
#[derive(Debug, Clone, Copy)]
pub struct FlowContext<'a> {
    /// The environment the client was built for.
    pub environment: Environment,
    /// The idempotency key of this call (the same on every attempt), when the connector has a
    /// mechanism for one.
    pub idempotency_key: Option<&'a str>,
    /// True when the key was derived from the merchant reference (Prism's default), false when
    /// the caller chose it. A key conflict then means "this reference was used before".
    pub key_from_reference: bool,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// True when an earlier attempt of this same call may have been applied by the processor
    /// (it was sent and no definite answer came back). A replayed result is then this call's own.
    pub earlier_attempt_may_have_applied: bool,
    /// The access token from the connector's token step, when it has one.
    pub access_token: Option<&'a SecretString>,
    /// The clock reading for this attempt (signed schemes put it in a header and sign it).
    pub now: SystemTime,
    /// Fresh randomness for this attempt (signed schemes' salt or nonce).
    pub nonce: Nonce,
}

/// 16 random bytes, drawn anew by the executor for every attempt (fixed in tests, so that
/// signatures can be checked against known vectors).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Nonce(pub [u8; 16]);

impl Nonce {
    /// Lower-case hex, 32 characters.
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// `n` (≤ 16) characters from `[0-9a-zA-Z]`, one per byte (a salt for schemes that want
    /// letters and digits).
    pub fn alphanumeric(&self, n: usize) -> String {
        const CHARS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        self.0
            .iter()
            .take(n)
            .map(|b| char::from(CHARS[usize::from(*b) % CHARS.len()]))
            .collect()
    }
}

impl std::fmt::Debug for Nonce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Nonce(..)")
    }
}

/// The clock reading of [`FlowContext::first`]: 2023-11-14T22:13:20Z.
pub const FIXED_NOW: Duration = Duration::from_secs(1_700_000_000);

impl<'a> FlowContext<'a> {
    /// A context for a first attempt with no key and no token, a fixed clock reading
    /// ([`FIXED_NOW`] after the epoch) and an all-zero nonce (tests, benchmarks).
    pub fn first(environment: Environment) -> Self {
        Self {
            environment,
            idempotency_key: None,
            key_from_reference: false,
            attempt: 1,
            earlier_attempt_may_have_applied: false,
            access_token: None,
            now: UNIX_EPOCH + FIXED_NOW,
            nonce: Nonce([0; 16]),
        }
    }

    /// The same context with another clock reading and nonce.
    pub fn at(mut self, now: SystemTime, nonce: Nonce) -> Self {
        self.now = now;
        self.nonce = nonce;
        self
    }

    /// The same context with an idempotency key.
    pub fn with_idempotency_key(mut self, key: &'a str, from_reference: bool) -> Self {
        self.idempotency_key = Some(key);
        self.key_from_reference = from_reference;
        self
    }

    /// The same context with an access token.
    pub fn with_access_token(mut self, token: &'a SecretString) -> Self {
        self.access_token = Some(token);
        self
    }
}

/// A token from a connector's token step, cached by the executor until it expires.
#[derive(Debug, Clone)]
pub struct AccessToken {
    /// The token.
    pub token: SecretString,
    /// When it stops being valid, if the processor said.
    pub expires_at: Option<SystemTime>,
}

impl AccessToken {
    /// Whether the token is still good for at least `margin`.
    pub fn is_fresh(&self, now: SystemTime, margin: Duration) -> bool {
        match self.expires_at {
            Some(t) => now + margin < t,
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonce_text() {
        let n = Nonce([0, 1, 61, 62, 255, 9, 10, 35, 36, 0, 0, 0, 0, 0, 0, 171]);
        assert_eq!(n.hex(), "00013d3eff090a2324000000000000ab");
        assert_eq!(n.alphanumeric(9), "01Z079azA");
        assert_eq!(format!("{n:?}"), "Nonce(..)");
    }
}
