//! Every documented reply of every compiled connector (`tests/fixtures/<connector>/*.json`), read
//! through that connector's pure functions — `parse_token` for a token reply, `parse_response`
//! for a 2xx, `parse_error` otherwise — and checked against the `expect` object the fixture
//! carries (format: `tests/fixtures/README.md`). A fixture without `expect` fails.

use std::sync::Arc;

use prism::{Connector, CreatesCustomers, Environment, FlowContext, HttpResponse};
use prism_testkit::fixtures::{self, expectation, fixture_names};
use serde_json::{json, Map, Value};

/// The contexts a reply can be read in: the first attempt of a call with Prism's
/// reference-derived idempotency key (what the top level of `expect` describes), a resend after
/// an attempt that may have been applied, and a first attempt with a caller-chosen key.
const DERIVED_KEY: &str = "prism_0123456789abcdef0123456789abcdef";
const CONTEXTS: &[&str] = &["after_lost_answer", "with_caller_key"];

fn context(name: &str) -> FlowContext<'static> {
    let first = FlowContext::first(Environment::Sandbox);
    match name {
        "first_attempt" => first.with_idempotency_key(DERIVED_KEY, true),
        "after_lost_answer" => {
            let mut c = first.with_idempotency_key(DERIVED_KEY, true);
            c.attempt = 2;
            c.earlier_attempt_may_have_applied = true;
            c
        }
        "with_caller_key" => first.with_idempotency_key("caller-key-1", false),
        other => panic!("unknown context {other}"),
    }
}

const KEYS: &[&str] = &[
    "outcome",
    "connector_customer_id",
    "replayed",
    "kind",
    "retryable",
    "code",
    "message",
    "existing_customer_id",
    "request_id",
    "fields",
    "retry_after_secs",
];

/// What a connector made of a reply, as an expectation object (the fixture's vocabulary).
fn reading(
    conn: &Arc<dyn CreatesCustomers>,
    resp: &HttpResponse,
    token: bool,
    ctx: &FlowContext<'_>,
) -> Value {
    if token {
        return match conn.parse_token(resp) {
            Ok(_) => json!({"outcome": "token"}),
            Err(e) => error_reading(&e),
        };
    }
    let result = if resp.is_success() {
        conn.parse_response(resp, ctx)
    } else {
        Err(conn.parse_error(resp, ctx))
    };
    match result {
        Ok(created) => json!({
            "outcome": "created",
            "connector_customer_id": created.connector_customer_id,
            "replayed": created.replayed,
        }),
        Err(e) => error_reading(&e),
    }
}

fn error_reading(e: &prism::Error) -> Value {
    let mut fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
    fields.sort_unstable();
    json!({
        "kind": e.kind().as_str(),
        "retryable": e.is_retryable(),
        "code": e.connector_code(),
        "message": e.connector_message(),
        "existing_customer_id": e.existing_customer_id(),
        "request_id": e.request_id(),
        "fields": fields,
        "retry_after_secs": e.retry_after().map(|d| d.as_secs()),
        "http_status": e.http_status(),
        "outcome_unknown": e.outcome_unknown(),
    })
}

/// Compares the keys `want` names with `got`; every error reading must name `kind` and
/// `retryable`, an `already_exists` also `existing_customer_id`.
fn compare(want: &Map<String, Value>, got: &Value, status: u16) -> Result<(), String> {
    for k in want.keys() {
        if !KEYS.contains(&k.as_str()) && !CONTEXTS.contains(&k.as_str()) {
            return Err(format!("unknown key `{k}` in expect"));
        }
    }
    let required: &[&str] = match want.get("outcome").and_then(Value::as_str) {
        Some("created") => &["connector_customer_id", "replayed"],
        Some("token") => &[],
        Some(other) => return Err(format!("unknown outcome `{other}`")),
        None if want.get("kind").and_then(Value::as_str) == Some("already_exists") => {
            &["kind", "retryable", "existing_customer_id"]
        }
        None => &["kind", "retryable"],
    };
    for k in required {
        if !want.contains_key(*k) {
            return Err(format!("expect must say `{k}`"));
        }
    }
    for (k, w) in want.iter().filter(|(k, _)| KEYS.contains(&k.as_str())) {
        let g = got.get(k).unwrap_or(&Value::Null);
        if g != w {
            return Err(format!("`{k}`: expected {w}, read {g}\n  reading: {got}"));
        }
    }
    if got.get("kind").is_some() && got["http_status"] != json!(status) {
        return Err(format!(
            "the error does not keep the HTTP status {status}: {got}"
        ));
    }
    Ok(())
}

fn connector(c: Connector) -> Arc<dyn CreatesCustomers> {
    prism_conformance::arms::test_config(c).into_connector()
}

#[test]
fn every_fixture_is_read_as_it_expects() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for c in prism::compiled_connectors() {
        let conn = connector(c);
        let names = fixture_names(c.as_str());
        assert!(!names.is_empty(), "{c}: no fixtures in tests/fixtures/{c}");
        for name in names {
            let resp = fixtures::fixture(c.as_str(), &name);
            let Some(expect) = expectation(c.as_str(), &name) else {
                let token =
                    conn.token_request().is_some() && resp.is_success() && name.contains("login");
                let suggest: Map<String, Value> = std::iter::once((
                    "first_attempt",
                    reading(&conn, &resp, token, &context("first_attempt")),
                ))
                .chain(
                    CONTEXTS
                        .iter()
                        .map(|x| (*x, reading(&conn, &resp, token, &context(x)))),
                )
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
                problems.push(format!(
                    "{c}/{name}: no `expect`; it reads as {}",
                    Value::Object(suggest)
                ));
                continue;
            };
            let Some(expect) = expect.as_object() else {
                problems.push(format!("{c}/{name}: `expect` is not an object"));
                continue;
            };
            let token = expect.get("outcome").and_then(Value::as_str) == Some("token");
            let mut contexts = vec![("first_attempt", expect)];
            for x in CONTEXTS {
                if let Some(v) = expect.get(*x) {
                    match v.as_object() {
                        Some(o) => contexts.push((x, o)),
                        None => problems.push(format!("{c}/{name}: `{x}` is not an object")),
                    }
                }
            }
            for (ctx, want) in contexts {
                let got = reading(&conn, &resp, token, &context(ctx));
                // (The connector is named by the executor, not here.)
                if got.get("kind").is_some() && got["outcome_unknown"] != json!(false) {
                    problems.push(format!(
                        "{c}/{name} ({ctx}): a reply read is never an unknown outcome: {got}"
                    ));
                }
                if let Err(p) = compare(want, &got, resp.status) {
                    problems.push(format!("{c}/{name} ({ctx}): {p}"));
                }
                checked += 1;
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} fixture problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        checked >= prism::compiled_connectors().len() * 5,
        "only {checked} readings checked"
    );
}

/// The comparison itself can fail: a wrong kind, a missing required key, an unknown key, a lost
/// HTTP status, an `already_exists` without `existing_customer_id`, a created reading expected
/// of an error.
#[test]
fn the_comparison_can_fail() {
    let got = json!({"kind": "authentication", "retryable": false, "http_status": 401,
        "existing_customer_id": null});
    let cases = [
        (
            json!({"kind": "authentication", "retryable": false}),
            401,
            true,
        ),
        (
            json!({"kind": "invalid_request", "retryable": false}),
            401,
            false,
        ),
        (json!({"kind": "authentication"}), 401, false),
        (
            json!({"kind": "authentication", "retryable": false, "typo": 1}),
            401,
            false,
        ),
        (
            json!({"kind": "authentication", "retryable": false}),
            400,
            false,
        ),
        (
            json!({"kind": "already_exists", "retryable": false}),
            401,
            false,
        ),
        (
            json!({"outcome": "created", "connector_customer_id": "x"}),
            200,
            false,
        ),
    ];
    for (want, status, ok) in cases {
        let want = want.as_object().cloned().unwrap_or_default();
        assert_eq!(
            compare(&want, &got, status).is_ok(),
            ok,
            "{want:?} {status}"
        );
    }
}
