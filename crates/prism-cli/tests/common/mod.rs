//! Helpers shared by the `prism` binary's test files.
#![allow(dead_code, clippy::unwrap_used)]

use std::process::Command;

use prism::Connector;
use prism_sandbox::Sandbox;

/// The sandbox's fixed Stripe test key.
pub fn stripe_key() -> &'static str {
    Sandbox::credentials(Connector::Stripe)
        .iter()
        .find(|(name, _)| *name == "PRISM_STRIPE_API_KEY")
        .map(|(_, v)| *v)
        .unwrap()
}

/// The built `prism` binary, with no `PRISM_*` variable inherited from the test's environment.
pub fn prism() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_prism"));
    for (k, _) in std::env::vars() {
        if k.starts_with("PRISM_") {
            cmd.env_remove(k);
        }
    }
    cmd
}
