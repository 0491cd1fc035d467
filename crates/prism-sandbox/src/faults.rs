//! Fault injection: a generic layer in front of every emulator.
//!
//! A fault applies to one *create request* (what [`crate::Sandbox`] routes to an emulator's
//! create operation). One-shot faults ([`Faults::push`]) are used first, in FIFO order; otherwise
//! a probabilistic mix ([`Faults::set_random`]) may pick one.
//!
//! The text grammar for the command line is documented on [`Faults`].

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use prism_types::Connector;

/// One fault the sandbox can inject into a create request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Wait this long, then handle the request normally.
    Latency(Duration),
    /// Answer this status with the processor's own error body, before handling (nothing stored).
    Status(u16),
    /// Answer 429 in the processor's shape, with `Retry-After` when given (nothing stored).
    RateLimit {
        /// The `Retry-After` header value in seconds, if any.
        retry_after_secs: Option<u64>,
    },
    /// Read the request, then close the connection without answering; nothing stored.
    ResetBeforeStore,
    /// Handle the request (the customer is stored), then close the connection without answering.
    ResetAfterStore,
    /// Handle the request, then send its 2xx answer with only half the body (the
    /// `Content-Length` announces the whole body) and close the connection.
    TruncatedBody,
    /// Handle the request (stored), then answer 200 with the body `{"id": "cus_`.
    MalformedJson,
    /// Handle the request (stored), then answer 200 with an HTML page.
    HtmlErrorPage,
    /// Handle the request (stored), then answer 200 with an empty body.
    EmptyBody,
}

/// A seeded probabilistic mix of faults: for each request, the first fault whose probability
/// hits applies (at most one per request).
#[derive(Debug, Clone, PartialEq)]
pub struct FaultMix {
    /// The seed of the PRNG: the same seed and request sequence give the same faults.
    pub seed: u64,
    /// Faults with their probability in `[0, 1]`, tried in order.
    pub faults: Vec<(Fault, f64)>,
}

/// The sandbox's fault settings. Shared, thread-safe; changes apply to the next request.
///
/// # The `--faults` grammar ([`Faults::parse_spec`])
///
/// ```text
/// spec        := entry ( "," entry )*             (whitespace around entries is ignored)
/// entry       := fault [ ":" probability ]        (probability defaults to 1)
/// probability := a number in [0, 1]  |  a percentage "N%"
/// fault       := STATUS                  Status(STATUS), 100–599; "429" is RateLimit without Retry-After
///              | "429=" SECS             RateLimit { retry_after_secs: Some(SECS) }
///              | "status=" STATUS        the same as STATUS
///              | "latency=" DURATION     Latency; DURATION like "200ms", "1.5s" or "150" (ms)
///              | "reset-before"          ResetBeforeStore   (alias "reset")
///              | "reset-after"           ResetAfterStore
///              | "truncated"             TruncatedBody      (alias "truncated-body")
///              | "malformed-json"        MalformedJson      (alias "malformed")
///              | "html"                  HtmlErrorPage      (alias "html-error")
///              | "empty"                 EmptyBody          (alias "empty-body")
/// ```
///
/// Example: `500:0.05,reset-after:0.02,latency=200ms:0.1,429=2:0.01`. For each request the
/// entries are tried in order and the first whose probability hits applies.
#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    queue: VecDeque<(Option<Connector>, Fault)>,
    random: Vec<RandomMix>,
}

#[derive(Debug)]
struct RandomMix {
    scope: Option<Connector>,
    rng: fastrand::Rng,
    faults: Vec<(Fault, f64)>,
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues a one-shot fault for the next create request to `connector` (`None`: to any
    /// connector). Faults apply in the order they were pushed.
    pub fn push(&self, connector: Option<Connector>, fault: Fault) {
        self.lock().queue.push_back((connector, fault));
    }

    /// Sets the probabilistic mix for `connector` (`None`: for every connector without a mix of
    /// its own), replacing any earlier mix for the same scope. An empty mix removes it.
    pub fn set_random(&self, connector: Option<Connector>, mix: FaultMix) {
        let mut inner = self.lock();
        inner.random.retain(|m| m.scope != connector);
        if !mix.faults.is_empty() {
            inner.random.push(RandomMix {
                scope: connector,
                rng: fastrand::Rng::with_seed(mix.seed),
                faults: mix.faults,
            });
        }
    }

    /// Removes every queued fault and every mix.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.queue.clear();
        inner.random.clear();
    }

    /// How many one-shot faults are still queued.
    pub fn pending(&self) -> usize {
        self.lock().queue.len()
    }

    /// The fault for the next create request to `connector`, if any (consumes a one-shot fault).
    pub(crate) fn next(&self, connector: Connector) -> Option<Fault> {
        let mut inner = self.lock();
        if let Some(pos) = inner
            .queue
            .iter()
            .position(|(scope, _)| scope.is_none_or(|c| c == connector))
        {
            return inner.queue.remove(pos).map(|(_, f)| f);
        }
        let idx = inner
            .random
            .iter()
            .position(|m| m.scope == Some(connector))
            .or_else(|| inner.random.iter().position(|m| m.scope.is_none()))?;
        let mix = &mut inner.random[idx];
        for (fault, p) in &mix.faults {
            if mix.rng.f64() < *p {
                return Some(fault.clone());
            }
        }
        None
    }

    /// Parses a fault list such as `500:0.05,reset-after:0.02,latency=200ms:0.1,429=2:0.01`
    /// (grammar on [`Faults`]).
    pub fn parse_spec(spec: &str) -> Result<Vec<(Fault, f64)>, String> {
        let mut out = Vec::new();
        for raw in spec.split(',') {
            let entry = raw.trim();
            if entry.is_empty() {
                if spec.trim().is_empty() {
                    continue;
                }
                return Err(format!("empty entry in fault spec {spec:?}"));
            }
            let (fault_str, prob) = match entry.rsplit_once(':') {
                Some((f, p)) => (f.trim(), parse_probability(p.trim())?),
                None => (entry, 1.0),
            };
            out.push((parse_fault(fault_str)?, prob));
        }
        Ok(out)
    }
}

fn parse_probability(s: &str) -> Result<f64, String> {
    let p = match s.strip_suffix('%') {
        Some(pct) => pct.trim().parse::<f64>().map(|v| v / 100.0),
        None => s.parse::<f64>(),
    }
    .map_err(|_| format!("bad probability {s:?}: expected a number in [0, 1] or a percentage"))?;
    if !(0.0..=1.0).contains(&p) {
        return Err(format!("probability {s:?} is outside [0, 1]"));
    }
    Ok(p)
}

fn parse_status(s: &str) -> Result<u16, String> {
    let n: u16 = s.parse().map_err(|_| format!("bad status {s:?}"))?;
    if !(100..=599).contains(&n) {
        return Err(format!("status {n} is outside 100-599"));
    }
    Ok(n)
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("bad duration {s:?}: expected e.g. 200ms, 2s or 150");
    let s = s.trim();
    let (num, scale_ms) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (s, 1.0)
    };
    let v: f64 = num.trim().parse().map_err(|_| bad())?;
    if !v.is_finite() || v < 0.0 {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(v * scale_ms / 1000.0))
}

fn parse_fault(s: &str) -> Result<Fault, String> {
    let lower = s.to_ascii_lowercase();
    if let Some(v) = lower.strip_prefix("latency=") {
        return Ok(Fault::Latency(parse_duration(v)?));
    }
    if let Some(v) = lower.strip_prefix("429=") {
        let secs = v
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("bad Retry-After seconds {v:?}"))?;
        return Ok(Fault::RateLimit {
            retry_after_secs: Some(secs),
        });
    }
    let status_str = lower.strip_prefix("status=").unwrap_or(&lower);
    if status_str.bytes().all(|b| b.is_ascii_digit()) && !status_str.is_empty() {
        return Ok(match parse_status(status_str)? {
            429 => Fault::RateLimit {
                retry_after_secs: None,
            },
            n => Fault::Status(n),
        });
    }
    Ok(match lower.as_str() {
        "reset-before" | "reset" => Fault::ResetBeforeStore,
        "reset-after" => Fault::ResetAfterStore,
        "truncated" | "truncated-body" => Fault::TruncatedBody,
        "malformed-json" | "malformed" => Fault::MalformedJson,
        "html" | "html-error" => Fault::HtmlErrorPage,
        "empty" | "empty-body" => Fault::EmptyBody,
        _ => {
            return Err(format!(
                "unknown fault {s:?}: expected a status (500), 429=SECS, latency=DURATION, reset-before, \
                 reset-after, truncated, malformed-json, html or empty"
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let parsed = Faults::parse_spec("500:0.05,reset-after:0.02,latency=200ms:0.1,429=2:0.01")
            .expect("parses");
        assert_eq!(
            parsed,
            vec![
                (Fault::Status(500), 0.05),
                (Fault::ResetAfterStore, 0.02),
                (Fault::Latency(Duration::from_millis(200)), 0.1),
                (
                    Fault::RateLimit {
                        retry_after_secs: Some(2)
                    },
                    0.01
                ),
            ]
        );
    }

    #[test]
    fn parses_every_fault_and_defaults() {
        let parsed = Faults::parse_spec(
            " reset-before , truncated:50%, malformed-json:1, html:0, empty, 429, status=503:0.5, latency=2s, latency=15",
        )
        .expect("parses");
        assert_eq!(
            parsed,
            vec![
                (Fault::ResetBeforeStore, 1.0),
                (Fault::TruncatedBody, 0.5),
                (Fault::MalformedJson, 1.0),
                (Fault::HtmlErrorPage, 0.0),
                (Fault::EmptyBody, 1.0),
                (
                    Fault::RateLimit {
                        retry_after_secs: None
                    },
                    1.0
                ),
                (Fault::Status(503), 0.5),
                (Fault::Latency(Duration::from_secs(2)), 1.0),
                (Fault::Latency(Duration::from_millis(15)), 1.0),
            ]
        );
        assert_eq!(Faults::parse_spec("").expect("empty spec"), vec![]);
    }

    #[test]
    fn rejects_bad_specs() {
        for bad in [
            "600",
            "99",
            "boom",
            "500:1.5",
            "500:-0.1",
            "500:x",
            "latency=fast",
            "429=x",
            "500,,502",
            "reset-after:",
        ] {
            assert!(
                Faults::parse_spec(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn one_shot_faults_are_fifo_and_scoped() {
        let f = Faults::default();
        f.push(Some(Connector::Shift4), Fault::EmptyBody);
        f.push(None, Fault::Status(500));
        f.push(Some(Connector::Stripe), Fault::MalformedJson);
        assert_eq!(f.next(Connector::Stripe), Some(Fault::Status(500)));
        assert_eq!(f.next(Connector::Stripe), Some(Fault::MalformedJson));
        assert_eq!(f.next(Connector::Stripe), None);
        assert_eq!(f.pending(), 1);
        assert_eq!(f.next(Connector::Shift4), Some(Fault::EmptyBody));
    }

    #[test]
    fn random_mix_is_seeded_and_scoped() {
        let draw = |seed| {
            let f = Faults::default();
            f.set_random(
                None,
                FaultMix {
                    seed,
                    faults: vec![(Fault::Status(503), 0.3), (Fault::EmptyBody, 0.3)],
                },
            );
            (0..200)
                .map(|_| f.next(Connector::Stripe))
                .collect::<Vec<_>>()
        };
        let a = draw(7);
        assert_eq!(a, draw(7));
        let hits = a.iter().filter(|x| x.is_some()).count();
        assert!(
            (60..=160).contains(&hits),
            "about half should hit, got {hits}"
        );

        let f = Faults::default();
        f.set_random(
            Some(Connector::Shift4),
            FaultMix {
                seed: 1,
                faults: vec![(Fault::EmptyBody, 1.0)],
            },
        );
        assert_eq!(f.next(Connector::Stripe), None);
        assert_eq!(f.next(Connector::Shift4), Some(Fault::EmptyBody));
        f.clear();
        assert_eq!(f.next(Connector::Shift4), None);
    }
}
