//! Events as the components of a cluster record them.

use std::sync::Arc;

use serde_json::{Value, json};

use super::Logged;
use crate::ops::{self, WriteOptions};
use crate::registry;
use crate::state::State;
use crate::status::ApiError;

/// Records a core/v1 Event about `involved` (an ObjectReference); a failure is logged, as a
/// component's event recorder does, and never stops the step that reported it.
pub fn record(
    st: &Arc<State>,
    ns: &str,
    involved: &Value,
    event_type: &str,
    reason: &str,
    message: &str,
) {
    let object = format!(
        "{} {ns}/{}",
        involved["kind"].as_str().unwrap_or("object"),
        involved["name"].as_str().unwrap_or_default()
    );
    create(st, ns, involved, event_type, reason, message)
        .logged(&format!("record event {reason}"), &object);
}

/// Creates the Event object.
pub fn create(
    st: &Arc<State>,
    ns: &str,
    involved: &Value,
    event_type: &str,
    reason: &str,
    message: &str,
) -> Result<Value, ApiError> {
    let name = involved["name"].as_str().unwrap_or("object");
    let suffix: u64 = rand::random::<u64>() >> 12;
    let now = ops::now();
    let component = match reason {
        "Scheduled" | "FailedScheduling" => "default-scheduler",
        "Pulling" | "Pulled" | "Created" | "Started" | "Failed" | "BackOff" | "Killing" => {
            "kubelet"
        }
        "ProvisioningSucceeded" | "ProvisioningFailed" | "ExternalProvisioning" => {
            "persistentvolume-controller"
        }
        "Issuing" | "Generated" | "Requested" => "cert-manager-certificates-issuing",
        _ => "kube-controller-manager",
    };
    let event = json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": format!("{name}.{suffix:x}"), "namespace": ns},
        "involvedObject": involved,
        "reason": reason,
        "message": message,
        "type": event_type,
        "source": {"component": component},
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
        "reportingComponent": component,
        "reportingInstance": "",
    });
    ops::create(
        st,
        &registry::EVENTS,
        ns,
        event,
        &WriteOptions::by(component),
    )
}

/// The ObjectReference of an object.
pub fn reference(obj: &Value) -> Value {
    json!({
        "apiVersion": obj["apiVersion"],
        "kind": obj["kind"],
        "name": obj.pointer("/metadata/name"),
        "namespace": obj.pointer("/metadata/namespace"),
        "uid": obj.pointer("/metadata/uid"),
        "resourceVersion": obj.pointer("/metadata/resourceVersion"),
    })
}
