//! Stax's credentials, declared once.

use prism_connector::credentials::has_bearer_prefix;
use prism_connector::types::Error;
use prism_connector::CredentialSet;
use secrecy::ExposeSecret;

prism_connector::credentials! {
    /// Stax credentials: one merchant API key (a JWT made in Stax Pay → Apps → API Keys), sent as
    /// `Authorization: Bearer <key>`.
    ///
    /// Sandbox and live keys look alike and use the same host, so the environment cannot be
    /// checked against the key locally.
    ///
    /// From the environment: `PRISM_STAX_API_KEY`.
    pub struct StaxConfig for Stax {
        /// The merchant API key (without `Bearer `).
        api_key: secret,
    }
    account = [api_key];
}

impl StaxConfig {
    /// Rejects keys that cannot work before anything is sent.
    pub(crate) fn check(&self) -> Result<(), Error> {
        let key = self.api_key.expose_secret();
        if has_bearer_prefix(key) {
            return Err(Error::configuration(
                "stax API key must be the bare key, without the `Bearer ` prefix",
            ));
        }
        self.check_fields()
    }
}

#[cfg(test)]
mod tests {
    //! Blank and white-space keys are `check_fields`' (the behaviour suite's credential cases).
    use super::*;

    #[test]
    fn the_bearer_prefix_is_refused_and_never_shown() {
        assert!(
            StaxConfig::new("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.sig")
                .check()
                .is_ok()
        );
        let c = StaxConfig::new("Bearer supersecretvalue123");
        let e = c.check().expect_err("bearer prefix");
        assert!(e.message().contains("Bearer"));
        assert!(!format!("{e} {e:?} {c:?}").contains("supersecret"));
    }
}
