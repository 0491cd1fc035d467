"""The client: connectors, credentials, options, concurrency, cancellation, the GIL, sync use."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta

import pytest

import orchestratorx_prism as prism
from orchestratorx_prism import CustomerClient
from orchestratorx_prism.sandbox import Sandbox

from conftest import PAGE_REQUEST


def test_the_sandbox_emulates_every_compiled_connector() -> None:
    assert sorted(Sandbox.connectors()) == sorted(prism.connectors())
    assert len(prism.connectors()) >= 6


@pytest.mark.asyncio
@pytest.mark.parametrize("connector", sorted(Sandbox.connectors()))
async def test_every_implemented_connector_once(sandbox: Sandbox, connector: str) -> None:
    creds = Sandbox.credentials(connector)
    # Keyword credentials are the connector's declared fields, taken from Rust.
    declared = prism.credential_fields(connector)
    assert {f.name for f in declared if f.required} <= set(creds) <= {f.name for f in declared}
    base_url = sandbox.base_url(connector)
    # Some processors require a name (Xendit), others cannot store one (Shift4): sent, and
    # left out where there is no place for it.
    client = CustomerClient(connector=connector, environment="SANDBOX", base_url=base_url, unsupported_fields="ignore", **creds)
    assert client.connector == connector
    reference = f"c_{connector[:8]}_1"
    response = await client.create({"merchant_customer_id": reference, "email": "jane.roe@example.com", "name": "Jane Roe"})
    assert response.merchant_customer_id == reference
    assert response.connector_customer_id and response.connector == connector
    assert response.status == "ACTIVE" and 200 <= response.status_code < 300
    assert sandbox.count_by_reference(connector, reference) == 1


def test_credential_fields_come_from_the_connectors() -> None:
    fields = {f.name: f for f in prism.credential_fields("authorizedotnet")}
    assert set(fields) == {"api_login_id", "transaction_key"}
    assert fields["transaction_key"].secret and fields["transaction_key"].env_var == "PRISM_AUTHORIZEDOTNET_TRANSACTION_KEY"
    assert [f.name for f in prism.credential_fields("stripe")] == ["api_key"]


@pytest.mark.asyncio
async def test_keyword_credentials_of_a_multi_field_processor(sandbox: Sandbox) -> None:
    creds = Sandbox.credentials("authorizedotnet")
    client = CustomerClient(
        connector="authorizedotnet",
        api_login_id=creds["api_login_id"],
        transaction_key=creds["transaction_key"],
        environment="SANDBOX",
        base_url=sandbox.base_url("authorizedotnet"),
    )
    response = await client.create({"merchant_customer_id": "cust_anet", "email": "jane.roe@example.com"})
    assert response.connector_customer_id.isdigit()


def test_api_key_of_a_single_secret_processor_with_another_field_name(sandbox: Sandbox) -> None:
    # Shift4 declares `secret_key`; the page's `api_key=` works for any single-secret processor.
    key = Sandbox.credentials("shift4")["secret_key"]
    a = CustomerClient(connector="shift4", api_key=key, base_url=sandbox.base_url("shift4"))
    b = CustomerClient(connector="shift4", secret_key=key, base_url=sandbox.base_url("shift4"))
    for i, client in enumerate([a, b]):
        r = client.create_sync({"merchant_customer_id": f"cust_s4_{i}", "email": "jane.roe@example.com"})
        assert r.connector_customer_id.startswith("cust_")


@pytest.mark.parametrize("environment", ["SANDBOX", "sandbox", "Sandbox"])
def test_environment_names_are_case_insensitive(sandbox: Sandbox, environment: str) -> None:
    client = CustomerClient(connector="stripe", environment=environment, base_url=sandbox.base_url("stripe"), **sandbox.credentials("stripe"))
    assert client.environment == "SANDBOX"


def test_production_is_accepted_with_a_live_key() -> None:
    client = CustomerClient(connector="stripe", api_key="sk_live_x", environment="production")
    assert client.environment == "PRODUCTION" and client.base_url.startswith("https://api.stripe.com")
    assert "sk_live_x" not in repr(client)


def test_from_env_and_the_base_url_override(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in sandbox.environ("authorizedotnet").items():
        monkeypatch.setenv(name, value)
    client = CustomerClient.from_env("authorizedotnet", "SANDBOX")
    assert client.base_url == sandbox.base_url("authorizedotnet")
    assert client.create_sync({"merchant_customer_id": "cust_env"}).connector_customer_id
    # A client with credentials and no base_url honours PRISM_<C>_BASE_URL too; the same
    # http-only-to-loopback rule applies to it.
    monkeypatch.setenv("PRISM_STRIPE_BASE_URL", "http://example.com/stripe")
    with pytest.raises(prism.ConfigurationError):
        CustomerClient(connector="stripe", api_key="sk_test_x")
    monkeypatch.delenv("PRISM_AUTHORIZEDOTNET_TRANSACTION_KEY")
    with pytest.raises(prism.ConfigurationError) as caught:
        CustomerClient.from_env("authorizedotnet", "SANDBOX")
    assert "PRISM_AUTHORIZEDOTNET_TRANSACTION_KEY" in str(caught.value)


def test_no_credential_given_reads_the_environment(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in sandbox.environ("stripe").items():
        monkeypatch.setenv(name, value)
    client = CustomerClient(connector="stripe", environment="SANDBOX")
    assert client.create_sync({"merchant_customer_id": "cust_noargs"}).connector_customer_id.startswith("cus_")


def test_options_are_checked() -> None:
    with pytest.raises(ValueError):
        CustomerClient(connector="stripe", api_key="sk_test_x", on_duplicate="ignore")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        CustomerClient(connector="stripe", api_key="sk_test_x", unsupported_fields="drop")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        CustomerClient(connector="stripe", api_key="sk_test_x", timeout=0)
    with pytest.raises(TypeError):
        CustomerClient(connector="stripe", api_key="sk_test_x", timeout="5s")  # type: ignore[arg-type]
    CustomerClient(connector="stripe", api_key="sk_test_x", timeout=timedelta(seconds=5), deadline=30, max_retries=0)


@pytest.mark.asyncio
async def test_unsupported_fields_policy(sandbox: Sandbox) -> None:
    # Finix cannot store `description`: rejected by default, sent without it under 'ignore'.
    creds = Sandbox.credentials("finix")
    client = CustomerClient(connector="finix", base_url=sandbox.base_url("finix"), **creds)
    request = {"merchant_customer_id": "cust_fx", "email": "jane.roe@example.com", "description": "VIP"}
    with pytest.raises(prism.InvalidRequestError) as caught:
        await client.create(request)
    assert caught.value.field_errors[0]["field"] == "description"
    assert sandbox.requests_seen("finix") == 0
    response = await client.create(request, unsupported_fields="ignore")
    assert response.diagnostics["unstored_fields"] == ["description"]
    lenient = CustomerClient(connector="finix", base_url=sandbox.base_url("finix"), unsupported_fields="ignore", **creds)
    response = await lenient.create({**request, "merchant_customer_id": "cust_fx2"})
    assert response.diagnostics["unstored_fields"] == ["description"]


@pytest.mark.asyncio
async def test_a_lost_answer_is_resent_and_returns_this_calls_own_customer(sandbox: Sandbox) -> None:
    client = CustomerClient(connector="stripe", base_url=sandbox.base_url("stripe"), **sandbox.credentials("stripe"))
    sandbox.push_fault("reset-after", "stripe")
    response = await client.create(PAGE_REQUEST)
    assert response.diagnostics["replayed"] and response.diagnostics["attempts"] == 2
    assert sandbox.count_by_reference("stripe", "cust_user_12345") == 1


@pytest.mark.asyncio
async def test_a_caller_chosen_idempotency_key(sandbox: Sandbox, stripe: CustomerClient) -> None:
    first = await stripe.create(PAGE_REQUEST, idempotency_key="order-42-attempt")
    assert first.diagnostics["idempotency_key"] == "order-42-attempt"
    again = await stripe.create(PAGE_REQUEST, idempotency_key="order-42-attempt")
    assert again.connector_customer_id == first.connector_customer_id and again.diagnostics["replayed"]
    with pytest.raises(prism.InvalidRequestError):
        await stripe.create(PAGE_REQUEST, idempotency_key="has space")


@pytest.mark.asyncio
async def test_a_thousand_creates_with_gather_share_one_client(sandbox: Sandbox) -> None:
    client = CustomerClient(connector="stripe", base_url=sandbox.base_url("stripe"), **sandbox.credentials("stripe"))
    responses = await asyncio.gather(
        *(client.create({"merchant_customer_id": f"cust_{i}", "email": f"user{i}@example.com"}) for i in range(1000))
    )
    assert [r.merchant_customer_id for r in responses] == [f"cust_{i}" for i in range(1000)]
    assert len({r.connector_customer_id for r in responses}) == 1000
    assert len(sandbox.customers("stripe")) == 1000


@pytest.mark.asyncio
async def test_max_in_flight_bounds_the_requests_and_a_call_without_a_slot_sends_nothing(sandbox: Sandbox) -> None:
    client = CustomerClient(
        connector="stripe", base_url=sandbox.base_url("stripe"), max_in_flight=1, **sandbox.credentials("stripe")
    )
    sandbox.push_fault("latency=1s", "stripe")
    first = asyncio.create_task(client.create({"merchant_customer_id": "cust_holds_the_slot"}))
    for _ in range(60):  # until the first request is at the processor, holding the one slot
        await asyncio.sleep(0.05)
        if sandbox.requests_seen("stripe"):
            break
    with pytest.raises(prism.PrismTimeoutError) as caught:
        await client.create({"merchant_customer_id": "cust_waits"}, deadline=0.2)
    assert not caught.value.outcome_unknown
    assert "max_in_flight" in str(caught.value)
    assert sandbox.requests_seen("stripe") == 1
    assert (await first).merchant_customer_id == "cust_holds_the_slot"
    # The slot is free again.
    assert (await client.create({"merchant_customer_id": "cust_next"})).status_code == 200
    for no_bound in (None, 0):
        unbounded = CustomerClient(
            connector="stripe", base_url=sandbox.base_url("stripe"), max_in_flight=no_bound, **sandbox.credentials("stripe")
        )
        assert (await unbounded.create({"merchant_customer_id": f"cust_unbounded_{no_bound}"})).status_code == 200
    with pytest.raises(ValueError, match="max_in_flight"):
        CustomerClient(connector="stripe", api_key="sk_test_x", max_in_flight=-1)


@pytest.mark.asyncio
async def test_a_cancelled_task_leaves_the_client_usable(sandbox: Sandbox, stripe: CustomerClient) -> None:
    sandbox.push_fault("latency=2s", "stripe")
    task = asyncio.create_task(stripe.create({"merchant_customer_id": "cust_cancelled"}))
    for _ in range(60):  # until the request is at the processor (mid-call)
        await asyncio.sleep(0.05)
        if sandbox.requests_seen("stripe"):
            break
    assert sandbox.requests_seen("stripe") == 1 and not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    started = time.monotonic()
    response = await stripe.create({"merchant_customer_id": "cust_after_cancel"})
    assert response.connector_customer_id.startswith("cus_")
    assert time.monotonic() - started < 1.0
    # asyncio.wait_for's timeout cancels the same way.
    sandbox.push_fault("latency=2s", "stripe")
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(stripe.create({"merchant_customer_id": "cust_wait_for"}), 0.2)
    assert (await stripe.create({"merchant_customer_id": "cust_after_wait_for"})).status_code == 200


@pytest.mark.asyncio
async def test_the_event_loop_runs_while_a_call_waits(sandbox: Sandbox, stripe: CustomerClient) -> None:
    sandbox.push_fault("latency=500ms", "stripe")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    t = asyncio.create_task(ticker())
    await stripe.create(PAGE_REQUEST)
    t.cancel()
    assert ticks >= 20


def test_the_gil_is_released_while_create_sync_waits(sandbox: Sandbox, stripe: CustomerClient) -> None:
    sandbox.push_fault("latency=500ms", "stripe")
    done = threading.Event()
    counted = 0

    def count() -> None:
        nonlocal counted
        while not done.is_set():
            counted += 1  # pure Python: runs only while the other thread does not hold the GIL

    t = threading.Thread(target=count)
    t.start()
    started = time.monotonic()
    response = stripe.create_sync(PAGE_REQUEST)
    elapsed = time.monotonic() - started
    done.set()
    t.join()
    assert response.status_code == 200 and elapsed >= 0.5
    assert counted > 100_000, counted


def test_create_sync_without_an_event_loop(sandbox: Sandbox) -> None:
    client = CustomerClient(connector="stripe", base_url=sandbox.base_url("stripe"), **sandbox.credentials("stripe"))
    response = client.create_sync(PAGE_REQUEST)
    assert response.connector_customer_id.startswith("cus_") and response["status"] == "ACTIVE"
    with pytest.raises(prism.AlreadyExistsError) as caught:
        client.create_sync(PAGE_REQUEST)
    assert caught.value.existing_customer_id == response.connector_customer_id
    with pytest.raises(prism.InvalidRequestError):
        client.create_sync({"merchant_customer_id": "x", "email": "bad"})


def test_create_sync_from_many_threads(sandbox: Sandbox) -> None:
    client = CustomerClient(connector="stripe", base_url=sandbox.base_url("stripe"), **sandbox.credentials("stripe"))
    results: list[str] = []

    def work(i: int) -> None:
        results.append(client.create_sync({"merchant_customer_id": f"cust_t{i}"}).connector_customer_id)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 16


def test_the_sandbox_lifecycle() -> None:
    sb = Sandbox().start()
    url = sb.base_url("stripe")
    assert url.startswith("http://127.0.0.1:") and url.endswith("/stripe")
    sb.close()
    with pytest.raises(RuntimeError):
        sb.base_url("stripe")
    client = CustomerClient(connector="stripe", api_key="sk_test_prism_sandbox", base_url=url, max_retries=0)
    with pytest.raises(prism.TransportError):
        client.create_sync({"merchant_customer_id": "after_close"})
    with pytest.raises(ValueError):
        with Sandbox() as s2:
            s2.push_fault("500:0.5")
