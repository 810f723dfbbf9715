//! The volume provisioner: claims get a dynamically provisioned volume and go Bound, unless
//! their storage class is set to stay unbound.

use std::sync::Arc;

use serde_json::{Value, json};

use super::events::{record, reference};
use super::{Logged, describe, meta_str};
use crate::ops::{self, WriteOptions};
use crate::registry;
use crate::state::State;
use crate::store::rid;

const MANAGER: &str = "kube-controller-manager";

/// Static volumes report Available until a claim binds them, as the volume controller does; a
/// volume pre-bound to a claim (`claimRef` without a uid) binds it once both exist.
pub fn volume(st: &Arc<State>, pv: &Value) {
    let bound = pv.pointer("/spec/claimRef/uid").is_some();
    if pv.pointer("/status/phase").is_none() {
        let phase = if bound { "Bound" } else { "Available" };
        ops::write_status(
            st,
            &registry::PERSISTENTVOLUMES,
            "",
            meta_str(pv, "name"),
            MANAGER,
            |_| Some(json!({"phase": phase})),
        )
        .logged("update status", &describe(pv));
    }
    let pre_bound = pv
        .pointer("/spec/claimRef/namespace")
        .and_then(Value::as_str)
        .zip(pv.pointer("/spec/claimRef/name").and_then(Value::as_str))
        .and_then(|(ns, name)| {
            st.store
                .get(rid(&registry::PERSISTENTVOLUMECLAIMS), ns, name)
        });
    if let Some(pvc) = pre_bound.filter(|c| c.pointer("/status/phase") != Some(&json!("Bound"))) {
        claim(st, &pvc);
    }
}

/// A claim that names its volume binds to it once the volume exists; until then it is Pending.
fn bind_named(st: &Arc<State>, pvc: &Value, volume: &str) {
    let (ns, name) = (meta_str(pvc, "namespace"), meta_str(pvc, "name"));
    let who = describe(pvc);
    let claims = &registry::PERSISTENTVOLUMECLAIMS;
    let pvs = &registry::PERSISTENTVOLUMES;
    let Some(pv) = st.store.get(rid(pvs), "", volume) else {
        ops::write_status(st, claims, ns, name, MANAGER, |_| {
            Some(json!({"phase": "Pending"}))
        })
        .logged("update status", &who);
        return;
    };
    let claim_ref = json!({"kind": "PersistentVolumeClaim", "namespace": ns, "name": name, "uid": meta_str(pvc, "uid"), "apiVersion": "v1"});
    ops::write_main(st, pvs, "", volume, MANAGER, |o| {
        o["spec"]["claimRef"] = claim_ref
    })
    .logged("bind the volume", &who);
    ops::write_status(st, pvs, "", volume, MANAGER, |_| {
        Some(json!({"phase": "Bound"}))
    })
    .logged("update the volume's status", &who);
    let capacity = pv.pointer("/spec/capacity").cloned().unwrap_or(json!({}));
    let modes = pv
        .pointer("/spec/accessModes")
        .cloned()
        .unwrap_or(json!([]));
    ops::write_status(st, claims, ns, name, MANAGER, |_| {
        Some(json!({"phase": "Bound", "accessModes": modes, "capacity": capacity}))
    })
    .logged("update status", &who);
}

/// Provisions and binds a claim.
pub fn claim(st: &Arc<State>, pvc: &Value) {
    if pvc.pointer("/status/phase").and_then(Value::as_str) == Some("Bound") {
        return;
    }
    let ns = meta_str(pvc, "namespace");
    let name = meta_str(pvc, "name");
    let class = pvc
        .pointer("/spec/storageClassName")
        .and_then(Value::as_str)
        .unwrap_or("standard");
    let claims = &registry::PERSISTENTVOLUMECLAIMS;
    if let Some(volume) = pvc.pointer("/spec/volumeName").and_then(Value::as_str) {
        bind_named(st, pvc, volume);
        return;
    }
    if st.sim.class_unbound(class) {
        if pvc.pointer("/status/phase").is_none() {
            ops::write_status(st, claims, ns, name, MANAGER, |_| {
                Some(json!({"phase": "Pending"}))
            })
            .logged("update status", &describe(pvc));
            record(
                st,
                ns,
                &reference(pvc),
                "Warning",
                "ProvisioningFailed",
                &format!("storageclass.storage.k8s.io \"{class}\" not found"),
            );
        }
        return;
    }
    let pv_name = format!("pvc-{}", meta_str(pvc, "uid"));
    let capacity = pvc
        .pointer("/spec/resources/requests")
        .cloned()
        .unwrap_or(json!({}));
    let modes = pvc
        .pointer("/spec/accessModes")
        .cloned()
        .unwrap_or(json!(["ReadWriteOnce"]));
    let pv = json!({
        "metadata": {"name": pv_name, "annotations": {"pv.kubernetes.io/provisioned-by": "testcluster.kubechart.io/hostpath"}},
        "spec": {
            "capacity": capacity,
            "accessModes": modes,
            "persistentVolumeReclaimPolicy": "Delete",
            "storageClassName": class,
            "hostPath": {"path": format!("/var/testcluster/{pv_name}")},
            "claimRef": {"kind": "PersistentVolumeClaim", "namespace": ns, "name": name, "uid": meta_str(pvc, "uid"), "apiVersion": "v1"},
        },
    });
    let pvs = &registry::PERSISTENTVOLUMES;
    if ops::create(st, pvs, "", pv, &WriteOptions::by(MANAGER))
        .logged("provision a volume", &describe(pvc))
        .is_some()
    {
        ops::write_status(st, pvs, "", &pv_name, MANAGER, |_| {
            Some(json!({"phase": "Bound"}))
        })
        .logged("update status", &describe(pvc));
        record(
            st,
            ns,
            &reference(pvc),
            "Normal",
            "ProvisioningSucceeded",
            &format!("Successfully provisioned volume {pv_name}"),
        );
    }
    ops::write_main(st, claims, ns, name, MANAGER, |o| {
        o["spec"]["volumeName"] = json!(pv_name);
        o["spec"]["storageClassName"] = json!(class);
    })
    .logged("update the spec", &describe(pvc));
    ops::write_status(st, claims, ns, name, MANAGER, |_| {
        Some(json!({"phase": "Bound", "accessModes": modes, "capacity": capacity}))
    })
    .logged("update status", &describe(pvc));
}
