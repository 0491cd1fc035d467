//! Finix's credentials, declared once.

use prism_connector::encoding::basic_auth;
use prism_connector::types::Error;
use prism_connector::CredentialSet;
use secrecy::{ExposeSecret, SecretString};

prism_connector::credentials! {
    /// Finix API credentials: an API user's `username` (e.g. `US…`) and its `password`, sent with
    /// HTTP Basic auth. Sandbox and live credentials are separate.
    ///
    /// From the environment: `PRISM_FINIX_USERNAME`, `PRISM_FINIX_PASSWORD`.
    pub struct FinixConfig for Finix {
        /// The API user's id (`US…`).
        username: secret,
        /// The API user's password.
        password: secret,
    }
    // The API user id names the account; hashed, never shown.
    account = [username];
}

impl FinixConfig {
    /// The `Authorization` header value: `Basic base64(username:password)`.
    pub(crate) fn basic_auth(&self) -> SecretString {
        SecretString::from(basic_auth(
            self.username.expose_secret(),
            self.password.expose_secret(),
        ))
    }

    /// Rejects credentials that cannot work before anything is sent. Finix credentials carry no
    /// environment marker, so a sandbox/live mix-up can only be told by Finix (401).
    pub(crate) fn check(&self) -> Result<(), Error> {
        self.check_fields()?;
        if self.username.expose_secret().contains(':') {
            return Err(Error::configuration(
                "finix username contains ':' which HTTP Basic auth cannot carry",
            ));
        }
        Ok(())
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
        let k = |u: &str, p: &str| FinixConfig::new(u, p).check().map_err(|e| e.kind());
        assert_eq!(k("USabc", "pw"), Ok(()));
        for (u, p) in [
            ("", "pw"),
            ("USabc", " "),
            ("US a", "pw"),
            ("US:a", "pw"),
            ("USabc", "p w"),
        ] {
            assert_eq!(k(u, p), Err(ErrorKind::Configuration), "{u:?} {p:?}");
        }
    }
}
