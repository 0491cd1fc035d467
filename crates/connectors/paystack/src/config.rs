//! Paystack's credentials, declared once.

prism_connector::credentials! {
    /// Paystack credentials.
    ///
    /// From the environment: `PRISM_PAYSTACK_API_KEY`.
    // TODO(scaffold): the processor's credential fields (secret / public / optional).
    pub struct PaystackConfig for Paystack {
        /// The secret API key.
        api_key: secret,
    }
    account = [api_key];
}
