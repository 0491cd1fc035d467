//! Square's credentials, declared once.

prism_connector::credentials! {
    /// Square credentials.
    ///
    /// From the environment: `PRISM_SQUARE_API_KEY`.
    // TODO(scaffold): the processor's credential fields (secret / public / optional).
    pub struct SquareConfig for Square {
        /// The secret API key.
        api_key: secret,
    }
    account = [api_key];
}
