use std::fmt;

use prism_connector::types::{Connector, Error};
use prism_connector::{required_env, Capabilities, ConnectorConfig};
use secrecy::{ExposeSecret, SecretString};

use crate::AuthorizeDotNet;

/// Longest API Login ID the schema accepts (`merchantAuthenticationType/name`, maxLength 25).
const LOGIN_ID_MAX: usize = 25;
/// Longest Transaction Key the schema accepts (`merchantAuthenticationType/transactionKey`,
/// maxLength 16).
const TRANSACTION_KEY_MAX: usize = 16;

/// Authorize.net credentials: the API Login ID and the Transaction Key of a merchant account.
///
/// From the environment: `PRISM_AUTHORIZEDOTNET_API_LOGIN_ID` and
/// `PRISM_AUTHORIZEDOTNET_TRANSACTION_KEY`. Both are kept as secrets: `Debug` shows neither.
/// Sandbox and production accounts have different credentials; the two cannot be told apart
/// locally (a mismatch is answered with E00007, `Authentication`).
#[derive(Clone)]
pub struct AuthorizeDotNetConfig {
    api_login_id: SecretString,
    transaction_key: SecretString,
}

impl fmt::Debug for AuthorizeDotNetConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizeDotNetConfig")
            .field("api_login_id", &"[redacted]")
            .field("transaction_key", &"[redacted]")
            .finish()
    }
}

impl AuthorizeDotNetConfig {
    /// A config with the account's API Login ID and Transaction Key.
    pub fn new(api_login_id: impl Into<String>, transaction_key: impl Into<String>) -> Self {
        Self {
            api_login_id: SecretString::from(api_login_id.into()),
            transaction_key: SecretString::from(transaction_key.into()),
        }
    }

    pub(crate) fn api_login_id(&self) -> &SecretString {
        &self.api_login_id
    }

    pub(crate) fn transaction_key(&self) -> &SecretString {
        &self.transaction_key
    }

    pub(crate) fn fingerprint(&self) -> String {
        // The login id names the merchant account; the key may be rotated without changing it.
        prism_connector::fingerprint(&["authorizedotnet", self.api_login_id.expose_secret()])
    }

    /// What can be checked without the network: presence, white space and the schema's lengths.
    pub(crate) fn check(&self) -> Result<(), Error> {
        check_part(
            "API Login ID",
            self.api_login_id.expose_secret(),
            LOGIN_ID_MAX,
        )?;
        check_part(
            "Transaction Key",
            self.transaction_key.expose_secret(),
            TRANSACTION_KEY_MAX,
        )
    }
}

fn check_part(what: &str, value: &str, max: usize) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::configuration(format!(
            "authorizedotnet: the {what} is empty"
        )));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::configuration(format!(
            "authorizedotnet: the {what} contains white space"
        )));
    }
    if value.chars().count() > max {
        return Err(Error::configuration(format!(
            "authorizedotnet: the {what} is longer than {max} characters, which Authorize.net never issues"
        )));
    }
    Ok(())
}

impl ConnectorConfig for AuthorizeDotNetConfig {
    type Api = AuthorizeDotNet;
    const CONNECTOR: Connector = Connector::AuthorizeDotNet;
    const ENV_VARS: &'static [&'static str] = &[
        "PRISM_AUTHORIZEDOTNET_API_LOGIN_ID",
        "PRISM_AUTHORIZEDOTNET_TRANSACTION_KEY",
    ];

    fn from_env_with(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let login = required_env(lookup, "PRISM_AUTHORIZEDOTNET_API_LOGIN_ID")?;
        let key = required_env(lookup, "PRISM_AUTHORIZEDOTNET_TRANSACTION_KEY")?;
        Ok(Self::new(login, key))
    }

    fn capabilities() -> &'static Capabilities {
        &crate::CAPABILITIES
    }

    fn into_api(self) -> AuthorizeDotNet {
        AuthorizeDotNet::new(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prism_connector::types::{Environment, ErrorKind};
    use prism_connector::ConnectorApi;

    #[test]
    fn local_checks() {
        let k = |l: &str, t: &str| {
            AuthorizeDotNetConfig::new(l, t)
                .check()
                .map_err(|e| e.kind())
        };
        assert_eq!(k("prism_sandbox_login", "prism_sbx_key_01"), Ok(()));
        assert_eq!(k("5KP3u95bQpv", "346HZ32z3fP4hTG2"), Ok(()));
        assert_eq!(k("", "346HZ32z3fP4hTG2"), Err(ErrorKind::Configuration));
        assert_eq!(k("5KP3u95bQpv", "  "), Err(ErrorKind::Configuration));
        assert_eq!(
            k("5KP3 u95bQpv", "346HZ32z3fP4hTG2"),
            Err(ErrorKind::Configuration)
        );
        assert_eq!(
            k("5KP3u95bQpv", "346HZ32z3fP4hTG2x"),
            Err(ErrorKind::Configuration)
        );
        assert_eq!(
            k(&"a".repeat(26), "346HZ32z3fP4hTG2"),
            Err(ErrorKind::Configuration)
        );
    }

    #[test]
    fn debug_messages_and_fingerprint_never_show_credentials() {
        let c = AuthorizeDotNetConfig::new("loginSecretish", "keySuperSecret1");
        let shown = format!("{c:?} {:?}", c.clone().into_api());
        assert!(
            !shown.contains("loginSecretish") && !shown.contains("keySuperSecret1"),
            "{shown}"
        );
        let e = AuthorizeDotNetConfig::new("loginSecretish", "keySuperSecret1xxxx")
            .check()
            .expect_err("too long");
        assert!(!format!("{e} {e:?}").contains("keySuperSecret1"));
        let fp = c.fingerprint();
        assert!(!fp.contains("loginSecretish") && !fp.is_empty());
        assert_eq!(
            fp,
            AuthorizeDotNetConfig::new("loginSecretish", "otherKey").fingerprint()
        );
        let api = c.into_api();
        assert_eq!(api.secrets().len(), 2);
        assert!(api.check_config(Environment::Production).is_ok());
    }

    #[test]
    fn from_env() {
        let env = |k: &str| match k {
            "PRISM_AUTHORIZEDOTNET_API_LOGIN_ID" => Some("prism_sandbox_login".to_owned()),
            "PRISM_AUTHORIZEDOTNET_TRANSACTION_KEY" => Some("prism_sbx_key_01".to_owned()),
            _ => None,
        };
        assert!(AuthorizeDotNetConfig::from_env_with(&env).is_ok());
        let e = AuthorizeDotNetConfig::from_env_with(&|k| {
            (k == "PRISM_AUTHORIZEDOTNET_API_LOGIN_ID").then(|| "x".to_owned())
        })
        .expect_err("missing key");
        assert!(e
            .to_string()
            .contains("PRISM_AUTHORIZEDOTNET_TRANSACTION_KEY"));
        let e = AuthorizeDotNetConfig::from_env_with(&|_| None).expect_err("missing");
        assert!(e.to_string().contains("PRISM_AUTHORIZEDOTNET_API_LOGIN_ID"));
        assert!(AuthorizeDotNetConfig::from_api_key("k".into()).is_none());
    }
}
