//! `prism::Error` → the Python exception of its kind (`orchestratorx_prism.errors`).
//!
//! The classes are plain Python; this picks one per `ErrorKind` and fills its attributes from
//! the error's accessors. Every text was scrubbed by the Rust core before it gets here.

use prism::{Diagnostics, Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyType};

/// The exception class name for each kind.
fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidRequest => "InvalidRequestError",
        ErrorKind::AlreadyExists => "AlreadyExistsError",
        ErrorKind::Authentication => "AuthenticationError",
        ErrorKind::PermissionDenied => "PermissionDeniedError",
        ErrorKind::RateLimited => "RateLimitedError",
        ErrorKind::ProcessorError => "ProcessorError",
        ErrorKind::ProcessorUnavailable => "ProcessorUnavailableError",
        ErrorKind::Timeout => "PrismTimeoutError",
        ErrorKind::Transport => "TransportError",
        ErrorKind::UnexpectedResponse => "UnexpectedResponseError",
        ErrorKind::Unsupported => "UnsupportedError",
        ErrorKind::Configuration => "ConfigurationError",
        // A kind added to prism later still raises the base class.
        _ => "PrismError",
    }
}

static CLASSES: PyOnceLock<Vec<(ErrorKind, Py<PyType>)>> = PyOnceLock::new();
static BASE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn class_for<'py>(py: Python<'py>, kind: ErrorKind) -> PyResult<Bound<'py, PyType>> {
    let classes = CLASSES.get_or_try_init(py, || -> PyResult<_> {
        let module = py.import("orchestratorx_prism.errors")?;
        ErrorKind::ALL
            .iter()
            .map(|k| {
                let cls = module.getattr(class_name(*k))?.cast_into::<PyType>()?;
                Ok((*k, cls.unbind()))
            })
            .collect::<PyResult<Vec<_>>>()
    })?;
    if let Some((_, cls)) = classes.iter().find(|(k, _)| *k == kind) {
        return Ok(cls.bind(py).clone());
    }
    Ok(BASE
        .import(py, "orchestratorx_prism.errors", "PrismError")?
        .clone())
}

/// The diagnostics as the dict Python users read (`Diagnostics` in the stubs).
pub(crate) fn diagnostics_dict<'py>(
    py: Python<'py>,
    d: &Diagnostics,
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("request_id", d.request_id.as_deref())?;
    out.set_item("idempotency_key", d.idempotency_key.as_deref())?;
    out.set_item("attempts", d.attempts)?;
    out.set_item("replayed", d.replayed)?;
    out.set_item("lost_answer", d.lost_answer)?;
    out.set_item("elapsed", d.elapsed.as_secs_f64())?;
    out.set_item("unstored_fields", PyList::new(py, &d.unstored_fields)?)?;
    Ok(out)
}

/// The Python exception for `e`.
pub(crate) fn to_py_err(py: Python<'_>, e: &Error) -> PyErr {
    match build(py, e) {
        Ok(err) => err,
        Err(failed) => failed,
    }
}

fn build(py: Python<'_>, e: &Error) -> PyResult<PyErr> {
    let cls = class_for(py, e.kind())?;
    let kw = PyDict::new(py);
    kw.set_item("kind", e.kind().as_str())?;
    kw.set_item("status_code", e.status_code())?;
    kw.set_item("http_status", e.http_status())?;
    kw.set_item("connector", e.connector().map(|c| c.as_str()))?;
    kw.set_item("connector_code", e.connector_code())?;
    kw.set_item("connector_message", e.connector_message())?;
    kw.set_item("request_id", e.request_id())?;
    kw.set_item("retryable", e.is_retryable())?;
    kw.set_item("outcome_unknown", e.outcome_unknown())?;
    let fields = PyList::empty(py);
    for f in e.field_errors() {
        let d = PyDict::new(py);
        d.set_item("field", &f.field)?;
        d.set_item("rule", &f.rule)?;
        d.set_item("message", &f.message)?;
        fields.append(d)?;
    }
    kw.set_item("field_errors", fields)?;
    kw.set_item("existing_customer_id", e.existing_customer_id())?;
    kw.set_item("retry_after", e.retry_after().map(|d| d.as_secs_f64()))?;
    match e.diagnostics() {
        Some(d) => kw.set_item("diagnostics", diagnostics_dict(py, d)?)?,
        None => kw.set_item("diagnostics", py.None())?,
    }
    let exc = cls.call((e.to_string(),), Some(&kw))?;
    Ok(PyErr::from_value(exc))
}

/// A `ConfigurationError` with this message (bad connector or environment name).
pub(crate) fn configuration(py: Python<'_>, message: impl Into<String>) -> PyErr {
    to_py_err(py, &Error::configuration(message.into()))
}
