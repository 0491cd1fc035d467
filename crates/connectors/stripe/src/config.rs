use std::fmt;

use prism_connector::types::{Connector, Environment, Error};
use prism_connector::{required_env, wire, Capabilities, ConnectorConfig};

use crate::Stripe;
use secrecy::{ExposeSecret, SecretString};

/// Stripe credentials: one secret (`sk_…`) or restricted (`rk_…`) key.
///
/// From the environment: `PRISM_STRIPE_API_KEY`.
#[derive(Clone)]
pub struct StripeConfig {
    api_key: SecretString,
    /// `Bearer <api_key>`, built once.
    authorization: SecretString,
}

impl fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeConfig")
            .field("api_key", &"[redacted]")
            .finish()
    }
}

impl StripeConfig {
    /// A config with `api_key`.
    pub fn new(api_key: impl Into<String>) -> Self {
        let api_key: String = api_key.into();
        Self {
            authorization: SecretString::from(format!("Bearer {api_key}")),
            api_key: SecretString::from(api_key),
        }
    }

    pub(crate) fn api_key(&self) -> &SecretString {
        &self.api_key
    }

    /// The `Authorization` header value.
    pub(crate) fn authorization(&self) -> &SecretString {
        &self.authorization
    }

    pub(crate) fn fingerprint(&self) -> String {
        prism_connector::fingerprint(&["stripe", self.api_key.expose_secret()])
    }

    /// Rejects keys that cannot work in `env` before anything is sent.
    pub(crate) fn check(&self, env: Environment) -> Result<(), Error> {
        let key = self.api_key.expose_secret();
        wire::check_credential("stripe API key", key)?;
        wire::check_key_mode(
            Connector::Stripe,
            key,
            env,
            &["sk_live_", "rk_live_"],
            &["sk_test_", "rk_test_"],
            &["pk_"],
        )
    }
}

impl ConnectorConfig for StripeConfig {
    type Api = Stripe;
    const CONNECTOR: Connector = Connector::Stripe;
    const ENV_VARS: &'static [&'static str] = &["PRISM_STRIPE_API_KEY"];

    fn from_env_with(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        required_env(lookup, "PRISM_STRIPE_API_KEY").map(Self::new)
    }

    fn from_api_key(key: String) -> Option<Self> {
        Some(Self::new(key))
    }

    fn capabilities() -> &'static Capabilities {
        &crate::CAPABILITIES
    }

    fn into_api(self) -> Stripe {
        Stripe::new(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prism_connector::types::ErrorKind;

    #[test]
    fn key_environment_rules() {
        let k = |key: &str, env| StripeConfig::new(key).check(env).map_err(|e| e.kind());
        assert_eq!(k("sk_test_abc", Environment::Sandbox), Ok(()));
        assert_eq!(k("rk_live_abc", Environment::Production), Ok(()));
        assert_eq!(
            k("sk_live_abc", Environment::Sandbox),
            Err(ErrorKind::Configuration)
        );
        assert_eq!(
            k("sk_test_abc", Environment::Production),
            Err(ErrorKind::Configuration)
        );
        assert_eq!(
            k("pk_test_abc", Environment::Sandbox),
            Err(ErrorKind::Configuration)
        );
        assert_eq!(k("", Environment::Sandbox), Err(ErrorKind::Configuration));
        assert_eq!(
            k("sk_test_a b", Environment::Sandbox),
            Err(ErrorKind::Configuration)
        );
    }

    #[test]
    fn messages_and_debug_never_show_the_key() {
        let key = "sk_live_supersecretvalue123";
        let c = StripeConfig::new(key);
        let e = c
            .check(Environment::Sandbox)
            .expect_err("live key in sandbox");
        assert!(!format!("{e} {e:?} {c:?}").contains("supersecret"));
        assert!(!c.fingerprint().contains("supersecret"));
    }

    #[test]
    fn from_env() {
        let c = StripeConfig::from_env_with(&|k| {
            (k == "PRISM_STRIPE_API_KEY").then(|| "sk_test_x".to_owned())
        });
        assert!(c.is_ok());
        let e = StripeConfig::from_env_with(&|_| None).expect_err("missing");
        assert!(e.to_string().contains("PRISM_STRIPE_API_KEY"));
    }
}
