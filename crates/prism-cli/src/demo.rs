//! `prism demo`: the product page's onboarding flow on every connector.
//!
//! For each connector: create a customer with the product page's request and show both ids;
//! create it again with the same `merchant_customer_id` to show duplicate handling; show what a
//! bad email returns. By default against the embedded sandbox (loopback only); with `--live`
//! against the processors' own sandbox environments, for connectors whose credentials are set.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use prism::{
    CallOptions, Capabilities, Connector, ConnectorConfig, CustomerClient, CustomerCreateRequest,
    CustomerCreateResponse, DuplicateDetection, Environment, Error, ErrorKind, Idempotency,
    OnDuplicate, ReferenceStorage, UnsupportedFields,
};
use prism_sandbox::Sandbox;

use crate::cli::DemoArgs;
use crate::exit;

/// The product page's example reference; a per-run suffix keeps runs apart.
const EXAMPLE_REFERENCE: &str = "cust_user_12345";
/// An address the email rule rejects.
const BAD_EMAIL: &str = "john.doe.example.com";

/// Runs the demo and returns the exit code: 0 when every flow behaved as expected.
pub async fn run(args: &DemoArgs) -> i32 {
    if args.live {
        run_live().await
    } else {
        run_sandbox().await
    }
}

async fn run_sandbox() -> i32 {
    let sandbox = match Sandbox::start_on(0).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: could not start the embedded sandbox: {e}");
            return exit::FAILURE;
        }
    };
    crate::say!(
        "Prism demo: the customer onboarding flow, against the embedded sandbox at {}",
        sandbox.root_url()
    );
    crate::say!("(loopback only: no account, no network)");

    let compiled = prism::compiled_connectors();
    let emulated: Vec<Connector> = Sandbox::connectors();
    let mut skipped = Vec::new();
    for &c in &emulated {
        if !compiled.contains(&c) {
            skipped.push(format!(
                "{c}: emulated by the sandbox but not compiled into this build"
            ));
        }
    }
    for &c in &compiled {
        if !emulated.contains(&c) {
            skipped.push(format!("{c}: compiled in but not emulated by the sandbox"));
        }
    }

    let run_id = run_id();
    let mut results = Vec::new();
    for c in emulated.iter().copied().filter(|c| compiled.contains(c)) {
        let creds = Sandbox::credentials(c);
        let lookup = move |name: &str| {
            creds
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        };
        let client = ConnectorConfig::from_env_with(c, &lookup).and_then(|config| {
            CustomerClient::builder()
                .connector_config(config)
                .environment(Environment::Sandbox)
                .base_url(sandbox.base_url(c))
                .unsupported_fields(UnsupportedFields::Ignore)
                .deadline(Duration::from_secs(20))
                .build()
        });
        results.push(run_connector(c, client, &run_id).await);
    }
    finish(&results, &skipped)
}

async fn run_live() -> i32 {
    crate::say!("Prism demo: the customer onboarding flow, against each processor's own sandbox environment");
    let run_id = run_id();
    let mut skipped = Vec::new();
    let mut results = Vec::new();
    for c in prism::compiled_connectors() {
        let vars = ConnectorConfig::env_vars(c);
        let missing: Vec<&str> = vars
            .iter()
            .map(String::as_str)
            .filter(|v| std::env::var(v).map_or(true, |s| s.trim().is_empty()))
            .collect();
        if vars.is_empty() || !missing.is_empty() {
            skipped.push(format!("{c}: no credentials (set {})", missing.join(", ")));
            continue;
        }
        let client = ConnectorConfig::from_env(c).and_then(|config| {
            CustomerClient::builder()
                .connector_config(config)
                .environment(Environment::Sandbox)
                .unsupported_fields(UnsupportedFields::Ignore)
                .deadline(Duration::from_secs(60))
                .build()
        });
        results.push(run_connector(c, client, &run_id).await);
    }
    if results.is_empty() {
        crate::say!();
        crate::say!("No connector has its PRISM_<CONNECTOR>_* credentials set, so nothing ran.");
    }
    finish(&results, &skipped)
}

/// The summary; the exit code.
fn finish(results: &[ConnectorResult], skipped: &[String]) -> i32 {
    crate::say!();
    crate::say!("Summary");
    for r in results {
        let verdict = if r.passed == r.total {
            "as expected"
        } else {
            "NOT as expected"
        };
        crate::say!(
            "  {:<16} {}/{} steps {verdict}",
            r.connector.as_str(),
            r.passed,
            r.total
        );
    }
    for s in skipped {
        crate::say!("  skipped  {s}");
    }
    if results.is_empty() {
        return exit::FAILURE;
    }
    if results.iter().all(|r| r.passed == r.total) {
        exit::SUCCESS
    } else {
        exit::FAILURE
    }
}

struct ConnectorResult {
    connector: Connector,
    passed: usize,
    total: usize,
}

struct Tally {
    passed: usize,
    total: usize,
}

impl Tally {
    fn record(&mut self, ok: bool, line: &str) {
        self.total += 1;
        if ok {
            self.passed += 1;
        }
        let mark = if ok { "ok" } else { "UNEXPECTED" };
        crate::say!("     [{mark}] {line}");
    }
}

/// The product page's request with `reference`.
fn example_request(reference: &str) -> CustomerCreateRequest {
    CustomerCreateRequest::new(reference)
        .email("john.doe@example.com")
        .name("John Doe")
        .phone("+1-555-123-4567")
        .description("Premium plan subscriber")
}

async fn run_connector(
    c: Connector,
    client: Result<CustomerClient, Error>,
    run_id: &str,
) -> ConnectorResult {
    crate::say!();
    crate::say!("== {} ({c}) ==", c.display_name());
    let mut tally = Tally {
        passed: 0,
        total: 0,
    };
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            tally.record(
                false,
                &format!("could not build the client: {}", describe(&e)),
            );
            return ConnectorResult {
                connector: c,
                passed: tally.passed,
                total: tally.total,
            };
        }
    };
    let caps = client.capabilities();
    crate::say!(
        "   reference stored in: {}; duplicates: {}; idempotency: {}",
        storage(caps),
        duplicates(caps),
        idempotency(caps)
    );

    let reference = reference_for(run_id, caps.limits.merchant_customer_id_max);

    // 1. Create.
    crate::say!("  1. create {reference} (the product page's request)");
    let first = client.create(example_request(&reference)).await;
    let first_id = match &first {
        Ok(r) => {
            show_created(r);
            let ok = r.merchant_customer_id == reference
                && !r.connector_customer_id.is_empty()
                && !r.existing;
            tally.record(ok, "customer created; store both ids");
            Some(r.connector_customer_id.clone())
        }
        Err(e) => {
            tally.record(false, &format!("create failed: {}", describe(e)));
            None
        }
    };

    // 2. Create again with the same reference.
    crate::say!("  2. create {reference} again (same merchant_customer_id)");
    if let Some(first_id) = &first_id {
        duplicate_step(&client, caps, &reference, first_id, &mut tally).await;
    } else {
        tally.record(false, "skipped: the first create failed");
    }

    // 3. A bad email.
    let bad_reference = format!("{reference}x");
    let bad_reference = truncate(&bad_reference, caps.limits.merchant_customer_id_max);
    crate::say!("  3. create with email \"{BAD_EMAIL}\"");
    match client
        .create(example_request(&bad_reference).email(BAD_EMAIL))
        .await
    {
        Ok(r) => tally.record(
            false,
            &format!("accepted: created {}", r.connector_customer_id),
        ),
        Err(e) => {
            let fields: Vec<String> = e
                .field_errors()
                .iter()
                .map(|f| format!("{} ({}: {})", f.field, f.rule, f.message))
                .collect();
            let sent = e.diagnostics().map_or(0, |d| d.attempts);
            crate::say!(
                "     -> {} {}; fields: {}; requests sent: {sent}",
                code(&e),
                e.kind(),
                if fields.is_empty() {
                    "none".to_owned()
                } else {
                    fields.join(", ")
                }
            );
            let ok = e.kind() == ErrorKind::InvalidRequest
                && e.status_code() == Some(422)
                && e.field_errors().iter().any(|f| f.field == "email")
                && sent == 0;
            tally.record(ok, "rejected before sending, with the field list");
        }
    }

    ConnectorResult {
        connector: c,
        passed: tally.passed,
        total: tally.total,
    }
}

async fn duplicate_step(
    client: &CustomerClient,
    caps: &Capabilities,
    reference: &str,
    first_id: &str,
    tally: &mut Tally,
) {
    let (detected, how) = match caps.duplicate_detection {
        DuplicateDetection::Native(how) | DuplicateDetection::Emulated(how) => (true, how),
        DuplicateDetection::None(why) => (false, why),
    };
    crate::say!("     capability matrix: {how}");
    let again = client.create(example_request(reference)).await;
    if !detected {
        match again {
            Ok(r) => {
                crate::say!(
                    "     -> {} created a second customer {}",
                    r.status_code,
                    r.connector_customer_id
                );
                tally.record(
                    r.connector_customer_id != first_id,
                    "the capability matrix says this processor cannot detect duplicates",
                );
            }
            Err(e) => tally.record(false, &format!("failed: {}", describe(&e))),
        }
        return;
    }
    match again {
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            let existing = e.existing_customer_id();
            crate::say!(
                "     -> {} {}; existing customer: {}",
                code(&e),
                e.kind(),
                existing.unwrap_or("(not reported by the processor)")
            );
            tally.record(
                e.status_code() == Some(409) && existing.is_none_or(|id| id == first_id),
                "duplicate reported as already_exists",
            );
            // The same call with OnDuplicate::ReturnExisting.
            let options = CallOptions {
                on_duplicate: Some(OnDuplicate::ReturnExisting),
                ..CallOptions::default()
            };
            match client
                .create_with(example_request(reference), options)
                .await
            {
                Ok(r) => {
                    crate::say!(
                        "     -> with --on-duplicate return-existing: {} {} (existing: {})",
                        r.status_code,
                        r.connector_customer_id,
                        r.existing
                    );
                    tally.record(
                        r.existing && r.connector_customer_id == first_id,
                        "existing customer returned",
                    );
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists && existing.is_none() => {
                    crate::say!("     -> with --on-duplicate return-existing: {} (the processor does not say which)", e.kind());
                }
                Err(e) => tally.record(false, &format!("return-existing failed: {}", describe(&e))),
            }
        }
        // Some processors answer an identical repeat of an idempotent create with the stored
        // reply, unmarked: no second customer exists, but Prism cannot tell it was a repeat.
        Ok(r) if r.connector_customer_id == first_id => {
            crate::say!(
                "     -> {} the same customer {} again (replayed: {}, existing: {})",
                r.status_code,
                r.connector_customer_id,
                r.diagnostics.replayed,
                r.existing
            );
            tally.record(
                true,
                "no second customer: the processor returned the first one",
            );
        }
        Ok(r) => {
            crate::say!(
                "     -> {} a second customer {}",
                r.status_code,
                r.connector_customer_id
            );
            tally.record(
                false,
                "a duplicate was created although the capability matrix says it is detected",
            );
        }
        Err(e) => tally.record(false, &format!("failed: {}", describe(&e))),
    }
}

fn show_created(r: &CustomerCreateResponse) {
    let status = serde_json::to_value(r.status).ok();
    crate::say!(
        "     -> {} {}",
        r.status_code,
        status.as_ref().and_then(|s| s.as_str()).unwrap_or("?")
    );
    crate::say!("        merchant_customer_id:  {}", r.merchant_customer_id);
    crate::say!("        connector_customer_id: {}", r.connector_customer_id);
    if let Some(id) = &r.diagnostics.request_id {
        crate::say!("        processor request id:  {id}");
    }
    if r.diagnostics.unstored_fields.is_empty() {
        crate::say!("        every field was stored");
    } else {
        crate::say!(
            "        not stored by this processor: {}",
            r.diagnostics.unstored_fields.join(", ")
        );
    }
}

/// `422`, `409`, … or `-` for errors that never reached a processor.
fn code(e: &Error) -> String {
    e.status_code()
        .map_or_else(|| "-".to_owned(), |s| s.to_string())
}

/// One line about an error: status, kind, message (already scrubbed by Prism).
fn describe(e: &Error) -> String {
    let mut s = format!("{} {}: {}", code(e), e.kind(), e.message());
    if let Some(c) = e.connector_code() {
        s.push_str(&format!(" (processor code {c})"));
    }
    s
}

fn storage(caps: &Capabilities) -> String {
    match caps.reference_storage {
        ReferenceStorage::Native(f) => format!("`{f}`"),
        ReferenceStorage::Metadata(f) => format!("`{f}` (metadata)"),
        ReferenceStorage::None => "nowhere".to_owned(),
    }
}

fn duplicates(caps: &Capabilities) -> &'static str {
    match caps.duplicate_detection {
        DuplicateDetection::Native(_) => "native",
        DuplicateDetection::Emulated(_) => "emulated",
        DuplicateDetection::None(_) => "not detectable",
    }
}

fn idempotency(caps: &Capabilities) -> String {
    match caps.idempotency {
        Idempotency::Header(h) => format!("`{h}` header"),
        Idempotency::BodyField(f) => format!("`{f}` body field"),
        Idempotency::None => "none".to_owned(),
    }
}

/// A short random id for this run (so repeated live runs never collide).
fn run_id() -> String {
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    let mut n = h.finish();
    let alphabet = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut s = String::new();
    for _ in 0..8 {
        s.push(char::from(alphabet[usize::try_from(n % 36).unwrap_or(0)]));
        n /= 36;
    }
    s
}

/// `cust_user_12345_<run id>`, cut to the connector's limit (Authorize.net allows 20).
fn reference_for(run_id: &str, max: usize) -> String {
    truncate(&format!("{EXAMPLE_REFERENCE}_{run_id}"), max)
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max.max(1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_fit_the_connector() {
        let id = run_id();
        assert_eq!(id.len(), 8);
        assert!(reference_for(&id, 255).starts_with("cust_user_12345_"));
        assert_eq!(reference_for(&id, 20).len(), 20);
        assert_ne!(run_id(), run_id());
    }
}
