//! `Authorization` headers from credentials: HTTP Basic and Bearer, always sent as sensitive
//! headers. A value a connector builds once and keeps ([`Authorization`]) is a secret of its own,
//! scrubbed like the credentials it comes from.

use prism_types::Error;
use secrecy::{ExposeSecret, SecretString};

use crate::encoding::basic_auth;
use crate::{CredentialSet, HttpRequest};

/// An `Authorization` value built once from credentials (`Basic …`, `Bearer …`) and kept by the
/// connector: [`Self::apply`] sends it as a sensitive header, and [`Self::and_secrets`] lists it
/// with the credentials' secrets, so that the executor scrubs it from any text too.
///
/// ```
/// use prism_connector::auth::Authorization;
/// use prism_connector::{HttpRequest, SecretString};
/// use secrecy::ExposeSecret;
/// let auth = Authorization::basic(&SecretString::from("Aladdin"), Some(&"open sesame".into()));
/// assert_eq!(auth.expose_secret(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
/// let req = auth.apply(HttpRequest::get("/customers"));
/// assert!(req.headers[0].sensitive);
/// ```
#[derive(Clone)]
pub struct Authorization(SecretString);

/// Shown as the secret it holds is (redacted).
impl std::fmt::Debug for Authorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Authorization {
    /// HTTP Basic (RFC 7617): `Basic base64(user:password)`; no password is an empty one
    /// (`user:`, how processors take a secret key as the user name).
    pub fn basic(user: &SecretString, password: Option<&SecretString>) -> Self {
        let password = password.map_or("", ExposeSecret::expose_secret);
        Self(SecretString::from(basic_auth(
            user.expose_secret(),
            password,
        )))
    }

    /// `Bearer <token>`.
    pub fn bearer(token: &SecretString) -> Self {
        Self(SecretString::from(format!(
            "Bearer {}",
            token.expose_secret()
        )))
    }

    /// `req` with this value as its `Authorization` header, marked sensitive.
    pub fn apply(&self, req: HttpRequest) -> HttpRequest {
        req.sensitive_header("Authorization", self.0.expose_secret())
    }

    /// The secrets of `credentials` and this value: what
    /// [`ConnectorApi::secrets`](crate::ConnectorApi::secrets) returns for a connector that keeps
    /// one.
    pub fn and_secrets<'a>(&'a self, credentials: &'a dyn CredentialSet) -> Vec<&'a SecretString> {
        let mut secrets = credentials.secrets();
        secrets.push(&self.0);
        secrets
    }
}

impl ExposeSecret<str> for Authorization {
    fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

/// Refuses a Basic-auth user name holding `:`, which RFC 7617 cannot carry (the password would
/// begin at it). `what` names the credential in the error (`"finix username"`); the value is
/// never shown.
pub fn check_basic_user(what: &str, user: &str) -> Result<(), Error> {
    if user.contains(':') {
        return Err(Error::configuration(format!(
            "{what} contains ':' which HTTP Basic auth cannot carry"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::credentials! {
        /// Two secrets.
        pub struct PairConfig for Razorpay {
            /// User.
            key_id: secret,
            /// Password.
            key_secret: secret,
        }
        account = [key_id];
    }

    #[test]
    fn values_headers_and_secrets() {
        let c = PairConfig::new("pub", "priv");
        let basic = Authorization::basic(&c.key_id, Some(&c.key_secret));
        assert_eq!(basic.expose_secret(), "Basic cHViOnByaXY=");
        let user_only = Authorization::basic(&"sk_test_x".into(), None);
        assert_eq!(user_only.expose_secret(), "Basic c2tfdGVzdF94Og==");
        let bearer = Authorization::bearer(&c.key_secret);
        assert_eq!(bearer.expose_secret(), "Bearer priv");

        let req = basic.apply(HttpRequest::get("/x"));
        assert_eq!(
            req.header_value("authorization"),
            Some("Basic cHViOnByaXY=")
        );
        assert!(req.headers[0].sensitive);
        assert!(!format!("{req:?} {basic:?}").contains("cHViOnByaXY"));

        let secrets: Vec<&str> = basic
            .and_secrets(&c)
            .into_iter()
            .map(ExposeSecret::expose_secret)
            .collect();
        assert_eq!(secrets, ["pub", "priv", "Basic cHViOnByaXY="]);
    }

    #[test]
    fn a_colon_in_the_user_is_refused_without_showing_it() {
        assert!(check_basic_user("x username", "US_abc").is_ok());
        let e = check_basic_user("x username", "US:secretpart").expect_err("colon");
        assert_eq!(
            e.message(),
            "x username contains ':' which HTTP Basic auth cannot carry"
        );
        assert!(!format!("{e:?}").contains("secretpart"));
    }
}
