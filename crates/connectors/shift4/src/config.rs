use std::fmt;

use prism_connector::types::{Connector, Environment, Error};
use prism_connector::{required_env, wire, Capabilities, ConnectorConfig};
use secrecy::{ExposeSecret, SecretString};

use crate::Shift4;

/// Shift4 credentials: one secret key (`sk_test_…` or `sk_live_…`), sent as the user name of
/// HTTP Basic auth with an empty password.
///
/// From the environment: `PRISM_SHIFT4_SECRET_KEY`.
#[derive(Clone)]
pub struct Shift4Config {
    secret_key: SecretString,
}

impl fmt::Debug for Shift4Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shift4Config")
            .field("secret_key", &"[redacted]")
            .finish()
    }
}

impl Shift4Config {
    /// A config with `secret_key`.
    pub fn new(secret_key: impl Into<String>) -> Self {
        Self {
            secret_key: SecretString::from(secret_key.into()),
        }
    }

    pub(crate) fn secret_key(&self) -> &SecretString {
        &self.secret_key
    }

    /// `Basic base64("<secret key>:")` (docs.md "Endpoint and authentication").
    pub(crate) fn authorization(&self) -> String {
        wire::basic_auth(self.secret_key.expose_secret(), "")
    }

    pub(crate) fn fingerprint(&self) -> String {
        prism_connector::fingerprint(&["shift4", self.secret_key.expose_secret()])
    }

    /// Rejects keys that cannot work in `env` before anything is sent.
    pub(crate) fn check(&self, env: Environment) -> Result<(), Error> {
        let key = self.secret_key.expose_secret();
        wire::check_credential("shift4 secret key", key)?;
        wire::check_key_mode(
            Connector::Shift4,
            key,
            env,
            &["sk_live_"],
            &["sk_test_"],
            &["pk_"],
        )
    }
}

impl ConnectorConfig for Shift4Config {
    type Api = Shift4;
    const CONNECTOR: Connector = Connector::Shift4;
    const ENV_VARS: &'static [&'static str] = &["PRISM_SHIFT4_SECRET_KEY"];

    fn from_env_with(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        required_env(lookup, "PRISM_SHIFT4_SECRET_KEY").map(Self::new)
    }

    fn from_api_key(key: String) -> Option<Self> {
        Some(Self::new(key))
    }

    fn capabilities() -> &'static Capabilities {
        &crate::CAPABILITIES
    }

    fn into_api(self) -> Shift4 {
        Shift4::new(self)
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
            k("  ", Environment::Production),
            Err(ErrorKind::Configuration)
        );
        assert_eq!(
            k("sk_test_a b", Environment::Sandbox),
            Err(ErrorKind::Configuration)
        );
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
        let key = "sk_live_supersecretvalue123";
        let c = Shift4Config::new(key);
        let e = c
            .check(Environment::Sandbox)
            .expect_err("live key in sandbox");
        assert!(!format!("{e} {e:?} {c:?}").contains("supersecret"));
        assert!(!c.fingerprint().contains("supersecret"));
        assert_ne!(
            c.fingerprint(),
            Shift4Config::new("sk_live_other").fingerprint()
        );
    }

    #[test]
    fn from_env_and_api_key() {
        let c = Shift4Config::from_env_with(&|k| {
            (k == "PRISM_SHIFT4_SECRET_KEY").then(|| "sk_test_x".to_owned())
        });
        assert!(c.is_ok());
        let e = Shift4Config::from_env_with(&|_| None).expect_err("missing");
        assert!(e.to_string().contains("PRISM_SHIFT4_SECRET_KEY"));
        let e = Shift4Config::from_env_with(&|_| Some("  ".to_owned())).expect_err("blank");
        assert_eq!(e.kind(), ErrorKind::Configuration);
        assert!(Shift4Config::from_api_key("sk_test_x".into()).is_some());
    }
}
