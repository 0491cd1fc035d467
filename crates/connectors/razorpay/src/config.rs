//! Razorpay's credentials, declared once.

prism_connector::credentials! {
    /// Razorpay credentials.
    ///
    /// From the environment: `PRISM_RAZORPAY_API_KEY`.
    // TODO(scaffold): the processor's credential fields (secret / public / optional).
    pub struct RazorpayConfig for Razorpay {
        /// The secret API key.
        api_key: secret,
    }
    account = [api_key];
}
