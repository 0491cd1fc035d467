//! Square's credentials, declared once.

prism_connector::credentials! {
    /// Square credentials: one access token — the application's personal access token or an
    /// OAuth access token with the `CUSTOMERS_WRITE` scope (`CUSTOMERS_READ` for the lookup) —
    /// sent as `Authorization: Bearer <token>`.
    ///
    /// Sandbox and production tokens are distinct, and no documented prefix tells them apart, so
    /// the token is only checked for shape (not empty, no white space); the environment picks
    /// the host.
    ///
    /// From the environment: `PRISM_SQUARE_ACCESS_TOKEN`.
    pub struct SquareConfig for Square {
        /// The access token (without `Bearer `).
        access_token: secret,
    }
    account = [access_token];
}

#[cfg(test)]
mod tests {
    //! Blank tokens are `check_fields`' (the behaviour suite's credential cases).
    use super::*;
    use prism_connector::CredentialSet;

    #[test]
    fn a_bearer_prefix_is_refused_and_never_shown() {
        assert!(SquareConfig::new("EAAAl0ngT0ken").check_fields().is_ok());
        let c = SquareConfig::new("Bearer EAAAsupersecret");
        let e = c.check_fields().expect_err("white space");
        assert!(!format!("{e} {e:?} {c:?}").contains("supersecret"));
    }
}
