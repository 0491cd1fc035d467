//! `CustomerCreateResponse`: the page's four fields as attributes and as a read-only mapping
//! (`response["connector_customer_id"]`, `dict(response)`), plus `connector`, `existing` and
//! `diagnostics`.

use prism::CustomerCreateResponse;
use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};

use crate::errors::diagnostics_dict;
use crate::py_repr;

const KEYS: [&str; 7] = [
    "merchant_customer_id",
    "connector_customer_id",
    "status",
    "status_code",
    "connector",
    "existing",
    "diagnostics",
];

static ACTIVE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `CustomerStatus.ACTIVE` (a `str` enum defined in `types.py`).
fn active(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    ACTIVE
        .get_or_try_init(py, || -> PyResult<_> {
            Ok(py
                .import("orchestratorx_prism.types")?
                .getattr("CustomerStatus")?
                .getattr("ACTIVE")?
                .unbind())
        })
        .map(|v| v.bind(py).clone())
}

/// The result of a successful create.
#[pyclass(
    frozen,
    mapping,
    module = "orchestratorx_prism",
    name = "CustomerCreateResponse"
)]
pub(crate) struct PyCustomerCreateResponse {
    pub(crate) inner: CustomerCreateResponse,
}

impl PyCustomerCreateResponse {
    fn item<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let r = &self.inner;
        Ok(Some(match key {
            "merchant_customer_id" => r.merchant_customer_id.clone().into_pyobject(py)?.into_any(),
            "connector_customer_id" => r
                .connector_customer_id
                .clone()
                .into_pyobject(py)?
                .into_any(),
            "status" => active(py)?,
            "status_code" => r.status_code.into_pyobject(py)?.into_any(),
            "connector" => r.connector.as_str().into_pyobject(py)?.into_any(),
            "existing" => r.existing.into_pyobject(py)?.to_owned().into_any(),
            "diagnostics" => diagnostics_dict(py, &r.diagnostics)?.into_any(),
            _ => return Ok(None),
        }))
    }
}

#[pymethods]
impl PyCustomerCreateResponse {
    /// Your reference, echoed from the request.
    #[getter]
    fn merchant_customer_id(&self) -> &str {
        &self.inner.merchant_customer_id
    }
    /// The processor's id for the customer (Stripe `cus_…`, …).
    #[getter]
    fn connector_customer_id(&self) -> &str {
        &self.inner.connector_customer_id
    }
    /// `CustomerStatus.ACTIVE`.
    #[getter]
    fn status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        active(py)
    }
    /// The HTTP status of the answer that named the customer (200, 201, …).
    #[getter]
    fn status_code(&self) -> u16 {
        self.inner.status_code
    }
    /// Which connector answered (`"stripe"`, …).
    #[getter]
    fn connector(&self) -> &'static str {
        self.inner.connector.as_str()
    }
    /// True when the customer already existed and `on_duplicate='return_existing'` returned it.
    #[getter]
    fn existing(&self) -> bool {
        self.inner.existing
    }
    /// How the call went (attempts, idempotency key, replay, request id, elapsed seconds, …).
    #[getter]
    fn diagnostics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        diagnostics_dict(py, &self.inner.diagnostics)
    }

    fn keys<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, KEYS)
    }
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for k in KEYS {
            out.append(self.item(py, k)?)?;
        }
        Ok(out)
    }
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for k in KEYS {
            out.append((k, self.item(py, k)?))?;
        }
        Ok(out)
    }
    #[pyo3(signature = (key, default=None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let found = match key.extract::<&str>() {
            Ok(k) => self.item(py, k)?,
            Err(_) => None,
        };
        Ok(found.or(default))
    }
    /// A plain dict: the page's JSON plus `connector`, `existing` and `diagnostics`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for k in KEYS {
            out.set_item(k, self.item(py, k)?)?;
        }
        Ok(out)
    }
    fn __getitem__<'py>(
        &self,
        py: Python<'py>,
        key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let found = match key.extract::<&str>() {
            Ok(k) => self.item(py, k)?,
            Err(_) => None,
        };
        found.ok_or_else(|| PyKeyError::new_err(key.clone().unbind()))
    }
    fn __contains__(&self, key: &Bound<'_, PyAny>) -> bool {
        key.extract::<&str>().is_ok_and(|k| KEYS.contains(&k))
    }
    fn __len__(&self) -> usize {
        KEYS.len()
    }
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyList::new(py, KEYS)?
            .into_any()
            .try_iter()
            .map(Bound::into_any)
    }
    fn __eq__<'py>(&self, py: Python<'py>, other: &Bound<'py, PyAny>) -> PyResult<bool> {
        if let Ok(o) = other.cast::<PyCustomerCreateResponse>() {
            return Ok(o.get().inner == self.inner);
        }
        if other.cast::<PyDict>().is_ok() {
            return self.to_dict(py)?.eq(other);
        }
        Ok(false)
    }
    /// The ids, status and connector; never a personal value (the response carries none).
    fn __repr__(&self) -> String {
        let r = &self.inner;
        format!(
            "CustomerCreateResponse(merchant_customer_id={}, connector_customer_id={}, status='ACTIVE', status_code={}, connector={}, existing={})",
            py_repr(&r.merchant_customer_id),
            py_repr(&r.connector_customer_id),
            r.status_code,
            py_repr(r.connector.as_str()),
            if r.existing { "True" } else { "False" }
        )
    }
}
