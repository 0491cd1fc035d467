//! The `prism` program.
#![forbid(unsafe_code)]

use std::io::IsTerminal;

use clap::Parser;
use prism_cli::cli::{Cli, Command, CustomersCommand};
use prism_cli::{create, demo, exit, import, output, sandbox};
use tracing_subscriber::EnvFilter;

fn main() {
    let cli = Cli::parse();
    // The demo provokes failures on purpose (duplicates, a bad email); their warnings are noise there.
    // An import logs its per-row failures in the results file, not as warnings.
    let default_level = if matches!(
        cli.command,
        Command::Demo(_)
            | Command::Customers {
                command: CustomersCommand::Import(_)
            }
    ) {
        "error"
    } else {
        "warn"
    };
    init_logging(cli.log.as_deref().unwrap_or(default_level));

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            std::process::exit(exit::FAILURE);
        }
    };
    let code = runtime.block_on(async {
        match &cli.command {
            Command::Customers {
                command: CustomersCommand::Create(args),
            } => match create::run(args).await {
                Ok(response) => {
                    prism_cli::say!("{}", output::pretty(&response));
                    exit::SUCCESS
                }
                Err(e) => {
                    eprintln!("{}", output::pretty(&output::error_json(&e)));
                    exit::exit_code(e.kind())
                }
            },
            Command::Customers {
                command: CustomersCommand::Import(args),
            } => import::run(args).await,
            Command::Sandbox(args) => sandbox::run(args).await,
            Command::Demo(args) => demo::run(args).await,
        }
    });
    drop(runtime);
    std::process::exit(code);
}

/// Logs to stderr at `level` (a level or a full tracing filter); a bad filter falls back to `warn`.
fn init_logging(level: &str) {
    let filter = EnvFilter::try_new(level).unwrap_or_else(|e| {
        eprintln!("warning: invalid --log `{level}` ({e}); using warn");
        EnvFilter::new("warn")
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
