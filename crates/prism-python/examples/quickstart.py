"""The product page's example. Run against the embedded sandbox with no account:

    python examples/sandbox_demo.py            # or, with real test credentials:
    PRISM_STRIPE_API_KEY=sk_test_… python examples/quickstart.py
"""

from __future__ import annotations

import asyncio
import os

from orchestratorx_prism import CustomerClient, CustomerCreateResponse


async def main() -> CustomerCreateResponse:
    customer_client = CustomerClient(
        connector='stripe',
        api_key=os.environ["PRISM_STRIPE_API_KEY"],
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
    print({k: response[k] for k in ("merchant_customer_id", "connector_customer_id", "status", "status_code")})
    return response


if __name__ == "__main__":
    asyncio.run(main())
