//! Finix's credentials, declared once.

use prism_connector::auth::{check_basic_user, Authorization};
use prism_connector::types::Error;
use prism_connector::CredentialSet;
use secrecy::ExposeSecret;

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
    pub(crate) fn basic_auth(&self) -> Authorization {
        Authorization::basic(&self.username, Some(&self.password))
    }

    /// Rejects credentials that cannot work before anything is sent. Finix credentials carry no
    /// environment marker, so a sandbox/live mix-up can only be told by Finix (401).
    pub(crate) fn check(&self) -> Result<(), Error> {
        self.check_fields()?;
        check_basic_user("finix username", self.username.expose_secret())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prism_connector::types::ErrorKind;

    /// Finix's own rule (blank and white space: the shared checks and the behaviour suite).
    #[test]
    fn a_colon_in_the_username_is_refused() {
        let check = |u: &str| FinixConfig::new(u, "pw").check().map_err(|e| e.kind());
        assert_eq!(check("USabc"), Ok(()));
        assert_eq!(check("US:a"), Err(ErrorKind::Configuration));
    }
}
