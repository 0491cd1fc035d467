//! `cargo xtask bench [--async-stripe] [--build] [--quick]`
//!
//! - default: the end-to-end comparison. Builds and runs `prism-bench e2e` in release mode
//!   (`bench/`): Prism `create` against a hand-written reqwest POST of the byte-identical Stripe
//!   request, on loopback against a fixed-response server process that the bench starts.
//! - `--async-stripe`: also builds `bench/async-stripe` (its own workspace, slow to compile) and
//!   runs its `Customer::create` in the same rounds against the same server.
//! - `--build`: instead of the e2e run, the build cost of the minimal applications in
//!   `bench/apps/` (raw reqwest, Prism with `stripe`, Prism with `all-connectors`, and with
//!   `--async-stripe` the async-stripe one): cold `cargo build --release` wall time, each in a
//!   fresh target directory under `/tmp/prism-buildcost/`, and the stripped binary size.
//! - `--quick`: far fewer calls (a smoke run; figures not meaningful).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The cargo that runs xtask.
pub(crate) fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Runs `cmd`; an error naming `what` unless it succeeds.
pub(crate) fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    let status = cmd.status().map_err(|e| format!("{what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// Entry point of `cargo xtask bench`.
pub fn bench(root: &Path, args: &[String]) -> Result<String, String> {
    let has = |f: &str| args.iter().any(|a| a == f);
    for a in args {
        if !matches!(a.as_str(), "--async-stripe" | "--build" | "--quick") {
            return Err(format!(
                "unknown flag {a}; usage: cargo xtask bench [--async-stripe] [--build] [--quick]"
            ));
        }
    }
    if has("--build") {
        build_cost(root, has("--async-stripe"))
    } else {
        e2e(root, has("--async-stripe"), has("--quick"))
    }
}

fn e2e(root: &Path, async_stripe: bool, quick: bool) -> Result<String, String> {
    let mut bench_args: Vec<String> = vec!["e2e".into()];
    if async_stripe {
        let target = root.join("target").join("bench-async-stripe");
        eprintln!("building bench/async-stripe (async-stripe 0.41; minutes on a cold target)…");
        run(
            Command::new(cargo())
                .args(["build", "--release", "--manifest-path"])
                .arg(root.join("bench/async-stripe/Cargo.toml"))
                .env("CARGO_TARGET_DIR", &target),
            "building bench/async-stripe",
        )?;
        bench_args.push("--async-stripe-bin".into());
        bench_args.push(
            target
                .join("release/prism-bench-async-stripe")
                .display()
                .to_string(),
        );
    }
    if quick {
        bench_args.extend(
            [
                "--seq-calls",
                "300",
                "--conc-calls",
                "2000",
                "--rounds",
                "2",
                "--in-flight",
                "1000",
            ]
            .map(String::from),
        );
    }
    run(
        Command::new(cargo())
            .current_dir(root)
            .args(["run", "--quiet", "--release", "-p", "prism-bench", "--"])
            .args(&bench_args),
        "prism-bench",
    )?;
    Ok(String::new())
}

fn build_cost(root: &Path, async_stripe: bool) -> Result<String, String> {
    let mut apps = vec!["raw-reqwest", "prism-stripe", "prism-all"];
    if async_stripe {
        apps.push("async-stripe");
    }
    let mut rows: Vec<(&str, f64, u64)> = Vec::new();
    for app in apps {
        let manifest = root.join("bench/apps").join(app).join("Cargo.toml");
        let target = Path::new("/tmp/prism-buildcost").join(app);
        let _ = std::fs::remove_dir_all(&target);
        // Downloads are not build time: fetch first, untimed.
        run(
            Command::new(cargo())
                .args(["fetch", "--quiet", "--manifest-path"])
                .arg(&manifest),
            &format!("fetching {app}"),
        )?;
        eprintln!("cold release build of bench/apps/{app}…");
        let started = Instant::now();
        run(
            Command::new(cargo())
                .args(["build", "--quiet", "--release", "--manifest-path"])
                .arg(&manifest)
                .env("CARGO_TARGET_DIR", &target)
                .stdout(Stdio::null()),
            &format!("building {app}"),
        )?;
        let secs = started.elapsed().as_secs_f64();
        let bin = target.join("release").join(format!("app-{app}"));
        let stripped = target.join("stripped");
        let size_of = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let size = match Command::new("strip")
            .arg("-o")
            .arg(&stripped)
            .arg(&bin)
            .status()
        {
            Ok(s) if s.success() => size_of(&stripped),
            _ => size_of(&bin),
        };
        eprintln!("  {app}: {secs:.1} s, {size} bytes");
        rows.push((app, secs, size));
    }
    let (base_s, base_b) = (rows[0].1, rows[0].2 as f64);
    let mut out = format!(
        "cold `cargo build --release` of bench/apps/* (fresh target dirs, downloads excluded, {} cores)\n{:<14} {:>10} {:>8} {:>12} {:>8}\n",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "app",
        "build s",
        "× raw",
        "binary MB",
        "× raw"
    );
    for (app, secs, size) in &rows {
        out.push_str(&format!(
            "{:<14} {:>10.1} {:>8.2} {:>12.2} {:>8.2}\n",
            app,
            secs,
            secs / base_s,
            *size as f64 / 1e6,
            *size as f64 / base_b
        ));
    }
    out.push_str("binary sizes are after `strip` (unstripped if `strip` is missing)");
    Ok(out)
}
