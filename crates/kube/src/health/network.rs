//! Services, Ingresses, Gateway API routes and Envoy Gateway policies: is traffic reaching them?

use serde_json::Value;

use super::fields::{array_at, condition_in, int_at, join_reason, str_at};
use super::{Assessment, Warning};

/// The addresses in `status.loadBalancer.ingress`.
fn addresses(object: &Value) -> Vec<&str> {
    array_at(object, "/status/loadBalancer/ingress")
        .iter()
        .filter_map(|entry| {
            entry
                .get("ip")
                .or_else(|| entry.get("hostname"))
                .and_then(Value::as_str)
        })
        .collect()
}

/// A LoadBalancer Service waits for an address, which never comes without a load-balancer
/// controller (kind, bare metal): kstatus does not look, Argo CD and kapp do.
pub(crate) fn service(object: &Value, warnings: &[Warning]) -> Assessment {
    match str_at(object, "/spec/type") {
        Some("LoadBalancer") => {
            let found = addresses(object);
            if !found.is_empty() {
                return Assessment::current(format!("address {}", found.join(", ")));
            }
            if let Some(failure) = warnings
                .iter()
                .find(|w| w.reason == "SyncLoadBalancerFailed")
            {
                return Assessment::failing(join_reason(&failure.reason, &failure.message));
            }
            Assessment::in_progress(
                "waiting for a load-balancer address (no load-balancer controller?)",
            )
        }
        Some("ExternalName") => Assessment::current(format!(
            "alias of {}",
            str_at(object, "/spec/externalName").unwrap_or("")
        )),
        _ => match str_at(object, "/spec/clusterIP") {
            Some("None") => Assessment::current("headless"),
            Some(ip) => Assessment::current(format!("cluster IP {ip}")),
            None => Assessment::in_progress("waiting for a cluster IP"),
        },
    }
}

/// An Ingress is served once its controller published an address.
pub(crate) fn ingress(object: &Value) -> Assessment {
    let found = addresses(object);
    if found.is_empty() {
        Assessment::in_progress("waiting for an address from the ingress controller")
    } else {
        Assessment::current(format!("address {}", found.join(", ")))
    }
}

/// How one kind attaches to parents and reports on each of them.
struct Attachment<'a> {
    /// Where the per-parent entries are, e.g. `/status/parents`.
    entries: &'a str,
    /// The key of the parent's reference in an entry, e.g. `parentRef`.
    ref_key: &'a str,
    /// The conditions each parent must report True.
    required: &'a [&'a str],
    /// What a parent is called in reasons.
    noun: &'a str,
    /// What the object is called in reasons.
    subject: &'a str,
    /// The reason while no parent has reported yet.
    no_status: &'a str,
}

const ROUTE: Attachment<'static> = Attachment {
    entries: "/status/parents",
    ref_key: "parentRef",
    required: &["Accepted", "ResolvedRefs"],
    noun: "gateway",
    subject: "the route",
    no_status: "waiting for a gateway to accept the route",
};

const POLICY: Attachment<'static> = Attachment {
    entries: "/status/ancestors",
    ref_key: "ancestorRef",
    required: &["Accepted"],
    noun: "ancestor",
    subject: "the policy",
    no_status: "waiting for Envoy Gateway to accept the policy",
};

/// An HTTPRoute is accepted with resolved references by every parent it names. Only conditions
/// written for the current generation count: an old `Accepted` says nothing about this spec.
pub(crate) fn http_route(object: &Value) -> Assessment {
    let expected: Vec<&str> = array_at(object, "/spec/parentRefs")
        .iter()
        .filter_map(|r| r.get("name").and_then(Value::as_str))
        .collect();
    attachments(object, &ROUTE, &expected)
}

/// An Envoy Gateway policy (BackendTrafficPolicy) is accepted by each ancestor it attaches to.
pub(crate) fn policy_ancestors(object: &Value) -> Assessment {
    attachments(object, &POLICY, &[])
}

/// The shared rule of things that attach to parents and get one status entry per parent;
/// `expected` names parents that must have an entry.
fn attachments(object: &Value, kind: &Attachment<'_>, expected: &[&str]) -> Assessment {
    let Attachment {
        ref_key,
        required,
        noun,
        subject,
        no_status,
        ..
    } = *kind;
    let entries = array_at(object, kind.entries);
    if entries.is_empty() {
        return Assessment::in_progress(no_status);
    }
    let generation = int_at(object, "/metadata/generation");
    let mut waiting = None;
    let mut accepted = Vec::new();
    for entry in entries {
        let name = entry
            .pointer(&format!("/{ref_key}/name"))
            .and_then(Value::as_str)
            .unwrap_or("?");
        let conditions = entry
            .get("conditions")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let mut entry_ok = true;
        for required_type in required {
            let found = condition_in(conditions, required_type);
            let stale = found
                .and_then(|c| c.observed_generation)
                .zip(generation)
                .is_some_and(|(observed, generation)| observed < generation);
            match found {
                Some(_) if stale => {
                    entry_ok = false;
                    waiting.get_or_insert_with(|| {
                        format!(
                            "waiting for {noun} {name} to see the change (generation {})",
                            generation.unwrap_or_default()
                        )
                    });
                }
                Some(c) if c.is_false() => {
                    return Assessment::failing(format!(
                        "{noun} {name}: {}",
                        explain_refusal(required_type, &c.explain())
                    ));
                }
                Some(c) if c.is_true() => {}
                _ => {
                    entry_ok = false;
                    waiting.get_or_insert_with(|| {
                        format!("waiting for {noun} {name} to accept {subject}")
                    });
                }
            }
        }
        if entry_ok {
            accepted.push(name);
        }
    }
    if let Some(waiting) = waiting {
        return Assessment::in_progress(waiting);
    }
    if let Some(missing) = expected.iter().find(|name| !accepted.contains(name)) {
        return Assessment::in_progress(format!(
            "waiting for {noun} {missing} to accept {subject}"
        ));
    }
    Assessment::current(format!("accepted by {noun} {}", accepted.join(", ")))
}

/// `not accepted: NotAllowedByListeners: …` for a refusal, the condition's own words otherwise.
fn explain_refusal(condition_type: &str, explanation: &str) -> String {
    let explanation = if explanation.is_empty() {
        "no reason given"
    } else {
        explanation
    };
    match condition_type {
        "Accepted" => format!("not accepted: {explanation}"),
        _ => explanation.to_owned(),
    }
}
