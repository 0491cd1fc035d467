//! `orchestratorx_prism._native`: the compiled part of the Python package.
//!
//! A thin layer over the `prism` facade: requests are deserialized by `prism`'s own serde types
//! (unknown fields rejected), validation, retries, idempotency, error meanings and scrubbing all
//! happen in Rust. Every call runs on one shared tokio runtime (`pyo3-async-runtimes`); the GIL
//! is released while a call waits. The exception classes and the `CustomerStatus` enum are
//! plain Python (`errors.py`, `types.py`); this module only picks the class for each
//! `prism::ErrorKind`.

use pyo3::prelude::*;

mod bridge;
mod client;
mod convert;
mod errors;
mod response;
mod sandbox;

/// The one tokio runtime every client and sandbox of this process shares.
pub(crate) fn runtime() -> &'static tokio::runtime::Runtime {
    pyo3_async_runtimes::tokio::get_runtime()
}

/// How that runtime is built (before its first use): one worker thread per core but one,
/// since the Python thread that starts the calls and takes their results is itself busy on
/// a core whenever calls are; at least one. `TOKIO_WORKER_THREADS`, when set, wins.
///
/// Measured on 2 cores (`cargo xtask bench --python`): with a worker per core, each
/// sequential call woke the second worker to look for work that the first had already taken,
/// costing latency and CPU time for nothing.
fn runtime_builder() -> tokio::runtime::Builder {
    let mut b = tokio::runtime::Builder::new_multi_thread();
    b.enable_all().thread_name("prism-runtime");
    if std::env::var_os("TOKIO_WORKER_THREADS").is_none() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        b.worker_threads(cores.saturating_sub(1).max(1));
    }
    b
}

#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    pyo3_async_runtimes::tokio::init(runtime_builder());
    m.add_class::<client::PyCustomerClient>()?;
    m.add_class::<response::PyCustomerCreateResponse>()?;
    m.add_class::<sandbox::PySandbox>()?;
    m.add_class::<bridge::Waker>()?;
    m.add_class::<bridge::CallHandle>()?;
    m.add_function(wrap_pyfunction!(client::compiled_connectors, m)?)?;
    m.add_function(wrap_pyfunction!(client::credential_fields, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

/// Python's `repr()` of a `str` (quotes and escapes as Python prints them), for `__repr__`s.
pub(crate) fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}
