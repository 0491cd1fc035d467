"""Shared fixtures: a fresh embedded sandbox per test (127.0.0.1 only)."""

from __future__ import annotations

from typing import Iterator

import pytest

from orchestratorx_prism import CustomerClient
from orchestratorx_prism.sandbox import Sandbox

# The product page's request.
PAGE_REQUEST = {
    "merchant_customer_id": "cust_user_12345",
    "email": "john.doe@example.com",
    "name": "John Doe",
    "phone": "+1-555-123-4567",
    "description": "Premium plan subscriber",
}

# Values that must never appear in any str()/repr() Prism produces.
PERSONAL_VALUES = ["john.doe@example.com", "John Doe", "555-123-4567", "Premium plan subscriber"]


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        yield sb


@pytest.fixture
def stripe(sandbox: Sandbox) -> CustomerClient:
    """A Stripe client on the sandbox that does not retry (faults surface at once)."""
    return CustomerClient(
        connector="stripe",
        base_url=sandbox.base_url("stripe"),
        max_retries=0,
        **sandbox.credentials("stripe"),
    )


def assert_no_leak(text: str, secrets: list[str]) -> None:
    for s in PERSONAL_VALUES + secrets:
        assert s not in text, f"{s!r} leaked into {text!r}"
