//! Checkout.com's credentials, declared once, and the rules they must meet before anything is
//! sent (docs.md "Endpoint and authentication").

use prism_connector::credentials::has_bearer_prefix;
use prism_connector::types::{Connector, Environment, Error};
use prism_connector::CredentialSet;
use secrecy::ExposeSecret;

prism_connector::credentials! {
    /// Checkout.com credentials (the current platform, "NAS"): a secret key and the account's
    /// base-URL prefix.
    ///
    /// From the environment: `PRISM_CHECKOUT_SECRET_KEY`, `PRISM_CHECKOUT_PREFIX`.
    pub struct CheckoutConfig for Checkout {
        /// The secret API key (`sk_sbox_…` in the sandbox, `sk_…` live), sent as
        /// `Authorization: Bearer <key>`.
        secret_key: secret,
        /// The account's own base-URL prefix (Dashboard → Developers → Overview; the first 8
        /// characters of the client id without `cli_`): requests go to
        /// `https://{prefix}.api.sandbox.checkout.com` or `https://{prefix}.api.checkout.com`.
        /// Not a password, but it names the account: kept out of `Debug` and logs like one.
        prefix: secret,
    }
    account = [prefix];
}

impl CheckoutConfig {
    /// The prefix (checked by [`Self::check`]).
    pub(crate) fn prefix(&self) -> &str {
        self.prefix.expose_secret()
    }

    /// Rejects a prefix or a key that cannot work in `env` before anything is sent.
    pub(crate) fn check(&self, env: Environment) -> Result<(), Error> {
        self.check_fields()?;
        if !valid_prefix(self.prefix()) {
            return Err(config_error(
                "the prefix must be the account's base-URL prefix from the Dashboard (lower-case letters and digits, optionally after `pl-`, as in https://{prefix}.api.checkout.com)",
            ));
        }
        let key = self.secret_key.expose_secret();
        let sandbox_key = key.starts_with("sk_sbox");
        let why = if has_bearer_prefix(key) {
            "the secret key must be the bare key, without `Bearer `"
        } else if key.starts_with("pk_") {
            "a public key (pk_…) cannot create customers; use the secret key (sk_…)"
        } else if !key.starts_with("sk_") {
            "a Checkout.com secret key starts with sk_ (sk_sbox_ in the sandbox)"
        } else if key.starts_with("sk_test_") || key.contains('-') {
            "this is a previous-platform (ABC/MBC) key; Prism supports the current platform's keys (sk_sbox_… / sk_…) only"
        } else if env == Environment::Sandbox && !sandbox_key {
            "a live key (sk_…) was given with Environment::Sandbox; use a sandbox key (sk_sbox_…) or Environment::Production"
        } else if env == Environment::Production && sandbox_key {
            "a sandbox key (sk_sbox_…) was given with Environment::Production; use a live key or Environment::Sandbox"
        } else {
            return Ok(());
        };
        Err(config_error(why))
    }
}

/// The SDKs' prefix rule `^(?:pl-)?[a-z0-9]+$`, within one DNS label (≤ 63).
fn valid_prefix(prefix: &str) -> bool {
    let rest = prefix.strip_prefix("pl-").unwrap_or(prefix);
    !rest.is_empty()
        && prefix.len() <= 63
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

fn config_error(why: &str) -> Error {
    Error::configuration(format!("checkout: {why}")).with_connector(Connector::Checkout)
}

#[cfg(test)]
mod tests {
    //! Blank values and a `Debug` without them are the behaviour suite's credential cases.
    use super::*;
    use Environment::{Production, Sandbox};

    const KEY: &str = "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e";

    #[test]
    fn prefix_and_key_rules() {
        let ok = |key: &str, prefix: &str, env| CheckoutConfig::new(key, prefix).check(env);
        assert!(ok(KEY, "1a2b3c4d", Sandbox).is_ok());
        assert!(ok(KEY, "pl-1a2b3c4d", Sandbox).is_ok());
        assert!(ok("sk_m73dzbpy7cf3gfd46xr4yj5xo4e", "1a2b3c4d", Production).is_ok());
        for prefix in ["1A2B", "a.b", "pl-", "x/y", "https://a", &"a".repeat(64)] {
            assert!(ok(KEY, prefix, Sandbox).is_err(), "{prefix}");
        }
        for (key, env) in [
            ("sk_m73dzbpy7cf3gfd46xr4yj5xo4e", Sandbox),
            (KEY, Production),
            ("pk_sbox_abc", Sandbox),
            ("Bearer sk_sbox_abc", Sandbox),
            ("sk_test_0b9b5db6-f223-49d0-b68f-f6643dd4f808", Sandbox),
            ("secret", Sandbox),
        ] {
            let e = ok(key, "1a2b3c4d", env).expect_err(key);
            assert_eq!(e.kind(), prism_connector::types::ErrorKind::Configuration);
            assert!(!format!("{e} {e:?}").contains("m73dzbpy"), "{e}");
        }
        let c = CheckoutConfig::new(KEY, "1a2b3c4d");
        assert!(!format!("{c:?}").contains("m73dzbpy") && !format!("{c:?}").contains("1a2b3c4d"));
    }
}
