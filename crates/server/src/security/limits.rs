//! Rate limits on the public API and on opening chats, per client address
//! and per customer, with GCRA (`governor`): a full bucket allows a burst of
//! the whole quota, then it refills evenly. Each node counts its own
//! traffic (a balancer spreading one client over N nodes lets through up to
//! N times the quota; the limits are there against floods, not for billing).
//! The clock is the service's, so tests move time instead of waiting.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::Clock as RateClock;
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};
use serde::{Deserialize, Serialize};
use switchboard_core::clock::Clock;

/// `[limits]`: zero turns a limit off.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Requests per minute from one address to the public endpoints
    /// (customer API and socket upgrades, help centre, catalog, sign-in).
    pub address_per_minute: u32,
    /// Requests per minute by one signed-in customer.
    pub customer_per_minute: u32,
    /// New chat conversations one customer may open per window…
    pub chats_per_customer: u32,
    /// …and one address (customers behind one NAT share it).
    pub chats_per_address: u32,
    pub chats_window_secs: u64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            address_per_minute: 3000,
            customer_per_minute: 600,
            chats_per_customer: 6,
            chats_per_address: 30,
            chats_window_secs: 12 * 3600,
        }
    }
}

/// The service's clock as `governor` reads it: time since the epoch.
#[derive(Clone)]
struct ServiceClock(Arc<dyn Clock>);

impl RateClock for ServiceClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        let nanos = self.0.now().as_nanosecond();
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(0))
    }
}

type Keyed = RateLimiter<String, HashMapStateStore<String>, ServiceClock, NoOpMiddleware<Duration>>;

/// Which limit refused, and when to come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub scope: &'static str,
    pub retry_after_secs: u64,
}

pub struct Limits {
    address: Option<Keyed>,
    customer: Option<Keyed>,
    chats_by_customer: Option<Keyed>,
    chats_by_address: Option<Keyed>,
    clock: ServiceClock,
    checks: AtomicU64,
}

/// Forget idle keys every this many checks, so memory follows live clients.
const SWEEP_EVERY: u64 = 4096;

fn limiter(quota: Option<Quota>, clock: &ServiceClock) -> Option<Keyed> {
    quota.map(|q| RateLimiter::hashmap_with_clock(q, clock.clone()))
}

fn per(window: Duration, count: u32) -> Option<Quota> {
    let n = NonZeroU32::new(count)?;
    let period = (window / count).max(Duration::from_nanos(1));
    Quota::with_period(period).map(|q| q.allow_burst(n))
}

impl Limits {
    pub fn new(config: &LimitsConfig, clock: Arc<dyn Clock>) -> Limits {
        let clock = ServiceClock(clock);
        let minute = Duration::from_secs(60);
        let window = Duration::from_secs(config.chats_window_secs.max(1));
        Limits {
            address: limiter(per(minute, config.address_per_minute), &clock),
            customer: limiter(per(minute, config.customer_per_minute), &clock),
            chats_by_customer: limiter(per(window, config.chats_per_customer), &clock),
            chats_by_address: limiter(per(window, config.chats_per_address), &clock),
            clock,
            checks: AtomicU64::new(0),
        }
    }

    fn check(
        &self,
        limiter: &Option<Keyed>,
        scope: &'static str,
        key: String,
    ) -> Result<(), Refused> {
        let Some(limiter) = limiter else {
            return Ok(());
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            for l in [
                &self.address,
                &self.customer,
                &self.chats_by_customer,
                &self.chats_by_address,
            ]
            .into_iter()
            .flatten()
            {
                l.retain_recent();
                l.shrink_to_fit();
            }
        }
        limiter.check_key(&key).map_err(|not_until| Refused {
            scope,
            retry_after_secs: not_until
                .wait_time_from(self.clock.now())
                .as_secs_f64()
                .ceil()
                .max(1.0) as u64,
        })
    }

    /// A request to a public endpoint, from `address`, by `customer` if signed in.
    pub fn request(&self, address: Option<IpAddr>, customer: Option<&str>) -> Result<(), Refused> {
        if let Some(a) = address {
            self.check(&self.address, "address", a.to_string())?;
        }
        if let Some(c) = customer {
            self.check(&self.customer, "customer", c.to_owned())?;
        }
        Ok(())
    }

    /// Opening a new chat conversation.
    pub fn open_chat(&self, address: Option<IpAddr>, customer: &str) -> Result<(), Refused> {
        self.check(&self.chats_by_customer, "customer", customer.to_owned())?;
        if let Some(a) = address {
            self.check(&self.chats_by_address, "address", a.to_string())?;
        }
        Ok(())
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::new(
            &LimitsConfig::default(),
            Arc::new(switchboard_core::clock::SystemClock),
        )
    }
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::clock::ManualClock;

    fn limits(config: LimitsConfig) -> (Limits, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new(
            jiff::Timestamp::from_second(1_800_000_000).unwrap(),
        ));
        (Limits::new(&config, clock.clone()), clock)
    }

    #[test]
    fn six_chats_per_twelve_hours_then_one_every_two_hours() {
        let (l, clock) = limits(LimitsConfig::default());
        for _ in 0..6 {
            l.open_chat(None, "buyer-1").unwrap();
        }
        let refused = l.open_chat(None, "buyer-1").unwrap_err();
        assert_eq!(refused.scope, "customer");
        assert_eq!(refused.retry_after_secs, 2 * 3600);
        l.open_chat(None, "buyer-2")
            .expect("another customer is not affected");
        clock.advance(jiff::SignedDuration::from_secs(2 * 3600));
        l.open_chat(None, "buyer-1")
            .expect("one more after two hours");
        assert!(l.open_chat(None, "buyer-1").is_err());
    }

    #[test]
    fn requests_are_limited_per_address_and_per_customer_and_zero_is_off() {
        let (l, clock) = limits(LimitsConfig {
            address_per_minute: 3,
            customer_per_minute: 2,
            ..LimitsConfig::default()
        });
        let a: IpAddr = "203.0.113.9".parse().unwrap();
        let b: IpAddr = "198.51.100.4".parse().unwrap();
        l.request(Some(a), Some("c-1")).unwrap();
        l.request(Some(a), Some("c-1")).unwrap();
        assert_eq!(
            l.request(Some(b), Some("c-1")).unwrap_err().scope,
            "customer"
        );
        l.request(Some(a), None).expect("the address's third");
        assert_eq!(l.request(Some(a), None).unwrap_err().scope, "address");
        assert_eq!(l.request(Some(a), None).unwrap_err().retry_after_secs, 20);
        clock.advance(jiff::SignedDuration::from_secs(20));
        l.request(Some(a), None).unwrap();

        let (off, _) = limits(LimitsConfig {
            address_per_minute: 0,
            customer_per_minute: 0,
            chats_per_customer: 0,
            chats_per_address: 0,
            chats_window_secs: 0,
        });
        for _ in 0..10_000 {
            off.request(Some(a), Some("c-1")).unwrap();
            off.open_chat(Some(a), "c-1").unwrap();
        }
    }
}
