//! Validation: the 422 Invalid causes kube-apiserver reports for what a client can get wrong.

mod crds;
mod meta;
mod names;
mod updates;
mod workloads;

use serde_json::Value;

use crate::registry::ResourceDef;
use crate::status::Cause;

pub use names::{is_dns1123_label, is_dns1123_subdomain};

/// Validates an object (and, for updates, the transition from `old`).
pub fn validate(def: &ResourceDef, obj: &Value, old: Option<&Value>) -> Vec<Cause> {
    let mut causes = meta::object_meta(def, obj);
    if def.crd.is_some() {
        causes.extend(crds::validate(def.kind, obj));
    } else {
        causes.extend(workloads::validate(def.kind, obj));
    }
    if let Some(old) = old {
        causes.extend(updates::validate(def.kind, obj, old));
    }
    causes
}
