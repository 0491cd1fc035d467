//! `CustomerClient`: the page's constructor and `create`, over `prism::CustomerClient`.

use std::collections::BTreeMap;
use std::time::Duration;

use prism::{CallOptions, Connector, ConnectorConfig, CustomerClient, Environment};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::bridge::{self, Outcome};
use crate::convert::{self, RequestError};
use crate::errors::{configuration, to_py_err};
use crate::response::PyCustomerCreateResponse;
use crate::{py_repr, runtime};

pub(crate) fn parse_connector(py: Python<'_>, name: &str) -> PyResult<Connector> {
    name.trim().parse::<Connector>().map_err(|_| {
        let known: Vec<&str> = prism::compiled_connectors()
            .iter()
            .map(|c| c.as_str())
            .collect();
        configuration(
            py,
            format!(
                "unknown connector {name:?} (implemented: {})",
                known.join(", ")
            ),
        )
    })
}

fn parse_environment(py: Python<'_>, env: Option<&Bound<'_, PyAny>>) -> PyResult<Environment> {
    let Some(env) = env else {
        return Ok(Environment::Sandbox);
    };
    // A str, or a str enum whose value is the name.
    let text: String = match env.cast::<PyString>() {
        Ok(s) => s.to_str()?.to_owned(),
        Err(_) => {
            return Err(PyTypeError::new_err(
                "environment must be 'SANDBOX' or 'PRODUCTION'",
            ))
        }
    };
    text.parse::<Environment>().map_err(|_| {
        configuration(
            py,
            format!("unknown environment {text:?} (expected 'SANDBOX' or 'PRODUCTION')"),
        )
    })
}

/// Requests one client keeps in flight at once unless told otherwise: httpx's and aiohttp's
/// default connection limit, so that `asyncio.gather` of a thousand creates opens a hundred
/// connections to the processor, not a thousand. `max_in_flight=None` (or 0) removes the bound.
const DEFAULT_MAX_IN_FLIGHT: i64 = 100;

/// Creates customer records at one processor account.
///
/// `CustomerClient(connector='stripe', api_key='sk_test_…', environment='SANDBOX')`. Share one
/// client: it holds one connection pool, and is safe to use from many tasks and threads.
#[pyclass(
    frozen,
    subclass,
    module = "orchestratorx_prism._native",
    name = "NativeCustomerClient"
)]
pub(crate) struct PyCustomerClient {
    inner: CustomerClient,
    environment: Environment,
}

struct Options {
    base_url: Option<String>,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    max_retries: Option<u32>,
    on_duplicate: Option<prism::OnDuplicate>,
    unsupported_fields: Option<prism::UnsupportedFields>,
}

impl Options {
    #[allow(clippy::too_many_arguments)]
    fn read(
        base_url: Option<String>,
        timeout: Option<&Bound<'_, PyAny>>,
        deadline: Option<&Bound<'_, PyAny>>,
        max_retries: Option<u32>,
        on_duplicate: Option<&str>,
        unsupported_fields: Option<&str>,
    ) -> PyResult<Self> {
        Ok(Self {
            base_url,
            timeout: timeout
                .map(|t| convert::duration(t, "timeout"))
                .transpose()?,
            deadline: deadline
                .map(|t| convert::duration(t, "deadline"))
                .transpose()?,
            max_retries,
            on_duplicate: on_duplicate.map(convert::on_duplicate).transpose()?,
            unsupported_fields: unsupported_fields
                .map(convert::unsupported_fields)
                .transpose()?,
        })
    }
}

impl PyCustomerClient {
    fn build(
        py: Python<'_>,
        connector: Connector,
        environment: Environment,
        config: Option<ConnectorConfig>,
        opts: Options,
        max_in_flight: Option<usize>,
    ) -> PyResult<Self> {
        let mut b = CustomerClient::builder().environment(environment);
        b = match config {
            Some(c) => b.connector_config(c),
            // No credential given: `PRISM_<CONNECTOR>_<FIELD>` from the environment.
            None => b.connector(connector),
        };
        if let Some(u) = opts.base_url {
            b = b.base_url(u);
        }
        if let Some(t) = opts.timeout {
            b = b.timeout(t);
        }
        if let Some(t) = opts.deadline {
            b = b.deadline(t);
        }
        if let Some(n) = opts.max_retries {
            b = b.max_retries(n);
        }
        if let Some(p) = opts.on_duplicate {
            b = b.on_duplicate(p);
        }
        if let Some(p) = opts.unsupported_fields {
            b = b.unsupported_fields(p);
        }
        // `None` (httpx's `max_connections=None`) or 0 (aiohttp's `limit=0`): no bound.
        if let Some(n) = max_in_flight.filter(|&n| n > 0) {
            b = b.max_in_flight(n);
        }
        // Built inside the runtime's context, as everything that may spawn onto it.
        let _guard = runtime().enter();
        let inner = b.build().map_err(|e| to_py_err(py, &e))?;
        Ok(Self { inner, environment })
    }

    fn read_request(
        &self,
        py: Python<'_>,
        request: &Bound<'_, PyAny>,
    ) -> PyResult<prism::CustomerCreateRequest> {
        convert::request_from_py(request).map_err(|e| match e {
            RequestError::NotAMapping(e) => e,
            RequestError::Invalid(e) => to_py_err(py, &e.with_connector(self.inner.connector())),
        })
    }

    fn call_options(
        idempotency_key: Option<String>,
        max_retries: Option<u32>,
        timeout: Option<&Bound<'_, PyAny>>,
        deadline: Option<&Bound<'_, PyAny>>,
        on_duplicate: Option<&str>,
        unsupported_fields: Option<&str>,
    ) -> PyResult<CallOptions> {
        let o = Options::read(
            None,
            timeout,
            deadline,
            max_retries,
            on_duplicate,
            unsupported_fields,
        )?;
        Ok(CallOptions {
            idempotency_key,
            max_retries: o.max_retries,
            timeout: o.timeout,
            deadline: o.deadline,
            on_duplicate: o.on_duplicate,
            unsupported_fields: o.unsupported_fields,
        })
    }
}

#[pymethods]
impl PyCustomerClient {
    #[new]
    #[pyo3(signature = (
        connector, api_key=None, environment=None, *,
        base_url=None, timeout=None, deadline=None, max_retries=None,
        on_duplicate=None, unsupported_fields=None, max_in_flight=Some(DEFAULT_MAX_IN_FLIGHT),
        **credentials
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        connector: &str,
        api_key: Option<String>,
        environment: Option<&Bound<'_, PyAny>>,
        base_url: Option<String>,
        timeout: Option<&Bound<'_, PyAny>>,
        deadline: Option<&Bound<'_, PyAny>>,
        max_retries: Option<u32>,
        on_duplicate: Option<&str>,
        unsupported_fields: Option<&str>,
        max_in_flight: Option<i64>,
        credentials: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let max_in_flight = match max_in_flight {
            Some(n) if n < 0 => return Err(pyo3::exceptions::PyValueError::new_err(
                "max_in_flight must be a positive number of requests, or 0 or None for no bound",
            )),
            n => n.and_then(|n| usize::try_from(n).ok()),
        };
        let connector = parse_connector(py, connector)?;
        let environment = parse_environment(py, environment)?;
        let opts = Options::read(
            base_url,
            timeout,
            deadline,
            max_retries,
            on_duplicate,
            unsupported_fields,
        )?;
        // Keyword credentials are the connector's declared credential fields (`api_key`;
        // `api_login_id` + `transaction_key`; …): `ConnectorConfig::from_map` names any unknown
        // or missing one.
        let mut map = BTreeMap::new();
        if let Some(creds) = credentials {
            for (k, v) in creds.iter() {
                if v.is_none() {
                    continue;
                }
                let key: String = k.extract()?;
                let value: String = v
                    .extract()
                    .map_err(|_| PyTypeError::new_err(format!("credential {key} must be a str")))?;
                map.insert(key, value);
            }
        }
        let declares_api_key = ConnectorConfig::credential_fields(connector)
            .iter()
            .any(|f| f.name == "api_key");
        let config = match api_key {
            Some(key) if declares_api_key || !map.is_empty() => {
                map.insert("api_key".to_owned(), key);
                Some(ConnectorConfig::from_map(connector, &map))
            }
            // A single-secret connector whose field has another name (Shift4's `secret_key`).
            Some(key) => Some(ConnectorConfig::from_api_key(connector, key)),
            None if !map.is_empty() => Some(ConnectorConfig::from_map(connector, &map)),
            None => None,
        }
        .transpose()
        .map_err(|e| to_py_err(py, &e))?;
        Self::build(py, connector, environment, config, opts, max_in_flight)
    }

    /// The connector (`"stripe"`, …).
    #[getter]
    fn connector(&self) -> &'static str {
        self.inner.connector().as_str()
    }

    /// `"SANDBOX"` or `"PRODUCTION"`.
    #[getter]
    fn environment(&self) -> &'static str {
        match self.environment {
            Environment::Sandbox => "SANDBOX",
            Environment::Production => "PRODUCTION",
        }
    }

    /// The base URL requests go to.
    #[getter]
    fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// Starts a create and returns its awaitable (an `asyncio.Future` of the running loop).
    /// `CustomerClient.create` (Python) is the coroutine around it; a request that cannot be
    /// read raises here, before anything is started.
    #[pyo3(signature = (
        request, idempotency_key=None, max_retries=None, timeout=None, deadline=None,
        on_duplicate=None, unsupported_fields=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn _create<'py>(
        &self,
        py: Python<'py>,
        request: &Bound<'py, PyAny>,
        idempotency_key: Option<String>,
        max_retries: Option<u32>,
        timeout: Option<&Bound<'py, PyAny>>,
        deadline: Option<&Bound<'py, PyAny>>,
        on_duplicate: Option<&str>,
        unsupported_fields: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = Self::call_options(
            idempotency_key,
            max_retries,
            timeout,
            deadline,
            on_duplicate,
            unsupported_fields,
        )?;
        let request = self.read_request(py, request)?;
        let client = self.inner.clone();
        bridge::awaitable(py, async move {
            Outcome(client.create_with(request, options).await)
        })
    }

    /// Starts a create whose outcome resolves `future` (an `asyncio.Future` of the loop that
    /// `waker` serves); returns the handle that cancels it. The fast path of
    /// `CustomerClient.create`.
    #[pyo3(signature = (
        waker, future, request, idempotency_key=None, max_retries=None, timeout=None,
        deadline=None, on_duplicate=None, unsupported_fields=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn _start<'py>(
        &self,
        py: Python<'py>,
        waker: &Bound<'py, bridge::Waker>,
        future: Bound<'py, PyAny>,
        request: &Bound<'py, PyAny>,
        idempotency_key: Option<String>,
        max_retries: Option<u32>,
        timeout: Option<&Bound<'py, PyAny>>,
        deadline: Option<&Bound<'py, PyAny>>,
        on_duplicate: Option<&str>,
        unsupported_fields: Option<&str>,
    ) -> PyResult<bridge::CallHandle> {
        let options = Self::call_options(
            idempotency_key,
            max_retries,
            timeout,
            deadline,
            on_duplicate,
            unsupported_fields,
        )?;
        let request = self.read_request(py, request)?;
        let client = self.inner.clone();
        Ok(bridge::start(waker.get(), future.unbind(), async move {
            Outcome(client.create_with(request, options).await)
        }))
    }

    /// `create` for code without an event loop: blocks (with the GIL released) until done.
    /// Ctrl-C interrupts it.
    #[pyo3(signature = (
        request, *, idempotency_key=None, max_retries=None, timeout=None, deadline=None,
        on_duplicate=None, unsupported_fields=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn create_sync<'py>(
        &self,
        py: Python<'py>,
        request: &Bound<'py, PyAny>,
        idempotency_key: Option<String>,
        max_retries: Option<u32>,
        timeout: Option<&Bound<'py, PyAny>>,
        deadline: Option<&Bound<'py, PyAny>>,
        on_duplicate: Option<&str>,
        unsupported_fields: Option<&str>,
    ) -> PyResult<Py<PyCustomerCreateResponse>> {
        let options = Self::call_options(
            idempotency_key,
            max_retries,
            timeout,
            deadline,
            on_duplicate,
            unsupported_fields,
        )?;
        let request = self.read_request(py, request)?;
        let client = self.inner.clone();
        let mut fut = Box::pin(async move { client.create_with(request, options).await });
        let rt = runtime();
        loop {
            // Wait in slices, so that a signal (Ctrl-C) is seen within 100 ms; an exception from
            // a signal handler drops the call.
            let step = py.detach(|| {
                rt.block_on(async {
                    tokio::time::timeout(Duration::from_millis(100), &mut fut).await
                })
            });
            match step {
                Ok(result) => {
                    return match result {
                        Ok(inner) => Py::new(py, PyCustomerCreateResponse { inner }),
                        Err(e) => Err(to_py_err(py, &e)),
                    }
                }
                Err(_) => py.check_signals()?,
            }
        }
    }

    /// Never a credential: the connector, environment and base URL only.
    fn __repr__(&self) -> String {
        format!(
            "CustomerClient(connector={}, environment={}, base_url={})",
            py_repr(self.inner.connector().as_str()),
            py_repr(self.environment()),
            py_repr(self.inner.base_url())
        )
    }
}

/// The connectors compiled into this build.
#[pyfunction]
pub(crate) fn compiled_connectors(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    PyList::new(py, prism::compiled_connectors().iter().map(|c| c.as_str()))
}

/// `(name, secret, required, doc, env_var)` for each credential a connector declares.
#[pyfunction]
pub(crate) fn credential_fields<'py>(
    py: Python<'py>,
    connector: &str,
) -> PyResult<Bound<'py, PyList>> {
    let c = parse_connector(py, connector)?;
    let out = PyList::empty(py);
    for f in ConnectorConfig::credential_fields(c) {
        out.append(PyTuple::new(
            py,
            [
                f.name.into_pyobject(py)?.into_any(),
                f.secret.into_pyobject(py)?.to_owned().into_any(),
                f.required.into_pyobject(py)?.to_owned().into_any(),
                f.doc.into_pyobject(py)?.into_any(),
                f.env_var(c).into_pyobject(py)?.into_any(),
            ],
        )?)?;
    }
    Ok(out)
}
