//! Authorize.net's credentials, declared once.

prism_connector::credentials! {
    /// Authorize.net credentials: the API Login ID and the Transaction Key of a merchant account.
    ///
    /// From the environment: `PRISM_AUTHORIZEDOTNET_API_LOGIN_ID` and
    /// `PRISM_AUTHORIZEDOTNET_TRANSACTION_KEY`. Both are kept as secrets: `Debug` shows neither.
    /// Sandbox and production accounts have different credentials; the two cannot be told apart
    /// locally (a mismatch is answered with E00007, `Authentication`). The maximum lengths are the
    /// schema's (`merchantAuthenticationType`: name ≤ 25, transactionKey ≤ 16).
    pub struct AuthorizeDotNetConfig for AuthorizeDotNet {
        /// The API Login ID (names the merchant account).
        api_login_id: secret(max = 25),
        /// The Transaction Key.
        transaction_key: secret(max = 16),
    }
    // The login id names the merchant account; the key may be rotated without changing it.
    account = [api_login_id];
}
