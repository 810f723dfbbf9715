//! The installation: the Helm chart linted and rendered by Helm's own engine (the PyPI
//! `helm-python-sdk`, through `support/install_chart.py`) with its default values and with the main
//! options switched; the pods meet the restricted Pod Security Standard; the RBAC grants what the
//! rendered kinds need; the rendered objects apply server-side to the Kubernetes API test server;
//! the plain manifests are the chart's and apply with kubectl; KubeChart's own AppSpec renders an
//! equivalent installation that `kubechart apply` deploys; the image runs the static release binary as a non-root user; PostgreSQL is
//! reached over TLS verified against the CA bundle given with `sslrootcert`; the backups
//! `deploy/README.md` documents (pg_dump/pg_restore, SQLite's online `.backup`) restore a working
//! installation on both databases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, password_of, serve_args};
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::GroupVersionKind;
use kube::discovery::{Discovery, Scope};
use kubechart_server::serve;
use kubechart_store::testing::{TestDatabase, fresh_postgres};
use kubechart_testcluster::{Options, TestCluster};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

on_both_backends!(a_backup_taken_while_serving_restores_a_working_installation);

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run_python(arguments: &[&str]) -> Output {
    Command::new("python3")
        .args(arguments)
        .current_dir(repository())
        .output()
        .expect("python3 runs (scripts/test.sh installs helm-python-sdk)")
}

fn helper(command: &str, values: &Value) -> Output {
    run_python(&[
        "crates/server/tests/support/install_chart.py",
        command,
        &values.to_string(),
    ])
}

fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The chart's objects for `values`, release `kubechart` in namespace `kubechart`.
fn render_chart(values: &Value) -> Vec<Value> {
    stdout_json(&helper("render", values))
        .as_array()
        .unwrap()
        .clone()
}

/// Helm's refusal of `values`.
fn refusal(values: &Value) -> String {
    let output = helper("render", values);
    assert_eq!(output.status.code(), Some(2), "{values} was rendered");
    String::from_utf8(output.stderr).unwrap()
}

fn render_app_spec(path: &Path) -> Vec<Value> {
    let output = Command::new(env!("CARGO_BIN_EXE_kubechart"))
        .arg("render")
        .arg(path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_saphyr::from_multiple(&String::from_utf8(output.stdout).unwrap()).unwrap()
}

fn of_kind<'a>(objects: &'a [Value], kind: &str) -> Vec<&'a Value> {
    objects.iter().filter(|o| o["kind"] == kind).collect()
}

fn one<'a>(objects: &'a [Value], kind: &str) -> &'a Value {
    let found = of_kind(objects, kind);
    assert_eq!(found.len(), 1, "one {kind} expected in {objects:#?}");
    found[0]
}

fn kinds(objects: &[Value]) -> BTreeSet<String> {
    objects
        .iter()
        .map(|o| o["kind"].as_str().unwrap().to_string())
        .collect()
}

/// Values that run three replicas on PostgreSQL with shared keys and a disruption budget.
fn three_replicas() -> Value {
    json!({
        "replicas": 3,
        "database": {"existingSecret": "kubechart-db", "caSecret": "kubechart-db-ca"},
        "jwt": {"existingSecret": "kubechart-keys", "key": "jwt"},
        "credentialKey": {"existingSecret": "kubechart-keys", "key": "credentials"},
        "podDisruptionBudget": {"enabled": true},
    })
}

fn namespaced_rbac() -> Value {
    json!({"rbac": {"scope": "namespaces", "namespaces": ["team-a", "team-b"]}})
}

fn http_route() -> Value {
    json!({"ingress": {"enabled": false}, "httpRoute": {"enabled": true}})
}

#[test]
fn the_chart_lints_without_warnings_with_every_main_option() {
    for values in [json!({}), three_replicas(), namespaced_rbac(), http_route()] {
        let report = stdout_json(&helper("lint", &values));
        assert_eq!(report["total_charts_linted"], 1, "{report}");
        assert_eq!(report["errors"], json!([]), "{values}: {report}");
        let serious: Vec<&Value> = report["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["severity"].as_i64().unwrap() >= 2)
            .collect();
        assert!(serious.is_empty(), "{values}: {serious:#?}");
    }
}

#[test]
fn the_pods_meet_the_restricted_pod_security_standard() {
    for values in [json!({}), three_replicas()] {
        let objects = render_chart(&values);
        let pod = &one(&objects, "Deployment")["spec"]["template"]["spec"];
        assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
        assert_eq!(pod["securityContext"]["runAsUser"], 65532);
        assert_eq!(
            pod["securityContext"]["seccompProfile"]["type"],
            "RuntimeDefault"
        );
        let containers = pod["containers"].as_array().unwrap();
        assert_eq!(containers.len(), 1);
        let container = &containers[0];
        let security = &container["securityContext"];
        assert_eq!(security["runAsNonRoot"], true);
        assert_eq!(security["readOnlyRootFilesystem"], true);
        assert_eq!(security["allowPrivilegeEscalation"], false);
        assert_eq!(security["capabilities"], json!({"drop": ["ALL"]}));
        assert!(security.get("privileged").is_none());
        // The writable paths are emptyDirs (no hostPath, no writable root).
        let mounts: BTreeSet<&str> = container["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["readOnly"] != true)
            .map(|m| m["mountPath"].as_str().unwrap())
            .collect();
        assert_eq!(mounts, BTreeSet::from(["/tmp", "/var/lib/kubechart"]));
        for volume in pod["volumes"].as_array().unwrap() {
            assert!(volume.get("hostPath").is_none(), "{volume}");
        }
        assert_eq!(
            container["livenessProbe"]["httpGet"]["path"], "/healthz",
            "{container}"
        );
        assert_eq!(container["startupProbe"]["httpGet"]["path"], "/healthz");
        assert_eq!(container["readinessProbe"]["httpGet"]["path"], "/readyz");
        assert!(container["resources"]["limits"]["memory"].is_string());
        let env = |name: &str| {
            container["env"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["name"] == name)
                .cloned()
        };
        assert_eq!(env("KUBECHART_ADDR").unwrap()["value"], "0.0.0.0:8080");
        assert_eq!(
            env("KUBECHART_DATA_DIR").unwrap()["value"],
            "/var/lib/kubechart"
        );
        assert_eq!(
            one(&objects, "ServiceAccount")["automountServiceAccountToken"],
            true
        );
    }
}

#[test]
fn three_replicas_run_on_postgresql_with_shared_keys_and_a_disruption_budget() {
    let objects = render_chart(&three_replicas());
    let deployment = one(&objects, "Deployment");
    assert_eq!(deployment["spec"]["replicas"], 3);
    let pod = &deployment["spec"]["template"]["spec"];
    let secret_of = |name: &str| {
        pod["containers"][0]["env"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .map(|e| e["valueFrom"]["secretKeyRef"].clone())
            .unwrap_or_else(|| panic!("{name} is set"))
    };
    assert_eq!(
        secret_of("KUBECHART_DATABASE_URL"),
        json!({"name": "kubechart-db", "key": "url"})
    );
    assert_eq!(
        secret_of("KUBECHART_JWT_SECRET"),
        json!({"name": "kubechart-keys", "key": "jwt"})
    );
    assert_eq!(
        secret_of("KUBECHART_SECRET_KEY"),
        json!({"name": "kubechart-keys", "key": "credentials"})
    );
    let ca = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "postgres-ca")
        .unwrap();
    assert_eq!(ca["secret"]["secretName"], "kubechart-db-ca");
    let selector = &deployment["spec"]["selector"]["matchLabels"];
    let spread = &pod["topologySpreadConstraints"][0];
    assert_eq!(spread["topologyKey"], "kubernetes.io/hostname");
    assert_eq!(&spread["labelSelector"]["matchLabels"], selector);
    let budget = one(&objects, "PodDisruptionBudget");
    assert_eq!(budget["spec"]["maxUnavailable"], 1);
    assert_eq!(&budget["spec"]["selector"]["matchLabels"], selector);
    // The default is one replica, without a budget that would block every node drain.
    let defaults = render_chart(&json!({}));
    assert_eq!(one(&defaults, "Deployment")["spec"]["replicas"], 1);
    assert!(of_kind(&defaults, "PodDisruptionBudget").is_empty());
}

#[test]
fn values_that_cannot_work_are_refused_with_the_reason() {
    let message = refusal(&json!({"replicas": 2}));
    assert!(message.contains("database.existingSecret"), "{message}");
    let message = refusal(&json!({
        "replicas": 2,
        "database": {"existingSecret": "kubechart-db"},
    }));
    assert!(message.contains("jwt.existingSecret"), "{message}");
    let message = refusal(&json!({"rbac": {"scope": "namespaces"}}));
    assert!(message.contains("rbac.namespaces"), "{message}");
    // values.schema.json: types and choices.
    let message = refusal(&json!({"rbac": {"scope": "everything"}}));
    assert!(message.contains("/rbac/scope"), "{message}");
    let message = refusal(&json!({"replicas": "three"}));
    assert!(message.contains("/replicas"), "{message}");
    let message = refusal(&json!({"certManager": {"issuerKind": "Vault"}}));
    assert!(message.contains("/certManager/issuerKind"), "{message}");
    let message = refusal(&json!({"httpRoute": {"enabled": true}}));
    assert!(message.contains("ingress.enabled"), "{message}");
}

#[test]
fn an_http_route_with_a_certificate_replaces_the_ingress() {
    let objects = render_chart(&http_route());
    assert!(of_kind(&objects, "Ingress").is_empty());
    let route = one(&objects, "HTTPRoute");
    assert_eq!(route["spec"]["hostnames"], json!(["kubechart.example.com"]));
    assert_eq!(
        route["spec"]["parentRefs"][0]["namespace"],
        "gateway-system"
    );
    assert_eq!(
        route["spec"]["rules"][0]["backendRefs"][0],
        json!({"name": "kubechart", "port": 80})
    );
    let certificate = one(&objects, "Certificate");
    assert_eq!(certificate["metadata"]["namespace"], "gateway-system");
    assert_eq!(
        certificate["spec"]["issuerRef"],
        json!({"kind": "ClusterIssuer", "name": "letsencrypt"})
    );
    let ingress = render_chart(&json!({}));
    let ingress = one(&ingress, "Ingress");
    assert_eq!(
        ingress["metadata"]["annotations"]["cert-manager.io/cluster-issuer"],
        "letsencrypt"
    );
    assert_eq!(ingress["spec"]["tls"][0]["secretName"], "kubechart-tls");
}

/// `(group, resource)` pairs a rule list grants every verb of `verbs` on.
fn granted(rules: &Value, verbs: &[&str]) -> BTreeSet<(String, String)> {
    let mut pairs = BTreeSet::new();
    for rule in rules.as_array().unwrap() {
        let has = |verb: &&str| rule["verbs"].as_array().unwrap().iter().any(|v| v == *verb);
        if !verbs.iter().all(has) {
            continue;
        }
        for group in rule["apiGroups"].as_array().unwrap() {
            for resource in rule["resources"].as_array().unwrap() {
                pairs.insert((
                    group.as_str().unwrap().to_string(),
                    resource.as_str().unwrap().to_string(),
                ));
            }
        }
    }
    pairs
}

/// The plural resource name of a kind KubeChart renders.
fn resource_of(kind: &str) -> String {
    let lower = kind.to_lowercase();
    if let Some(stem) = lower.strip_suffix('y') {
        format!("{stem}ies")
    } else if lower.ends_with('s') {
        format!("{lower}es")
    } else {
        format!("{lower}s")
    }
}

/// The API group of each kind KubeChart renders; a kind added to the renderer fails the RBAC test
/// until it is named here (and granted by the chart).
fn group_of_kind(kind: &str) -> &'static str {
    match kind {
        "Namespace"
        | "ResourceQuota"
        | "ServiceAccount"
        | "ConfigMap"
        | "Secret"
        | "PersistentVolume"
        | "PersistentVolumeClaim"
        | "Service"
        | "Pod" => "",
        "ClusterRole" | "Role" | "RoleBinding" | "ClusterRoleBinding" => {
            "rbac.authorization.k8s.io"
        }
        "Deployment" | "StatefulSet" | "ReplicaSet" | "DaemonSet" => "apps",
        "Job" | "CronJob" => "batch",
        "HorizontalPodAutoscaler" => "autoscaling",
        "PodDisruptionBudget" => "policy",
        "Ingress" | "NetworkPolicy" => "networking.k8s.io",
        "HTTPRoute" => "gateway.networking.k8s.io",
        "Certificate" => "cert-manager.io",
        "BackendTrafficPolicy" => "gateway.envoyproxy.io",
        other => panic!("the RBAC test does not know the API group of {other}"),
    }
}

fn group_of(api_version: &str) -> String {
    api_version
        .rsplit_once('/')
        .map_or(String::new(), |(group, _)| group.to_string())
}

#[test]
fn the_cluster_role_lets_kubechart_apply_prune_and_watch_every_kind_it_renders() {
    let objects = render_chart(&json!({}));
    let rules = &one(&objects, "ClusterRole")["rules"];
    let apply = granted(
        rules,
        &["get", "list", "watch", "create", "patch", "delete"],
    );
    let mut needed: BTreeSet<(String, String)> = kubechart_manifest::Object::KINDS
        .iter()
        .map(|kind| (group_of_kind(kind).to_string(), resource_of(kind)))
        .collect();
    for entry in std::fs::read_dir(repository().join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            for object in render_app_spec(&path) {
                needed.insert((
                    group_of(object["apiVersion"].as_str().unwrap()),
                    resource_of(object["kind"].as_str().unwrap()),
                ));
            }
        }
    }
    assert!(needed.len() > 10, "{needed:?}");
    let missing: Vec<_> = needed.difference(&apply).collect();
    assert!(missing.is_empty(), "not granted: {missing:?}");
    let rbac = ("rbac.authorization.k8s.io".to_string(), "roles".to_string());
    assert!(granted(rules, &["escalate", "bind"]).contains(&rbac));
    for (verbs, group, resource) in [
        (&["get"][..], "", "pods/log"),
        (&["watch", "list"][..], "", "events"),
        (&["watch", "list"][..], "events.k8s.io", "events"),
        (&["watch", "list"][..], "apps", "replicasets"),
        (
            &["create"][..],
            "authorization.k8s.io",
            "selfsubjectrulesreviews",
        ),
        (
            &["create"][..],
            "authorization.k8s.io",
            "selfsubjectaccessreviews",
        ),
    ] {
        assert!(
            granted(rules, verbs).contains(&(group.to_string(), resource.to_string())),
            "{verbs:?} on {group}/{resource}"
        );
    }
    // Nothing beyond that: no wildcards, no update of objects KubeChart only applies.
    for rule in rules.as_array().unwrap() {
        assert!(!rule.to_string().contains('*'), "{rule}");
        assert!(!rule["verbs"].as_array().unwrap().contains(&json!("update")));
    }
    // Every rule says which feature needs it.
    let template =
        std::fs::read_to_string(repository().join("deploy/helm/kubechart/templates/_helpers.tpl"))
            .unwrap();
    let lines: Vec<&str> = template.lines().collect();
    let uncommented: Vec<&str> = lines
        .windows(2)
        .filter(|pair| pair[1].trim_start().starts_with("- apiGroups:"))
        .filter(|pair| !pair[0].trim_start().starts_with('#'))
        .map(|pair| pair[1])
        .collect();
    assert!(uncommented.is_empty(), "{uncommented:#?}");
}

#[test]
fn namespaced_rbac_grants_only_in_the_listed_namespaces() {
    let objects = render_chart(&namespaced_rbac());
    let roles = of_kind(&objects, "Role");
    let namespaces: BTreeSet<&str> = roles
        .iter()
        .map(|r| r["metadata"]["namespace"].as_str().unwrap())
        .collect();
    assert_eq!(namespaces, BTreeSet::from(["team-a", "team-b"]));
    assert_eq!(of_kind(&objects, "RoleBinding").len(), 2);
    for role in roles {
        let pairs = granted(&role["rules"], &["create"]);
        for cluster_scoped in ["namespaces", "persistentvolumes", "clusterroles"] {
            assert!(
                pairs.iter().all(|(_, resource)| resource != cluster_scoped),
                "{cluster_scoped} in a Role"
            );
        }
        assert!(pairs.contains(&("apps".to_string(), "deployments".to_string())));
    }
    // The only cluster-wide grant left is the self review.
    let cluster_role = one(&objects, "ClusterRole");
    let pairs = granted(&cluster_role["rules"], &["create"]);
    assert!(
        pairs
            .iter()
            .all(|(group, _)| group.starts_with("authorization.k8s.io")
                || group.starts_with("authentication.k8s.io")),
        "{pairs:?}"
    );
}

#[test]
fn the_plain_manifests_are_the_chart_with_its_default_values() {
    let output = run_python(&["deploy/generate.py", "--check"]);
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plain_manifests_apply_with_kubectl_server_side() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let mut kubectl = Command::new("kubectl");
    kubectl
        .args([
            "apply",
            "--server-side",
            "--field-manager=kubechart-install-test",
        ])
        .arg("--kubeconfig")
        .arg(cluster.kubeconfig_path())
        .arg("-f")
        .arg(repository().join("deploy/kubernetes/kubechart.yaml"));
    let output = run_blocking(kubectl).await;
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for applied in [
        "namespace/kubechart",
        "serviceaccount/kubechart",
        "clusterrole.rbac.authorization.k8s.io/kubechart",
        "deployment.apps/kubechart",
        "ingress.networking.k8s.io/kubechart",
        "networkpolicy.networking.k8s.io/kubechart",
    ] {
        assert!(
            printed.contains(&format!("{applied} serverside-applied")),
            "{printed}"
        );
    }
    let deployment = applied_deployment(&cluster).await;
    assert_eq!(
        deployment["spec"]["template"]["spec"]["serviceAccountName"],
        "kubechart"
    );
}

/// Applies every object server-side as KubeChart does (namespaces they need first); returns the
/// objects read back.
async fn apply_all(cluster: &TestCluster, objects: &[Value]) -> Vec<DynamicObject> {
    let client = cluster.client();
    let discovery = Discovery::new(client.clone()).run().await.unwrap();
    let params = PatchParams::apply("kubechart-install-test").force();
    let namespaces: BTreeSet<&str> = objects
        .iter()
        .filter_map(|o| o["metadata"]["namespace"].as_str())
        .collect();
    let namespace_api: Api<DynamicObject> = Api::all_with(
        client.clone(),
        &discovery
            .resolve_gvk(&GroupVersionKind::gvk("", "v1", "Namespace"))
            .unwrap()
            .0,
    );
    for namespace in namespaces {
        namespace_api
            .patch(
                namespace,
                &params,
                &Patch::Apply(json!({
                    "apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace},
                })),
            )
            .await
            .unwrap();
    }
    let mut applied = Vec::new();
    for object in objects {
        let api_version = object["apiVersion"].as_str().unwrap();
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        let kind = object["kind"].as_str().unwrap();
        let (resource, capabilities) = discovery
            .resolve_gvk(&GroupVersionKind::gvk(group, version, kind))
            .unwrap_or_else(|| panic!("the cluster serves {api_version} {kind}"));
        let api: Api<DynamicObject> = match capabilities.scope {
            Scope::Cluster => Api::all_with(client.clone(), &resource),
            Scope::Namespaced => Api::namespaced_with(
                client.clone(),
                object["metadata"]["namespace"].as_str().unwrap(),
                &resource,
            ),
        };
        let name = object["metadata"]["name"].as_str().unwrap();
        api.patch(name, &params, &Patch::Apply(object))
            .await
            .unwrap_or_else(|error| panic!("{kind} {name}: {error}"));
        applied.push(api.get(name).await.unwrap());
    }
    applied
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rendered_chart_applies_to_the_test_cluster() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    for values in [json!({}), namespaced_rbac(), http_route()] {
        let objects = render_chart(&values);
        let applied = apply_all(&cluster, &objects).await;
        assert_eq!(applied.len(), objects.len());
        for (object, live) in objects.iter().zip(&applied) {
            assert_eq!(
                live.metadata.labels.as_ref().unwrap()["app.kubernetes.io/name"],
                "kubechart",
                "{object}"
            );
        }
    }
    // The pods are restricted as rendered: the cluster kept the security context.
    let deployment = applied_deployment(&cluster).await;
    assert_eq!(
        deployment["spec"]["template"]["spec"]["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );
}

async fn applied_deployment(cluster: &TestCluster) -> Value {
    let api: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(cluster.client(), "kubechart");
    serde_json::to_value(api.get("kubechart").await.unwrap()).unwrap()
}

/// The parts of a Deployment an installation is judged by.
fn deployment_essentials(deployment: &Value) -> Value {
    let pod = &deployment["spec"]["template"]["spec"];
    let container = &pod["containers"][0];
    let spread = &pod["topologySpreadConstraints"][0];
    json!({
        "replicas": deployment["spec"]["replicas"],
        "strategy": deployment["spec"]["strategy"],
        "serviceAccountName": pod["serviceAccountName"],
        "podSecurity": pod["securityContext"],
        "spread": [spread["maxSkew"], spread["topologyKey"], spread["whenUnsatisfiable"]],
        "volumes": pod["volumes"].as_array().unwrap().iter()
            .map(|v| json!([v["name"], v.get("emptyDir").is_some()]))
            .collect::<Vec<_>>(),
        "container": {
            "image": container["image"],
            "command": container.get("command"),
            "args": container.get("args"),
            "env": container["env"],
            "ports": container["ports"],
            "resources": container["resources"],
            "securityContext": container["securityContext"],
            "volumeMounts": container["volumeMounts"],
            "livenessProbe": container["livenessProbe"],
            "readinessProbe": container["readinessProbe"],
            "startupProbe": container["startupProbe"],
        },
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubechart_renders_its_own_installation_equivalent_to_the_chart_and_deploys_it() {
    let own = render_app_spec(&repository().join("deploy/kubechart.app.yaml"));
    let chart = render_chart(&json!({}));
    let mut own_kinds = kinds(&own);
    assert!(own_kinds.remove("Namespace"));
    assert_eq!(own_kinds, kinds(&chart));
    let namespace = one(&own, "Namespace");
    assert_eq!(
        namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
        "restricted"
    );
    assert_eq!(
        deployment_essentials(one(&own, "Deployment")),
        deployment_essentials(one(&chart, "Deployment"))
    );
    assert_eq!(
        one(&own, "ClusterRole")["rules"],
        one(&chart, "ClusterRole")["rules"]
    );
    let binding = one(&own, "ClusterRoleBinding");
    assert_eq!(
        binding["roleRef"],
        one(&chart, "ClusterRoleBinding")["roleRef"]
    );
    // The core group is spelled out as "" or left out; both mean the same to the API server.
    let mut subjects = binding["subjects"].clone();
    for subject in subjects.as_array_mut().unwrap() {
        if subject["apiGroup"] == "" {
            subject.as_object_mut().unwrap().remove("apiGroup");
        }
    }
    assert_eq!(subjects, one(&chart, "ClusterRoleBinding")["subjects"]);
    assert_eq!(
        one(&own, "Service")["spec"]["ports"],
        one(&chart, "Service")["spec"]["ports"]
    );
    assert_eq!(one(&own, "Ingress")["spec"], one(&chart, "Ingress")["spec"]);
    assert_eq!(
        one(&own, "Ingress")["metadata"]["annotations"],
        one(&chart, "Ingress")["metadata"]["annotations"]
    );
    let policy = |objects: &[Value]| {
        let spec = &one(objects, "NetworkPolicy")["spec"];
        json!([spec["policyTypes"], spec["ingress"], spec.get("egress")])
    };
    assert_eq!(policy(&own), policy(&chart));
    assert_eq!(
        one(&own, "ServiceAccount")["automountServiceAccountToken"],
        true
    );

    // KubeChart deploys KubeChart, and waits until it is healthy.
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let mut apply = Command::new(env!("CARGO_BIN_EXE_kubechart"));
    apply
        .arg("apply")
        .arg("-f")
        .arg(repository().join("deploy/kubechart.app.yaml"))
        .arg("--kubeconfig")
        .arg(cluster.kubeconfig_path())
        .arg("--wait=60s");
    let output = run_blocking(apply).await;
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        deployment_essentials(&applied_deployment(&cluster).await),
        deployment_essentials(one(&own, "Deployment"))
    );
    let roles: Api<k8s_openapi::api::rbac::v1::ClusterRole> = Api::all(cluster.client());
    let role = serde_json::to_value(roles.get("kubechart").await.unwrap()).unwrap();
    assert_eq!(role["rules"], one(&own, "ClusterRole")["rules"]);
}

/// Runs `command` off the async workers (the test cluster serves on them) and waits for it.
async fn run_blocking(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

#[test]
fn the_image_runs_the_static_release_binary_as_a_non_root_user() {
    let dockerfile = std::fs::read_to_string(repository().join("Dockerfile")).unwrap();
    let instructions: Vec<&str> = dockerfile
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    let stages: Vec<&str> = instructions
        .iter()
        .filter_map(|line| line.strip_prefix("FROM "))
        .collect();
    assert!(stages.len() >= 3, "{stages:?}");
    let last = stages.last().unwrap();
    assert!(
        last.starts_with("gcr.io/distroless/static") || *last == "scratch",
        "{last}"
    );
    assert!(stages.iter().any(|s| s.contains("node:")), "{stages:?}");
    let final_stage = &instructions[instructions
        .iter()
        .rposition(|line| line.starts_with("FROM "))
        .unwrap()..];
    assert!(final_stage.contains(&"USER 65532:65532"), "{final_stage:?}");
    assert!(final_stage.contains(&"EXPOSE 8080"));
    assert!(final_stage.contains(&r#"ENTRYPOINT ["/usr/local/bin/kubechart", "serve"]"#));
    assert!(
        final_stage
            .iter()
            .any(|line| line.contains("KUBECHART_ADDR=0.0.0.0:8080"))
    );
    assert!(
        instructions
            .iter()
            .any(|line| line.contains("cargo build --release --locked"))
    );
    assert!(
        final_stage
            .iter()
            .any(|line| line.starts_with("COPY --from=build /out/usr/local/bin/kubechart"))
    );
    // The web app is built before the binary that embeds it.
    assert!(instructions.contains(&"RUN npm run build"));
    assert!(
        instructions
            .iter()
            .any(|line| line.starts_with("COPY --from=web /src/web/dist web/dist"))
    );
}

/// Registers the first account, the administrator; returns its session token.
async fn register_admin(http: &reqwest::Client, base: &str) -> String {
    let registered = http
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({
            "username": "admin",
            "email": "admin@example.com",
            "password": password_of("admin"),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), reqwest::StatusCode::CREATED);
    let body: Value = registered.json().await.unwrap();
    body["token"].as_str().unwrap().to_string()
}

/// A TLS-only PostgreSQL cluster with a fresh database `name`: (port, CA, an unrelated CA); `None`
/// where it cannot be created outside CI.
fn postgres_over_tls(name: &str) -> Option<(u16, String, String)> {
    let output = run_python(&["crates/server/tests/support/install_postgres_tls.py", name]);
    if output.status.code() == Some(3) {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        eprintln!(
            "skipping: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
        return None;
    }
    let setup = stdout_json(&output);
    Some((
        u16::try_from(setup["port"].as_u64().unwrap()).unwrap(),
        setup["ca"].as_str().unwrap().to_string(),
        setup["wrongCa"].as_str().unwrap().to_string(),
    ))
}

/// What `kubechart serve` printed when it could not start.
fn failed_start(database_url: &str) -> String {
    let data = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_kubechart"))
        .arg("serve")
        .env("KUBECHART_ADDR", "127.0.0.1:0")
        .env("KUBECHART_DATA_DIR", data.path())
        .env("KUBECHART_DATABASE_URL", database_url)
        .output()
        .unwrap();
    assert!(!output.status.success(), "started with {database_url}");
    String::from_utf8(output.stderr).unwrap()
}

/// Runs `sql` as the administrator over the local socket of the cluster on `port`.
fn psql(port: u16, sql: &str) -> String {
    let output = Command::new("runuser")
        .args(["-u", "postgres", "--", "psql", "-tA", "-p"])
        .arg(port.to_string())
        .arg("-c")
        .arg(sql)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgresql_is_reached_over_tls_verified_against_the_given_ca() {
    let database = format!("kubechart_tls_{}", uuid::Uuid::new_v4().simple());
    let Some((port, ca, wrong_ca)) = postgres_over_tls(&database) else {
        return;
    };
    let url = |mode: &str, ca: &str| {
        format!("postgres://postgres@localhost:{port}/{database}?sslmode={mode}&sslrootcert={ca}")
    };

    let message = failed_start(&url("verify-full", &wrong_ca));
    assert!(message.contains("cannot open the database"), "{message}");
    assert!(
        message.contains("invalid peer certificate: UnknownIssuer"),
        "{message}"
    );
    assert!(
        !message.contains("postgres@"),
        "the URL was printed: {message}"
    );
    // The server refuses connections without TLS, so the one below is encrypted.
    let message = failed_start(&url("disable", &ca));
    assert!(message.contains("no encryption"), "{message}");

    let data = tempfile::tempdir().unwrap();
    let server = serve::start(serve_args(data.path(), Some(url("verify-full", &ca))))
        .await
        .unwrap();
    let base = format!("http://{}", server.addr);
    let http = reqwest::Client::new();
    let ready = http.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), reqwest::StatusCode::OK);
    register_admin(&http, &base).await;
    let encrypted: i64 = psql(
        port,
        &format!(
            "SELECT count(*) FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) \
             WHERE ssl AND datname = '{database}'"
        ),
    )
    .parse()
    .unwrap();
    assert!(encrypted > 0);
    server.shutdown().await.unwrap();
    psql(port, &format!("DROP DATABASE {database}"));
}

/// A backup taken as deploy/README.md says, while the server runs: the database URL of the copy.
async fn documented_backup(
    backend: Backend,
    data: &Path,
    url: &str,
) -> (String, Option<TestDatabase>) {
    match backend {
        Backend::Sqlite => {
            let copy = data.join("backup.db");
            let output = Command::new("sqlite3")
                .arg(data.join("kubechart.db"))
                .arg(format!(".backup '{}'", copy.display()))
                .output()
                .expect("sqlite3 runs");
            assert!(output.status.success(), "{output:?}");
            (format!("sqlite://{}", copy.display()), None)
        }
        Backend::Postgres => {
            let dump = data.join("kubechart.dump");
            let output = Command::new("pg_dump")
                .args(["--format=custom", "--file"])
                .arg(&dump)
                .arg(url)
                .output()
                .expect("pg_dump runs");
            assert!(output.status.success(), "{output:?}");
            let restored = fresh_postgres().await.unwrap();
            let output = Command::new("pg_restore")
                .args(["--no-owner", "--exit-on-error", "--dbname"])
                .arg(&restored.url)
                .arg(&dump)
                .output()
                .expect("pg_restore runs");
            assert!(output.status.success(), "{output:?}");
            (restored.url.clone(), Some(restored))
        }
    }
}

async fn a_backup_taken_while_serving_restores_a_working_installation(backend: Backend) {
    let data = tempfile::tempdir().unwrap();
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(fresh_postgres().await.unwrap()),
    };
    let url = database.as_ref().map_or_else(
        || format!("sqlite://{}", data.path().join("kubechart.db").display()),
        |db| db.url.clone(),
    );
    let server = serve::start(serve_args(data.path(), Some(url.clone())))
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let base = format!("http://{}", server.addr);
    let token = register_admin(&http, &base).await;
    let (backup_url, _restored) = documented_backup(backend, data.path(), &url).await;
    server.shutdown().await.unwrap();

    // The copy and the same keys (the data directory's generated files) make the same installation.
    let server = serve::start(serve_args(data.path(), Some(backup_url)))
        .await
        .unwrap();
    let base = format!("http://{}", server.addr);
    let me = http
        .get(format!("{base}/api/v1/auth/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), reqwest::StatusCode::OK);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["username"], "admin");
    let login = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": password_of("admin")}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), reqwest::StatusCode::OK);
    server.shutdown().await.unwrap();
}
