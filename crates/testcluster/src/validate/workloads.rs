//! Spec validation of the built-in kinds: pod templates, workload selectors, services, claims,
//! ingresses, RBAC bindings.

use serde_json::{Value, json};

use super::meta::labels;
use super::names::{label_name_errors, port_name_errors};
use crate::selectors::LabelSelector;
use crate::status::Cause;

fn ptr<'a>(v: &'a Value, p: &str) -> Option<&'a Value> {
    v.pointer(p).filter(|x| !x.is_null())
}

fn port_range(causes: &mut Vec<Cause>, field: String, v: Option<&Value>) {
    if let Some(n) = v.and_then(Value::as_i64)
        && !(1..=65535).contains(&n)
    {
        causes.push(Cause::invalid(
            field,
            &json!(n),
            "must be between 1 and 65535, inclusive",
        ));
    }
}

fn containers(causes: &mut Vec<Cause>, spec: &Value, field: &str, key: &str, required: bool) {
    let list = spec.get(key).and_then(Value::as_array);
    if required && list.is_none_or(Vec::is_empty) {
        causes.push(Cause::required(format!("{field}.{key}")));
        return;
    }
    let mut seen = Vec::new();
    for (i, c) in list.into_iter().flatten().enumerate() {
        let f = format!("{field}.{key}[{i}]");
        match c["name"].as_str().filter(|n| !n.is_empty()) {
            None => causes.push(Cause::required(format!("{f}.name"))),
            Some(n) => {
                for e in label_name_errors(n) {
                    causes.push(Cause::invalid(format!("{f}.name"), &json!(n), e));
                }
                if seen.contains(&n) {
                    causes.push(Cause::duplicate(format!("{f}.name"), &json!(n)));
                }
                seen.push(n);
            }
        }
        if c["image"].as_str().is_none_or(|s| s.trim().is_empty()) {
            causes.push(Cause::required(format!("{f}.image")));
        }
        for (j, p) in c["ports"].as_array().into_iter().flatten().enumerate() {
            let pf = format!("{f}.ports[{j}]");
            if p.get("containerPort").is_none() {
                causes.push(Cause::required(format!("{pf}.containerPort")));
            }
            port_range(
                causes,
                format!("{pf}.containerPort"),
                p.get("containerPort"),
            );
            if let Some(name) = p["name"].as_str() {
                for e in port_name_errors(name) {
                    causes.push(Cause::invalid(format!("{pf}.name"), &json!(name), e));
                }
            }
            if let Some(proto) = p["protocol"].as_str()
                && !["TCP", "UDP", "SCTP"].contains(&proto)
            {
                causes.push(Cause::not_supported(
                    format!("{pf}.protocol"),
                    &json!(proto),
                    &["SCTP", "TCP", "UDP"],
                ));
            }
        }
        for (j, e) in c["env"].as_array().into_iter().flatten().enumerate() {
            if e["name"].as_str().is_none_or(str::is_empty) {
                causes.push(Cause::required(format!("{f}.env[{j}].name")));
            }
        }
    }
}

/// Validates a pod spec; `claim_templates` are volume names a StatefulSet provides from its
/// volumeClaimTemplates, which its containers may mount without a matching entry in `volumes`.
fn pod_spec(
    causes: &mut Vec<Cause>,
    spec: &Value,
    field: &str,
    restart: &[&str],
    claim_templates: &[&str],
) {
    containers(causes, spec, field, "containers", true);
    containers(causes, spec, field, "initContainers", false);
    if let Some(rp) = spec["restartPolicy"].as_str()
        && !restart.contains(&rp)
    {
        causes.push(Cause::not_supported(
            format!("{field}.restartPolicy"),
            &json!(rp),
            restart,
        ));
    }
    let mut vols = Vec::new();
    for (i, v) in spec["volumes"].as_array().into_iter().flatten().enumerate() {
        match v["name"].as_str() {
            None => causes.push(Cause::required(format!("{field}.volumes[{i}].name"))),
            Some(n) if vols.contains(&n) => causes.push(Cause::duplicate(
                format!("{field}.volumes[{i}].name"),
                &json!(n),
            )),
            Some(n) => vols.push(n),
        }
    }
    for (ci, c) in spec["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        for (mi, m) in c["volumeMounts"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let n = m["name"].as_str().unwrap_or_default();
            if !vols.contains(&n) && !claim_templates.contains(&n) {
                causes.push(Cause::not_found(
                    format!("{field}.containers[{ci}].volumeMounts[{mi}].name"),
                    &json!(n),
                ));
            }
        }
    }
}

/// Selector required, non-empty, matching the template's labels.
fn selector_matches_template(
    causes: &mut Vec<Cause>,
    kind: &str,
    obj: &Value,
    template_path: &str,
) {
    let Some(sel) = ptr(obj, "/spec/selector") else {
        causes.push(Cause::required("spec.selector"));
        return;
    };
    let tpl_labels = obj.pointer(&format!("{template_path}/metadata/labels"));
    let field_base = template_path.trim_start_matches('/').replace('/', ".");
    causes.extend(labels(tpl_labels, &format!("{field_base}.metadata.labels")));
    match LabelSelector::from_object(sel) {
        Err(e) => causes.push(Cause::invalid("spec.selector", sel, e)),
        Ok(s) if s.is_empty() => causes.push(Cause::invalid(
            "spec.selector",
            sel,
            format!("empty selector is invalid for {}", kind.to_lowercase()),
        )),
        Ok(s) if !s.matches(tpl_labels.and_then(Value::as_object)) => causes.push(Cause::invalid(
            format!("{field_base}.metadata.labels"),
            tpl_labels.unwrap_or(&json!({})),
            "`selector` does not match template `labels`",
        )),
        Ok(_) => {}
    }
}

fn non_negative(causes: &mut Vec<Cause>, obj: &Value, pointer: &str) {
    if let Some(n) = obj.pointer(pointer).and_then(Value::as_i64)
        && n < 0
    {
        causes.push(Cause::invalid(
            pointer.trim_start_matches('/').replace('/', "."),
            &json!(n),
            "must be greater than or equal to 0",
        ));
    }
}

fn service(causes: &mut Vec<Cause>, obj: &Value) {
    let spec = &obj["spec"];
    let ty = spec["type"].as_str().unwrap_or("ClusterIP");
    if !["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].contains(&ty) {
        causes.push(Cause::not_supported(
            "spec.type",
            &json!(ty),
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        ));
    }
    let ports = spec["ports"].as_array();
    let headless = spec["clusterIP"].as_str() == Some("None");
    if ty != "ExternalName" && !headless && ports.is_none_or(Vec::is_empty) {
        causes.push(Cause::required("spec.ports"));
    }
    let ports = ports.cloned().unwrap_or_default();
    let mut names = Vec::new();
    for (i, p) in ports.iter().enumerate() {
        let f = format!("spec.ports[{i}]");
        match p["name"].as_str() {
            None if ports.len() > 1 => causes.push(Cause::required(format!("{f}.name"))),
            Some(n) if names.contains(&n) => {
                causes.push(Cause::duplicate(format!("{f}.name"), &json!(n)))
            }
            Some(n) => names.push(n),
            None => {}
        }
        if p.get("port").is_none() {
            causes.push(Cause::required(format!("{f}.port")));
        }
        port_range(causes, format!("{f}.port"), p.get("port"));
        port_range(
            causes,
            format!("{f}.targetPort"),
            p.get("targetPort").filter(|t| t.is_number()),
        );
        if p.get("nodePort").is_some() && !["NodePort", "LoadBalancer"].contains(&ty) {
            causes.push(Cause::forbidden(
                format!("{f}.nodePort"),
                "may not be used when `type` is 'ClusterIP'",
            ));
        }
    }
    if ty == "ExternalName" && spec["externalName"].as_str().is_none_or(str::is_empty) {
        causes.push(Cause::required("spec.externalName"));
    }
}

fn quantity_present(obj: &Value, pointer: &str) -> bool {
    obj.pointer(pointer)
        .is_some_and(|q| q.is_string() || q.is_number())
}

/// Validates the spec of a built-in kind.
pub fn validate(kind: &str, obj: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    match kind {
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => {
            selector_matches_template(&mut causes, kind, obj, "/spec/template");
            non_negative(&mut causes, obj, "/spec/replicas");
            let claim_templates: Vec<&str> = obj["spec"]["volumeClaimTemplates"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|claim| claim["metadata"]["name"].as_str())
                .collect();
            pod_spec(
                &mut causes,
                &obj["spec"]["template"]["spec"],
                "spec.template.spec",
                &["Always"],
                &claim_templates,
            );
        }
        "Job" => {
            let spec = &obj["spec"]["template"]["spec"];
            pod_spec(
                &mut causes,
                spec,
                "spec.template.spec",
                &["OnFailure", "Never"],
                &[],
            );
            non_negative(&mut causes, obj, "/spec/backoffLimit");
            non_negative(&mut causes, obj, "/spec/parallelism");
        }
        "CronJob" => {
            match obj["spec"]["schedule"].as_str() {
                None | Some("") => causes.push(Cause::required("spec.schedule")),
                Some(s) if !super::crds::valid_cron(s) => causes.push(Cause::invalid(
                    "spec.schedule",
                    &json!(s),
                    format!("unparseable schedule: {s:?}"),
                )),
                Some(_) => {}
            }
            let spec = &obj["spec"]["jobTemplate"]["spec"]["template"]["spec"];
            pod_spec(
                &mut causes,
                spec,
                "spec.jobTemplate.spec.template.spec",
                &["OnFailure", "Never"],
                &[],
            );
        }
        "Pod" => pod_spec(
            &mut causes,
            &obj["spec"],
            "spec",
            &["Always", "OnFailure", "Never"],
            &[],
        ),
        "Service" => service(&mut causes, obj),
        "ConfigMap" | "Secret" => {
            for field in ["data", "binaryData", "stringData"] {
                for k in obj[field].as_object().into_iter().flatten().map(|(k, _)| k) {
                    if k.is_empty()
                        || !k
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
                    {
                        causes.push(Cause::invalid(field.to_string(), &json!(k), "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
                    }
                }
            }
        }
        "PersistentVolumeClaim" => {
            if obj["spec"]["accessModes"]
                .as_array()
                .is_none_or(Vec::is_empty)
            {
                causes.push(Cause {
                    reason: "FieldValueRequired",
                    field: "spec.accessModes".into(),
                    message: "Required value: at least 1 access mode is required".into(),
                });
            }
            if !quantity_present(obj, "/spec/resources/requests/storage") {
                causes.push(Cause::required("spec.resources[storage]"));
            }
        }
        "PersistentVolume" if !quantity_present(obj, "/spec/capacity/storage") => {
            causes.push(Cause::required("spec.capacity"));
        }
        "Ingress" => {
            for (i, r) in obj["spec"]["rules"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                for (j, p) in r
                    .pointer("/http/paths")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let f = format!("spec.rules[{i}].http.paths[{j}]");
                    let pt = p["pathType"].as_str().unwrap_or_default();
                    if !["Exact", "Prefix", "ImplementationSpecific"].contains(&pt) {
                        causes.push(Cause::not_supported(
                            format!("{f}.pathType"),
                            &json!(pt),
                            &["Exact", "ImplementationSpecific", "Prefix"],
                        ));
                    }
                    if pt != "ImplementationSpecific"
                        && !p["path"].as_str().is_some_and(|s| s.starts_with('/'))
                    {
                        causes.push(Cause::invalid(
                            format!("{f}.path"),
                            &p["path"],
                            "must be an absolute path",
                        ));
                    }
                    if p.pointer("/backend/service/name").is_none()
                        && p.pointer("/backend/resource").is_none()
                    {
                        causes.push(Cause::required(format!("{f}.backend")));
                    }
                }
            }
        }
        "RoleBinding" | "ClusterRoleBinding" => {
            let role = &obj["roleRef"];
            if role["name"].as_str().is_none_or(str::is_empty) {
                causes.push(Cause::required("roleRef.name"));
            }
            match role["kind"].as_str() {
                Some("ClusterRole") => {}
                Some("Role") if kind == "RoleBinding" => {}
                other => causes.push(Cause::not_supported(
                    "roleRef.kind",
                    &json!(other.unwrap_or_default()),
                    &["ClusterRole", "Role"],
                )),
            }
            for (i, s) in obj["subjects"].as_array().into_iter().flatten().enumerate() {
                let sk = s["kind"].as_str().unwrap_or_default();
                if !["ServiceAccount", "User", "Group"].contains(&sk) {
                    causes.push(Cause::not_supported(
                        format!("subjects[{i}].kind"),
                        &json!(sk),
                        &["Group", "ServiceAccount", "User"],
                    ));
                }
                if s["name"].as_str().is_none_or(str::is_empty) {
                    causes.push(Cause::required(format!("subjects[{i}].name")));
                }
            }
        }
        "NetworkPolicy" if ptr(obj, "/spec/podSelector").is_none() => {
            causes.push(Cause::required("spec.podSelector"));
        }
        _ => {}
    }
    causes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statefulset(mount: &str) -> Value {
        json!({
            "spec": {
                "selector": {"matchLabels": {"app": "db"}},
                "serviceName": "db",
                "template": {
                    "metadata": {"labels": {"app": "db"}},
                    "spec": {"containers": [{"name": "db", "image": "postgres:17",
                        "volumeMounts": [{"name": mount, "mountPath": "/data"}]}]}
                },
                "volumeClaimTemplates": [{"metadata": {"name": "data"}}]
            }
        })
    }

    /// kube-apiserver accepts StatefulSet containers mounting a volumeClaimTemplate by name.
    #[test]
    fn statefulset_mounts_may_name_claim_templates() {
        assert!(validate("StatefulSet", &statefulset("data")).is_empty());
        let causes = validate("StatefulSet", &statefulset("missing"));
        assert_eq!(causes.len(), 1, "{causes:?}");
    }
}
