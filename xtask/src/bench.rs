//! `cargo xtask bench [--server own|nginx|both] [--async-stripe] [--build] [--quick]`
//!
//! - default: the end-to-end comparison. Builds and runs `prism-bench e2e` in release mode
//!   (`bench/`): Prism `create` against a hand-written reqwest POST of the byte-identical Stripe
//!   request, on loopback against a fixed-response server process that the bench starts:
//!   sequential latency, and at concurrency 64 and 256 throughput, CPU time per create and
//!   context switches per create of the client process.
//! - `--server nginx`: against nginx instead (installed with apt-get when missing; one worker,
//!   keep-alive, loopback only, config generated into `target/bench-nginx/`, stopped at the
//!   end); it leaves more of a two-core machine to the client than `prism-bench serve` does.
//!   `--server both`: nginx, then the bench's own server, a table for each.
//! - `--async-stripe`: also builds `bench/async-stripe` (its own workspace, slow to compile) and
//!   runs its `Customer::create` in the same rounds against the same server.
//! - `--build`: instead of the e2e run, the build cost of the minimal applications in
//!   `bench/apps/` (raw reqwest, Prism with `stripe`, Prism with `all-connectors`, and with
//!   `--async-stripe` the async-stripe one): cold `cargo build --release` wall time, each in a
//!   fresh target directory under `/tmp/prism-buildcost/`, and the stripped binary size.
//! - `--python`: instead of the e2e run, Prism-Python (the `orchestratorx_prism` wheel, release
//!   build) against the official `stripe` Python package (pinned in
//!   `crates/prism-python/requirements-bench.txt`, pointed at the server through its
//!   `base_addresses`) and Prism-Rust, against the same fixed-response server (`prism-bench
//!   serve`, Stripe's documented created reply): sequential p50/p99, throughput at 1, 64 and 256
//!   concurrent tasks, and the wheel's size. Each side runs in its own long-lived process
//!   taking commands on stdin (`prism-bench measure`, `measure.py`), and the sides take turns
//!   in short runs (50 sequential calls, 2,000 concurrent ones), so that the load of other
//!   tenants falls on all of them alike. The virtualenv is `target/python/venv-bench`.
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
    let usage = "usage: cargo xtask bench [--server own|nginx|both] [--async-stripe] [--python] [--build] [--quick]";
    let mut flags: Vec<&str> = Vec::new();
    let mut server = "own".to_owned();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--async-stripe" | "--build" | "--quick" | "--python" => flags.push(a),
            "--server" => {
                server = it
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("--server needs own, nginx or both; {usage}"))?;
                if !matches!(server.as_str(), "own" | "nginx" | "both") {
                    return Err(format!("--server {server}: own, nginx or both; {usage}"));
                }
            }
            _ => return Err(format!("unknown flag {a}; {usage}")),
        }
    }
    let has = |f: &str| flags.contains(&f);
    if has("--python") {
        python_bench(root, has("--quick"))
    } else if has("--build") {
        build_cost(root, has("--async-stripe"))
    } else {
        e2e(root, &server, has("--async-stripe"), has("--quick"))
    }
}

/// nginx from the system's packages when it is missing (Debian/Ubuntu: `apt-get`, through
/// `sudo` unless root), as `.ci/run` installs what the tests need.
fn ensure_nginx() -> Result<(), String> {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .chain([std::path::PathBuf::from("/usr/sbin")])
        .any(|d| d.join("nginx").is_file());
    if found {
        return Ok(());
    }
    eprintln!("nginx not found: installing it with apt-get…");
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let apt = |args: &[&str]| {
        let mut cmd = if root {
            Command::new("apt-get")
        } else {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        };
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    run(&mut apt(&["update", "-qq"]), "apt-get update")?;
    run(
        apt(&["install", "-y", "-qq", "nginx"]).stdout(Stdio::null()),
        "apt-get install nginx",
    )
}

fn e2e(root: &Path, server: &str, async_stripe: bool, quick: bool) -> Result<String, String> {
    let mut bench_args: Vec<String> = vec!["e2e".into(), "--server".into(), server.into()];
    if server != "own" {
        ensure_nginx()?;
        // The generated config, pid file and logs stay in the target dir.
        bench_args.push("--nginx-dir".into());
        bench_args.push(root.join("target/bench-nginx").display().to_string());
    }
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
                "--seq-processes",
                "2",
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

/// One side's figures, summed over runs.
#[derive(Default)]
struct SideFigures {
    seq_ns: Vec<u64>,
    /// concurrency → (calls, elapsed ns)
    conc: std::collections::BTreeMap<u64, (u64, u64)>,
    /// concurrency → throughput of each round (for per-round ratios)
    rounds: std::collections::BTreeMap<u64, Vec<f64>>,
}

impl SideFigures {
    fn add_seq(&mut self, json: &str) -> Result<(), String> {
        let v: Vec<u64> =
            serde_json::from_str(json.trim()).map_err(|e| format!("bench output: {e}: {json}"))?;
        self.seq_ns.extend(v);
        Ok(())
    }

    fn add_conc(&mut self, level: u64, calls: u64, answer: &str) -> Result<(), String> {
        let ns: u64 = answer
            .trim()
            .parse()
            .map_err(|_| format!("bench output: {answer:?}"))?;
        let e = self.conc.entry(level).or_default();
        e.0 += calls;
        e.1 += ns;
        self.rounds
            .entry(level)
            .or_default()
            .push(calls as f64 / (ns.max(1) as f64 / 1e9));
        Ok(())
    }

    fn percentile_us(&mut self, p: f64) -> f64 {
        if self.seq_ns.is_empty() {
            return f64::NAN;
        }
        self.seq_ns.sort_unstable();
        let i = ((self.seq_ns.len() as f64 - 1.0) * p).round() as usize;
        self.seq_ns[i] as f64 / 1000.0
    }

    fn per_sec(&self, level: u64) -> f64 {
        match self.conc.get(&level) {
            Some((calls, ns)) if *ns > 0 => *calls as f64 / (*ns as f64 / 1e9),
            _ => f64::NAN,
        }
    }
}

/// The median of `a[i] / b[i]` over rounds.
fn median_ratio(a: &[f64], b: &[f64]) -> f64 {
    let mut v: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// One side of the Python bench, kept running: it takes a command line on stdin and answers
/// with one line (`prism-bench measure`, `measure.py`); it stops when its stdin closes.
struct Worker {
    name: &'static str,
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl Worker {
    fn start(name: &'static str, cmd: &mut Command) -> Result<Self, String> {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{name}: {e}"))?;
        let stdin = child.stdin.take().ok_or("worker stdin")?;
        let stdout = std::io::BufReader::new(child.stdout.take().ok_or("worker stdout")?);
        Ok(Self {
            name,
            child,
            stdin,
            stdout,
        })
    }

    fn ask(&mut self, command: &str) -> Result<String, String> {
        use std::io::{BufRead, Write};
        writeln!(self.stdin, "{command}")
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("{}: {e}", self.name))?;
        let mut line = String::new();
        let n = self
            .stdout
            .read_line(&mut line)
            .map_err(|e| format!("{}: {e}", self.name))?;
        if n == 0 {
            return Err(format!("{} stopped (see its output above)", self.name));
        }
        Ok(line)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The fixed-response server (`prism-bench serve`), stopped when dropped (its stdin closes).
struct Server {
    child: std::process::Child,
    url: String,
}

impl Server {
    fn start(bin: &Path) -> Result<Self, String> {
        use std::io::BufRead;
        let mut child = Command::new(bin)
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("prism-bench serve: {e}"))?;
        let stdout = child.stdout.take().ok_or("server stdout")?;
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("server port: {e}"))?;
        let port = line
            .trim()
            .strip_prefix("port ")
            .ok_or_else(|| format!("unexpected server line {line:?}"))?;
        Ok(Self {
            url: format!("http://127.0.0.1:{port}"),
            child,
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python_bench(root: &Path, quick: bool) -> Result<String, String> {
    use crate::python::{build_and_install, venv, Paths};

    eprintln!("building prism-bench (release)…");
    run(
        Command::new(cargo()).current_dir(root).args([
            "build",
            "--quiet",
            "--release",
            "-p",
            "prism-bench",
        ]),
        "building prism-bench",
    )?;
    let bench_bin = root.join("target/release/prism-bench");
    let paths = Paths::new(root, "venv-bench");
    eprintln!("virtualenv target/python/venv-bench (pinned packages from PyPI)…");
    venv(
        &paths,
        &[
            &paths.crate_dir.join("requirements-dev.txt"),
            &paths.crate_dir.join("requirements-bench.txt"),
        ],
    )?;
    eprintln!("building the orchestratorx_prism wheel (release)…");
    let wheel = build_and_install(&paths, "release")?;
    let wheel_bytes = std::fs::metadata(&wheel).map(|m| m.len()).unwrap_or(0);
    let script = paths.crate_dir.join("bench/measure.py");

    // Sequential calls go in runs of RUN (stripe: a tenth, it is ten times slower), every side
    // one run in turn; throughput in rounds, every level of every side once per round. The
    // order of the sides rotates, and every process stays warm between its turns.
    const RUN: usize = 50;
    let (runs, rounds, calls, stripe_calls) = if quick {
        (4, 2, 500, 100)
    } else {
        (40, 10, 2000, 200)
    };
    let stripe_run = RUN / 10;
    let levels = [1u64, 64, 256];
    let server = Server::start(&bench_bin)?;
    let url = server.url.clone();
    let python = |side: &str| {
        let mut c = Command::new(paths.bin("python"));
        c.arg(&script).args([side, url.as_str()]);
        c
    };
    eprintln!("starting the five sides (each its own process)…");
    let mut workers = [
        Worker::start(
            "Prism-Rust",
            Command::new(&bench_bin).args(["measure", url.as_str()]),
        )?,
        Worker::start("Prism-Python", &mut python("prism"))?,
        Worker::start("stripe-python (async, httpx)", &mut python("stripe"))?,
        Worker::start("Prism-Python create_sync", &mut python("prism-sync"))?,
        Worker::start("stripe-python (sync, requests)", &mut python("stripe-sync"))?,
    ];
    // Which sides are Prism's (full runs) and which have a concurrent mode.
    let prism_side = [true, true, false, true, false];
    let is_async = [true, true, true, false, false];
    let mut figures: [SideFigures; 5] = Default::default();
    eprintln!("warming up (connections, caches)…");
    for (i, w) in workers.iter_mut().enumerate() {
        w.ask(&format!("seq {}", if prism_side[i] { 100 } else { 10 }))?;
        if is_async[i] {
            let n = if prism_side[i] { 2000 } else { 200 };
            w.ask(&format!("conc {n} 256"))?;
        }
    }
    eprintln!("sequential: {runs} runs per side…");
    for run in 0..runs {
        for k in 0..workers.len() {
            let i = (run + k) % workers.len();
            let n = if prism_side[i] { RUN } else { stripe_run };
            let answer = workers[i].ask(&format!("seq {n}"))?;
            figures[i].add_seq(&answer)?;
        }
    }
    for round in 0..rounds {
        eprintln!("throughput: round {}/{rounds}…", round + 1);
        for &level in &levels {
            for k in 0..3 {
                let i = (round + k) % 3;
                let mut n = if prism_side[i] { calls } else { stripe_calls };
                if level == 1 {
                    n /= 4;
                }
                let answer = workers[i].ask(&format!("conc {n} {level}"))?;
                figures[i].add_conc(level, n as u64, &answer)?;
            }
        }
    }
    drop(workers);
    drop(server);

    let [mut rust, mut py, mut st, mut prism_sync, mut stripe_sync] = figures;
    let mut out = format!(
        "Prism-Python vs stripe-python vs Prism-Rust: fixed-response server (prism-bench serve, Stripe's documented created reply) in its own process, {} cores; every side its own long-lived process, taking turns: sequential calls in {runs} runs of {RUN} per side (stripe {stripe_run}), {} calls per side; throughput in {rounds} rounds of {calls} calls per level (stripe {stripe_calls}; a quarter at concurrency 1), the order of the sides rotating\n",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        rust.seq_ns.len(),
    );
    out.push_str(&format!(
        "{:<30} {:>12} {:>13} {:>12} {:>10} {:>12}\n",
        "metric", "Prism-Rust", "Prism-Python", "stripe-py", "Py/Rust", "Py/stripe"
    ));
    let mut row = |name: &str, r: f64, p: f64, s: f64, unit: &str| {
        out.push_str(&format!(
            "{:<30} {:>9.1} {unit:<2} {:>10.1} {unit:<2} {:>9.1} {unit:<2} {:>10.3} {:>12.3}\n",
            name,
            r,
            p,
            s,
            p / r,
            p / s
        ));
    };
    let (r50, p50, s50) = (
        rust.percentile_us(0.5),
        py.percentile_us(0.5),
        st.percentile_us(0.5),
    );
    row("sequential latency p50", r50, p50, s50, "µs");
    row(
        "sequential latency p99",
        rust.percentile_us(0.99),
        py.percentile_us(0.99),
        st.percentile_us(0.99),
        "µs",
    );
    for level in [1u64, 64, 256] {
        row(
            &format!("throughput, {level} task(s)"),
            rust.per_sec(level),
            py.per_sec(level),
            st.per_sec(level),
            "/s",
        );
    }
    out.push_str(&format!(
        "blocking calls, sequential: Prism-Python create_sync p50 {:.1} µs, p99 {:.1} µs ({:.2}× Prism-Rust's p50); stripe-python sync (requests) p50 {:.1} µs, p99 {:.1} µs\n",
        prism_sync.percentile_us(0.5),
        prism_sync.percentile_us(0.99),
        prism_sync.percentile_us(0.5) / r50,
        stripe_sync.percentile_us(0.5),
        stripe_sync.percentile_us(0.99)
    ));
    out.push_str(&format!(
        "wheel: {} ({:.2} MB)\n",
        wheel.file_name().and_then(|n| n.to_str()).unwrap_or("?"),
        wheel_bytes as f64 / 1e6
    ));
    // Rounds are adjacent in time: their medians are less moved by other tenants' load.
    let py_rust_64 = median_ratio(&py.rounds[&64], &rust.rounds[&64]);
    let py_256_64 = median_ratio(&py.rounds[&256], &py.rounds[&64]);
    let rust_256_64 = median_ratio(&rust.rounds[&256], &rust.rounds[&64]);
    out.push_str(&format!(
        "medians of per-round ratios: Prism-Python / Prism-Rust at 64 tasks {py_rust_64:.3}; Prism-Python 256 / 64 tasks {py_256_64:.3} (Prism-Rust {rust_256_64:.3})\n"
    ));
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    let (t64, t256, r64) = (py.per_sec(64), py.per_sec(256), rust.per_sec(64));
    out.push_str(&format!(
        "targets: p50 ≤ 1.3× Prism-Rust: {} ({:.2}×); throughput at 64 ≥ 0.5× Prism-Rust: {} ({:.2}×); at 256 no lower than at 64: {} on the median of per-round ratios ({py_256_64:.3}), {} on the totals ({:.0} vs {:.0}/s); wheel ≤ 10 MB: {}",
        verdict(p50 <= 1.3 * r50),
        p50 / r50,
        verdict(t64 >= 0.5 * r64),
        t64 / r64,
        verdict(py_256_64 >= 1.0),
        verdict(t256 >= t64),
        t256,
        t64,
        verdict(wheel_bytes <= 10_000_000),
    ));
    Ok(out)
}
