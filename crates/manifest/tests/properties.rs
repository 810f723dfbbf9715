//! Property tests: generated valid specs always render with resolved cross-references and survive
//! importing their own rendering; arbitrary strings and arbitrary JSON never panic and never change
//! meaning on the way through YAML.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kubechart_manifest::import::{ImportOptions, import_text};
use kubechart_manifest::{AppSpec, RenderOptions, render, spec_from_value};
use proptest::prelude::*;
use serde_json::{Value, json};

const KINDS: [&str; 6] = [
    "Deployment",
    "StatefulSet",
    "Job",
    "CronJob",
    "Pod",
    "ReplicaSet",
];

/// A valid spec: 1-3 workloads of any kind, each with named ports, a Service per long-running
/// workload, and optionally an Ingress with a Certificate and an HTTPRoute with a rate limit.
fn valid_spec() -> impl Strategy<Value = Value> {
    (
        "[a-z][a-z0-9]{0,12}",
        prop::collection::vec((0usize..6, 1i64..65535, 0i32..5), 1..4),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(name, workloads, ingress, route)| {
            let mut services = Vec::new();
            let mut spec_workloads = Vec::new();
            for (i, (kind, port, replicas)) in workloads.iter().enumerate() {
                let kind = KINDS[*kind];
                let workload_name = format!("w{i}");
                let mut w = json!({
                    "name": workload_name, "kind": kind,
                    "containers": [{"name": "main", "image": "nginx:1.27", "ports": [{"name": "http", "containerPort": port}]}],
                });
                match kind {
                    "Deployment" | "ReplicaSet" => w["replicas"] = json!(replicas),
                    "StatefulSet" => {
                        w["replicas"] = json!(replicas);
                        services.push(json!({"name": format!("{workload_name}-headless"), "type": "Headless", "workload": workload_name, "ports": [{"port": 80, "targetPort": "http"}]}));
                    }
                    "CronJob" => w["cronJob"] = json!({"schedule": "*/5 * * * *"}),
                    _ => {}
                }
                if !matches!(kind, "Job" | "CronJob" | "Pod") {
                    services.push(json!({"name": format!("svc{i}"), "workload": workload_name, "ports": [{"port": 8080, "targetPort": "http"}]}));
                }
                spec_workloads.push(w);
            }
            let mut spec = json!({"name": name, "namespace": "prop", "workloads": spec_workloads, "services": services});
            let web_service = services_named(&spec).into_iter().find(|s| !s.ends_with("-headless"));
            if let Some(service) = web_service {
                if ingress {
                    spec["ingresses"] = json!([{"rules": [{"host": "app.example.com", "paths": [{"path": "/", "service": service}]}], "tls": {"certificate": "app-cert"}}]);
                    spec["certificates"] = json!([{"name": "app-cert", "issuer": {"name": "le"}}]);
                }
                if route {
                    spec["httpRoutes"] = json!([{"parents": [{"name": "gw"}], "hostnames": ["api.example.com"], "rules": [{"backends": [{"service": service, "weight": 1}]}]}]);
                    spec["rateLimits"] = json!([{"requests": 100}]);
                }
            }
            spec
        })
}

fn services_named(spec: &Value) -> Vec<String> {
    spec["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

fn find<'a>(manifests: &'a [Value], kind: &str, name: &str) -> Option<&'a Value> {
    manifests
        .iter()
        .find(|m| m["kind"] == kind && m["metadata"]["name"] == name)
}

fn pod_labels(workload: &Value) -> &Value {
    match workload["kind"].as_str() {
        Some("Pod") => &workload["metadata"]["labels"],
        Some("CronJob") => {
            &workload["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
        }
        _ => &workload["spec"]["template"]["metadata"]["labels"],
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn valid_specs_render_with_resolved_references(value in valid_spec()) {
        let spec: AppSpec = spec_from_value(value).unwrap();
        let rendered = render(&spec, &RenderOptions::default()).unwrap();
        let back: Vec<Value> = serde_saphyr::from_multiple(&rendered.yaml).unwrap();
        prop_assert_eq!(&back, &rendered.manifests);
        let m = &rendered.manifests;
        for object in m {
            prop_assert_eq!(&object["metadata"]["labels"]["app.kubernetes.io/managed-by"], "kubechart");
            if let Some(selector) = object["spec"]["selector"]["matchLabels"].as_object() {
                for (key, value) in selector {
                    prop_assert_eq!(&pod_labels(object)[key], value, "selector of {} does not match its pods", object["metadata"]["name"]);
                }
            }
        }
        for service in m.iter().filter(|o| o["kind"] == "Service") {
            let selector = service["spec"]["selector"].as_object().unwrap();
            let selected: Vec<_> = m.iter().filter(|o| selector.iter().all(|(k, v)| pod_labels(o).get(k) == Some(v))).collect();
            prop_assert_eq!(selected.len(), 1, "Service {} selects {} workloads", service["metadata"]["name"], selected.len());
            let ports = selected[0].pointer("/spec/template/spec/containers/0/ports").or_else(|| selected[0].pointer("/spec/containers/0/ports")).unwrap();
            for port in service["spec"]["ports"].as_array().unwrap() {
                prop_assert!(ports.as_array().unwrap().iter().any(|p| p["name"] == port["targetPort"]));
            }
        }
        for ingress in m.iter().filter(|o| o["kind"] == "Ingress") {
            let backend = &ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"];
            let service = find(m, "Service", backend["name"].as_str().unwrap()).unwrap();
            prop_assert!(service["spec"]["ports"].as_array().unwrap().iter().any(|p| p["name"] == backend["port"]["name"]));
            let certificate = find(m, "Certificate", "app-cert").unwrap();
            prop_assert_eq!(&ingress["spec"]["tls"][0]["secretName"], &certificate["spec"]["secretName"]);
            prop_assert_eq!(&certificate["spec"]["dnsNames"], &json!(["app.example.com"]));
        }
        for policy in m.iter().filter(|o| o["kind"] == "BackendTrafficPolicy") {
            let route = find(m, "HTTPRoute", policy["spec"]["targetRefs"][0]["name"].as_str().unwrap()).unwrap();
            let backend = &route["spec"]["rules"][0]["backendRefs"][0];
            let service = find(m, "Service", backend["name"].as_str().unwrap()).unwrap();
            prop_assert!(service["spec"]["ports"].as_array().unwrap().iter().any(|p| p["port"] == backend["port"]));
        }
        for set in m.iter().filter(|o| o["kind"] == "StatefulSet") {
            let governing = find(m, "Service", set["spec"]["serviceName"].as_str().unwrap()).unwrap();
            prop_assert_eq!(&governing["spec"]["clusterIP"], "None");
        }
    }

    #[test]
    fn valid_specs_survive_importing_their_rendering(value in valid_spec()) {
        let spec: AppSpec = spec_from_value(value).unwrap();
        let rendered = render(&spec, &RenderOptions::default()).unwrap();
        let imported = import_text(&rendered.yaml, &ImportOptions::default()).unwrap();
        prop_assert_eq!(imported.report.summary.form_entries, rendered.resource_count);
        let again = render(&imported.spec, &RenderOptions::default()).unwrap();
        prop_assert_eq!(again.yaml, rendered.yaml);
    }

    #[test]
    fn free_text_fields_accept_any_string_and_survive_yaml(text in any::<String>(), key in "[a-z]{1,8}") {
        // Fields that take any text: annotation values, env values, args, command, ConfigMap and Secret values.
        let value = json!({
            "name": "app",
            "annotations": {format!("example.com/{key}"): text},
            "workloads": [{"name": "w", "containers": [{"name": "c", "image": "busybox:1.36", "args": [text, "--flag"],
                "env": [{"name": "V", "value": text}], "command": [text]}]}],
            "configMaps": [{"name": "cfg", "data": {key.clone(): text}}],
            "secrets": [{"name": "s", "data": {"k": text}}],
        });
        let rendered = render(&spec_from_value(value).unwrap(), &RenderOptions::default()).unwrap();
        let back: Vec<Value> = serde_saphyr::from_multiple(&rendered.yaml).unwrap();
        prop_assert_eq!(&back, &rendered.manifests);
        let config_map = find(&back, "ConfigMap", "cfg").unwrap();
        prop_assert_eq!(&config_map["metadata"]["annotations"][format!("example.com/{key}")], &json!(text));
        prop_assert_eq!(&config_map["data"][&key], &json!(text));
        let container = &find(&back, "Deployment", "w").unwrap()["spec"]["template"]["spec"]["containers"][0];
        prop_assert_eq!(&container["env"][0]["value"], &json!(text));
        prop_assert_eq!(&container["args"][0], &json!(text));
    }

    #[test]
    fn arbitrary_strings_anywhere_never_panic(text in any::<String>(), key in "\\PC{0,10}") {
        let value = json!({
            "name": text, "namespace": text, "instance": text,
            "labels": {key.clone(): text},
            "workloads": [{"name": text, "kind": "CronJob", "cronJob": {"schedule": text, "timeZone": text},
                "containers": [{"name": text, "image": text, "ports": [{"name": text, "containerPort": 80}],
                "resources": {"requests": {"cpu": text}, "limits": {"cpu": text}},
                "volumeMounts": [{"source": "configMap", "name": text, "mountPath": text, "subPath": text}],
                "env": [{"name": text, "fieldPath": text}]}]}],
            "configMaps": [{"name": text, "data": {key.clone(): text}, "dotenv": text}],
            "services": [{"name": text, "ports": [{"port": 80, "targetPort": text}]}],
            "ingresses": [{"rules": [{"host": text, "paths": [{"path": text}]}], "tls": {"secretName": text}}],
            "certificates": [{"name": text, "issuer": {"name": text}, "duration": text, "renewBefore": text}],
            "networkPolicies": [{"name": text, "ingress": [{"peers": [{"cidr": text}]}]}],
            "resourceQuota": {"hard": {key.clone(): text}},
            "overrides": [{"kind": text, "name": text, "patch": {"metadata": {"labels": {key.clone(): text}}}}],
        });
        let spec = spec_from_value(value).unwrap();
        if let Ok(rendered) = render(&spec, &RenderOptions::default()) {
            let back: Vec<Value> = serde_saphyr::from_multiple(&rendered.yaml).unwrap();
            prop_assert_eq!(&back, &rendered.manifests);
        }
    }

    #[test]
    fn arbitrary_json_never_panics(value in arbitrary_json()) {
        if let Ok(spec) = spec_from_value(value) {
            let _ = render(&spec, &RenderOptions::default());
            let _ = render(&spec, &RenderOptions { redact_secrets: true });
        }
    }
}

/// JSON trees whose keys are AppSpec field names, so that many of them deserialize.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "name",
        "namespace",
        "workloads",
        "kind",
        "containers",
        "image",
        "ports",
        "containerPort",
        "services",
        "targetPort",
        "port",
        "ingresses",
        "rules",
        "paths",
        "path",
        "host",
        "tls",
        "certificate",
        "certificates",
        "issuer",
        "httpRoutes",
        "parents",
        "backends",
        "rateLimits",
        "requests",
        "overrides",
        "patch",
        "volumeMounts",
        "source",
        "mountPath",
        "cronJob",
        "schedule",
        "statefulSet",
        "volumeClaimTemplates",
        "size",
        "replicas",
        "networkPolicies",
        "peers",
        "cidr",
        "secrets",
        "type",
        "registry",
        "dotenv",
        "data",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-3i64..70000).prop_map(Value::from),
        "[a-zA-Z0-9/*.:-]{0,12}".prop_map(Value::from),
        prop::sample::select(vec![
            "Deployment",
            "StatefulSet",
            "CronJob",
            "Headless",
            "claimTemplate",
            "persistentVolumeClaim",
            "Global"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..6).prop_map(|m| Value::Object(
                m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}
