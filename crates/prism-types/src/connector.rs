//! Every processor Prism knows by name, and the environment.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! connectors {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $display:literal; )*) => {
        /// A payment processor Prism knows by name.
        ///
        /// Every processor is listed whether or not its connector is compiled in; building a
        /// client for one that is not compiled (or has no customer-create operation) fails with
        /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        #[non_exhaustive]
        pub enum Connector {
            $( $(#[$doc])* #[serde(rename = $name)] $variant, )*
        }

        impl Connector {
            /// Every known processor, in declaration order.
            pub const ALL: &'static [Connector] = &[$(Connector::$variant,)*];

            /// The lowercase name: also the cargo feature, fixture folder, snapshot suffix and
            /// (upper-cased) the `PRISM_<NAME>_…` environment prefix.
            pub const fn as_str(self) -> &'static str {
                match self { $(Connector::$variant => $name,)* }
            }

            /// The processor's brand name, for people.
            pub const fn display_name(self) -> &'static str {
                match self { $(Connector::$variant => $display,)* }
            }
        }

        impl FromStr for Connector {
            type Err = ParseConnectorError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.to_ascii_lowercase().as_str() {
                    $($name => Ok(Connector::$variant),)*
                    _ => Err(ParseConnectorError(s.to_owned())),
                }
            }
        }
    };
}

connectors! {
    /// Stripe.
    Stripe = "stripe", "Stripe";
    /// Authorize.net (Customer Information Manager).
    AuthorizeDotNet = "authorizedotnet", "Authorize.net";
    /// Checkout.com.
    Checkout = "checkout", "Checkout.com";
    /// Square.
    Square = "square", "Square";
    /// Braintree.
    Braintree = "braintree", "Braintree";
    /// Mollie.
    Mollie = "mollie", "Mollie";
    /// Razorpay.
    Razorpay = "razorpay", "Razorpay";
    /// Adyen (no customer object: customers exist only as `shopperReference` on payments).
    Adyen = "adyen", "Adyen";
    /// Airwallex.
    Airwallex = "airwallex", "Airwallex";
    /// Finix.
    Finix = "finix", "Finix";
    /// Shift4.
    Shift4 = "shift4", "Shift4";
    /// Stax (formerly Fattmerchant).
    Stax = "stax", "Stax";
    /// Paystack.
    Paystack = "paystack", "Paystack";
    /// Xendit.
    Xendit = "xendit", "Xendit";
    /// Rapyd.
    Rapyd = "rapyd", "Rapyd";
    /// GoCardless.
    GoCardless = "gocardless", "GoCardless";
    /// Cybersource (Token Management Service).
    Cybersource = "cybersource", "Cybersource";
    /// Helcim.
    Helcim = "helcim", "Helcim";
    /// NMI (Customer Vault).
    Nmi = "nmi", "NMI";
    /// BlueSnap (vaulted shoppers).
    BlueSnap = "bluesnap", "BlueSnap";
    /// PayPal (no standalone customer create: the vault creates customers implicitly).
    PayPal = "paypal", "PayPal";
    // @prism:connector-variants (one per processor, above this marker)
}

impl Connector {
    /// The environment-variable prefix for this connector's credentials, e.g. `PRISM_STRIPE_`.
    pub fn env_prefix(self) -> String {
        format!("PRISM_{}_", self.as_str().to_ascii_uppercase())
    }
}

impl fmt::Display for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A connector name that Prism does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown connector `{0}`")]
pub struct ParseConnectorError(String);

/// Which of the processor's environments a client talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// The processor's test environment (no real money, test credentials).
    #[default]
    Sandbox,
    /// The processor's live environment.
    Production,
}

impl Environment {
    /// `"sandbox"` or `"production"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Environment::Sandbox => "sandbox",
            Environment::Production => "production",
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Environment {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "sandbox" | "test" => Ok(Environment::Sandbox),
            "production" | "live" => Ok(Environment::Production),
            other => Err(format!(
                "unknown environment `{other}` (expected sandbox or production)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Connector::ALL {
            assert_eq!(c.as_str().parse::<Connector>().ok(), Some(*c));
            let json = serde_json::to_string(c).expect("serialize");
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        assert!("nope".parse::<Connector>().is_err());
        assert_eq!(
            Connector::AuthorizeDotNet.env_prefix(),
            "PRISM_AUTHORIZEDOTNET_"
        );
    }
}
