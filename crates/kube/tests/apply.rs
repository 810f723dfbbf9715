//! The apply engine against the Kubernetes API test server, over HTTPS with the real kube-rs
//! client: every example created, re-applied without writes, changed (prune), deleted; adoption,
//! immutable fields, missing CRDs, permissions, field conflicts and faults.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kube::api::{Api, DynamicObject, ListParams, Patch, PatchParams};
use kubechart_kube::ObjectRef;
use kubechart_kube::apply::{
    Action, ApplyError, ApplyOptions, DeleteOptions, Desired, Engine, FailureKind, Inventory,
    Outcome, ParentSecretInventory, RetryPolicy, no_progress,
};
use kubechart_manifest::{AppSpec, parse_spec};
use kubechart_testcluster::{CrdGroup, FailRule, Options, TestCluster};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    files
}

fn example(name: &str) -> AppSpec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../examples/{name}.yaml"));
    parse_spec(&std::fs::read_to_string(path).unwrap()).unwrap()
}

async fn ensure_namespace(client: &kube::Client, name: &str) {
    let namespaces: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
    let namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}});
    namespaces
        .patch(
            name,
            &PatchParams::apply("test-setup"),
            &Patch::Apply(namespace),
        )
        .await
        .unwrap();
}

/// A client to the test cluster that counts the writes it sends (PATCH, PUT, POST, DELETE without
/// `dryRun`), apart from those to the inventory Secret: an unchanged re-apply must send none.
fn counting_client(cluster: &TestCluster) -> (kube::Client, Arc<AtomicUsize>) {
    let writes = Arc::new(AtomicUsize::new(0));
    let counter = writes.clone();
    let layer =
        tower::util::MapRequestLayer::new(move |request: http::Request<kube::client::Body>| {
            let uri = request.uri().to_string();
            let write = request.method() != http::Method::GET;
            if write && !uri.contains("dryRun=All") && !uri.contains("/secrets/kubechart-") {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            request
        });
    let mut config = cluster.config();
    config.default_retry = false;
    let client = kube::client::ClientBuilder::try_from(config)
        .unwrap()
        .with_layer(&layer)
        .build();
    (client, writes)
}

/// The administrator's client without kube's own retry layer: the engine's bounded retry is the
/// one under test (kube's would back off for minutes on a 503).
fn admin(cluster: &TestCluster) -> kube::Client {
    let mut config = cluster.config();
    config.default_retry = false;
    kube::Client::try_from(config).unwrap()
}

fn fast(client: kube::Client) -> Engine {
    let mut engine = Engine::new(client);
    engine.retry = RetryPolicy {
        attempts: 3,
        first_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
    };
    engine.delete_timeout = Duration::from_secs(20);
    engine
}

async fn apply(
    engine: &Engine,
    spec: &AppSpec,
    options: ApplyOptions,
) -> Result<kubechart_kube::apply::ApplyReport, ApplyError> {
    let desired = Desired::from_spec(spec).unwrap();
    let inventory = ParentSecretInventory::new(engine.client().clone(), desired.set.clone());
    engine
        .apply(&desired, &inventory, options, no_progress())
        .await
}

/// Deletes the app with the default options (waiting for every object to be gone): the members
/// the inventory lists, plus those `rendered` has when given.
async fn delete_app(
    engine: &Engine,
    desired: &Desired,
    rendered: Option<&Desired>,
    inventory: &ParentSecretInventory,
) -> kubechart_kube::apply::DeleteReport {
    engine
        .delete(
            &desired.set,
            rendered,
            inventory,
            DeleteOptions::default(),
            no_progress(),
        )
        .await
        .unwrap()
}

/// The live object, if any.
async fn live(client: &kube::Client, reference: &ObjectRef) -> Option<DynamicObject> {
    let gvk =
        kube::core::GroupVersionKind::gvk(reference.group(), reference.version(), &reference.kind);
    let (resource, caps) = kube::discovery::pinned_kind(client, &gvk).await.unwrap();
    let api: Api<DynamicObject> = match (&caps.scope, &reference.namespace) {
        (kube::discovery::Scope::Namespaced, Some(ns)) => {
            Api::namespaced_with(client.clone(), ns, &resource)
        }
        _ => Api::all_with(client.clone(), &resource),
    };
    api.get_opt(&reference.name).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_is_created_then_unchanged_then_deleted() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let (client, writes) = counting_client(&cluster);
    let engine = fast(client.clone());
    let mut total = 0;
    for path in examples() {
        let spec = parse_spec(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let name = path.display().to_string();
        if !spec.create_namespace {
            ensure_namespace(&client, &spec.namespace).await;
        }
        let first = apply(&engine, &spec, ApplyOptions::default())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(first.succeeded(), "{name}: {:#?}", first.failures());
        assert!(
            first.objects.iter().all(|o| o.outcome == Outcome::Created),
            "{name}: {:#?}",
            first.objects
        );
        total += first.objects.len();
        let desired = Desired::from_spec(&spec).unwrap();
        let before = writes.load(Ordering::SeqCst);
        let second = apply(&engine, &spec, ApplyOptions::default())
            .await
            .unwrap();
        assert!(
            second
                .objects
                .iter()
                .all(|o| o.outcome == Outcome::Unchanged),
            "{name}: a re-apply changes nothing: {:#?}",
            second
                .plan
                .objects
                .iter()
                .filter(|o| o.action != Action::Unchanged)
                .collect::<Vec<_>>()
        );
        assert_eq!(
            writes.load(Ordering::SeqCst),
            before,
            "{name}: an unchanged re-apply sends no write request"
        );

        let inventory = ParentSecretInventory::new(client.clone(), desired.set.clone());
        assert_eq!(
            inventory.load().await.unwrap(),
            desired
                .objects
                .iter()
                .map(|o| o.reference.clone())
                .collect()
        );
        let deleted = delete_app(&engine, &desired, Some(&desired), &inventory).await;
        assert!(deleted.succeeded(), "{name}: {deleted:#?}");
        for object in &desired.objects {
            assert!(
                live(&client, &object.reference).await.is_none(),
                "{name}: {} survived the delete",
                object.reference
            );
        }
        assert!(
            inventory.load().await.unwrap().is_empty(),
            "{name}: the parent is gone"
        );
    }
    assert!(total >= 23, "only {total} objects applied");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_object_is_pruned_cluster_scoped_included() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let client = admin(&cluster);
    ensure_namespace(&client, "monitoring").await;
    let engine = fast(client.clone());
    let mut spec = example("cluster-reader");
    apply(&engine, &spec, ApplyOptions::default())
        .await
        .unwrap();
    let role = ObjectRef {
        api_version: "rbac.authorization.k8s.io/v1".into(),
        kind: "ClusterRole".into(),
        namespace: None,
        name: "observer-read".into(),
    };
    assert!(live(&client, &role).await.is_some());

    spec.cluster_roles.clear();
    spec.cluster_role_bindings.clear();
    let desired = Desired::from_spec(&spec).unwrap();
    let inventory = ParentSecretInventory::new(client.clone(), desired.set.clone());
    let plan = engine
        .plan(&desired, &inventory.load().await.unwrap())
        .await
        .unwrap();
    let prunes: Vec<_> = plan
        .objects
        .iter()
        .filter(|o| o.action == Action::Prune)
        .collect();
    assert_eq!(prunes.len(), 2, "{plan:#?}");
    assert!(prunes.iter().all(|p| p.diff.starts_with("--- live")));

    let report = apply(&engine, &spec, ApplyOptions::default())
        .await
        .unwrap();
    assert!(report.succeeded(), "{report:#?}");
    let pruned: Vec<_> = report
        .objects
        .iter()
        .filter(|o| o.outcome == Outcome::Pruned)
        .map(|o| o.reference.kind.as_str())
        .collect();
    assert_eq!(
        pruned,
        vec!["ClusterRoleBinding", "ClusterRole"],
        "bindings go before roles"
    );
    assert!(live(&client, &role).await.is_none());
    assert!(!inventory.load().await.unwrap().contains(&role));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_leaves_an_object_that_is_no_longer_labelled_as_a_member() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let client = admin(&cluster);
    ensure_namespace(&client, "shop").await;
    let engine = fast(client.clone());
    let mut spec = example("web-ingress");
    apply(&engine, &spec, ApplyOptions::default())
        .await
        .unwrap();
    let config = spec.config_maps.remove(0);
    // Someone takes the ConfigMap out of the app by hand; prune must not delete it.
    let config_maps: Api<k8s_openapi::api::core::v1::ConfigMap> =
        Api::namespaced(client.clone(), "shop");
    config_maps
        .patch(
            &config.name,
            &PatchParams::default(),
            &Patch::Merge(
                json!({"metadata": {"labels": {"applyset.kubernetes.io/part-of": null}}}),
            ),
        )
        .await
        .unwrap();
    let report = apply(&engine, &spec, ApplyOptions::default())
        .await
        .unwrap();
    assert!(
        report
            .objects
            .iter()
            .any(|o| o.reference.name == config.name && o.outcome == Outcome::LeftAlone),
        "{report:#?}"
    );
    assert!(config_maps.get_opt(&config.name).await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adoption_is_refused_then_allowed() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let client = admin(&cluster);
    ensure_namespace(&client, "shop").await;
    let config_maps: Api<k8s_openapi::api::core::v1::ConfigMap> =
        Api::namespaced(client.clone(), "shop");
    let spec = example("web-ingress");
    let name = spec.config_maps[0].name.clone();
    config_maps
        .patch(
            &name,
            &PatchParams::apply("kubectl-client-side-apply"),
            &Patch::Apply(json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": name, "namespace": "shop"}, "data": {"hand": "made"}})),
        )
        .await
        .unwrap();
    let engine = fast(client.clone());
    let error = apply(&engine, &spec, ApplyOptions::default())
        .await
        .unwrap_err();
    match &error {
        ApplyError::Adoption(objects) => {
            assert_eq!(objects.len(), 1);
            assert_eq!(objects[0].reference.name, name);
            assert!(
                objects[0]
                    .owner
                    .as_deref()
                    .unwrap()
                    .contains("kubectl-client-side-apply"),
                "{objects:#?}"
            );
        }
        other => panic!("expected an adoption refusal, got {other}"),
    }
    assert!(error.to_string().contains("pass adopt"), "{error}");
    assert!(
        config_maps
            .get_opt("shop-db")
            .await
            .is_ok_and(|o| o.is_none()),
        "nothing is applied when adoption is refused"
    );

    let report = apply(
        &engine,
        &spec,
        ApplyOptions {
            adopt: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(report.succeeded(), "{report:#?}");
    let adopted = config_maps.get(&name).await.unwrap();
    assert!(
        adopted
            .metadata
            .labels
            .unwrap()
            .contains_key("applyset.kubernetes.io/part-of")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_immutable_field_is_reported_at_its_path_then_recreated() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let client = admin(&cluster);
    ensure_namespace(&client, "shop").await;
    let engine = fast(client.clone());
    let mut spec = example("web-ingress");
    apply(&engine, &spec, ApplyOptions::default())
        .await
        .unwrap();
    // The instance label is part of every workload's selector, which cannot change in place.
    spec.instance = Some("shop-blue".into());
    let error = apply(&engine, &spec, ApplyOptions::default())
        .await
        .unwrap_err();
    let ApplyError::Rejected(failures) = &error else {
        panic!("expected a rejection, got {error}");
    };
    let immutable: Vec<_> = failures
        .iter()
        .filter(|f| f.kind == FailureKind::Immutable)
        .collect();
    assert!(!immutable.is_empty(), "{failures:#?}");
    let deployment = immutable
        .iter()
        .find(|f| f.reference.kind == "Deployment")
        .unwrap();
    assert!(deployment.path.starts_with("workloads["), "{deployment:#?}");
    assert!(deployment.message.contains("recreate"), "{deployment:#?}");

    let report = apply(
        &engine,
        &spec,
        ApplyOptions {
            recreate: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(report.succeeded(), "{report:#?}");
    assert!(
        report
            .objects
            .iter()
            .any(|o| o.outcome == Outcome::Recreated)
    );
    let again = apply(&engine, &spec, ApplyOptions::default())
        .await
        .unwrap();
    assert!(
        again
            .objects
            .iter()
            .all(|o| o.outcome == Outcome::Unchanged),
        "{again:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_crd_is_one_error_at_the_appspec_path_and_nothing_is_applied() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let client = admin(&cluster);
    ensure_namespace(&client, "orders").await;
    cluster.knobs().disable_crd_group(CrdGroup::GatewayApi);
    let engine = fast(client.clone());
    let spec = example("api-gateway");
    let error = apply(&engine, &spec, ApplyOptions::default())
        .await
        .unwrap_err();
    let ApplyError::Rejected(failures) = error else {
        panic!("expected a rejection");
    };
    let route = failures
        .iter()
        .find(|f| f.reference.kind == "HTTPRoute")
        .unwrap();
    assert_eq!(route.kind, FailureKind::MissingKind);
    assert!(route.path.starts_with("httpRoutes["), "{route:#?}");
    assert!(
        route
            .message
            .contains("HTTPRoute needs the Gateway API CRDs (gateway.networking.k8s.io)"),
        "{route:#?}"
    );
    let deployments: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(client.clone(), "orders");
    assert!(
        deployments
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // Installed later, the CRD is found without a new engine.
    cluster.knobs().enable_crd_group(CrdGroup::GatewayApi);
    let report = apply(&engine, &spec, ApplyOptions::default())
        .await
        .unwrap();
    assert!(report.succeeded(), "{report:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restricted_token_is_told_which_verb_resource_and_namespace_it_lacks() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    ensure_namespace(&admin(&cluster), "shop").await;
    let mut restricted = cluster.restricted_config();
    restricted.default_retry = false;
    let engine = fast(kube::Client::try_from(restricted).unwrap());
    let error = apply(&engine, &example("web-ingress"), ApplyOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(error, ApplyError::Forbidden(_)), "{error}");
    assert_eq!(
        error.to_string(),
        "the cluster credentials may not get secrets in namespace shop (the app's inventory, Secret kubechart-shop)"
    );
    // Object by object, the plan names what is missing for each.
    let desired = Desired::from_spec(&example("web-ingress")).unwrap();
    let plan = engine.plan(&desired, &Default::default()).await.unwrap();
    let failures = plan.failures();
    assert_eq!(failures.len(), desired.objects.len());
    let deployment = failures
        .iter()
        .find(|f| f.reference.kind == "Deployment")
        .unwrap();
    assert_eq!(deployment.kind, FailureKind::Forbidden);
    assert_eq!(
        deployment.message,
        "the cluster credentials may not get deployments.apps in namespace shop"
    );
    assert!(deployment.path.starts_with("workloads["));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_managers_fields_are_shown_in_the_plan_and_taken_on_apply() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let client = admin(&cluster);
    ensure_namespace(&client, "shop").await;
    let engine = fast(client.clone());
    let spec = example("web-ingress");
    apply(&engine, &spec, ApplyOptions::default())
        .await
        .unwrap();
    let deployment = spec.workloads[0].name.clone();
    let deployments: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(client.clone(), "shop");
    deployments
        .patch(
            &deployment,
            &PatchParams::apply("kubectl-scale").force(),
            &Patch::Apply(json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": deployment, "namespace": "shop"}, "spec": {"replicas": 7}})),
        )
        .await
        .unwrap();
    let desired = Desired::from_spec(&spec).unwrap();
    let inventory = ParentSecretInventory::new(client.clone(), desired.set.clone());
    let plan = engine
        .plan(&desired, &inventory.load().await.unwrap())
        .await
        .unwrap();
    let planned = plan
        .objects
        .iter()
        .find(|o| o.reference.kind == "Deployment" && o.reference.name == deployment)
        .unwrap();
    assert_eq!(planned.action, Action::Update, "{planned:#?}");
    assert!(
        planned
            .conflicts
            .iter()
            .any(|c| c.field == "spec.replicas" && c.manager == "kubectl-scale"),
        "{planned:#?}"
    );
    assert!(planned.diff.contains("replicas"), "{}", planned.diff);
    let report = apply(&engine, &spec, ApplyOptions::default())
        .await
        .unwrap();
    assert!(report.succeeded());
    let replicas = deployments
        .get(&deployment)
        .await
        .unwrap()
        .spec
        .unwrap()
        .replicas;
    assert_eq!(replicas, spec.workloads[0].replicas.or(Some(1)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_failures_are_retried_and_lasting_ones_reported_per_object() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let client = admin(&cluster);
    ensure_namespace(&client, "shop").await;
    let mut engine = fast(client.clone());
    // Half of the writes fail at random: 20 attempts make a request that never gets through
    // a one-in-a-million event, so the test does not flake.
    engine.retry.attempts = 20;
    let spec = example("web-ingress");

    cluster.knobs().inject_latency(Duration::from_millis(30));
    cluster.knobs().fail_requests(
        FailRule::all()
            .verb("patch")
            .resource("configmaps")
            .fraction(0.5)
            .code(503),
    );
    let report = apply(&engine, &spec, ApplyOptions::default())
        .await
        .unwrap();
    assert!(
        report.succeeded(),
        "half the writes failing is retried through: {report:#?}"
    );
    cluster.knobs().clear_faults();
    engine.retry.attempts = 3;

    let mut changed = spec.clone();
    changed.workloads[0].containers[0].image = "nginx:1.28".into();
    // The Deployment's writes fail from the moment the plan is done: its dry-run passes, its
    // apply does not, and what depends on it is not attempted.
    let knobs = cluster.knobs();
    let armed = std::sync::Once::new();
    let progress: kubechart_kube::apply::ProgressSink = Arc::new(move |_, _| {
        armed.call_once(|| {
            knobs.fail_requests(
                FailRule::all()
                    .verb("patch")
                    .resource("deployments")
                    .code(500),
            )
        })
    });
    let desired = Desired::from_spec(&changed).unwrap();
    let inventory = ParentSecretInventory::new(client.clone(), desired.set.clone());
    let report = engine
        .apply(&desired, &inventory, ApplyOptions::default(), progress)
        .await
        .unwrap();
    cluster.knobs().clear_faults();
    assert!(!report.succeeded());
    let failed = report.failures();
    assert_eq!(failed.len(), 1, "{report:#?}");
    assert_eq!(failed[0].reference.kind, "Deployment");
    assert_eq!(failed[0].kind, FailureKind::Unavailable);
    assert!(failed[0].path.starts_with("workloads["), "{:?}", failed[0]);
    let not_attempted: Vec<_> = report
        .objects
        .iter()
        .filter(|o| matches!(o.outcome, Outcome::NotAttempted(_)))
        .map(|o| o.reference.kind.as_str())
        .collect();
    assert!(not_attempted.contains(&"Ingress"), "{report:#?}");
    let recorded = inventory.load().await.unwrap();
    assert!(
        desired
            .objects
            .iter()
            .all(|o| recorded.contains(&o.reference))
    );

    // Failing for good during the plan: nothing is written, the cause is named.
    cluster.knobs().fail_requests(
        FailRule::all()
            .verb("patch")
            .resource("deployments")
            .code(503),
    );
    let error = apply(&engine, &changed, ApplyOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(error, ApplyError::Unavailable(_)), "{error}");
    assert!(error.to_string().contains("503"), "{error}");
    cluster.knobs().clear_faults();

    cluster.knobs().set_down(true);
    let error = apply(&engine, &spec, ApplyOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(error, ApplyError::Unavailable(_)), "{error}");
    assert!(error.to_string().contains("unreachable"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_that_creates_its_namespace_is_applied_and_deleted_with_it() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let client = admin(&cluster);
    let engine = fast(client.clone());
    let spec = example("tenant-namespace");
    assert!(spec.create_namespace);
    let report = apply(&engine, &spec, ApplyOptions::default())
        .await
        .unwrap();
    assert!(report.succeeded(), "{report:#?}");
    let desired = Desired::from_spec(&spec).unwrap();
    let inventory = ParentSecretInventory::new(client.clone(), desired.set.clone());
    let deleted = delete_app(&engine, &desired, None, &inventory).await;
    assert!(deleted.succeeded(), "{deleted:#?}");
    // The delete waited for every object, the namespace last, to be gone.
    let namespaces: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client.clone());
    assert!(namespaces.get_opt(&spec.namespace).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_namespace_is_named_when_the_app_does_not_create_it() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let engine = fast(admin(&cluster));
    let error = apply(&engine, &example("web-ingress"), ApplyOptions::default())
        .await
        .unwrap_err();
    let ApplyError::Rejected(failures) = error else {
        panic!("expected a rejection");
    };
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].path, "namespace");
    assert!(
        failures[0]
            .message
            .contains("namespace shop does not exist")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_held_by_a_finalizer_names_it_and_keeps_the_object_in_the_inventory() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let client = admin(&cluster);
    ensure_namespace(&client, "shop").await;
    let mut engine = fast(client.clone());
    engine.delete_timeout = Duration::from_secs(2);
    let spec = example("web-ingress");
    apply(&engine, &spec, ApplyOptions::default())
        .await
        .unwrap();
    let config_maps: Api<k8s_openapi::api::core::v1::ConfigMap> =
        Api::namespaced(client.clone(), "shop");
    let held = spec.config_maps[0].name.clone();
    config_maps
        .patch(
            &held,
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"finalizers": ["example.com/backup"]}})),
        )
        .await
        .unwrap();
    let desired = Desired::from_spec(&spec).unwrap();
    let inventory = ParentSecretInventory::new(client.clone(), desired.set.clone());
    let report = delete_app(&engine, &desired, None, &inventory).await;
    assert!(!report.succeeded());
    let stuck: Vec<_> = report
        .objects
        .iter()
        .filter(|o| matches!(o.outcome, kubechart_kube::apply::DeletionOutcome::Stuck(_)))
        .collect();
    assert_eq!(stuck.len(), 1, "{report:#?}");
    assert_eq!(stuck[0].reference.name, held);
    assert!(
        format!("{:?}", stuck[0].outcome).contains("example.com/backup"),
        "{:?}",
        stuck[0].outcome
    );
    let remaining = inventory.load().await.unwrap();
    assert_eq!(
        remaining.len(),
        1,
        "only the straggler stays listed: {remaining:?}"
    );

    // Once the finalizer is released, deleting again finishes the job and forgets the app.
    config_maps
        .patch(
            &held,
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"finalizers": null}})),
        )
        .await
        .unwrap();
    let report = delete_app(&engine, &desired, None, &inventory).await;
    assert!(report.succeeded(), "{report:#?}");
    assert!(inventory.load().await.unwrap().is_empty());
    assert!(config_maps.get_opt(&held).await.unwrap().is_none());
}

/// The server runs plans and applies on its worker threads and in spawned tasks.
#[test]
fn the_engines_futures_can_move_between_threads() {
    fn send<T: Send>(_: &T) {}
    async fn all(engine: &Engine, desired: &Desired, inventory: &ParentSecretInventory) {
        let recorded = Default::default();
        let plan = engine.plan(desired, &recorded);
        send(&plan);
        let apply = engine.apply(desired, inventory, ApplyOptions::default(), no_progress());
        send(&apply);
        let delete = engine.delete(
            &desired.set,
            Some(desired),
            inventory,
            DeleteOptions::default(),
            no_progress(),
        );
        send(&delete);
        drop((plan, apply, delete));
    }
    let _ = all;
}

/// An inventory kept beside the cluster, as the server keeps it in its database, so that it can
/// still be read while the cluster cannot.
#[derive(Default)]
struct InventoryBeside(std::sync::Mutex<std::collections::BTreeSet<ObjectRef>>);

impl Inventory for InventoryBeside {
    async fn load(&self) -> Result<std::collections::BTreeSet<ObjectRef>, ApplyError> {
        Ok(self.0.lock().unwrap().clone())
    }

    async fn save(
        &self,
        objects: &std::collections::BTreeSet<ObjectRef>,
    ) -> Result<(), ApplyError> {
        objects.clone_into(&mut self.0.lock().unwrap());
        Ok(())
    }

    async fn clear(&self) -> Result<(), ApplyError> {
        self.0.lock().unwrap().clear();
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_that_cannot_discover_the_kinds_forgets_nothing() {
    let cluster = TestCluster::start(Options::default()).await.unwrap();
    let client = admin(&cluster);
    let spec = example("tenant-namespace");
    let desired = Desired::from_spec(&spec).unwrap();
    let inventory = InventoryBeside::default();
    let report = fast(client.clone())
        .apply(&desired, &inventory, ApplyOptions::default(), no_progress())
        .await
        .unwrap();
    assert!(report.succeeded(), "{report:#?}");
    let recorded = inventory.load().await.unwrap();
    assert!(!recorded.is_empty());

    // A new engine has no kinds cached: it must discover them, and the cluster is away.
    cluster.knobs().set_down(true);
    let deleted = fast(client.clone())
        .delete(
            &desired.set,
            None,
            &inventory,
            DeleteOptions::default(),
            no_progress(),
        )
        .await;
    if let Ok(report) = &deleted {
        assert!(!report.succeeded(), "{report:#?}");
    }
    assert_eq!(inventory.load().await.unwrap(), recorded);
    cluster.knobs().set_down(false);
    let namespaces: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client);
    assert!(namespaces.get_opt(&spec.namespace).await.unwrap().is_some());
}
