//! Xendit's credentials, declared once.

use prism_connector::auth::{check_basic_user, Authorization};
use prism_connector::credentials::{check_credential, check_key_mode};
use prism_connector::types::{Connector, Environment, Error};
use secrecy::ExposeSecret;

/// Prefix of secret keys of test mode (docs.md "Endpoint and authentication").
pub const TEST_KEY_PREFIX: &str = "xnd_development_";
/// Prefix of secret keys of live mode.
pub const LIVE_KEY_PREFIX: &str = "xnd_production_";

prism_connector::credentials! {
    /// Xendit credentials: one secret API key (`xnd_development_…` in test mode,
    /// `xnd_production_…` in live mode), sent as the HTTP Basic user with an empty password.
    ///
    /// From the environment: `PRISM_XENDIT_SECRET_KEY`.
    pub struct XenditConfig for Xendit {
        /// The secret API key.
        secret_key: secret,
    }
    account = [secret_key];
}

impl XenditConfig {
    /// `Authorization: Basic base64("<secret key>:")`.
    pub(crate) fn authorization(&self) -> Authorization {
        Authorization::basic(&self.secret_key, None)
    }

    /// Rejects keys that cannot work in `env` before anything is sent: Xendit has one host, so
    /// the key's prefix is the mode; a public key (`xnd_public_…`) only tokenises cards.
    pub(crate) fn check(&self, env: Environment) -> Result<(), Error> {
        let key = self.secret_key.expose_secret();
        check_credential("xendit secret key", key)?;
        check_basic_user("xendit secret key", key)?;
        check_key_mode(
            Connector::Xendit,
            key,
            env,
            &[LIVE_KEY_PREFIX],
            &[TEST_KEY_PREFIX],
            &["xnd_public_"],
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
        let ok = |key: &str, env| XenditConfig::new(key).check(env).is_ok();
        assert!(ok("xnd_development_abc", Sandbox) && ok("xnd_production_abc", Production));
        for (key, env) in [
            ("xnd_production_supersecret", Sandbox),
            ("xnd_development_abc", Production),
            ("xnd_public_development_abc", Sandbox),
            ("xnd_development_a:b", Sandbox),
        ] {
            assert!(!ok(key, env), "{key}");
        }
        let e = XenditConfig::new("xnd_production_supersecret").check(Sandbox);
        assert!(!format!("{e:?}").contains("supersecret"));
        let auth = XenditConfig::new("xnd_development_x").authorization();
        assert_eq!(auth.expose_secret(), "Basic eG5kX2RldmVsb3BtZW50X3g6");
    }
}
