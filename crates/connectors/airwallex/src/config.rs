use std::fmt;

use prism_connector::types::{Connector, Error};
use prism_connector::{required_env, Capabilities, ConnectorConfig};
use secrecy::{ExposeSecret, SecretString};

use crate::Airwallex;

/// Airwallex credentials: a client id and an API key, exchanged for a 30-minute bearer token at
/// `POST /api/v1/authentication/login` (the executor does that and caches the token).
///
/// From the environment: `PRISM_AIRWALLEX_CLIENT_ID` and `PRISM_AIRWALLEX_API_KEY`.
/// Both are kept as secrets: the API key is the credential, and the client id is half of it
/// (neither appears in `Debug`, errors or logs).
#[derive(Clone)]
pub struct AirwallexConfig {
    client_id: SecretString,
    api_key: SecretString,
}

impl fmt::Debug for AirwallexConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AirwallexConfig")
            .field("client_id", &"[redacted]")
            .field("api_key", &"[redacted]")
            .finish()
    }
}

impl AirwallexConfig {
    /// A config with `client_id` and `api_key`.
    pub fn new(client_id: impl Into<String>, api_key: impl Into<String>) -> Self {
        Self {
            client_id: SecretString::from(client_id.into()),
            api_key: SecretString::from(api_key.into()),
        }
    }

    pub(crate) fn client_id(&self) -> &SecretString {
        &self.client_id
    }

    pub(crate) fn api_key(&self) -> &SecretString {
        &self.api_key
    }

    /// The account fingerprint: a one-way hash of the client id (one client id belongs to one
    /// Airwallex account; the API key may be rotated without changing it).
    pub(crate) fn fingerprint(&self) -> String {
        prism_connector::fingerprint(&["airwallex", self.client_id.expose_secret()])
    }

    /// What can be checked without a network call. Airwallex credentials carry no environment
    /// marker, so a sandbox key sent to production is only detected by the login's 401.
    pub(crate) fn check(&self) -> Result<(), Error> {
        for (what, v) in [("client id", &self.client_id), ("API key", &self.api_key)] {
            let v = v.expose_secret();
            if v.trim().is_empty() {
                return Err(Error::configuration(format!("airwallex {what} is empty")));
            }
            // Header values: no white space or control characters, ASCII only.
            if !v.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Error::configuration(format!(
                    "airwallex {what} contains white space, control or non-ASCII characters"
                )));
            }
        }
        Ok(())
    }
}

impl ConnectorConfig for AirwallexConfig {
    type Api = Airwallex;
    const CONNECTOR: Connector = Connector::Airwallex;
    const ENV_VARS: &'static [&'static str] =
        &["PRISM_AIRWALLEX_CLIENT_ID", "PRISM_AIRWALLEX_API_KEY"];

    fn from_env_with(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let client_id = required_env(lookup, "PRISM_AIRWALLEX_CLIENT_ID")?;
        let api_key = required_env(lookup, "PRISM_AIRWALLEX_API_KEY")?;
        Ok(Self::new(client_id, api_key))
    }

    fn capabilities() -> &'static Capabilities {
        &crate::CAPABILITIES
    }

    fn into_api(self) -> Airwallex {
        Airwallex::new(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prism_connector::types::ErrorKind;

    #[test]
    fn local_checks() {
        let k = |id: &str, key: &str| AirwallexConfig::new(id, key).check().map_err(|e| e.kind());
        assert_eq!(k("5f1vUssbSnq45temBX6CnB", "abc123"), Ok(()));
        assert_eq!(k("", "abc123"), Err(ErrorKind::Configuration));
        assert_eq!(k("id", " "), Err(ErrorKind::Configuration));
        assert_eq!(k("id", "a b"), Err(ErrorKind::Configuration));
        assert_eq!(k("id\n", "ab"), Err(ErrorKind::Configuration));
        assert_eq!(k("id", "é"), Err(ErrorKind::Configuration));
    }

    #[test]
    fn debug_and_errors_never_show_credentials() {
        let c = AirwallexConfig::new("clientidsecretish", "apikeysupersecret");
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("clientidsecretish") && !shown.contains("apikeysupersecret"),
            "{shown}"
        );
        assert!(!c.fingerprint().contains("clientidsecretish"));
        let e = AirwallexConfig::new("x", "has space apikeysupersecret")
            .check()
            .expect_err("space");
        assert!(!format!("{e} {e:?}").contains("apikeysupersecret"));
    }

    #[test]
    fn from_env() {
        let env = |k: &str| match k {
            "PRISM_AIRWALLEX_CLIENT_ID" => Some("cid".to_owned()),
            "PRISM_AIRWALLEX_API_KEY" => Some("key".to_owned()),
            _ => None,
        };
        assert!(AirwallexConfig::from_env_with(&env).is_ok());
        let e = AirwallexConfig::from_env_with(&|k| {
            (k == "PRISM_AIRWALLEX_CLIENT_ID").then(|| "cid".to_owned())
        })
        .expect_err("missing key");
        assert!(e.to_string().contains("PRISM_AIRWALLEX_API_KEY"));
        let e = AirwallexConfig::from_env_with(&|_| None).expect_err("missing id");
        assert!(e.to_string().contains("PRISM_AIRWALLEX_CLIENT_ID"));
        assert!(AirwallexConfig::from_api_key("k".into()).is_none());
    }

    #[test]
    fn fingerprint_follows_the_client_id() {
        let a = AirwallexConfig::new("id1", "k1").fingerprint();
        assert_eq!(a, AirwallexConfig::new("id1", "k2").fingerprint());
        assert_ne!(a, AirwallexConfig::new("id2", "k1").fingerprint());
    }
}
