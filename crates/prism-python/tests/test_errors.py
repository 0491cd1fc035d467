"""Every exception class, reached through the sandbox (faults, keys) or the setup, with its
status code; and no credential or personal value in any str()/repr()."""

from __future__ import annotations

import builtins
import pickle
from typing import Any, Callable

import pytest

import orchestratorx_prism as prism
from orchestratorx_prism import CustomerClient, PrismError
from orchestratorx_prism.sandbox import Sandbox

from conftest import PAGE_REQUEST, assert_no_leak

SANDBOX_KEY = Sandbox.credentials("stripe")["api_key"]


def client_with_key(sandbox: Sandbox, key: str, **options: Any) -> CustomerClient:
    return CustomerClient(connector="stripe", api_key=key, base_url=sandbox.base_url("stripe"), max_retries=0, **options)


async def raised(call: Any) -> PrismError:
    with pytest.raises(PrismError) as caught:
        await call
    return caught.value


def check(e: PrismError, cls: type, status: int | None, secrets: list[str] | None = None) -> None:
    assert type(e) is cls, repr(e)
    assert isinstance(e, PrismError) and e.status_code == status
    assert e.kind == cls.kind
    assert_no_leak(str(e) + repr(e) + repr(e.connector_message) + repr(e.diagnostics), [SANDBOX_KEY] + (secrets or []))
    # An exception survives pickling (multiprocessing, task queues) with its attributes.
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is cls and back.status_code == e.status_code and str(back) == str(e)


@pytest.mark.asyncio
async def test_authentication_error(sandbox: Sandbox) -> None:
    bad_key = "sk_test_not_the_sandbox_key_51HxYz"
    e = await raised(client_with_key(sandbox, bad_key).create(PAGE_REQUEST))
    check(e, prism.AuthenticationError, 401, [bad_key, bad_key[-8:]])
    assert e.connector == "stripe" and not e.retryable


@pytest.mark.asyncio
async def test_permission_denied_error(sandbox: Sandbox) -> None:
    e = await raised(client_with_key(sandbox, "rk_test_prism_sandbox_readonly").create(PAGE_REQUEST))
    check(e, prism.PermissionDeniedError, 403, ["rk_test_prism_sandbox_readonly"])


@pytest.mark.asyncio
async def test_rate_limited_error(sandbox: Sandbox, stripe: CustomerClient) -> None:
    sandbox.push_fault("429=7", "stripe")
    e = await raised(stripe.create(PAGE_REQUEST))
    check(e, prism.RateLimitedError, 429)
    assert e.retry_after == 7.0 and e.retryable
    assert sandbox.count_by_reference("stripe", "cust_user_12345") == 0


@pytest.mark.asyncio
async def test_processor_error(sandbox: Sandbox, stripe: CustomerClient) -> None:
    sandbox.push_fault("404", "stripe")
    e = await raised(stripe.create(PAGE_REQUEST))
    check(e, prism.ProcessorError, 404)
    assert e.connector_code == "resource_missing" and e.http_status == 404
    assert e.request_id is not None and e.request_id.startswith("req_")


@pytest.mark.asyncio
async def test_processor_unavailable_error(sandbox: Sandbox, stripe: CustomerClient) -> None:
    sandbox.push_fault("503", "stripe")
    e = await raised(stripe.create(PAGE_REQUEST))
    check(e, prism.ProcessorUnavailableError, 503)
    assert e.outcome_unknown and e.retryable


@pytest.mark.asyncio
async def test_a_5xx_is_retried_with_the_same_key_and_succeeds(sandbox: Sandbox) -> None:
    client = CustomerClient(connector="stripe", base_url=sandbox.base_url("stripe"), max_retries=2, **sandbox.credentials("stripe"))
    sandbox.push_fault("503", "stripe")
    r = await client.create(PAGE_REQUEST)
    assert r.diagnostics["attempts"] == 2


@pytest.mark.asyncio
async def test_timeout_error_is_also_a_builtin_timeout_error(sandbox: Sandbox, stripe: CustomerClient) -> None:
    sandbox.push_fault("latency=2s", "stripe")
    with pytest.raises(builtins.TimeoutError) as caught:
        await stripe.create(PAGE_REQUEST, timeout=0.2, deadline=0.3)
    e = caught.value
    assert isinstance(e, PrismError)
    check(e, prism.PrismTimeoutError, 504)
    assert e.outcome_unknown


@pytest.mark.asyncio
async def test_transport_error(sandbox: Sandbox, stripe: CustomerClient) -> None:
    sandbox.push_fault("reset-before", "stripe")
    e = await raised(stripe.create(PAGE_REQUEST))
    check(e, prism.TransportError, 502)
    assert e.outcome_unknown  # the request had been sent
    # Nothing listening at all: refused before anything was sent.
    closed = CustomerClient(connector="stripe", api_key=SANDBOX_KEY, base_url="http://127.0.0.1:9/stripe", max_retries=0)
    e = await raised(closed.create(PAGE_REQUEST))
    check(e, prism.TransportError, 502)
    assert not e.outcome_unknown


@pytest.mark.asyncio
async def test_unexpected_response_error(sandbox: Sandbox, stripe: CustomerClient) -> None:
    # Stripe's search lags writes: the lookup cannot settle the unreadable answer.
    sandbox.set_search_lag(3600)
    sandbox.push_fault("malformed-json", "stripe")
    e = await raised(stripe.create(PAGE_REQUEST))
    check(e, prism.UnexpectedResponseError, 502)
    assert e.outcome_unknown


def test_unsupported_error() -> None:
    with pytest.raises(prism.UnsupportedError) as caught:
        CustomerClient(connector="adyen", api_key="AQE_adyen_secret_key")
    check(caught.value, prism.UnsupportedError, 501, ["AQE_adyen_secret_key"])
    assert "shopperReference" in str(caught.value)


@pytest.mark.parametrize(
    "build",
    [
        # an unknown connector
        lambda url: CustomerClient(connector="stripey", api_key=SANDBOX_KEY),
        # an unknown environment
        lambda url: CustomerClient(connector="stripe", api_key=SANDBOX_KEY, environment="STAGING"),
        # a live key in SANDBOX
        lambda url: CustomerClient(connector="stripe", api_key="sk_live_51SECRETSECRET", environment="SANDBOX"),
        # a test key in PRODUCTION
        lambda url: CustomerClient(connector="stripe", api_key=SANDBOX_KEY, environment="PRODUCTION"),
        # plain http outside loopback
        lambda url: CustomerClient(connector="stripe", api_key=SANDBOX_KEY, base_url="http://example.com"),
        # a credential the connector does not declare
        lambda url: CustomerClient(connector="stripe", api_key=SANDBOX_KEY, api_secret="x"),
        # a missing credential of a multi-field connector
        lambda url: CustomerClient(connector="authorizedotnet", api_login_id="login_only"),
    ],
    ids=["connector", "environment", "live-key", "test-key-in-production", "http", "unknown-credential", "missing-credential"],
)
def test_configuration_error(sandbox: Sandbox, build: Callable[[str], CustomerClient]) -> None:
    with pytest.raises(prism.ConfigurationError) as caught:
        build(sandbox.base_url("stripe"))
    check(caught.value, prism.ConfigurationError, None, ["sk_live_51SECRETSECRET"])


def test_unknown_credentials_are_named() -> None:
    with pytest.raises(prism.ConfigurationError) as caught:
        CustomerClient(connector="authorizedotnet", api_login_id="a", transaction_key="b", transacton_key="c")
    assert "transacton_key" in str(caught.value)
    assert "transaction_key" in str(caught.value)  # the accepted names are listed


def test_every_kind_has_its_class() -> None:
    kinds = {
        "invalid_request": prism.InvalidRequestError,
        "already_exists": prism.AlreadyExistsError,
        "authentication": prism.AuthenticationError,
        "permission_denied": prism.PermissionDeniedError,
        "rate_limited": prism.RateLimitedError,
        "processor_error": prism.ProcessorError,
        "processor_unavailable": prism.ProcessorUnavailableError,
        "timeout": prism.PrismTimeoutError,
        "transport": prism.TransportError,
        "unexpected_response": prism.UnexpectedResponseError,
        "unsupported": prism.UnsupportedError,
        "configuration": prism.ConfigurationError,
    }
    for kind, cls in kinds.items():
        assert cls.kind == kind and issubclass(cls, PrismError)


@pytest.mark.asyncio
async def test_nothing_personal_or_secret_in_any_text(sandbox: Sandbox) -> None:
    key = SANDBOX_KEY
    client = CustomerClient(connector="stripe", api_key=key, base_url=sandbox.base_url("stripe"), max_retries=0)
    texts = [str(client), repr(client)]
    response = await client.create(PAGE_REQUEST)
    texts += [str(response), repr(response), repr(dict(response))]
    # Stripe's search lags writes: unknown outcomes stay unknown (and errors).
    sandbox.set_search_lag(3600)
    for fault in ["400", "404", "503", "html", "empty", "truncated", "reset-after"]:
        sandbox.push_fault(fault, "stripe")
        with pytest.raises(PrismError) as caught:
            await client.create({**PAGE_REQUEST, "merchant_customer_id": f"cust_{fault}"})
        e = caught.value
        texts += [str(e), repr(e), repr(e.__dict__)]
    with pytest.raises(PrismError) as caught:
        await client.create(PAGE_REQUEST)  # a duplicate
    texts += [str(caught.value), repr(caught.value), repr(caught.value.__dict__)]
    texts += [repr(sandbox)]
    assert_no_leak("\n".join(texts), [key])
