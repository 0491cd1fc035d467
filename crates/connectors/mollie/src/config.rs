//! Mollie's credentials, declared once.

prism_connector::credentials! {
    /// Mollie credentials.
    ///
    /// From the environment: `PRISM_MOLLIE_API_KEY`.
    // TODO(scaffold): the processor's credential fields (secret / public / optional).
    pub struct MollieConfig for Mollie {
        /// The secret API key.
        api_key: secret,
    }
    account = [api_key];
}
