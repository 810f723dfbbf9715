//! The failure grace: a recoverable failure (an image pull, a crash loop, a controller's
//! condition) is reported as InProgress until it has lasted the grace period, then as Failed.
//! The clock is the caller's: every call passes `now`.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

use super::{Assessment, Health, HealthState};

/// How long a recoverable failure must last before it counts as Failed.
pub const DEFAULT_FAILURE_GRACE: Duration = Duration::from_secs(10);

/// Remembers since when each object (by key, e.g. its uid) has been failing.
#[derive(Debug, Clone)]
pub struct FailureGrace<K> {
    grace: Duration,
    failing_since: HashMap<K, Instant>,
}

impl<K: Eq + Hash + Clone> FailureGrace<K> {
    /// A grace of `grace`; zero reports failures at once.
    pub fn new(grace: Duration) -> Self {
        Self {
            grace,
            failing_since: HashMap::new(),
        }
    }

    /// The grace period.
    pub fn grace(&self) -> Duration {
        self.grace
    }

    /// The health to show for `key` at `now`: a recoverable failure seen for less than the grace
    /// stays InProgress (with the failure as its reason); anything else passes through.
    pub fn settle(&mut self, key: &K, assessment: &Assessment, now: Instant) -> Health {
        if assessment.state != HealthState::Failed || !assessment.recoverable {
            self.failing_since.remove(key);
            return assessment.health();
        }
        let since = *self.failing_since.entry(key.clone()).or_insert(now);
        let state = if now.saturating_duration_since(since) >= self.grace {
            HealthState::Failed
        } else {
            HealthState::InProgress
        };
        Health::new(state, assessment.full_reason())
    }

    /// Forgets an object that is gone.
    pub fn forget(&mut self, key: &K) {
        self.failing_since.remove(key);
    }

    /// The next moment after `now` at which a failure seen so far becomes Failed, so the caller
    /// can settle again then even if nothing else changes.
    pub fn next_promotion(&self, now: Instant) -> Option<Instant> {
        self.failing_since
            .values()
            .map(|since| *since + self.grace)
            .filter(|due| *due > now)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recoverable_failure_waits_for_the_grace() {
        let mut grace = FailureGrace::new(Duration::from_secs(10));
        let start = Instant::now();
        let failing = Assessment::failing("ImagePullBackOff: nginx:nope not found");
        let early = grace.settle(&"pod", &failing, start);
        assert_eq!(early.state, HealthState::InProgress);
        assert_eq!(early.reason, "ImagePullBackOff: nginx:nope not found");
        assert_eq!(
            grace.next_promotion(start),
            Some(start + Duration::from_secs(10))
        );
        let later = grace.settle(&"pod", &failing, start + Duration::from_secs(10));
        assert_eq!(later.state, HealthState::Failed);
        assert_eq!(grace.next_promotion(start + Duration::from_secs(10)), None);
    }

    #[test]
    fn recovery_resets_the_clock_and_final_failures_skip_it() {
        let mut grace = FailureGrace::new(Duration::from_secs(10));
        let start = Instant::now();
        let failing = Assessment::failing("CrashLoopBackOff");
        grace.settle(&"pod", &failing, start);
        let healthy = grace.settle(&"pod", &Assessment::current("running"), start);
        assert_eq!(healthy.state, HealthState::Current);
        let again = grace.settle(&"pod", &failing, start + Duration::from_secs(15));
        assert_eq!(again.state, HealthState::InProgress);
        let job = grace.settle(&"job", &Assessment::failed("BackoffLimitExceeded"), start);
        assert_eq!(job.state, HealthState::Failed);
    }

    #[test]
    fn zero_grace_fails_at_once() {
        let mut grace = FailureGrace::new(Duration::ZERO);
        let health = grace.settle(&1, &Assessment::failing("Stalled"), Instant::now());
        assert_eq!(health.state, HealthState::Failed);
    }
}
