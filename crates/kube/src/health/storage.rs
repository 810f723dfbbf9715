//! PersistentVolumeClaims and PersistentVolumes. Why a claim stays Pending is only told in its
//! events (ProvisioningFailed, a missing StorageClass).

use serde_json::Value;

use super::fields::{join_reason, str_at};
use super::{Assessment, Warning};

pub(crate) fn claim(object: &Value, warnings: &[Warning]) -> Assessment {
    match str_at(object, "/status/phase") {
        Some("Bound") => Assessment::current(match str_at(object, "/spec/volumeName") {
            Some(volume) => format!("bound to {volume}"),
            None => "bound".to_owned(),
        }),
        Some("Lost") => Assessment::failed(match str_at(object, "/spec/volumeName") {
            Some(volume) => format!("lost its volume {volume}"),
            None => "lost its volume".to_owned(),
        }),
        _ => {
            if let Some(failure) = warnings
                .iter()
                .find(|w| w.reason == "ProvisioningFailed" || w.reason == "FailedBinding")
            {
                return Assessment::failing(join_reason(&failure.reason, &failure.message));
            }
            Assessment::in_progress(match str_at(object, "/spec/storageClassName") {
                Some(class) => format!("waiting for a volume (storage class {class})"),
                None => "waiting for a volume".to_owned(),
            })
        }
    }
}

pub(crate) fn volume(object: &Value) -> Assessment {
    match str_at(object, "/status/phase") {
        Some("Failed") => Assessment::failed(join_reason(
            "reclaim failed",
            str_at(object, "/status/message").unwrap_or(""),
        )),
        Some("Pending") => Assessment::in_progress("pending"),
        Some(phase) => Assessment::current(phase.to_lowercase()),
        None => Assessment::in_progress("pending"),
    }
}
