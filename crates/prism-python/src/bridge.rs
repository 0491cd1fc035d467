//! Rust futures → Python awaitables, on the one shared tokio runtime.
//!
//! Two ways, one result:
//!
//! - [`Waker`] (Unix event loops with `add_reader`, the default): `CustomerClient.create` makes
//!   an `asyncio.Future` on its loop and hands it to [`start`]; the call runs on the tokio
//!   runtime without the GIL; when it ends, its outcome is queued on the loop's `Waker` and one
//!   byte is written to a socket pair the loop watches, only when the queue was empty. The loop
//!   then calls [`Waker::drain`], which turns every finished outcome into a response or an
//!   exception and resolves its future, all on the loop's thread. No tokio thread ever takes
//!   the GIL, and a burst of completions costs one wake-up of the loop.
//! - [`awaitable`] (any other loop): `pyo3_async_runtimes::tokio::future_into_py`.
//!
//! Cancelling the Python side aborts the tokio task (the call is dropped; the client stays
//! usable).

use std::future::Future;
use std::sync::{Arc, Mutex};

use prism::{CustomerCreateResponse, Error};
use pyo3::prelude::*;
use tokio::task::AbortHandle;

use crate::errors::to_py_err;
use crate::response::PyCustomerCreateResponse;
use crate::runtime;

/// What a create ends with; turned into a Python object (or exception) with the GIL held, on
/// the event loop's side.
pub(crate) struct Outcome(pub(crate) Result<CustomerCreateResponse, Error>);

impl Outcome {
    /// The response object, or the exception instance to raise.
    fn into_result(self, py: Python<'_>) -> Result<Bound<'_, PyAny>, PyErr> {
        match self.0 {
            Ok(inner) => Ok(Bound::new(py, PyCustomerCreateResponse { inner })?.into_any()),
            Err(e) => Err(to_py_err(py, &e)),
        }
    }
}

impl<'py> IntoPyObject<'py> for Outcome {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
        self.into_result(py)
    }
}

/// An awaitable for `fut` through `pyo3-async-runtimes` (loops without `add_reader`).
pub(crate) fn awaitable<'py, F>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Outcome> + Send + 'static,
{
    pyo3_async_runtimes::tokio::future_into_py(py, async move { Ok(fut.await) })
}

#[cfg(unix)]
type Pipe = std::os::unix::net::UnixStream;

struct Queue {
    done: Vec<(Py<PyAny>, Outcome)>,
    /// A wake-up byte is on its way (or unread): no need for another.
    armed: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    #[cfg(unix)]
    writer: Pipe,
}

impl Shared {
    fn complete(&self, future: Py<PyAny>, outcome: Outcome) {
        let wake = {
            let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            q.done.push((future, outcome));
            !std::mem::replace(&mut q.armed, true)
        };
        if wake {
            #[cfg(unix)]
            {
                use std::io::Write;
                // Non-blocking: a full socket already holds an unread wake-up.
                let _ = (&self.writer).write(&[1]);
            }
        }
    }
}

/// One event loop's completion queue; the loop watches [`Waker::fileno`] and calls
/// [`Waker::drain`].
#[pyclass(frozen, module = "orchestratorx_prism._native", name = "Waker")]
pub(crate) struct Waker {
    shared: Arc<Shared>,
    #[cfg(unix)]
    reader: Pipe,
}

/// The running call of [`start`]: `cancel()` aborts it.
#[pyclass(frozen, module = "orchestratorx_prism._native", name = "CallHandle")]
pub(crate) struct CallHandle {
    abort: AbortHandle,
}

#[pymethods]
impl CallHandle {
    /// Drops the call (its HTTP request included).
    fn cancel(&self) {
        self.abort.abort();
    }
}

#[pymethods]
impl Waker {
    #[new]
    fn new() -> PyResult<Self> {
        #[cfg(unix)]
        {
            let (reader, writer) = Pipe::pair()?;
            reader.set_nonblocking(true)?;
            writer.set_nonblocking(true)?;
            Ok(Self {
                shared: Arc::new(Shared {
                    queue: Mutex::new(Queue {
                        done: Vec::new(),
                        armed: false,
                    }),
                    writer,
                }),
                reader,
            })
        }
        #[cfg(not(unix))]
        {
            Err(pyo3::exceptions::PyNotImplementedError::new_err(
                "no socket pair on this platform",
            ))
        }
    }

    /// The descriptor the event loop watches (`loop.add_reader(waker.fileno(), waker.drain)`).
    fn fileno(&self) -> i64 {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            i64::from(self.reader.as_raw_fd())
        }
        #[cfg(not(unix))]
        {
            -1
        }
    }

    /// Resolves the future of every finished call (on the loop's thread).
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        #[cfg(unix)]
        {
            use std::io::Read;
            // Read the wake-ups first, then take the queue: a call finishing after the take
            // sees `armed == false` and writes a new wake-up.
            let mut buf = [0u8; 64];
            while let Ok(n) = (&self.reader).read(&mut buf) {
                if n < buf.len() {
                    break;
                }
            }
        }
        let done = {
            let mut q = self.shared.queue.lock().unwrap_or_else(|p| p.into_inner());
            q.armed = false;
            std::mem::take(&mut q.done)
        };
        for (future, outcome) in done {
            let future = future.bind(py);
            // A cancelled (or otherwise finished) future takes no result.
            if future
                .call_method0(pyo3::intern!(py, "done"))?
                .is_truthy()?
            {
                continue;
            }
            let delivered = match outcome.into_result(py) {
                Ok(value) => future.call_method1(pyo3::intern!(py, "set_result"), (value,)),
                Err(err) => {
                    future.call_method1(pyo3::intern!(py, "set_exception"), (err.into_value(py),))
                }
            };
            if let Err(e) = delivered {
                e.write_unraisable(py, Some(future));
            }
        }
        Ok(())
    }
}

/// Runs `fut` on the shared runtime; its outcome resolves `future` through `waker`.
pub(crate) fn start<F>(waker: &Waker, future: Py<PyAny>, fut: F) -> CallHandle
where
    F: Future<Output = Outcome> + Send + 'static,
{
    let shared = Arc::clone(&waker.shared);
    let task = runtime().spawn(async move {
        let outcome = fut.await;
        shared.complete(future, outcome);
    });
    CallHandle {
        abort: task.abort_handle(),
    }
}
