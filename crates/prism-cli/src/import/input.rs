//! Reading an import file, one row at a time: CSV with a header row, or JSON Lines.
//!
//! Memory does not grow with the file: rows are parsed one by one, and a row longer than
//! [`MAX_ROW_BYTES`] is never held whole. Every problem names the row, the column (or the
//! byte), and the rule, never a value from the file (values may be personal data).
//!
//! CSV columns (header names, case-sensitive, any order): `merchant_customer_id` (required),
//! `email`, `name`, `phone`, `description`, `address.line1`, `address.line2`, `address.city`,
//! `address.state`, `address.postal_code`, `address.country`, and `metadata.KEY` for each
//! metadata entry. An empty cell is an absent field. JSON Lines: the product page's request
//! (`{"merchant_customer_id": …, "address": {…}, "metadata": {…}}`) on each line; blank lines
//! are skipped; unknown fields are rejected.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use clap::ValueEnum;
use prism::redact::scrub_patterns;
use prism::{Address, CustomerCreateRequest, FieldError};
use serde::Deserialize;

/// The longest row accepted (1 MiB): a customer request is a few KB at most.
pub const MAX_ROW_BYTES: usize = 1 << 20;

/// The file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header row naming the request fields.
    Csv,
    /// One JSON request per line.
    Jsonl,
}

impl Format {
    /// `explicit`, else from the extension of `path` (`.csv`; `.jsonl`, `.ndjson`, `.json`).
    pub fn detect(path: &Path, explicit: Option<Format>) -> Result<Format, String> {
        if let Some(f) = explicit {
            return Ok(f);
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => Ok(Format::Csv),
            Some("jsonl" | "ndjson" | "json") => Ok(Format::Jsonl),
            _ => Err(format!(
                "cannot tell the format of {} from its extension: pass --format csv or --format jsonl",
                path.display()
            )),
        }
    }
}

/// What is wrong with one row. Carries no value from the file except the reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The row's line in the file (where it starts).
    pub line: u64,
    /// The reference, when it could be read (for the results line).
    pub merchant_customer_id: Option<String>,
    /// Each column (field path) or place and the rule it breaks.
    pub fields: Vec<FieldError>,
}

/// A problem with the file as a whole: nothing can be imported from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fatal(pub String);

impl fmt::Display for Fatal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One row read from the file.
#[derive(Debug)]
pub struct RawRow {
    /// 1-based row number: the record number after the header (CSV), the line number (JSON
    /// Lines).
    pub row: u64,
    /// The line where the row starts.
    pub line: u64,
    /// The request, or why there is none.
    pub parsed: Result<CustomerCreateRequest, RowProblem>,
}

/// The rows of a file, in order.
pub type Rows = Box<dyn Iterator<Item = Result<RawRow, Fatal>> + Send>;

/// Opens `path` as `format`; a CSV header is read and checked here.
pub fn open(path: &Path, format: Format) -> Result<Rows, Fatal> {
    let file =
        File::open(path).map_err(|e| Fatal(format!("cannot open {}: {e}", path.display())))?;
    match format {
        Format::Csv => Ok(Box::new(CsvRows::new(file)?)),
        Format::Jsonl => Ok(Box::new(JsonlRows {
            reader: BufReader::with_capacity(64 * 1024, file),
            line: 0,
            buf: Vec::new(),
        })),
    }
}

fn problem(
    line: u64,
    reference: Option<String>,
    field: &str,
    rule: &str,
    message: String,
) -> RowProblem {
    RowProblem {
        line,
        merchant_customer_id: reference,
        fields: vec![FieldError::new(field, rule, message)],
    }
}

// ---- CSV ----

/// A request field a CSV column fills.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Reference,
    Email,
    Name,
    Phone,
    Description,
    Line1,
    Line2,
    City,
    State,
    PostalCode,
    Country,
    Metadata(String),
}

const COLUMNS: &str = "merchant_customer_id, email, name, phone, description, address.line1, address.line2, address.city, address.state, address.postal_code, address.country, metadata.KEY";

impl Column {
    fn parse(name: &str) -> Option<Column> {
        Some(match name {
            "merchant_customer_id" => Column::Reference,
            "email" => Column::Email,
            "name" => Column::Name,
            "phone" => Column::Phone,
            "description" => Column::Description,
            "address.line1" => Column::Line1,
            "address.line2" => Column::Line2,
            "address.city" => Column::City,
            "address.state" => Column::State,
            "address.postal_code" => Column::PostalCode,
            "address.country" => Column::Country,
            other => {
                let key = other.strip_prefix("metadata.")?;
                if key.is_empty() {
                    return None;
                }
                Column::Metadata(key.to_owned())
            }
        })
    }
}

/// Counts the bytes the CSV parser pulls for the current record and fails once a record
/// exceeds [`MAX_ROW_BYTES`] (plus the parser's read-ahead), so a huge row is never buffered.
struct Counted<R> {
    inner: R,
    since_record: Arc<AtomicUsize>,
}

/// The marker of the "row too long" I/O error.
const TOO_LONG: &str = "prism-import: row too long";

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.since_record.load(Ordering::Relaxed) > MAX_ROW_BYTES + 64 * 1024 {
            return Err(io::Error::new(io::ErrorKind::InvalidData, TOO_LONG));
        }
        let n = self.inner.read(buf)?;
        self.since_record.fetch_add(n, Ordering::Relaxed);
        Ok(n)
    }
}

struct CsvRows {
    reader: csv::Reader<Counted<File>>,
    since_record: Arc<AtomicUsize>,
    columns: Vec<(Column, String)>,
    reference_at: usize,
    record: csv::ByteRecord,
    row: u64,
    done: bool,
}

impl CsvRows {
    fn new(file: File) -> Result<CsvRows, Fatal> {
        let since_record = Arc::new(AtomicUsize::new(0));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .buffer_capacity(64 * 1024)
            .from_reader(Counted {
                inner: file,
                since_record: Arc::clone(&since_record),
            });
        let headers = reader
            .byte_headers()
            .map_err(|e| csv_fatal(&e, 0, 1))?
            .clone();
        since_record.store(0, Ordering::Relaxed);
        if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
            return Err(Fatal(
                "header (line 1): the file is empty or has no header row; the first line must name the columns".into(),
            ));
        }
        let mut columns: Vec<(Column, String)> = Vec::with_capacity(headers.len());
        for (i, raw) in headers.iter().enumerate() {
            let n = i + 1;
            let name = std::str::from_utf8(raw).map_err(|e| {
                Fatal(format!(
                    "header (line 1), column {n}: not UTF-8 (byte {} of the name); save the file as UTF-8",
                    e.valid_up_to() + 1
                ))
            })?;
            let name = name.trim_start_matches('\u{feff}').trim();
            let column = Column::parse(name).ok_or_else(|| {
                Fatal(format!(
                    "header (line 1), column {n} `{}`: unknown column; expected {COLUMNS}",
                    scrub_patterns(name)
                ))
            })?;
            if let Some(first) = columns.iter().position(|(c, _)| *c == column) {
                return Err(Fatal(format!(
                    "header (line 1), column {n} `{name}`: repeats column {}",
                    first + 1
                )));
            }
            columns.push((column, name.to_owned()));
        }
        let reference_at = columns
            .iter()
            .position(|(c, _)| *c == Column::Reference)
            .ok_or_else(|| {
                Fatal("header (line 1): no merchant_customer_id column; every row needs its reference".into())
            })?;
        Ok(CsvRows {
            reader,
            since_record,
            columns,
            reference_at,
            record: csv::ByteRecord::new(),
            row: 0,
            done: false,
        })
    }

    fn parse_record(&self, line: u64) -> Result<CustomerCreateRequest, RowProblem> {
        let rec = &self.record;
        let reference = rec
            .get(self.reference_at)
            .and_then(|b| std::str::from_utf8(b).ok())
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        if rec.len() != self.columns.len() {
            return Err(problem(
                line,
                reference,
                "row",
                "field_count",
                format!(
                    "has {} fields, the header has {} (a missing or extra comma, or an unclosed quote)",
                    rec.len(),
                    self.columns.len()
                ),
            ));
        }
        let mut req = CustomerCreateRequest::default();
        let mut address = Address::new();
        let mut fields = Vec::new();
        for ((column, name), raw) in self.columns.iter().zip(rec.iter()) {
            let value = match std::str::from_utf8(raw) {
                Ok(v) => v,
                Err(e) => {
                    fields.push(FieldError::new(
                        name.as_str(),
                        "utf8",
                        format!(
                            "not UTF-8 (byte {} of the value); save the file as UTF-8",
                            e.valid_up_to() + 1
                        ),
                    ));
                    continue;
                }
            };
            if value.is_empty() {
                continue;
            }
            let v = Some(value.to_owned());
            match column {
                Column::Reference => req.merchant_customer_id = value.to_owned(),
                Column::Email => req.email = v,
                Column::Name => req.name = v,
                Column::Phone => req.phone = v,
                Column::Description => req.description = v,
                Column::Line1 => address.line1 = v,
                Column::Line2 => address.line2 = v,
                Column::City => address.city = v,
                Column::State => address.state = v,
                Column::PostalCode => address.postal_code = v,
                Column::Country => address.country = v,
                Column::Metadata(key) => {
                    req.metadata.insert(key.clone(), value.to_owned());
                }
            }
        }
        if !fields.is_empty() {
            return Err(RowProblem {
                line,
                merchant_customer_id: reference,
                fields,
            });
        }
        if !address.is_empty() {
            req.address = Some(address);
        }
        Ok(req)
    }
}

fn csv_fatal(e: &csv::Error, row: u64, line: u64) -> Fatal {
    let is_too_long = matches!(e.kind(), csv::ErrorKind::Io(io) if io.to_string() == TOO_LONG);
    if is_too_long {
        Fatal(format!(
            "row {row} (line {line}): longer than {} MiB; a customer row is a few KB (an unclosed quote swallows the rest of the file)",
            MAX_ROW_BYTES >> 20
        ))
    } else {
        // csv's messages name positions, never field contents.
        Fatal(format!("row {row} (line {line}): cannot read the CSV: {e}"))
    }
}

impl Iterator for CsvRows {
    type Item = Result<RawRow, Fatal>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next_line = self.reader.position().line();
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => {
                self.since_record.store(0, Ordering::Relaxed);
                self.row += 1;
                let line = self
                    .record
                    .position()
                    .map_or(next_line, csv::Position::line);
                Some(Ok(RawRow {
                    row: self.row,
                    line,
                    parsed: self.parse_record(line),
                }))
            }
            Err(e) => {
                self.done = true;
                Some(Err(csv_fatal(&e, self.row + 1, next_line)))
            }
        }
    }
}

// ---- JSON Lines ----

struct JsonlRows<R> {
    reader: R,
    line: u64,
    buf: Vec<u8>,
}

enum LineRead {
    Eof,
    Line,
    TooLong,
}

/// Reads one line into `buf` (without its end), keeping at most `max` bytes: a longer line is
/// consumed and dropped.
fn read_line_limited<R: BufRead>(r: &mut R, buf: &mut Vec<u8>, max: usize) -> io::Result<LineRead> {
    buf.clear();
    let mut any = false;
    let mut too_long = false;
    loop {
        let available = r.fill_buf()?;
        if available.is_empty() {
            return Ok(match (any, too_long) {
                (false, _) => LineRead::Eof,
                (true, true) => LineRead::TooLong,
                (true, false) => LineRead::Line,
            });
        }
        any = true;
        let (take, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if !too_long {
            let chunk = &available[..take];
            let chunk = if done {
                &chunk[..chunk.len() - 1]
            } else {
                chunk
            };
            if buf.len() + chunk.len() > max {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        r.consume(take);
        if done {
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(if too_long {
                LineRead::TooLong
            } else {
                LineRead::Line
            });
        }
    }
}

/// Only the reference, to name a row whose request cannot be read.
#[derive(Deserialize)]
struct ReferenceOnly {
    merchant_customer_id: Option<serde_json::Value>,
}

impl<R: BufRead> Iterator for JsonlRows<R> {
    type Item = Result<RawRow, Fatal>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let read = match read_line_limited(&mut self.reader, &mut self.buf, MAX_ROW_BYTES) {
                Ok(r) => r,
                Err(e) => {
                    return Some(Err(Fatal(format!(
                        "row {} (line {}): cannot read the file: {e}",
                        self.line + 1,
                        self.line + 1
                    ))))
                }
            };
            let line = match read {
                LineRead::Eof => return None,
                LineRead::TooLong => {
                    self.line += 1;
                    let line = self.line;
                    return Some(Ok(RawRow {
                        row: line,
                        line,
                        parsed: Err(problem(
                            line,
                            None,
                            "row",
                            "max_length",
                            format!("longer than {} MiB; not read", MAX_ROW_BYTES >> 20),
                        )),
                    }));
                }
                LineRead::Line => {
                    self.line += 1;
                    self.line
                }
            };
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(Ok(RawRow {
                row: line,
                line,
                parsed: parse_json_row(&self.buf, line),
            }));
        }
    }
}

fn parse_json_row(bytes: &[u8], line: u64) -> Result<CustomerCreateRequest, RowProblem> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        problem(
            line,
            None,
            "row",
            "utf8",
            format!(
                "not UTF-8 at byte {} of the line; save the file as UTF-8",
                e.valid_up_to() + 1
            ),
        )
    })?;
    serde_json::from_str::<CustomerCreateRequest>(text).map_err(|e| {
        let reference = serde_json::from_str::<ReferenceOnly>(text)
            .ok()
            .and_then(|r| r.merchant_customer_id)
            .and_then(|v| v.as_str().map(str::to_owned));
        if e.to_string()
            .contains("missing field `merchant_customer_id`")
        {
            return problem(
                line,
                None,
                "merchant_customer_id",
                "required",
                "is required and must not be empty".to_owned(),
            );
        }
        let rule = if e.is_syntax() || e.is_eof() {
            "json"
        } else {
            "schema"
        };
        problem(
            line,
            reference,
            "row",
            rule,
            format!(
                "not a customer-create request: {} (column {})",
                crate::create::json_problem_text(&e),
                e.column()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<Result<Vec<u8>, &'static str>> {
        let mut r = BufReader::with_capacity(4, input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            match read_line_limited(&mut r, &mut buf, max) {
                Ok(LineRead::Eof) => return out,
                Ok(LineRead::Line) => out.push(Ok(buf.clone())),
                Ok(LineRead::TooLong) => out.push(Err("too long")),
                Err(_) => return out,
            }
        }
    }

    #[test]
    fn lines_are_limited_without_holding_them() {
        let got = lines(b"ab\r\n0123456789\ncd\nlast", 5);
        assert_eq!(
            got,
            vec![
                Ok(b"ab".to_vec()),
                Err("too long"),
                Ok(b"cd".to_vec()),
                Ok(b"last".to_vec())
            ]
        );
    }

    #[test]
    fn columns() {
        assert_eq!(
            Column::parse("metadata.plan"),
            Some(Column::Metadata("plan".into()))
        );
        assert_eq!(Column::parse("metadata."), None);
        assert_eq!(Column::parse("address.zip"), None);
        assert_eq!(
            Column::parse("address.postal_code"),
            Some(Column::PostalCode)
        );
    }

    #[test]
    fn format_from_extension() {
        assert_eq!(Format::detect(Path::new("a.CSV"), None), Ok(Format::Csv));
        assert_eq!(
            Format::detect(Path::new("a.ndjson"), None),
            Ok(Format::Jsonl)
        );
        assert!(Format::detect(Path::new("a.txt"), None).is_err());
        assert_eq!(
            Format::detect(Path::new("a.txt"), Some(Format::Jsonl)),
            Ok(Format::Jsonl)
        );
    }
}
