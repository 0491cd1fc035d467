//! Airwallex's credentials, declared once.

use prism_connector::types::Error;
use prism_connector::CredentialSet;
use secrecy::ExposeSecret;

prism_connector::credentials! {
    /// Airwallex credentials: a client id and an API key, exchanged for a bearer token at
    /// `POST /api/v1/authentication/login` (docs.md "Endpoint and authentication").
    ///
    /// From the environment: `PRISM_AIRWALLEX_CLIENT_ID`, `PRISM_AIRWALLEX_API_KEY`.
    pub struct AirwallexConfig for Airwallex {
        /// The client id (`x-client-id`).
        client_id: secret,
        /// The API key (`x-api-key`).
        api_key: secret,
    }
    account = [client_id];
}

impl AirwallexConfig {
    /// Rejects credentials that cannot travel in a header before anything is sent.
    pub(crate) fn check(&self) -> Result<(), Error> {
        self.check_fields()?;
        for (what, v) in [("client id", &self.client_id), ("API key", &self.api_key)] {
            if !v.expose_secret().bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Error::configuration(format!(
                    "airwallex {what} contains non-ASCII characters"
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    //! Missing and blank credentials are `check_fields`' (the behaviour suite's credential cases).
    use super::*;

    #[test]
    fn credentials_must_be_printable_ascii() {
        let k = |id: &str, key: &str| AirwallexConfig::new(id, key).check().is_ok();
        assert!(k("5f1vUssbSnq45temBX6CnB", "abc123"));
        for (id, key) in [("id", "a b"), ("id\n", "ab"), ("id", "é")] {
            assert!(!k(id, key), "{id:?} {key:?}");
        }
        let e = AirwallexConfig::new("x", "has space apikeysupersecret").check();
        assert!(!format!("{e:?}").contains("apikeysupersecret"));
    }
}
