//! A minimal application for `cargo xtask bench --build`: create one customer at the URL given
//! as the first argument (default: Stripe's sandbox) and print its id.
//! Written with Prism; built twice by `cargo xtask bench --build`: with the feature "stripe"
//! (this crate) and with "all-connectors" (`bench/apps/prism-all`, which compiles this file).

use prism::{Connector, CustomerClient, CustomerCreateRequest, Environment};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = CustomerClient::builder()
        .connector(Connector::Stripe)
        .api_key(std::env::var("STRIPE_API_KEY")?)
        .environment(Environment::Sandbox);
    if let Some(base) = std::env::args().nth(1) {
        builder = builder.base_url(base);
    }
    let response = builder
        .build()?
        .create(
            CustomerCreateRequest::new("cust_user_12345")
                .email("john.doe@example.com")
                .name("John Doe")
                .phone("+1-555-123-4567")
                .description("Premium plan subscriber"),
        )
        .await?;
    println!("{}", response.connector_customer_id);
    Ok(())
}
