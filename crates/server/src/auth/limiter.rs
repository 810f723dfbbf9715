//! Login throttling per client address and per account name, so that neither one machine nor a
//! botnet aimed at one account can guess passwords at speed.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

/// How many login attempts are allowed in a burst and how fast the allowance refills.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    pub per_address_burst: NonZeroU32,
    pub per_username_burst: NonZeroU32,
    /// One attempt is given back per this period.
    pub refill_every: Duration,
}

#[derive(Clone)]
pub struct LoginLimiter {
    by_address: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    by_username: Arc<DefaultKeyedRateLimiter<String>>,
    clock: DefaultClock,
}

impl LoginLimiter {
    pub fn new(limits: LoginLimits) -> Self {
        let quota = |burst| {
            Quota::with_period(limits.refill_every)
                .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
                .allow_burst(burst)
        };
        Self {
            by_address: Arc::new(DefaultKeyedRateLimiter::keyed(quota(
                limits.per_address_burst,
            ))),
            by_username: Arc::new(DefaultKeyedRateLimiter::keyed(quota(
                limits.per_username_burst,
            ))),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one attempt; `Err(wait)` when either the address or the account name is over its limit.
    pub fn check(&self, address: IpAddr, username: &str) -> Result<(), Duration> {
        let now = self.clock.now();
        self.by_address
            .check_key(&address)
            .map_err(|not_until| not_until.wait_time_from(now))?;
        self.by_username
            .check_key(&username.to_lowercase())
            .map_err(|not_until| not_until.wait_time_from(now))?;
        Ok(())
    }

    /// Forgets idle keys so the maps do not grow without bound under a spray of names.
    pub fn forget_idle(&self) {
        self.by_address.retain_recent();
        self.by_username.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn limiter(address: u32, username: u32) -> LoginLimiter {
        LoginLimiter::new(LoginLimits {
            per_address_burst: NonZeroU32::new(address).unwrap(),
            per_username_burst: NonZeroU32::new(username).unwrap(),
            refill_every: Duration::from_secs(60),
        })
    }

    #[test]
    fn limits_each_account_name_across_addresses() {
        let limiter = limiter(100, 2);
        assert!(limiter.check("10.0.0.1".parse().unwrap(), "alice").is_ok());
        assert!(limiter.check("10.0.0.2".parse().unwrap(), "Alice").is_ok());
        let wait = limiter
            .check("10.0.0.3".parse().unwrap(), "alice")
            .unwrap_err();
        assert!(wait > Duration::from_secs(1) && wait <= Duration::from_secs(60));
        assert!(limiter.check("10.0.0.3".parse().unwrap(), "bob").is_ok());
    }

    #[test]
    fn limits_each_address_across_account_names() {
        let limiter = limiter(2, 100);
        let address = "10.0.0.9".parse().unwrap();
        assert!(limiter.check(address, "a").is_ok());
        assert!(limiter.check(address, "b").is_ok());
        assert!(limiter.check(address, "c").is_err());
        assert!(limiter.check("10.0.0.8".parse().unwrap(), "c").is_ok());
    }
}
