//! `prism customers import`: a whole customer base from a CSV or JSON Lines file.
//!
//! 1. Every row is read and validated (the library's own rules for the connector, plus: a
//!    reference present, none repeated inside the file) before anything is sent. `--dry-run`
//!    stops here and lists every bad row.
//! 2. With `--resume`, the results file is rewritten with only its settled lines
//!    ([`results::resume`]) and their references are skipped.
//! 3. The file is read again and each valid row is created with `concurrency` creates in
//!    flight, paced by one shared [`pace::Pacer`]; each row's outcome is appended to the results
//!    file as it completes. Idempotency keys are derived from the reference by the library, so
//!    a row that was in flight when an earlier run died is replayed, not duplicated. Where the
//!    processor has no idempotency and no unique reference, a journal ([`results::Journal`])
//!    records each create before it is sent, and `--resume` marks those in flight at a crash
//!    unknown instead of sending them again.
//! 4. Ctrl-C (SIGINT) stops reading, lets the creates in flight finish and records them.
//! 5. Outcomes still unknown at the end are reconciled with the processor's lookup
//!    ([`prism::CustomerClient::reconcile`]) where the connector has one, then the summary.
//!
//! Memory holds the rows in flight, plus a 16-byte hash per reference (with its row number) for
//! the in-file duplicate check and the resume set: it grows with the number of rows, never with
//! their contents.

pub mod input;
pub mod pace;
pub mod progress;
pub mod results;
pub mod shard;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use prism::{
    CallOptions, Connector, CustomerClient, CustomerCreateRequest, Error, ErrorKind, FieldError,
    Lookup, Reconciliation, UnsupportedFields,
};
use serde::Serialize;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use crate::cli::ImportArgs;
use crate::exit;
use input::{Fatal, Format, RawRow, RowProblem};
use pace::Pacer;
use progress::Progress;
use results::{Journal, ResultLine, ResultsWriter, Tally};
use shard::{RefHash, Shard};

/// A create still rate-limited after the library's retries is tried again this many times
/// (after the shared pause) before the row is recorded as failed (retryable).
const RATE_LIMITED_ROUNDS: u32 = 5;

/// Runs the import and returns the exit code.
pub async fn run(args: &ImportArgs) -> i32 {
    match Importer::new(args) {
        Ok(importer) => importer.run().await,
        Err(code) => code,
    }
}

/// The summary printed as one JSON object on stdout at the end.
#[derive(Debug, Serialize)]
struct Summary<'a> {
    created: u64,
    existing: u64,
    invalid: u64,
    failed: u64,
    unknown: u64,
    /// Rows of the file in this shard that are not accounted for (interrupted).
    not_done: u64,
    reconciled: u64,
    settled_earlier: u64,
    rate_limit_slowdowns: u64,
    interrupted: bool,
    results: &'a Path,
    rows_per_second: f64,
}

struct Importer<'a> {
    args: &'a ImportArgs,
    format: Format,
    out: PathBuf,
    policy: UnsupportedFields,
}

/// What the validation pass found.
#[derive(Debug, Default)]
struct Plan {
    /// Rows in the file.
    rows: u64,
    /// Rows in this shard.
    in_shard: u64,
    /// Bad rows in this shard (duplicates included).
    invalid: u64,
    /// Valid rows to send (settled ones excluded).
    to_send: u64,
    /// Valid rows skipped because an earlier run settled them.
    skipped: u64,
    /// Row → the earlier row with the same reference.
    duplicates: HashMap<u64, u64>,
}

/// What the reading pass hands to the dispatcher.
enum Work {
    Send(u64, Box<CustomerCreateRequest>),
    Invalid(Box<ResultLine>),
    Fatal(Fatal),
}

impl<'a> Importer<'a> {
    fn new(args: &'a ImportArgs) -> Result<Self, i32> {
        let format = Format::detect(&args.file, args.format).map_err(|e| {
            eprintln!("error: {e}");
            exit::USAGE
        })?;
        let out = args.out.clone().unwrap_or_else(|| default_out(&args.file));
        Ok(Importer {
            args,
            format,
            out,
            policy: args.client.unsupported_fields.into(),
        })
    }

    async fn run(self) -> i32 {
        let args = self.args;
        let connector = args.connector;
        if prism::capabilities(connector).is_none() {
            // Not compiled in (or no customer object): validate says why.
            if let Err(e) =
                prism::validate(&CustomerCreateRequest::new("x"), connector, self.policy)
            {
                return print_error(&e);
            }
        }
        if args.dry_run {
            return self.dry_run().await;
        }
        let client = match crate::create::client(connector, &args.client, args.on_duplicate.into())
        {
            Ok(c) => c,
            Err(e) => return print_error(&e),
        };

        // Where resending is not safe (no idempotency, no uniqueness), a journal records each
        // create before it is sent, so a resume never sends again one that was in flight.
        let journal_path =
            (!client.capabilities().resend_is_safe()).then(|| Journal::path(&self.out));

        // Resume (or refuse to overwrite).
        let resumed = if args.resume {
            let path = self.out.clone();
            let journal = journal_path.clone();
            match tokio::task::spawn_blocking(move || results::resume(&path, journal.as_deref()))
                .await
            {
                Ok(Ok(r)) => r,
                Ok(Err(e)) => {
                    eprintln!("error: cannot resume from {}: {e}", self.out.display());
                    return exit::FAILURE;
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    return exit::FAILURE;
                }
            }
        } else {
            if self.out.exists() {
                eprintln!(
                    "error: the results file {} exists: pass --resume to continue that import, or --out another file",
                    self.out.display()
                );
                return exit::USAGE;
            }
            results::Resumed::default()
        };
        if args.resume {
            eprintln!(
                "resume: {} rows settled earlier kept; {} lines to redo ({}){}{}",
                resumed.settled.len(),
                resumed.dropped,
                if journal_path.is_some() {
                    "retryable, invalid; unknown outcomes are kept: resending could duplicate here"
                } else {
                    "unknown, retryable, invalid"
                },
                if resumed.unreadable > 0 {
                    format!(
                        "; {} unreadable lines dropped (a torn last line)",
                        resumed.unreadable
                    )
                } else {
                    String::new()
                },
                if resumed.in_flight > 0 {
                    format!(
                        "; {} creates in flight when the last run stopped recorded as unknown, not resent",
                        resumed.in_flight
                    )
                } else {
                    String::new()
                }
            );
        }
        let journal = match journal_path.as_deref().map(Journal::create).transpose() {
            Ok(j) => j.map(Arc::new),
            Err(e) => {
                eprintln!(
                    "error: cannot write the in-flight journal beside {}: {e}",
                    self.out.display()
                );
                return exit::FAILURE;
            }
        };
        let settled = Arc::new(resumed.settled);

        // Pass 1: validate everything before sending anything.
        let plan = match self.validate_all(Some(Arc::clone(&settled)), false).await {
            Ok(p) => p,
            Err(f) => {
                eprintln!("error: {f}; nothing was sent");
                return exit::exit_code(ErrorKind::InvalidRequest);
            }
        };
        eprintln!(
            "validated {} rows{}: {} to send, {} invalid (recorded, not sent), {} settled earlier",
            plan.rows,
            args.shard
                .map(|s| format!(" ({} in shard {}/{})", plan.in_shard, s.index, s.count))
                .unwrap_or_default(),
            plan.to_send,
            plan.invalid,
            plan.skipped
        );

        let mut writer = match ResultsWriter::append(&self.out) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", self.out.display());
                return exit::FAILURE;
            }
        };
        let (rate, source) = match args.rate {
            Some(r) => (r, "--rate".to_owned()),
            None => pace::default_rate(connector, args.client.environment),
        };
        eprintln!(
            "importing into {} ({}) at {rate} ({source}), {} in flight",
            connector.display_name(),
            args.client.environment,
            args.concurrency
        );
        let pacer = Arc::new(Pacer::new(rate));
        let mut progress = Progress::new(
            plan.to_send + plan.invalid,
            Duration::from_secs(args.progress_every),
        );

        // Pass 2: read again and send.
        let (tx, mut rx) = mpsc::channel::<Work>(1024);
        let reader = self.spawn_reader(tx, settled, plan.duplicates);
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut options = CallOptions {
            max_retries: args.max_retries,
            ..CallOptions::default()
        };
        if let Some(ms) = args.timeout_ms {
            options.deadline = Some(Duration::from_millis(ms));
            options.timeout = Some(Duration::from_millis(ms));
        }

        let mut inflight: JoinSet<Option<ResultLine>> = JoinSet::new();
        let mut unknown: Vec<ResultLine> = Vec::new();
        let mut interrupted = false;
        let mut fatal: Option<Fatal> = None;
        let mut write_error: Option<std::io::Error> = None;
        let concurrency = args.concurrency as usize;
        let mut ticker =
            tokio::time::interval(progress.plain_every().unwrap_or(Duration::from_secs(3600)));
        ticker.tick().await;
        let mut interrupts = match Interrupts::new() {
            Ok(i) => i,
            Err(e) => {
                eprintln!("error: cannot listen for Ctrl-C: {e}");
                return exit::FAILURE;
            }
        };
        let mut reading = true;

        let record = |line: ResultLine,
                      progress: &mut Progress,
                      unknown: &mut Vec<ResultLine>,
                      writer: &mut ResultsWriter| {
            if line.outcome_unknown {
                unknown.push(line);
                return None;
            }
            progress.row(line.category());
            writer.write(&line).err()
        };

        loop {
            tokio::select! {
                biased;
                () = interrupts.next() => {
                    if interrupted {
                        eprintln!(
                            "interrupted again: stopping now; the {} creates in flight are left to --resume",
                            inflight.len()
                        );
                        inflight.abort_all();
                        break;
                    }
                    interrupted = true;
                    reading = false;
                    let _ = stop_tx.send(true);
                    eprintln!(
                        "interrupted: finishing the {} creates in flight (Ctrl-C again to stop now)…",
                        inflight.len()
                    );
                }
                Some(done) = inflight.join_next(), if !inflight.is_empty() => {
                    if let Ok(Some(line)) = done {
                        if let Some(e) = record(line, &mut progress, &mut unknown, &mut writer) {
                            write_error.get_or_insert(e);
                        }
                    }
                }
                work = rx.recv(), if reading && inflight.len() < concurrency => match work {
                    Some(Work::Send(row, request)) => {
                        inflight.spawn(send_row(
                            client.clone(),
                            Arc::clone(&pacer),
                            journal.clone(),
                            options.clone(),
                            stop_rx.clone(),
                            row,
                            *request,
                        ));
                    }
                    Some(Work::Invalid(line)) => {
                        if let Some(e) = record(*line, &mut progress, &mut unknown, &mut writer) {
                            write_error.get_or_insert(e);
                        }
                    }
                    Some(Work::Fatal(f)) => {
                        fatal = Some(f);
                        reading = false;
                    }
                    None => reading = false,
                },
                _ = ticker.tick(), if progress.plain_every().is_some() => progress.print_line(),
                else => break,
            }
            if write_error.is_some() && reading {
                reading = false;
                let _ = stop_tx.send(true);
            }
            if !reading && inflight.is_empty() {
                break;
            }
        }
        drop(rx);
        let _ = reader.await;

        // Settle what is still unknown, where the processor can be asked.
        let mut reconciled = 0;
        let can_look_up = !matches!(client.capabilities().lookup, Lookup::None);
        if !unknown.is_empty() && can_look_up && !interrupted {
            eprintln!(
                "reconciling {} unknown outcomes with the processor's lookup…",
                unknown.len()
            );
            for line in &mut unknown {
                // Lookups count against the same per-account limit.
                pacer.acquire().await;
                if reconcile(&client, line).await {
                    reconciled += 1;
                }
            }
        }
        for line in unknown.drain(..) {
            progress.row(line.category());
            if let Err(e) = writer.write(&line) {
                write_error.get_or_insert(e);
            }
        }
        if let Err(e) = writer.flush() {
            write_error.get_or_insert(e);
        }
        progress.finish();

        let run = progress.tally();
        let total = run.plus(&resumed.kept);
        let in_shard_done = total.total();
        let not_done = (plan.in_shard).saturating_sub(in_shard_done);
        let elapsed = progress.elapsed().as_secs_f64().max(0.001);
        let summary = Summary {
            created: total.created,
            existing: total.existing,
            invalid: total.invalid,
            failed: total.failed,
            unknown: total.unknown,
            not_done,
            reconciled,
            settled_earlier: resumed.kept.total(),
            rate_limit_slowdowns: pacer.throttles(),
            interrupted,
            results: &self.out,
            rows_per_second: run.total() as f64 / elapsed,
        };
        print_summary(&summary, &run);
        if let Some(e) = write_error {
            eprintln!(
                "error: writing {} failed: {e}; run again with --resume",
                self.out.display()
            );
            return exit::FAILURE;
        }
        if let Some(f) = fatal {
            eprintln!("error: {f} (the file changed while importing?); run again with --resume");
            return exit::exit_code(ErrorKind::InvalidRequest);
        }
        if interrupted {
            exit::INTERRUPTED
        } else if total.problems() > 0 || not_done > 0 {
            exit::IMPORT_INCOMPLETE
        } else {
            exit::SUCCESS
        }
    }

    /// `--dry-run`: every bad row on stderr, nothing sent.
    async fn dry_run(&self) -> i32 {
        match self.validate_all(None, true).await {
            Ok(plan) => {
                eprintln!(
                    "dry run: {} rows{}, {} valid, {} invalid; nothing was sent",
                    plan.rows,
                    self.args
                        .shard
                        .map(|s| format!(" ({} in shard {}/{})", plan.in_shard, s.index, s.count))
                        .unwrap_or_default(),
                    plan.to_send,
                    plan.invalid
                );
                if plan.invalid == 0 {
                    exit::SUCCESS
                } else {
                    exit::exit_code(ErrorKind::InvalidRequest)
                }
            }
            Err(f) => {
                eprintln!("error: {f}; nothing was sent");
                exit::exit_code(ErrorKind::InvalidRequest)
            }
        }
    }

    /// Pass 1: reads every row, validates it, finds repeated references.
    async fn validate_all(
        &self,
        settled: Option<Arc<std::collections::HashSet<RefHash>>>,
        report: bool,
    ) -> Result<Plan, Fatal> {
        let checker = self.checker();
        let path = self.args.file.clone();
        let format = self.format;
        let task = tokio::task::spawn_blocking(move || {
            let mut plan = Plan::default();
            let mut first_row: HashMap<RefHash, u64> = HashMap::new();
            for raw in input::open(&path, format)? {
                let raw = raw?;
                plan.rows += 1;
                let row = raw.row;
                let checked = checker.check(raw);
                let Some(Checked(hash, line, result)) = checked else {
                    continue;
                };
                plan.in_shard += 1;
                let problem = match (result, hash) {
                    (Err(p), _) => Some(p),
                    (Ok(request), Some(hash)) => match first_row.get(&hash) {
                        Some(&first) => {
                            plan.duplicates.insert(row, first);
                            Some(duplicate_problem(line, request, first))
                        }
                        None => {
                            first_row.insert(hash, row);
                            if settled.as_ref().is_some_and(|s| s.contains(&hash)) {
                                plan.skipped += 1;
                            } else {
                                plan.to_send += 1;
                            }
                            None
                        }
                    },
                    (Ok(_), None) => None,
                };
                if let Some(p) = problem {
                    plan.invalid += 1;
                    if report {
                        for f in &p.fields {
                            let column = if f.field == "row" {
                                String::new()
                            } else {
                                format!(", column {}", f.field)
                            };
                            eprintln!(
                                "row {row} (line {}){column}: {}: {}",
                                p.line, f.rule, f.message
                            );
                        }
                    }
                }
            }
            Ok(plan)
        });
        task.await
            .map_err(|e| Fatal(format!("the validation pass failed: {e}")))?
    }

    /// Pass 2 on a thread: rows to send, and result lines for bad rows.
    fn spawn_reader(
        &self,
        tx: mpsc::Sender<Work>,
        settled: Arc<std::collections::HashSet<RefHash>>,
        duplicates: HashMap<u64, u64>,
    ) -> tokio::task::JoinHandle<()> {
        let checker = self.checker();
        let path = self.args.file.clone();
        let format = self.format;
        tokio::task::spawn_blocking(move || {
            let rows = match input::open(&path, format) {
                Ok(r) => r,
                Err(f) => {
                    let _ = tx.blocking_send(Work::Fatal(f));
                    return;
                }
            };
            for raw in rows {
                let work = match raw {
                    Err(f) => Work::Fatal(f),
                    Ok(raw) => {
                        let row = raw.row;
                        match checker.check(raw) {
                            None => continue,
                            Some(Checked(_, _, Err(p))) => {
                                Work::Invalid(Box::new(ResultLine::from_problem(row, &p)))
                            }
                            Some(Checked(hash, line, Ok(request))) => {
                                if let Some(&first) = duplicates.get(&row) {
                                    let p = duplicate_problem(line, request, first);
                                    Work::Invalid(Box::new(ResultLine::from_problem(row, &p)))
                                } else if hash.is_some_and(|h| settled.contains(&h)) {
                                    continue;
                                } else {
                                    Work::Send(row, Box::new(request))
                                }
                            }
                        }
                    }
                };
                let is_fatal = matches!(work, Work::Fatal(_));
                if tx.blocking_send(work).is_err() || is_fatal {
                    return;
                }
            }
        })
    }

    fn checker(&self) -> Checker {
        Checker {
            connector: self.args.connector,
            policy: self.policy,
            shard: self.args.shard,
        }
    }
}

/// SIGINT (Ctrl-C) as a stream: every press from creation on counts, the second one too.
struct Interrupts {
    #[cfg(unix)]
    signal: tokio::signal::unix::Signal,
}

impl Interrupts {
    fn new() -> std::io::Result<Interrupts> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Interrupts {
                signal: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Interrupts {})
        }
    }

    /// The next press.
    async fn next(&mut self) {
        #[cfg(unix)]
        let pressed = self.signal.recv().await.is_some();
        #[cfg(not(unix))]
        let pressed = tokio::signal::ctrl_c().await.is_ok();
        if !pressed {
            std::future::pending::<()>().await;
        }
    }
}

/// Validates one row and places it in a shard.
#[derive(Clone, Copy)]
struct Checker {
    connector: Connector,
    policy: UnsupportedFields,
    shard: Option<Shard>,
}

/// A row of this shard: the reference's hash (when there is a reference), the row's line, and
/// the request or its problem.
struct Checked(
    Option<RefHash>,
    u64,
    Result<CustomerCreateRequest, RowProblem>,
);

impl Checker {
    /// `None` when the row belongs to another shard.
    fn check(&self, raw: RawRow) -> Option<Checked> {
        let line = raw.line;
        let reference = match &raw.parsed {
            Ok(r) => {
                (!r.merchant_customer_id.is_empty()).then_some(r.merchant_customer_id.as_str())
            }
            Err(p) => p.merchant_customer_id.as_deref(),
        };
        let hash = reference.map(RefHash::of);
        if let Some(shard) = self.shard {
            let mine = match &hash {
                Some(h) => shard.contains(h),
                // A row without a readable reference is reported by shard 1 only.
                None => shard.index == 1,
            };
            if !mine {
                return None;
            }
        }
        let result = raw.parsed.and_then(|request| {
            match prism::validate(&request, self.connector, self.policy) {
                Ok(_) => Ok(request),
                Err(e) => Err(RowProblem {
                    line,
                    merchant_customer_id: (!request.merchant_customer_id.is_empty())
                        .then(|| request.merchant_customer_id.clone()),
                    fields: if e.field_errors().is_empty() {
                        vec![FieldError::new("row", e.kind().as_str(), e.message())]
                    } else {
                        e.field_errors().to_vec()
                    },
                }),
            }
        });
        Some(Checked(hash, line, result))
    }
}

fn duplicate_problem(line: u64, request: CustomerCreateRequest, first: u64) -> RowProblem {
    RowProblem {
        line,
        merchant_customer_id: Some(request.merchant_customer_id),
        fields: vec![FieldError::new(
            "merchant_customer_id",
            "unique_in_file",
            format!("repeats the reference of row {first}; only row {first} is sent"),
        )],
    }
}

/// Creates one row, trying again after the shared pause while the processor answers 429.
/// `None` when stopped before anything was sent for it (a later `--resume` sends it).
async fn send_row(
    client: CustomerClient,
    pacer: Arc<Pacer>,
    journal: Option<Arc<Journal>>,
    options: CallOptions,
    mut stop: watch::Receiver<bool>,
    row: u64,
    request: CustomerCreateRequest,
) -> Option<ResultLine> {
    let mut extra_attempts = 0;
    let mut rounds = 0;
    loop {
        tokio::select! {
            biased;
            _ = stop.wait_for(|s| *s) => return None,
            () = pacer.acquire() => {}
        }
        if let Some(journal) = &journal {
            if let Err(e) = journal.started(row, &request.merchant_customer_id) {
                let e = Error::new(
                    ErrorKind::Configuration,
                    format!("cannot write the in-flight journal ({e}); not sent"),
                );
                let mut line =
                    ResultLine::from_error(row, &request.merchant_customer_id, &e, extra_attempts);
                if let Some(err) = &mut line.error {
                    err.retryable = true;
                }
                return Some(line);
            }
        }
        match client.create_with(request.clone(), options.clone()).await {
            Ok(response) => return Some(ResultLine::from_response(row, &response, extra_attempts)),
            Err(e) => {
                if e.kind() == ErrorKind::RateLimited {
                    pacer.throttled(e.retry_after());
                    if rounds < RATE_LIMITED_ROUNDS && !*stop.borrow() {
                        rounds += 1;
                        extra_attempts += e.diagnostics().map_or(0, |d| d.attempts);
                        continue;
                    }
                }
                return Some(ResultLine::from_error(
                    row,
                    &request.merchant_customer_id,
                    &e,
                    extra_attempts,
                ));
            }
        }
    }
}

/// Asks the processor whether an unknown outcome's customer exists; true when that settled it.
async fn reconcile(client: &CustomerClient, line: &mut ResultLine) -> bool {
    let Some(reference) = line.merchant_customer_id.clone() else {
        return false;
    };
    match client.reconcile(&reference).await {
        Ok(Reconciliation::Found {
            connector_customer_id,
        }) => {
            line.connector_customer_id = Some(connector_customer_id);
            line.error = None;
            line.outcome_unknown = false;
            line.reconciled = true;
            true
        }
        Ok(Reconciliation::NotFound { definite: true }) => {
            line.outcome_unknown = false;
            line.reconciled = true;
            if let Some(e) = &mut line.error {
                e.retryable = true;
                e.message.push_str(
                    "; the processor's lookup shows it was not created (run again with --resume)",
                );
            }
            true
        }
        _ => false,
    }
}

fn print_error(e: &Error) -> i32 {
    eprintln!("{}", crate::output::pretty(&crate::output::error_json(e)));
    exit::exit_code(e.kind())
}

fn print_summary(s: &Summary<'_>, run: &Tally) {
    eprintln!(
        "{}: created {}, existing {}, invalid {}, failed {}, unknown {}{}",
        if s.interrupted {
            "import interrupted"
        } else {
            "import finished"
        },
        s.created,
        s.existing,
        s.invalid,
        s.failed,
        s.unknown,
        if s.not_done > 0 {
            format!(", not done {} (run again with --resume)", s.not_done)
        } else {
            String::new()
        }
    );
    eprintln!(
        "  this run: {} rows at {:.0} rows/s; settled by an earlier run: {}; reconciled by lookup: {}; rate-limit slowdowns: {}",
        run.total(),
        s.rows_per_second,
        s.settled_earlier,
        s.reconciled,
        s.rate_limit_slowdowns
    );
    eprintln!("  results: {}", s.results.display());
    crate::say!(
        "{}",
        serde_json::to_string(s).unwrap_or_else(|_| "{}".to_owned())
    );
}

/// `FILE.results.jsonl` beside the input.
fn default_out(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".results.jsonl");
    file.with_file_name(name)
}
