//! The embedded sandbox (`prism_sandbox::Sandbox`) for Python test suites; wrapped by
//! `orchestratorx_prism.sandbox.Sandbox`.

use std::sync::Mutex;

use prism::{Connector, ConnectorConfig};
use prism_sandbox::{FaultMix, Faults, Sandbox};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::client::parse_connector;
use crate::{py_repr, runtime};

/// A running sandbox server on 127.0.0.1 (see `orchestratorx_prism.sandbox.Sandbox`).
#[pyclass(frozen, module = "orchestratorx_prism._native", name = "SandboxServer")]
pub(crate) struct PySandbox {
    inner: Mutex<Option<Sandbox>>,
    root_url: String,
}

fn scope(py: Python<'_>, connector: Option<&str>) -> PyResult<Option<Connector>> {
    connector.map(|c| parse_connector(py, c)).transpose()
}

/// The keyword credentials (`{"api_key": …}`) the emulator of `c` accepts: its values under the
/// connector's declared field names.
fn keyword_credentials(c: Connector) -> Vec<(String, &'static str)> {
    let accepted = Sandbox::credentials(c);
    ConnectorConfig::credential_fields(c)
        .iter()
        .filter_map(|f| {
            let var = f.env_var(c);
            let (_, value) = accepted.iter().find(|(v, _)| *v == var)?;
            Some((f.name.to_owned(), *value))
        })
        .collect()
}

impl PySandbox {
    fn with<R>(&self, f: impl FnOnce(&Sandbox) -> R) -> PyResult<R> {
        let guard = self
            .inner
            .lock()
            .map_err(|_| PyRuntimeError::new_err("sandbox lock poisoned"))?;
        match guard.as_ref() {
            Some(s) => Ok(f(s)),
            None => Err(PyRuntimeError::new_err("the sandbox is closed")),
        }
    }
}

#[pymethods]
impl PySandbox {
    /// Starts a sandbox on `127.0.0.1:port` (`0`: a free port).
    #[new]
    #[pyo3(signature = (port=0))]
    fn new(py: Python<'_>, port: u16) -> PyResult<Self> {
        let sandbox = py
            .detach(|| runtime().block_on(Sandbox::start_on(port)))
            .map_err(|e| PyRuntimeError::new_err(format!("the sandbox could not start: {e}")))?;
        let root_url = sandbox.root_url();
        Ok(Self {
            inner: Mutex::new(Some(sandbox)),
            root_url,
        })
    }

    /// `http://127.0.0.1:PORT`.
    #[getter]
    fn root_url(&self) -> &str {
        &self.root_url
    }

    /// The base URL of a connector's emulator.
    fn base_url(&self, py: Python<'_>, connector: &str) -> PyResult<String> {
        let c = parse_connector(py, connector)?;
        if !Sandbox::connectors().contains(&c) {
            return Err(PyValueError::new_err(format!(
                "the sandbox has no emulator for {c}"
            )));
        }
        Ok(format!("{}/{}", self.root_url, c.as_str()))
    }

    /// The connectors that have an emulator.
    #[staticmethod]
    fn connectors(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
        PyList::new(py, Sandbox::connectors().iter().map(|c| c.as_str()))
    }

    /// The keyword credentials the emulator accepts, e.g. `{"api_key": "sk_test_prism_sandbox"}`.
    #[staticmethod]
    fn credentials<'py>(py: Python<'py>, connector: &str) -> PyResult<Bound<'py, PyDict>> {
        let c = parse_connector(py, connector)?;
        let out = PyDict::new(py);
        for (k, v) in keyword_credentials(c) {
            out.set_item(k, v)?;
        }
        Ok(out)
    }

    /// `PRISM_<CONNECTOR>_<FIELD>` and `PRISM_<CONNECTOR>_BASE_URL` for this sandbox: set them
    /// and unchanged code (`CustomerClient.from_env`, or a client without `base_url`) talks to it.
    fn environ<'py>(&self, py: Python<'py>, connector: &str) -> PyResult<Bound<'py, PyDict>> {
        let c = parse_connector(py, connector)?;
        let out = PyDict::new(py);
        for (var, value) in Sandbox::credentials(c) {
            out.set_item(*var, *value)?;
        }
        out.set_item(
            ConnectorConfig::base_url_env_var(c),
            self.base_url(py, connector)?,
        )?;
        Ok(out)
    }

    /// Queues one-shot faults (`"500"`, `"reset-after"`, `"latency=200ms"`, `"429=2"`, …,
    /// comma-separated) for the next create requests to `connector` (or to any connector).
    #[pyo3(signature = (spec, connector=None))]
    fn push_fault(&self, py: Python<'_>, spec: &str, connector: Option<&str>) -> PyResult<()> {
        let scope = scope(py, connector)?;
        let faults = Faults::parse_spec(spec).map_err(PyValueError::new_err)?;
        if faults.iter().any(|(_, p)| *p < 1.0) {
            return Err(PyValueError::new_err(
                "one-shot faults take no probability; use set_faults for a random mix",
            ));
        }
        self.with(|s| {
            for (f, _) in faults {
                s.faults().push(scope, f);
            }
        })
    }

    /// A seeded random mix (`"500:0.05,reset-after:0.02"`) for `connector` (or all).
    #[pyo3(signature = (spec, connector=None, seed=0))]
    fn set_faults(
        &self,
        py: Python<'_>,
        spec: &str,
        connector: Option<&str>,
        seed: u64,
    ) -> PyResult<()> {
        let scope = scope(py, connector)?;
        let faults = Faults::parse_spec(spec).map_err(PyValueError::new_err)?;
        self.with(|s| s.faults().set_random(scope, FaultMix { seed, faults }))
    }

    /// Removes every queued fault and random mix.
    fn clear_faults(&self) -> PyResult<()> {
        self.with(|s| s.faults().clear())
    }

    /// Models Stripe's eventually consistent search: customers stored less than `seconds` ago
    /// are not found by it (0: consistent at once, the default).
    fn set_search_lag(&self, seconds: f64) -> PyResult<()> {
        let lag = std::time::Duration::try_from_secs_f64(seconds)
            .map_err(|_| pyo3::exceptions::PyValueError::new_err("seconds: a finite number ≥ 0"))?;
        self.with(|s| s.set_search_lag(lag))
    }

    /// How many one-shot faults are still queued.
    fn pending_faults(&self) -> PyResult<usize> {
        self.with(|s| s.faults().pending())
    }

    /// What a connector's emulator stored: `[{"id", "merchant_customer_id"}]`, oldest first.
    fn customers<'py>(&self, py: Python<'py>, connector: &str) -> PyResult<Bound<'py, PyList>> {
        let c = parse_connector(py, connector)?;
        let stored = self.with(|s| s.customers(c))?;
        let out = PyList::empty(py);
        for sc in stored {
            let d = PyDict::new(py);
            d.set_item("id", sc.id)?;
            d.set_item("merchant_customer_id", sc.merchant_customer_id)?;
            out.append(d)?;
        }
        Ok(out)
    }

    /// How many stored customers of `connector` carry this merchant reference.
    fn count_by_reference(
        &self,
        py: Python<'_>,
        connector: &str,
        merchant_customer_id: &str,
    ) -> PyResult<usize> {
        let c = parse_connector(py, connector)?;
        self.with(|s| s.count_by_reference(c, merchant_customer_id))
    }

    /// Requests that reached a connector's emulator, faulted ones included.
    fn requests_seen(&self, py: Python<'_>, connector: &str) -> PyResult<usize> {
        let c = parse_connector(py, connector)?;
        self.with(|s| s.requests_seen(c))
    }

    /// Stops the server (every connection is closed). Idempotent.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let taken = self
            .inner
            .lock()
            .map_err(|_| PyRuntimeError::new_err("sandbox lock poisoned"))?
            .take();
        if let Some(s) = taken {
            py.detach(|| runtime().block_on(s.shutdown()));
        }
        Ok(())
    }

    /// True once closed.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.lock().map(|g| g.is_none()).unwrap_or(true)
    }

    fn __repr__(&self) -> String {
        format!("SandboxServer(root_url={})", py_repr(&self.root_url))
    }
}
