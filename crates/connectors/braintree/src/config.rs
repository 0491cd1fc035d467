//! Braintree's credentials, declared once.

use prism_connector::auth::{check_basic_user, Authorization};
use prism_connector::types::Error;
use prism_connector::CredentialSet;
use secrecy::ExposeSecret;

prism_connector::credentials! {
    /// Braintree API credentials (Control Panel → API keys): the gateway account's merchant id
    /// and one API key pair, sent with HTTP Basic auth as every official server SDK does.
    /// Sandbox and production accounts have separate values.
    ///
    /// From the environment: `PRISM_BRAINTREE_MERCHANT_ID`, `PRISM_BRAINTREE_PUBLIC_KEY`,
    /// `PRISM_BRAINTREE_PRIVATE_KEY`. All three are kept as secrets: `Debug` shows none, and the
    /// merchant id (part of every URL path) is scrubbed from any error text.
    pub struct BraintreeConfig for Braintree {
        /// The merchant id (`/merchants/{merchant_id}/…`).
        merchant_id: secret,
        /// The API public key (the Basic user).
        public_key: secret,
        /// The API private key (the Basic password).
        private_key: secret,
    }
    // The merchant id names the gateway account; keys may be rotated without changing it.
    account = [merchant_id];
}

impl BraintreeConfig {
    /// `Basic base64(public_key:private_key)`.
    pub(crate) fn basic_auth(&self) -> Authorization {
        Authorization::basic(&self.public_key, Some(&self.private_key))
    }

    /// The shared checks; a merchant id that could not be one URL path segment; a public key
    /// with `:` (HTTP Basic cannot carry it).
    pub(crate) fn check(&self) -> Result<(), Error> {
        self.check_fields()?;
        let merchant = self.merchant_id.expose_secret();
        if !merchant
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(Error::configuration(
                "braintree: the merchant id may hold only letters, digits, '_' and '-'",
            ));
        }
        check_basic_user("braintree: the public key", self.public_key.expose_secret())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prism_connector::types::ErrorKind;

    /// Braintree's own rules (blank and white space: the shared checks and the behaviour suite);
    /// the error shows no value.
    #[test]
    fn shapes_that_cannot_work() {
        let check = |m: &str, p: &str| BraintreeConfig::new(m, p, "priv9876").check();
        assert!(check("abc_123-x", "pubkey").is_ok());
        for (m, p) in [("a/b", "pubkey"), ("m1", "pub:key"), ("m?x", "pubkey")] {
            let e = check(m, p).expect_err("refused");
            assert_eq!(e.kind(), ErrorKind::Configuration);
            assert!(!format!("{e} {e:?}").contains("priv9876"));
        }
        let auth = BraintreeConfig::new("m", "pub", "priv").basic_auth();
        assert_eq!(auth.expose_secret(), "Basic cHViOnByaXY=");
    }
}
