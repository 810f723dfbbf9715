//! Defaulting: the fields kube-apiserver fills in when a client leaves them out, for the kinds
//! whose defaults clients observe (replicas, strategies, pod spec, service ports, ...).

use serde_json::{Map, Value, json};

fn set_default(obj: &mut Value, key: &str, value: Value) {
    if let Some(map) = obj.as_object_mut() {
        map.entry(key.to_string()).or_insert(value);
    }
}

fn child<'a>(obj: &'a mut Value, key: &str) -> &'a mut Value {
    if !obj.get(key).is_some_and(Value::is_object) {
        obj[key] = Value::Object(Map::new());
    }
    &mut obj[key]
}

fn pull_policy(image: &str) -> &'static str {
    let last = image.rsplit('/').next().unwrap_or(image);
    if image.contains('@') {
        "IfNotPresent"
    } else {
        match last.split_once(':') {
            None => "Always",
            Some((_, "latest")) => "Always",
            Some(_) => "IfNotPresent",
        }
    }
}

fn default_containers(spec: &mut Value, key: &str) {
    let Some(containers) = spec.get_mut(key).and_then(Value::as_array_mut) else {
        return;
    };
    for c in containers {
        let image = c["image"].as_str().unwrap_or_default().to_string();
        set_default(c, "imagePullPolicy", json!(pull_policy(&image)));
        set_default(c, "terminationMessagePath", json!("/dev/termination-log"));
        set_default(c, "terminationMessagePolicy", json!("File"));
        set_default(c, "resources", json!({}));
        for port in c
            .get_mut("ports")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            set_default(port, "protocol", json!("TCP"));
        }
    }
}

/// Pod spec defaults.
fn pod_spec(spec: &mut Value, restart_policy: &str) {
    set_default(spec, "restartPolicy", json!(restart_policy));
    set_default(spec, "dnsPolicy", json!("ClusterFirst"));
    set_default(spec, "schedulerName", json!("default-scheduler"));
    set_default(spec, "terminationGracePeriodSeconds", json!(30));
    set_default(spec, "securityContext", json!({}));
    default_containers(spec, "containers");
    default_containers(spec, "initContainers");
}

fn template(spec: &mut Value, restart_policy: &str) {
    let tpl = child(spec, "template");
    let pod = child(tpl, "spec");
    pod_spec(pod, restart_policy);
}

/// Fills in defaults for `kind`.
pub fn apply_defaults(kind: &str, obj: &mut Value) {
    match kind {
        "Deployment" => {
            let spec = child(obj, "spec");
            set_default(spec, "replicas", json!(1));
            set_default(spec, "revisionHistoryLimit", json!(10));
            set_default(spec, "progressDeadlineSeconds", json!(600));
            set_default(
                spec,
                "strategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}),
            );
            template(spec, "Always");
        }
        "StatefulSet" => {
            let spec = child(obj, "spec");
            set_default(spec, "replicas", json!(1));
            set_default(spec, "revisionHistoryLimit", json!(10));
            set_default(spec, "podManagementPolicy", json!("OrderedReady"));
            set_default(
                spec,
                "updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}),
            );
            set_default(
                spec,
                "persistentVolumeClaimRetentionPolicy",
                json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
            );
            template(spec, "Always");
        }
        "ReplicaSet" => {
            let spec = child(obj, "spec");
            set_default(spec, "replicas", json!(1));
            template(spec, "Always");
        }
        "Job" => {
            let spec = child(obj, "spec");
            set_default(spec, "parallelism", json!(1));
            set_default(spec, "completions", json!(1));
            set_default(spec, "backoffLimit", json!(6));
            set_default(spec, "completionMode", json!("NonIndexed"));
            set_default(spec, "suspend", json!(false));
            template(spec, "Always");
        }
        "CronJob" => {
            let spec = child(obj, "spec");
            set_default(spec, "concurrencyPolicy", json!("Allow"));
            set_default(spec, "suspend", json!(false));
            set_default(spec, "successfulJobsHistoryLimit", json!(3));
            set_default(spec, "failedJobsHistoryLimit", json!(1));
            let job_spec = child(child(spec, "jobTemplate"), "spec");
            set_default(job_spec, "backoffLimit", json!(6));
            template(job_spec, "Always");
        }
        "Pod" => pod_spec(child(obj, "spec"), "Always"),
        "Service" => {
            let spec = child(obj, "spec");
            set_default(spec, "type", json!("ClusterIP"));
            set_default(spec, "sessionAffinity", json!("None"));
            set_default(spec, "internalTrafficPolicy", json!("Cluster"));
            set_default(spec, "ipFamilyPolicy", json!("SingleStack"));
            set_default(spec, "ipFamilies", json!(["IPv4"]));
            for port in spec
                .get_mut("ports")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                set_default(port, "protocol", json!("TCP"));
                let p = port["port"].clone();
                set_default(port, "targetPort", p);
            }
        }
        "Secret" => set_default(obj, "type", json!("Opaque")),
        "PersistentVolumeClaim" => {
            set_default(child(obj, "spec"), "volumeMode", json!("Filesystem"))
        }
        "PersistentVolume" => {
            let spec = child(obj, "spec");
            set_default(spec, "persistentVolumeReclaimPolicy", json!("Retain"));
            set_default(spec, "volumeMode", json!("Filesystem"));
        }
        "Namespace" => {
            let name = obj
                .pointer("/metadata/name")
                .cloned()
                .unwrap_or(Value::Null);
            let labels = child(child(obj, "metadata"), "labels");
            labels["kubernetes.io/metadata.name"] = name;
            set_default(child(obj, "spec"), "finalizers", json!(["kubernetes"]));
            set_default(child(obj, "status"), "phase", json!("Active"));
        }
        "NetworkPolicy" => {
            let spec = child(obj, "spec");
            if !spec.get("policyTypes").is_some_and(Value::is_array) {
                let mut types = vec![json!("Ingress")];
                if spec.get("egress").is_some() {
                    types.push(json!("Egress"));
                }
                spec["policyTypes"] = Value::Array(types);
            }
        }
        "Ingress" => {
            for rule in obj
                .pointer_mut("/spec/rules")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                for path in rule
                    .pointer_mut("/http/paths")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    set_default(path, "pathType", json!("ImplementationSpecific"));
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_defaults_match_kube_apiserver() {
        let mut d = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "nginx", "ports": [{"containerPort": 80}]}]}}}});
        apply_defaults("Deployment", &mut d);
        assert_eq!(d["spec"]["replicas"], 1);
        assert_eq!(
            d["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"],
            "Always"
        );
        assert_eq!(
            d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["protocol"],
            "TCP"
        );
        assert_eq!(pull_policy("nginx:1.27"), "IfNotPresent");
        assert_eq!(pull_policy("localhost:5000/app"), "Always");
    }
}
