//! Braintree's credentials, declared once.

prism_connector::credentials! {
    /// Braintree credentials.
    ///
    /// From the environment: `PRISM_BRAINTREE_API_KEY`.
    // TODO(scaffold): the processor's credential fields (secret / public / optional).
    pub struct BraintreeConfig for Braintree {
        /// The secret API key.
        api_key: secret,
    }
    account = [api_key];
}
