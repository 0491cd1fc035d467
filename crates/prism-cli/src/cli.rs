//! The command line, as clap derive types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use prism::{Connector, Environment, OnDuplicate, UnsupportedFields};

/// One typed API to create customers at many payment processors.
///
/// Credentials are read from the environment only (`PRISM_<CONNECTOR>_<FIELD>`, e.g.
/// `PRISM_STRIPE_API_KEY`), never from the command line.
#[derive(Debug, Parser)]
#[command(name = "prism", version, propagate_version = true)]
pub struct Cli {
    /// Log level (or a tracing filter such as `prism_http=debug`), logged to stderr
    /// [default: warn; error for `demo`, whose failures are expected, and for `customers
    /// import`, whose failures go to its results file].
    #[arg(long, global = true, env = "PRISM_LOG", value_name = "LEVEL")]
    pub log: Option<String>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Customer operations.
    Customers {
        /// The operation.
        #[command(subcommand)]
        command: CustomersCommand,
    },
    /// Run the embedded sandbox (every emulated processor on loopback) until Ctrl-C.
    Sandbox(SandboxArgs),
    /// Run the product page's onboarding flow on every connector (embedded sandbox by default).
    Demo(DemoArgs),
}

/// Customer operations.
#[derive(Debug, Subcommand)]
pub enum CustomersCommand {
    /// Create a customer and print the response as JSON.
    ///
    /// Errors are printed as JSON on stderr, with an exit code per error kind.
    Create(Box<CreateArgs>),
    /// Create every customer of a CSV or JSON Lines file, with a results line per row.
    ///
    /// Safe to stop and run again (`--resume`); rate-limited per processor; see
    /// crates/prism-cli/README.md for the file formats and the results file.
    Import(Box<ImportArgs>),
}

/// Arguments of `prism customers create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The processor (stripe, authorizedotnet, …).
    #[arg(long, value_parser = parse_connector, env = "PRISM_CONNECTOR")]
    pub connector: Connector,

    /// The request as the product page's JSON (`{"merchant_customer_id": …}`), from a file or
    /// `-` for stdin. Flags given alongside override its fields.
    #[arg(long, value_name = "FILE|-")]
    pub json: Option<PathBuf>,

    /// Your own unique reference for the customer (required unless given in --json).
    #[arg(long, required_unless_present = "json")]
    pub merchant_customer_id: Option<String>,
    /// Email address.
    #[arg(long)]
    pub email: Option<String>,
    /// Full name.
    #[arg(long)]
    pub name: Option<String>,
    /// Phone number.
    #[arg(long)]
    pub phone: Option<String>,
    /// Internal description.
    #[arg(long)]
    pub description: Option<String>,
    /// A metadata entry; repeat for more.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub metadata: Vec<(String, String)>,

    /// Address line 1.
    #[arg(long)]
    pub address_line1: Option<String>,
    /// Address line 2.
    #[arg(long)]
    pub address_line2: Option<String>,
    /// City.
    #[arg(long)]
    pub address_city: Option<String>,
    /// State, county or region.
    #[arg(long)]
    pub address_state: Option<String>,
    /// Postal or ZIP code.
    #[arg(long)]
    pub address_postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[arg(long)]
    pub address_country: Option<String>,

    /// Where to send, and the fields the processor cannot store.
    #[command(flatten)]
    pub client: ClientArgs,
    /// A customer with this reference already exists: fail (exit code of already_exists), or
    /// print the existing customer as success.
    #[arg(long, value_enum, default_value_t = DuplicateArg::Error)]
    pub on_duplicate: DuplicateArg,
    /// Idempotency key to send instead of the one derived from the merchant reference.
    #[arg(long, value_name = "KEY")]
    pub idempotency_key: Option<String>,
    /// Retries after the first attempt (0: exactly one attempt).
    #[arg(long, value_name = "N")]
    pub max_retries: Option<u32>,
    /// Overall deadline of the call in milliseconds, all attempts included.
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: Option<u64>,
}

/// Arguments of `prism customers import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The processor (stripe, authorizedotnet, …).
    #[arg(long, value_parser = parse_connector, env = "PRISM_CONNECTOR")]
    pub connector: Connector,

    /// The customers: CSV with a header row, or JSON Lines (one product-page request per line).
    pub file: PathBuf,

    /// The file's format [default: from the extension: .csv, .jsonl / .ndjson / .json].
    #[arg(long, value_enum)]
    pub format: Option<crate::import::input::Format>,

    /// Where the results go, one JSON line per input row [default: FILE.results.jsonl].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Continue an earlier run: rows whose reference is settled in the results file are
    /// skipped; the rest (retryable failures, rows never reached, and unknown outcomes where
    /// the processor makes resending safe) are sent.
    #[arg(long)]
    pub resume: bool,

    /// Validate the whole file and report every bad row; send nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Creates in flight at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub concurrency: u32,

    /// Pace of creates: `N/s` or `N/min` [default: the processor's documented limit for the
    /// environment, or a conservative 5/s where it documents none].
    #[arg(long, value_name = "N/s|N/min", value_parser = crate::import::pace::parse_rate)]
    pub rate: Option<crate::import::pace::Rate>,

    /// Import only the rows of shard I of N (1-based), split by a stable hash of the reference,
    /// so N machines can share one file without overlapping.
    #[arg(long, value_name = "I/N", value_parser = crate::import::shard::parse_shard)]
    pub shard: Option<crate::import::shard::Shard>,

    /// Where to send, and the fields the processor cannot store.
    #[command(flatten)]
    pub client: ClientArgs,
    /// A customer with this reference already exists at the processor: report it as
    /// `existing` with its id (default), or as a failed row (already_exists).
    #[arg(long, value_enum, default_value_t = DuplicateArg::ReturnExisting)]
    pub on_duplicate: DuplicateArg,
    /// Retries of each create after its first attempt (library default: 2).
    #[arg(long, value_name = "N")]
    pub max_retries: Option<u32>,
    /// Deadline of each create in milliseconds, all attempts included.
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: Option<u64>,
    /// Seconds between progress lines when stderr is not a terminal (a terminal gets a bar).
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub progress_every: u64,
}

/// The client settings `customers create` and `customers import` share.
#[derive(Debug, Args)]
pub struct ClientArgs {
    /// The processor's environment.
    #[arg(long, default_value = "sandbox", value_parser = parse_environment, env = "PRISM_ENVIRONMENT")]
    pub environment: Environment,
    /// Send to this base URL instead of the processor's (a proxy, `prism sandbox`).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Fields the processor cannot store: fail before sending (the request, or the import's
    /// row, is invalid), or send without them.
    #[arg(long, value_enum, default_value_t = UnsupportedArg::Reject)]
    pub unsupported_fields: UnsupportedArg,
}

/// `--unsupported-fields`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UnsupportedArg {
    /// Fail with invalid_request before sending.
    Reject,
    /// Send without them; the response lists them in `diagnostics.unstored_fields`.
    Ignore,
}

impl From<UnsupportedArg> for UnsupportedFields {
    fn from(a: UnsupportedArg) -> Self {
        match a {
            UnsupportedArg::Reject => UnsupportedFields::Reject,
            UnsupportedArg::Ignore => UnsupportedFields::Ignore,
        }
    }
}

/// `--on-duplicate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DuplicateArg {
    /// Fail with already_exists (409).
    Error,
    /// Return the existing customer as success (`"existing": true`).
    ReturnExisting,
}

impl From<DuplicateArg> for OnDuplicate {
    fn from(a: DuplicateArg) -> Self {
        match a {
            DuplicateArg::Error => OnDuplicate::Error,
            DuplicateArg::ReturnExisting => OnDuplicate::ReturnExisting,
        }
    }
}

/// Arguments of `prism sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Random faults to inject: `FAULT:PROBABILITY,…`, e.g. `500:0.05,reset-after:0.02,latency=200ms:0.1,429=2:0.01`.
    #[arg(long, value_name = "SPEC")]
    pub faults: Option<String>,
    /// Seed of the random fault mix (same seed, same sequence).
    #[arg(long, default_value_t = 1, requires = "faults")]
    pub seed: u64,
    /// Seconds a new customer stays invisible to Stripe's (eventually consistent) search, as
    /// the real search lags writes; 0 (default): found at once.
    #[arg(long, value_name = "SECONDS", default_value_t = 0.0, value_parser = parse_seconds)]
    pub search_lag: f64,
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("`{s}`: a number of seconds, 0 or more"))
}

/// Arguments of `prism demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Run against the processors' real sandbox environments, for every connector whose
    /// `PRISM_<CONNECTOR>_*` credentials are set, instead of the embedded sandbox.
    #[arg(long)]
    pub live: bool,
}

fn parse_connector(s: &str) -> Result<Connector, String> {
    s.parse::<Connector>().map_err(|e| {
        let known: Vec<&str> = Connector::ALL.iter().map(|c| c.as_str()).collect();
        format!("{e}; known: {}", known.join(", "))
    })
}

fn parse_environment(s: &str) -> Result<Environment, String> {
    s.parse::<Environment>()
}

fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err("expected KEY=VALUE with a non-empty KEY".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn key_values_parse() {
        assert_eq!(
            parse_key_value("plan=premium=x"),
            Ok(("plan".into(), "premium=x".into()))
        );
        assert!(parse_key_value("=x").is_err());
        assert!(parse_key_value("novalue").is_err());
    }
}
