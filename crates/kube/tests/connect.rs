//! Cluster connections against the test cluster over HTTPS with the real client: detection through
//! an injected `KUBECONFIG`, every source, cached clients, discovery refresh, the status probe as
//! admin and as a restricted user, and each way a cluster can be unreachable.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use kube::api::GroupVersionKind;
use kubechart_kube::connect::{
    Cause, ClusterStatus, Connection, HostEnv, Registry, ResolveError, Scope, Source, Timeouts,
    TokenSource, UploadedKubeconfig, detect, probe, probe_with_deadline,
};
use kubechart_testcluster::{CrdGroup, Options, TestCluster};
use secrecy::SecretString;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An unreachable cluster must answer well within this.
const QUICKLY: Duration = Duration::from_secs(8);

async fn cluster() -> TestCluster {
    TestCluster::start(Options::default()).await.unwrap()
}

/// A host that has only the test cluster's kubeconfig, through `$KUBECONFIG`.
fn host_of(cluster: &TestCluster) -> HostEnv {
    let mut host = HostEnv::isolated();
    host.kubeconfig = Some(cluster.kubeconfig_path().as_os_str().to_owned());
    host
}

fn ca_pem(cluster: &TestCluster) -> String {
    let config = kube::config::Kubeconfig::read_from(cluster.kubeconfig_path()).unwrap();
    let data = config.clusters[0]
        .cluster
        .as_ref()
        .unwrap()
        .certificate_authority_data
        .clone()
        .unwrap();
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap(),
    )
    .unwrap()
}

fn server_of(cluster: &TestCluster) -> String {
    format!("https://{}", cluster.addr())
}

fn token_source(server: String, token: &str, ca: Option<String>) -> Source {
    Source::Token(TokenSource {
        server,
        token: SecretString::from(token.to_string()),
        certificate_authority: ca,
    })
}

async fn status_of(source: &Source, namespace: Option<&str>) -> ClusterStatus {
    let connection = Connection::open(source, Timeouts::default()).await.unwrap();
    probe(&connection, namespace).await.unwrap()
}

/// Probes a source that must fail, and checks it failed quickly.
async fn failure_of(source: &Source) -> kubechart_kube::connect::Unreachable {
    let connection = Connection::open(source, Timeouts::default()).await.unwrap();
    let started = Instant::now();
    let failure = probe(&connection, None).await.unwrap_err();
    assert!(
        started.elapsed() < QUICKLY,
        "took {:?}: {failure:?}",
        started.elapsed()
    );
    failure
}

#[tokio::test]
async fn the_kubeconfig_is_detected_and_its_current_context_connects() {
    let cluster = cluster().await;
    let detection = detect(&host_of(&cluster));
    assert_eq!(detection.in_cluster, None);
    assert_eq!(detection.files.len(), 1);
    let file = &detection.files[0];
    assert_eq!(file.path, cluster.kubeconfig_path());
    let names: Vec<_> = file.contexts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["kubechart-test", "kubechart-test-limited"]);
    assert_eq!(
        file.contexts[0].server.as_deref(),
        Some(server_of(&cluster).as_str())
    );

    let (name, source) = detection.first().unwrap();
    assert_eq!(name, "kubechart-test");
    assert_eq!(source.kind(), "kubeconfig_path");
    let status = status_of(&source, None).await;
    assert!(status.reachable);
    assert!(status.version.starts_with('v'), "{}", status.version);
    assert_eq!(status.server, server_of(&cluster));
}

#[tokio::test]
async fn the_command_line_picks_the_file_and_context_like_kubectl() {
    let cluster = cluster().await;
    let host = host_of(&cluster);
    let source = Source::from_kubectl_flags(None, Some("kubechart-test-limited"), &host).unwrap();
    let connection = Connection::open(&source, Timeouts::default())
        .await
        .unwrap();
    assert_eq!(connection.default_namespace(), "team-a");
    let explicit =
        Source::from_kubectl_flags(Some(cluster.kubeconfig_path()), None, &HostEnv::isolated())
            .unwrap();
    let connection = Connection::open(&explicit, Timeouts::default())
        .await
        .unwrap();
    assert_eq!(connection.default_namespace(), "default");
    assert!(Source::from_kubectl_flags(None, None, &HostEnv::isolated()).is_err());

    // Like kubectl, a context is looked for across every file of $KUBECONFIG.
    let other = TestCluster::start(Options {
        restricted_namespaces: vec!["team-b".into()],
        ..Options::default()
    })
    .await
    .unwrap();
    let renamed = std::fs::read_to_string(other.kubeconfig_path())
        .unwrap()
        .replace("kubechart-test", "second");
    let dir = tempfile::tempdir().unwrap();
    let second = dir.path().join("second");
    std::fs::write(&second, renamed).unwrap();
    let mut both = HostEnv::isolated();
    both.kubeconfig =
        Some(std::env::join_paths([cluster.kubeconfig_path(), second.as_path()]).unwrap());
    let source = Source::from_kubectl_flags(None, Some("second-limited"), &both).unwrap();
    let connection = Connection::open(&source, Timeouts::default())
        .await
        .unwrap();
    assert_eq!(connection.default_namespace(), "team-b");
}

#[tokio::test]
async fn an_uploaded_kubeconfig_and_a_token_connect() {
    let cluster = cluster().await;
    let text = std::fs::read_to_string(cluster.kubeconfig_path()).unwrap();
    let uploaded = UploadedKubeconfig::parse(&text, Some("kubechart-test")).unwrap();
    let source = Source::Uploaded {
        kubeconfig: uploaded,
        context: Some("kubechart-test".into()),
    };
    assert!(status_of(&source, None).await.reachable);

    let token = token_source(
        server_of(&cluster),
        cluster.admin_token(),
        Some(ca_pem(&cluster)),
    );
    assert!(status_of(&token, None).await.reachable);
}

#[tokio::test]
async fn the_admin_may_do_everything_and_sees_every_picker() {
    let cluster = cluster().await;
    let source = token_source(
        server_of(&cluster),
        cluster.admin_token(),
        Some(ca_pem(&cluster)),
    );
    let status = status_of(&source, None).await;
    assert_eq!(status.permissions.namespace, "default");
    assert_eq!(status.permissions.missing, Vec::<String>::new());
    assert!(
        status
            .permissions
            .kinds
            .iter()
            .any(|k| k.kind == "ClusterRole" && k.denied.is_empty())
    );
    assert!(status.optional_apis.iter().all(|api| api.installed));
    let namespaces: Vec<_> = status
        .pickers
        .namespaces
        .items
        .iter()
        .map(|item| item.name.as_str())
        .collect();
    assert!(namespaces.contains(&"default"), "{namespaces:?}");
    assert_eq!(status.pickers.namespaces.reason, None);
    assert_eq!(status.pickers.gateways.reason, None);
    assert_eq!(status.pickers.cluster_issuers.reason, None);
    // The test cluster serves no IngressClass or StorageClass: empty, and says why.
    assert!(status.pickers.storage_classes.items.is_empty());
    assert!(
        status
            .pickers
            .storage_classes
            .reason
            .as_deref()
            .unwrap()
            .contains("not served")
    );
}

#[tokio::test]
async fn a_restricted_token_sees_what_it_may_not_do() {
    let cluster = cluster().await;
    let source = token_source(
        server_of(&cluster),
        cluster.restricted_token(),
        Some(ca_pem(&cluster)),
    );
    let status = status_of(&source, Some("default")).await;
    assert!(
        status
            .permissions
            .missing
            .contains(&"create deployments.apps in namespace default".to_string()),
        "{:?}",
        status.permissions.missing
    );
    assert!(
        status
            .permissions
            .missing
            .contains(&"create clusterroles.rbac.authorization.k8s.io (cluster-wide)".to_string())
    );
    assert!(status.pickers.namespaces.items.is_empty());
    assert!(
        status
            .pickers
            .namespaces
            .reason
            .as_deref()
            .unwrap()
            .contains("may not list namespaces")
    );

    let in_team = status_of(&source, Some("team-a")).await;
    let deployments = in_team
        .permissions
        .kinds
        .iter()
        .find(|k| k.kind == "Deployment")
        .unwrap();
    assert!(deployments.denied.is_empty(), "{deployments:?}");
    assert!(
        in_team
            .permissions
            .missing
            .iter()
            .all(|line| line.ends_with("(cluster-wide)")),
        "{:?}",
        in_team.permissions.missing
    );
}

#[tokio::test]
async fn missing_optional_apis_come_with_an_install_hint() {
    let cluster = TestCluster::start(Options {
        crd_groups: vec![CrdGroup::GatewayApi],
        ..Options::default()
    })
    .await
    .unwrap();
    let source = token_source(
        server_of(&cluster),
        cluster.admin_token(),
        Some(ca_pem(&cluster)),
    );
    let status = status_of(&source, None).await;
    let by_group = |group: &str| {
        status
            .optional_apis
            .iter()
            .find(|api| api.group == group)
            .unwrap()
            .clone()
    };
    assert!(by_group("gateway.networking.k8s.io").installed);
    let cert_manager = by_group("cert-manager.io");
    assert!(!cert_manager.installed);
    assert!(cert_manager.install_hint.unwrap().contains("cert-manager"));
    assert!(!by_group("gateway.envoyproxy.io").installed);
    assert!(status.pickers.issuers.items.is_empty());
    assert!(status.pickers.issuers.reason.is_some());
}

#[tokio::test]
async fn discovery_is_cached_and_refreshed_once_on_a_miss() {
    let cluster = cluster().await;
    cluster.knobs().disable_crd_group(CrdGroup::CertManager);
    let source = Source::from_kubectl_flags(None, None, &host_of(&cluster)).unwrap();
    let connection = Connection::open(&source, Timeouts::default())
        .await
        .unwrap();
    let certificate = GroupVersionKind::gvk("cert-manager.io", "v1", "Certificate");
    assert!(matches!(
        connection.resolve(&certificate).await,
        Err(ResolveError::NotInstalled { .. })
    ));
    let (deployment, scope) = connection
        .resolve(&GroupVersionKind::gvk("apps", "v1", "Deployment"))
        .await
        .unwrap();
    assert_eq!(deployment.plural, "deployments");
    assert_eq!(scope, Scope::Namespaced);
    let (_, scope) = connection
        .resolve(&GroupVersionKind::gvk("", "v1", "Namespace"))
        .await
        .unwrap();
    assert_eq!(scope, Scope::Cluster);

    // Installed after the connection was made: seen on the next question, no restart.
    cluster.knobs().enable_crd_group(CrdGroup::CertManager);
    let (resource, _) = connection.resolve(&certificate).await.unwrap();
    assert_eq!(resource.plural, "certificates");

    // Cached: answered while the cluster is down.
    cluster.knobs().set_down(true);
    assert!(connection.resolve(&certificate).await.is_ok());
    let httproute = GroupVersionKind::gvk("gateway.networking.k8s.io", "v1", "HTTPRoute");
    assert!(matches!(
        connection.resolve(&httproute).await,
        Err(ResolveError::Unreachable(_))
    ));
}

#[tokio::test]
async fn clients_are_cached_until_the_credentials_change() {
    let cluster = cluster().await;
    let registry: Registry<&str> = Registry::default();
    let source = token_source(
        server_of(&cluster),
        cluster.admin_token(),
        Some(ca_pem(&cluster)),
    );
    let first = registry.connect(&"one", &source).await.unwrap();
    let again = registry.connect(&"one", &source).await.unwrap();
    assert!(Arc::ptr_eq(&first, &again));
    let other = registry.connect(&"two", &source).await.unwrap();
    assert!(!Arc::ptr_eq(&first, &other));

    let rotated = token_source(
        server_of(&cluster),
        cluster.restricted_token(),
        Some(ca_pem(&cluster)),
    );
    let rebuilt = registry.connect(&"one", &rotated).await.unwrap();
    assert!(!Arc::ptr_eq(&first, &rebuilt));
    registry.forget(&"one");
    let fresh = registry.connect(&"one", &rotated).await.unwrap();
    assert!(!Arc::ptr_eq(&rebuilt, &fresh));
}

#[tokio::test]
async fn a_refused_port_is_reported_quickly() {
    let cluster = cluster().await;
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let source = token_source(
        format!("https://127.0.0.1:{port}"),
        cluster.admin_token(),
        Some(ca_pem(&cluster)),
    );
    let failure = failure_of(&source).await;
    assert_eq!(failure.cause, Cause::Refused, "{failure:?}");
}

#[tokio::test]
async fn a_cluster_that_went_down_is_reported_quickly() {
    let cluster = cluster().await;
    let source = token_source(
        server_of(&cluster),
        cluster.admin_token(),
        Some(ca_pem(&cluster)),
    );
    let connection = Connection::open(&source, Timeouts::default())
        .await
        .unwrap();
    assert!(probe(&connection, None).await.is_ok());
    cluster.knobs().set_down(true);
    let started = Instant::now();
    let failure = probe(&connection, None).await.unwrap_err();
    assert!(started.elapsed() < QUICKLY, "took {:?}", started.elapsed());
    assert_eq!(failure.cause, Cause::Refused, "{failure:?}");
    cluster.knobs().set_down(false);
    assert!(probe(&connection, None).await.is_ok(), "recovers by itself");
}

#[tokio::test]
async fn a_wrong_certificate_authority_is_a_tls_failure() {
    let cluster = cluster().await;
    let other = self::cluster().await;
    let source = token_source(
        server_of(&cluster),
        cluster.admin_token(),
        Some(ca_pem(&other)),
    );
    let failure = failure_of(&source).await;
    assert_eq!(failure.cause, Cause::Tls, "{failure:?}");
}

#[tokio::test]
async fn a_bad_token_is_unauthorized_and_never_echoed() {
    let cluster = cluster().await;
    let source = token_source(
        server_of(&cluster),
        "not-the-token-0123456789",
        Some(ca_pem(&cluster)),
    );
    let failure = failure_of(&source).await;
    assert_eq!(failure.cause, Cause::Unauthorized, "{failure:?}");
    assert!(!failure.message.contains("not-the-token"));
}

#[tokio::test]
async fn an_unknown_host_is_a_dns_failure() {
    let source = token_source("https://cluster.invalid:6443".into(), "t", None);
    let failure = failure_of(&source).await;
    assert_eq!(failure.cause, Cause::Dns, "{failure:?}");
}

#[tokio::test]
async fn a_cluster_that_does_not_answer_times_out() {
    let cluster = cluster().await;
    let source = token_source(
        server_of(&cluster),
        cluster.admin_token(),
        Some(ca_pem(&cluster)),
    );
    let connection = Connection::open(&source, Timeouts::default())
        .await
        .unwrap();
    cluster.knobs().inject_latency(Duration::from_secs(30));
    let started = Instant::now();
    let failure = probe_with_deadline(&connection, None, Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(failure.cause, Cause::Timeout, "{failure:?}");
}
