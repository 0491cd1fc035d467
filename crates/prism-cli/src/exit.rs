//! Exit codes of the `prism` program: one per [`ErrorKind`], so scripts can branch on `$?`.

use prism::ErrorKind;

/// Success.
pub const SUCCESS: i32 = 0;
/// A failure that is not a Prism error: a demo flow that did not behave as expected, the
/// sandbox could not start, stdout could not be written.
pub const FAILURE: i32 = 1;
/// `customers import` finished, but some rows are invalid, failed or still unknown (see the
/// results file and the summary).
pub const IMPORT_INCOMPLETE: i32 = 3;
/// `customers import` stopped by Ctrl-C (SIGINT) after recording the creates in flight:
/// 128 + SIGINT, as shells report it.
pub const INTERRUPTED: i32 = 130;
/// The command line itself is wrong (unknown flag, missing value, unknown connector): clap's code.
pub const USAGE: i32 = 2;

/// The exit code for an error of `kind`. Distinct for every kind, stable across releases.
///
/// | code | kind |
/// |---|---|
/// | 10 | `invalid_request` |
/// | 11 | `already_exists` |
/// | 12 | `authentication` |
/// | 13 | `permission_denied` |
/// | 14 | `rate_limited` |
/// | 15 | `processor_error` |
/// | 16 | `processor_unavailable` |
/// | 17 | `timeout` |
/// | 18 | `transport` |
/// | 19 | `unexpected_response` |
/// | 20 | `unsupported` |
/// | 21 | `configuration` |
pub fn exit_code(kind: ErrorKind) -> i32 {
    match kind {
        ErrorKind::InvalidRequest => 10,
        ErrorKind::AlreadyExists => 11,
        ErrorKind::Authentication => 12,
        ErrorKind::PermissionDenied => 13,
        ErrorKind::RateLimited => 14,
        ErrorKind::ProcessorError => 15,
        ErrorKind::ProcessorUnavailable => 16,
        ErrorKind::Timeout => 17,
        ErrorKind::Transport => 18,
        ErrorKind::UnexpectedResponse => 19,
        ErrorKind::Unsupported => 20,
        ErrorKind::Configuration => 21,
        // `ErrorKind` is non-exhaustive: a kind added later gets the generic failure code until
        // it is given its own (the test below fails first).
        _ => FAILURE,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_kind_has_its_own_code() {
        let mut seen = HashSet::new();
        for &kind in ErrorKind::ALL {
            let code = exit_code(kind);
            assert!(
                ![SUCCESS, FAILURE, USAGE, IMPORT_INCOMPLETE, INTERRUPTED].contains(&code),
                "{kind} maps to a reserved code {code}"
            );
            assert!(
                (3..=125).contains(&code),
                "{kind}: {code} is not a portable exit code"
            );
            assert!(seen.insert(code), "{kind} shares exit code {code}");
        }
        assert_eq!(seen.len(), ErrorKind::ALL.len());
    }

    #[test]
    fn table_is_stable() {
        assert_eq!(exit_code(ErrorKind::InvalidRequest), 10);
        assert_eq!(exit_code(ErrorKind::AlreadyExists), 11);
        assert_eq!(exit_code(ErrorKind::Configuration), 21);
    }
}
