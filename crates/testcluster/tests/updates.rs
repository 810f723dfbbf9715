//! Updates the apply engine depends on, through the real kube-rs client: fields kube-apiserver
//! refuses to change (422 with its causes and messages), server-side dry-run, apply conflicts
//! between field managers and ownership taken through the scale subresource.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{deployment, dynamic};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DynamicObject, Patch, PatchParams, PostParams};
use kube::core::Status;
use kubechart_testcluster::{Options, TestCluster};
use serde_json::{Value, json};

/// A cluster without controllers: nothing but the test writes, so resourceVersions and specs
/// change only when the test changes them.
async fn quiet_cluster() -> TestCluster {
    TestCluster::start(Options {
        controllers: false,
        ..Options::default()
    })
    .await
    .unwrap()
}

fn obj(v: Value) -> DynamicObject {
    serde_json::from_value(v).unwrap()
}

fn api_error(e: kube::Error) -> Status {
    match e {
        kube::Error::Api(s) => *s,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// The single cause of a 422, checked against kube-apiserver's shape.
fn invalid(e: kube::Error) -> (Status, String, String, String) {
    let s = api_error(e);
    assert_eq!((s.code, s.reason.as_str()), (422, "Invalid"), "{s:?}");
    let causes = s.details.clone().unwrap().causes;
    assert_eq!(causes.len(), 1, "{causes:?}");
    let c = causes[0].clone();
    (s, c.reason, c.field, c.message)
}

fn apply(manager: &str) -> PatchParams {
    PatchParams::apply(manager).force()
}

#[tokio::test]
async fn kube_apiserver_refuses_to_change_immutable_workload_fields_with_422_causes() {
    let c = quiet_cluster().await;
    let client = c.client();
    let deps = dynamic(
        &client,
        "default",
        "apps",
        "v1",
        "Deployment",
        "deployments",
    );
    deps.patch(
        "web",
        &apply("kubechart"),
        &Patch::Apply(obj(deployment("web", 1, "nginx"))),
    )
    .await
    .unwrap();
    let mut moved = deployment("web", 1, "nginx");
    moved["spec"]["selector"]["matchLabels"]["app"] = json!("web2");
    moved["spec"]["template"]["metadata"]["labels"]["app"] = json!("web2");
    let (s, reason, field, message) = invalid(
        deps.patch("web", &apply("kubechart"), &Patch::Apply(obj(moved)))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        s.message,
        "Deployment.apps \"web\" is invalid: spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"web2\"}}: field is immutable"
    );
    assert_eq!(
        (reason.as_str(), field.as_str()),
        ("FieldValueInvalid", "spec.selector")
    );
    assert!(message.ends_with("field is immutable"), "{message}");

    for (kind, plural) in [("ReplicaSet", "replicasets"), ("DaemonSet", "daemonsets")] {
        let api = dynamic(&client, "default", "apps", "v1", kind, plural);
        let mut manifest = deployment("set", 1, "nginx");
        manifest["kind"] = json!(kind);
        if kind == "DaemonSet" {
            manifest["spec"].as_object_mut().unwrap().remove("replicas");
        }
        api.patch(
            "set",
            &apply("kubechart"),
            &Patch::Apply(obj(manifest.clone())),
        )
        .await
        .unwrap();
        manifest["spec"]["selector"]["matchLabels"]["tier"] = json!("front");
        manifest["spec"]["template"]["metadata"]["labels"]["tier"] = json!("front");
        let (_, _, field, message) = invalid(
            api.patch("set", &apply("kubechart"), &Patch::Apply(obj(manifest)))
                .await
                .unwrap_err(),
        );
        assert_eq!(field, "spec.selector", "{kind}");
        assert!(message.ends_with("field is immutable"), "{kind}: {message}");
    }

    let sts = dynamic(
        &client,
        "default",
        "apps",
        "v1",
        "StatefulSet",
        "statefulsets",
    );
    let mut db = deployment("db", 1, "postgres:17");
    db["kind"] = json!("StatefulSet");
    db["spec"]["serviceName"] = json!("db");
    sts.patch("db", &apply("kubechart"), &Patch::Apply(obj(db.clone())))
        .await
        .unwrap();
    let mut scaled = db.clone();
    scaled["spec"]["replicas"] = json!(3);
    scaled["spec"]["template"]["spec"]["containers"][0]["image"] = json!("postgres:18");
    sts.patch("db", &apply("kubechart"), &Patch::Apply(obj(scaled)))
        .await
        .expect("replicas and template may change");
    db["spec"]["serviceName"] = json!("db-headless");
    let (s, reason, field, _) = invalid(
        sts.patch("db", &apply("kubechart"), &Patch::Apply(obj(db)))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (reason.as_str(), field.as_str()),
        ("FieldValueForbidden", "spec")
    );
    assert_eq!(
        s.message,
        "StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
    );

    let jobs = dynamic(&client, "default", "batch", "v1", "Job", "jobs");
    let job = |image: &str| {
        json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"},
            "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "m", "image": image}]}}}})
    };
    let created = jobs
        .patch(
            "migrate",
            &apply("kubechart"),
            &Patch::Apply(obj(job("app:1"))),
        )
        .await
        .unwrap();
    let uid = created.metadata.uid.clone().unwrap();
    assert_eq!(
        created.data["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"], uid,
        "kube-apiserver generates the Job's selector from its uid"
    );
    assert_eq!(
        created.data["spec"]["template"]["metadata"]["labels"]["job-name"],
        "migrate"
    );
    let (s, _, field, message) = invalid(
        jobs.patch(
            "migrate",
            &apply("kubechart"),
            &Patch::Apply(obj(job("app:2"))),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(field, "spec.template");
    assert!(message.ends_with("field is immutable"), "{message}");
    assert!(
        s.message
            .starts_with("Job.batch \"migrate\" is invalid: spec.template: Invalid value: {")
    );
    let mut reselected = job("app:1");
    reselected["spec"]["selector"] =
        json!({"matchLabels": {"batch.kubernetes.io/controller-uid": "other"}});
    let (_, _, field, _) = invalid(
        jobs.patch(
            "migrate",
            &apply("kubechart"),
            &Patch::Apply(obj(reselected)),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(field, "spec.selector");
}

#[tokio::test]
async fn kube_apiserver_refuses_to_change_immutable_service_claim_config_and_binding_fields() {
    let c = quiet_cluster().await;
    let client = c.client();

    let services = dynamic(&client, "default", "", "v1", "Service", "services");
    let svc = |ip: Option<&str>| {
        let mut s = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}});
        if let Some(ip) = ip {
            s["spec"]["clusterIP"] = json!(ip);
        }
        s
    };
    let created = services
        .patch("web", &apply("kubechart"), &Patch::Apply(obj(svc(None))))
        .await
        .unwrap();
    let ip = created.data["spec"]["clusterIP"]
        .as_str()
        .unwrap()
        .to_string();
    services
        .patch(
            "web",
            &apply("kubechart"),
            &Patch::Apply(obj(svc(Some(&ip)))),
        )
        .await
        .expect("naming the allocated IP is no change");
    let (s, reason, field, _) = invalid(
        services
            .patch(
                "web",
                &apply("kubechart"),
                &Patch::Apply(obj(svc(Some("None")))),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (reason.as_str(), field.as_str()),
        ("FieldValueInvalid", "spec.clusterIPs[0]")
    );
    assert_eq!(
        s.message,
        "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: [\"None\"]: may not change once set"
    );

    let claims = dynamic(
        &client,
        "default",
        "",
        "v1",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
    );
    let claim = |class: &str, size: &str| {
        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
            "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": class, "resources": {"requests": {"storage": size}}}})
    };
    claims
        .patch(
            "data",
            &apply("kubechart"),
            &Patch::Apply(obj(claim("fast", "1Gi"))),
        )
        .await
        .unwrap();
    let (s, reason, field, _) = invalid(
        claims
            .patch(
                "data",
                &apply("kubechart"),
                &Patch::Apply(obj(claim("slow", "1Gi"))),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (reason.as_str(), field.as_str()),
        ("FieldValueForbidden", "spec")
    );
    assert_eq!(
        s.message,
        "PersistentVolumeClaim \"data\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
    );
    let (_, _, field, _) = invalid(
        claims
            .patch(
                "data",
                &apply("kubechart"),
                &Patch::Apply(obj(claim("fast", "2Gi"))),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(field, "spec", "an unbound claim cannot be resized");
    let bound = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
        "status": {"phase": "Bound", "capacity": {"storage": "1Gi"}}});
    claims
        .patch_status("data", &apply("provisioner"), &Patch::Apply(obj(bound)))
        .await
        .unwrap();
    claims
        .patch(
            "data",
            &apply("kubechart"),
            &Patch::Apply(obj(claim("fast", "2Gi"))),
        )
        .await
        .expect("a bound claim may grow");

    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let frozen: ConfigMap = serde_json::from_value(
        json!({"metadata": {"name": "frozen"}, "immutable": true, "data": {"k": "v"}}),
    )
    .unwrap();
    cms.create(&PostParams::default(), &frozen).await.unwrap();
    let err = api_error(
        cms.patch(
            "frozen",
            &PatchParams::default(),
            &Patch::Merge(json!({"data": {"k": "changed"}})),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(err.code, 422);
    assert_eq!(
        err.message,
        "ConfigMap \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set"
    );
    let causes = err.details.unwrap().causes;
    assert_eq!(
        (causes[0].reason.as_str(), causes[0].field.as_str()),
        ("FieldValueForbidden", "data")
    );
    let secrets = dynamic(&client, "default", "", "v1", "Secret", "secrets");
    let secret = |value: &str| json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "frozen"}, "immutable": true, "stringData": {"k": value}});
    secrets
        .patch(
            "frozen",
            &apply("kubechart"),
            &Patch::Apply(obj(secret("a"))),
        )
        .await
        .unwrap();
    let err = api_error(
        secrets
            .patch(
                "frozen",
                &apply("kubechart"),
                &Patch::Apply(obj(secret("b"))),
            )
            .await
            .unwrap_err(),
    );
    assert!(
        err.message
            .ends_with("data: Forbidden: field is immutable when `immutable` is set"),
        "{}",
        err.message
    );

    let bindings = dynamic(
        &client,
        "default",
        "rbac.authorization.k8s.io",
        "v1",
        "RoleBinding",
        "rolebindings",
    );
    let binding = |role: &str| {
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "readers"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
            "subjects": [{"kind": "User", "name": "jane", "apiGroup": "rbac.authorization.k8s.io"}]})
    };
    bindings
        .patch(
            "readers",
            &apply("kubechart"),
            &Patch::Apply(obj(binding("view"))),
        )
        .await
        .unwrap();
    let (s, reason, field, _) = invalid(
        bindings
            .patch(
                "readers",
                &apply("kubechart"),
                &Patch::Apply(obj(binding("edit"))),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (reason.as_str(), field.as_str()),
        ("FieldValueInvalid", "roleRef")
    );
    assert_eq!(
        s.message,
        "RoleBinding.rbac.authorization.k8s.io \"readers\" is invalid: roleRef: Invalid value: {\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"edit\"}: cannot change roleRef"
    );
}

#[tokio::test]
async fn kube_apiserver_dry_run_apply_returns_the_would_be_object_and_stores_nothing() {
    let c = quiet_cluster().await;
    let deps = dynamic(
        &c.client(),
        "default",
        "apps",
        "v1",
        "Deployment",
        "deployments",
    );
    let dry = apply("kubechart").dry_run();
    let would_be = deps
        .patch(
            "web",
            &dry,
            &Patch::Apply(obj(deployment("web", 2, "nginx:1"))),
        )
        .await
        .unwrap();
    // kube-apiserver fills in what a create would (uid, creationTimestamp, defaults) but the
    // object was never stored, so it has no resourceVersion.
    assert!(would_be.metadata.uid.is_some());
    assert!(would_be.metadata.creation_timestamp.is_some());
    assert_eq!(would_be.metadata.resource_version, None);
    assert_eq!(would_be.data["spec"]["strategy"]["type"], "RollingUpdate");
    assert!(
        deps.get_opt("web").await.unwrap().is_none(),
        "nothing stored"
    );

    let created = deps
        .patch(
            "web",
            &apply("kubechart"),
            &Patch::Apply(obj(deployment("web", 2, "nginx:1"))),
        )
        .await
        .unwrap();
    let changed = deps
        .patch(
            "web",
            &dry,
            &Patch::Apply(obj(deployment("web", 4, "nginx:2"))),
        )
        .await
        .unwrap();
    assert_eq!(changed.data["spec"]["replicas"], 4);
    assert_eq!(changed.metadata.uid, created.metadata.uid);
    assert_eq!(
        changed.metadata.resource_version, created.metadata.resource_version,
        "a dry-run update keeps the stored resourceVersion"
    );
    let stored = deps.get("web").await.unwrap();
    assert_eq!(stored.data["spec"]["replicas"], 2, "nothing stored");
    assert_eq!(
        stored.metadata.resource_version,
        created.metadata.resource_version
    );

    let mut moved = deployment("web", 2, "nginx:1");
    moved["spec"]["selector"]["matchLabels"]["app"] = json!("other");
    moved["spec"]["template"]["metadata"]["labels"]["app"] = json!("other");
    let (_, _, field, _) = invalid(
        deps.patch("web", &dry, &Patch::Apply(obj(moved)))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        field, "spec.selector",
        "dry-run validates like the real write"
    );
}

#[tokio::test]
async fn kube_apiserver_reports_apply_conflicts_with_causes_and_records_scale_updates() {
    let c = quiet_cluster().await;
    let deps = dynamic(
        &c.client(),
        "default",
        "apps",
        "v1",
        "Deployment",
        "deployments",
    );
    let scale_to = |n: i64| {
        obj(
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": n}}),
        )
    };
    deps.patch(
        "web",
        &PatchParams::apply("A"),
        &Patch::Apply(obj(deployment("web", 2, "nginx"))),
    )
    .await
    .unwrap();
    let err = api_error(
        deps.patch("web", &PatchParams::apply("B"), &Patch::Apply(scale_to(5)))
            .await
            .unwrap_err(),
    );
    assert_eq!((err.code, err.reason.as_str()), (409, "Conflict"));
    assert_eq!(
        err.message,
        "Apply failed with 1 conflict: conflict with \"A\": .spec.replicas"
    );
    let causes = err.details.unwrap().causes;
    assert_eq!(causes.len(), 1);
    assert_eq!(
        (
            causes[0].reason.as_str(),
            causes[0].message.as_str(),
            causes[0].field.as_str()
        ),
        (
            "FieldManagerConflict",
            "conflict with \"A\"",
            ".spec.replicas"
        )
    );
    let forced = deps
        .patch(
            "web",
            &PatchParams::apply("B").force(),
            &Patch::Apply(scale_to(5)),
        )
        .await
        .unwrap();
    let owners = |o: &DynamicObject| -> Vec<(String, String, Option<String>, Value)> {
        o.metadata
            .managed_fields
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|e| {
                (
                    e.manager.unwrap_or_default(),
                    e.operation.unwrap_or_default(),
                    e.subresource,
                    serde_json::to_value(e.fields_v1).unwrap(),
                )
            })
            .collect()
    };
    let b = owners(&forced)
        .into_iter()
        .find(|(m, ..)| m == "B")
        .unwrap();
    assert_eq!(
        b.3["f:spec"]["f:replicas"],
        json!({}),
        "B took .spec.replicas"
    );
    let a = owners(&forced)
        .into_iter()
        .find(|(m, ..)| m == "A")
        .unwrap();
    assert!(a.3["f:spec"].get("f:replicas").is_none(), "A lost it");

    // `kubectl scale` writes through the scale subresource as an Update.
    let typed: Api<k8s_openapi::api::apps::v1::Deployment> = Api::namespaced(c.client(), "default");
    let scale = typed
        .patch_scale(
            "web",
            &PatchParams {
                field_manager: Some("kubectl".into()),
                ..PatchParams::default()
            },
            &Patch::Merge(json!({"spec": {"replicas": 7}})),
        )
        .await
        .unwrap();
    assert_eq!(scale.spec.unwrap().replicas, Some(7));
    assert_eq!(scale.status.unwrap().selector.as_deref(), Some("app=web"));
    let scaled = deps.get("web").await.unwrap();
    assert_eq!(scaled.data["spec"]["replicas"], 7);
    let entry = owners(&scaled)
        .into_iter()
        .find(|(m, ..)| m == "kubectl")
        .unwrap();
    assert_eq!(
        (entry.1.as_str(), entry.2.as_deref()),
        ("Update", Some("scale"))
    );
    assert_eq!(entry.3, json!({"f:spec": {"f:replicas": {}}}));
    let err = api_error(
        deps.patch("web", &PatchParams::apply("B"), &Patch::Apply(scale_to(3)))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        err.message,
        "Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas"
    );
}
