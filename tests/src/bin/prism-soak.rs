//! Load under faults (run by `cargo xtask soak`; not a timed test): many creates at high
//! concurrency against the embedded sandbox with injected 500s and resets after storing, then an
//! audit of the sandbox's store: duplicates, and calls whose outcome disagrees with the store.
//!
//! `prism-soak [--connector NAME]... [--count N] [--concurrency N] [--faults SPEC] [--seed N]`

use std::sync::Arc;
use std::time::{Duration, Instant};

use prism::{
    Connector, ConnectorConfig, CustomerClient, CustomerCreateRequest, ErrorKind, RetryPolicy,
    UnsupportedFields,
};
use prism_sandbox::{FaultMix, Faults, Sandbox};
use tokio::sync::Semaphore;

struct Args {
    connectors: Vec<Connector>,
    count: usize,
    concurrency: usize,
    faults: String,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        connectors: Vec::new(),
        count: 20_000,
        concurrency: 256,
        faults: "500:0.05,reset-after:0.02".into(),
        seed: 7,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--connector" => a
                .connectors
                .push(val()?.parse().map_err(|e| format!("{e}"))?),
            "--count" => a.count = val()?.parse().map_err(|e| format!("--count: {e}"))?,
            "--concurrency" => {
                a.concurrency = val()?.parse().map_err(|e| format!("--concurrency: {e}"))?
            }
            "--faults" => a.faults = val()?,
            "--seed" => a.seed = val()?.parse().map_err(|e| format!("--seed: {e}"))?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if a.connectors.is_empty() {
        // Every emulated connector on which a retry cannot duplicate (the others are not retried
        // after a possible apply, so the audit would only count outcome_unknown there).
        a.connectors = Sandbox::connectors()
            .into_iter()
            .filter(|c| prism::capabilities(*c).is_some_and(|caps| caps.resend_is_safe()))
            .collect();
    }
    Ok(a)
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[derive(Default, Debug)]
struct Tally {
    ok: usize,
    replayed: usize,
    /// Successes whose unknown outcome the processor's lookup settled (SPEC §8).
    reconciled: usize,
    /// Definite failures whose unknown outcome a strongly consistent lookup settled.
    reconciled_failures: usize,
    failed_definite: usize,
    /// Definite failures that say the soak's request or client was wrong (invalid, config).
    refused: usize,
    already_exists: usize,
    failed_unknown: usize,
    duplicates: usize,
    inconsistent: usize,
    attempts: u64,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("prism-soak: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let faults = match Faults::parse_spec(&args.faults) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("prism-soak: --faults: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let sandbox = Arc::new(Sandbox::start().await.expect("sandbox"));
    let mut all_good = true;
    println!(
        "soak: {} creates per connector, concurrency {}, faults `{}` (seed {})",
        args.count, args.concurrency, args.faults, args.seed
    );
    for c in &args.connectors {
        let c = *c;
        sandbox.faults().clear();
        sandbox.faults().set_random(
            Some(c),
            FaultMix {
                seed: args.seed,
                faults: faults.clone(),
            },
        );
        let creds = Sandbox::credentials(c);
        let cfg = ConnectorConfig::from_env_with(c, &|k| {
            creds
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        })
        .expect("sandbox credentials");
        let client = CustomerClient::builder()
            .connector_config(cfg)
            .base_url(sandbox.base_url(c))
            .retry_policy(RetryPolicy {
                initial_backoff: Duration::from_millis(50),
                ..RetryPolicy::default()
            })
            .unsupported_fields(UnsupportedFields::Ignore)
            .build()
            .expect("client");
        let sem = Arc::new(Semaphore::new(args.concurrency));
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..args.count {
            let permit = Arc::clone(&sem).acquire_owned().await.expect("semaphore");
            let client = client.clone();
            // Short: Authorize.net allows 20 characters.
            let reference = format!("soak_{}_{i}", &c.as_str()[..4]);
            tasks.spawn(async move {
                // A name too: some processors require one (Xendit); where one cannot be stored
                // (Shift4) it is left out (`UnsupportedFields::Ignore`).
                let req = CustomerCreateRequest::new(reference.clone())
                    .email(format!("soak{i}@example.com"))
                    .name(format!("Soak Customer{i}"));
                let r = client.create(req).await;
                drop(permit);
                (reference, r)
            });
        }
        let mut tally = Tally::default();
        let mut results = Vec::with_capacity(args.count);
        while let Some(joined) = tasks.join_next().await {
            results.push(joined.expect("task"));
        }
        let elapsed = started.elapsed();
        sandbox.faults().clear();
        for (reference, r) in results {
            let stored = sandbox.count_by_reference(c, &reference);
            if stored > 1 {
                tally.duplicates += 1;
            }
            match r {
                Ok(resp) => {
                    tally.ok += 1;
                    tally.attempts += u64::from(resp.diagnostics.attempts);
                    tally.replayed += usize::from(resp.diagnostics.replayed);
                    tally.reconciled += usize::from(resp.diagnostics.reconciled);
                    if stored != 1 {
                        tally.inconsistent += 1;
                    }
                }
                Err(e) => {
                    tally.attempts += u64::from(e.diagnostics().map_or(0, |d| d.attempts));
                    if e.kind() == ErrorKind::AlreadyExists {
                        // The reference exists at the processor (this call's own lost attempt,
                        // where the processor cannot tell us its id): exactly one customer.
                        tally.already_exists += 1;
                        if stored != 1 {
                            tally.inconsistent += 1;
                        }
                    } else if e.outcome_unknown() {
                        tally.failed_unknown += 1;
                    } else {
                        // Refused data or configuration is the soak's own fault, never a pass.
                        let refused = [ErrorKind::InvalidRequest, ErrorKind::Configuration];
                        tally.refused += usize::from(refused.contains(&e.kind()));
                        tally.failed_definite += 1;
                        tally.reconciled_failures +=
                            usize::from(e.diagnostics().is_some_and(|d| d.reconciled));
                        if stored != 0 {
                            tally.inconsistent += 1;
                        }
                    }
                }
            }
        }
        let good = tally.duplicates == 0 && tally.inconsistent == 0 && tally.refused == 0;
        all_good &= good;
        println!(
            "{:<16} {:>6} ok ({} replayed, {} reconciled), {} already_exists, {} failed definite ({} reconciled), {} failed outcome_unknown ({:.2} %) | duplicates {} | outcome disagreeing with store {} | {:.2} attempts/call | {:.1} s, {:.0} creates/s | {}",
            c.as_str(),
            tally.ok,
            tally.replayed,
            tally.reconciled,
            tally.already_exists,
            tally.failed_definite,
            tally.reconciled_failures,
            tally.failed_unknown,
            100.0 * tally.failed_unknown as f64 / args.count as f64,
            tally.duplicates,
            tally.inconsistent,
            tally.attempts as f64 / args.count as f64,
            elapsed.as_secs_f64(),
            args.count as f64 / elapsed.as_secs_f64(),
            if good { "PASS" } else { "FAIL" }
        );
    }
    println!(
        "peak RSS of this process (client + sandbox): {} MiB",
        peak_rss_kib().unwrap_or(0) / 1024
    );
    if all_good {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
