"""Prism's exceptions: one base, :class:`PrismError`, and one subclass per error kind.

Catch by meaning (``except AlreadyExistsError``) or by attribute (``e.status_code == 409``).
Every text an exception carries was scrubbed by Prism's Rust core: no credential and no
personal value of the request is ever in ``str(e)`` or ``repr(e)``.
"""

from __future__ import annotations

import builtins
from typing import Any, Dict, List, Optional, Tuple

from .types import Diagnostics, FieldError

__all__ = [
    "PrismError",
    "InvalidRequestError",
    "AlreadyExistsError",
    "AuthenticationError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ProcessorError",
    "ProcessorUnavailableError",
    "PrismTimeoutError",
    "TransportError",
    "UnexpectedResponseError",
    "UnsupportedError",
    "ConfigurationError",
]


class PrismError(Exception):
    """Base of every Prism error.

    Attributes mirror ``prism::Error`` in Rust: ``kind`` (``"invalid_request"``, …),
    ``status_code`` (SPEC §2: 422, 409, 401, 403, 429, the processor's 4xx, 502/503, 504, 501;
    ``None`` for configuration errors), ``http_status`` (what the processor itself answered),
    ``connector``, ``connector_code``, ``connector_message`` (the processor's words, scrubbed),
    ``request_id``, ``retryable``, ``outcome_unknown`` (the request may have been applied and no
    answer came back), ``field_errors`` (``[{"field", "rule", "message"}]``),
    ``existing_customer_id`` (for :class:`AlreadyExistsError`), ``retry_after`` (seconds) and
    ``diagnostics``.
    """

    kind: str = "unknown"
    status_code: Optional[int]
    http_status: Optional[int]
    connector: Optional[str]
    connector_code: Optional[str]
    connector_message: Optional[str]
    request_id: Optional[str]
    retryable: bool
    outcome_unknown: bool
    field_errors: List[FieldError]
    existing_customer_id: Optional[str]
    retry_after: Optional[float]
    diagnostics: Optional[Diagnostics]

    def __init__(
        self,
        message: str,
        *,
        kind: Optional[str] = None,
        status_code: Optional[int] = None,
        http_status: Optional[int] = None,
        connector: Optional[str] = None,
        connector_code: Optional[str] = None,
        connector_message: Optional[str] = None,
        request_id: Optional[str] = None,
        retryable: bool = False,
        outcome_unknown: bool = False,
        field_errors: Optional[List[FieldError]] = None,
        existing_customer_id: Optional[str] = None,
        retry_after: Optional[float] = None,
        diagnostics: Optional[Diagnostics] = None,
    ) -> None:
        super().__init__(message)
        if kind is not None:
            self.kind = kind
        self.message = message
        self.status_code = status_code
        self.http_status = http_status
        self.connector = connector
        self.connector_code = connector_code
        self.connector_message = connector_message
        self.request_id = request_id
        self.retryable = retryable
        self.outcome_unknown = outcome_unknown
        self.field_errors = list(field_errors or [])
        self.existing_customer_id = existing_customer_id
        self.retry_after = retry_after
        self.diagnostics = diagnostics

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        parts = [repr(self.message), f"kind={self.kind!r}", f"status_code={self.status_code!r}"]
        for name in ("connector", "connector_code", "request_id", "existing_customer_id"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value!r}")
        if self.outcome_unknown:
            parts.append("outcome_unknown=True")
        return f"{type(self).__name__}({', '.join(parts)})"

    def __reduce__(self) -> Tuple[Any, ...]:
        state: Dict[str, Any] = dict(self.__dict__)
        return (_rebuild, (type(self), self.message, state))


def _rebuild(cls: "type[PrismError]", message: str, state: Dict[str, Any]) -> PrismError:
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err


class InvalidRequestError(PrismError):
    """422: a rule of the request fails (every field listed in ``field_errors``; nothing was
    sent), or the processor rejected the data."""

    kind = "invalid_request"


class AlreadyExistsError(PrismError):
    """409: this account already has a customer for this ``merchant_customer_id``
    (``existing_customer_id`` when known)."""

    kind = "already_exists"


class AuthenticationError(PrismError):
    """401: bad or missing credentials."""

    kind = "authentication"


class PermissionDeniedError(PrismError):
    """403: valid credentials that are not allowed to do this."""

    kind = "permission_denied"


class RateLimitedError(PrismError):
    """429: throttled after retries (``retry_after`` when the processor said)."""

    kind = "rate_limited"


class ProcessorError(PrismError):
    """The processor's 4xx: any other rejection, with its code and message."""

    kind = "processor_error"


class ProcessorUnavailableError(PrismError):
    """502/503: the processor failed (5xx) after retries."""

    kind = "processor_unavailable"


class PrismTimeoutError(PrismError, builtins.TimeoutError):
    """504: the deadline passed (see ``outcome_unknown``). Also a builtin :class:`TimeoutError`."""

    kind = "timeout"


class TransportError(PrismError):
    """502: a connection failure (``outcome_unknown`` when the request had been sent)."""

    kind = "transport"


class UnexpectedResponseError(PrismError):
    """502: a 2xx answer whose body could not be understood."""

    kind = "unexpected_response"


class UnsupportedError(PrismError):
    """501: the processor has no such operation, or its connector is not compiled in."""

    kind = "unsupported"


class ConfigurationError(PrismError):
    """Bad setup: unknown connector or environment, missing or unknown credential, bad base URL,
    a live key with SANDBOX or a test key with PRODUCTION."""

    kind = "configuration"
