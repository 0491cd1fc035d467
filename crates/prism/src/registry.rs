//! The one place that knows which connectors exist and which are compiled in.
//!
//! Adding a connector: one line in `connectors!` below, one cargo feature and optional
//! dependency in this crate's `Cargo.toml`, one re-export in `lib.rs` (`cargo xtask
//! new-connector` writes all of them).

use std::collections::BTreeMap;
use std::sync::Arc;

use prism_connector::{Capabilities, CreatesCustomers, CredentialField};
#[allow(unused_imports)]
use prism_connector::{Configurator as _, CredentialSet as _, Credentials as _};
use prism_types::{Connector, CustomerCreateRequest, Error, UnsupportedFields};

macro_rules! connectors {
    ($( $variant:ident => $feature:literal, $krate:ident :: $config:ident; )*) => {
        /// Credentials and settings of one connector, typed per processor.
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum ConnectorConfig {
            $(
                #[doc = concat!("`", $feature, "`: [`", stringify!($config), "`](crate::", stringify!($config), ").")]
                #[cfg(feature = $feature)]
                $variant($krate::$config),
            )*
        }

        $(
            #[cfg(feature = $feature)]
            impl From<$krate::$config> for ConnectorConfig {
                fn from(c: $krate::$config) -> Self {
                    ConnectorConfig::$variant(c)
                }
            }
        )*

        impl ConnectorConfig {
            /// Which connector this configures.
            pub fn connector(&self) -> Connector {
                match *self {
                    $( #[cfg(feature = $feature)] ConnectorConfig::$variant(_) => Connector::$variant, )*
                }
            }

            /// A config from one API key, for connectors whose credentials are a single secret.
            pub fn from_api_key(connector: Connector, api_key: impl Into<String>) -> Result<Self, Error> {
                ensure_available(connector)?;
                let key: String = api_key.into();
                let _ = &key;
                let built: Option<Result<Self, Error>> = match connector {
                    $( #[cfg(feature = $feature)] Connector::$variant => $krate::$config::from_api_key(key).map(|r| r.map(ConnectorConfig::$variant)), )*
                    _ => None,
                };
                built.unwrap_or_else(|| Err(Error::configuration(format!(
                    "{connector} needs more than one credential ({}): build its typed config and pass it to CustomerClient::builder().connector_config(…), or set the environment variables",
                    Self::env_vars(connector).join(", ")
                ))))
                .map_err(|e| e.with_connector(connector))
            }

            /// A config from a key-value map keyed by the connector's credential field names
            /// (`api_key`; `api_login_id` and `transaction_key`; see
            /// [`ConnectorConfig::credential_fields`]). An unknown or missing key is a
            /// `Configuration` error naming it. What the CLI and the Python binding build from.
            pub fn from_map(connector: Connector, map: &BTreeMap<String, String>) -> Result<Self, Error> {
                ensure_available(connector)?;
                let _ = map;
                match connector {
                    $( #[cfg(feature = $feature)] Connector::$variant => $krate::$config::from_map(map).map(ConnectorConfig::$variant), )*
                    other => Err(not_compiled(other)),
                }
                .map_err(|e| e.with_connector(connector))
            }

            /// A config from `PRISM_<CONNECTOR>_<FIELD>` variables looked up through `lookup`.
            pub fn from_env_with(connector: Connector, lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, Error> {
                ensure_available(connector)?;
                let _ = lookup;
                match connector {
                    $( #[cfg(feature = $feature)] Connector::$variant => $krate::$config::from_env_with(lookup).map(ConnectorConfig::$variant), )*
                    other => Err(not_compiled(other)),
                }
                .map_err(|e| e.with_connector(connector))
            }

            /// The credential fields a compiled connector declares (empty for others).
            pub fn credential_fields(connector: Connector) -> &'static [CredentialField] {
                match connector {
                    $( #[cfg(feature = $feature)] Connector::$variant => <$krate::$config as prism_connector::Credentials>::FIELDS, )*
                    _ => &[],
                }
            }

            /// The connector itself, for driving its pure `build_request` / `parse_response` /
            /// `parse_error` directly (benchmarks, fuzzing, your own executor). No I/O.
            pub fn into_connector(self) -> Arc<dyn CreatesCustomers> {
                match self {
                    $( #[cfg(feature = $feature)] ConnectorConfig::$variant(c) => Arc::new(c.into_connector()), )*
                }
            }
        }

        /// The declared capabilities of a compiled connector.
        pub fn capabilities(connector: Connector) -> Option<&'static Capabilities> {
            match connector {
                $( #[cfg(feature = $feature)] Connector::$variant => Some(<$krate::$config as prism_connector::Configurator>::capabilities()), )*
                _ => None,
            }
        }

        /// Connectors that exist as crates (whether or not compiled into this build).
        fn is_implemented(c: Connector) -> bool {
            matches!(c, $( Connector::$variant )|* )
        }
    };
}

connectors! {
    Stripe => "stripe", prism_connector_stripe::StripeConfig;
    Shift4 => "shift4", prism_connector_shift4::Shift4Config;
    Stax => "stax", prism_connector_stax::StaxConfig;
    Airwallex => "airwallex", prism_connector_airwallex::AirwallexConfig;
    Finix => "finix", prism_connector_finix::FinixConfig;
    AuthorizeDotNet => "authorizedotnet", prism_connector_authorizedotnet::AuthorizeDotNetConfig;
    Checkout => "checkout", prism_connector_checkout::CheckoutConfig;
    Square => "square", prism_connector_square::SquareConfig;
    Braintree => "braintree", prism_connector_braintree::BraintreeConfig;
    Mollie => "mollie", prism_connector_mollie::MollieConfig;
    Razorpay => "razorpay", prism_connector_razorpay::RazorpayConfig;
    Paystack => "paystack", prism_connector_paystack::PaystackConfig;
    Xendit => "xendit", prism_connector_xendit::XenditConfig;
    // @prism:connector-list (one line per connector, above this marker)
}

impl ConnectorConfig {
    /// A config from the `PRISM_<CONNECTOR>_<FIELD>` environment variables.
    pub fn from_env(connector: Connector) -> Result<Self, Error> {
        Self::from_env_with(connector, &|k| std::env::var(k).ok())
    }

    /// The names of the environment variables [`ConnectorConfig::from_env`] reads
    /// (`PRISM_<CONNECTOR>_<FIELD>`, one per declared credential field).
    pub fn env_vars(connector: Connector) -> Vec<String> {
        Self::credential_fields(connector)
            .iter()
            .map(|f| f.env_var(connector))
            .collect()
    }

    /// The environment variable that overrides a connector's base URL
    /// (`PRISM_<CONNECTOR>_BASE_URL`), honoured by [`crate::CustomerClient::from_env`] and the
    /// builder when no `base_url` is set (the same rule applies: `https`, or `http` to loopback
    /// in Sandbox).
    pub fn base_url_env_var(connector: Connector) -> String {
        format!("PRISM_{}_BASE_URL", connector.as_str().to_ascii_uppercase())
    }
}

/// Connectors compiled into this build that can create customers.
pub fn compiled_connectors() -> Vec<Connector> {
    Connector::ALL
        .iter()
        .copied()
        .filter(|c| capabilities(*c).is_some())
        .collect()
}

/// Checks `request` against every rule a create for `connector` applies before sending (SPEC
/// §1, the connector's limits, the unsupported-fields `policy`), without a client, credentials
/// or any request: what `CustomerClient::create` would refuse with `InvalidRequest` (every
/// failing field listed), or `Unsupported` when the connector is not compiled in. `Ok` holds the
/// paths of fields that would not be sent (only with [`UnsupportedFields::Ignore`]).
pub fn validate(
    request: &CustomerCreateRequest,
    connector: Connector,
    policy: UnsupportedFields,
) -> Result<Vec<String>, Error> {
    let caps = capabilities(connector).ok_or_else(|| not_compiled(connector))?;
    prism_validation::validate(request, connector, caps, policy)
        .map(|v| v.unstored_fields)
        .map_err(|e| e.with_connector(connector))
}

/// `Ok` when `connector` is compiled in; otherwise the `Unsupported` error that says why not.
pub(crate) fn ensure_available(connector: Connector) -> Result<(), Error> {
    if capabilities(connector).is_some() {
        Ok(())
    } else {
        Err(not_compiled(connector))
    }
}

fn not_compiled(connector: Connector) -> Error {
    let msg = match connector {
        Connector::Adyen => "Adyen has no customer-create operation: a customer exists only as a shopperReference on payments and stored payment methods".to_owned(),
        Connector::PayPal => "PayPal has no standalone customer-create operation: the vault creates a customer implicitly with the first payment or setup token".to_owned(),
        c if is_implemented(c) => format!(
            "connector `{c}` is not compiled in: enable the cargo feature `{c}` of prism (or `all-connectors`)"
        ),
        c => format!("Prism has no connector for {} yet", c.display_name()),
    };
    Error::unsupported(msg).with_connector(connector)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every compiled connector, built from its declared fields with placeholder values.
    fn built() -> Vec<Arc<dyn CreatesCustomers>> {
        compiled_connectors()
            .into_iter()
            .map(|c| {
                let map = ConnectorConfig::credential_fields(c)
                    .iter()
                    .map(|f| (f.name.to_owned(), format!("{}_value", f.name)))
                    .collect();
                ConnectorConfig::from_map(c, &map)
                    .expect("declared fields build the config")
                    .into_connector()
            })
            .collect()
    }

    #[test]
    fn validate_without_a_client() {
        let ok = CustomerCreateRequest::new("cust_1").email("a@example.com");
        assert_eq!(
            validate(&ok, Connector::Stripe, UnsupportedFields::Reject).ok(),
            Some(vec![])
        );
        let bad = CustomerCreateRequest::new("").email("nope");
        let e = validate(&bad, Connector::Stripe, UnsupportedFields::Reject)
            .err()
            .map(|e| (e.kind(), e.field_errors().len()));
        assert_eq!(e, Some((prism_types::ErrorKind::InvalidRequest, 2)));
        // Stax has no metadata: rejected, or listed as not sent.
        let meta = CustomerCreateRequest::new("c")
            .name("A B")
            .metadata("k", "v");
        assert!(validate(&meta, Connector::Stax, UnsupportedFields::Reject).is_err());
        assert_eq!(
            validate(&meta, Connector::Stax, UnsupportedFields::Ignore).ok(),
            Some(vec!["metadata".to_owned()])
        );
        let e = validate(&ok, Connector::Adyen, UnsupportedFields::Reject).err();
        assert_eq!(
            e.map(|e| e.kind()),
            Some(prism_types::ErrorKind::Unsupported)
        );
    }

    #[test]
    fn declarations_agree_with_the_code() {
        for conn in built() {
            let caps = conn.capabilities();
            assert_eq!(
                caps.lookup != prism_connector::Lookup::None,
                conn.finder().is_some(),
                "{}: the declared lookup and the implemented finder disagree",
                conn.id()
            );
            assert!(
                capabilities(conn.id()).is_some_and(|c| std::ptr::eq(c, caps)),
                "{}: one declaration of capabilities",
                conn.id()
            );
            assert!(
                !ConnectorConfig::credential_fields(conn.id()).is_empty(),
                "{} declares its credentials",
                conn.id()
            );
            let shown = format!("{conn:?}");
            assert!(
                !shown.contains("_value"),
                "{}: Debug shows a credential: {shown}",
                conn.id()
            );
        }
    }
}
