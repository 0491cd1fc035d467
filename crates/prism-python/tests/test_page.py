"""The product page's example, and what the page promises about 409 and 422."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from orchestratorx_prism import AlreadyExistsError, CustomerStatus, InvalidRequestError
from orchestratorx_prism.sandbox import Sandbox

from conftest import PAGE_REQUEST


@pytest.mark.asyncio
async def test_the_page_example_as_written(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    # Only two things differ from the page: the key placeholder is the sandbox's key, and
    # PRISM_STRIPE_BASE_URL sends the unchanged client to the sandbox.
    monkeypatch.setenv("PRISM_STRIPE_BASE_URL", sandbox.base_url("stripe"))
    YOUR_API_KEY = Sandbox.credentials("stripe")["api_key"]

    from orchestratorx_prism import CustomerClient

    customer_client = CustomerClient(
        connector='stripe',
        api_key=YOUR_API_KEY,
        environment='SANDBOX'
    )

    request = {
        "merchant_customer_id": "cust_user_12345",
        "email": "john.doe@example.com",
        "name": "John Doe",
        "phone": "+1-555-123-4567",
        "description": "Premium plan subscriber"
    }

    response = await customer_client.create(request)

    # The page's response: {"merchant_customer_id", "connector_customer_id": "cus_xxx",
    # "status": "ACTIVE", "status_code": 200}, as attributes and as a mapping.
    assert response.merchant_customer_id == "cust_user_12345"
    assert response.connector_customer_id.startswith("cus_")
    assert response.status == "ACTIVE" and response.status is CustomerStatus.ACTIVE
    assert isinstance(response.status, str)
    assert response.status_code == 200
    assert response["connector_customer_id"] == response.connector_customer_id
    as_dict = dict(response)
    page_json = {
        "merchant_customer_id": "cust_user_12345",
        "connector_customer_id": response.connector_customer_id,
        "status": "ACTIVE",
        "status_code": 200,
    }
    assert {k: as_dict[k] for k in page_json} == page_json
    assert set(as_dict) == set(page_json) | {"connector", "existing", "diagnostics"}
    assert as_dict["connector"] == "stripe" and as_dict["existing"] is False
    assert as_dict["diagnostics"]["attempts"] == 1
    # JSON-ready: the str enum serializes as its value.
    assert json.loads(json.dumps(as_dict))["status"] == "ACTIVE"
    # The sandbox stored exactly one customer with this reference.
    assert sandbox.count_by_reference("stripe", "cust_user_12345") == 1
    assert sandbox.customers("stripe")[0]["id"] == response.connector_customer_id


@pytest.mark.asyncio
async def test_the_same_request_twice_is_409_with_the_existing_id(sandbox: Sandbox) -> None:
    from orchestratorx_prism import CustomerClient

    client = CustomerClient(connector="stripe", base_url=sandbox.base_url("stripe"), **sandbox.credentials("stripe"))
    first = await client.create(PAGE_REQUEST)
    with pytest.raises(AlreadyExistsError) as caught:
        await client.create(PAGE_REQUEST)
    e = caught.value
    assert e.status_code == 409 and e.kind == "already_exists"
    assert e.existing_customer_id == first.connector_customer_id
    assert e.connector == "stripe"
    assert sandbox.count_by_reference("stripe", "cust_user_12345") == 1
    # With on_duplicate='return_existing' the same call returns the existing customer.
    again = await client.create(PAGE_REQUEST, on_duplicate="return_existing")
    assert again.existing is True and again.connector_customer_id == first.connector_customer_id


@pytest.mark.asyncio
async def test_a_bad_email_is_422_with_the_field_and_nothing_is_sent(sandbox: Sandbox) -> None:
    from orchestratorx_prism import CustomerClient

    client = CustomerClient(connector="stripe", base_url=sandbox.base_url("stripe"), **sandbox.credentials("stripe"))
    with pytest.raises(InvalidRequestError) as caught:
        await client.create({**PAGE_REQUEST, "email": "john.doe(at)example"})
    e = caught.value
    assert e.status_code == 422 and e.kind == "invalid_request"
    assert [f["field"] for f in e.field_errors] == ["email"]
    assert e.field_errors[0]["rule"] == "email"
    assert "john.doe(at)example" not in str(e) + repr(e) + repr(e.field_errors)
    assert sandbox.requests_seen("stripe") == 0


@pytest.mark.asyncio
async def test_every_rule_is_listed_at_once(sandbox: Sandbox) -> None:
    from orchestratorx_prism import CustomerClient

    client = CustomerClient(connector="stripe", base_url=sandbox.base_url("stripe"), **sandbox.credentials("stripe"))
    with pytest.raises(InvalidRequestError) as caught:
        await client.create({"merchant_customer_id": "", "email": "nope", "phone": "call me"})
    fields = {f["field"] for f in caught.value.field_errors}
    assert {"merchant_customer_id", "email", "phone"} <= fields
    assert sandbox.requests_seen("stripe") == 0


@pytest.mark.asyncio
async def test_unknown_keys_are_rejected_and_named(sandbox: Sandbox) -> None:
    from orchestratorx_prism import CustomerClient

    client = CustomerClient(connector="stripe", base_url=sandbox.base_url("stripe"), **sandbox.credentials("stripe"))
    with pytest.raises(InvalidRequestError) as caught:
        await client.create({
            "merchant_customer_id": "c1",
            "emial": "john.doe@example.com",
            "plan": "gold",
            "address": {"line1": "1 Main St", "zip": "62701"},
        })
    e = caught.value
    assert e.status_code == 422
    named = {f["field"]: f["rule"] for f in e.field_errors}
    assert named == {"emial": "unknown_field", "plan": "unknown_field", "address.zip": "unknown_field"}
    for f in ("emial", "plan", "address.zip"):
        assert f in str(e)
    assert "john.doe@example.com" not in str(e) + repr(e)
    assert sandbox.requests_seen("stripe") == 0


@pytest.mark.asyncio
async def test_wrong_types_are_named_without_their_values(sandbox: Sandbox) -> None:
    from orchestratorx_prism import CustomerClient

    client = CustomerClient(connector="stripe", base_url=sandbox.base_url("stripe"), **sandbox.credentials("stripe"))
    with pytest.raises(InvalidRequestError) as caught:
        await client.create({"merchant_customer_id": "c1", "phone": 5551234567, "metadata": {"tier": ["gold-secret"]}})
    fields = {f["field"]: f["rule"] for f in caught.value.field_errors}
    assert fields == {"phone": "type", "metadata.tier": "type"}
    text = str(caught.value) + repr(caught.value) + repr(caught.value.field_errors)
    assert "5551234567" not in text and "gold-secret" not in text
    # Not a mapping at all: a TypeError, raised where the call is awaited.
    pending = client.create(["merchant_customer_id", "c1"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await pending
    assert sandbox.requests_seen("stripe") == 0


@pytest.mark.asyncio
async def test_metadata_and_address_as_in_the_spec(sandbox: Sandbox) -> None:
    from orchestratorx_prism import CustomerClient

    client = CustomerClient(connector="stripe", base_url=sandbox.base_url("stripe"), **sandbox.credentials("stripe"))
    response = await client.create({
        "merchant_customer_id": "cust_addr",
        "metadata": {"plan": "premium", "source": "web"},
        "address": {"line1": "1 Main St", "city": "Springfield", "state": "IL", "postal_code": "62701", "country": "US"},
    })
    assert response.connector_customer_id.startswith("cus_")
    with pytest.raises(InvalidRequestError) as caught:
        await client.create({"merchant_customer_id": "cust_addr2", "address": {"country": "USA"}})
    assert [f["field"] for f in caught.value.field_errors] == ["address.country"]


def test_the_response_is_a_read_only_mapping(sandbox: Sandbox) -> None:
    from orchestratorx_prism import CustomerClient, CustomerCreateResponse

    client = CustomerClient(connector="stripe", base_url=sandbox.base_url("stripe"), **sandbox.credentials("stripe"))
    r = client.create_sync({"merchant_customer_id": "cust_map"})
    assert isinstance(r, Mapping) and isinstance(r, CustomerCreateResponse)
    assert len(r) == 7 and list(r) == list(r.keys())
    assert "status" in r and "email" not in r
    assert r.get("nope") is None and r.get("nope", 1) == 1 and r.get("status_code") == 200
    with pytest.raises(KeyError):
        r["nope"]
    assert r == r.to_dict() and dict(r.items()) == r.to_dict()
    with pytest.raises(AttributeError):
        r.status_code = 500
