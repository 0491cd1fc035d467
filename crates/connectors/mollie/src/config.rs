//! Mollie's credentials, declared once, and the key rules checked before anything is sent.

use prism_connector::credentials::{check_credential, check_key_mode};
use prism_connector::types::{Connector, Environment, Error};
use secrecy::ExposeSecret;

prism_connector::credentials! {
    /// Mollie credentials: one API key, `test_…` (test mode) or `live_…` (live mode).
    ///
    /// From the environment: `PRISM_MOLLIE_API_KEY`.
    pub struct MollieConfig for Mollie {
        /// The API key (`test_…` with `Sandbox`, `live_…` with `Production`).
        api_key: secret,
    }
    account = [api_key];
}

impl MollieConfig {
    /// `Bearer <key>`.
    /// Rejects keys that cannot work in `env`. Mollie has one host: the key alone picks test or
    /// live mode, so a `live_` key with `Sandbox` (or a `test_` key with `Production`) would
    /// silently create customers in the other mode. Shape: `^(live|test)_\w{30,}$`
    /// (mollie-api-php `TokenValidator`).
    pub(crate) fn check(&self, env: Environment) -> Result<(), Error> {
        let key = self.api_key.expose_secret();
        check_credential("mollie API key", key)?;
        if key.starts_with("access_") {
            return Err(Error::configuration(
                "mollie: organization access tokens (access_…) are not supported (they choose the mode with `testmode`); use a test_ or live_ API key",
            ));
        }
        check_key_mode(Connector::Mollie, key, env, &["live_"], &["test_"], &[])?;
        let rest = key
            .strip_prefix("test_")
            .or_else(|| key.strip_prefix("live_"));
        match rest {
            Some(r) if r.len() >= 30 && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => Ok(()),
            _ => Err(Error::configuration(
                "mollie API key must be test_ or live_ followed by at least 30 letters, digits or underscores",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Environment::{Production, Sandbox};

    #[test]
    fn key_environment_rules() {
        let t = format!("test_{}", "a".repeat(30));
        let l = format!("live_{}", "B9_".repeat(10));
        let ok = |key: &str, env| MollieConfig::new(key).check(env).is_ok();
        assert!(ok(&t, Sandbox) && ok(&l, Production));
        for (key, env) in [
            (l.as_str(), Sandbox),
            (t.as_str(), Production),
            ("test_short", Sandbox),
            ("access_abcdefghijklmnopqrstuvwxyz0123", Sandbox),
            ("sk_test_abcdefghijklmnopqrstuvwxyz0123", Sandbox),
            ("test_abcdefghijklmnopqrstuvwxyz-0123", Sandbox),
        ] {
            assert!(!ok(key, env), "{key}");
        }
        let e = MollieConfig::new(l.as_str())
            .check(Sandbox)
            .expect_err("live");
        assert!(!format!("{e:?} {e}").contains("B9_"));
        assert!(!format!("{:?}", MollieConfig::new(t.as_str())).contains("aaaa"));
    }
}
