"""One side of `cargo xtask bench --python`, kept running so the bench can interleave the sides
in short runs: it reads commands from stdin and answers each with one line (the protocol of
`prism-bench measure`), against the fixed-response server at URL (Stripe's documented
created reply).

    python measure.py prism|stripe|prism-sync|stripe-sync URL

- `seq N`: N sequential creates; answers their latencies in ns (a JSON array).
- `conc N LEVEL`: N creates by LEVEL concurrent tasks; answers the elapsed ns (async sides).

Sides:
- prism: orchestratorx_prism.CustomerClient.create (async), the product page's request.
- stripe: the official package's StripeClient, v1.customers.create_async (httpx), the same
  fields (merchant reference in metadata, as Prism sends it).
- prism-sync: Prism-Python's create_sync.
- stripe-sync: the official package's synchronous create (requests).
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


async def serve_async(side: str, url: str) -> None:
    create = make_side(side, url)
    # Blocking reads are fine here: commands come between measurements, never during one.
    for line in sys.stdin:
        words = line.split()
        if words and words[0] == "seq":
            out = json.dumps(await sequential(create, int(words[1])))
        elif words and words[0] == "conc":
            out = str(await concurrent(create, int(words[1]), int(words[2])))
        else:
            raise SystemExit(f"bad command {line!r}")
        print(out, flush=True)


def serve_sync(create: Callable[[], str]) -> None:
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] != "seq":
            raise SystemExit(f"bad command {line!r}")
        print(json.dumps(sequential_sync(create, int(words[1]))), flush=True)


def sync_create(side: str, url: str) -> Callable[[], str]:
    if side == "prism-sync":
        from orchestratorx_prism import CustomerClient

        client = CustomerClient(connector="stripe", api_key=API_KEY, environment="SANDBOX", base_url=url)
        return lambda: client.create_sync(dict(PAGE_REQUEST)).connector_customer_id
    import stripe

    sc = stripe.StripeClient(API_KEY, base_addresses={"api": url}, max_network_retries=0)
    return lambda: sc.v1.customers.create(params=stripe_params()).id  # type: ignore[arg-type]


def sequential_sync(create: Callable[[], str], n: int) -> list[int]:
    out = []
    for _ in range(n):
        t = time.perf_counter_ns()
        cid = create()
        out.append(time.perf_counter_ns() - t)
        assert cid == CUSTOMER_ID, cid
    return out


def main() -> None:
    side, url = sys.argv[1], sys.argv[2]
    if side in ("prism-sync", "stripe-sync"):
        serve_sync(sync_create(side, url))
    else:
        asyncio.run(serve_async(side, url))


if __name__ == "__main__":
    main()
