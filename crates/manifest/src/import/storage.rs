//! PersistentVolumeClaim and PersistentVolume → their entries.

use super::value::{choice, choices, flag, name, text};
use crate::spec::{PersistentVolumeClaimSpec, PersistentVolumeSpec, PvSource};
use serde_json::Value;

pub(super) fn claim(object: &Value) -> PersistentVolumeClaimSpec {
    PersistentVolumeClaimSpec {
        name: name(object),
        size: text(object, "/spec/resources/requests/storage").unwrap_or_default(),
        access_modes: choices(object, "/spec/accessModes"),
        storage_class_name: text(object, "/spec/storageClassName"),
        volume_mode: choice(object, "/spec/volumeMode"),
        volume_name: text(object, "/spec/volumeName"),
    }
}

/// A PersistentVolume; `None` for a volume source the form does not model.
pub(super) fn volume(object: &Value, namespace: &str) -> Option<PersistentVolumeSpec> {
    let spec = object.get("spec")?;
    let source = if let Some(host) = spec.get("hostPath") {
        PvSource::HostPath {
            path: text(host, "/path")?,
            path_type: text(host, "/type"),
        }
    } else if let Some(nfs) = spec.get("nfs") {
        PvSource::Nfs {
            server: text(nfs, "/server")?,
            path: text(nfs, "/path")?,
            read_only: flag(nfs, "/readOnly").unwrap_or_default(),
        }
    } else if let Some(csi) = spec.get("csi") {
        PvSource::Csi {
            driver: text(csi, "/driver")?,
            volume_handle: text(csi, "/volumeHandle")?,
            fs_type: text(csi, "/fsType"),
            read_only: flag(csi, "/readOnly").unwrap_or_default(),
        }
    } else {
        return None;
    };
    let claim = (text(spec, "/claimRef/namespace").as_deref() == Some(namespace))
        .then(|| text(spec, "/claimRef/name"))
        .flatten();
    Some(PersistentVolumeSpec {
        name: name(object),
        capacity: text(spec, "/capacity/storage").unwrap_or_default(),
        access_modes: choices(spec, "/accessModes"),
        reclaim_policy: choice(spec, "/persistentVolumeReclaimPolicy").unwrap_or_default(),
        storage_class_name: text(spec, "/storageClassName"),
        volume_mode: choice(spec, "/volumeMode"),
        source,
        claim,
    })
}
