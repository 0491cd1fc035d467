//! `prism customers import` end to end: the built binary against the embedded sandbox on
//! loopback. Nothing here asserts a duration: progress is observed in the sandbox's store.
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use prism::Connector;
use prism_cli::exit;
use prism_sandbox::{Fault, FaultMix, Sandbox};
use serde_json::Value;

mod common;
use common::{prism, stripe_key};

/// A sandbox with its own runtime (one per test, so stores and faults do not mix).
struct Emulator {
    sandbox: Option<Sandbox>,
    _rt: tokio::runtime::Runtime,
}

impl Emulator {
    fn start() -> Emulator {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sandbox = rt.block_on(Sandbox::start()).unwrap();
        Emulator {
            sandbox: Some(sandbox),
            _rt: rt,
        }
    }

    fn sb(&self) -> &Sandbox {
        self.sandbox.as_ref().unwrap()
    }

    fn url(&self) -> String {
        self.sb().base_url(Connector::Stripe)
    }

    fn count(&self, reference: &str) -> usize {
        self.sb().count_by_reference(Connector::Stripe, reference)
    }

    fn stored(&self) -> usize {
        self.sb().customers(Connector::Stripe).len()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // The server's tasks belong to the runtime: stop the server before the runtime goes.
        drop(self.sandbox.take());
    }
}

/// A fresh directory for one test's files.
fn dir(tag: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "prism-import-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A sandbox, a fresh directory, and the path of the input file `name` in it.
fn setup(tag: &str, name: &str) -> (Emulator, PathBuf, PathBuf) {
    let d = dir(tag);
    let file = d.join(name);
    (Emulator::start(), d, file)
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::File::create(path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
}

fn import(em: &Emulator, file: &Path, extra: &[&str]) -> Command {
    let mut cmd = prism();
    cmd.args(["customers", "import", "--connector", "stripe", "--base-url"])
        .arg(em.url())
        .arg(file)
        .args(["--rate", "100000/s", "--progress-every", "1"])
        .args(extra)
        .env("PRISM_STRIPE_API_KEY", stripe_key());
    cmd
}

fn run(cmd: &mut Command) -> (Output, String) {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stderr)
}

fn results(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn by_reference(lines: &[Value]) -> HashMap<String, Vec<&Value>> {
    let mut m: HashMap<String, Vec<&Value>> = HashMap::new();
    for l in lines {
        if let Some(r) = l["merchant_customer_id"].as_str() {
            m.entry(r.to_owned()).or_default().push(l);
        }
    }
    m
}

fn summary(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or("{}")).unwrap()
}

/// `n` valid CSV rows with personal data in every column.
fn csv_rows(prefix: &str, n: usize) -> String {
    let mut s = String::from("merchant_customer_id,email,name,phone,description,metadata.plan,address.line1,address.city,address.postal_code,address.country\n");
    for i in 0..n {
        s.push_str(&format!(
            "{prefix}_{i},person{i}@example.com,\"Person {i}, Jr\",+1-555-010-{:04},Imported,gold,{i} Main St,Springfield,9{i:04},US\n",
            i % 10_000
        ));
    }
    s
}

fn assert_no_personal_data(texts: &[&str], n: usize) {
    for t in texts {
        for i in 0..n {
            for needle in [format!("person{i}@example.com"), format!("Person {i}, Jr")] {
                assert!(
                    !t.contains(&needle),
                    "personal data `{needle}` printed:\n{t}"
                );
            }
        }
        assert!(!t.contains("+1-555-010-"), "a phone number printed:\n{t}");
        assert!(!t.contains(stripe_key()), "the API key printed");
    }
}

#[test]
fn csv_rows_are_created_once_with_every_column() {
    let (em, d, file) = setup("csv", "customers.csv");
    write(&file, csv_rows("csv", 30).as_bytes());
    let (out, stderr) = run(&mut import(&em, &file, &[]));
    assert_eq!(out.status.code(), Some(exit::SUCCESS), "{stderr}");
    let out_path = d.join("customers.csv.results.jsonl");
    let lines = results(&out_path);
    assert_eq!(lines.len(), 30);
    let refs = by_reference(&lines);
    for i in 0..30 {
        let r = format!("csv_{i}");
        let l = refs[&r][0];
        assert!(l["connector_customer_id"]
            .as_str()
            .unwrap()
            .starts_with("cus_"));
        assert_eq!(l["existing"], false);
        assert_eq!(l["outcome_unknown"], false);
        assert!(l["error"].is_null());
        assert!(l["attempts"].as_u64().unwrap() >= 1);
        assert_eq!(em.count(&r), 1);
    }
    // Every column reached the processor: metadata, the quoted name with its comma, address.
    let stored = em.sb().customers(Connector::Stripe);
    let c7 = stored
        .iter()
        .find(|c| c.merchant_customer_id.as_deref() == Some("csv_7"))
        .unwrap();
    assert_eq!(c7.email.as_deref(), Some("person7@example.com"));
    assert_eq!(c7.body["name"], "Person 7, Jr");
    assert_eq!(c7.body["metadata"]["plan"], "gold");
    assert_eq!(c7.body["address"]["city"], "Springfield");
    assert_eq!(c7.body["address"]["country"], "US");
    let s = summary(&out);
    assert_eq!(s["created"], 30);
    assert_eq!(s["failed"], 0);
    // Results, progress and summary carry no personal data.
    let results_text = std::fs::read_to_string(&out_path).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_no_personal_data(&[&stderr, &stdout, &results_text], 30);
    assert!(stderr.contains("import finished: created 30"), "{stderr}");
}

#[test]
fn jsonl_rows_parse_and_bad_lines_are_named() {
    let (em, d, file) = setup("jsonl", "customers.jsonl");
    let mut text = Vec::new();
    text.extend_from_slice(
        br#"{"merchant_customer_id": "j_1", "email": "j1@example.com", "name": "Jay One", "address": {"line1": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "US"}, "metadata": {"plan": "gold"}}"#,
    );
    text.extend_from_slice(b"\n\n"); // a blank line (line 2) is skipped
    text.extend_from_slice(br#"{"merchant_customer_id": "j_3", "emial": "j3@example.com"}"#);
    text.push(b'\n');
    text.extend_from_slice(b"{\"merchant_customer_id\": \"j_4\", \"name\": \"J\xff\"}\n");
    text.extend_from_slice(br#"{"merchant_customer_id": "j_5", "email": "j5@example.com"}"#);
    text.push(b'\n');
    // A 10 MB line (line 6): read past, not held, reported.
    text.extend_from_slice(b"{\"merchant_customer_id\": \"j_6\", \"description\": \"");
    text.extend(std::iter::repeat_n(b'x', 10 << 20));
    text.extend_from_slice(b"\"}\n");
    text.extend_from_slice(br#"{"merchant_customer_id": "j_7", "email": "not-an-email"}"#);
    text.push(b'\n');
    text.extend_from_slice(br#"{"merchant_customer_id": "j_1", "email": "again@example.com"}"#);
    text.push(b'\n');
    text.extend_from_slice(br#"{"email": "noref@example.com"}"#);
    text.push(b'\n');
    text.extend_from_slice(br#"{"merchant_customer_id": "j_10", "email": "j10@example.com""#); // torn JSON, no newline
    write(&file, &text);

    let (out, stderr) = run(&mut import(&em, &file, &[]));
    assert_eq!(out.status.code(), Some(exit::IMPORT_INCOMPLETE), "{stderr}");
    let lines = results(&d.join("customers.jsonl.results.jsonl"));
    let row = |n: u64| {
        lines
            .iter()
            .find(|l| l["row"] == n)
            .unwrap_or_else(|| panic!("no row {n}"))
    };
    assert!(row(1)["connector_customer_id"]
        .as_str()
        .unwrap()
        .starts_with("cus_"));
    assert!(row(5)["connector_customer_id"]
        .as_str()
        .unwrap()
        .starts_with("cus_"));
    assert!(
        lines.iter().all(|l| l["row"] != 2),
        "blank line got a result"
    );
    let field = |n: u64| {
        let e = &row(n)["error"];
        assert_eq!(e["kind"], "invalid_request", "row {n}: {e}");
        assert_eq!(row(n)["attempts"], 0);
        (
            e["fields"][0]["field"].as_str().unwrap().to_owned(),
            e["fields"][0]["rule"].as_str().unwrap().to_owned(),
            e["message"].as_str().unwrap().to_owned(),
        )
    };
    let (_, rule, msg) = field(3);
    assert_eq!(rule, "schema");
    assert!(msg.contains("emial") && msg.contains("line 3"), "{msg}");
    assert_eq!(field(4).1, "utf8");
    assert_eq!(field(6).1, "max_length");
    assert_eq!(field(7), ("email".into(), "email".into(), field(7).2));
    let (f, rule, msg) = field(8);
    assert_eq!(
        (f.as_str(), rule.as_str()),
        ("merchant_customer_id", "unique_in_file")
    );
    assert!(msg.contains("row 1"), "{msg}");
    assert_eq!(field(9).1, "required");
    assert_eq!(field(10).1, "json");
    // Sent once: the duplicate did not reach the processor.
    assert_eq!(em.count("j_1"), 1);
    assert_eq!(em.stored(), 2);
    let s = summary(&out);
    assert_eq!(
        (s["created"].as_u64(), s["invalid"].as_u64()),
        (Some(2), Some(7))
    );
    let results_text = std::fs::read_to_string(d.join("customers.jsonl.results.jsonl")).unwrap();
    for secret in [
        "j1@example.com",
        "Jay One",
        "again@example.com",
        "noref@",
        "not-an-email",
    ] {
        assert!(
            !results_text.contains(secret) && !stderr.contains(secret),
            "{secret} printed"
        );
    }
}

#[test]
fn dry_run_reports_every_bad_row_and_sends_nothing() {
    let (em, d, file) = setup("dry", "c.csv");
    let mut text = csv_rows("dry", 3).into_bytes();
    text.extend_from_slice(b"dry_bad,not-an-email,,,,,,,,\n");
    text.extend_from_slice(b"dry_0,x@example.com,,,,,,,,\n");
    text.extend_from_slice(b",y@example.com,,,,,,,,\n");
    text.extend_from_slice(b"dry_utf,z@example.com,N\xe9e,,,,,,,\n");
    text.extend_from_slice(b"dry_short,z@example.com\n");
    text.extend_from_slice(b"dry_country,w@example.com,,,,,,,,USA\n");
    write(&file, &text);
    let (out, stderr) = run(&mut import(&em, &file, &["--dry-run"]));
    assert_eq!(
        out.status.code(),
        Some(prism_cli::exit_code(prism::ErrorKind::InvalidRequest)),
        "{stderr}"
    );
    for expected in [
        "row 4 (line 5), column email: email:",
        "row 5 (line 6), column merchant_customer_id: unique_in_file: repeats the reference of row 1",
        "row 6 (line 7), column merchant_customer_id: required:",
        "row 7 (line 8), column name: utf8:",
        "row 8 (line 9): field_count: has 2 fields, the header has 10",
        "row 9 (line 10), column address.country:",
        "dry run: 9 rows, 3 valid, 6 invalid; nothing was sent",
    ] {
        assert!(stderr.contains(expected), "missing `{expected}` in:\n{stderr}");
    }
    assert_eq!(em.sb().requests_seen(Connector::Stripe), 0);
    assert!(!d.join("c.csv.results.jsonl").exists());
    assert!(!stderr.contains("not-an-email") && !stderr.contains("y@example.com"));
}

#[test]
fn file_level_errors_stop_before_sending() {
    let em = Emulator::start();
    let d = dir("fatal");
    let cases: [(&str, &[u8], &str); 5] = [
        (
            "unknown.csv",
            b"merchant_customer_id,emial\nc1,a@example.com\n",
            "header (line 1), column 2 `emial`: unknown column",
        ),
        (
            "noref.csv",
            b"email,name\na@example.com,A\n",
            "no merchant_customer_id column",
        ),
        (
            "repeat.csv",
            b"merchant_customer_id,email,email\nc1,a@example.com,b@example.com\n",
            "column 3 `email`: repeats column 2",
        ),
        ("empty.csv", b"", "no header row"),
        (
            "header.csv",
            b"merchant_customer_id,n\xffme\nc1,x\n",
            "column 2: not UTF-8",
        ),
    ];
    for (name, bytes, expected) in cases {
        let file = d.join(name);
        write(&file, bytes);
        let (out, stderr) = run(&mut import(&em, &file, &[]));
        assert_eq!(out.status.code(), Some(10), "{name}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{name}: `{expected}` not in {stderr}"
        );
        assert!(stderr.contains("nothing was sent"), "{stderr}");
    }
    // A CSV record that never ends (an unclosed quote over 10 MB) is named, and nothing sent.
    let file = d.join("huge.csv");
    let mut bytes = b"merchant_customer_id,description\nc1,ok\nc2,\"".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 10 << 20));
    write(&file, &bytes);
    let (out, stderr) = run(&mut import(&em, &file, &[]));
    assert_eq!(out.status.code(), Some(10), "{stderr}");
    assert!(
        stderr.contains("row 2 (line 3): longer than 1 MiB"),
        "{stderr}"
    );
    assert_eq!(em.sb().requests_seen(Connector::Stripe), 0);
    // No format from an unknown extension: a usage error.
    let file = d.join("c.txt");
    write(&file, b"x");
    let (out, stderr) = run(&mut import(&em, &file, &[]));
    assert_eq!(out.status.code(), Some(exit::USAGE), "{stderr}");
    assert!(stderr.contains("--format"), "{stderr}");
}

#[test]
fn resume_after_a_partial_results_file_with_a_torn_last_line() {
    let (em, d, file) = setup("resume", "c.csv");
    let n = 50;
    write(&file, csv_rows("res", n).as_bytes());
    let out_path = d.join("c.csv.results.jsonl");
    let (out, stderr) = run(&mut import(&em, &file, &[]));
    assert_eq!(out.status.code(), Some(exit::SUCCESS), "{stderr}");
    // As if killed: only 20 lines made it to disk, the 21st half-written. The other 30 rows
    // were created at the processor but their results are lost.
    let text = std::fs::read_to_string(&out_path).unwrap();
    let first_ids: HashMap<String, String> = results(&out_path)
        .iter()
        .map(|l| {
            (
                l["merchant_customer_id"].as_str().unwrap().to_owned(),
                l["connector_customer_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut partial: String = text.lines().take(20).map(|l| format!("{l}\n")).collect();
    let torn = text.lines().nth(20).unwrap();
    partial.push_str(&torn[..torn.len() / 2]);
    std::fs::write(&out_path, partial).unwrap();

    // Without --resume the file is not overwritten.
    let (out, stderr) = run(&mut import(&em, &file, &[]));
    assert_eq!(out.status.code(), Some(exit::USAGE), "{stderr}");
    assert!(stderr.contains("--resume"), "{stderr}");

    let seen_before = em.sb().requests_seen(Connector::Stripe);
    let (out, stderr) = run(&mut import(&em, &file, &["--resume"]));
    assert_eq!(out.status.code(), Some(exit::SUCCESS), "{stderr}");
    assert!(stderr.contains("1 unreadable lines dropped"), "{stderr}");
    // Only the 30 unrecorded rows were sent again, and replayed: no second customer.
    assert_eq!(em.sb().requests_seen(Connector::Stripe) - seen_before, 30);
    let lines = results(&out_path);
    assert_eq!(lines.len(), n, "one line per row");
    let refs = by_reference(&lines);
    for i in 0..n {
        let r = format!("res_{i}");
        assert_eq!(refs[&r].len(), 1, "{r}");
        assert_eq!(
            refs[&r][0]["connector_customer_id"].as_str(),
            Some(first_ids[&r].as_str()),
            "{r}"
        );
        assert_eq!(em.count(&r), 1, "{r} duplicated at the processor");
    }
    assert_eq!(em.stored(), n);
    // The 30 re-sent rows had been created by the first run: the processor replays them, and
    // they are reported as existing, with the first run's id.
    let s = summary(&out);
    assert_eq!(
        (s["created"].as_u64(), s["existing"].as_u64()),
        (Some(20), Some(30)),
        "{s}"
    );
    assert_eq!(s["settled_earlier"], 20);
    // A finished import resumed again sends nothing.
    let seen = em.sb().requests_seen(Connector::Stripe);
    let (out, stderr) = run(&mut import(&em, &file, &["--resume"]));
    assert_eq!(out.status.code(), Some(exit::SUCCESS), "{stderr}");
    assert_eq!(em.sb().requests_seen(Connector::Stripe), seen);
    assert_eq!(results(&out_path).len(), n);
}

fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    // A guard against hanging forever, not a timing assertion.
    let give_up = Instant::now() + Duration::from_secs(120);
    while !cond() {
        assert!(Instant::now() < give_up, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn sigint(child: &Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn sigint_finishes_the_creates_in_flight_and_records_them() {
    let (em, d, file) = setup("sigint", "c.csv");
    let n = 400;
    write(&file, csv_rows("int", n).as_bytes());
    // Every create waits 300 ms at the processor, so creates are in flight when SIGINT comes.
    em.sb().faults().set_random(
        Some(Connector::Stripe),
        FaultMix {
            seed: 1,
            faults: vec![(Fault::Latency(Duration::from_millis(300)), 1.0)],
        },
    );
    let child = import(&em, &file, &["--concurrency", "8"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("some creates", || {
        em.sb().requests_seen(Connector::Stripe) >= 16
    });
    sigint(&child);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(exit::INTERRUPTED), "{stderr}");
    assert!(stderr.contains("interrupted: finishing the"), "{stderr}");
    // Progress lines were printed (stderr is not a terminal here), with counts only.
    assert!(
        stderr.contains("import: ") && stderr.contains("rows/s"),
        "{stderr}"
    );
    assert_no_personal_data(&[&stderr], n);
    assert_eq!(summary(&out)["interrupted"], true);
    let out_path = d.join("c.csv.results.jsonl");
    let lines = results(&out_path);
    // Every create that reached the processor is recorded, and nothing else.
    let stored = em.stored();
    assert!(stored >= 16 && stored < n, "stored {stored}");
    assert_eq!(lines.len(), stored, "{stderr}");
    for l in &lines {
        let r = l["merchant_customer_id"].as_str().unwrap();
        assert_eq!(em.count(r), 1);
        assert!(l["connector_customer_id"].as_str().is_some(), "{l}");
    }
    // And the rest follows on resume.
    em.sb().faults().clear();
    let (out, stderr) = run(&mut import(&em, &file, &["--resume"]));
    assert_eq!(out.status.code(), Some(exit::SUCCESS), "{stderr}");
    let lines = results(&out_path);
    assert_eq!(lines.len(), n);
    assert_eq!(by_reference(&lines).len(), n);
    assert_eq!(em.stored(), n);
}

#[test]
fn shards_cover_every_row_exactly_once() {
    let (em, d, file) = setup("shard", "c.csv");
    let n = 90;
    let mut text = csv_rows("sh", n);
    text.push_str(",noref@example.com,,,,,,,,\n");
    write(&file, text.as_bytes());
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut invalid = 0;
    for i in 1..=3 {
        let out_path = d.join(format!("shard{i}.jsonl"));
        let shard = format!("{i}/3");
        let (out, stderr) = run(&mut import(
            &em,
            &file,
            &["--shard", &shard, "--out", out_path.to_str().unwrap()],
        ));
        let lines = results(&out_path);
        assert!(
            !lines.is_empty() && lines.len() < n,
            "shard {i}: {}",
            lines.len()
        );
        for l in &lines {
            match l["merchant_customer_id"].as_str() {
                Some(r) => *seen.entry(r.to_owned()).or_default() += 1,
                None => invalid += 1,
            }
        }
        let expected = if i == 1 {
            exit::IMPORT_INCOMPLETE
        } else {
            exit::SUCCESS
        };
        assert_eq!(out.status.code(), Some(expected), "{stderr}");
    }
    assert_eq!(seen.len(), n);
    assert!(seen.values().all(|&c| c == 1));
    assert_eq!(
        invalid, 1,
        "the row without a reference is reported by shard 1 only"
    );
    assert_eq!(em.stored(), n);
}

#[test]
fn a_429_slows_the_whole_import_and_the_rows_still_go_through() {
    let (em, d, file) = setup("429", "c.csv");
    write(&file, csv_rows("rl", 20).as_bytes());
    for _ in 0..3 {
        em.sb().faults().push(
            Some(Connector::Stripe),
            Fault::RateLimit {
                retry_after_secs: Some(1),
            },
        );
    }
    // No library retries: each 429 reaches the importer, which pauses everyone and tries again.
    let (out, stderr) = run(&mut import(&em, &file, &["--max-retries", "0"]));
    assert_eq!(out.status.code(), Some(exit::SUCCESS), "{stderr}");
    let s = summary(&out);
    assert_eq!(s["created"], 20);
    assert_eq!(s["rate_limit_slowdowns"], 3, "{s}");
    assert_eq!(em.stored(), 20);
    let lines = results(&d.join("c.csv.results.jsonl"));
    let attempts: u64 = lines.iter().map(|l| l["attempts"].as_u64().unwrap()).sum();
    assert_eq!(attempts, 23, "the three 429s are counted on their rows");
}

#[test]
fn default_pace_comes_from_the_connector() {
    let (em, _dir, file) = setup("pace", "c.csv");
    write(&file, csv_rows("pace", 1).as_bytes());
    let mut cmd = prism();
    cmd.args(["customers", "import", "--connector", "stripe", "--base-url"])
        .arg(em.url())
        .arg(&file)
        .env("PRISM_STRIPE_API_KEY", stripe_key());
    let (out, stderr) = run(&mut cmd);
    assert_eq!(out.status.code(), Some(exit::SUCCESS), "{stderr}");
    assert!(
        stderr.contains("at 25/s (docs.stripe.com/rate-limits"),
        "{stderr}"
    );
    // Credentials only from the environment: without them, a configuration error, nothing sent.
    let mut cmd = prism();
    cmd.args([
        "customers",
        "import",
        "--connector",
        "stripe",
        "--resume",
        "--base-url",
    ])
    .arg(em.url())
    .arg(&file);
    let (out, stderr) = run(&mut cmd);
    assert_eq!(out.status.code(), Some(21), "{stderr}");
    assert!(stderr.contains("PRISM_STRIPE_API_KEY"), "{stderr}");
    assert_eq!(
        em.sb().requests_seen(Connector::Stripe),
        1,
        "only the first run sent"
    );
}

#[test]
fn unknown_outcomes_are_reconciled_or_left_to_resume() {
    let (em, d, file) = setup("unknown", "c.csv");
    write(&file, csv_rows("unk", 6).as_bytes());
    // Row 1: stored, then the connection drops (no retries): the lookup by reference finds it.
    // Row 2: a 500 before storing: Stripe says do not retry, its search finds nothing and
    // proves nothing, so the outcome stays unknown.
    em.sb()
        .faults()
        .push(Some(Connector::Stripe), Fault::ResetAfterStore);
    em.sb()
        .faults()
        .push(Some(Connector::Stripe), Fault::Status(500));
    let (out, stderr) = run(&mut import(
        &em,
        &file,
        &["--max-retries", "0", "--concurrency", "1"],
    ));
    assert_eq!(out.status.code(), Some(exit::IMPORT_INCOMPLETE), "{stderr}");
    assert!(
        stderr.contains("reconciling 1 unknown outcomes"),
        "{stderr}"
    );
    let out_path = d.join("c.csv.results.jsonl");
    let lines = results(&out_path);
    let refs = by_reference(&lines);
    let first = refs["unk_0"][0];
    assert_eq!(first["reconciled"], true, "{first}");
    assert!(first["connector_customer_id"].as_str().is_some());
    let second = refs["unk_1"][0];
    assert_eq!(second["outcome_unknown"], true, "{second}");
    assert_eq!(second["error"]["kind"], "processor_unavailable");
    let s = summary(&out);
    assert_eq!(
        (s["created"].as_u64(), s["unknown"].as_u64()),
        (Some(5), Some(1))
    );
    // --resume sends the unknown row again under the same key: created once.
    let (out, stderr) = run(&mut import(&em, &file, &["--resume"]));
    assert_eq!(out.status.code(), Some(exit::SUCCESS), "{stderr}");
    let lines = results(&out_path);
    assert_eq!(lines.len(), 6);
    for i in 0..6 {
        assert_eq!(em.count(&format!("unk_{i}")), 1);
    }
}

#[test]
fn without_idempotency_a_create_in_flight_at_a_crash_is_never_resent() {
    // Stax has no idempotency and no unique reference: a second send is a second customer.
    let (em, d, file) = setup("stax", "c.csv");
    write(&file, csv_rows("stax", 5).as_bytes());
    let stax = |extra: &[&str]| {
        let mut cmd = prism();
        cmd.args(["customers", "import", "--connector", "stax", "--base-url"])
            .arg(em.sb().base_url(Connector::Stax))
            .arg(&file)
            .args(["--rate", "100000/s", "--unsupported-fields", "ignore"])
            .args(extra);
        for (k, v) in Sandbox::credentials(Connector::Stax) {
            cmd.env(k, v);
        }
        cmd
    };
    let (out, stderr) = run(&mut stax(&[]));
    assert_eq!(out.status.code(), Some(exit::SUCCESS), "{stderr}");
    let out_path = d.join("c.csv.results.jsonl");
    assert!(d.join("c.csv.results.jsonl.inflight").exists());
    // As if killed: the lines of the last two rows never reached the disk, although their
    // customers were created.
    let text = std::fs::read_to_string(&out_path).unwrap();
    let kept: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    std::fs::write(&out_path, kept).unwrap();
    let seen = em.sb().requests_seen(Connector::Stax);
    let (out, stderr) = run(&mut stax(&["--resume"]));
    assert_eq!(out.status.code(), Some(exit::IMPORT_INCOMPLETE), "{stderr}");
    assert!(
        stderr.contains("2 creates in flight when the last run stopped recorded as unknown"),
        "{stderr}"
    );
    // Nothing was sent again, and no customer was duplicated.
    assert_eq!(em.sb().requests_seen(Connector::Stax), seen);
    for i in 0..5 {
        assert_eq!(
            em.sb()
                .count_by_reference(Connector::Stax, &format!("stax_{i}")),
            1
        );
    }
    let lines = results(&out_path);
    assert_eq!(lines.len(), 5);
    let unknown: Vec<&Value> = lines
        .iter()
        .filter(|l| l["outcome_unknown"] == true)
        .collect();
    assert_eq!(unknown.len(), 2);
    assert!(unknown[0]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("check at the processor"));
    // And a further resume keeps them unknown rather than sending them.
    let (out, stderr) = run(&mut stax(&["--resume"]));
    assert_eq!(out.status.code(), Some(exit::IMPORT_INCOMPLETE), "{stderr}");
    assert_eq!(em.sb().requests_seen(Connector::Stax), seen);
    assert_eq!(summary(&out)["unknown"], 2);
}

#[test]
fn a_second_sigint_stops_at_once_and_leaves_the_creates_in_flight_to_resume() {
    use std::io::BufRead as _;
    let (em, d, file) = setup("sigint2", "c.csv");
    write(&file, csv_rows("int2", 50).as_bytes());
    // Creates that take two minutes at the processor: still in flight when Ctrl-C comes twice.
    em.sb().faults().set_random(
        Some(Connector::Stripe),
        FaultMix {
            seed: 1,
            faults: vec![(Fault::Latency(Duration::from_secs(120)), 1.0)],
        },
    );
    let mut child = import(
        &em,
        &file,
        &["--concurrency", "4", "--timeout-ms", "600000"],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    wait_until("four creates in flight", || {
        em.sb().requests_seen(Connector::Stripe) >= 4
    });
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line);
        }
    });
    sigint(&child);
    let mut text = String::new();
    for line in rx.iter() {
        text.push_str(&line);
        text.push('\n');
        if line.starts_with("interrupted: finishing the 4 creates in flight") {
            break;
        }
    }
    sigint(&child);
    let status = child.wait().unwrap();
    reader.join().unwrap();
    text.extend(rx.try_iter().map(|l| l + "\n"));
    assert_eq!(status.code(), Some(exit::INTERRUPTED), "{text}");
    assert!(
        text.contains(
            "interrupted again: stopping now; the 4 creates in flight are left to --resume"
        ),
        "{text}"
    );
    // None of them finished, so none is recorded: --resume sends them again (same key).
    assert!(results(&d.join("c.csv.results.jsonl")).is_empty());
    assert!(text.contains("not done 50"), "{text}");
}
