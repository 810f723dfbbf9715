//! The status probe: is the cluster reachable, what does it run, who are we, which optional APIs
//! exist, what may the credentials do, and the lists the form offers (namespaces, classes,
//! gateways, issuers). Everything after the first answer degrades per item, never the whole probe.

use futures::future::join_all;
use k8s_openapi::api::authentication::v1::SelfSubjectReview;
use kube::api::{Api, DynamicObject, GroupVersionKind, ListParams, PostParams};
use kube::discovery::Scope;
use serde::Serialize;
use std::future::Future;
use std::time::{Duration, Instant};

use super::cause::{Cause, Unreachable};
use super::discovery::ResolveError;
use super::permissions::{self, Permissions};
use super::registry::Connection;

/// How long the whole probe may take by default.
const DEFAULT_DEADLINE: Duration = Duration::from_secs(10);
/// The most items a picker lists.
const PICKER_LIMIT: u32 = 500;

/// An optional API KubeChart can use: (name, group, version, kinds, install hint).
type Optional = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
);

const OPTIONAL_APIS: [Optional; 3] = [
    (
        "Gateway API",
        "gateway.networking.k8s.io",
        "v1",
        &["HTTPRoute", "Gateway"],
        "install the Gateway API CRDs: kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/latest/download/standard-install.yaml",
    ),
    (
        "cert-manager",
        "cert-manager.io",
        "v1",
        &["Certificate", "Issuer", "ClusterIssuer"],
        "install cert-manager: helm install cert-manager oci://quay.io/jetstack/charts/cert-manager -n cert-manager --create-namespace --set crds.enabled=true",
    ),
    (
        "Envoy Gateway",
        "gateway.envoyproxy.io",
        "v1alpha1",
        &["BackendTrafficPolicy"],
        "install Envoy Gateway: helm install eg oci://docker.io/envoyproxy/gateway-helm -n envoy-gateway-system --create-namespace",
    ),
];

/// Everything the probe found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterStatus {
    /// Always true in a status: an unreachable cluster is an [`Unreachable`] error instead.
    pub reachable: bool,
    pub server: String,
    /// `gitVersion`, e.g. `v1.33.1`.
    pub version: String,
    /// Round trip of `GET /version`.
    pub latency_ms: u64,
    /// Who the credentials authenticate as, when the server answers SelfSubjectReview.
    pub identity: Option<Identity>,
    pub optional_apis: Vec<OptionalApi>,
    pub permissions: Permissions,
    pub pickers: Pickers,
}

/// The authenticated user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub username: String,
    pub groups: Vec<String>,
}

/// Whether an optional API is installed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OptionalApi {
    pub name: String,
    pub group: String,
    /// The kinds KubeChart uses from it.
    pub kinds: Vec<String>,
    pub installed: bool,
    /// One line saying how to install it, when it is missing.
    pub install_hint: Option<String>,
}

/// The lists the form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pickers {
    pub namespaces: Picker,
    pub ingress_classes: Picker,
    pub storage_classes: Picker,
    pub gateways: Picker,
    pub issuers: Picker,
    pub cluster_issuers: Picker,
}

/// One list; empty with a reason when it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Picker {
    pub items: Vec<PickerItem>,
    /// Why the list is empty although there may be items (not permitted, not installed).
    pub reason: Option<String>,
}

/// One item of a picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PickerItem {
    pub name: String,
    /// For namespaced kinds (Gateways, Issuers).
    pub namespace: Option<String>,
    /// The cluster's default IngressClass or StorageClass.
    pub is_default: bool,
}

/// Probes the cluster within the default deadline; namespaced permissions are checked in
/// `namespace` (the connection's default namespace when `None`).
pub async fn probe(
    connection: &Connection,
    namespace: Option<&str>,
) -> Result<ClusterStatus, Unreachable> {
    probe_with_deadline(connection, namespace, DEFAULT_DEADLINE).await
}

/// [`probe`] with an explicit deadline for the whole probe.
pub async fn probe_with_deadline(
    connection: &Connection,
    namespace: Option<&str>,
    deadline: Duration,
) -> Result<ClusterStatus, Unreachable> {
    let started = Instant::now();
    let client = connection.client();
    let version = within(deadline, client.apiserver_version()).await?;
    let latency = started.elapsed();
    let namespace = namespace.unwrap_or(connection.default_namespace());
    let remaining = || deadline.saturating_sub(started.elapsed());
    // The rules review needs authentication (unlike /version on some servers): a rejected token
    // shows up here as 401 and fails the probe.
    let (permissions, identity, optional_apis, pickers) = futures::join!(
        within(remaining(), permissions::check(client, namespace)),
        identity(connection, remaining()),
        optional_apis(connection, remaining()),
        pickers(connection, remaining()),
    );
    Ok(ClusterStatus {
        reachable: true,
        server: connection.server().to_string(),
        version: version.git_version,
        latency_ms: u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
        identity,
        optional_apis,
        permissions: permissions?,
        pickers,
    })
}

/// Runs a client call with a deadline, classifying failures.
async fn within<T>(
    deadline: Duration,
    call: impl Future<Output = Result<T, impl Into<CallError>>>,
) -> Result<T, Unreachable> {
    match tokio::time::timeout(deadline, call).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(error.into().0),
        Err(_) => Err(Unreachable::timeout(deadline)),
    }
}

/// A failure of a call, already classified.
struct CallError(Unreachable);

impl From<kube::Error> for CallError {
    fn from(error: kube::Error) -> Self {
        CallError(Unreachable::classify(&error))
    }
}

impl From<Unreachable> for CallError {
    fn from(unreachable: Unreachable) -> Self {
        CallError(unreachable)
    }
}

async fn identity(connection: &Connection, deadline: Duration) -> Option<Identity> {
    let gvk = GroupVersionKind::gvk("authentication.k8s.io", "v1", "SelfSubjectReview");
    let served = within(deadline, connection.discovery().is_served(&gvk)).await;
    if !matches!(served, Ok(true)) {
        return None;
    }
    let api = Api::<SelfSubjectReview>::all(connection.client().clone());
    let review = within(
        deadline,
        api.create(&PostParams::default(), &SelfSubjectReview::default()),
    )
    .await
    .ok()?;
    let user = review.status?.user_info?;
    Some(Identity {
        username: user.username?,
        groups: user.groups.unwrap_or_default(),
    })
}

async fn optional_apis(connection: &Connection, deadline: Duration) -> Vec<OptionalApi> {
    join_all(
        OPTIONAL_APIS
            .iter()
            .map(|(name, group, version, kinds, hint)| async move {
                let checks = join_all(kinds.iter().map(|kind| {
                    let gvk = GroupVersionKind::gvk(group, version, kind);
                    async move { within(deadline, connection.discovery().is_served(&gvk)).await }
                }))
                .await;
                let installed = checks.iter().all(|served| matches!(served, Ok(true)));
                OptionalApi {
                    name: name.to_string(),
                    group: group.to_string(),
                    kinds: kinds.iter().map(|kind| kind.to_string()).collect(),
                    installed,
                    install_hint: (!installed).then(|| hint.to_string()),
                }
            }),
    )
    .await
}

async fn pickers(connection: &Connection, deadline: Duration) -> Pickers {
    let list =
        |group: &'static str, version: &'static str, kind: &'static str, default_annotation| {
            picker(
                connection,
                deadline,
                GroupVersionKind::gvk(group, version, kind),
                default_annotation,
            )
        };
    let (namespaces, ingress_classes, storage_classes, gateways, issuers, cluster_issuers) = futures::join!(
        list("", "v1", "Namespace", None),
        list(
            "networking.k8s.io",
            "v1",
            "IngressClass",
            Some("ingressclass.kubernetes.io/is-default-class")
        ),
        list(
            "storage.k8s.io",
            "v1",
            "StorageClass",
            Some("storageclass.kubernetes.io/is-default-class")
        ),
        list("gateway.networking.k8s.io", "v1", "Gateway", None),
        list("cert-manager.io", "v1", "Issuer", None),
        list("cert-manager.io", "v1", "ClusterIssuer", None),
    );
    Pickers {
        namespaces,
        ingress_classes,
        storage_classes,
        gateways,
        issuers,
        cluster_issuers,
    }
}

/// Lists one kind across the cluster; empty with a reason when that is not possible.
async fn picker(
    connection: &Connection,
    deadline: Duration,
    gvk: GroupVersionKind,
    default_annotation: Option<&str>,
) -> Picker {
    let empty = |reason: String| Picker {
        items: Vec::new(),
        reason: Some(reason),
    };
    let resolved = tokio::time::timeout(deadline, connection.resolve(&gvk)).await;
    let (resource, scope) = match resolved {
        Ok(Ok(found)) => found,
        Ok(Err(ResolveError::NotInstalled { .. })) => {
            return empty(format!("{} is not served by this cluster", gvk.kind));
        }
        Ok(Err(ResolveError::Unreachable(unreachable))) => return empty(unreachable.message),
        Err(_) => return empty(Unreachable::timeout(deadline).message),
    };
    let api = Api::<DynamicObject>::all_with(connection.client().clone(), &resource);
    let listed = within(
        deadline,
        api.list(&ListParams::default().limit(PICKER_LIMIT)),
    )
    .await;
    match listed {
        Ok(list) => Picker {
            items: list
                .items
                .into_iter()
                .map(|object| PickerItem {
                    is_default: default_annotation.is_some_and(|annotation| {
                        object
                            .metadata
                            .annotations
                            .as_ref()
                            .and_then(|annotations| annotations.get(annotation))
                            .is_some_and(|value| value == "true")
                    }),
                    namespace: match scope {
                        Scope::Namespaced => object.metadata.namespace.clone(),
                        Scope::Cluster => None,
                    },
                    name: object.metadata.name.unwrap_or_default(),
                })
                .collect(),
            reason: None,
        },
        Err(unreachable) if unreachable.cause == Cause::Forbidden => empty(format!(
            "the credentials may not list {} across the cluster",
            resource.plural
        )),
        Err(unreachable) => empty(unreachable.message),
    }
}
