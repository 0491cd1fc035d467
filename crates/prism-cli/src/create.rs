//! `prism customers create`.

use std::io::Read;
use std::time::Duration;

use prism::{
    Address, CallOptions, Connector, ConnectorConfig, CustomerClient, CustomerCreateRequest,
    CustomerCreateResponse, Error, ErrorKind, OnDuplicate,
};

use crate::cli::{ClientArgs, CreateArgs};

/// What is wrong with a request document, without its values: serde's "invalid type: string
/// \"…\"" messages quote the offending value, which may be personal data.
fn json_problem(e: &serde_json::Error) -> String {
    if is_value_problem(e) {
        format!(
            "{} (line {}, column {})",
            json_problem_text(e),
            e.line(),
            e.column()
        )
    } else {
        prism::redact::scrub_patterns(&e.to_string())
    }
}

fn is_value_problem(e: &serde_json::Error) -> bool {
    let text = e.to_string();
    text.contains("invalid type") || text.contains("invalid value")
}

/// [`json_problem`] without the position (for callers that name the place themselves).
pub(crate) fn json_problem_text(e: &serde_json::Error) -> String {
    if is_value_problem(e) {
        return "a field has the wrong type or value".to_owned();
    }
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    prism::redact::scrub_patterns(text.strip_suffix(&position).unwrap_or(&text))
}

/// Builds the request: the `--json` document (if any), then every flag on top of it.
pub fn build_request(args: &CreateArgs) -> Result<CustomerCreateRequest, Error> {
    let mut req = match &args.json {
        Some(path) => {
            let text = if path.as_os_str() == "-" {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s).map_err(|e| {
                    Error::new(
                        ErrorKind::InvalidRequest,
                        format!("could not read the request from stdin: {e}"),
                    )
                })?;
                s
            } else {
                std::fs::read_to_string(path).map_err(|e| {
                    Error::new(
                        ErrorKind::InvalidRequest,
                        format!("could not read the request file {}: {e}", path.display()),
                    )
                })?
            };
            let bad = |e: serde_json::Error| {
                Error::new(
                    ErrorKind::InvalidRequest,
                    format!(
                        "the request JSON is not a customer-create request: {}",
                        json_problem(&e)
                    ),
                )
            };
            let mut value: serde_json::Value = serde_json::from_str(&text).map_err(bad)?;
            // The flag may supply the one required field the document leaves out.
            if let (Some(id), Some(obj)) = (&args.merchant_customer_id, value.as_object_mut()) {
                obj.insert(
                    "merchant_customer_id".to_owned(),
                    serde_json::Value::String(id.clone()),
                );
            }
            serde_json::from_value::<CustomerCreateRequest>(value).map_err(bad)?
        }
        None => CustomerCreateRequest::default(),
    };

    let set = |slot: &mut Option<String>, v: &Option<String>| {
        if let Some(v) = v {
            *slot = Some(v.clone());
        }
    };
    if let Some(id) = &args.merchant_customer_id {
        req.merchant_customer_id.clone_from(id);
    }
    set(&mut req.email, &args.email);
    set(&mut req.name, &args.name);
    set(&mut req.phone, &args.phone);
    set(&mut req.description, &args.description);
    for (k, v) in &args.metadata {
        req.metadata.insert(k.clone(), v.clone());
    }

    let parts = [
        &args.address_line1,
        &args.address_line2,
        &args.address_city,
        &args.address_state,
        &args.address_postal_code,
        &args.address_country,
    ];
    if parts.iter().any(|p| p.is_some()) {
        let mut a = req.address.take().unwrap_or_else(Address::new);
        set(&mut a.line1, &args.address_line1);
        set(&mut a.line2, &args.address_line2);
        set(&mut a.city, &args.address_city);
        set(&mut a.state, &args.address_state);
        set(&mut a.postal_code, &args.address_postal_code);
        set(&mut a.country, &args.address_country);
        req.address = Some(a);
    }
    Ok(req)
}

/// Builds the client from the environment's credentials and the flags, and creates the customer.
pub async fn run(args: &CreateArgs) -> Result<CustomerCreateResponse, Error> {
    let request = build_request(args)?;
    let client = client(args.connector, &args.client, args.on_duplicate.into())?;

    let mut options = CallOptions {
        idempotency_key: args.idempotency_key.clone(),
        max_retries: args.max_retries,
        ..CallOptions::default()
    };
    if let Some(ms) = args.timeout_ms {
        let t = Duration::from_millis(ms);
        options.timeout = Some(t);
        options.deadline = Some(t);
    }
    client.create_with(request, options).await
}

/// A client for `connector` from the environment's credentials and the shared flags.
pub(crate) fn client(
    connector: Connector,
    args: &ClientArgs,
    on_duplicate: OnDuplicate,
) -> Result<CustomerClient, Error> {
    let mut builder = CustomerClient::builder()
        .connector_config(ConnectorConfig::from_env(connector)?)
        .environment(args.environment)
        .unsupported_fields(args.unsupported_fields.into())
        .on_duplicate(on_duplicate);
    if let Some(url) = &args.base_url {
        builder = builder.base_url(url.clone());
    }
    builder.build()
}

#[cfg(test)]
mod json_tests {
    use super::json_problem;

    #[test]
    fn json_problems_never_quote_values() {
        let e = serde_json::from_str::<prism::CustomerCreateRequest>(
            r#"{"merchant_customer_id": "c1", "address": "John Doe, 1 Main St"}"#,
        )
        .expect_err("wrong type");
        assert!(
            e.to_string().contains("John Doe"),
            "serde quotes the value: {e}"
        );
        let msg = json_problem(&e);
        assert!(!msg.contains("John Doe"), "{msg}");
        let e = serde_json::from_str::<prism::CustomerCreateRequest>(
            r#"{"merchant_customer_id": "c1", "emial": "john.doe@example.com"}"#,
        )
        .expect_err("unknown field");
        let msg = json_problem(&e);
        assert!(msg.contains("emial") && !msg.contains("john.doe"), "{msg}");
    }
}
