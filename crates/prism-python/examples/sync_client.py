"""Code without an event loop: ``create_sync`` (the GIL is released while it waits), the
credentials and base URL from the environment (``PRISM_STRIPE_API_KEY``, ``PRISM_STRIPE_BASE_URL``)."""

from __future__ import annotations

import os
from datetime import timedelta

from orchestratorx_prism import CustomerClient, PrismError, PrismTimeoutError
from orchestratorx_prism.sandbox import Sandbox


def main() -> int:
    with Sandbox() as sb:
        os.environ.update(sb.environ("stripe"))
        client = CustomerClient.from_env("stripe", "SANDBOX", timeout=timedelta(seconds=5), deadline=20)
        response = client.create_sync({"merchant_customer_id": "cust_sync_1"}, idempotency_key="signup-cust_sync_1")
        print(dict(response)["connector_customer_id"], response.diagnostics["attempts"])
        sb.push_fault("latency=2s", "stripe")
        try:
            client.create_sync({"merchant_customer_id": "cust_sync_2"}, timeout=0.2, deadline=0.5, max_retries=0)
        except PrismTimeoutError as e:
            print("timed out; outcome unknown:", e.outcome_unknown)
        except PrismError as e:
            print("failed:", e.kind)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
