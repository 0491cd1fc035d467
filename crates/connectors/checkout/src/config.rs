//! Checkout.com's credentials, declared once.

prism_connector::credentials! {
    /// Checkout.com credentials.
    ///
    /// From the environment: `PRISM_CHECKOUT_API_KEY`.
    // TODO(scaffold): the processor's credential fields (secret / public / optional).
    pub struct CheckoutConfig for Checkout {
        /// The secret API key.
        api_key: secret,
    }
    account = [api_key];
}
