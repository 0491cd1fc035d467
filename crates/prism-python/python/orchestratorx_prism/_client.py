"""``CustomerClient``: the product page's client. The work is done by the compiled base class;
this adds the coroutine ``create`` (so ``asyncio.create_task(client.create(…))`` works)."""

from __future__ import annotations

import asyncio
import weakref
from datetime import timedelta
from typing import Any, Literal, Mapping, Optional, Union

from ._native import CustomerCreateResponse, NativeCustomerClient, Waker

Seconds = Union[float, int, timedelta]
OnDuplicate = Literal["error", "return_existing"]
UnsupportedFields = Literal["reject", "ignore"]

# One completion queue per event loop, watched by the loop itself (`add_reader`): finished calls
# resolve their futures in batches on the loop's thread, and no runtime thread takes the GIL.
# Loops that cannot watch a descriptor (Windows' proactor, some third-party loops) use
# pyo3-async-runtimes' bridge instead (`_create`).
_wakers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Optional[Waker]]" = weakref.WeakKeyDictionary()


def _new_waker(loop: asyncio.AbstractEventLoop) -> Optional[Waker]:
    waker: Optional[Waker]
    try:
        waker = Waker()
        loop.add_reader(waker.fileno(), waker.drain)
    except (NotImplementedError, OSError, AttributeError):
        waker = None
    _wakers[loop] = waker
    return waker


class CustomerClient(NativeCustomerClient):
    """Creates customer records at one processor account.

    ``CustomerClient(connector='stripe', api_key='sk_test_…', environment='SANDBOX')``.
    Processors with several credentials take them as keywords named like their environment
    variables (``CustomerClient(connector='authorizedotnet', api_login_id=…, transaction_key=…)``;
    see :func:`orchestratorx_prism.credential_fields`). With no credential at all, they are read
    from ``PRISM_<CONNECTOR>_<FIELD>``. Options: ``base_url`` (``PRISM_<CONNECTOR>_BASE_URL`` when
    not given), ``timeout`` (per attempt, default 30 s), ``deadline`` (whole call, default 80 s),
    ``max_retries`` (default 2), ``on_duplicate`` (``'error'`` or ``'return_existing'``),
    ``unsupported_fields`` (``'reject'`` or ``'ignore'``), ``max_in_flight`` (requests in flight at
    once, default 100 as httpx's and aiohttp's connection limit; further calls wait for a slot
    within their timeout and deadline, and one that gets none in time raises
    :class:`~orchestratorx_prism.PrismTimeoutError` with nothing sent; ``None`` or ``0``: no bound).

    Share one client: it holds one connection pool and is safe to use from many tasks and
    threads. Nothing is sent when it is built.
    """

    __slots__ = ()

    @classmethod
    def from_env(
        cls,
        connector: str,
        environment: str = "SANDBOX",
        *,
        base_url: Optional[str] = None,
        timeout: Optional[Seconds] = None,
        deadline: Optional[Seconds] = None,
        max_retries: Optional[int] = None,
        on_duplicate: Optional[OnDuplicate] = None,
        unsupported_fields: Optional[UnsupportedFields] = None,
        max_in_flight: Optional[int] = 100,
    ) -> "CustomerClient":
        """A client whose credentials come from ``PRISM_<CONNECTOR>_<FIELD>`` (and base URL from
        ``PRISM_<CONNECTOR>_BASE_URL`` when set)."""
        return cls(
            connector,
            None,
            environment,
            base_url=base_url,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            on_duplicate=on_duplicate,
            unsupported_fields=unsupported_fields,
            max_in_flight=max_in_flight,
        )

    async def create(
        self,
        request: Mapping[str, Any],
        *,
        idempotency_key: Optional[str] = None,
        max_retries: Optional[int] = None,
        timeout: Optional[Seconds] = None,
        deadline: Optional[Seconds] = None,
        on_duplicate: Optional[OnDuplicate] = None,
        unsupported_fields: Optional[UnsupportedFields] = None,
    ) -> CustomerCreateResponse:
        """Creates a customer from the product page's request dict.

        Raises :class:`~orchestratorx_prism.InvalidRequestError` (422, every field listed,
        nothing sent) for bad input or unknown keys, and the other
        :class:`~orchestratorx_prism.PrismError` subclasses by meaning. Cancelling the task
        cancels the call; the client stays usable.
        """
        loop = asyncio.get_running_loop()
        try:
            waker = _wakers[loop]
        except KeyError:
            waker = _new_waker(loop)
        except TypeError:  # a loop that takes no weak reference
            waker = None
        if waker is None:
            return await self._create(
                request, idempotency_key, max_retries, timeout, deadline, on_duplicate, unsupported_fields
            )
        future: "asyncio.Future[CustomerCreateResponse]" = loop.create_future()
        call = self._start(
            waker, future, request, idempotency_key, max_retries, timeout, deadline, on_duplicate, unsupported_fields
        )
        try:
            return await future
        except asyncio.CancelledError:
            call.cancel()
            raise
