//! Paystack's credentials, declared once, and the key's mode checked against the environment.

use prism_connector::credentials::{check_credential, check_key_mode};
use prism_connector::types::{Connector, Environment, Error};
use secrecy::ExposeSecret;

prism_connector::credentials! {
    /// Paystack credentials: one secret key (`sk_test_…` or `sk_live_…`).
    ///
    /// From the environment: `PRISM_PAYSTACK_SECRET_KEY`.
    pub struct PaystackConfig for Paystack {
        /// The secret key (`sk_test_…` in test mode, `sk_live_…` in live mode).
        secret_key: secret,
    }
    account = [secret_key];
}

impl PaystackConfig {
    /// Paystack has one host; the key's prefix picks test or live mode, so it must match `env`.
    /// A public key (`pk_…`) or a key of another shape is refused before anything is sent.
    pub(crate) fn check(&self, env: Environment) -> Result<(), Error> {
        let key = self.secret_key.expose_secret();
        check_credential("paystack secret key", key)?;
        check_key_mode(
            Connector::Paystack,
            key,
            env,
            &["sk_live_"],
            &["sk_test_"],
            &["pk_"],
        )?;
        if !key.starts_with("sk_test_") && !key.starts_with("sk_live_") {
            return Err(Error::configuration(
                "paystack: a secret key starts with sk_test_ (test mode) or sk_live_ (live mode)",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Environment::{Production, Sandbox};

    #[test]
    fn key_mode_matches_the_environment() {
        let ok = |key: &str, env| PaystackConfig::new(key).check(env).is_ok();
        assert!(ok("sk_test_abc", Sandbox) && ok("sk_live_abc", Production));
        for (key, env) in [
            ("sk_live_supersecret", Sandbox),
            ("sk_test_supersecret", Production),
            ("pk_test_supersecret", Sandbox),
            ("supersecret", Sandbox),
            ("sk_test_a b", Sandbox),
        ] {
            let e = PaystackConfig::new(key).check(env).expect_err(key);
            assert!(!format!("{e} {e:?}").contains("supersecret"), "{key}");
        }
    }
}
