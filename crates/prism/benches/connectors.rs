//! Micro-benchmarks of every compiled connector's pure flow: `build_request` on the product
//! page's request and `parse_response` on the processor's documented reply
//! (`tests/fixtures/<connector>/created.json`), with allocations counted.
//!
//! `cargo bench -p prism --bench connectors` (all connectors: the default features).

use std::sync::{Arc, OnceLock};

use divan::{black_box, AllocProfiler, Bencher};
use prism::{
    Connector, ConnectorConfig, CreatesCustomers, CustomerClient, CustomerCreateRequest,
    Environment, FlowContext, HttpResponse,
};
use prism_connector::AccessToken;

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

fn main() {
    divan::main();
}

/// The idempotency key shape Prism derives (`prism_` + 32 hex digits).
const KEY: &str = "prism_5f2b0c1e9a7d4e3b8c6a1f0d2e4b6a8c";

/// The product page's request (SPEC §1).
fn product_request() -> CustomerCreateRequest {
    CustomerCreateRequest::new("cust_user_12345")
        .email("john.doe@example.com")
        .name("John Doe")
        .phone("+1-555-123-4567")
        .description("Premium plan subscriber")
}

/// One connector ready to drive: its pure flows, its documented reply, its access token.
struct Subject {
    connector: Arc<dyn CreatesCustomers>,
    created: HttpResponse,
    /// An access token parsed from the connector's documented login reply.
    token: Option<AccessToken>,
}

fn fixture(connector: Connector, name: &str) -> Option<HttpResponse> {
    let path = prism_testkit::fixtures::fixtures_dir()
        .join(connector.as_str())
        .join(name);
    let text = std::fs::read_to_string(&path).ok()?;
    Some(prism_testkit::fixtures::parse_fixture(&text).expect("fixture"))
}

fn subject(connector: Connector) -> Option<Subject> {
    // Test credentials: a plausible value for every variable the connector reads.
    let lookup = |var: &str| {
        Some(if var.contains("STRIPE") {
            "sk_test_benchSECRET0001".to_owned()
        } else {
            format!("bench_{}_SECRET0001", var.to_ascii_lowercase())
        })
    };
    let config = match ConnectorConfig::from_env_with(connector, &lookup) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("skipping {connector}: {e}");
            return None;
        }
    };
    let conn = config.into_connector();
    let created = fixture(connector, "created.json")?;
    let token = match conn.token_request() {
        None => None,
        Some(_) => {
            let login = ["login.json", "token.json"]
                .iter()
                .find_map(|n| fixture(connector, n))?;
            Some(
                conn.parse_token(&login)
                    .expect("documented login reply parses"),
            )
        }
    };
    Some(Subject {
        connector: conn,
        created,
        token,
    })
}

fn subjects() -> &'static Vec<(Connector, Subject)> {
    static S: OnceLock<Vec<(Connector, Subject)>> = OnceLock::new();
    S.get_or_init(|| {
        prism::compiled_connectors()
            .into_iter()
            .filter_map(|c| subject(c).map(|s| (c, s)))
            .collect()
    })
}

fn names() -> Vec<&'static str> {
    subjects().iter().map(|(c, _)| c.as_str()).collect()
}

fn get(name: &str) -> &'static Subject {
    &subjects()
        .iter()
        .find(|(c, _)| c.as_str() == name)
        .expect("compiled connector")
        .1
}

fn ctx(s: &Subject) -> FlowContext<'_> {
    let ctx = FlowContext::first(Environment::Sandbox).with_idempotency_key(KEY, true);
    match &s.token {
        Some(t) => ctx.with_access_token(&t.token),
        None => ctx,
    }
}

/// `build_request` on the product page's request.
#[divan::bench(args = names())]
fn build_request(bencher: Bencher, name: &str) {
    let s = get(name);
    let req = product_request();
    let ctx = ctx(s);
    bencher.bench_local(|| {
        s.connector
            .build_request(black_box(&req), &ctx)
            .expect("builds")
    });
}

/// `parse_response` on the documented created reply.
#[divan::bench(args = names())]
fn parse_response(bencher: Bencher, name: &str) {
    let s = get(name);
    let ctx = ctx(s);
    bencher.bench_local(|| {
        s.connector
            .parse_response(black_box(&s.created), &ctx)
            .expect("parses")
    });
}

/// Both, as one attempt does them (the target: under 5 µs for Stripe).
#[divan::bench(args = names())]
fn build_and_parse(bencher: Bencher, name: &str) {
    let s = get(name);
    let req = product_request();
    let ctx = ctx(s);
    bencher.bench_local(|| {
        let http = s
            .connector
            .build_request(black_box(&req), &ctx)
            .expect("builds");
        black_box(http);
        s.connector
            .parse_response(black_box(&s.created), &ctx)
            .expect("parses")
    });
}

/// Building a Stripe `CustomerClient` (its connection pool included): the allocations that stay
/// (alloc − dealloc) are the heap behind one client.
#[cfg(feature = "stripe")]
#[divan::bench]
fn client_new(bencher: Bencher) {
    bencher.bench_local(|| {
        CustomerClient::builder()
            .connector_config(prism::StripeConfig::new("sk_test_benchSECRET0001").into())
            .base_url("http://127.0.0.1:9")
            .build()
            .expect("client")
    });
}
