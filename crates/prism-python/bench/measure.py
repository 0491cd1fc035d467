"""One side of `cargo xtask bench --python`: N sequential creates, then creates at several
concurrency levels, against the fixed-response server at URL (Stripe's documented created
reply). Prints one JSON object: {"seq_ns": [...], "conc": {"64": [calls, elapsed_ns], ...}}.

    python measure.py prism|stripe|stripe-sync URL SEQ_CALLS CONC_CALLS LEVELS(comma-separated)

- prism: orchestratorx_prism.CustomerClient.create (async), the product page's request.
- stripe: the official package's StripeClient, v1.customers.create_async (httpx), the same
  fields (merchant reference in metadata, as Prism sends it).
- stripe-sync: the same with the synchronous create (requests); sequential only.
- prism-sync: Prism-Python's create_sync; sequential only.
Not a test: run it through `cargo xtask bench --python`.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any, Awaitable, Callable

API_KEY = "sk_test_benchSECRET0001"
CUSTOMER_ID = "cus_NffrFeUfNV2Hib"
PAGE_REQUEST = {
    "merchant_customer_id": "cust_user_12345",
    "email": "john.doe@example.com",
    "name": "John Doe",
    "phone": "+1-555-123-4567",
    "description": "Premium plan subscriber",
}


def stripe_params() -> dict[str, Any]:
    return {
        "email": PAGE_REQUEST["email"],
        "name": PAGE_REQUEST["name"],
        "phone": PAGE_REQUEST["phone"],
        "description": PAGE_REQUEST["description"],
        "metadata": {"merchant_customer_id": PAGE_REQUEST["merchant_customer_id"]},
    }


def make_side(side: str, url: str) -> Callable[[], Awaitable[str]]:
    if side == "prism":
        from orchestratorx_prism import CustomerClient

        client = CustomerClient(connector="stripe", api_key=API_KEY, environment="SANDBOX", base_url=url)

        async def prism_create() -> str:
            # The request dict is built anew per call, as an application would.
            return (await client.create(dict(PAGE_REQUEST))).connector_customer_id

        return prism_create
    import stripe

    sc = stripe.StripeClient(
        API_KEY,
        base_addresses={"api": url},
        http_client=stripe.HTTPXClient(),
        max_network_retries=0,
    )

    async def stripe_create() -> str:
        return (await sc.v1.customers.create_async(params=stripe_params())).id  # type: ignore[arg-type]

    return stripe_create


async def sequential(create: Callable[[], Awaitable[str]], n: int) -> list[int]:
    out = []
    for _ in range(n):
        t = time.perf_counter_ns()
        cid = await create()
        out.append(time.perf_counter_ns() - t)
        assert cid == CUSTOMER_ID, cid
    return out


async def concurrent(create: Callable[[], Awaitable[str]], calls: int, concurrency: int) -> int:
    left = calls

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await create()

    t = time.perf_counter_ns()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter_ns() - t


async def main_async(side: str, url: str, seq: int, calls: int, levels: list[int]) -> dict[str, Any]:
    create = make_side(side, url)
    # Warm-up: connections, caches.
    await sequential(create, max(seq // 10, 20))
    await concurrent(create, max(calls // 10, 100), max(levels))
    seq_ns = await sequential(create, seq)
    conc: dict[str, list[int]] = {}
    for level in levels:
        n = calls if level > 1 else max(calls // 4, 50)
        conc[str(level)] = [n, await concurrent(create, n, level)]
    return {"seq_ns": seq_ns, "conc": conc}


def main_prism_sync(url: str, seq: int) -> dict[str, Any]:
    from orchestratorx_prism import CustomerClient

    client = CustomerClient(connector="stripe", api_key=API_KEY, environment="SANDBOX", base_url=url)
    for _ in range(max(seq // 10, 20)):
        client.create_sync(dict(PAGE_REQUEST))
    out = []
    for _ in range(seq):
        t = time.perf_counter_ns()
        cid = client.create_sync(dict(PAGE_REQUEST)).connector_customer_id
        out.append(time.perf_counter_ns() - t)
        assert cid == CUSTOMER_ID, cid
    return {"seq_ns": out, "conc": {}}


def main_sync(url: str, seq: int) -> dict[str, Any]:
    import stripe

    sc = stripe.StripeClient(API_KEY, base_addresses={"api": url}, max_network_retries=0)
    for _ in range(max(seq // 10, 20)):
        sc.v1.customers.create(params=stripe_params())  # type: ignore[arg-type]
    out = []
    for _ in range(seq):
        t = time.perf_counter_ns()
        cid = sc.v1.customers.create(params=stripe_params()).id  # type: ignore[arg-type]
        out.append(time.perf_counter_ns() - t)
        assert cid == CUSTOMER_ID, cid
    return {"seq_ns": out, "conc": {}}


def main() -> None:
    side, url, seq, calls, levels = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    if side == "stripe-sync":
        result = main_sync(url, seq)
    elif side == "prism-sync":
        result = main_prism_sync(url, seq)
    else:
        result = asyncio.run(main_async(side, url, seq, calls, [int(x) for x in levels.split(",")]))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
