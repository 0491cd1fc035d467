//! Rust futures → Python awaitables, on the one shared tokio runtime.

use std::future::Future;

use prism::{CustomerCreateResponse, Error};
use pyo3::prelude::*;

use crate::errors::to_py_err;
use crate::response::PyCustomerCreateResponse;

/// What a create ends with; turned into a Python object (or exception) with the GIL held, on
/// the event loop's side.
pub(crate) struct Outcome(pub(crate) Result<CustomerCreateResponse, Error>);

impl<'py> IntoPyObject<'py> for Outcome {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
        match self.0 {
            Ok(inner) => Ok(Bound::new(py, PyCustomerCreateResponse { inner })?.into_any()),
            Err(e) => Err(to_py_err(py, &e)),
        }
    }
}

/// An awaitable for `fut`, run on the shared runtime. Cancelling the awaitable drops `fut`.
pub(crate) fn awaitable<'py, F>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Outcome> + Send + 'static,
{
    pyo3_async_runtimes::tokio::future_into_py(py, async move { Ok(fut.await) })
}
