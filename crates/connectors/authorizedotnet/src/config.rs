//! Authorize.net's credentials, declared once.

use prism_connector::types::Error;
use prism_connector::CredentialSet;
use secrecy::ExposeSecret;

/// Longest API Login ID the schema accepts (`merchantAuthenticationType/name`, maxLength 25).
const LOGIN_ID_MAX: usize = 25;
/// Longest Transaction Key the schema accepts (`merchantAuthenticationType/transactionKey`,
/// maxLength 16).
const TRANSACTION_KEY_MAX: usize = 16;

prism_connector::credentials! {
    /// Authorize.net credentials: the API Login ID and the Transaction Key of a merchant account.
    ///
    /// From the environment: `PRISM_AUTHORIZEDOTNET_API_LOGIN_ID` and
    /// `PRISM_AUTHORIZEDOTNET_TRANSACTION_KEY`. Both are kept as secrets: `Debug` shows neither.
    /// Sandbox and production accounts have different credentials; the two cannot be told apart
    /// locally (a mismatch is answered with E00007, `Authentication`).
    pub struct AuthorizeDotNetConfig for AuthorizeDotNet {
        /// The API Login ID (names the merchant account).
        api_login_id: secret,
        /// The Transaction Key.
        transaction_key: secret,
    }
    // The login id names the merchant account; the key may be rotated without changing it.
    account = [api_login_id];
}

impl AuthorizeDotNetConfig {
    /// The shared checks, and the schema's maximum lengths.
    pub(crate) fn check(&self) -> Result<(), Error> {
        self.check_fields()?;
        for (what, value, max) in [
            ("API Login ID", &self.api_login_id, LOGIN_ID_MAX),
            (
                "Transaction Key",
                &self.transaction_key,
                TRANSACTION_KEY_MAX,
            ),
        ] {
            if value.expose_secret().chars().count() > max {
                return Err(Error::configuration(format!(
                    "authorizedotnet: the {what} is longer than {max} characters, which Authorize.net never issues"
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prism_connector::types::ErrorKind;

    /// The schema's maximum lengths (blank and white space: the shared checks and the behaviour
    /// suite); the error shows no value.
    #[test]
    fn longer_than_the_schema_allows() {
        let key = "346HZ32z3fP4hTG2";
        let check = |l: &str, t: &str| AuthorizeDotNetConfig::new(l, t).check();
        assert!(check(&"a".repeat(25), key).is_ok());
        for (login, key) in [(&*"a".repeat(26), key), ("login", "keySuperSecret1xx")] {
            let e = check(login, key).expect_err("too long");
            assert_eq!(e.kind(), ErrorKind::Configuration);
            assert!(!format!("{e} {e:?}").contains("keySuperSecret1"));
        }
    }
}
