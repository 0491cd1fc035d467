//! `cargo xtask <task>`: repository chores, few dependencies (rust-analyzer style).
//!
//! - `test [--python-only]`: the README's test command: `cargo test --workspace --all-features`,
//!   then the Python binding's checks and pytest suite in a virtualenv (see `python.rs`).
//! - `codegen [--check]`: writes the capability matrix into README.md (between the
//!   `capability-matrix` markers) from the connectors' declared capabilities.
//! - `bench [--server own|nginx|both] [--async-stripe] [--python] [--build] [--quick]`: performance against raw reqwest,
//!   async-stripe, and (`--python`) Prism-Python against stripe-python (see `bench.rs`).
//! - `tidy`: architecture checks (connector crates do no I/O and depend on no other connector;
//!   every compiled connector has its docs.md, fixtures, emulator and matrix row; no
//!   `TODO(scaffold)` left; every Rust file has a module doc).
//! - `new-connector NAME [--display "Brand"]`: scaffolds a processor (see `scaffold.rs`).
//! - `soak [ARGS]`: the load test under faults (release build of `prism-soak`; default 20,000
//!   creates per resend-safe emulated connector at concurrency 256 with 5% 500s and 2% resets
//!   after storing). Arguments are passed through (`--count`, `--concurrency`, `--faults`, …).
//! - `import-check [--rows N] [--concurrency N] [--kill-at F] [--faults SPEC]`: 1,000,000 rows
//!   through `prism customers import` into the sandbox under faults, SIGKILL at 40 %, resume,
//!   audit (see `import_check.rs`).
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod bench;
mod import_check;
mod matrix;
mod python;
mod scaffold;
mod tidy;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => python::test(&root(), &args[1..]),
        Some("codegen") => matrix::codegen(&root(), args.iter().any(|a| a == "--check")),
        Some("tidy") => tidy::check(&root()),
        Some("bench") => bench::bench(&root(), &args[1..]),
        Some("soak") => soak(&args[1..]),
        Some("import-check") => import_check::import_check(&root(), &args[1..]),
        Some("new-connector") => scaffold::new_connector(&root(), &args[1..]),
        _ => Err("usage: cargo xtask test [--python-only] | codegen [--check] | tidy | new-connector NAME [--display BRAND] | soak [ARGS] | import-check [--rows N] | bench [--server own|nginx|both] [--async-stripe] [--python] [--build] [--quick]".to_owned()),
    };
    match result {
        Ok(msg) => {
            if !msg.is_empty() {
                println!("{msg}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn soak(args: &[String]) -> Result<String, String> {
    let status = std::process::Command::new(env!("CARGO"))
        .args([
            "run",
            "--release",
            "--quiet",
            "-p",
            "prism-conformance",
            "--bin",
            "prism-soak",
            "--",
        ])
        .args(args)
        .current_dir(root())
        .status()
        .map_err(|e| format!("cargo run prism-soak: {e}"))?;
    if status.success() {
        Ok("soak: passed".into())
    } else {
        Err("soak: failed (see above)".into())
    }
}
