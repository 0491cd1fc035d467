"""Prism for Python: create customer records at any payment processor, on Prism's Rust core.

.. code-block:: python

    from orchestratorx_prism import CustomerClient

    customer_client = CustomerClient(connector='stripe', api_key='YOUR_API_KEY', environment='SANDBOX')
    response = await customer_client.create({"merchant_customer_id": "cust_user_12345", "email": "john.doe@example.com"})
    response.connector_customer_id      # "cus_…"; also response["connector_customer_id"]

Validation, retries, idempotency, error meanings and scrubbing all happen in Rust, exactly as
in the Rust library. Errors are exceptions by kind (:mod:`orchestratorx_prism.errors`), each
with ``status_code``. ``orchestratorx_prism.sandbox.Sandbox`` runs the embedded emulators of
every processor on loopback for your own tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import List, NamedTuple

from ._client import CustomerClient
from ._native import CustomerCreateResponse, __version__
from ._native import compiled_connectors as _compiled_connectors
from ._native import credential_fields as _credential_fields
from .errors import (
    AlreadyExistsError,
    AuthenticationError,
    ConfigurationError,
    InvalidRequestError,
    PermissionDeniedError,
    PrismError,
    PrismTimeoutError,
    ProcessorError,
    ProcessorUnavailableError,
    RateLimitedError,
    TransportError,
    UnexpectedResponseError,
    UnsupportedError,
)
from .types import Address, CustomerCreateRequest, CustomerStatus, Diagnostics, FieldError

Mapping.register(CustomerCreateResponse)

__all__ = [
    "Address",
    "AlreadyExistsError",
    "AuthenticationError",
    "ConfigurationError",
    "CredentialField",
    "CustomerClient",
    "CustomerCreateRequest",
    "CustomerCreateResponse",
    "CustomerStatus",
    "Diagnostics",
    "FieldError",
    "InvalidRequestError",
    "PermissionDeniedError",
    "PrismError",
    "PrismTimeoutError",
    "ProcessorError",
    "ProcessorUnavailableError",
    "RateLimitedError",
    "TransportError",
    "UnexpectedResponseError",
    "UnsupportedError",
    "__version__",
    "connectors",
    "credential_fields",
]


class CredentialField(NamedTuple):
    """One credential a connector declares: its keyword (``api_key``, ``api_login_id``, …),
    whether it is a secret, whether it is required, what it is, and its environment variable."""

    name: str
    secret: bool
    required: bool
    doc: str
    env_var: str


def connectors() -> List[str]:
    """The connectors this build can create customers at (``["stripe", "authorizedotnet", …]``)."""
    return list(_compiled_connectors())


def credential_fields(connector: str) -> List[CredentialField]:
    """The keyword credentials ``CustomerClient(connector=…, …)`` takes for ``connector``, as the
    connector declares them in Rust."""
    return [CredentialField(*f) for f in _credential_fields(connector)]
