//! Stripe's credentials, declared once.

use prism_connector::auth::Authorization;
use prism_connector::credentials::{check_credential, check_key_mode};
use prism_connector::types::{Connector, Environment, Error};
use secrecy::ExposeSecret;

prism_connector::credentials! {
    /// Stripe credentials: one secret (`sk_…`) or restricted (`rk_…`) key.
    ///
    /// From the environment: `PRISM_STRIPE_API_KEY`.
    pub struct StripeConfig for Stripe {
        /// The secret (`sk_…`) or restricted (`rk_…`) API key.
        api_key: secret,
    }
    account = [api_key];
}

impl StripeConfig {
    /// `Bearer <api_key>`, built once by the connector (and scrubbed like the key).
    pub(crate) fn authorization(&self) -> Authorization {
        Authorization::bearer(&self.api_key)
    }

    /// Rejects keys that cannot work in `env` before anything is sent.
    pub(crate) fn check(&self, env: Environment) -> Result<(), Error> {
        let key = self.api_key.expose_secret();
        check_credential("stripe API key", key)?;
        check_key_mode(
            Connector::Stripe,
            key,
            env,
            &["sk_live_", "rk_live_"],
            &["sk_test_", "rk_test_"],
            &["pk_"],
        )
    }
}

#[cfg(test)]
mod tests {
    //! Blank keys and a `Debug` without the key are the behaviour suite's credential cases.
    use super::*;
    use Environment::{Production, Sandbox};

    #[test]
    fn key_environment_rules() {
        let ok = |key: &str, env| StripeConfig::new(key).check(env).is_ok();
        assert!(ok("sk_test_abc", Sandbox) && ok("rk_live_abc", Production));
        for (key, env) in [
            ("sk_live_supersecret", Sandbox),
            ("sk_test_abc", Production),
            ("pk_test_abc", Sandbox),
            ("sk_test_a b", Sandbox),
        ] {
            assert!(!ok(key, env), "{key}");
        }
        let e = StripeConfig::new("sk_live_supersecret").check(Sandbox);
        assert!(!format!("{e:?}").contains("supersecret"));
    }
}
