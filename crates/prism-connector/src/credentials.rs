//! Connector credentials, declared once.
//!
//! A connector crate declares its credentials with [`credentials!`](macro@crate::credentials): one
//! line per field. The declaration produces the config struct (secrets as [`SecretString`]), its
//! redacted `Debug`, the field list ([`Credentials::FIELDS`], from which the
//! `PRISM_<CONNECTOR>_<FIELD>` names, the CLI's and the Python binding's keyword names come),
//! construction from a key-value map and from the environment, the secrets list and the account
//! fingerprint. Checks every credential shares live here too; a connector adds its own rules in
//! [`ConnectorApi::check_config`](crate::ConnectorApi::check_config).

use std::collections::BTreeMap;

use prism_types::{Connector, Environment, Error};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

/// One credential field of a connector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CredentialField {
    /// The field's name (`api_key`, `api_login_id`): the key in a map, the keyword in bindings,
    /// and the `<FIELD>` of its environment variable.
    pub name: &'static str,
    /// True for secrets (never shown); false for account identifiers that are not secret.
    pub secret: bool,
    /// False for fields that may be left out.
    pub required: bool,
    /// What it is, from the declaration's doc comment.
    pub doc: &'static str,
    /// The longest value the processor issues (`field: secret(max = 16)`), checked before
    /// anything is sent.
    pub max_len: Option<usize>,
}

impl CredentialField {
    /// Its environment variable: `PRISM_<CONNECTOR>_<FIELD>` (e.g. `PRISM_STRIPE_API_KEY`).
    pub fn env_var(&self, connector: Connector) -> String {
        format!(
            "PRISM_{}_{}",
            connector.as_str().to_ascii_uppercase(),
            self.name.to_ascii_uppercase()
        )
    }
}

/// The object-safe side of a connector's credentials: what the executor and the facade need
/// from a built config. Implemented by [`credentials!`](macro@crate::credentials).
pub trait CredentialSet: Send + Sync + std::fmt::Debug {
    /// Which processor.
    fn connector(&self) -> Connector;
    /// The declared fields.
    fn fields(&self) -> &'static [CredentialField];
    /// Every secret held, so that the executor can scrub them from any text.
    fn secrets(&self) -> Vec<&SecretString>;
    /// A stable, non-secret fingerprint of the account (a hash of the connector and the fields
    /// declared as naming the account; never the credential itself). It seeds idempotency keys.
    fn account_fingerprint(&self) -> String;
    /// The checks every credential shares: each present field is not blank and has no white
    /// space or control characters (they travel in headers).
    fn check_fields(&self) -> Result<(), Error>;
}

/// A connector's typed credentials: declared with [`credentials!`](macro@crate::credentials), built
/// from a key-value map or the environment.
pub trait Credentials: CredentialSet + Sized + Clone + 'static {
    /// Which processor.
    const CONNECTOR: Connector;
    /// The declared fields, in declaration order.
    const FIELDS: &'static [CredentialField];

    /// Builds the config from `lookup` (field name → value); `describe` names a missing field
    /// in the error (its key, or its environment variable). Blank values count as missing.
    fn from_lookup(
        lookup: &dyn Fn(&str) -> Option<String>,
        describe: &dyn Fn(&CredentialField) -> String,
    ) -> Result<Self, Error>;

    /// Builds the config from a key-value map keyed by field name (`{"api_key": "sk_test_…"}`).
    /// An unknown key is an error naming it and the accepted names: a typo never passes silently.
    fn from_map(map: &BTreeMap<String, String>) -> Result<Self, Error> {
        let unknown: Vec<&str> = map
            .keys()
            .map(String::as_str)
            .filter(|k| !Self::FIELDS.iter().any(|f| f.name == *k))
            .collect();
        if !unknown.is_empty() {
            return Err(Error::configuration(format!(
                "{}: unknown credential {} (accepted: {})",
                Self::CONNECTOR,
                unknown.join(", "),
                field_names(Self::FIELDS)
            )));
        }
        Self::from_lookup(&|k| map.get(k).cloned(), &|f| {
            format!("credential `{}`", f.name)
        })
    }

    /// Builds the config from `PRISM_<CONNECTOR>_<FIELD>` variables read through `lookup`
    /// (normally `std::env::var`); a missing variable is a `Configuration` error naming it.
    fn from_env_with(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
        Self::from_lookup(
            &|k| {
                let field = Self::FIELDS.iter().find(|f| f.name == k)?;
                lookup(&field.env_var(Self::CONNECTOR))
            },
            &|f| format!("environment variable {}", f.env_var(Self::CONNECTOR)),
        )
    }

    /// A config from one API key, for connectors whose only required credential is one secret;
    /// `None` for connectors that need more.
    fn from_api_key(key: String) -> Option<Result<Self, Error>> {
        let mut required = Self::FIELDS.iter().filter(|f| f.required);
        let only = required.next().filter(|f| f.secret)?;
        if required.next().is_some() {
            return None;
        }
        Some(Self::from_map(&BTreeMap::from([(
            only.name.to_owned(),
            key,
        )])))
    }
}

/// `a, b, c` from a field list.
pub fn field_names(fields: &[CredentialField]) -> String {
    fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
}

/// A value a declared credential field holds: a secret, a public string, or an optional one.
/// Used by [`credentials!`](macro@crate::credentials); not for other uses.
#[doc(hidden)]
pub trait CredentialValue: Sized {
    /// Reads the value; `None` when a required value is missing.
    fn read(value: Option<String>) -> Option<Self>;
    /// The text, when present.
    fn text(&self) -> Option<&str>;
    /// The secret, when this is one.
    fn secret(&self) -> Option<&SecretString> {
        None
    }
    /// How `Debug` shows it.
    fn shown(&self) -> &str;
}

impl CredentialValue for SecretString {
    fn read(value: Option<String>) -> Option<Self> {
        value.map(SecretString::from)
    }
    fn text(&self) -> Option<&str> {
        Some(self.expose_secret())
    }
    fn secret(&self) -> Option<&SecretString> {
        Some(self)
    }
    fn shown(&self) -> &str {
        "[redacted]"
    }
}

impl CredentialValue for String {
    fn read(value: Option<String>) -> Option<Self> {
        value
    }
    fn text(&self) -> Option<&str> {
        Some(self)
    }
    fn shown(&self) -> &str {
        self
    }
}

impl CredentialValue for Option<String> {
    fn read(value: Option<String>) -> Option<Self> {
        Some(value)
    }
    fn text(&self) -> Option<&str> {
        self.as_deref()
    }
    fn shown(&self) -> &str {
        self.as_deref().unwrap_or("None")
    }
}

/// Reads one declared field through `lookup` (blank counts as missing).
#[doc(hidden)]
pub fn read_field<V: CredentialValue>(
    field: &CredentialField,
    lookup: &dyn Fn(&str) -> Option<String>,
    describe: &dyn Fn(&CredentialField) -> String,
    connector: Connector,
) -> Result<V, Error> {
    let raw = lookup(field.name).filter(|v| !v.trim().is_empty());
    V::read(raw).ok_or_else(|| {
        Error::configuration(format!("{connector}: missing {}", describe(field)))
            .with_connector(connector)
    })
}

/// The shared shape check of [`CredentialSet::check_fields`] for one field.
#[doc(hidden)]
pub fn check_field(
    connector: Connector,
    field: &CredentialField,
    value: Option<&str>,
) -> Result<(), Error> {
    match value {
        Some(v) if field.max_len.is_some_and(|max| v.chars().count() > max) => {
            Err(Error::configuration(format!(
                "{connector} {} is longer than {} characters, which {connector} never issues",
                field.name,
                field.max_len.unwrap_or_default()
            )))
        }
        Some(v) => check_credential(&format!("{connector} {}", field.name), v),
        None if field.required => Err(Error::configuration(format!(
            "{connector}: missing credential `{}`",
            field.name
        ))),
        None => Ok(()),
    }
}

/// Declares a connector's credentials once (see the [module docs](mod@crate::credentials)).
///
/// ```
/// prism_connector::credentials! {
///     /// Example credentials.
///     pub struct ExampleConfig for Stripe {
///         /// The secret key.
///         api_key: secret,
///         /// The account's public id.
///         account_id: public,
///         /// An optional region.
///         region: optional,
///     }
///     account = [account_id];
/// }
/// use prism_connector::{CredentialSet, Credentials};
/// let c = ExampleConfig::new("sk_test_1", "acct_1", None);
/// assert_eq!(ExampleConfig::FIELDS[0].env_var(prism_connector::types::Connector::Stripe), "PRISM_STRIPE_API_KEY");
/// assert!(!format!("{c:?}").contains("sk_test_1"));
/// assert_eq!(c.secrets().len(), 1);
/// ```
///
/// Field kinds: `secret` ([`SecretString`], required), `public` (`String`, required, shown in
/// `Debug`), `optional` (`Option<String>`, shown); `secret(max = 16)` adds the longest value the
/// processor issues, checked with the shared checks. `account = [...]` names the fields that
/// identify the processor account (its fingerprint seeds idempotency keys: choose fields that
/// do not change when a key is rotated).
#[macro_export]
macro_rules! credentials {
    (
        $(#[$meta:meta])*
        pub struct $name:ident for $connector:ident {
            $( $(#[doc = $fdoc:literal])* $field:ident : $kind:ident $(( max = $max:literal ))? ),+ $(,)?
        }
        account = [$($account:ident),+ $(,)?];
    ) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub struct $name {
            $( $(#[doc = $fdoc])* pub(crate) $field: $crate::__credential_type!($kind), )+
        }

        impl $name {
            #[doc = concat!("A config from its fields, in declaration order (", $(stringify!($field), " ",)+ ").")]
            pub fn new($( $field: $crate::__credential_param!($kind) ),+) -> Self {
                Self { $( $field: $crate::__credential_into!($kind, $field), )+ }
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                use $crate::CredentialValue as _;
                f.debug_struct(stringify!($name))
                    $( .field(stringify!($field), &self.$field.shown()) )+
                    .finish()
            }
        }

        impl $crate::CredentialSet for $name {
            fn connector(&self) -> $crate::types::Connector {
                $crate::types::Connector::$connector
            }
            fn fields(&self) -> &'static [$crate::CredentialField] {
                <Self as $crate::Credentials>::FIELDS
            }
            fn secrets(&self) -> Vec<&$crate::SecretString> {
                use $crate::CredentialValue as _;
                [$( self.$field.secret(), )+].into_iter().flatten().collect()
            }
            fn account_fingerprint(&self) -> String {
                use $crate::CredentialValue as _;
                $crate::fingerprint(&[
                    $crate::types::Connector::$connector.as_str(),
                    $( self.$account.text().unwrap_or_default(), )+
                ])
            }
            fn check_fields(&self) -> Result<(), $crate::types::Error> {
                use $crate::CredentialValue as _;
                let fields = <Self as $crate::Credentials>::FIELDS.iter();
                for (field, value) in fields.zip([$( self.$field.text(), )+]) {
                    $crate::check_field($crate::types::Connector::$connector, field, value)?;
                }
                Ok(())
            }
        }

        impl $crate::Credentials for $name {
            const CONNECTOR: $crate::types::Connector = $crate::types::Connector::$connector;
            const FIELDS: &'static [$crate::CredentialField] = &[
                $( $crate::CredentialField {
                    name: stringify!($field),
                    secret: $crate::__credential_secret!($kind),
                    required: $crate::__credential_required!($kind),
                    doc: concat!($($fdoc),*),
                    max_len: $crate::__credential_max!($($max)?),
                }, )+
            ];
            fn from_lookup(
                lookup: &dyn Fn(&str) -> Option<String>,
                describe: &dyn Fn(&$crate::CredentialField) -> String,
            ) -> Result<Self, $crate::types::Error> {
                let mut fields = <Self as $crate::Credentials>::FIELDS.iter();
                Ok(Self {
                    $( $field: $crate::read_field(
                        fields.next().expect("one entry per declared field"),
                        lookup,
                        describe,
                        $crate::types::Connector::$connector,
                    )?, )+
                })
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __credential_max {
    () => {
        None
    };
    ($max:literal) => {
        Some($max)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __credential_type {
    (secret) => { $crate::SecretString };
    (public) => { String };
    (optional) => { Option<String> };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __credential_param {
    (secret) => { impl Into<String> };
    (public) => { impl Into<String> };
    (optional) => { Option<String> };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __credential_into {
    (secret, $v:ident) => {
        $crate::SecretString::from($v.into())
    };
    (public, $v:ident) => {
        $v.into()
    };
    (optional, $v:ident) => {
        $v
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __credential_secret {
    (secret) => {
        true
    };
    (public) => {
        false
    };
    (optional) => {
        false
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __credential_required {
    (secret) => {
        true
    };
    (public) => {
        true
    };
    (optional) => {
        false
    };
}

/// True when `key` begins with the scheme word `Bearer ` (any case, after leading white space):
/// a key pasted with its header's prefix, which a connector that adds the scheme refuses.
pub fn has_bearer_prefix(key: &str) -> bool {
    key.trim_start()
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("bearer "))
}

/// Checks a credential's shape before anything is sent: not empty, no white space or control
/// characters. `what` names it in the error (`"stripe API key"`); the value is never shown.
pub fn check_credential(what: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::configuration(format!("{what} is empty")));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::configuration(format!(
            "{what} contains white space or control characters"
        )));
    }
    Ok(())
}

/// For processors whose secret keys carry their mode (`sk_test_…` / `sk_live_…`): rejects a live
/// key with `Sandbox`, a test key with `Production`, and a publishable key anywhere.
pub fn check_key_mode(
    connector: Connector,
    key: &str,
    env: Environment,
    live_prefixes: &[&str],
    test_prefixes: &[&str],
    public_prefixes: &[&str],
) -> Result<(), Error> {
    fn starts<'p>(key: &str, ps: &[&'p str]) -> Option<&'p str> {
        ps.iter().find(|p| key.starts_with(**p)).copied()
    }
    if let Some(p) = starts(key, public_prefixes) {
        return Err(Error::configuration(format!(
            "{connector}: a publishable key ({p}…) cannot create customers; use a secret key"
        )));
    }
    match (env, starts(key, live_prefixes), starts(key, test_prefixes)) {
        (Environment::Sandbox, Some(p), _) => Err(Error::configuration(format!(
            "{connector}: a live key ({p}…) was given with Environment::Sandbox; use a test key or Environment::Production"
        ))),
        (Environment::Production, _, Some(p)) => Err(Error::configuration(format!(
            "{connector}: a test key ({p}…) was given with Environment::Production; use a live key or Environment::Sandbox"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::credentials! {
        /// Two fields.
        pub struct TwoConfig for AuthorizeDotNet {
            /// Login.
            api_login_id: secret,
            /// Key.
            transaction_key: secret(max = 16),
        }
        account = [api_login_id];
    }

    #[test]
    fn declared_once_read_everywhere() {
        let f = TwoConfig::FIELDS;
        assert_eq!(f.len(), 2);
        assert_eq!(
            f[0].env_var(Connector::AuthorizeDotNet),
            "PRISM_AUTHORIZEDOTNET_API_LOGIN_ID"
        );
        assert_eq!(f[1].doc, " Key.");
        let env = |k: &str| match k {
            "PRISM_AUTHORIZEDOTNET_API_LOGIN_ID" => Some("login1".to_owned()),
            "PRISM_AUTHORIZEDOTNET_TRANSACTION_KEY" => Some("key1secret".to_owned()),
            _ => None,
        };
        let c = TwoConfig::from_env_with(&env).expect("from env");
        assert_eq!(c.secrets().len(), 2);
        assert!(!format!("{c:?}").contains("key1secret"));
        let missing = TwoConfig::from_env_with(&|_| None).expect_err("missing");
        assert!(
            missing
                .to_string()
                .contains("PRISM_AUTHORIZEDOTNET_API_LOGIN_ID"),
            "{missing}"
        );

        let map = BTreeMap::from([
            ("api_login_id".to_owned(), "login1".to_owned()),
            ("transaction_key".to_owned(), "key1secret".to_owned()),
        ]);
        let m = TwoConfig::from_map(&map).expect("from map");
        assert_eq!(m.account_fingerprint(), c.account_fingerprint());
        // The fingerprint follows the account field only (a rotated key keeps it).
        let rotated = TwoConfig::new("login1", "other");
        assert_eq!(rotated.account_fingerprint(), c.account_fingerprint());
        assert_ne!(
            TwoConfig::new("login2", "k").account_fingerprint(),
            c.account_fingerprint()
        );

        let mut typo = map.clone();
        typo.insert("transaction_kee".to_owned(), "x".to_owned());
        let e = TwoConfig::from_map(&typo).expect_err("typo");
        assert!(
            e.to_string().contains("transaction_kee") && !e.to_string().contains("key1secret"),
            "{e}"
        );
        let blank = BTreeMap::from([("api_login_id".to_owned(), " ".to_owned())]);
        assert!(TwoConfig::from_map(&blank)
            .expect_err("blank")
            .to_string()
            .contains("`api_login_id`"));
        assert!(
            TwoConfig::from_api_key("k".into()).is_none(),
            "two secrets: not from one key"
        );
        assert!(TwoConfig::new("a b", "k").check_fields().is_err());
        assert!(TwoConfig::new("a", "k").check_fields().is_ok());
        assert_eq!(f[1].max_len, Some(16));
        assert!(TwoConfig::new("a", "k".repeat(16)).check_fields().is_ok());
        let long = TwoConfig::new("a", "keySuperSecret1xx").check_fields();
        let long = long.expect_err("17 characters").to_string();
        assert!(
            long.contains("longer than 16") && !long.contains("keySuperSecret"),
            "{long}"
        );
    }

    #[test]
    fn credential_and_mode_checks() {
        assert!(check_credential("k", "abc").is_ok());
        assert!(check_credential("k", " ").is_err());
        assert!(check_credential("k", "a b").is_err());
        for pasted in ["Bearer sk_1", "bearer sk_1", " BEARER sk_1"] {
            assert!(has_bearer_prefix(pasted), "{pasted}");
        }
        for bare in ["sk_1", "Bearer", "Bearerx sk", "sk_Bearer x"] {
            assert!(!has_bearer_prefix(bare), "{bare}");
        }
        let m = |k, e| {
            check_key_mode(
                Connector::Stripe,
                k,
                e,
                &["sk_live_"],
                &["sk_test_"],
                &["pk_"],
            )
            .is_ok()
        };
        assert!(m("sk_test_1", Environment::Sandbox) && m("sk_live_1", Environment::Production));
        assert!(!m("sk_live_1", Environment::Sandbox) && !m("sk_test_1", Environment::Production));
        assert!(!m("pk_test_1", Environment::Sandbox));
        assert!(m("other", Environment::Production));
    }
}
