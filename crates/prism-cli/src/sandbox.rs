//! `prism sandbox`.

use prism::ConnectorConfig;
use prism_sandbox::{FaultMix, Faults, Sandbox};

use crate::cli::SandboxArgs;
use crate::exit;

/// Starts the embedded sandbox, prints how to point the program (or any Prism client) at it,
/// and serves until Ctrl-C. Returns the exit code.
pub async fn run(args: &SandboxArgs) -> i32 {
    let faults = match args.faults.as_deref().map(Faults::parse_spec).transpose() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: invalid --faults: {e}");
            return exit::USAGE;
        }
    };
    let sandbox = match Sandbox::start_on(args.port).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "error: could not start the sandbox on 127.0.0.1:{}: {e}",
                args.port
            );
            return exit::FAILURE;
        }
    };
    if let Some(faults) = faults {
        sandbox.faults().set_random(
            None,
            FaultMix {
                seed: args.seed,
                faults,
            },
        );
        crate::say!(
            "Fault injection on (seed {}): {}",
            args.seed,
            args.faults.as_deref().unwrap_or_default()
        );
    }

    if args.search_lag > 0.0 {
        sandbox.set_search_lag(std::time::Duration::from_secs_f64(args.search_lag));
        crate::say!(
            "Stripe's search lags new customers by {} s",
            args.search_lag
        );
    }

    crate::say!("Prism sandbox listening on {}", sandbox.root_url());
    crate::say!("These credentials are the sandbox's own fixed test values, not secrets.");
    let compiled = prism::compiled_connectors();
    for c in Sandbox::connectors().iter().copied() {
        crate::say!();
        let note = if compiled.contains(&c) {
            ""
        } else {
            "  (not compiled into this prism build)"
        };
        crate::say!("{} ({c}){note}", c.display_name());
        crate::say!("  base URL: {}", sandbox.base_url(c));
        for (var, value) in Sandbox::credentials(c).iter() {
            crate::say!("  export {var}={value}");
        }
        crate::say!(
            "  export {}={}",
            ConnectorConfig::base_url_env_var(c),
            sandbox.base_url(c)
        );
        let vars = ConnectorConfig::env_vars(c);
        if !vars.is_empty()
            && vars.iter().all(|v| {
                Sandbox::credentials(c)
                    .iter()
                    .any(|(n, _)| *n == v.as_str())
            })
        {
            crate::say!(
                "  prism customers create --connector {c} --base-url {} --merchant-customer-id cust_user_12345 --email john.doe@example.com",
                sandbox.base_url(c)
            );
        }
    }
    crate::say!();
    crate::say!("Press Ctrl-C to stop.");

    match tokio::signal::ctrl_c().await {
        Ok(()) => {
            crate::say!("Stopping the sandbox.");
            exit::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot wait for Ctrl-C: {e}");
            exit::FAILURE
        }
    }
}
