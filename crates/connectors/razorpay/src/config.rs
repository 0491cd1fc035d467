//! Razorpay's credentials, declared once, and the key id's mode rule.

use prism_connector::auth::{check_basic_user, Authorization};
use prism_connector::credentials::check_key_mode;
use prism_connector::types::{Connector, Environment, Error};
use prism_connector::CredentialSet;
use secrecy::ExposeSecret;

prism_connector::credentials! {
    /// Razorpay API keys: the key id (`rzp_test_…` / `rzp_live_…`) and its key secret, sent with
    /// HTTP Basic auth. One host serves both modes; the key id says which.
    ///
    /// From the environment: `PRISM_RAZORPAY_KEY_ID`, `PRISM_RAZORPAY_KEY_SECRET`.
    pub struct RazorpayConfig for Razorpay {
        /// The key id (`rzp_test_…` or `rzp_live_…`).
        key_id: secret,
        /// The key secret.
        key_secret: secret,
    }
    // The key id names the account's key pair; hashed, never shown.
    account = [key_id];
}

impl RazorpayConfig {
    /// The `Authorization` header value: `Basic base64(key_id:key_secret)`.
    pub(crate) fn basic_auth(&self) -> Authorization {
        Authorization::basic(&self.key_id, Some(&self.key_secret))
    }

    /// Rejects keys that cannot work in `env` before anything is sent: a live key id with
    /// `Sandbox`, a test key id with `Production`, a key id of neither mode, a `:` in the key id.
    pub(crate) fn check(&self, env: Environment) -> Result<(), Error> {
        self.check_fields()?;
        let id = self.key_id.expose_secret();
        check_key_mode(
            Connector::Razorpay,
            id,
            env,
            &["rzp_live_"],
            &["rzp_test_"],
            &[],
        )?;
        if !id.starts_with("rzp_test_") && !id.starts_with("rzp_live_") {
            return Err(Error::configuration(
                "razorpay key_id must start with rzp_test_ or rzp_live_",
            ));
        }
        check_basic_user("razorpay key_id", id)
    }
}

#[cfg(test)]
mod tests {
    //! Blank values and a `Debug` without the keys are the behaviour suite's credential cases.
    use super::*;
    use Environment::{Production, Sandbox};

    #[test]
    fn key_mode_rules() {
        let ok = |id: &str, env| RazorpayConfig::new(id, "s3cret").check(env).is_ok();
        assert!(ok("rzp_test_abc", Sandbox) && ok("rzp_live_abc", Production));
        for (id, env) in [
            ("rzp_live_abc", Sandbox),
            ("rzp_test_abc", Production),
            ("key_abc", Sandbox),
            ("rzp_test_a:b", Sandbox),
        ] {
            assert!(!ok(id, env), "{id}");
        }
        let e = RazorpayConfig::new("rzp_live_abc", "s3cret").check(Sandbox);
        assert!(!format!("{e:?}").contains("s3cret"));
        let c = RazorpayConfig::new("rzp_test_example", "secret");
        assert_eq!(
            c.basic_auth().expose_secret(),
            "Basic cnpwX3Rlc3RfZXhhbXBsZTpzZWNyZXQ="
        );
    }
}
