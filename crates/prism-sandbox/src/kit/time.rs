//! Time: Unix seconds and milliseconds, and the one UTC formatter behind every processor's date
//! strings (RFC 3339 with the processor's offset spelling, centiseconds, SQL-style).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The date-string shapes processors answer.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DateStyle {
    /// RFC 3339 seconds with this UTC offset spelling: `2021-06-18T16:30:00+0000` (Airwallex
    /// tokens) or `…+00:00` (Airwallex objects).
    Rfc3339(&'static str),
    /// RFC 3339 with two fractional digits and `Z`: `2022-01-27T07:36:59.91Z` (Finix).
    Centis,
    /// `2017-05-08 19:13:41` (Stax, Laravel).
    Sql,
}

fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// Seconds since the Unix epoch.
pub(crate) fn unix_now() -> u64 {
    since_epoch().as_secs()
}

/// Milliseconds since the Unix epoch.
pub(crate) fn unix_millis_now() -> u64 {
    u64::try_from(since_epoch().as_millis()).unwrap_or(u64::MAX)
}

/// Formats a Unix time in milliseconds, UTC, in `style`.
pub(crate) fn format_utc(unix_millis: u64, style: DateStyle) -> String {
    let secs = unix_millis / 1000;
    let (y, m, d) = civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0));
    let date = format!("{y:04}-{m:02}-{d:02}");
    let rem = secs % 86_400;
    let time = format!("{:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60);
    match style {
        DateStyle::Rfc3339(offset) => format!("{date}T{time}{offset}"),
        DateStyle::Centis => format!("{date}T{time}.{:02}Z", unix_millis % 1000 / 10),
        DateStyle::Sql => format!("{date} {time}"),
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_style() {
        for (millis, style, text) in [
            (
                1_624_033_800_000,
                DateStyle::Rfc3339("+0000"),
                "2021-06-18T16:30:00+0000",
            ),
            (
                1_778_544_000_000,
                DateStyle::Rfc3339("+0000"),
                "2026-05-12T00:00:00+0000",
            ),
            (
                951_782_400_000,
                DateStyle::Rfc3339("+00:00"),
                "2000-02-29T00:00:00+00:00",
            ),
            (0, DateStyle::Rfc3339("+0000"), "1970-01-01T00:00:00+0000"),
            (
                1_643_269_019_910,
                DateStyle::Centis,
                "2022-01-27T07:36:59.91Z",
            ),
            (0, DateStyle::Centis, "1970-01-01T00:00:00.00Z"),
            (1_494_270_821_000, DateStyle::Sql, "2017-05-08 19:13:41"),
            (951_782_400_000, DateStyle::Sql, "2000-02-29 00:00:00"),
        ] {
            assert_eq!(format_utc(millis, style), text);
        }
    }
}
