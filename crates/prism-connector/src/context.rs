use std::time::{Duration, SystemTime};

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
}

impl<'a> FlowContext<'a> {
    /// A context for a first attempt with no key and no token (tests, benchmarks).
    pub fn first(environment: Environment) -> Self {
        Self {
            environment,
            idempotency_key: None,
            key_from_reference: false,
            attempt: 1,
            earlier_attempt_may_have_applied: false,
            access_token: None,
        }
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
