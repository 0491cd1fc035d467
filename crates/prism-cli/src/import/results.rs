//! The results file: one JSON line per input row, and what `--resume` keeps of an earlier one.
//!
//! A line carries the row number, the reference, the processor's id, `existing`, the error's
//! kind, status, message (already scrubbed of secrets and personal data by the library),
//! whether it is retryable, `outcome_unknown`, the HTTP attempts, and `reconciled` (the outcome
//! was settled by a lookup). Never a request field other than the reference.
//!
//! Resuming rewrites the file with only the lines that are settled — created, existing, or a
//! definite failure that resending cannot fix — one per reference, and drops the rest (unknown
//! outcomes, retryable failures, invalid rows, a torn last line): those rows are redone, so a
//! finished run leaves exactly one line per row.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use prism::{CustomerCreateResponse, Error, ErrorKind, FieldError};
use serde::{Deserialize, Serialize};

use super::input::RowProblem;
use super::shard::RefHash;

/// One row's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultLine {
    /// The row number in the input (see [`super::input::RawRow::row`]).
    pub row: u64,
    /// The row's reference, when it could be read.
    pub merchant_customer_id: Option<String>,
    /// The processor's id of the customer (created or existing).
    pub connector_customer_id: Option<String>,
    /// The customer existed before this import (`--on-duplicate return-existing`).
    pub existing: bool,
    /// Why the row has no customer.
    pub error: Option<ErrorEntry>,
    /// The create may have been applied although no answer said so.
    pub outcome_unknown: bool,
    /// HTTP attempts made for the row (0: nothing was sent).
    pub attempts: u32,
    /// The outcome was settled by looking the reference up at the processor.
    #[serde(default)]
    pub reconciled: bool,
}

/// The error of a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEntry {
    /// `invalid_request`, `processor_unavailable`, …
    pub kind: String,
    /// The status code of SPEC §2 (`null` for `configuration`).
    pub status: Option<u16>,
    /// What went wrong, in words (no values from the row).
    pub message: String,
    /// Sending the row again may succeed (`--resume` does).
    pub retryable: bool,
    /// The processor's own error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_code: Option<String>,
    /// Each column and the rule it breaks (invalid rows).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldEntry>,
}

/// A column that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldEntry {
    /// The column (field path), or `row` for the row as a whole.
    pub field: String,
    /// The rule's short name.
    pub rule: String,
    /// The rule in words.
    pub message: String,
}

fn field_entries(fields: &[FieldError]) -> Vec<FieldEntry> {
    fields
        .iter()
        .map(|f| FieldEntry {
            field: f.field.clone(),
            rule: f.rule.clone(),
            message: f.message.clone(),
        })
        .collect()
}

/// How a row ended, for the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Created by this import.
    Created,
    /// Existed already; its id is recorded.
    Existing,
    /// Not sent: the row breaks a rule.
    Invalid,
    /// The processor refused it, or it could not be sent.
    Failed,
    /// May or may not have been created.
    Unknown,
}

impl ResultLine {
    /// A created (or existing) customer.
    pub fn from_response(row: u64, r: &CustomerCreateResponse, extra_attempts: u32) -> Self {
        ResultLine {
            row,
            merchant_customer_id: Some(r.merchant_customer_id.clone()),
            connector_customer_id: Some(r.connector_customer_id.clone()),
            existing: r.existing,
            error: None,
            outcome_unknown: false,
            attempts: r.diagnostics.attempts + extra_attempts,
            reconciled: r.diagnostics.reconciled,
        }
    }

    /// A failed create.
    pub fn from_error(row: u64, reference: &str, e: &Error, extra_attempts: u32) -> Self {
        let diagnostics = e.diagnostics();
        let error = ErrorEntry {
            kind: e.kind().as_str().to_owned(),
            status: e.status_code(),
            message: e.message().to_owned(),
            retryable: e.is_retryable() || e.kind() == ErrorKind::RateLimited,
            connector_code: e.connector_code().map(str::to_owned),
            fields: field_entries(e.field_errors()),
        };
        let mut line = Self::failure(
            row,
            reference,
            error,
            e.outcome_unknown(),
            diagnostics.map_or(0, |d| d.attempts) + extra_attempts,
        );
        line.reconciled = diagnostics.is_some_and(|d| d.reconciled);
        line
    }

    fn failure(
        row: u64,
        reference: &str,
        error: ErrorEntry,
        outcome_unknown: bool,
        attempts: u32,
    ) -> Self {
        ResultLine {
            row,
            merchant_customer_id: Some(reference.to_owned()),
            connector_customer_id: None,
            existing: false,
            error: Some(error),
            outcome_unknown,
            attempts,
            reconciled: false,
        }
    }

    /// A create that was in flight when the import died, at a processor where resending is not
    /// safe: unknown, and left alone by `--resume`.
    pub fn in_flight_when_stopped(row: u64, reference: &str) -> Self {
        let error = ErrorEntry {
            kind: ErrorKind::Transport.as_str().to_owned(),
            status: Some(502),
            message: "the import stopped while this create was in flight and the processor offers no idempotency: it may have been applied; check at the processor (remove this line to send the row again)".to_owned(),
            retryable: false,
            connector_code: None,
            fields: Vec::new(),
        };
        Self::failure(row, reference, error, true, 1)
    }

    /// A row that breaks a rule: nothing sent.
    pub fn from_problem(row: u64, p: &RowProblem) -> Self {
        let summary = p
            .fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; ");
        ResultLine {
            row,
            merchant_customer_id: p.merchant_customer_id.clone(),
            connector_customer_id: None,
            existing: false,
            error: Some(ErrorEntry {
                kind: ErrorKind::InvalidRequest.as_str().to_owned(),
                status: Some(422),
                message: format!("row {row} (line {}): {summary}; not sent", p.line),
                retryable: false,
                connector_code: None,
                fields: field_entries(&p.fields),
            }),
            outcome_unknown: false,
            attempts: 0,
            reconciled: false,
        }
    }

    /// How the row ended.
    pub fn category(&self) -> Category {
        match (&self.connector_customer_id, &self.error) {
            (Some(_), _) if self.existing => Category::Existing,
            (Some(_), _) => Category::Created,
            _ if self.outcome_unknown => Category::Unknown,
            (None, Some(_)) if self.attempts == 0 => Category::Invalid,
            _ => Category::Failed,
        }
    }

    /// Whether a later run must leave the row alone: created, existing, or a definite failure
    /// that sending again cannot fix.
    pub fn is_settled(&self) -> bool {
        match self.category() {
            Category::Created | Category::Existing => true,
            Category::Failed => !self.error.as_ref().is_some_and(|e| e.retryable),
            Category::Invalid | Category::Unknown => false,
        }
    }
}

/// Counts per [`Category`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Created by the import.
    pub created: u64,
    /// Existed already.
    pub existing: u64,
    /// Not sent: broke a rule.
    pub invalid: u64,
    /// Refused or not sendable.
    pub failed: u64,
    /// Outcome unknown.
    pub unknown: u64,
}

impl Tally {
    /// Counts one row.
    pub fn add(&mut self, c: Category) {
        match c {
            Category::Created => self.created += 1,
            Category::Existing => self.existing += 1,
            Category::Invalid => self.invalid += 1,
            Category::Failed => self.failed += 1,
            Category::Unknown => self.unknown += 1,
        }
    }

    /// Every row counted.
    pub fn total(&self) -> u64 {
        self.created + self.existing + self.invalid + self.failed + self.unknown
    }

    /// Rows that did not end with a customer.
    pub fn problems(&self) -> u64 {
        self.invalid + self.failed + self.unknown
    }

    /// Sum of two tallies.
    pub fn plus(&self, o: &Tally) -> Tally {
        Tally {
            created: self.created + o.created,
            existing: self.existing + o.existing,
            invalid: self.invalid + o.invalid,
            failed: self.failed + o.failed,
            unknown: self.unknown + o.unknown,
        }
    }
}

/// What `--resume` kept of an earlier results file.
#[derive(Debug, Default)]
pub struct Resumed {
    /// References settled earlier: their rows are skipped.
    pub settled: HashSet<RefHash>,
    /// The kept lines, by category.
    pub kept: Tally,
    /// Lines dropped to be redone (unknown, retryable, invalid, repeated).
    pub dropped: u64,
    /// Lines that could not be read (a torn last line after a kill).
    pub unreadable: u64,
    /// Creates the journal shows in flight when an earlier run died, recorded as unknown.
    pub in_flight: u64,
}

/// Rewrites the results file at `path` keeping only settled lines (one per reference) and
/// returns what was kept. A missing file is an empty one.
///
/// With `journal` (a connector where resending is not safe: no idempotency, no uniqueness),
/// unknown outcomes are kept too — sending them again could create a second customer — and
/// every create the journal says was sent without a line in the results (in flight when the
/// process died) becomes an unknown line, never a resend.
pub fn resume(path: &Path, journal: Option<&Path>) -> io::Result<Resumed> {
    let mut out = Resumed::default();
    let file = match File::open(path) {
        Ok(f) => Some(f),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if file.is_none() && journal.is_none_or(|j| !j.exists()) {
        return Ok(out);
    }
    let tmp = tmp_path(path);
    let mut writer = BufWriter::new(File::create(&tmp)?);
    let mut with_a_line: HashSet<RefHash> = HashSet::new();
    let mut buf = Vec::new();
    if let Some(file) = file {
        let mut reader = BufReader::new(file);
        loop {
            buf.clear();
            if reader.read_until(b'\n', &mut buf)? == 0 {
                break;
            }
            let Ok(line) = serde_json::from_slice::<ResultLine>(&buf) else {
                out.unreadable += 1;
                continue;
            };
            let hash = line.merchant_customer_id.as_deref().map(RefHash::of);
            if let (Some(h), true) = (hash, journal.is_some()) {
                with_a_line.insert(h);
            }
            let settled =
                line.is_settled() || (journal.is_some() && line.category() == Category::Unknown);
            let keep = settled && hash.is_some_and(|h| out.settled.insert(h));
            if keep {
                serde_json::to_writer(&mut writer, &line)?;
                writer.write_all(b"\n")?;
                out.kept.add(line.category());
            } else {
                out.dropped += 1;
            }
        }
    }
    if let Some(journal) = journal.filter(|j| j.exists()) {
        let mut reader = BufReader::new(File::open(journal)?);
        loop {
            buf.clear();
            if reader.read_until(b'\n', &mut buf)? == 0 {
                break;
            }
            let text = String::from_utf8_lossy(&buf);
            let Some((row, reference)) = text.trim_end_matches('\n').split_once('\t') else {
                continue; // a torn last entry: its create had not been sent yet
            };
            let (Ok(row), hash) = (row.parse::<u64>(), RefHash::of(reference)) else {
                continue;
            };
            if with_a_line.contains(&hash) || !out.settled.insert(hash) {
                continue;
            }
            let line = ResultLine::in_flight_when_stopped(row, reference);
            serde_json::to_writer(&mut writer, &line)?;
            writer.write_all(b"\n")?;
            out.kept.add(Category::Unknown);
            out.in_flight += 1;
        }
    }
    writer.flush()?;
    writer.get_ref().sync_all()?;
    drop(writer);
    std::fs::rename(&tmp, path)?;
    Ok(out)
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".resume-tmp");
    path.with_file_name(name)
}

/// The in-flight journal of a connector where resending is not safe (`RESULTS.inflight`): one
/// `ROW<TAB>REFERENCE` line written (unbuffered) just before each create is sent, so `--resume`
/// knows which rows may have been applied although no result was recorded.
pub struct Journal {
    file: std::sync::Mutex<File>,
}

impl Journal {
    /// The journal beside the results file `out`.
    pub fn path(out: &Path) -> PathBuf {
        let mut name = out.file_name().unwrap_or_default().to_os_string();
        name.push(".inflight");
        out.with_file_name(name)
    }

    /// Starts an empty journal at `path` (after [`resume`] has read the old one).
    pub fn create(path: &Path) -> io::Result<Journal> {
        Ok(Journal {
            file: std::sync::Mutex::new(File::create(path)?),
        })
    }

    /// Records that the create of `row` is about to be sent.
    pub fn started(&self, row: u64, reference: &str) -> io::Result<()> {
        let mut f = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f.write_all(format!("{row}\t{reference}\n").as_bytes())
    }
}

/// Appends result lines, flushing every [`FLUSH_EVERY`] lines (a kill loses at most that many,
/// and those rows are redone — replayed, not duplicated — by `--resume`).
pub struct ResultsWriter {
    out: BufWriter<File>,
    unflushed: u32,
}

/// Lines between flushes.
pub const FLUSH_EVERY: u32 = 64;

impl ResultsWriter {
    /// Opens `path` for appending (creating it).
    pub fn append(path: &Path) -> io::Result<ResultsWriter> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(ResultsWriter {
            out: BufWriter::with_capacity(64 * 1024, file),
            unflushed: 0,
        })
    }

    /// Writes one line.
    pub fn write(&mut self, line: &ResultLine) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, line)?;
        self.out.write_all(b"\n")?;
        self.unflushed += 1;
        if self.unflushed >= FLUSH_EVERY {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes out everything buffered.
    pub fn flush(&mut self) -> io::Result<()> {
        self.unflushed = 0;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(
        row: u64,
        id: Option<&str>,
        error: Option<(&str, bool)>,
        unknown: bool,
        attempts: u32,
    ) -> ResultLine {
        ResultLine {
            row,
            merchant_customer_id: Some(format!("ref_{row}")),
            connector_customer_id: id.map(str::to_owned),
            existing: false,
            error: error.map(|(kind, retryable)| ErrorEntry {
                kind: kind.into(),
                status: Some(500),
                message: "m".into(),
                retryable,
                connector_code: None,
                fields: Vec::new(),
            }),
            outcome_unknown: unknown,
            attempts,
            reconciled: false,
        }
    }

    #[test]
    fn settled_lines_are_kept_the_rest_redone() {
        assert!(line(1, Some("cus_1"), None, false, 1).is_settled());
        assert!(line(2, None, Some(("processor_error", false)), false, 1).is_settled());
        assert!(!line(3, None, Some(("processor_unavailable", true)), false, 3).is_settled());
        assert!(!line(4, None, Some(("timeout", true)), true, 3).is_settled());
        assert!(!line(5, None, Some(("invalid_request", false)), false, 0).is_settled());
        assert_eq!(
            line(5, None, Some(("invalid_request", false)), false, 0).category(),
            Category::Invalid
        );
    }

    #[test]
    fn resume_drops_a_torn_last_line_and_unsettled_lines() {
        let dir = std::env::temp_dir().join(format!("prism-results-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok();
        let path = dir.join("r.jsonl");
        let mut text = String::new();
        for l in [
            line(1, Some("cus_1"), None, false, 1),
            line(2, None, Some(("timeout", true)), true, 3),
            line(1, Some("cus_1"), None, false, 1),
        ] {
            text.push_str(&serde_json::to_string(&l).unwrap_or_default());
            text.push('\n');
        }
        text.push_str(r#"{"row": 3, "merchant_customer_id": "ref_3", "connec"#);
        std::fs::write(&path, text).ok();
        let r = resume(&path, None).ok().unwrap_or_default();
        assert_eq!(r.kept.created, 1);
        assert_eq!(r.dropped, 2);
        assert_eq!(r.unreadable, 1);
        assert!(r.settled.contains(&RefHash::of("ref_1")));
        let after = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(after.lines().count(), 1);
        std::fs::remove_dir_all(&dir).ok();
    }
}
