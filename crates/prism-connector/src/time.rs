//! Reading processor timestamps without a date-time dependency (connector crates stay light).
//!
//! ISO 8601 / RFC 3339 date-times with an offset as `+00:00`, `+0000` (Airwallex's login
//! `expires_at`, `2021-06-18T16:30:00+0000`) or `Z`, an optional fraction of a second and a
//! space instead of `T`; and a JWT's `exp` claim.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch for `s`, or `None` when it is not a timestamp of the accepted
/// shapes (or lies before 1970).
pub fn parse_timestamp(s: &str) -> Option<SystemTime> {
    let secs = unix_seconds(s.trim())?;
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

fn unix_seconds(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    // YYYY-MM-DDTHH:MM:SS is 19 bytes, all ASCII.
    if b.len() < 19 || !s.is_char_boundary(19) {
        return None;
    }
    let (date_time, rest) = s.split_at(19);
    let d = date_time.as_bytes();
    if d[4] != b'-'
        || d[7] != b'-'
        || !matches!(d[10], b'T' | b't' | b' ')
        || d[13] != b':'
        || d[16] != b':'
    {
        return None;
    }
    let year = digits(&date_time[0..4])?;
    let month = digits(&date_time[5..7])?;
    let day = digits(&date_time[8..10])?;
    let hour = digits(&date_time[11..13])?;
    let minute = digits(&date_time[14..16])?;
    let second = digits(&date_time[17..19])?;
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }

    // Optional fraction of a second (ignored).
    let mut rest = rest;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }

    let offset = parse_offset(rest)?;
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// `Z`, `+HHMM`, `+HH:MM`, `+HH` (and `-` forms) → offset from UTC in seconds.
fn parse_offset(s: &str) -> Option<i64> {
    if s == "Z" || s == "z" {
        return Some(0);
    }
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body = &s[1..];
    let (h, m) = match body.len() {
        2 => (body, "00"),
        4 => body.split_at(2),
        5 if body.as_bytes()[2] == b':' => (&body[0..2], &body[3..5]),
        _ => return None,
    };
    let (h, m) = (digits(h)?, digits(m)?);
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The `exp` claim (seconds since the epoch) of a JWT, read without checking its signature:
/// for learning when a processor's own token stops being valid when it does not say otherwise.
pub fn jwt_expiry(token: &str) -> Option<SystemTime> {
    let mut parts = token.split('.');
    let (_header, payload) = (parts.next()?, parts.next()?);
    parts.next()?;
    if payload.len() > 64 * 1024 {
        return None;
    }
    let bytes = crate::encoding::base64url_decode(payload)?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = v.get("exp")?.as_u64()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(exp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: &str) -> Option<u64> {
        parse_timestamp(s).map(|t| {
            t.duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        })
    }

    #[test]
    fn documented_expires_at_shapes() {
        // 2021-06-18T16:30:00Z = 1624033800 (date -u -d @1624033800).
        assert_eq!(secs("2021-06-18T16:30:00+0000"), Some(1_624_033_800));
        assert_eq!(secs("2021-06-18T16:30:00+00:00"), Some(1_624_033_800));
        assert_eq!(secs("2021-06-18T16:30:00Z"), Some(1_624_033_800));
        assert_eq!(secs("2021-06-18T16:30:00.123+0000"), Some(1_624_033_800));
        assert_eq!(secs(" 2021-06-18 16:30:00+0000 "), Some(1_624_033_800));
        // 2026-05-12T00:00:00Z = 1778544000.
        assert_eq!(secs("2026-05-12T00:00:00+0000"), Some(1_778_544_000));
    }

    #[test]
    fn offsets_move_the_instant() {
        assert_eq!(secs("2021-06-19T00:30:00+0800"), Some(1_624_033_800));
        assert_eq!(secs("2021-06-18T12:30:00-04:00"), Some(1_624_033_800));
        assert_eq!(secs("2021-06-18T21:30:00+05"), Some(1_624_033_800));
    }

    #[test]
    fn calendar_edges() {
        assert_eq!(secs("1970-01-01T00:00:00+0000"), Some(0));
        assert_eq!(secs("2000-02-29T00:00:00Z"), Some(951_782_400));
        assert_eq!(secs("2024-12-31T23:59:59Z"), Some(1_735_689_599));
        assert_eq!(secs("2100-03-01T00:00:00Z"), Some(4_107_542_400));
    }

    #[test]
    fn garbage_is_none_never_a_panic() {
        for s in [
            "",
            "2021",
            "2021-06-18",
            "2021-06-18T16:30:00",
            "2021-02-29T00:00:00Z",
            "2021-13-01T00:00:00Z",
            "2021-06-31T00:00:00Z",
            "2021-06-18T24:00:00Z",
            "2021-06-18T16:30:00+2400",
            "2021-06-18T16:30:00+00:0",
            "2021-06-18T16:30:00.+0000",
            "2021/06/18T16:30:00+0000",
            "1969-12-31T23:59:59Z",
            "２０２１-06-18T16:30:00Z",
            "2021-06-18T16:30:0é+0000",
            "-021-06-18T16:30:00Z",
            "1624033800",
        ] {
            assert_eq!(parse_timestamp(s), None, "{s:?}");
        }
    }

    #[test]
    fn jwt_exp_claim() {
        // The documented login example's token: payload {"iat":1624000000,"exp":1624001800}.
        let t = "eyJhbGciOiJSUzI1NiJ9.eyJpYXQiOjE2MjQwMDAwMDAsImV4cCI6MTYyNDAwMTgwMH0.example";
        let exp = jwt_expiry(t)
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_secs());
        assert_eq!(exp, Some(1_624_001_800));
        for t in [
            "",
            "a.b",
            "not a jwt",
            "x.!!!.y",
            "eyJhIjoxfQ.eyJhIjoxfQ.s",
            "a.bnVsbA.c",
        ] {
            assert_eq!(jwt_expiry(t), None, "{t}");
        }
    }
}
