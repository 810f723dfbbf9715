//! Failure injection: latency, 5xx for a fraction of requests or one verb/resource, dropped
//! watches (see `Store::drop_watchers`) and a cluster that refuses connections until it comes back.

use std::sync::RwLock;
use std::time::Duration;

use rand::Rng;
use tokio::sync::watch;

use crate::status::ApiError;

/// A rule that answers matching requests with a server error.
#[derive(Debug, Clone, PartialEq)]
pub struct FailRule {
    /// Only this verb (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`), or any.
    pub verb: Option<String>,
    /// Only this resource (plural, e.g. `deployments`), or any.
    pub resource: Option<String>,
    /// The fraction of matching requests that fail, 0.0..=1.0.
    pub fraction: f64,
    /// 500 (InternalError) or 503 (ServiceUnavailable); other codes answer 500.
    pub code: u16,
}

impl FailRule {
    /// Fails every request with 500.
    pub fn all() -> Self {
        Self {
            verb: None,
            resource: None,
            fraction: 1.0,
            code: 500,
        }
    }

    /// Restricts the rule to one verb.
    pub fn verb(mut self, verb: &str) -> Self {
        self.verb = Some(verb.to_string());
        self
    }

    /// Restricts the rule to one resource (plural).
    pub fn resource(mut self, resource: &str) -> Self {
        self.resource = Some(resource.to_string());
        self
    }

    /// Fails only this fraction of matching requests.
    pub fn fraction(mut self, fraction: f64) -> Self {
        self.fraction = fraction.clamp(0.0, 1.0);
        self
    }

    /// Answers with this status code.
    pub fn code(mut self, code: u16) -> Self {
        self.code = code;
        self
    }
}

/// The active faults.
#[derive(Debug)]
pub struct Faults {
    latency: RwLock<Duration>,
    rules: RwLock<Vec<FailRule>>,
    down: watch::Sender<bool>,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            latency: RwLock::new(Duration::ZERO),
            rules: RwLock::new(Vec::new()),
            down: watch::Sender::new(false),
        }
    }
}

impl Faults {
    /// Adds latency to every API request.
    pub fn set_latency(&self, latency: Duration) {
        *self.latency.write().unwrap_or_else(|e| e.into_inner()) = latency;
    }

    /// The current latency.
    pub fn latency(&self) -> Duration {
        *self.latency.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a failure rule.
    pub fn add_rule(&self, rule: FailRule) {
        self.rules
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .push(rule);
    }

    /// Removes every failure rule and the latency.
    pub fn clear(&self) {
        self.rules
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.set_latency(Duration::ZERO);
    }

    /// The injected error for a request, if a rule fires.
    pub fn check(&self, verb: &str, resource: &str) -> Result<(), ApiError> {
        let rules = self.rules.read().unwrap_or_else(|e| e.into_inner());
        for rule in rules.iter() {
            let matches = rule.verb.as_deref().is_none_or(|v| v == verb)
                && rule.resource.as_deref().is_none_or(|r| r == resource);
            if matches && rand::rng().random_bool(rule.fraction) {
                return Err(if rule.code == 503 {
                    ApiError::service_unavailable(
                        "the server is currently unable to handle the request",
                    )
                } else {
                    ApiError::internal(format!("injected failure for {verb} {resource}"))
                });
            }
        }
        Ok(())
    }

    /// Takes the cluster down (connections refused) or brings it back.
    pub fn set_down(&self, down: bool) {
        self.down.send_replace(down);
    }

    /// Follows the up/down state (the listener closes while down).
    pub fn down_state(&self) -> watch::Receiver<bool> {
        self.down.subscribe()
    }
}
