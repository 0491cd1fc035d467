"""``CustomerClient``: the product page's client. The work is done by the compiled base class;
this adds the coroutine ``create`` (so ``asyncio.create_task(client.create(…))`` works)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal, Mapping, Optional, Union

from ._native import CustomerCreateResponse, NativeCustomerClient

Seconds = Union[float, int, timedelta]
OnDuplicate = Literal["error", "return_existing"]
UnsupportedFields = Literal["reject", "ignore"]


class CustomerClient(NativeCustomerClient):
    """Creates customer records at one processor account.

    ``CustomerClient(connector='stripe', api_key='sk_test_…', environment='SANDBOX')``.
    Processors with several credentials take them as keywords named like their environment
    variables (``CustomerClient(connector='authorizedotnet', api_login_id=…, transaction_key=…)``;
    see :func:`orchestratorx_prism.credential_fields`). With no credential at all, they are read
    from ``PRISM_<CONNECTOR>_<FIELD>``. Options: ``base_url`` (``PRISM_<CONNECTOR>_BASE_URL`` when
    not given), ``timeout`` (per attempt, default 30 s), ``deadline`` (whole call, default 80 s),
    ``max_retries`` (default 2), ``on_duplicate`` (``'error'`` or ``'return_existing'``),
    ``unsupported_fields`` (``'reject'`` or ``'ignore'``).

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
        return await self._create(
            request, idempotency_key, max_retries, timeout, deadline, on_duplicate, unsupported_fields
        )
