//! Stripe's credentials, declared once.

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
    use super::*;
    use prism_connector::types::ErrorKind;
    use prism_connector::CredentialSet;

    #[test]
    fn key_environment_rules() {
        let k = |key: &str, env| StripeConfig::new(key).check(env).map_err(|e| e.kind());
        assert_eq!(k("sk_test_abc", Environment::Sandbox), Ok(()));
        assert_eq!(k("rk_live_abc", Environment::Production), Ok(()));
        for (key, env) in [
            ("sk_live_abc", Environment::Sandbox),
            ("sk_test_abc", Environment::Production),
            ("pk_test_abc", Environment::Sandbox),
            ("", Environment::Sandbox),
            ("sk_test_a b", Environment::Sandbox),
        ] {
            assert_eq!(k(key, env), Err(ErrorKind::Configuration), "{key}");
        }
    }

    #[test]
    fn messages_and_debug_never_show_the_key() {
        let key = "sk_live_supersecretvalue123";
        let c = StripeConfig::new(key);
        let e = c
            .check(Environment::Sandbox)
            .expect_err("live key in sandbox");
        assert!(!format!("{e} {e:?} {c:?}").contains("supersecret"));
        assert!(!c.account_fingerprint().contains("supersecret"));
    }
}
