//! The `prism` command-line program, as a library so its pieces can be tested.
//!
//! - `prism customers create --connector stripe --merchant-customer-id …`: the response as JSON
//!   on stdout, or an error as JSON on stderr with an exit code per [`prism::ErrorKind`]
//!   ([`exit::exit_code`]).
//! - `prism customers import --connector stripe FILE`: a whole customer base from CSV or JSON
//!   Lines, resumable, rate-limited, one results line per row ([`import`]).
//! - `prism sandbox`: the embedded sandbox until Ctrl-C.
//! - `prism demo [--live]`: the product page's onboarding flow on every connector.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// `println!` that does not panic when stdout is closed (`prism … | head`): the output is
/// best effort, the exit code still tells the outcome.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

pub mod cli;
pub mod create;
pub mod demo;
pub mod exit;
pub mod import;
pub mod output;
pub mod sandbox;

pub use exit::exit_code;
