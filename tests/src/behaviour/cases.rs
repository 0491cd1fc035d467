//! The behaviour cases (each gated in [`super::all`]).

use std::collections::BTreeMap;
use std::path::Path;

use prism::{
    CallOptions, ConnectorConfig, CustomerClient, CustomerCreateRequest, Environment, ErrorKind,
    FlowContext, Idempotency, OnDuplicate, UnsupportedFields,
};
use prism_connector::FindCustomerRequest;
use prism_sandbox::{Fault, Sandbox};
use prism_testkit::fixtures::{arm_data, fixture_names};
use prism_testkit::leaks::assert_clean;
use prism_testkit::sandbox::{
    all_sandbox_secrets, builder, builder_with, config_from, lookup_in, reqwest, send, wrong_value,
};
use serde_json::Value;

use super::Subject;

/// A client of the subject's emulator that reports unstorable fields instead of refusing them.
fn client(sb: &Sandbox, s: &Subject) -> CustomerClient {
    builder(sb, s.connector)
        .unsupported_fields(UnsupportedFields::Ignore)
        .build()
        .expect("client")
}

/// A request every connector accepts (Authorize.net: references ≤ 20 characters).
pub fn request(reference: &str, email: &str) -> CustomerCreateRequest {
    CustomerCreateRequest::new(reference)
        .email(email)
        .name("John Doe")
        .description("Premium plan subscriber")
}

/// A short reference unique to the subject and `what`.
fn reference(s: &Subject, what: &str) -> String {
    format!("{what}_{}", &s.connector.as_str()[..4])
}

/// Requests the token step adds to the first call (0 or 1).
fn token_requests(s: &Subject) -> usize {
    usize::from(s.has_token_step())
}

/// The connector is wired everywhere a connector must be: an emulator whose credentials are the
/// variables the connector reads and which the sandbox's index lists, a fixtures folder (replies
/// and `arm.json`), `docs.md`, a row in the README's capability matrix.
pub async fn registry(sb: Sandbox, s: Subject) {
    let c = s.connector;
    let name = c.as_str();
    assert!(
        s.emulated(),
        "{c}: no emulator (crates/prism-sandbox/src/emulators/{name}.rs)"
    );
    let mut offered: Vec<&str> = Sandbox::credentials(c).iter().map(|(n, _)| *n).collect();
    let mut read = ConnectorConfig::env_vars(c).to_vec();
    offered.sort_unstable();
    read.sort_unstable();
    assert_eq!(
        offered, read,
        "{c}: the sandbox's credentials are the variables the connector reads"
    );

    let index: Value = reqwest::get(sb.root_url())
        .await
        .expect("index")
        .json()
        .await
        .expect("index JSON");
    let entry = index
        .as_array()
        .and_then(|a| a.iter().find(|e| e["connector"] == name))
        .unwrap_or_else(|| panic!("{c}: not in the sandbox's index"));
    assert_eq!(entry["base_url"], sb.base_url(c));
    for (var, value) in Sandbox::credentials(c) {
        assert_eq!(
            entry["credentials"][var], *value,
            "{c}: index credential {var}"
        );
    }

    assert!(
        !fixture_names(name).is_empty(),
        "{c}: no replies in tests/fixtures/{name}"
    );
    assert!(
        arm_data(name).is_some(),
        "{c}: no tests/fixtures/{name}/arm.json"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    assert!(
        root.join("crates/connectors")
            .join(name)
            .join("docs.md")
            .is_file(),
        "{c}: no crates/connectors/{name}/docs.md"
    );
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    assert!(
        readme.contains(&format!("\n| {} | yes |", c.display_name())),
        "{c}: no capability-matrix row in README.md (cargo xtask codegen)"
    );
}

/// Credentials from `PRISM_<C>_<FIELD>` variables: the connector's own variable names, each
/// missing or blank one named in a `Configuration` error that shows no value, and (against the
/// sandbox) a client built from them that works.
pub async fn credentials_from_env(sb: Sandbox, s: Subject) {
    let c = s.connector;
    let prefix = format!("PRISM_{}_", c.as_str().to_ascii_uppercase());
    let vars = ConnectorConfig::env_vars(c);
    assert!(!vars.is_empty(), "{c}: reads no variables");
    for v in &vars {
        assert!(
            v.starts_with(&prefix),
            "{c}: {v} does not start with {prefix}"
        );
    }
    let creds = crate::arms::credentials(c);
    let values = || creds.iter().map(|(_, v)| *v);
    let config = ConnectorConfig::from_env_with(c, &lookup_in(creds)).expect("test credentials");
    assert_clean(
        &format!("{c} config Debug"),
        &format!("{config:?}"),
        values(),
    );
    for missing in &vars {
        let without: Vec<(&str, &str)> = creds
            .iter()
            .filter(|(n, _)| *n != missing)
            .copied()
            .collect();
        let blank: Vec<(&str, &str)> = creds
            .iter()
            .map(|(n, v)| (*n, if *n == missing { "  " } else { *v }))
            .collect();
        for (what, pairs) in [("missing", without), ("blank", blank)] {
            let e = ConnectorConfig::from_env_with(c, &lookup_in(&pairs))
                .expect_err(&format!("{c}: {what} {missing} accepted"));
            assert_eq!(
                e.kind(),
                ErrorKind::Configuration,
                "{c} {what} {missing}: {e}"
            );
            assert!(
                e.to_string().contains(missing.as_str()),
                "{c}: {what} {missing} not named: {e}"
            );
            assert_clean(
                &format!("{c} config error"),
                &format!("{e} {e:?}"),
                values(),
            );
        }
    }
    if s.emulated() {
        let config = ConnectorConfig::from_env_with(c, &lookup_in(Sandbox::credentials(c)))
            .expect("sandbox credentials");
        creates_with(&sb, &s, config, "env").await;
    }
}

/// A client from `config` creates a customer at the emulator (`tag` names the reference).
async fn creates_with(sb: &Sandbox, s: &Subject, config: ConnectorConfig, tag: &str) {
    let c = s.connector;
    let client = CustomerClient::builder()
        .connector_config(config)
        .base_url(sb.base_url(c))
        .unsupported_fields(UnsupportedFields::Ignore)
        .build()
        .expect("client");
    let reference = reference(s, tag);
    client
        .create(request(&reference, "john.doe@example.com"))
        .await
        .unwrap_or_else(|e| panic!("{c}: a client from credentials by {tag}: {e}"));
    assert_eq!(sb.count_by_reference(c, &reference), 1, "{c}");
}

/// Credentials keyed by the connector's declared field names (what the CLI and the Python
/// binding build from): the sandbox's credentials build a working client; each missing field
/// and an unknown key are `Configuration` errors naming them; no value shows anywhere.
pub async fn credentials_from_map(sb: Sandbox, s: Subject) {
    let c = s.connector;
    let fields = ConnectorConfig::credential_fields(c);
    assert!(!fields.is_empty(), "{c}: declares no credential fields");
    let creds = crate::arms::credentials(c);
    let values = || creds.iter().map(|(_, v)| *v);
    // The same values, keyed by field name instead of environment variable.
    let by_field = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        fields
            .iter()
            .filter_map(|f| {
                let var = f.env_var(c);
                let (_, v) = pairs.iter().find(|(n, _)| *n == var)?;
                Some((f.name.to_owned(), (*v).to_owned()))
            })
            .collect()
    };
    let map = by_field(creds);
    assert_eq!(map.len(), fields.len(), "{c}: arm.json covers every field");
    let config = ConnectorConfig::from_map(c, &map).expect("test credentials by field");
    assert_clean(
        &format!("{c} config Debug"),
        &format!("{config:?}"),
        values(),
    );
    for f in fields.iter().filter(|f| f.required) {
        let mut without = map.clone();
        without.remove(f.name);
        let e =
            ConnectorConfig::from_map(c, &without).expect_err(&format!("{c}: {} missing", f.name));
        assert_eq!(e.kind(), ErrorKind::Configuration, "{c}: {e}");
        assert!(
            e.to_string().contains(f.name),
            "{c}: {} not named: {e}",
            f.name
        );
        assert_clean(
            &format!("{c} config error"),
            &format!("{e} {e:?}"),
            values(),
        );
    }
    // A declared maximum length is refused when the client is built, the value never shown.
    for f in fields.iter().filter(|f| f.max_len.is_some()) {
        let mut long = map.clone();
        long.insert(
            f.name.to_owned(),
            "Q".repeat(f.max_len.unwrap_or_default() + 1),
        );
        let config = ConnectorConfig::from_map(c, &long).expect("a long value is read");
        let built = CustomerClient::builder().connector_config(config).build();
        let e = built.expect_err(&format!("{c}: {} over its maximum length", f.name));
        assert_eq!(e.kind(), ErrorKind::Configuration, "{c}: {e}");
        assert!(
            !e.to_string().contains("QQQQ") && e.to_string().contains(f.name),
            "{c}: {e}"
        );
    }
    let mut typo = map.clone();
    typo.insert("api_kee".to_owned(), "x".to_owned());
    let e = ConnectorConfig::from_map(c, &typo).expect_err(&format!("{c}: unknown key accepted"));
    assert!(e.to_string().contains("api_kee"), "{c}: {e}");
    assert_clean(
        &format!("{c} config error"),
        &format!("{e} {e:?}"),
        values(),
    );
    if s.emulated() {
        let config = ConnectorConfig::from_map(c, &by_field(Sandbox::credentials(c)))
            .expect("sandbox credentials by field");
        creates_with(&sb, &s, config, "map").await;
    }
}

/// A create through the client: the response, and what the emulator stored.
pub async fn create_stores_the_customer(sb: Sandbox, s: Subject) {
    let c = s.connector;
    let resp = client(&sb, &s)
        .create(crate::cases::full_request())
        .await
        .unwrap_or_else(|e| panic!("{c}: {e}"));
    assert_eq!(resp.merchant_customer_id, "cust_user_12345");
    assert_eq!(resp.connector, c);
    assert_eq!(resp.status, prism::CustomerStatus::Active);
    assert!(
        (200..300).contains(&resp.status_code),
        "{c}: {}",
        resp.status_code
    );
    assert_eq!(resp.diagnostics.attempts, 1, "{c}");
    assert!(!resp.existing && !resp.diagnostics.replayed, "{c}");
    let mut unstored = resp.diagnostics.unstored_fields.clone();
    unstored.sort();
    let mut declared: Vec<String> = s
        .caps
        .unsupported_fields
        .iter()
        .map(|f| (*f).to_owned())
        .collect();
    declared.sort();
    assert_eq!(
        unstored, declared,
        "{c}: reported unstored fields are the declared ones"
    );
    assert_eq!(
        resp.diagnostics.request_id.is_some(),
        s.caps.request_id_header.is_some(),
        "{c}: a request id exactly where the connector declares its header"
    );
    if !matches!(s.caps.idempotency, Idempotency::None) {
        assert!(
            resp.diagnostics
                .idempotency_key
                .as_deref()
                .is_some_and(|k| k.starts_with("prism_")),
            "{c}: the derived idempotency key is reported"
        );
    }
    let stored = sb.customers(c);
    assert_eq!(stored.len(), 1, "{c}");
    assert_eq!(stored[0].id, resp.connector_customer_id, "{c}");
    assert_eq!(
        stored[0].merchant_customer_id.as_deref(),
        Some("cust_user_12345"),
        "{c}"
    );
    assert_eq!(
        stored[0].email.as_deref(),
        Some("john.doe@example.com"),
        "{c}"
    );
    assert_eq!(
        sb.requests_seen(c),
        1 + token_requests(&s) + s.checks_before_create(),
        "{c}: requests sent"
    );
    assert_clean(
        &format!("{c} response Debug"),
        &format!("{resp:?}"),
        all_sandbox_secrets(),
    );
}

/// Wrong credentials (each variable in turn, same shape): `Authentication`, not retried, no
/// value in the error, nothing stored. A variable that changes nothing the connector sends (an
/// account prefix choosing the host, which the sandbox's base URL replaces) cannot be wrong at
/// the emulator: it is skipped, with the reason printed.
pub async fn authentication_failure(sb: Sandbox, s: Subject) {
    let c = s.connector;
    let given = Sandbox::credentials(c);
    for (var, value) in given {
        let wrong = wrong_value(value);
        let replaced: Vec<(&str, &str)> = given
            .iter()
            .map(|(n, v)| (*n, if n == var { wrong.as_str() } else { *v }))
            .collect();
        if first_requests(c, given) == first_requests(c, &replaced) {
            eprintln!("[authentication_failure] {c}: {var} skipped: it changes nothing the connector sends (it selects the processor's host, which the sandbox's base URL replaces)");
            continue;
        }
        let before = sb.requests_seen(c);
        let client = builder_with(&sb, c, &[(var, &wrong)])
            .unsupported_fields(UnsupportedFields::Ignore)
            .build()
            .expect("client");
        let e = client
            .create(request(&reference(&s, "auth"), "john.doe@example.com"))
            .await
            .expect_err(&format!("{c}: wrong {var} accepted"));
        assert_eq!(e.kind(), ErrorKind::Authentication, "{c} wrong {var}: {e}");
        assert_eq!(e.status_code(), Some(401), "{c}");
        assert!(!e.is_retryable() && !e.outcome_unknown(), "{c} wrong {var}");
        let sent = sb.requests_seen(c) - before;
        assert!(
            sent <= 2,
            "{c} wrong {var}: {sent} requests (at most one token refresh)"
        );
        assert_clean(
            &format!("{c} error (wrong {var})"),
            &format!("{e} {e:?}"),
            [wrong.as_str(), *value],
        );
        assert!(
            !crate::capture::global().text().contains(&wrong),
            "{c}: the wrong {var} is in the tracing"
        );
    }
    assert!(
        sb.customers(c).is_empty(),
        "{c}: stored with wrong credentials"
    );
}

/// What a connector built from `pairs` sends first (its token step and its create), as text to
/// compare, never to show (it holds the credentials).
fn first_requests(c: prism::Connector, pairs: &[(&str, &str)]) -> String {
    let api = config_from(c, pairs).into_connector();
    let text = |r: Result<prism_connector::HttpRequest, prism::Error>| match r {
        Ok(r) => {
            let headers: Vec<(&str, &str)> = r
                .headers
                .iter()
                .map(|h| (h.name, h.value.as_str()))
                .collect();
            format!(
                "{} {} {headers:?} {:?}",
                r.method.as_str(),
                r.path,
                r.body.bytes()
            )
        }
        Err(e) => e.to_string(),
    };
    let ctx = FlowContext::first(Environment::Sandbox);
    let create = api.build_request(&request("r", "john.doe@example.com"), &ctx);
    format!(
        "{} | {}",
        api.token_request().map(text).unwrap_or_default(),
        text(create)
    )
}

/// Fields the connector declares it cannot store are refused before anything is sent (the
/// default policy): not even a token step reaches the emulator.
pub async fn unsupported_fields_are_refused_before_sending(sb: Sandbox, s: Subject) {
    let c = s.connector;
    let e = builder(&sb, c)
        .build()
        .expect("client")
        .create(crate::cases::full_request())
        .await
        .expect_err(&format!("{c}: unsupported fields accepted"));
    assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{c}: {e}");
    let mut named: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
    let mut declared = s.caps.unsupported_fields.to_vec();
    named.sort_unstable();
    declared.sort_unstable();
    assert_eq!(named, declared, "{c}");
    assert_eq!(sb.requests_seen(c), 0, "{c}: something was sent");
}

/// Every limit the connector declares tighter than SPEC §1's is refused before sending: one
/// request just over each, an `InvalidRequest` naming the field and showing no value, and
/// nothing reaches the emulator. A processor's limits are declared once and checked here.
pub async fn declared_limits_are_enforced_before_sending(sb: Sandbox, s: Subject) {
    let (c, lim, u) = (
        s.connector,
        s.caps.limits,
        prism_connector::FieldLimits::UNIVERSAL,
    );
    let client = builder(&sb, c).build().expect("client");
    let long = |n: usize| "q".repeat(n);
    let r = || CustomerCreateRequest::new("limits_1");
    let a = prism::Address::new;
    let mut over: Vec<(&str, CustomerCreateRequest)> = Vec::new();
    let mut add = |tighter: bool, field, req| tighter.then(|| over.push((field, req)));
    let (id, email) = (lim.merchant_customer_id_max, lim.email_max);
    add(
        id < u.merchant_customer_id_max,
        "merchant_customer_id",
        CustomerCreateRequest::new(long(id + 1)),
    );
    add(
        email < u.email_max,
        "email",
        r().email(format!("{}@example.com", long(email))),
    );
    add(
        lim.name_max < u.name_max,
        "name",
        r().name(long(lim.name_max + 1)),
    );
    if let Some(part) = lim.name_part_max {
        add(true, "name", r().name(format!("Jo {}", long(part + 1))));
    }
    let phone = format!("+1 555 123 4567{}", " ".repeat(lim.phone_max));
    add(lim.phone_max < u.phone_max, "phone", r().phone(phone));
    let description = long(lim.description_max + 1);
    add(
        lim.description_max < u.description_max,
        "description",
        r().description(description),
    );
    let line = lim.address_part_max;
    add(
        line < u.address_part_max,
        "address.line1",
        r().address(a().with_line1(long(line + 1))),
    );
    if let Some(p) = lim.address_parts {
        add(
            true,
            "address.city",
            r().address(a().with_city(long(p.city_max + 1))),
        );
        add(
            true,
            "address.state",
            r().address(a().with_state(long(p.state_max + 1))),
        );
        let postal = long(p.postal_code_max + 1);
        add(
            true,
            "address.postal_code",
            r().address(a().with_postal_code(postal)),
        );
    }
    if let Some(m) = lim.metadata.filter(|m| m.value_max < 500) {
        add(true, "metadata.k", r().metadata("k", long(m.value_max + 1)));
    }
    let unsupported = |field: &str| {
        let top = field.split('.').next().unwrap_or(field);
        s.caps
            .unsupported_fields
            .iter()
            .any(|u| *u == field || *u == top)
    };
    for (field, req) in over.into_iter().filter(|(f, _)| !unsupported(f)) {
        let e = client
            .create(req)
            .await
            .expect_err(&format!("{c}: {field} over its limit"));
        assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{c} {field}: {e}");
        let named = e.field_errors().iter().any(|f| f.field == field);
        assert!(named, "{c}: {field} not named: {:?}", e.field_errors());
        assert!(
            !format!("{e} {e:?}").contains("qqqq"),
            "{c} {field}: the value is shown"
        );
    }
    assert_eq!(sb.requests_seen(c), 0, "{c}: something was sent");
}

/// A second create for the same reference (same data, other data), by the declared duplicate
/// detection: `None` makes a second customer; `Native` / `Emulated` never do — the answer is
/// `AlreadyExists` naming the first customer wherever the processor or a lookup can (then
/// `OnDuplicate::ReturnExisting` returns it), or, for a silent replay of identical data, the
/// same customer.
pub async fn duplicates(sb: Sandbox, s: Subject) {
    let c = s.connector;
    let client = client(&sb, &s);
    let reference = reference(&s, "dup");
    let first = client
        .create(request(&reference, "john.doe@example.com"))
        .await
        .unwrap_or_else(|e| panic!("{c}: {e}"));
    for (what, email) in [
        ("same data", "john.doe@example.com"),
        ("other data", "jane.roe@example.com"),
    ] {
        if what == "other data" && s.keyed_on_contact() {
            // Duplicates keyed on contact data: another e-mail is another customer.
            eprintln!("[duplicates] {c}: other data skipped: detection is keyed on contact data");
            continue;
        }
        let again = client.create(request(&reference, email)).await;
        if !s.detects_duplicates() {
            let second = again.unwrap_or_else(|e| panic!("{c} {what}: {e}"));
            assert_ne!(
                second.connector_customer_id, first.connector_customer_id,
                "{c} {what}"
            );
            assert!(!second.existing, "{c} {what}");
            continue;
        }
        assert_eq!(
            sb.count_by_reference(c, &reference),
            1,
            "{c} {what}: a second customer"
        );
        let e = match again {
            Ok(same) => {
                assert_eq!(what, "same data", "{c}: other data must not succeed");
                assert_eq!(
                    same.connector_customer_id, first.connector_customer_id,
                    "{c}"
                );
                continue;
            }
            Err(e) => e,
        };
        assert_eq!(e.kind(), ErrorKind::AlreadyExists, "{c} {what}: {e}");
        assert_eq!(e.status_code(), Some(409), "{c}");
        let text = format!("{e} {e:?}");
        assert_clean(
            &format!("{c} duplicate error"),
            &text,
            all_sandbox_secrets(),
        );
        assert!(!e.outcome_unknown() && !e.is_retryable(), "{c} {what}");
        let returning = client
            .create_with(
                request(&reference, email),
                CallOptions {
                    on_duplicate: Some(OnDuplicate::ReturnExisting),
                    ..CallOptions::default()
                },
            )
            .await;
        match e.existing_customer_id() {
            Some(id) => {
                assert_eq!(
                    id, first.connector_customer_id,
                    "{c} {what}: wrong customer named"
                );
                let existing =
                    returning.unwrap_or_else(|e| panic!("{c} {what} ReturnExisting: {e}"));
                assert!(existing.existing, "{c} {what}");
                assert_eq!(
                    existing.connector_customer_id, first.connector_customer_id,
                    "{c}"
                );
            }
            None => {
                assert!(
                    !s.names_the_existing_customer(),
                    "{c} {what}: the existing customer is not named although the processor or a lookup can"
                );
                let e = returning.expect_err("ReturnExisting without an id");
                assert_eq!(e.kind(), ErrorKind::AlreadyExists, "{c}: {e}");
            }
        }
    }
    let expected = if s.detects_duplicates() { 1 } else { 3 };
    assert_eq!(sb.count_by_reference(c, &reference), expected, "{c}");
}

/// The answer to a stored create is lost and the call resends (idempotency key or native
/// uniqueness): one customer, and the call reports it as its own (success, `lost_answer`).
/// A separate later call for the reference never makes a second one.
pub async fn idempotent_replay(sb: Sandbox, s: Subject) {
    let c = s.connector;
    let reference = reference(&s, "lost");
    sb.faults().push(Some(c), Fault::ResetAfterStore);
    let r = client(&sb, &s)
        .create(request(&reference, "john.doe@example.com"))
        .await
        .unwrap_or_else(|e| panic!("{c}: {e}"));
    assert!(r.diagnostics.lost_answer && !r.existing, "{c}");
    assert_eq!(r.diagnostics.attempts, 2, "{c}");
    assert_eq!(sb.count_by_reference(c, &reference), 1, "{c}");
    assert_eq!(sb.customers(c)[0].id, r.connector_customer_id, "{c}");
    match client(&sb, &s)
        .create(request(&reference, "john.doe@example.com"))
        .await
    {
        Err(e) => assert_eq!(e.kind(), ErrorKind::AlreadyExists, "{c}: {e}"),
        Ok(again) => assert_eq!(again.connector_customer_id, r.connector_customer_id, "{c}"),
    }
    assert_eq!(sb.count_by_reference(c, &reference), 1, "{c}");
}

/// Without an idempotency mechanism or native uniqueness a create that may have been applied is
/// never resent (outcome unknown instead); a 429, refused before any work, still is.
pub async fn never_resent_without_idempotency(sb: Sandbox, s: Subject) {
    let c = s.connector;
    let client = client(&sb, &s);
    let login = token_requests(&s);
    let stored = reference(&s, "reset");
    // With a lookup, the unknown outcome is settled by it (one GET), never by a resend.
    let lookups = usize::from(s.can_settle());
    let checks = s.checks_before_create();
    sb.faults().push(Some(c), Fault::ResetAfterStore);
    match client.create(request(&stored, &s.email(&stored))).await {
        Ok(r) => {
            assert_eq!(lookups, 1, "{c}: succeeded without an answer or a lookup");
            assert!(
                r.diagnostics.reconciled && r.diagnostics.attempts == 1,
                "{c}: {r:?}"
            );
            assert_eq!(
                sb.customers(c)
                    .iter()
                    .filter(|x| x.id == r.connector_customer_id)
                    .count(),
                1
            );
        }
        Err(e) => {
            assert_eq!(
                lookups, 0,
                "{c}: the lookup did not find the stored customer: {e}"
            );
            assert!(e.outcome_unknown(), "{c}: {e}");
        }
    }
    assert_eq!(
        sb.requests_seen(c),
        login + checks + 1 + lookups,
        "{c}: resent"
    );
    assert_eq!(sb.count_by_reference(c, &stored), 1, "{c}");

    sb.faults().push(Some(c), Fault::Status(500));
    let e = client
        .create(request(&reference(&s, "5xx"), &s.email("5xx")))
        .await
        .expect_err(&format!("{c}: a 500 succeeded"));
    assert_eq!(e.kind(), ErrorKind::ProcessorUnavailable, "{c}: {e}");
    if s.caps.lookup.not_found_is_definite() {
        assert!(!e.outcome_unknown(), "{c}: a strong lookup settles it");
    } else {
        assert!(e.outcome_unknown(), "{c}: a 5xx may have been applied");
    }
    assert_eq!(
        sb.requests_seen(c),
        login + 2 * (checks + 1 + lookups),
        "{c}: a 5xx was resent"
    );

    sb.faults().push(
        Some(c),
        Fault::RateLimit {
            retry_after_secs: None,
        },
    );
    let throttled = reference(&s, "429");
    let r = client
        .create(request(&throttled, &s.email(&throttled)))
        .await
        .unwrap_or_else(|e| panic!("{c}: {e}"));
    assert_eq!(r.diagnostics.attempts, 2, "{c}");
    assert_eq!(sb.count_by_reference(c, &throttled), 1, "{c}");
}

/// The connector's lookup by reference (its own `Flow<FindCustomer>`, sent to the emulator):
/// finds the customer a create stored, and nothing for an unknown reference.
pub async fn lookup_by_reference(sb: Sandbox, s: Subject) {
    let c = s.connector;
    let reference = reference(&s, "find");
    let created = client(&sb, &s)
        .create(request(&reference, "john.doe@example.com"))
        .await
        .unwrap_or_else(|e| panic!("{c}: {e}"));
    let api = config_from(c, Sandbox::credentials(c)).into_connector();
    let token = match api.token_request() {
        Some(req) => {
            let resp = send(&sb, c, &req.expect("token request")).await;
            Some(
                api.parse_token(&resp)
                    .unwrap_or_else(|e| panic!("{c}: token: {e}")),
            )
        }
        None => None,
    };
    let mut ctx = FlowContext::first(Environment::Sandbox);
    if let Some(t) = &token {
        ctx = ctx.with_access_token(&t.token);
    }
    let finder = api.finder().expect("gated on a finder");
    for (wanted, found) in [
        (
            reference.as_str(),
            Some(created.connector_customer_id.as_str()),
        ),
        ("no_such_ref", None),
    ] {
        let req = finder
            .build_request(
                &FindCustomerRequest {
                    merchant_customer_id: wanted.to_owned(),
                },
                &ctx,
            )
            .unwrap_or_else(|e| panic!("{c}: lookup request: {e}"));
        let resp = send(&sb, c, &req).await;
        let got = finder
            .parse_response(&resp, &ctx)
            .unwrap_or_else(|e| panic!("{c}: lookup of {wanted}: {e}"));
        let got = prism::FoundCustomer::pick(got, wanted);
        assert_eq!(got.as_deref(), found, "{c}: lookup of {wanted}");
    }
}

/// A token step: one token for many creates; a token the processor rejects is renewed once.
pub async fn token_step(sb: Sandbox, s: Subject) {
    let c = s.connector;
    let client = client(&sb, &s);
    for i in 0..3 {
        client
            .create(request(
                &reference(&s, &format!("tok{i}")),
                "john.doe@example.com",
            ))
            .await
            .unwrap_or_else(|e| panic!("{c}: {e}"));
    }
    assert_eq!(
        sb.requests_seen(c),
        4,
        "{c}: one token step for three creates"
    );
    sb.faults().push(Some(c), Fault::Status(401));
    client
        .create(request(&reference(&s, "tok3"), "john.doe@example.com"))
        .await
        .unwrap_or_else(|e| panic!("{c}: after a rejected token: {e}"));
    assert_eq!(
        sb.requests_seen(c),
        7,
        "{c}: create (401), token step, create"
    );
    assert_eq!(sb.customers(c).len(), 4, "{c}");
}
