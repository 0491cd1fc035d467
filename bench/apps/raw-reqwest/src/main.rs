//! A minimal application for `cargo xtask bench --build`: create one customer at the URL given
//! as the first argument (default: Stripe's sandbox) and print its id.
//! Written by hand with reqwest: the baseline.

#[derive(serde::Deserialize)]
struct Created {
    id: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "https://api.stripe.com".to_owned());
    let key = std::env::var("STRIPE_API_KEY")?;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("email", "john.doe@example.com")
        .append_pair("name", "John Doe")
        .append_pair("phone", "+1-555-123-4567")
        .append_pair("description", "Premium plan subscriber")
        .append_pair("metadata[merchant_customer_id]", "cust_user_12345")
        .finish();
    let resp = reqwest::Client::new()
        .post(format!("{base}/v1/customers"))
        .bearer_auth(key)
        .header("Idempotency-Key", "cust_user_12345")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await?
        .error_for_status()?;
    let created: Created = serde_json::from_slice(&resp.bytes().await?)?;
    println!("{}", created.id);
    Ok(())
}
