//! `cargo xtask <task>`: repository chores, few dependencies (rust-analyzer style).
//!
//! - `codegen [--check]`: writes the capability matrix into README.md (between the
//!   `capability-matrix` markers) from the connectors' declared capabilities.
//! - `tidy`: architecture checks (connector crates do no I/O and depend on no other connector).
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod matrix;
mod tidy;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => matrix::codegen(&root(), args.iter().any(|a| a == "--check")),
        Some("tidy") => tidy::check(&root()),
        _ => Err("usage: cargo xtask codegen [--check] | tidy".to_owned()),
    };
    match result {
        Ok(msg) => {
            println!("{msg}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
