//! Xendit's credentials, declared once.

prism_connector::credentials! {
    /// Xendit credentials.
    ///
    /// From the environment: `PRISM_XENDIT_API_KEY`.
    // TODO(scaffold): the processor's credential fields (secret / public / optional).
    pub struct XenditConfig for Xendit {
        /// The secret API key.
        api_key: secret,
    }
    account = [api_key];
}
