//! The app's pods as the cluster has them now, each under the top-level object that runs it:
//! a pod belongs to its controller, a ReplicaSet's or Job's pod to that ReplicaSet's Deployment
//! or that Job's CronJob when it has one, and a bare Pod to itself.

use super::views::{ContainerState, ContainerView, HealthView, PodView};
use chrono::{DateTime, Utc};
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Container, ContainerStatus, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kube::api::{Api, ListParams};
use kubechart_kube::ObjectRef;
use kubechart_kube::watch::{ClusterWatch, MANAGED_SELECTOR};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The pods of `members` (the app's pods, as the watch found them through their owners), by the
/// top-level object that runs them.
pub(super) async fn by_owner(
    client: &kube::Client,
    watch: &ClusterWatch,
    members: &[ObjectRef],
) -> Result<HashMap<ObjectRef, Vec<PodView>>, kube::Error> {
    let mut by_namespace: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for pod in members {
        if let Some(namespace) = &pod.namespace {
            by_namespace.entry(namespace).or_default().insert(&pod.name);
        }
    }
    let now = Utc::now();
    let mut found: HashMap<ObjectRef, Vec<PodView>> = HashMap::new();
    for (namespace, names) in by_namespace {
        let pods: Vec<Pod> = list::<Pod>(client, namespace)
            .await?
            .into_iter()
            .filter(|pod| {
                pod.metadata
                    .name
                    .as_deref()
                    .is_some_and(|name| names.contains(name))
            })
            .collect();
        let owners = Owners::read(client, namespace, &pods).await?;
        for pod in pods {
            let reference = reference_of(&pod.metadata, "v1", "Pod", namespace);
            let health = watch.health_of(&reference).await.into();
            let owner = owners.top_level(&pod.metadata, namespace);
            found
                .entry(owner)
                .or_default()
                .push(view(pod, namespace, health, now));
        }
    }
    for pods in found.values_mut() {
        pods.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(found)
}

/// The controllers between pods and the app's objects: ReplicaSets (of Deployments) and Jobs
/// (of CronJobs), read only when some pod has one.
struct Owners {
    /// `(kind, name)` of a ReplicaSet or Job → its own controller, when it has one.
    controllers: HashMap<(&'static str, String), OwnerReference>,
}

impl Owners {
    async fn read(
        client: &kube::Client,
        namespace: &str,
        pods: &[Pod],
    ) -> Result<Self, kube::Error> {
        let owned_by = |kind: &str| {
            pods.iter()
                .any(|pod| controller(&pod.metadata).is_some_and(|owner| owner.kind == kind))
        };
        let mut controllers = HashMap::new();
        if owned_by("ReplicaSet") {
            for set in list::<ReplicaSet>(client, namespace).await? {
                remember(&mut controllers, "ReplicaSet", &set.metadata);
            }
        }
        if owned_by("Job") {
            for job in list::<Job>(client, namespace).await? {
                remember(&mut controllers, "Job", &job.metadata);
            }
        }
        Ok(Self { controllers })
    }

    /// The top-level object that runs the pod with `metadata`.
    fn top_level(&self, metadata: &ObjectMeta, namespace: &str) -> ObjectRef {
        let Some(owner) = controller(metadata) else {
            return reference_of(metadata, "v1", "Pod", namespace);
        };
        let key = match owner.kind.as_str() {
            "ReplicaSet" => ("ReplicaSet", owner.name.clone()),
            "Job" => ("Job", owner.name.clone()),
            _ => return owner_ref(owner, namespace),
        };
        owner_ref(self.controllers.get(&key).unwrap_or(owner), namespace)
    }
}

fn remember(
    controllers: &mut HashMap<(&'static str, String), OwnerReference>,
    kind: &'static str,
    metadata: &ObjectMeta,
) {
    if let (Some(name), Some(owner)) = (&metadata.name, controller(metadata)) {
        controllers.insert((kind, name.clone()), owner.clone());
    }
}

async fn list<K>(client: &kube::Client, namespace: &str) -> Result<Vec<K>, kube::Error>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
    K::DynamicType: Default,
{
    let api = Api::<K>::namespaced(client.clone(), namespace);
    let params = ListParams::default().labels(MANAGED_SELECTOR);
    Ok(api.list(&params).await?.items)
}

fn controller(metadata: &ObjectMeta) -> Option<&OwnerReference> {
    metadata
        .owner_references
        .iter()
        .flatten()
        .find(|owner| owner.controller == Some(true))
}

fn owner_ref(owner: &OwnerReference, namespace: &str) -> ObjectRef {
    ObjectRef {
        api_version: owner.api_version.clone(),
        kind: owner.kind.clone(),
        namespace: Some(namespace.to_owned()),
        name: owner.name.clone(),
    }
}

fn reference_of(
    metadata: &ObjectMeta,
    api_version: &str,
    kind: &str,
    namespace: &str,
) -> ObjectRef {
    ObjectRef {
        api_version: api_version.to_owned(),
        kind: kind.to_owned(),
        namespace: Some(namespace.to_owned()),
        name: metadata.name.clone().unwrap_or_default(),
    }
}

fn view(pod: Pod, namespace: &str, health: HealthView, now: DateTime<Utc>) -> PodView {
    let spec = pod.spec.unwrap_or_default();
    let status = pod.status.unwrap_or_default();
    let statuses = status.container_statuses.unwrap_or_default();
    let init_statuses = status.init_container_statuses.unwrap_or_default();
    let created_at = pod
        .metadata
        .creation_timestamp
        .and_then(|time| DateTime::from_timestamp(time.0.as_second(), 0));
    let mut containers: Vec<ContainerView> = Vec::new();
    for (init, declared, reported) in [
        (
            true,
            spec.init_containers.unwrap_or_default(),
            &init_statuses,
        ),
        (false, spec.containers, &statuses),
    ] {
        containers.extend(
            declared
                .into_iter()
                .map(|container| container_view(container, init, reported)),
        );
    }
    let running: Vec<&ContainerView> = containers.iter().filter(|c| !c.init).collect();
    PodView {
        name: pod.metadata.name.unwrap_or_default(),
        namespace: namespace.to_owned(),
        phase: status.phase.unwrap_or_else(|| "Unknown".to_owned()),
        ready_containers: count(running.iter().filter(|c| c.ready).count()),
        container_count: count(running.len()),
        restarts: containers.iter().map(|c| c.restarts).sum(),
        created_at,
        age_seconds: created_at.map(|created| (now - created).num_seconds().max(0)),
        node: spec.node_name,
        health,
        containers,
    }
}

fn container_view(container: Container, init: bool, reported: &[ContainerStatus]) -> ContainerView {
    let status = reported.iter().find(|s| s.name == container.name);
    let (state, reason, message) = match status.and_then(|s| s.state.as_ref()) {
        Some(state) => {
            if let Some(waiting) = &state.waiting {
                (
                    ContainerState::Waiting,
                    waiting.reason.clone(),
                    waiting.message.clone(),
                )
            } else if let Some(terminated) = &state.terminated {
                let reason = terminated
                    .reason
                    .clone()
                    .or_else(|| Some(format!("exit code {}", terminated.exit_code)));
                (
                    ContainerState::Terminated,
                    reason,
                    terminated.message.clone(),
                )
            } else if state.running.is_some() {
                (ContainerState::Running, None, None)
            } else {
                (ContainerState::Unknown, None, None)
            }
        }
        None => (ContainerState::Unknown, None, None),
    };
    ContainerView {
        image: container.image.unwrap_or_default(),
        name: container.name,
        init,
        ready: status.is_some_and(|s| s.ready),
        restarts: status.map_or(0, |s| s.restart_count),
        state,
        reason,
        message,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
