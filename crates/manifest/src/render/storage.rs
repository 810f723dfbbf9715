//! PersistentVolumeClaims and PersistentVolumes.

use super::Object;
use super::meta::{cluster, namespaced};
use crate::refs::Refs;
use crate::spec::{PvSource, access_modes_or_default};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use std::collections::BTreeMap;

pub(super) fn render(refs: &Refs, out: &mut Vec<Object>) {
    for claim in &refs.spec.persistent_volume_claims {
        out.push(Object::PersistentVolumeClaim(core::PersistentVolumeClaim {
            metadata: namespaced(refs, &claim.name),
            spec: Some(core::PersistentVolumeClaimSpec {
                access_modes: Some(access_modes_or_default(&claim.access_modes)),
                storage_class_name: claim.storage_class_name.clone(),
                volume_mode: claim.volume_mode.map(|m| m.as_str().to_owned()),
                volume_name: claim.volume_name.clone(),
                resources: Some(core::VolumeResourceRequirements {
                    requests: Some(BTreeMap::from([(
                        "storage".to_owned(),
                        Quantity(claim.size.clone()),
                    )])),
                    limits: None,
                }),
                ..Default::default()
            }),
            status: None,
        }));
    }
    for volume in &refs.spec.persistent_volumes {
        let mut spec = core::PersistentVolumeSpec {
            capacity: Some(BTreeMap::from([(
                "storage".to_owned(),
                Quantity(volume.capacity.clone()),
            )])),
            access_modes: Some(access_modes_or_default(&volume.access_modes)),
            persistent_volume_reclaim_policy: Some(volume.reclaim_policy.as_str().to_owned()),
            storage_class_name: volume.storage_class_name.clone(),
            volume_mode: volume.volume_mode.map(|m| m.as_str().to_owned()),
            // Pre-binding reserves the volume for the claim of this app, in the app's namespace.
            claim_ref: volume.claim.as_ref().map(|claim| core::ObjectReference {
                name: Some(claim.clone()),
                namespace: Some(refs.spec.namespace.clone()),
                ..Default::default()
            }),
            ..Default::default()
        };
        match &volume.source {
            PvSource::HostPath { path, path_type } => {
                spec.host_path = Some(core::HostPathVolumeSource {
                    path: path.clone(),
                    type_: path_type.clone(),
                });
            }
            PvSource::Nfs {
                server,
                path,
                read_only,
            } => {
                spec.nfs = Some(core::NFSVolumeSource {
                    server: server.clone(),
                    path: path.clone(),
                    read_only: read_only.then_some(true),
                });
            }
            PvSource::Csi {
                driver,
                volume_handle,
                fs_type,
                read_only,
            } => {
                spec.csi = Some(core::CSIPersistentVolumeSource {
                    driver: driver.clone(),
                    volume_handle: volume_handle.clone(),
                    fs_type: fs_type.clone(),
                    read_only: read_only.then_some(true),
                    ..Default::default()
                });
            }
        }
        out.push(Object::PersistentVolume(core::PersistentVolume {
            metadata: cluster(refs, &volume.name),
            spec: Some(spec),
            status: None,
        }));
    }
}
