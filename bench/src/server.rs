//! The fixed-response server: answers every POST with Stripe's documented created reply
//! (`tests/fixtures/stripe/created.json`), status 200, optionally after a delay.
//!
//! It runs in its own process (`prism-bench serve`), so its CPU time and memory do not count
//! towards the client under test, and its runtime does not share the client's worker threads.
//!
//! `POST /__capture` switches capture on: the next requests are recorded (method, path,
//! headers in order, body) and `GET /__last` returns the last one, so the bench can check that
//! Prism and the hand-written request are byte-identical. Capture is off while measuring.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

const FIXTURE: &str = include_str!("../../tests/fixtures/stripe/created.json");

/// The documented reply: status, headers and (pretty-printed, as Stripe sends it) body.
pub struct Reply {
    headers: Vec<(String, String)>,
    body: Bytes,
}

impl Reply {
    /// Stripe's created reply from the fixture.
    pub fn stripe_created() -> Self {
        let v: serde_json::Value = serde_json::from_str(FIXTURE).expect("fixture is JSON");
        let headers = v["headers"]
            .as_object()
            .expect("fixture headers")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
            .collect();
        let body = serde_json::to_vec_pretty(&v["body"]).expect("fixture body");
        Self {
            headers,
            body: Bytes::from(body),
        }
    }

    /// The body's length in bytes.
    pub fn stripe_created_len() -> usize {
        Self::stripe_created().body.len()
    }
}

struct State {
    reply: Reply,
    delay: Duration,
    capture: AtomicBool,
    last: Mutex<String>,
}

/// `prism-bench serve [DELAY_MS]`: prints `port N`, serves until stdin closes.
pub fn serve(delay_ms: u64) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("server runtime");
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let port = listener.local_addr().expect("local addr").port();
        println!("port {port}");
        let state = Arc::new(State {
            reply: Reply::stripe_created(),
            delay: Duration::from_millis(delay_ms),
            capture: AtomicBool::new(false),
            last: Mutex::new(String::new()),
        });
        // Exit when the parent closes our stdin (or dies).
        std::thread::spawn(|| {
            let mut sink = Vec::new();
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
            std::process::exit(0);
        });
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let state = Arc::clone(&state);
            tokio::spawn(async move {
                let svc = service_fn(move |req| handle(Arc::clone(&state), req));
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
}

async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    match (parts.method.as_str(), parts.uri.path()) {
        ("POST", "/__capture") => {
            state.capture.store(true, Ordering::SeqCst);
            return Ok(Response::new(Full::new(Bytes::new())));
        }
        ("GET", "/__last") => {
            let last = state.last.lock().map(|l| l.clone()).unwrap_or_default();
            return Ok(Response::new(Full::new(Bytes::from(last))));
        }
        _ => {}
    }
    if state.capture.load(Ordering::Relaxed) {
        let mut dump = format!("{} {}\n", parts.method, parts.uri);
        for (k, v) in &parts.headers {
            dump.push_str(&format!("{k}: {}\n", String::from_utf8_lossy(v.as_bytes())));
        }
        dump.push('\n');
        dump.push_str(&String::from_utf8_lossy(&body));
        if let Ok(mut l) = state.last.lock() {
            *l = dump;
        }
    }
    if !state.delay.is_zero() {
        tokio::time::sleep(state.delay).await;
    }
    let mut resp = Response::new(Full::new(state.reply.body.clone()));
    for (k, v) in &state.reply.headers {
        if let (Ok(k), Ok(v)) = (
            hyper::header::HeaderName::from_bytes(k.as_bytes()),
            hyper::header::HeaderValue::from_str(v),
        ) {
            resp.headers_mut().insert(k, v);
        }
    }
    Ok(resp)
}

/// A server child process; killed when dropped.
pub struct ServerProcess {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

impl ServerProcess {
    /// Starts `prism-bench serve DELAY_MS` and waits for its port.
    pub fn start(delay_ms: u64) -> Self {
        use std::io::BufRead;
        let exe = std::env::current_exe().expect("own path");
        let mut child = std::process::Command::new(exe)
            .args(["serve", &delay_ms.to_string()])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start the server process");
        let stdout = child.stdout.take().expect("server stdout");
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("server port");
        let port: u16 = line
            .trim()
            .strip_prefix("port ")
            .and_then(|p| p.parse().ok())
            .expect("port line");
        Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// nginx as the fixed-response server (`--server nginx`): one worker process, keep-alive, the
/// same reply (status, headers, body) from a `return 200` in a generated config, listening on
/// loopback only. nginx serves it with far less CPU than `prism-bench serve`, so on a shared
/// two-core machine more of the cores is left to the client under test.
pub struct NginxProcess {
    child: std::process::Child,
    nginx: std::path::PathBuf,
    dir: std::path::PathBuf,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

/// The nginx binary on `PATH` or in `/usr/sbin`, if any.
pub fn nginx_binary() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([std::path::PathBuf::from("/usr/sbin")])
        .map(|d| d.join("nginx"))
        .find(|p| p.is_file())
}

/// `s` as an nginx single-quoted string.
fn nginx_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

impl NginxProcess {
    /// Writes the config into `dir` (created if missing), starts nginx in the foreground and
    /// waits until it accepts connections.
    pub fn start(dir: &std::path::Path) -> Result<Self, String> {
        let nginx = nginx_binary().ok_or("nginx not found (cargo xtask bench installs it)")?;
        std::fs::create_dir_all(dir.join("tmp")).map_err(|e| format!("{}: {e}", dir.display()))?;
        let dir = dir
            .canonicalize()
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        // A free loopback port (the listener is closed just before nginx binds it).
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("a free port: {e}"))?
            .port();
        let reply = Reply::stripe_created();
        let body = String::from_utf8(reply.body.to_vec()).map_err(|e| e.to_string())?;
        let mut headers = String::new();
        let mut content_type = "application/json".to_owned();
        for (k, v) in &reply.headers {
            if k.eq_ignore_ascii_case("content-type") {
                content_type = v.clone();
            } else {
                headers.push_str(&format!(
                    "            add_header {} {};\n",
                    nginx_quoted(k),
                    nginx_quoted(v)
                ));
            }
        }
        let d = dir.display();
        let conf = format!(
            "# Generated by prism-bench (cargo xtask bench --server nginx); loopback only.
daemon off;
master_process on;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    server_tokens off;
    keepalive_requests 1000000000;
    keepalive_timeout 300s;
    client_body_buffer_size 64k;
    client_body_temp_path {d}/tmp/client_body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        location / {{
            default_type {ct};
{headers}            return 200 {body};
        }}
    }}
}}
",
            ct = nginx_quoted(&content_type),
            body = nginx_quoted(&body),
        );
        let conf_path = dir.join("nginx.conf");
        std::fs::write(&conf_path, conf).map_err(|e| format!("{}: {e}", conf_path.display()))?;
        let child = std::process::Command::new(&nginx)
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(&conf_path)
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdin(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", nginx.display()))?;
        let mut me = Self {
            child,
            nginx,
            dir,
            url: format!("http://127.0.0.1:{port}"),
        };
        let until = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(me);
            }
            if let Ok(Some(status)) = me.child.try_wait() {
                let log = std::fs::read_to_string(me.dir.join("error.log")).unwrap_or_default();
                return Err(format!("nginx exited ({status}): {log}"));
            }
            if std::time::Instant::now() > until {
                return Err("nginx did not start listening within 10 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for NginxProcess {
    fn drop(&mut self) {
        // `nginx -s stop` signals the master (from the pid file), which stops its worker; a
        // SIGKILL of the master alone would leave the worker running.
        let stopped = std::process::Command::new(&self.nginx)
            .arg("-p")
            .arg(&self.dir)
            .arg("-c")
            .arg(self.dir.join("nginx.conf"))
            .args(["-e", "/dev/null", "-s", "stop"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        // Without the pid file (another instance shared the directory), SIGTERM the master
        // directly: it too stops its worker.
        let stopped = stopped
            || std::process::Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status()
                .is_ok_and(|s| s.success());
        if stopped {
            let until = std::time::Instant::now() + Duration::from_secs(5);
            while std::time::Instant::now() < until {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
