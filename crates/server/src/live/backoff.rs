//! Waiting longer after each failure, up to a ceiling.

use std::time::Duration;

/// Doubles from `first` up to `ceiling`.
pub struct Backoff {
    next: Duration,
    ceiling: Duration,
}

impl Backoff {
    pub fn new(first: Duration, ceiling: Duration) -> Self {
        Self {
            next: first,
            ceiling,
        }
    }

    /// How long to wait before the next attempt.
    pub fn next_delay(&mut self) -> Duration {
        let delay = self.next;
        self.next = (self.next * 2).min(self.ceiling);
        delay
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_ceiling() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_millis(500));
        let delays: Vec<u128> = (0..5).map(|_| backoff.next_delay().as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 500, 500]);
    }
}
