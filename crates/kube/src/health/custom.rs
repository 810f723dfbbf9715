//! cert-manager Certificates and Namespaces.

use serde_json::Value;

use super::Assessment;
use super::fields::{condition, str_at};
use super::generic::or_default;

/// A Certificate is issuing, ready, or refused (Argo CD's rule: `Issuing` first, then `Ready`;
/// a `Ready=False` is a failure, recoverable since cert-manager retries).
pub(crate) fn certificate(object: &Value) -> Assessment {
    if let Some(issuing) = condition(object, "Issuing") {
        if issuing.is_true() {
            return Assessment::in_progress(if issuing.message.is_empty() {
                "issuing".to_owned()
            } else {
                format!("issuing: {}", issuing.message)
            });
        }
        if issuing.is_false() && issuing.reason == "Failed" {
            return Assessment::failing(format!("issuing failed: {}", issuing.message));
        }
    }
    match condition(object, "Ready") {
        Some(ready) if ready.is_true() => match str_at(object, "/status/notAfter") {
            Some(not_after) => Assessment::current(format!("valid until {not_after}")),
            None => Assessment::current("ready"),
        },
        Some(ready) => Assessment::failing(or_default(ready.explain(), "not ready")),
        None => Assessment::in_progress("waiting for cert-manager to issue the certificate"),
    }
}

/// A Namespace is active; deleting ones are caught before (kstatus step 1).
pub(crate) fn namespace(object: &Value) -> Assessment {
    match str_at(object, "/status/phase") {
        Some("Active") | None => Assessment::current("active"),
        Some(phase) => Assessment::in_progress(phase.to_lowercase()),
    }
}
