use std::fmt;

use prism_connector::types::{Connector, Environment, Error};
use prism_connector::{required_env, wire, Capabilities, ConnectorConfig};

use crate::Finix;
use secrecy::{ExposeSecret, SecretString};

/// Finix API credentials: an API user's `username` (e.g. `US…`) and its `password`, sent with
/// HTTP Basic auth. Sandbox and live credentials are separate.
///
/// From the environment: `PRISM_FINIX_USERNAME`, `PRISM_FINIX_PASSWORD`.
#[derive(Clone)]
pub struct FinixConfig {
    username: SecretString,
    password: SecretString,
}

impl fmt::Debug for FinixConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FinixConfig")
            .field("username", &"[redacted]")
            .field("password", &"[redacted]")
            .finish()
    }
}

impl FinixConfig {
    /// A config with an API user's `username` and `password`.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: SecretString::from(username.into()),
            password: SecretString::from(password.into()),
        }
    }

    pub(crate) fn username(&self) -> &SecretString {
        &self.username
    }

    pub(crate) fn password(&self) -> &SecretString {
        &self.password
    }

    /// The `Authorization` header value: `Basic base64(username:password)`.
    pub(crate) fn basic_auth(&self) -> SecretString {
        SecretString::from(wire::basic_auth(
            self.username.expose_secret(),
            self.password.expose_secret(),
        ))
    }

    pub(crate) fn fingerprint(&self) -> String {
        // The API user id names the account; hashed, never shown.
        prism_connector::fingerprint(&["finix", self.username.expose_secret()])
    }

    /// Rejects credentials that cannot work before anything is sent. Finix credentials carry no
    /// environment marker, so a sandbox/live mix-up can only be told by Finix (401).
    pub(crate) fn check(&self, _env: Environment) -> Result<(), Error> {
        let user = self.username.expose_secret();
        let pass = self.password.expose_secret();
        if user.trim().is_empty() {
            return Err(Error::configuration("finix username is empty"));
        }
        if pass.trim().is_empty() {
            return Err(Error::configuration("finix password is empty"));
        }
        if user.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::configuration(
                "finix username contains white space or control characters",
            ));
        }
        if user.contains(':') {
            return Err(Error::configuration(
                "finix username contains ':' which HTTP Basic auth cannot carry",
            ));
        }
        if pass.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::configuration(
                "finix password contains white space or control characters",
            ));
        }
        Ok(())
    }
}

impl ConnectorConfig for FinixConfig {
    type Api = Finix;
    const CONNECTOR: Connector = Connector::Finix;
    const ENV_VARS: &'static [&'static str] = &["PRISM_FINIX_USERNAME", "PRISM_FINIX_PASSWORD"];

    fn from_env_with(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let username = required_env(lookup, "PRISM_FINIX_USERNAME")?;
        let password = required_env(lookup, "PRISM_FINIX_PASSWORD")?;
        Ok(Self::new(username, password))
    }

    fn capabilities() -> &'static Capabilities {
        &crate::CAPABILITIES
    }

    fn into_api(self) -> Finix {
        Finix::new(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prism_connector::types::ErrorKind;

    #[test]
    fn basic_auth_header() {
        let c = FinixConfig::new("USprismSandbox", "prism-sandbox-password");
        // printf 'USprismSandbox:prism-sandbox-password' | base64
        assert_eq!(
            c.basic_auth().expose_secret(),
            "Basic VVNwcmlzbVNhbmRib3g6cHJpc20tc2FuZGJveC1wYXNzd29yZA=="
        );
    }

    #[test]
    fn local_checks() {
        let k = |u: &str, p: &str| {
            FinixConfig::new(u, p)
                .check(Environment::Sandbox)
                .map_err(|e| e.kind())
        };
        assert_eq!(k("USabc", "pw"), Ok(()));
        assert_eq!(k("", "pw"), Err(ErrorKind::Configuration));
        assert_eq!(k("USabc", " "), Err(ErrorKind::Configuration));
        assert_eq!(k("US a", "pw"), Err(ErrorKind::Configuration));
        assert_eq!(k("US:a", "pw"), Err(ErrorKind::Configuration));
        assert_eq!(k("USabc", "p w"), Err(ErrorKind::Configuration));
        assert_eq!(
            FinixConfig::new("USabc", "pw")
                .check(Environment::Production)
                .map_err(|e| e.kind()),
            Ok(())
        );
    }

    #[test]
    fn debug_and_errors_never_show_credentials() {
        let c = FinixConfig::new("USsecretuser", "supersecretpassword");
        let d = format!("{c:?}");
        assert!(
            !d.contains("secretuser") && !d.contains("supersecret"),
            "{d}"
        );
        assert!(!c.fingerprint().contains("secret"));
        let e = FinixConfig::new("USsecret user", "supersecretpassword")
            .check(Environment::Sandbox)
            .expect_err("space");
        assert!(!format!("{e} {e:?}").contains("supersecret"));
    }

    #[test]
    fn from_env() {
        let c = FinixConfig::from_env_with(&|k| match k {
            "PRISM_FINIX_USERNAME" => Some("USx".to_owned()),
            "PRISM_FINIX_PASSWORD" => Some("pw".to_owned()),
            _ => None,
        });
        assert!(c.is_ok());
        let e = FinixConfig::from_env_with(&|k| {
            (k == "PRISM_FINIX_USERNAME").then(|| "USx".to_owned())
        })
        .expect_err("missing password");
        assert!(e.to_string().contains("PRISM_FINIX_PASSWORD"));
        let e = FinixConfig::from_env_with(&|_| None).expect_err("missing");
        assert!(e.to_string().contains("PRISM_FINIX_USERNAME"));
        assert!(FinixConfig::from_api_key("x".into()).is_none());
    }
}
