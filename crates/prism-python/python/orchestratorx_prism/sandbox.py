"""The embedded sandbox: Prism's emulators of every implemented processor, on 127.0.0.1.

.. code-block:: python

    from orchestratorx_prism import CustomerClient
    from orchestratorx_prism.sandbox import Sandbox

    async with Sandbox() as sb:
        client = CustomerClient(connector='stripe', base_url=sb.base_url('stripe'), **sb.credentials('stripe'))
        response = await client.create({"merchant_customer_id": "cust_1"})

The same emulators as the Rust test suites (auth checks, validation and error bodies, id
formats, duplicate and idempotency behaviour), with scriptable faults
(:meth:`Sandbox.push_fault`). Nothing leaves the machine.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Dict, List, Optional, Type, TypedDict

from ._native import SandboxServer

__all__ = ["Sandbox", "StoredCustomer"]


class StoredCustomer(TypedDict):
    """A customer as an emulator stored it."""

    id: str
    merchant_customer_id: Optional[str]


class Sandbox:
    """A sandbox server; started by ``async with`` / ``with`` (or :meth:`start`), stopped on exit
    (or :meth:`close`)."""

    def __init__(self, port: int = 0) -> None:
        self._port = port
        self._server: Optional[SandboxServer] = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> "Sandbox":
        """Starts the server (a no-op when running)."""
        if self._server is None or self._server.closed:
            self._server = SandboxServer(self._port)
        return self

    def close(self) -> None:
        """Stops the server and closes every connection."""
        if self._server is not None:
            self._server.close()

    async def __aenter__(self) -> "Sandbox":
        return self.start()

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    @property
    def _running(self) -> SandboxServer:
        if self._server is None or self._server.closed:
            raise RuntimeError("the sandbox is not running: use `async with Sandbox() as sb` or sb.start()")
        return self._server

    # -- addresses and credentials ---------------------------------------------------------

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return self._running.root_url

    def base_url(self, connector: str) -> str:
        """The base URL of ``connector``'s emulator: pass it as ``CustomerClient(base_url=…)``."""
        return self._running.base_url(connector)

    @staticmethod
    def connectors() -> List[str]:
        """The connectors that have an emulator."""
        return list(SandboxServer.connectors())

    @staticmethod
    def credentials(connector: str) -> Dict[str, Any]:
        """The keyword credentials the emulator accepts (``{"api_key": "sk_test_prism_sandbox"}``):
        ``CustomerClient(connector=c, **Sandbox.credentials(c), base_url=…)``. (Typed
        ``Dict[str, Any]`` so that ``**`` unpacking type-checks beside the typed options; the
        values are ``str``.)"""
        return dict(SandboxServer.credentials(connector))

    def environ(self, connector: str) -> Dict[str, str]:
        """``PRISM_<CONNECTOR>_<FIELD>`` and ``PRISM_<CONNECTOR>_BASE_URL`` for this sandbox: put them in
        ``os.environ`` and unchanged code talks to the sandbox."""
        return dict(self._running.environ(connector))

    # -- faults ----------------------------------------------------------------------------

    def push_fault(self, spec: str, connector: Optional[str] = None) -> None:
        """Queues one-shot faults for the next create requests to ``connector`` (or any):
        ``"500"``, ``"503"``, ``"429"``, ``"429=2"`` (Retry-After), ``"latency=200ms"``,
        ``"reset-before"``, ``"reset-after"``, ``"truncated"``, ``"malformed-json"``, ``"html"``,
        ``"empty"``; several separated by commas."""
        self._running.push_fault(spec, connector)

    def set_faults(self, spec: str, connector: Optional[str] = None, seed: int = 0) -> None:
        """A seeded random mix, e.g. ``"500:0.05,reset-after:0.02"``."""
        self._running.set_faults(spec, connector, seed)

    def clear_faults(self) -> None:
        """Removes every queued fault and random mix."""
        self._running.clear_faults()

    def set_search_lag(self, seconds: float) -> None:
        """Models Stripe's eventually consistent search: customers stored less than ``seconds``
        ago are not found by it, so a lost answer stays an unknown outcome (0: the default)."""
        self._running.set_search_lag(seconds)

    @property
    def pending_faults(self) -> int:
        """How many one-shot faults are still queued."""
        return self._running.pending_faults()

    # -- what the emulators saw ------------------------------------------------------------

    def customers(self, connector: str) -> List[StoredCustomer]:
        """What ``connector``'s emulator stored, oldest first."""
        return [
            StoredCustomer(id=c["id"], merchant_customer_id=c["merchant_customer_id"])
            for c in self._running.customers(connector)
        ]

    def count_by_reference(self, connector: str, merchant_customer_id: str) -> int:
        """How many stored customers of ``connector`` carry this merchant reference."""
        return self._running.count_by_reference(connector, merchant_customer_id)

    def requests_seen(self, connector: str) -> int:
        """Requests that reached ``connector``'s emulator, faulted ones included."""
        return self._running.requests_seen(connector)

    def __repr__(self) -> str:
        if self._server is None or self._server.closed:
            return "Sandbox(closed)"
        return f"Sandbox(root_url={self._server.root_url!r})"
