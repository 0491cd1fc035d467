use std::fmt;

use prism_connector::types::{Connector, Environment, Error};
use prism_connector::{required_env, wire, Capabilities, ConnectorConfig};
use secrecy::{ExposeSecret, SecretString};

use crate::Stax;

/// The environment variable holding the Stax API key.
const ENV_API_KEY: &str = "PRISM_STAX_API_KEY";

/// Stax credentials: one merchant API key (a JWT made in Stax Pay → Apps → API Keys), sent as
/// `Authorization: Bearer <key>`.
///
/// Sandbox and live keys look alike and use the same host, so the environment cannot be checked
/// against the key locally.
///
/// From the environment: `PRISM_STAX_API_KEY`.
#[derive(Clone)]
pub struct StaxConfig {
    api_key: SecretString,
}

impl fmt::Debug for StaxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaxConfig")
            .field("api_key", &"[redacted]")
            .finish()
    }
}

impl StaxConfig {
    /// A config with `api_key`.
    pub fn new(api_key: impl Into<String>) -> Self {
        Self {
            api_key: SecretString::from(api_key.into()),
        }
    }

    pub(crate) fn api_key(&self) -> &SecretString {
        &self.api_key
    }

    pub(crate) fn fingerprint(&self) -> String {
        prism_connector::fingerprint(&["stax", self.api_key.expose_secret()])
    }

    /// Rejects keys that cannot work before anything is sent. Stax counts failed requests
    /// (10 a minute per IP earns a one-hour block), so an obviously bad key must not be tried.
    pub(crate) fn check(&self, _env: Environment) -> Result<(), Error> {
        let key = self.api_key.expose_secret();
        if key
            .trim_start()
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("bearer "))
        {
            return Err(Error::configuration(
                "stax API key must be the bare key, without the `Bearer ` prefix",
            ));
        }
        wire::check_credential("stax API key", key)
    }
}

impl ConnectorConfig for StaxConfig {
    type Api = Stax;
    const CONNECTOR: Connector = Connector::Stax;
    const ENV_VARS: &'static [&'static str] = &[ENV_API_KEY];

    fn from_env_with(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        required_env(lookup, ENV_API_KEY).map(Self::new)
    }

    fn from_api_key(key: String) -> Option<Self> {
        Some(Self::new(key))
    }

    fn capabilities() -> &'static Capabilities {
        &crate::CAPABILITIES
    }

    fn into_api(self) -> Stax {
        Stax::new(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prism_connector::types::ErrorKind;

    #[test]
    fn key_rules() {
        let k = |key: &str, env| StaxConfig::new(key).check(env).map_err(|e| e.kind());
        assert_eq!(
            k(
                "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.sig",
                Environment::Production
            ),
            Ok(())
        );
        assert_eq!(k("stax_sandbox_prism_key", Environment::Sandbox), Ok(()));
        assert_eq!(k("", Environment::Sandbox), Err(ErrorKind::Configuration));
        assert_eq!(
            k("   ", Environment::Sandbox),
            Err(ErrorKind::Configuration)
        );
        assert_eq!(
            k("abc def", Environment::Sandbox),
            Err(ErrorKind::Configuration)
        );
        assert_eq!(
            k("abc\n", Environment::Sandbox),
            Err(ErrorKind::Configuration)
        );
        assert_eq!(k("ééééé", Environment::Sandbox), Ok(()));
    }

    #[test]
    fn messages_and_debug_never_show_the_key() {
        let c = StaxConfig::new("Bearer supersecretvalue123");
        let e = c.check(Environment::Sandbox).expect_err("bearer prefix");
        assert!(e.message().contains("Bearer"));
        assert!(!format!("{e} {e:?} {c:?}").contains("supersecret"));
        assert!(!c.fingerprint().contains("supersecret"));
        assert_ne!(c.fingerprint(), StaxConfig::new("other").fingerprint());
    }

    #[test]
    fn from_env_and_api_key() {
        let c =
            StaxConfig::from_env_with(&|k| (k == "PRISM_STAX_API_KEY").then(|| "key".to_owned()));
        assert!(c.is_ok());
        let e = StaxConfig::from_env_with(&|_| None).expect_err("missing");
        assert!(e.to_string().contains("PRISM_STAX_API_KEY"));
        assert!(StaxConfig::from_api_key("key".into()).is_some());
        assert_eq!(StaxConfig::ENV_VARS, &["PRISM_STAX_API_KEY"]);
    }
}
