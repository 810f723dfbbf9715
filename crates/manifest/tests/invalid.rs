//! Table tests: invalid specs and the exact `{path, message}` each must produce.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kubechart_manifest::{FieldError, RenderError, RenderOptions, parse_spec, render};

const BASE: &str = r#"
name: shop
namespace: shop
workloads:
  - name: web
    containers:
      - name: web
        image: nginx:1.27
        ports:
          - name: http
            containerPort: 8080
services:
  - ports:
      - port: 80
        targetPort: http
"#;

/// Renders BASE with `extra` merged in (JSON merge patch written as YAML) and returns the errors.
fn errors_for(patch: &str) -> Vec<FieldError> {
    let mut spec: serde_json::Value = serde_saphyr::from_str(BASE).unwrap();
    let patch: serde_json::Value = serde_saphyr::from_str(patch).unwrap();
    merge(&mut spec, &patch);
    let spec = kubechart_manifest::spec::AppSpec::deserialize_value(spec);
    match render(&spec, &RenderOptions::default()) {
        Err(RenderError::Invalid(errors)) => errors,
        other => panic!("expected invalid, got {other:?}"),
    }
}

trait FromValue {
    fn deserialize_value(value: serde_json::Value) -> Self;
}

impl FromValue for kubechart_manifest::AppSpec {
    fn deserialize_value(value: serde_json::Value) -> Self {
        kubechart_manifest::spec_from_value(value).unwrap()
    }
}

fn merge(target: &mut serde_json::Value, patch: &serde_json::Value) {
    match (target, patch) {
        (serde_json::Value::Object(t), serde_json::Value::Object(p)) => {
            for (k, v) in p {
                merge(t.entry(k.clone()).or_insert(serde_json::Value::Null), v);
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

#[test]
fn base_spec_is_valid() {
    render(&parse_spec(BASE).unwrap(), &RenderOptions::default()).unwrap();
}

#[test]
fn each_invalid_spec_reports_its_field_path_and_message() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "name: Shop",
            "name",
            "'Shop' must consist of lowercase letters, digits and '-', and start and end with a letter or digit",
        ),
        (
            "labels: {'team/a/b': x}",
            "labels.team/a/b",
            "'team/a/b' may contain at most one '/'",
        ),
        (
            "labels: {tier: 'front end'}",
            "labels.tier",
            "'front end' must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
        ),
        (
            "workloads: [{name: web, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 70000}]}]}]",
            "workloads[0].containers[0].ports[0].containerPort",
            "70000 must be between 1 and 65535",
        ),
        (
            "workloads: [{name: web, containers: [{name: web, image: nginx, ports: [{name: HTTP_PORT, containerPort: 80}]}]}]",
            "workloads[0].containers[0].ports[0].name",
            "'HTTP_PORT' must be lowercase letters, digits and single '-' (not at either end) with at least one letter",
        ),
        (
            "workloads: [{name: web, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 80}]}, {name: web, image: nginx}]}]",
            "workloads[0].containers[1].name",
            "'web' is already used by workloads[0].containers[0]",
        ),
        (
            "workloads: [{name: web, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 80}], resources: {requests: {cpu: '2'}, limits: {cpu: 500m}}}]}]",
            "workloads[0].containers[0].resources.requests.cpu",
            "request 2 is more than the limit 500m",
        ),
        (
            "workloads: [{name: web, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 80}], resources: {limits: {memory: 1GB}}}]}]",
            "workloads[0].containers[0].resources.limits.memory",
            "'1GB' is not a quantity (examples: 500m, 2, 1.5, 256Mi, 10Gi, 1e3)",
        ),
        (
            "workloads: [{name: backup, kind: CronJob, cronJob: {schedule: '61 * * * *'}, containers: [{name: b, image: busybox}]}]\nservices: []",
            "workloads[0].cronJob.schedule",
            "minute field '61': 61 is outside 0-59",
        ),
        (
            "workloads: [{name: once, kind: Job, restartPolicy: Always, containers: [{name: b, image: busybox}]}]\nservices: []",
            "workloads[0].restartPolicy",
            "a Job's pods must use OnFailure or Never",
        ),
        (
            "workloads: [{name: web, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 80}], env: [{name: 1PASSWORD, value: x}]}]}]",
            "workloads[0].containers[0].env[0].name",
            "'1PASSWORD' must be letters, digits, '_', '-' or '.', and must not start with a digit",
        ),
        (
            "services: [{ports: [{port: 80, targetPort: web}]}]",
            "services[0].ports[0].targetPort",
            "workload 'web' has no container port named 'web'",
        ),
        (
            "workloads: [{name: web, replicas: 2, autoscaling: {maxReplicas: 5, cpuUtilization: 70}, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}], resources: {requests: {cpu: 100m}}}]}]",
            "workloads[0].replicas",
            "the autoscaler sets the replicas; leave this empty",
        ),
        (
            "workloads: [{name: web, autoscaling: {maxReplicas: 5, cpuUtilization: 70}, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]}]",
            "workloads[0].autoscaling.cpuUtilization",
            "container 'web' has no cpu request to measure utilization against",
        ),
        (
            "workloads: [{name: web, autoscaling: {minReplicas: 6, maxReplicas: 5, memoryUtilization: 80}, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}], resources: {requests: {memory: 64Mi}}}]}]",
            "workloads[0].autoscaling.minReplicas",
            "6 is more than maxReplicas (5)",
        ),
        (
            "workloads: [{name: web, kind: Job, autoscaling: {maxReplicas: 5, cpuUtilization: 70}, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}], resources: {requests: {cpu: 1}}}]}]\nservices: []",
            "workloads[0].autoscaling",
            "a Job cannot be autoscaled; only Deployments and StatefulSets",
        ),
        (
            "workloads: [{name: web, disruptionBudget: {minAvailable: 1, maxUnavailable: 1}, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]}]",
            "workloads[0].disruptionBudget.maxUnavailable",
            "set minAvailable or maxUnavailable, not both",
        ),
        (
            "workloads: [{name: web, disruptionBudget: {maxUnavailable: 150%}, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]}]",
            "workloads[0].disruptionBudget.maxUnavailable",
            "'150%' must be a non-negative number or a percentage like 25%",
        ),
        (
            "workloads: [{name: web, kind: DaemonSet, replicas: 2, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]}]",
            "workloads[0].replicas",
            "a DaemonSet has no replicas",
        ),
        (
            "workloads: [{name: web, kind: DaemonSet, strategy: {type: Recreate}, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]}]",
            "workloads[0].strategy.type",
            "a DaemonSet does not support Recreate",
        ),
        (
            "ingresses: [{rules: [{paths: [{path: /, port: 81}]}]}]",
            "ingresses[0].rules[0].paths[0].port",
            "Service 'web' has no port 81; its ports: http (80)",
        ),
        (
            "httpRoutes: [{parents: [{name: gw}], rules: [{backends: [{port: metrics}]}]}]",
            "httpRoutes[0].rules[0].backends[0].port",
            "Service 'web' has no port named or numbered 'metrics'; its ports: http (80)",
        ),
        (
            "ingresses: [{rules: [{host: '*.*.example.com', paths: [{path: /}]}]}]",
            "ingresses[0].rules[0].host",
            "'*.*.example.com': a wildcard is only allowed as the whole first label ('*.example.com')",
        ),
        (
            "ingresses: [{rules: [{host: shop.example.com, paths: [{path: shop, pathType: Prefix}]}]}]",
            "ingresses[0].rules[0].paths[0].path",
            "'shop' must start with '/'",
        ),
        (
            "ingresses: [{rules: [{paths: [{path: /}]}], tls: {secretName: shop-tls}}]",
            "ingresses[0].tls",
            "TLS needs at least one rule with a host",
        ),
        (
            "rateLimits: [{requests: 10}]",
            "rateLimits[0].route",
            "rate limiting needs an HTTPRoute: add one under httpRoutes",
        ),
        (
            "workloads: [{name: web, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 80}], volumeMounts: [{source: persistentVolumeClaim, name: data, mountPath: /data}]}]}]",
            "workloads[0].containers[0].volumeMounts[0].name",
            "no PersistentVolumeClaim 'data' in persistentVolumeClaims",
        ),
        (
            "workloads: [{name: web, containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 80}], readinessProbe: {httpGet: {port: admin}}}]}]",
            "workloads[0].containers[0].readinessProbe.httpGet.port",
            "container 'web' has no port named 'admin'",
        ),
        (
            "workloads: [{name: db, kind: StatefulSet, containers: [{name: db, image: postgres, ports: [{name: http, containerPort: 80}]}]}]\nservices: []",
            "workloads[0].statefulSet.serviceName",
            "a StatefulSet needs a governing Service: add a Headless Service for this workload or name one",
        ),
        (
            "certificates: [{name: cert, issuer: {name: le}}]",
            "certificates[0].dnsNames",
            "no DNS names: list them, or use the certificate from an Ingress TLS or an HTTPRoute with hosts",
        ),
        (
            "networkPolicies: [{name: np, ingress: [{peers: [{cidr: 10.0.0.0/8, podLabels: {a: b}}]}]}]",
            "networkPolicies[0].ingress[0].peers[0]",
            "a CIDR peer cannot also select pods or namespaces",
        ),
        (
            "roles: [{name: r, rules: [{resources: [pods], verbs: [get]}]}]",
            "roles[0].rules[0].apiGroups",
            "resource rules need at least one API group (\"\" is the core group)",
        ),
        (
            "clusterRoleBindings: [{name: b, role: {kind: Role, name: r}, subjects: [{name: sa}]}]",
            "clusterRoleBindings[0].role.kind",
            "a ClusterRoleBinding can only grant a ClusterRole",
        ),
        (
            "configMaps: [{name: cfg, data: {A: '1'}, dotenv: \"A=2\\nbad line\\n\"}]",
            "configMaps[0].dotenv",
            "line 2: expected KEY=value",
        ),
        (
            "overrides: [{kind: Deployment, name: web, patch: {spec: {selector: {matchLabels: {app: other}}}}}]",
            "overrides[0].patch",
            "spec.selector.matchLabels.app: does not match the pod template labels",
        ),
        (
            "overrides: [{kind: Deployment, name: web, patch: {spec: {replicaz: 3}}}]",
            "overrides[0].patch",
            "Deployment has no field .spec.replicaz",
        ),
        (
            "overrides: [{kind: Ingress, name: web, patch: {}}]",
            "overrides[0].name",
            "this application renders no Ingress named 'web'",
        ),
    ];
    let mut failures = Vec::new();
    for (patch, path, message) in cases {
        let errors = errors_for(patch);
        let wanted = FieldError {
            path: (*path).to_owned(),
            message: (*message).to_owned(),
        };
        if !errors.contains(&wanted) {
            failures.push(format!("{patch}\n  wanted {wanted}\n  got    {errors:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn all_problems_are_reported_at_once() {
    let errors = errors_for(
        "name: Bad_Name\nnamespace: -x\nservices: [{ports: [{port: 0, targetPort: nope}]}]",
    );
    let paths: Vec<_> = errors.iter().map(|e| e.path.as_str()).collect();
    for wanted in [
        "name",
        "namespace",
        "services[0].ports[0].port",
        "services[0].ports[0].targetPort",
    ] {
        assert!(paths.contains(&wanted), "{wanted} missing from {paths:?}");
    }
}

#[test]
fn parse_errors_carry_the_field_path() {
    let error =
        parse_spec("name: shop\nworkloads:\n  - name: web\n    replicas: many\n").unwrap_err();
    let RenderError::Parse(error) = error else {
        panic!("expected a parse error")
    };
    assert_eq!(error.path, "workloads[0].replicas");
    let unknown =
        parse_spec("{\"name\": \"shop\", \"workloads\": [{\"name\": \"w\", \"replica\": 1}]}")
            .unwrap_err();
    let RenderError::Parse(unknown) = unknown else {
        panic!("expected a parse error")
    };
    assert_eq!(unknown.path, "workloads[0].replica");
    assert!(
        unknown.message.contains("unknown field `replica`"),
        "{}",
        unknown.message
    );
}

#[test]
fn a_missing_required_field_is_reported_at_its_own_path() {
    let parse_error = |text: &str| match parse_spec(text).unwrap_err() {
        RenderError::Parse(error) => error,
        other => panic!("expected a parse error, got {other:?}"),
    };
    assert_eq!(
        parse_error("namespace: shop\n"),
        FieldError::new("name", "is required")
    );
    assert_eq!(
        parse_error("name: shop\nworkloads:\n  - kind: Job\n"),
        FieldError::new("workloads[0].name", "is required")
    );
    assert_eq!(
        parse_error("name: shop\nservices:\n  - ports: [{port: 80}]\n"),
        FieldError::new("services[0].ports[0].targetPort", "is required")
    );
    assert_eq!(
        parse_error("name: shop\nworkloads: [{name: w, containers: [{name: c}]}]\n").to_string(),
        "workloads[0].containers[0].image: is required"
    );
}

#[test]
fn a_service_port_is_referred_to_by_name_or_number() {
    for port in ["http", "80", "\"80\""] {
        let text = format!(
            "{BASE}ingresses: [{{rules: [{{paths: [{{path: /, port: {port}}}]}}]}}]\nhttpRoutes: [{{parents: [{{name: gw}}], rules: [{{backends: [{{port: {port}}}]}}]}}]\n"
        );
        let rendered = render(&parse_spec(&text).unwrap(), &RenderOptions::default())
            .unwrap_or_else(|e| panic!("port {port}: {e}"));
        let ingress = rendered
            .manifests
            .iter()
            .find(|m| m["kind"] == "Ingress")
            .unwrap();
        let backend =
            &ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"];
        // A number stays a number, as written; a name (or "80", the port known by its number) is the name.
        let expected = if port == "80" {
            serde_json::json!({"number": 80})
        } else {
            serde_json::json!({"name": "http"})
        };
        assert_eq!(backend, &expected, "port {port}");
        let route = rendered
            .manifests
            .iter()
            .find(|m| m["kind"] == "HTTPRoute")
            .unwrap();
        assert_eq!(
            route["spec"]["rules"][0]["backendRefs"][0]["port"], 80,
            "port {port}"
        );
    }
}

#[test]
fn closed_sets_accept_only_their_values_at_the_field() {
    let parse_error = |text: &str| match parse_spec(text).unwrap_err() {
        RenderError::Parse(error) => error,
        other => panic!("expected a parse error, got {other:?}"),
    };
    let error = parse_error(
        "name: shop\npersistentVolumeClaims: [{name: data, size: 1Gi, accessModes: [ReadWriteSometimes]}]\n",
    );
    assert_eq!(error.path, "persistentVolumeClaims[0].accessModes[0]");
    assert!(
        error
            .message
            .contains("unknown variant `ReadWriteSometimes`")
            && error.message.contains("ReadWriteOncePod"),
        "{error}"
    );
    let error = parse_error(
        "name: shop\nworkloads: [{name: w, tolerations: [{operator: exists}], containers: [{name: c, image: i}]}]\n",
    );
    assert_eq!(error.path, "workloads[0].tolerations[0].operator");
    let error = parse_error(
        "name: shop\nworkloads: [{name: w, tolerations: [{key: k, effect: NoRun}], containers: [{name: c, image: i}]}]\n",
    );
    assert_eq!(error.path, "workloads[0].tolerations[0].effect");
    assert!(error.message.contains("PreferNoSchedule"), "{error}");
}
