//! The async-stripe side of `cargo xtask bench`: the product page's customer create through
//! async-stripe 0.41 (`Customer::create`) against the bench's fixed-response server.
//!
//! `seq URL CALLS` prints one latency (ns) per line; `conc URL CALLS CONCURRENCY` prints the
//! elapsed ns; `rss URL IN_FLIGHT` prints `VmHWM_kB baseline_kB` with that many creates in
//! flight at once (the server delays its answer). Same protocol as `prism-bench`'s sides.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use stripe::{Client, CreateCustomer, Customer, RequestStrategy};

/// The key Prism derives for this reference and key (passed by the bench, so all sides send it).
struct Side {
    client: Client,
    key: String,
}

impl Side {
    async fn create(&self) -> String {
        let mut metadata = HashMap::new();
        metadata.insert(
            "merchant_customer_id".to_owned(),
            "cust_user_12345".to_owned(),
        );
        let params = CreateCustomer {
            email: Some("john.doe@example.com"),
            name: Some("John Doe"),
            phone: Some("+1-555-123-4567"),
            description: Some("Premium plan subscriber"),
            metadata: Some(metadata),
            ..CreateCustomer::new()
        };
        let client = self
            .client
            .clone()
            .with_strategy(RequestStrategy::Idempotent(self.key.clone()));
        match Customer::create(&client, params).await {
            Ok(c) => c.id.to_string(),
            Err(e) => panic!("async-stripe create failed: {e}"),
        }
    }
}

fn vm_hwm_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn arg(args: &[String], i: usize) -> usize {
    args.get(i)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("argument {i} missing or not a number"))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, url) = match (args.first(), args.get(1)) {
        (Some(m), Some(u)) => (m.as_str(), u.as_str()),
        _ => panic!("usage: prism-bench-async-stripe seq|conc|rss URL N [CONCURRENCY] (key in PRISM_BENCH_IDEMPOTENCY_KEY)"),
    };
    let key =
        std::env::var("PRISM_BENCH_IDEMPOTENCY_KEY").unwrap_or_else(|_| "prism_bench".to_owned());
    let side = Arc::new(Side {
        client: Client::from_url(url, "sk_test_benchSECRET0001"),
        key,
    });
    let n = arg(&args, 2);
    match mode {
        "seq" => {
            for _ in 0..50 {
                side.create().await;
            }
            let mut out = String::with_capacity(n * 8);
            for _ in 0..n {
                let t = Instant::now();
                let id = side.create().await;
                let ns = t.elapsed().as_nanos();
                assert_eq!(id, "cus_NffrFeUfNV2Hib");
                out.push_str(&ns.to_string());
                out.push('\n');
            }
            print!("{out}");
        }
        "conc" => {
            let conc = arg(&args, 3);
            // Warm the pool to the concurrency first.
            run_concurrent(&side, conc, conc).await;
            let t = Instant::now();
            run_concurrent(&side, n, conc).await;
            println!("{}", t.elapsed().as_nanos());
        }
        "rss" => {
            let baseline = vm_hwm_kb();
            run_concurrent(&side, n, n).await;
            println!("{} {baseline}", vm_hwm_kb());
        }
        other => panic!("unknown mode {other}"),
    }
}

async fn run_concurrent(side: &Arc<Side>, calls: usize, concurrency: usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let side = Arc::clone(side);
            let next = Arc::clone(&next);
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < calls {
                    side.create().await;
                }
            })
        })
        .collect();
    for t in tasks {
        if let Err(e) = t.await {
            panic!("task failed: {e}");
        }
    }
}
