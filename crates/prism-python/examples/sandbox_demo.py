"""Offline, against the embedded sandbox: the page's flow, a duplicate (409), bad input (422),
an injected processor outage, and a processor with two credentials."""

from __future__ import annotations

import asyncio

from orchestratorx_prism import (
    AlreadyExistsError,
    CustomerClient,
    CustomerCreateRequest,
    InvalidRequestError,
    PrismError,
    ProcessorUnavailableError,
)
from orchestratorx_prism.sandbox import Sandbox


async def main() -> None:
    async with Sandbox() as sb:
        client = CustomerClient(
            connector="stripe",
            environment="SANDBOX",
            base_url=sb.base_url("stripe"),
            max_retries=0,
            **sb.credentials("stripe"),
        )
        request: CustomerCreateRequest = {
            "merchant_customer_id": "cust_user_12345",
            "email": "john.doe@example.com",
            "name": "John Doe",
            "metadata": {"plan": "premium"},
        }
        created = await client.create(request)
        print("created", created.connector_customer_id, created.status.value, created.status_code)

        try:
            await client.create(request)
        except AlreadyExistsError as e:
            print("409: already exists as", e.existing_customer_id)

        try:
            await client.create({"merchant_customer_id": "cust_2", "email": "not-an-email"})
        except InvalidRequestError as e:
            print(e.status_code, [f["field"] for f in e.field_errors])

        sb.push_fault("503", "stripe")
        try:
            await client.create({"merchant_customer_id": "cust_3"})
        except ProcessorUnavailableError as e:
            print(e.status_code, "outcome unknown:", e.outcome_unknown)

        anet = CustomerClient(
            connector="authorizedotnet",
            base_url=sb.base_url("authorizedotnet"),
            **sb.credentials("authorizedotnet"),
        )
        responses = await asyncio.gather(
            *(anet.create({"merchant_customer_id": f"anet_{i}"}) for i in range(10)),
            return_exceptions=True,
        )
        ok = [r for r in responses if not isinstance(r, BaseException)]
        failed = [r for r in responses if isinstance(r, PrismError)]
        print(len(ok), "created at Authorize.net,", len(failed), "failed")


if __name__ == "__main__":
    asyncio.run(main())
