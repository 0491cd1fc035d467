//! A minimal application for `cargo xtask bench --build`: create one customer at the URL given
//! as the first argument (default: Stripe's sandbox) and print its id.
//! Written with async-stripe 0.41 (only the tokio + hyper + rustls runtime feature).

use std::collections::HashMap;

use stripe::{Client, CreateCustomer, Customer, RequestStrategy};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("STRIPE_API_KEY")?;
    let client = match std::env::args().nth(1) {
        Some(base) => Client::from_url(base.as_str(), key),
        None => Client::new(key),
    }
    .with_strategy(RequestStrategy::Idempotent("cust_user_12345".to_owned()));
    let mut metadata = HashMap::new();
    metadata.insert(
        "merchant_customer_id".to_owned(),
        "cust_user_12345".to_owned(),
    );
    let customer = Customer::create(
        &client,
        CreateCustomer {
            email: Some("john.doe@example.com"),
            name: Some("John Doe"),
            phone: Some("+1-555-123-4567"),
            description: Some("Premium plan subscriber"),
            metadata: Some(metadata),
            ..CreateCustomer::new()
        },
    )
    .await?;
    println!("{}", customer.id);
    Ok(())
}
