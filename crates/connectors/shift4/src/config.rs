//! Shift4's credentials, declared once.

use prism_connector::credentials::check_key_mode;
use prism_connector::encoding::basic_auth;
use prism_connector::types::{Connector, Environment, Error};
use prism_connector::CredentialSet;
use secrecy::ExposeSecret;

prism_connector::credentials! {
    /// Shift4 credentials: one secret key (`sk_test_…` or `sk_live_…`), sent as the user name of
    /// HTTP Basic auth with an empty password.
    ///
    /// From the environment: `PRISM_SHIFT4_SECRET_KEY`.
    pub struct Shift4Config for Shift4 {
        /// The secret key (`sk_test_…` / `sk_live_…`).
        secret_key: secret,
    }
    account = [secret_key];
}

impl Shift4Config {
    /// `Basic base64("<secret key>:")` (docs.md "Endpoint and authentication").
    pub(crate) fn authorization(&self) -> String {
        basic_auth(self.secret_key.expose_secret(), "")
    }

    /// Rejects keys that cannot work in `env` before anything is sent.
    pub(crate) fn check(&self, env: Environment) -> Result<(), Error> {
        self.check_fields()?;
        check_key_mode(
            Connector::Shift4,
            self.secret_key.expose_secret(),
            env,
            &["sk_live_"],
            &["sk_test_"],
            &["pk_"],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prism_connector::types::ErrorKind;

    #[test]
    fn key_environment_rules() {
        let k = |key: &str, env| Shift4Config::new(key).check(env).map_err(|e| e.kind());
        assert_eq!(k("sk_test_abc", Environment::Sandbox), Ok(()));
        assert_eq!(k("sk_live_abc", Environment::Production), Ok(()));
        for (key, env) in [
            ("sk_live_abc", Environment::Sandbox),
            ("sk_test_abc", Environment::Production),
            ("pk_test_abc", Environment::Sandbox),
            ("", Environment::Sandbox),
            ("  ", Environment::Production),
            ("sk_test_a b", Environment::Sandbox),
        ] {
            assert_eq!(k(key, env), Err(ErrorKind::Configuration), "{key}");
        }
        // Unknown prefixes are left to Shift4 (it answers 401).
        assert_eq!(k("other_key", Environment::Sandbox), Ok(()));
    }

    #[test]
    fn basic_auth_matches_the_documented_example() {
        // docs.md: key `sk_test_example` → `Basic c2tfdGVzdF9leGFtcGxlOg==`.
        assert_eq!(
            Shift4Config::new("sk_test_example").authorization(),
            "Basic c2tfdGVzdF9leGFtcGxlOg=="
        );
    }

    #[test]
    fn messages_and_debug_never_show_the_key() {
        let c = Shift4Config::new("sk_live_supersecretvalue123");
        let e = c
            .check(Environment::Sandbox)
            .expect_err("live key in sandbox");
        assert!(!format!("{e} {e:?} {c:?}").contains("supersecret"));
        assert!(!c.account_fingerprint().contains("supersecret"));
        assert_ne!(
            c.account_fingerprint(),
            Shift4Config::new("sk_live_other").account_fingerprint()
        );
    }
}
