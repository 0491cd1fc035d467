//! End-to-end tests of the `prism` binary against the embedded sandbox.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use prism::{Connector, ErrorKind};
use prism_cli::exit_code;
use prism_sandbox::Sandbox;
use serde_json::Value;

mod common;
use common::{prism, stripe_key};

/// One sandbox for the whole test binary, served by a runtime that outlives every test.
fn stripe_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let sandbox = Sandbox::start_on(0).await.unwrap();
                tx.send(sandbox.base_url(Connector::Stripe).to_string())
                    .unwrap();
                // Serve until the test process exits.
                std::future::pending::<()>().await;
            });
        });
        rx.recv().unwrap()
    })
}

fn create(args: &[&str]) -> Command {
    let mut cmd = prism();
    cmd.args([
        "customers",
        "create",
        "--connector",
        "stripe",
        "--base-url",
        stripe_url(),
    ])
    .args(args)
    .env("PRISM_STRIPE_API_KEY", stripe_key());
    cmd
}

fn unique(tag: &str) -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("cust_{tag}_{n}")
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The JSON document at the end of `s` (logs, if any, come before it).
fn json_in(s: &str) -> Value {
    let start = s.find("{\n").unwrap_or_else(|| panic!("no JSON in {s}"));
    serde_json::from_str(&s[start..]).unwrap_or_else(|e| panic!("{e}: {s}"))
}

fn assert_no_key(out: &Output) {
    let (stdout, stderr) = text(out);
    assert!(
        !stdout.contains(stripe_key()) && !stderr.contains(stripe_key()),
        "API key leaked:\n{stdout}\n{stderr}"
    );
}

#[test]
fn demo_runs_every_emulated_connector() {
    let out = prism().arg("demo").output().unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    for c in Sandbox::connectors().iter() {
        assert!(stdout.contains(c.as_str()), "{c} missing from:\n{stdout}");
    }
    assert!(stdout.contains("422"), "{stdout}");
    assert!(
        stdout.contains("409") || stdout.contains("not detectable"),
        "{stdout}"
    );
    for (_, secret) in Sandbox::connectors()
        .iter()
        .flat_map(|c| Sandbox::credentials(*c).iter())
    {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "credential printed"
        );
    }
}

#[test]
fn create_prints_the_response() {
    let id = unique("flags");
    let out = create(&[
        "--merchant-customer-id",
        &id,
        "--email",
        "john.doe@example.com",
        "--name",
        "John Doe",
        "--phone",
        "+1-555-123-4567",
        "--description",
        "Premium plan subscriber",
        "--metadata",
        "plan=premium",
        "--address-country",
        "US",
        "--max-retries",
        "0",
        "--timeout-ms",
        "10000",
    ])
    .output()
    .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["merchant_customer_id"], id.as_str());
    assert!(
        v["connector_customer_id"]
            .as_str()
            .unwrap()
            .starts_with("cus_"),
        "{v}"
    );
    assert_eq!(v["status"], "ACTIVE");
    assert_eq!(v["connector"], "stripe");
    assert_no_key(&out);
}

#[test]
fn bad_email_exits_with_invalid_request() {
    let out = create(&[
        "--merchant-customer-id",
        &unique("bad"),
        "--email",
        "john.doe.example.com",
    ])
    .output()
    .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(exit_code(ErrorKind::InvalidRequest)),
        "{stdout}\n{stderr}"
    );
    assert!(stdout.is_empty());
    let err = &json_in(&stderr)["error"];
    assert_eq!(err["kind"], "invalid_request");
    assert_eq!(err["status_code"], 422);
    assert!(
        err["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["field"] == "email"),
        "{err}"
    );
    assert_no_key(&out);
}

#[test]
fn missing_credential_exits_with_configuration() {
    let out = prism()
        .args([
            "customers",
            "create",
            "--connector",
            "stripe",
            "--merchant-customer-id",
            "cust_1",
        ])
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(exit_code(ErrorKind::Configuration)),
        "{stderr}"
    );
    let err = &json_in(&stderr)["error"];
    assert_eq!(err["kind"], "configuration");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("PRISM_STRIPE_API_KEY"),
        "{err}"
    );
}

#[test]
fn json_from_stdin_with_flag_override() {
    let id = unique("stdin");
    let doc = serde_json::json!({
        "merchant_customer_id": "overridden",
        "email": "john.doe@example.com",
        "name": "John Doe",
        "phone": "+1-555-123-4567",
        "description": "Premium plan subscriber"
    });
    let mut child = create(&["--json", "-", "--merchant-customer-id", &id])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(doc.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["merchant_customer_id"], id.as_str());
    assert!(v["connector_customer_id"]
        .as_str()
        .unwrap()
        .starts_with("cus_"));
}

#[test]
fn json_with_unknown_field_is_invalid_request() {
    let mut child = create(&["--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"merchant_customer_id": "c1", "emial": "x"}"#)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(exit_code(ErrorKind::InvalidRequest)),
        "{stderr}"
    );
    assert!(json_in(&stderr)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("emial"));
}

#[test]
fn duplicate_exits_with_already_exists_or_returns_existing() {
    let id = unique("dup");
    let first = create(&[
        "--merchant-customer-id",
        &id,
        "--email",
        "john.doe@example.com",
    ])
    .output()
    .unwrap();
    assert_eq!(first.status.code(), Some(0), "{:?}", text(&first));
    let first_id =
        serde_json::from_slice::<Value>(&first.stdout).unwrap()["connector_customer_id"].clone();

    let again = create(&[
        "--merchant-customer-id",
        &id,
        "--email",
        "john.doe@example.com",
    ])
    .output()
    .unwrap();
    let (_, stderr) = text(&again);
    assert_eq!(
        again.status.code(),
        Some(exit_code(ErrorKind::AlreadyExists)),
        "{stderr}"
    );
    assert_eq!(json_in(&stderr)["error"]["status_code"], 409);

    let existing = create(&[
        "--merchant-customer-id",
        &id,
        "--email",
        "john.doe@example.com",
        "--on-duplicate",
        "return-existing",
    ])
    .output()
    .unwrap();
    assert_eq!(existing.status.code(), Some(0), "{:?}", text(&existing));
    let v: Value = serde_json::from_slice(&existing.stdout).unwrap();
    assert_eq!(v["existing"], true);
    assert_eq!(v["connector_customer_id"], first_id);
}

#[test]
fn key_never_printed_even_at_trace() {
    let out = create(&[
        "--log",
        "trace",
        "--merchant-customer-id",
        &unique("trace"),
        "--email",
        "john.doe@example.com",
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert_no_key(&out);
}

#[test]
fn usage_errors_exit_2() {
    let out = prism()
        .args([
            "customers",
            "create",
            "--connector",
            "nosuch",
            "--merchant-customer-id",
            "c",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = prism()
        .args(["customers", "create", "--connector", "stripe"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "merchant id required without --json"
    );
    for lag in ["-1", "soon", "NaN"] {
        let out = prism()
            .args(["sandbox", "--search-lag", lag])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--search-lag {lag}");
    }
}
