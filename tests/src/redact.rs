//! Turns a request the mock server received into a reviewable snapshot value: credentials
//! masked, the test's personal data replaced by named placeholders.

use serde_json::{json, Value};
use wiremock::Request;

use crate::Arm;

/// Test values → placeholders (the test kit's list).
pub use prism_testkit::leaks::PERSONAL;

const MASKED_HEADERS: &[&str] = &[
    "authorization",
    "x-api-key",
    "x-client-id",
    "proxy-authorization",
];
const TRANSPORT_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "user-agent",
    "accept-encoding",
    "connection",
];

fn scrub(s: &str, arm: &Arm) -> String {
    let mut out = s.to_owned();
    for secret in arm.secrets() {
        out = out.replace(secret, "[secret]");
    }
    for (value, placeholder) in PERSONAL {
        out = out.replace(value, placeholder);
    }
    out
}

fn scrub_value(v: Value, arm: &Arm) -> Value {
    match v {
        Value::String(s) => Value::String(scrub(&s, arm)),
        Value::Array(a) => Value::Array(a.into_iter().map(|x| scrub_value(x, arm)).collect()),
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, x)| (scrub(&k, arm), scrub_value(x, arm)))
                .collect(),
        ),
        other => other,
    }
}

/// The snapshot value of one received request.
pub fn request_snapshot(req: &Request, arm: &Arm) -> Value {
    let mut headers: Vec<(String, String)> = req
        .headers
        .iter()
        .filter(|(k, _)| !TRANSPORT_HEADERS.contains(&k.as_str()))
        .map(|(k, v)| {
            let name = k.as_str().to_owned();
            let value = if MASKED_HEADERS.contains(&name.as_str()) {
                "[masked]".to_owned()
            } else {
                scrub(v.to_str().unwrap_or("<non-ascii>"), arm)
            };
            (name, value)
        })
        .collect();
    headers.sort();
    let content_type = req
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = if req.body.is_empty() {
        Value::Null
    } else if content_type.contains("x-www-form-urlencoded") {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&req.body).expect("form body");
        Value::Array(
            pairs
                .into_iter()
                .map(|(k, v)| Value::String(format!("{k}={v}")))
                .collect(),
        )
    } else {
        serde_json::from_slice(&req.body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&req.body).into_owned()))
    };
    json!({
        "method": req.method.as_str(),
        // Some processors put an account id in the path (Braintree `/merchants/{merchant_id}/…`).
        "path": scrub(req.url.path(), arm),
        "headers": headers.into_iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>(),
        "body": scrub_value(body, arm),
    })
}
