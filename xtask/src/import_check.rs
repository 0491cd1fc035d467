//! `cargo xtask import-check [--rows N] [--concurrency N] [--kill-at F] [--faults SPEC]`
//!
//! The crash-and-resume check of `prism customers import` (not a timed test): generates N rows
//! (default 1,000,000) of CSV, starts the embedded sandbox in this process with injected faults
//! (default 1 % 500s and 1 % connection resets, half before and half after storing), runs the
//! release `prism customers import` against its Stripe emulator, kills it with SIGKILL once
//! about 40 % of the rows reached the emulator, resumes it with `--resume`, then audits:
//! no reference stored twice at the emulator, every row exactly once in the results file, and
//! every recorded outcome agreeing with the store. Rows left unknown (Stripe's 500s carry
//! `Stripe-Should-Retry: false` and its search lags) are resumed again, up to twice, as a user
//! would. Reports the peak RSS of each importer run
//! (`VmHWM`, sampled from /proc) and rows per second.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use prism::Connector;
use prism_sandbox::{FaultMix, Faults, Sandbox};

struct Options {
    rows: u64,
    concurrency: u32,
    kill_at: f64,
    faults: String,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        rows: 1_000_000,
        concurrency: 64,
        kill_at: 0.4,
        faults: "500:0.01,reset-before:0.005,reset-after:0.005".to_owned(),
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--rows" => o.rows = value()?.parse().map_err(|e| format!("--rows: {e}"))?,
            "--concurrency" => {
                o.concurrency = value()?.parse().map_err(|e| format!("--concurrency: {e}"))?
            }
            "--kill-at" => o.kill_at = value()?.parse().map_err(|e| format!("--kill-at: {e}"))?,
            "--faults" => o.faults = value()?,
            other => return Err(format!("unknown flag {other}; usage: cargo xtask import-check [--rows N] [--concurrency N] [--kill-at F] [--faults SPEC]")),
        }
    }
    Ok(o)
}

fn reference(i: u64) -> String {
    format!("imp_{i:07}")
}

/// Writes `rows` customers, personal data in every column, as the importer's CSV.
fn generate(path: &Path, rows: u64) -> Result<(), String> {
    let err = |e: std::io::Error| format!("writing {}: {e}", path.display());
    let mut w = BufWriter::new(File::create(path).map_err(err)?);
    writeln!(w, "merchant_customer_id,email,name,phone,description,metadata.plan,address.city,address.country").map_err(err)?;
    for i in 0..rows {
        writeln!(
            w,
            "{},user{i}@example.com,User {i},+1-555-01{:02}-{:04},Imported customer,{},Springfield,US",
            reference(i),
            i % 100,
            i % 10_000,
            ["free", "pro", "gold"][(i % 3) as usize]
        )
        .map_err(err)?;
    }
    w.flush().map_err(err)
}

/// The process's peak resident set (`VmHWM`) in KiB, while it runs.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

struct Run {
    elapsed: Duration,
    peak_rss_kib: u64,
    exit: Option<i32>,
    summary: String,
}

/// Runs the importer until it exits, or kills it (SIGKILL) once `kill_when` holds.
fn run_import(
    prism: &Path,
    dir: &Path,
    url: &str,
    key: &str,
    o: &Options,
    resume: bool,
    mut kill_when: impl FnMut() -> bool,
) -> Result<Run, String> {
    let tag = if resume { "resume" } else { "first" };
    let stderr = File::create(dir.join(format!("{tag}.stderr"))).map_err(|e| e.to_string())?;
    let stdout = File::create(dir.join(format!("{tag}.stdout"))).map_err(|e| e.to_string())?;
    let mut cmd = Command::new(prism);
    cmd.args([
        "customers",
        "import",
        "--connector",
        "stripe",
        "--base-url",
        url,
    ])
    .arg(dir.join("customers.csv"))
    .args(["--out"])
    .arg(dir.join("results.jsonl"))
    .args([
        "--rate",
        "1000000/s",
        "--concurrency",
        &o.concurrency.to_string(),
        "--progress-every",
        "10",
    ])
    .env("PRISM_STRIPE_API_KEY", key)
    .stdout(stdout)
    .stderr(stderr);
    if resume {
        cmd.arg("--resume");
    }
    let started = Instant::now();
    let mut child: Child = cmd.spawn().map_err(|e| format!("starting prism: {e}"))?;
    let mut peak = 0;
    let exit = loop {
        if let Some(kib) = peak_rss_kib(child.id()) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status.code();
        }
        if kill_when() {
            child.kill().map_err(|e| format!("SIGKILL: {e}"))?;
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let summary = std::fs::read_to_string(dir.join(format!("{tag}.stdout"))).unwrap_or_default();
    Ok(Run {
        elapsed: started.elapsed(),
        peak_rss_kib: peak,
        exit,
        summary: summary.trim().to_owned(),
    })
}

fn count_lines(path: &Path) -> u64 {
    File::open(path).map_or(0, |f| BufReader::new(f).split(b'\n').count() as u64)
}

/// Entry point of `cargo xtask import-check`. The sandbox runs in this process, so a debug
/// xtask hands over to a release build of itself first (a debug emulator would be the
/// bottleneck, not the importer).
pub fn import_check(root: &Path, args: &[String]) -> Result<String, String> {
    let o = parse(args)?;
    if cfg!(debug_assertions) {
        crate::bench::run(
            Command::new(crate::bench::cargo())
                .args([
                    "run",
                    "--release",
                    "--quiet",
                    "-p",
                    "xtask",
                    "--",
                    "import-check",
                ])
                .args(args)
                .current_dir(root),
            "import-check (release)",
        )?;
        return Ok("import-check: passed".into());
    }
    eprintln!("building the release prism binary…");
    crate::bench::run(
        Command::new(crate::bench::cargo())
            .args(["build", "--release", "-p", "prism-cli", "--bin", "prism"])
            .current_dir(root),
        "cargo build --release -p prism-cli",
    )?;
    let prism = root.join("target/release/prism");
    let dir = root.join("target/import-check");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    eprintln!("generating {} rows…", o.rows);
    generate(&dir.join("customers.csv"), o.rows)?;

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let sandbox = rt
        .block_on(Sandbox::start())
        .map_err(|e| format!("sandbox: {e}"))?;
    let faults = Faults::parse_spec(&o.faults)?;
    sandbox
        .faults()
        .set_random(Some(Connector::Stripe), FaultMix { seed: 11, faults });
    let url = sandbox.base_url(Connector::Stripe);
    let key = Sandbox::credentials(Connector::Stripe)
        .iter()
        .find(|(k, _)| *k == "PRISM_STRIPE_API_KEY")
        .map(|(_, v)| *v)
        .ok_or("no sandbox key")?;

    let kill_at = (o.rows as f64 * o.kill_at) as usize;
    eprintln!(
        "importing; SIGKILL once {kill_at} creates reached the emulator (faults {})…",
        o.faults
    );
    let first = run_import(&prism, &dir, &url, key, &o, false, || {
        sandbox.requests_seen(Connector::Stripe) >= kill_at
    })?;
    if first.exit.is_some() {
        return Err(format!(
            "the first run ended by itself ({:?}) before the kill: {}",
            first.exit, first.summary
        ));
    }
    let lines_at_kill = count_lines(&dir.join("results.jsonl"));
    let stored_at_kill = sandbox.requests_seen(Connector::Stripe);
    eprintln!(
        "killed after {:.1} s; resuming…",
        first.elapsed.as_secs_f64()
    );
    let second = run_import(&prism, &dir, &url, key, &o, true, || false)?;
    // Rows still unknown (Stripe's 500s are not retried and its search is eventually
    // consistent) are what a user resumes again: the same idempotency key, so a replay or one
    // create. Up to two more rounds, faults still on.
    let mut rounds = Vec::new();
    let mut last_exit = second.exit;
    while last_exit == Some(3) && rounds.len() < 2 {
        let r = run_import(&prism, &dir, &url, key, &o, true, || false)?;
        last_exit = r.exit;
        rounds.push(r);
    }

    // Audit: the store against the results.
    eprintln!("auditing…");
    sandbox.faults().clear();
    let file = File::open(dir.join("results.jsonl")).map_err(|e| e.to_string())?;
    let mut seen: HashMap<String, (u32, Option<String>, bool)> = HashMap::new();
    let mut lines = 0u64;
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| e.to_string())?;
        lines += 1;
        let v: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| format!("results line {lines}: {e}"))?;
        let r = v["merchant_customer_id"]
            .as_str()
            .ok_or(format!("results line {lines}: no reference"))?
            .to_owned();
        let e = seen.entry(r).or_insert((0, None, false));
        e.0 += 1;
        e.1 = v["connector_customer_id"].as_str().map(str::to_owned);
        e.2 = v["outcome_unknown"].as_bool().unwrap_or(false);
    }
    let (mut duplicates, mut missing_in_results, mut repeated_in_results) = (0u64, 0u64, 0u64);
    let (mut disagreeing, mut unknown) = (0u64, 0u64);
    for i in 0..o.rows {
        let r = reference(i);
        let stored = sandbox.count_by_reference(Connector::Stripe, &r);
        if stored > 1 {
            duplicates += 1;
        }
        match seen.get(&r) {
            None => missing_in_results += 1,
            Some((n, id, is_unknown)) => {
                if *n > 1 {
                    repeated_in_results += 1;
                }
                if *is_unknown {
                    unknown += 1;
                } else if id.is_some() != (stored == 1) {
                    disagreeing += 1;
                }
            }
        }
    }
    let stored_total = sandbox.customers(Connector::Stripe).len();
    let requests = sandbox.requests_seen(Connector::Stripe);
    drop(sandbox);

    let ok = duplicates == 0
        && missing_in_results == 0
        && repeated_in_results == 0
        && disagreeing == 0
        && lines == o.rows
        && matches!(last_exit, Some(0 | 3));
    let total_secs = (first.elapsed + second.elapsed).as_secs_f64();
    let report = format!(
        "import-check: {rows} rows, faults {faults}, concurrency {conc}, release build\n\
         first run: killed (SIGKILL) after {t1:.1} s at {stored_at_kill} creates received, {lines_at_kill} results lines on disk; peak RSS {r1:.1} MiB\n\
         resumed run: exit {exit:?} after {t2:.1} s; peak RSS {r2:.1} MiB; {rps2:.0} rows/s\n\
         overall: {rows} rows in {total_secs:.1} s of importer time = {rps:.0} rows/s\n\
         emulator: {stored_total} customers stored, {requests} requests received (retries, replays and lookups included)\n\
         audit: duplicates at the emulator {duplicates}; results lines {lines} (rows missing {missing_in_results}, repeated {repeated_in_results}); outcomes disagreeing with the store {disagreeing}; still unknown {unknown}\n\
         resumed run's summary: {summary}\n\
         {extra}\
         {verdict}",
        rows = o.rows,
        faults = o.faults,
        conc = o.concurrency,
        t1 = first.elapsed.as_secs_f64(),
        r1 = first.peak_rss_kib as f64 / 1024.0,
        exit = second.exit,
        t2 = second.elapsed.as_secs_f64(),
        r2 = second.peak_rss_kib as f64 / 1024.0,
        rps2 = (o.rows.saturating_sub(lines_at_kill)) as f64 / second.elapsed.as_secs_f64().max(0.001),
        rps = o.rows as f64 / total_secs.max(0.001),
        summary = second.summary,
        extra = rounds
            .iter()
            .enumerate()
            .map(|(i, r)| format!(
                "--resume again ({}): exit {:?} after {:.1} s, peak RSS {:.1} MiB: {}\n",
                i + 1,
                r.exit,
                r.elapsed.as_secs_f64(),
                r.peak_rss_kib as f64 / 1024.0,
                r.summary
            ))
            .collect::<String>(),
        verdict = if ok { "PASSED" } else { "FAILED" },
    );
    if ok {
        Ok(report)
    } else {
        Err(report)
    }
}
