"""Typed shapes of Prism's requests, responses and diagnostics."""

from __future__ import annotations

import enum
from typing import Dict, List, Optional, TypedDict

__all__ = [
    "Address",
    "CustomerCreateRequest",
    "CustomerStatus",
    "Diagnostics",
    "FieldError",
]


class CustomerStatus(str, enum.Enum):
    """The state of a customer record at the processor."""

    ACTIVE = "ACTIVE"

    def __str__(self) -> str:
        return self.value


class Address(TypedDict, total=False):
    """A postal address; ``country`` is an ISO 3166-1 alpha-2 code (``"US"``)."""

    line1: str
    line2: str
    city: str
    state: str
    postal_code: str
    country: str


class _RequestRequired(TypedDict):
    merchant_customer_id: str


class CustomerCreateRequest(_RequestRequired, total=False):
    """The product page's request. Any other key is rejected with ``InvalidRequestError``."""

    email: str
    name: str
    phone: str
    description: str
    metadata: Dict[str, str]
    address: Address


class FieldError(TypedDict):
    """One request field that breaks a rule (never its value)."""

    field: str
    rule: str
    message: str


class Diagnostics(TypedDict):
    """How a call went."""

    request_id: Optional[str]
    idempotency_key: Optional[str]
    attempts: int
    replayed: bool
    lost_answer: bool
    elapsed: float
    unstored_fields: List[str]
