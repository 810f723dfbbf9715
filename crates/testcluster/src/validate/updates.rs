//! Update validation: the fields kube-apiserver refuses to change once an object exists, with
//! its causes and messages (what a client must recreate the object for).

use serde_json::{Map, Value, json};

use crate::status::Cause;

/// The fields a StatefulSet update may change; any other spec change is forbidden.
const STATEFULSET_MUTABLE: &[&str] = &[
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "revisionHistoryLimit",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
];

const STATEFULSET_FORBIDDEN: &str = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

const CLAIM_FORBIDDEN: &str = "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims";

const IMMUTABLE_WHEN_SET: &str = "field is immutable when `immutable` is set";

fn at<'a>(obj: &'a Value, pointer: &str) -> Option<&'a Value> {
    obj.pointer(pointer).filter(|v| !v.is_null())
}

/// `ValidateImmutableField`: `<field>: Invalid value: <new>: field is immutable`.
fn immutable(causes: &mut Vec<Cause>, obj: &Value, old: &Value, pointer: &str) {
    if at(old, pointer) != at(obj, pointer) {
        let v = at(obj, pointer).cloned().unwrap_or(Value::Null);
        causes.push(Cause::invalid(
            pointer.trim_start_matches('/').replace('/', "."),
            &v,
            "field is immutable",
        ));
    }
}

/// The spec without the fields a rule lets change.
fn spec_without(obj: &Value, mutable: &[&str]) -> Map<String, Value> {
    let mut spec = obj["spec"].as_object().cloned().unwrap_or_default();
    spec.retain(|k, v| !mutable.contains(&k.as_str()) && !v.is_null());
    spec
}

/// A storage quantity in bytes (`1Gi`, `500M`, `1024`), for comparing claim sizes.
fn bytes(q: &Value) -> Option<f64> {
    let s = match q {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let split = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
    let (number, suffix) = s.split_at(split);
    let factor = match suffix {
        "" => 1.0,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        _ => return None,
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

fn claim(causes: &mut Vec<Cause>, obj: &Value, old: &Value) {
    let bound = obj.pointer("/status/phase") == Some(&json!("Bound"));
    let mut new_spec = spec_without(obj, &["volumeAttributesClassName"]);
    let mut old_spec = spec_without(old, &["volumeAttributesClassName"]);
    // The binder sets volumeName once; a class may be set once on a claim that had none.
    for once in ["volumeName", "storageClassName"] {
        if !old_spec.contains_key(once)
            && let Some(v) = new_spec.get(once)
        {
            old_spec.insert(once.into(), v.clone());
        }
    }
    // A bound claim may ask for more storage (expansion).
    if bound {
        for spec in [&mut new_spec, &mut old_spec] {
            if let Some(Value::Object(res)) = spec.get_mut("resources")
                && let Some(Value::Object(req)) = res.get_mut("requests")
            {
                req.remove("storage");
            }
        }
    }
    if new_spec != old_spec {
        causes.push(Cause::forbidden("spec", CLAIM_FORBIDDEN));
        return;
    }
    let new_size = at(obj, "/spec/resources/requests/storage").and_then(bytes);
    let capacity = at(old, "/status/capacity/storage").and_then(bytes);
    if let (Some(new), Some(cap)) = (new_size, capacity)
        && new < cap
    {
        causes.push(Cause::forbidden(
            "spec.resources.requests.storage",
            "field can not be less than status.capacity",
        ));
    }
}

/// ConfigMaps and Secrets created with `immutable: true` keep their data and the flag.
fn immutable_data(causes: &mut Vec<Cause>, obj: &Value, old: &Value, fields: &[&str]) {
    if old["immutable"] != json!(true) {
        return;
    }
    if obj["immutable"] != json!(true) {
        causes.push(Cause::forbidden("immutable", IMMUTABLE_WHEN_SET));
    }
    for field in fields {
        if at(obj, &format!("/{field}")) != at(old, &format!("/{field}")) {
            causes.push(Cause::forbidden(*field, IMMUTABLE_WHEN_SET));
        }
    }
}

/// The primary cluster IP stays what was allocated. A changed `clusterIP` is mirrored into
/// `clusterIPs` first (when the client left those alone), as the service registry does.
fn service(causes: &mut Vec<Cause>, obj: &Value, old: &Value) {
    let ip = |o: &Value| {
        at(o, "/spec/clusterIP")
            .and_then(Value::as_str)
            .filter(|ip| !ip.is_empty())
            .map(str::to_string)
    };
    let Some(before) = at(old, "/spec/clusterIPs/0")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| ip(old))
    else {
        return;
    };
    let ips = match (ip(obj), at(obj, "/spec/clusterIPs")) {
        (Some(new_ip), ips)
            if Some(&new_ip) != ip(old).as_ref() && ips == at(old, "/spec/clusterIPs") =>
        {
            json!([new_ip])
        }
        (_, Some(ips)) => ips.clone(),
        (Some(new_ip), None) => json!([new_ip]),
        (None, None) => return,
    };
    if ips[0].as_str().is_some_and(|after| after != before) {
        causes.push(Cause::invalid(
            "spec.clusterIPs[0]",
            &ips,
            "may not change once set",
        ));
    }
}

/// Validates the change from `old` to `obj` of a built-in kind.
pub fn validate(kind: &str, obj: &Value, old: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    match kind {
        "Deployment" | "ReplicaSet" | "DaemonSet" => {
            immutable(&mut causes, obj, old, "/spec/selector")
        }
        "StatefulSet"
            if spec_without(obj, STATEFULSET_MUTABLE) != spec_without(old, STATEFULSET_MUTABLE) =>
        {
            causes.push(Cause::forbidden("spec", STATEFULSET_FORBIDDEN));
        }
        "Job" => {
            immutable(&mut causes, obj, old, "/spec/selector");
            immutable(&mut causes, obj, old, "/spec/template");
        }
        "Service" => service(&mut causes, obj, old),
        "PersistentVolumeClaim" => claim(&mut causes, obj, old),
        "ConfigMap" => immutable_data(&mut causes, obj, old, &["data", "binaryData"]),
        "Secret" => {
            immutable_data(&mut causes, obj, old, &["data"]);
            immutable(&mut causes, obj, old, "/type");
        }
        "RoleBinding" | "ClusterRoleBinding" if at(obj, "/roleRef") != at(old, "/roleRef") => {
            causes.push(Cause::invalid(
                "roleRef",
                at(obj, "/roleRef").unwrap_or(&Value::Null),
                "cannot change roleRef",
            ));
        }
        _ => {}
    }
    causes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_compare_across_units() {
        assert_eq!(bytes(&json!("1Gi")), bytes(&json!("1024Mi")));
        assert!(bytes(&json!("2G")) > bytes(&json!("1Gi")));
        assert_eq!(bytes(&json!("nonsense")), None);
    }

    #[test]
    fn statefulset_may_change_only_the_listed_fields() {
        let old = json!({"spec": {"replicas": 1, "serviceName": "db", "template": {"a": 1}}});
        let scaled = json!({"spec": {"replicas": 3, "serviceName": "db", "template": {"a": 2}}});
        assert!(validate("StatefulSet", &scaled, &old).is_empty());
        let renamed =
            json!({"spec": {"replicas": 1, "serviceName": "other", "template": {"a": 1}}});
        let causes = validate("StatefulSet", &renamed, &old);
        assert_eq!(causes[0].field, "spec");
        assert_eq!(causes[0].reason, "FieldValueForbidden");
    }

    #[test]
    fn bound_claims_may_grow_but_not_change_class() {
        let old = json!({"spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "fast", "resources": {"requests": {"storage": "1Gi"}}}, "status": {"phase": "Bound", "capacity": {"storage": "1Gi"}}});
        let mut grown = old.clone();
        grown["spec"]["resources"]["requests"]["storage"] = json!("2Gi");
        assert!(validate("PersistentVolumeClaim", &grown, &old).is_empty());
        let mut shrunk = old.clone();
        shrunk["spec"]["resources"]["requests"]["storage"] = json!("512Mi");
        assert_eq!(
            validate("PersistentVolumeClaim", &shrunk, &old)[0].field,
            "spec.resources.requests.storage"
        );
        let mut reclassed = old.clone();
        reclassed["spec"]["storageClassName"] = json!("slow");
        assert_eq!(
            validate("PersistentVolumeClaim", &reclassed, &old)[0].message,
            format!("Forbidden: {CLAIM_FORBIDDEN}")
        );
    }
}
