//! The importer's pace: one rate limiter shared by every worker (`governor`'s GCRA), slowed
//! down for everyone when the processor answers 429.
//!
//! - The rate comes from `--rate N/s|N/min`, else from the connector's declared
//!   [`prism::Capabilities::rate_limit`] for the environment, else [`CONSERVATIVE_PER_MINUTE`].
//! - A create still rate-limited after the library's own retries (which honour `Retry-After`)
//!   calls [`Pacer::throttled`]: every worker pauses (for `Retry-After`, at least
//!   [`MIN_PAUSE`]) and the pace halves (down to 1/[`MAX_DIVISOR`]). Every
//!   [`RECOVER_AFTER_SECS`] seconds' worth of creates granted without another 429 doubles it
//!   back, up to the configured rate.
//!
//! The clock is a parameter so tests count permits against a fake clock instead of timing.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use prism::{Connector, Environment};

/// The pace when a processor documents no limit: 5 creates per second.
pub const CONSERVATIVE_PER_MINUTE: u32 = 300;
/// The pause after a 429 without `Retry-After`, and the shortest pause after one.
pub const MIN_PAUSE: Duration = Duration::from_secs(1);
/// The slowest pace after repeated 429s: the configured rate divided by this.
pub const MAX_DIVISOR: u32 = 64;
/// Seconds' worth of creates (at the slowed pace) granted without a 429 before the pace doubles.
pub const RECOVER_AFTER_SECS: u64 = 30;

/// A pace in creates per minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Creates per minute (at least 1).
    pub per_minute: u32,
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.per_minute % 60 == 0 {
            write!(f, "{}/s", self.per_minute / 60)
        } else {
            write!(f, "{}/min", self.per_minute)
        }
    }
}

/// Parses `N/s`, `N/sec`, `N/m` or `N/min` (N a positive integer).
pub fn parse_rate(s: &str) -> Result<Rate, String> {
    let (n, unit) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}`: expected N/s or N/min, e.g. 25/s"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: N must be a positive integer"))?;
    if n == 0 {
        return Err(format!("`{s}`: N must be at least 1"));
    }
    let per_minute = match unit.trim() {
        "s" | "sec" | "second" => n
            .checked_mul(60)
            .ok_or_else(|| format!("`{s}`: too fast"))?,
        "m" | "min" | "minute" => n,
        other => return Err(format!("`{s}`: unknown unit `{other}` (s or min)")),
    };
    Ok(Rate { per_minute })
}

/// The default pace for `connector` in `environment`, and where it comes from.
pub fn default_rate(connector: Connector, environment: Environment) -> (Rate, String) {
    let Some(caps) = prism::capabilities(connector) else {
        return (
            Rate {
                per_minute: CONSERVATIVE_PER_MINUTE,
            },
            "Prism's conservative default".to_owned(),
        );
    };
    let declared = match environment {
        Environment::Production => caps.rate_limit.production_per_minute,
        _ => caps.rate_limit.sandbox_per_minute,
    };
    match declared {
        Some(per_minute) => (
            Rate {
                per_minute: per_minute.max(1),
            },
            caps.rate_limit.source.to_owned(),
        ),
        None => (
            Rate {
                per_minute: CONSERVATIVE_PER_MINUTE,
            },
            format!(
                "Prism's conservative default: {} documents no limit here ({})",
                connector.display_name(),
                caps.rate_limit.source
            ),
        ),
    }
}

type Limiter<C> = RateLimiter<NotKeyed, InMemoryState, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// The shared pace of one import.
pub struct Pacer<C: Clock = DefaultClock> {
    clock: C,
    rate: Rate,
    state: Mutex<State<C>>,
}

struct State<C: Clock> {
    limiter: Arc<Limiter<C>>,
    divisor: u32,
    paused_until: Option<C::Instant>,
    granted_since_throttle: u64,
    throttles: u64,
}

impl<C: Clock> std::fmt::Debug for Pacer<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pacer")
            .field("rate", &self.rate)
            .finish_non_exhaustive()
    }
}

impl Pacer<DefaultClock> {
    /// A pacer on the real clock.
    pub fn new(rate: Rate) -> Self {
        Self::with_clock(rate, DefaultClock::default())
    }
}

impl<C: Clock + Clone> Pacer<C> {
    /// A pacer on `clock`.
    pub fn with_clock(rate: Rate, clock: C) -> Self {
        let limiter = Arc::new(limiter(rate.per_minute, clock.clone()));
        Pacer {
            clock,
            rate,
            state: Mutex::new(State {
                limiter,
                divisor: 1,
                paused_until: None,
                granted_since_throttle: 0,
                throttles: 0,
            }),
        }
    }

    /// The configured pace.
    pub fn rate(&self) -> Rate {
        self.rate
    }

    /// The pace now (slower than [`Self::rate`] after 429s).
    pub fn current_per_minute(&self) -> u32 {
        (self.rate.per_minute / self.lock().divisor).max(1)
    }

    /// How many times the processor's 429s slowed the import down.
    pub fn throttles(&self) -> u64 {
        self.lock().throttles
    }

    /// Takes one permit now, or says how long to wait before asking again.
    pub fn check(&self) -> Result<(), Duration> {
        let mut st = self.lock();
        let now = self.clock.now();
        if let Some(until) = st.paused_until {
            if until > now {
                return Err(until.duration_since(now).into());
            }
            st.paused_until = None;
        }
        match st.limiter.check() {
            Ok(()) => {
                st.granted_since_throttle += 1;
                if st.divisor > 1 {
                    let slowed = u64::from((self.rate.per_minute / st.divisor).max(1));
                    let recover_after = (slowed * RECOVER_AFTER_SECS / 60).max(1);
                    if st.granted_since_throttle >= recover_after {
                        st.divisor /= 2;
                        st.granted_since_throttle = 0;
                        st.limiter = Arc::new(self.slowed(st.divisor));
                    }
                }
                Ok(())
            }
            Err(not_until) => Err(not_until.wait_time_from(now)),
        }
    }

    /// The processor answered 429 (after the library's retries): pause every worker for
    /// `retry_after` (at least [`MIN_PAUSE`]) and halve the pace.
    pub fn throttled(&self, retry_after: Option<Duration>) {
        let mut st = self.lock();
        let now = self.clock.now();
        st.throttles += 1;
        st.divisor = (st.divisor * 2).min(MAX_DIVISOR);
        st.granted_since_throttle = 0;
        st.limiter = Arc::new(self.slowed(st.divisor));
        let pause = retry_after.unwrap_or(MIN_PAUSE).max(MIN_PAUSE);
        let until = now + pause.into();
        st.paused_until = Some(match st.paused_until {
            Some(earlier) if earlier > until => earlier,
            _ => until,
        });
    }

    fn slowed(&self, divisor: u32) -> Limiter<C> {
        limiter((self.rate.per_minute / divisor).max(1), self.clock.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<C>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<C: Clock + Clone> Pacer<C> {
    /// Waits for a permit (sleeping on tokio's timer).
    pub async fn acquire(&self) {
        while let Err(wait) = self.check() {
            tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
    }
}

/// A limiter of `per_minute`, with a burst of a tenth of a second's worth (at least 1): creates
/// are spread evenly, never bunched into a processor's one-second window.
fn limiter<C: Clock>(per_minute: u32, clock: C) -> Limiter<C> {
    let per_minute = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(per_minute.get() / 600).unwrap_or(NonZeroU32::MIN);
    let period = Duration::from_secs(60) / per_minute.get();
    let quota = Quota::with_period(period.max(Duration::from_nanos(1)))
        .unwrap_or_else(|| Quota::per_minute(per_minute))
        .allow_burst(burst);
    RateLimiter::direct_with_clock(quota, clock)
}

#[cfg(test)]
mod tests {
    use governor::clock::FakeRelativeClock;

    use super::*;

    /// Permits granted at the clock's current instant.
    fn drain(p: &Pacer<FakeRelativeClock>) -> u32 {
        let mut n = 0;
        while p.check().is_ok() {
            n += 1;
            assert!(n < 1_000_000, "no limit");
        }
        n
    }

    #[test]
    fn rates_parse() {
        assert_eq!(parse_rate("25/s"), Ok(Rate { per_minute: 1500 }));
        assert_eq!(parse_rate("100/min"), Ok(Rate { per_minute: 100 }));
        for bad in ["0/s", "25", "x/s", "5/h", "-1/s"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
        assert_eq!(Rate { per_minute: 1500 }.to_string(), "25/s");
        assert_eq!(Rate { per_minute: 100 }.to_string(), "100/min");
    }

    #[test]
    fn defaults_come_from_capabilities() {
        let (r, source) = default_rate(Connector::Stripe, Environment::Sandbox);
        assert_eq!(r.per_minute, 25 * 60);
        assert!(source.contains("stripe"), "{source}");
        let (r, _) = default_rate(Connector::Stax, Environment::Production);
        assert_eq!(r.per_minute, 100);
        let (r, source) = default_rate(Connector::Shift4, Environment::Sandbox);
        assert_eq!(r.per_minute, CONSERVATIVE_PER_MINUTE);
        assert!(source.contains("conservative"), "{source}");
    }

    /// Permits granted over `secs` seconds of fake time, asked every 10 ms.
    fn over(p: &Pacer<FakeRelativeClock>, clock: &FakeRelativeClock, secs: u64) -> u32 {
        let mut n = 0;
        for _ in 0..secs * 100 {
            clock.advance(Duration::from_millis(10));
            n += drain(p);
        }
        n
    }

    fn about(got: u32, want: u32) {
        assert!(got.abs_diff(want) <= 1, "got {got}, want {want}");
    }

    #[test]
    fn grants_exactly_the_rate_per_second() {
        let clock = FakeRelativeClock::default();
        let p = Pacer::with_clock(
            Rate {
                per_minute: 600 * 60,
            },
            clock.clone(),
        );
        // A burst of a tenth of a second, then the rate, however often it is asked.
        assert_eq!(drain(&p), 60);
        about(over(&p, &clock, 5), 3000);
        // Idle time does not pile up beyond the burst.
        clock.advance(Duration::from_secs(10));
        assert_eq!(drain(&p), 60);
        let slow = Pacer::with_clock(Rate { per_minute: 100 }, clock.clone());
        assert_eq!(drain(&slow), 1);
        about(over(&slow, &clock, 60), 100);
    }

    #[test]
    fn a_429_pauses_everyone_and_halves_the_pace_then_recovers() {
        let clock = FakeRelativeClock::default();
        let p = Pacer::with_clock(
            Rate {
                per_minute: 600 * 60,
            },
            clock.clone(),
        );
        drain(&p);
        p.throttled(Some(Duration::from_secs(2)));
        assert_eq!(p.throttles(), 1);
        // Paused: nothing for anyone for two seconds.
        assert_eq!(drain(&p), 0);
        clock.advance(Duration::from_millis(1990));
        assert_eq!(drain(&p), 0);
        clock.advance(Duration::from_millis(10));
        // Then half the pace: the slowed limiter's burst, then 300 per second.
        assert_eq!(drain(&p), 30);
        about(over(&p, &clock, 1), 300);
        assert_eq!(p.current_per_minute(), 300 * 60);
        // Another 429 while slowed: a quarter.
        p.throttled(None);
        assert_eq!(drain(&p), 0);
        clock.advance(MIN_PAUSE);
        drain(&p);
        about(over(&p, &clock, 1), 150);
        // 30 s worth without a 429: back to half, then to the full pace.
        over(&p, &clock, 30);
        assert_eq!(p.current_per_minute(), 300 * 60);
        over(&p, &clock, 31);
        assert_eq!(p.current_per_minute(), 600 * 60);
        about(over(&p, &clock, 1), 600);
    }
}
