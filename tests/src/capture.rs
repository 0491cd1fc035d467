//! Captures every tracing line emitted while a case runs.

use std::io::Write;
use std::sync::{Arc, Mutex};

use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

pub struct Writer(Arc<Mutex<Vec<u8>>>);

impl Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Writer;
    fn make_writer(&'a self) -> Writer {
        Writer(self.0.clone())
    }
}

/// Installs a TRACE-level subscriber for the current thread (the case's current-thread runtime
/// runs every task of the client on it) and returns the buffer and the guard.
pub fn start() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    (captured, guard)
}

/// A TRACE-level subscriber for the whole process (multi-thread runtimes, the sandbox's own
/// tasks), installed once; every test of the binary shares the buffer.
pub fn global() -> Captured {
    static GLOBAL: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    GLOBAL
        .get_or_init(|| {
            let captured = Captured::default();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_writer(captured.clone())
                .with_ansi(false)
                .finish();
            // Another test of the same binary may have won the race: then its buffer is used.
            let _ = tracing::subscriber::set_global_default(subscriber);
            captured
        })
        .clone()
}
