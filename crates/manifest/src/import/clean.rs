//! What the API server adds to an object, removed so that an object read from a cluster and the
//! same object as written compare equal: server-managed metadata, status, and fields the API
//! server fills in with their documented defaults. Numbers in quantity maps become strings, as
//! the API server stores them.

use serde_json::{Value, json};

/// Metadata the API server owns.
const SERVER_METADATA: [&str; 8] = [
    "managedFields",
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "generation",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];

/// Annotations written by kubectl and controllers rather than by people.
const SERVER_ANNOTATIONS: [&str; 7] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "pv.kubernetes.io/bind-completed",
    "pv.kubernetes.io/bound-by-controller",
    "volume.beta.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/selected-node",
];

/// Labels the Job controller puts on its own selector and pod template.
const JOB_CONTROLLER_LABELS: [&str; 4] = [
    "controller-uid",
    "job-name",
    "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-name",
];

/// What to remove besides server-managed metadata and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Defaults {
    /// Fields equal to their API default are removed too (objects read from a cluster, and
    /// every comparison).
    Remove,
    /// Fields equal to their API default stay (a file's author wrote them on purpose).
    Keep,
}

/// The object without what the server added; the second value lists the removed fields' paths.
pub fn clean(object: &Value, defaults: Defaults) -> (Value, Vec<String>) {
    let mut value = object.clone();
    let mut dropped = Vec::new();
    remove_nulls(&mut value);
    if let Some(map) = value.as_object_mut()
        && map.remove("status").is_some()
    {
        dropped.push("status".to_owned());
    }
    let kind = value["kind"].as_str().unwrap_or_default().to_owned();
    let mut cleaner = Cleaner {
        dropped: &mut dropped,
        defaults,
    };
    cleaner.metadata(&mut value, "metadata");
    match kind.as_str() {
        "Deployment" => {
            cleaner.defaults(
                &mut value,
                "spec",
                &[
                    ("progressDeadlineSeconds", json!(600)),
                    ("revisionHistoryLimit", json!(10)),
                    (
                        "strategy",
                        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}),
                    ),
                ],
            );
            cleaner.pod_template(&mut value, "spec.template");
        }
        "StatefulSet" => {
            cleaner.defaults(
                &mut value,
                "spec",
                &[
                    ("podManagementPolicy", json!("OrderedReady")),
                    ("revisionHistoryLimit", json!(10)),
                    (
                        "updateStrategy",
                        json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}),
                    ),
                    ("updateStrategy", json!({"type": "RollingUpdate"})),
                    (
                        "persistentVolumeClaimRetentionPolicy",
                        json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
                    ),
                ],
            );
            let claims = value
                .pointer_mut("/spec/volumeClaimTemplates")
                .and_then(Value::as_array_mut);
            for (i, claim) in claims.into_iter().flatten().enumerate() {
                let at = format!("spec.volumeClaimTemplates[{i}]");
                for field in ["apiVersion", "kind", "status"] {
                    if claim
                        .as_object_mut()
                        .and_then(|c| c.remove(field))
                        .is_some()
                    {
                        cleaner.dropped.push(format!("{at}.{field}"));
                    }
                }
                cleaner.metadata(claim, &format!("{at}.metadata"));
                cleaner.claim_spec(claim, &format!("{at}.spec"));
            }
            cleaner.pod_template(&mut value, "spec.template");
        }
        "ReplicaSet" | "DaemonSet" => {
            cleaner.defaults(
                &mut value,
                "spec",
                &[
                    ("revisionHistoryLimit", json!(10)),
                    (
                        "updateStrategy",
                        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}),
                    ),
                ],
            );
            cleaner.pod_template(&mut value, "spec.template");
        }
        "Job" => cleaner.job(&mut value, "spec"),
        "CronJob" => {
            cleaner.defaults(
                &mut value,
                "spec",
                &[
                    ("concurrencyPolicy", json!("Allow")),
                    ("suspend", json!(false)),
                    ("successfulJobsHistoryLimit", json!(3)),
                    ("failedJobsHistoryLimit", json!(1)),
                ],
            );
            cleaner.metadata(&mut value, "spec.jobTemplate.metadata");
            cleaner.empty(&mut value, "spec.jobTemplate.metadata");
            cleaner.job(&mut value, "spec.jobTemplate.spec");
        }
        "Pod" => cleaner.pod_spec(&mut value, "spec"),
        "Service" => cleaner.service(&mut value),
        "PersistentVolumeClaim" => cleaner.claim_spec(&mut value, "spec"),
        "PersistentVolume" => {
            cleaner.defaults(
                &mut value,
                "spec",
                &[
                    ("volumeMode", json!("Filesystem")),
                    ("persistentVolumeReclaimPolicy", json!("Retain")),
                ],
            );
            quantities(&mut value, "spec.capacity");
            for field in ["resourceVersion", "uid", "apiVersion", "kind"] {
                cleaner.defaults_any(&mut value, &format!("spec.claimRef.{field}"));
            }
        }
        "Namespace" => {
            cleaner.server_fills(&mut value, "spec", &[("finalizers", json!(["kubernetes"]))]);
            cleaner.empty(&mut value, "spec");
            let name = value["metadata"]["name"].clone();
            cleaner.server_fills(
                &mut value,
                "metadata.labels",
                &[("kubernetes.io/metadata.name", name)],
            );
            cleaner.empty(&mut value, "metadata.labels");
        }
        "Secret" => cleaner.secret(&mut value),
        "ResourceQuota" => quantities(&mut value, "spec.hard"),
        "NetworkPolicy" => {
            for direction in ["ingress", "egress"] {
                let rules = at_mut(&mut value, &format!("spec.{direction}"))
                    .and_then(Value::as_array_mut)
                    .map(|r| r.len())
                    .unwrap_or_default();
                for r in 0..rules {
                    cleaner.each(
                        &mut value,
                        &format!("spec.{direction}[{r}].ports"),
                        &[("protocol", json!("TCP"))],
                    );
                }
            }
        }
        "RoleBinding" | "ClusterRoleBinding" => {
            let subjects = at_mut(&mut value, "subjects")
                .and_then(Value::as_array_mut)
                .map(|s| s.len())
                .unwrap_or_default();
            for s in 0..subjects {
                let at = format!("subjects[{s}]");
                if value.pointer(&pointer(&format!("{at}.kind"))) == Some(&json!("ServiceAccount"))
                {
                    cleaner.server_fills(&mut value, &at, &[("apiGroup", json!(""))]);
                }
            }
        }
        _ => {}
    }
    (value, dropped)
}

struct Cleaner<'a> {
    dropped: &'a mut Vec<String>,
    defaults: Defaults,
}

impl Cleaner<'_> {
    fn metadata(&mut self, value: &mut Value, at: &str) {
        let Some(meta) = at_mut(value, at).and_then(Value::as_object_mut) else {
            return;
        };
        for field in SERVER_METADATA {
            if meta.remove(field).is_some() {
                self.dropped.push(format!("{at}.{field}"));
            }
        }
        if let Some(annotations) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            for key in SERVER_ANNOTATIONS {
                if annotations.remove(key).is_some() {
                    self.dropped.push(format!("{at}.annotations.{key}"));
                }
            }
            if annotations.is_empty() {
                meta.remove("annotations");
            }
        }
        if meta
            .get("labels")
            .is_some_and(|l| l.as_object().is_some_and(|l| l.is_empty()))
        {
            meta.remove("labels");
        }
        if meta.get("finalizers").is_some_and(|f| {
            f == &json!(["kubernetes.io/pvc-protection"])
                || f == &json!(["kubernetes.io/pv-protection"])
        }) {
            meta.remove("finalizers");
            self.dropped.push(format!("{at}.finalizers"));
        }
    }

    /// Removes each field of the object at `at` whose value is its API default, when defaults go.
    fn defaults(&mut self, value: &mut Value, at: &str, defaults: &[(&str, Value)]) {
        if self.defaults == Defaults::Remove {
            self.server_fills(value, at, defaults);
        }
    }

    /// Removes each field of the object at `at` that has the value the server fills in.
    fn server_fills(&mut self, value: &mut Value, at: &str, defaults: &[(&str, Value)]) {
        let Some(map) = at_mut(value, at).and_then(Value::as_object_mut) else {
            return;
        };
        for (field, default) in defaults {
            if map.get(*field) == Some(default) {
                map.remove(*field);
                self.dropped.push(format!("{at}.{field}"));
            }
        }
    }

    /// Removes the field at `at`, whatever its value.
    fn defaults_any(&mut self, value: &mut Value, at: &str) {
        let (parent, field) = at.rsplit_once('.').unwrap_or(("", at));
        if let Some(map) = at_mut(value, parent).and_then(Value::as_object_mut)
            && map.remove(field).is_some()
        {
            self.dropped.push(at.to_owned());
        }
    }

    /// Applies `defaults` to every item of the list at `at`.
    fn each(&mut self, value: &mut Value, at: &str, defaults: &[(&str, Value)]) {
        let count = at_mut(value, at)
            .and_then(Value::as_array_mut)
            .map(|items| items.len())
            .unwrap_or_default();
        for i in 0..count {
            self.defaults(value, &format!("{at}[{i}]"), defaults);
        }
    }

    /// Removes the field at `at` when it is an empty object.
    fn empty(&mut self, value: &mut Value, at: &str) {
        if at_mut(value, at).is_some_and(|v| v.as_object().is_some_and(|m| m.is_empty())) {
            self.defaults_any(value, at);
        }
    }

    fn job(&mut self, value: &mut Value, at: &str) {
        self.defaults(
            value,
            at,
            &[
                ("completionMode", json!("NonIndexed")),
                ("suspend", json!(false)),
                ("backoffLimit", json!(6)),
                ("podReplacementPolicy", json!("TerminatingOrFailed")),
                ("manualSelector", json!(false)),
            ],
        );
        // The controller's own selector and labels: generated, and regenerated on creation.
        let generated = at_mut(value, &format!("{at}.selector.matchLabels"))
            .and_then(|labels| labels.as_object())
            .is_some_and(|labels| {
                labels
                    .keys()
                    .all(|k| JOB_CONTROLLER_LABELS.contains(&k.as_str()))
            });
        if generated {
            self.defaults_any(value, &format!("{at}.selector"));
        }
        for key in JOB_CONTROLLER_LABELS {
            self.defaults_any(value, &format!("{at}.template.metadata.labels.{key}"));
        }
        self.pod_template(value, &format!("{at}.template"));
    }

    fn pod_template(&mut self, value: &mut Value, at: &str) {
        self.metadata(value, &format!("{at}.metadata"));
        self.empty(value, &format!("{at}.metadata"));
        self.pod_spec(value, &format!("{at}.spec"));
    }

    fn pod_spec(&mut self, value: &mut Value, at: &str) {
        self.defaults(
            value,
            at,
            &[
                ("restartPolicy", json!("Always")),
                ("dnsPolicy", json!("ClusterFirst")),
                ("schedulerName", json!("default-scheduler")),
                ("terminationGracePeriodSeconds", json!(30)),
                ("securityContext", json!({})),
                ("enableServiceLinks", json!(true)),
            ],
        );
        // serviceAccount is the deprecated twin of serviceAccountName that the server fills in.
        let account = value
            .pointer(&pointer(&format!("{at}.serviceAccountName")))
            .cloned();
        if let Some(account) = account {
            self.server_fills(value, at, &[("serviceAccount", account)]);
        }
        for list in ["containers", "initContainers"] {
            let count = at_mut(value, &format!("{at}.{list}"))
                .and_then(Value::as_array_mut)
                .map(|c| c.len())
                .unwrap_or_default();
            for c in 0..count {
                self.container(value, &format!("{at}.{list}[{c}]"));
            }
        }
        let volumes = at_mut(value, &format!("{at}.volumes"))
            .and_then(Value::as_array_mut)
            .map(|v| v.len())
            .unwrap_or_default();
        for v in 0..volumes {
            for source in ["configMap", "secret"] {
                self.defaults(
                    value,
                    &format!("{at}.volumes[{v}].{source}"),
                    &[("defaultMode", json!(420))],
                );
            }
        }
    }

    fn container(&mut self, value: &mut Value, at: &str) {
        let image = value
            .pointer(&pointer(&format!("{at}.image")))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        self.defaults(
            value,
            at,
            &[
                ("terminationMessagePath", json!("/dev/termination-log")),
                ("terminationMessagePolicy", json!("File")),
                ("imagePullPolicy", json!(default_pull_policy(&image))),
                ("resources", json!({})),
            ],
        );
        self.each(value, &format!("{at}.ports"), &[("protocol", json!("TCP"))]);
        quantities(value, &format!("{at}.resources.requests"));
        quantities(value, &format!("{at}.resources.limits"));
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            let probe = format!("{at}.{probe}");
            self.defaults(
                value,
                &probe,
                &[
                    ("timeoutSeconds", json!(1)),
                    ("periodSeconds", json!(10)),
                    ("successThreshold", json!(1)),
                    ("failureThreshold", json!(3)),
                ],
            );
            self.defaults(
                value,
                &format!("{probe}.httpGet"),
                &[("scheme", json!("HTTP"))],
            );
        }
    }

    fn claim_spec(&mut self, value: &mut Value, at: &str) {
        self.defaults(value, at, &[("volumeMode", json!("Filesystem"))]);
        quantities(value, &format!("{at}.resources.requests"));
    }

    fn service(&mut self, value: &mut Value) {
        let headless = value.pointer("/spec/clusterIP") == Some(&json!("None"));
        if !headless {
            // Allocated by the cluster.
            self.defaults_any(value, "spec.clusterIP");
            self.defaults_any(value, "spec.clusterIPs");
        } else {
            self.server_fills(value, "spec", &[("clusterIPs", json!(["None"]))]);
        }
        self.defaults(
            value,
            "spec",
            &[
                ("type", json!("ClusterIP")),
                ("sessionAffinity", json!("None")),
                ("internalTrafficPolicy", json!("Cluster")),
                ("externalTrafficPolicy", json!("Cluster")),
                ("ipFamilyPolicy", json!("SingleStack")),
                ("ipFamilies", json!(["IPv4"])),
                ("allocateLoadBalancerNodePorts", json!(true)),
            ],
        );
        let count = at_mut(value, "spec.ports")
            .and_then(Value::as_array_mut)
            .map(|p| p.len())
            .unwrap_or_default();
        for p in 0..count {
            let at = format!("spec.ports[{p}]");
            let port = value.pointer(&pointer(&format!("{at}.port"))).cloned();
            let mut defaults = vec![("protocol", json!("TCP"))];
            if let Some(port) = port {
                defaults.push(("targetPort", port));
            }
            self.defaults(value, &at, &defaults);
        }
    }

    fn secret(&mut self, value: &mut Value) {
        self.defaults(value, "", &[("type", json!("Opaque"))]);
        // The API server merges stringData into data, base64-encoded.
        let Some(map) = value.as_object_mut() else {
            return;
        };
        if let Some(Value::Object(plain)) = map.remove("stringData") {
            let data = map
                .entry("data")
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
            if let Some(data) = data.as_object_mut() {
                for (key, text) in plain {
                    let text = text
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| text.to_string());
                    data.insert(key, Value::String(base64_encode(text.as_bytes())));
                }
            }
        }
    }
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// `Always` for `:latest` or untagged images, else `IfNotPresent`: what the API server fills in.
fn default_pull_policy(image: &str) -> &'static str {
    let last = image.rsplit('/').next().unwrap_or_default();
    if image.contains('@') {
        "IfNotPresent"
    } else if !last.contains(':') || last.ends_with(":latest") {
        "Always"
    } else {
        "IfNotPresent"
    }
}

/// Numbers in a quantity map (`cpu: 1`) become the strings the API server stores (`cpu: "1"`).
fn quantities(value: &mut Value, at: &str) {
    if let Some(map) = at_mut(value, at).and_then(Value::as_object_mut) {
        for quantity in map.values_mut() {
            if let Value::Number(n) = quantity {
                *quantity = Value::String(n.to_string());
            }
        }
    }
}

/// Object fields that are `null` are absent in Kubernetes; merge patches use `null` for removal.
fn remove_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(remove_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(remove_nulls),
        _ => {}
    }
}

/// `spec.ports[0].name` → `/spec/ports/0/name`.
pub(crate) fn pointer(path: &str) -> String {
    let mut out = String::new();
    for part in split_path(path) {
        out.push('/');
        out.push_str(&part.replace('~', "~0").replace('/', "~1"));
    }
    out
}

/// `spec.ports[0].name` → `["spec", "ports", "0", "name"]`; keys may contain dots only as the last
/// segment of a label or annotation map, which callers pass whole.
fn split_path(path: &str) -> Vec<String> {
    let mut parts = Vec::new();
    for (i, segment) in path.split('.').enumerate() {
        if segment.is_empty() {
            continue;
        }
        // Label keys such as `kubernetes.io/metadata.name` contain dots: keep the rest together.
        if segment.contains('/')
            || (i > 0
                && parts.last().is_some_and(|p: &String| {
                    p == "labels" || p == "annotations" || p == "matchLabels"
                }))
        {
            let rest: Vec<&str> = path.split('.').skip(i).collect();
            parts.push(rest.join("."));
            return parts;
        }
        let mut rest = segment;
        while let Some(open) = rest.find('[') {
            if open > 0 {
                parts.push(rest[..open].to_owned());
            }
            let close = rest[open..]
                .find(']')
                .map(|c| open + c)
                .unwrap_or(rest.len());
            parts.push(rest[open + 1..close].to_owned());
            rest = rest.get(close + 1..).unwrap_or_default();
        }
        if !rest.is_empty() {
            parts.push(rest.to_owned());
        }
    }
    parts
}

fn at_mut<'v>(value: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    if path.is_empty() {
        return Some(value);
    }
    value.pointer_mut(&pointer(path))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn what_a_cluster_adds_is_removed() {
        let read = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "uid": "1", "resourceVersion": "7", "generation": 2,
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "team": "a"}},
            "spec": {"revisionHistoryLimit": 10, "replicas": 2, "template": {
                "metadata": {"creationTimestamp": null, "labels": {"app": "web"}},
                "spec": {"restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "containers": [{
                    "name": "web", "image": "nginx:1.27", "imagePullPolicy": "IfNotPresent",
                    "terminationMessagePath": "/dev/termination-log",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "resources": {"limits": {"cpu": 1}}}]}}},
            "status": {"replicas": 2}
        });
        let (clean, dropped) = clean(&read, Defaults::Remove);
        assert_eq!(
            clean,
            json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "annotations": {"team": "a"}},
                "spec": {"replicas": 2, "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                        "ports": [{"containerPort": 80}], "resources": {"limits": {"cpu": "1"}}}]}}}
            })
        );
        assert!(dropped.contains(&"status".to_owned()));
        assert!(dropped.contains(
            &"metadata.annotations.kubectl.kubernetes.io/last-applied-configuration".to_owned()
        ));
    }

    #[test]
    fn paths_become_pointers() {
        assert_eq!(pointer("spec.ports[0].name"), "/spec/ports/0/name");
        assert_eq!(
            pointer("metadata.labels.kubernetes.io/metadata.name"),
            "/metadata/labels/kubernetes.io~1metadata.name"
        );
    }
}
