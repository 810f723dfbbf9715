//! A deployment's live state, read from its cluster's watch: each object with its health and,
//! for workloads, their pods; the events about them; and pod logs, which may follow the log as
//! it grows. Nothing here writes to the cluster or the database.

mod pods;
pub mod views;

use super::{DeploymentError, Deployments, invalid, render, was_applied};
use crate::clusters::ClusterError;
use crate::error::ApiError;
use crate::watches::Watches;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kubechart_kube::ObjectRef;
use kubechart_kube::connect::{Cause, Unreachable};
use kubechart_kube::health::{Health, HealthState};
use kubechart_kube::watch::{LogLines, LogRequest, WatchError};
use kubechart_manifest::ApplySet;
use kubechart_store::{Deployment, DeploymentId, User};
use std::collections::HashMap;
use views::{
    EventView, EventsQuery, HealthView, LiveState, LogsQuery, ResourceView, ResourcesView,
};

/// Events answered when the client names no limit.
const DEFAULT_EVENTS: usize = 100;
/// The most events one answer holds.
const MAX_EVENTS: usize = 1000;
/// Events read from the cluster before sorting: enough that the Warnings sorted first are the
/// newest Warnings, not only those among the newest events.
const EVENTS_SCANNED: usize = 10_000;
/// Log lines answered when the client names no tail.
const DEFAULT_TAIL: i64 = 1000;
/// The longest tail one answer holds.
const MAX_TAIL: i64 = 10_000;

/// Kinds that run pods; their objects list the pods they run.
const POD_RUNNERS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Pod",
];

/// What reading live state fails with.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// Whatever the deployment service says (404 for an invisible deployment, 409 without a
    /// cluster, 422 for a parameter…).
    #[error(transparent)]
    Deployment(#[from] DeploymentError),
    /// The cluster refused or failed a read.
    #[error(transparent)]
    Watch(#[from] WatchError),
}

impl From<ClusterError> for LiveError {
    fn from(error: ClusterError) -> Self {
        Self::Deployment(error.into())
    }
}

impl From<kube::Error> for LiveError {
    fn from(error: kube::Error) -> Self {
        Self::Watch(error.into())
    }
}

impl From<LiveError> for ApiError {
    fn from(error: LiveError) -> Self {
        match error {
            LiveError::Deployment(error) => error.into(),
            LiveError::Watch(WatchError::Api(kube::Error::Api(status))) => match status.code {
                // The pod went away between the membership check and the read.
                404 => Self::NotFound,
                // The API server's refusal of a log in this state: a container still waiting
                // for its image, no previous instance to read.
                400 => Self::Conflict {
                    message: status.message,
                    fields: Vec::new(),
                },
                403 => Self::ClusterForbidden(status.message),
                _ => unreachable_cluster(Unreachable::classify(&kube::Error::Api(status))),
            },
            LiveError::Watch(WatchError::Api(other)) => {
                unreachable_cluster(Unreachable::classify(&other))
            }
            LiveError::Watch(WatchError::Read(error)) => Self::ClusterUnreachable {
                cause: crate::clusters::cause_name(Cause::Other),
                message: format!("reading from the cluster failed: {error}"),
            },
            LiveError::Watch(WatchError::ShutDown) => {
                Self::Unavailable(anyhow::anyhow!("the server is shutting down"))
            }
        }
    }
}

fn unreachable_cluster(unreachable: Unreachable) -> ApiError {
    ClusterError::Unreachable(unreachable).into()
}

impl Deployments {
    /// Every object of the deployment with its health, workloads with their pods. Objects come
    /// from the revision applied last, plus any the cluster still has labelled as the app's.
    pub async fn resources(
        &self,
        user: &User,
        id: DeploymentId,
        watches: &Watches,
    ) -> Result<ResourcesView, LiveError> {
        let deployment = self.visible(user, id).await?;
        let cluster = self.bound_cluster(user, &deployment).await?;
        let mut view = ResourcesView {
            status: deployment.status.into(),
            status_reason: deployment.status_reason.clone(),
            applied_revision: deployment.applied_revision,
            health: None,
            objects: Vec::new(),
        };
        if !was_applied(&deployment) {
            return Ok(view);
        }
        let expected = self.expected_objects(&deployment).await?;
        let watch = watches.of(&cluster).await?;
        let set_id = set_id(&deployment);
        let snapshot = watch.snapshot(&set_id).await;
        let mut tracked: HashMap<ObjectRef, Health> = snapshot
            .objects
            .iter()
            .map(|o| (o.object.clone(), o.health.clone()))
            .collect();
        let mut objects = Vec::with_capacity(expected.len());
        for object in expected {
            let health = match tracked.remove(&object) {
                Some(health) => health.into(),
                None => without_snapshot(&object, watch.health_of(&object).await),
            };
            objects.push((object, health));
        }
        // Objects of the app the revision no longer has (left by an earlier one, or being pruned).
        objects.extend(
            snapshot
                .objects
                .into_iter()
                .filter(|o| tracked.contains_key(&o.object))
                .map(|o| (o.object, o.health.into())),
        );
        let members = watch.pods(&set_id).await;
        let mut pods = if members.is_empty() {
            HashMap::new()
        } else {
            let connection = self.clusters.connection(&cluster).await?;
            pods::by_owner(connection.client(), &watch, &members).await?
        };
        view.health = Some(snapshot.health.into());
        view.objects = objects
            .into_iter()
            .map(|(object, health)| ResourceView {
                pods: POD_RUNNERS
                    .contains(&object.kind.as_str())
                    .then(|| pods.remove(&object).unwrap_or_default()),
                object: object.into(),
                health,
            })
            .collect();
        Ok(view)
    }

    /// Events about the deployment's objects and what they own (pods included): Warnings
    /// first, then newest first.
    pub async fn events(
        &self,
        user: &User,
        id: DeploymentId,
        query: EventsQuery,
        watches: &Watches,
    ) -> Result<Vec<EventView>, LiveError> {
        let deployment = self.visible(user, id).await?;
        let limit = events_limit(query.limit.as_deref())?;
        let cluster = self.bound_cluster(user, &deployment).await?;
        if !was_applied(&deployment) {
            return Ok(Vec::new());
        }
        let watch = watches.of(&cluster).await?;
        let mut events = watch.events(&set_id(&deployment), EVENTS_SCANNED).await?;
        // A stable sort keeps the newest-first order within each group.
        events.sort_by_key(|event| event.event_type != "Warning");
        events.truncate(limit);
        Ok(events.into_iter().map(Into::into).collect())
    }

    /// A log of one container of one of the deployment's pods, line by line; with `follow`, the
    /// stream goes on until the container stops or the stream is dropped.
    pub async fn logs(
        &self,
        user: &User,
        id: DeploymentId,
        query: LogsQuery,
        watches: &Watches,
    ) -> Result<LogLines, LiveError> {
        let deployment = self.visible(user, id).await?;
        let tail = tail_lines(query.tail.as_deref())?;
        let previous = flag("previous", query.previous.as_deref())?;
        let follow = flag("follow", query.follow.as_deref())?;
        let cluster = self.bound_cluster(user, &deployment).await?;
        let watch = watches.of(&cluster).await?;
        let members = watch.pods(&set_id(&deployment)).await;
        let Some(name) = query.pod.filter(|pod| !pod.is_empty()) else {
            let pods = members.iter().map(|pod| &pod.name);
            return Err(invalid("pod", &listed("required; the app's pods", pods)).into());
        };
        let pod = members
            .into_iter()
            .find(|member| member.name == name)
            .ok_or(DeploymentError::NotFound)?;
        let namespace = pod.namespace.unwrap_or_default();
        let connection = self.clusters.connection(&cluster).await?;
        let found = Api::<Pod>::namespaced(connection.client().clone(), &namespace)
            .get_opt(&pod.name)
            .await?
            .ok_or(DeploymentError::NotFound)?;
        let container = container_of(&found, query.container.filter(|c| !c.is_empty()))?;
        let request = LogRequest {
            container: Some(container),
            tail_lines: Some(tail),
            previous,
            follow,
        };
        Ok(watch.pod_logs(&namespace, &pod.name, &request).await?)
    }

    /// The objects of the revision applied last (the latest one while none was).
    async fn expected_objects(
        &self,
        deployment: &Deployment,
    ) -> Result<Vec<ObjectRef>, DeploymentError> {
        let number = deployment.applied_revision.unwrap_or(deployment.revision);
        let revision = self.find_revision(deployment.id, number).await?;
        let (_, rendered) = render(revision.spec)?;
        Ok(rendered
            .objects
            .into_iter()
            .map(|o| ObjectRef {
                api_version: o.api_version,
                kind: o.kind,
                namespace: o.namespace,
                name: o.name,
            })
            .collect())
    }
}

fn set_id(deployment: &Deployment) -> String {
    ApplySet::of_app(&deployment.name, &deployment.namespace).id
}

/// The health of an expected object the app's snapshot does not list: every watched kind of the
/// app is in the snapshot once it exists, so a Current answer here is a kind without live status.
fn without_snapshot(object: &ObjectRef, health: Health) -> HealthView {
    if health.state == HealthState::Current {
        HealthView {
            state: LiveState::Untracked,
            reason: format!("applied; {} objects have no live status", object.kind),
        }
    } else {
        health.into()
    }
}

/// The container to read: the one named, or the pod's only container.
fn container_of(pod: &Pod, asked: Option<String>) -> Result<String, DeploymentError> {
    let spec = pod.spec.as_ref();
    let names: Vec<&String> = spec
        .into_iter()
        .flat_map(|spec| {
            spec.containers
                .iter()
                .chain(spec.init_containers.iter().flatten())
        })
        .map(|container| &container.name)
        .collect();
    match asked {
        Some(name) if names.contains(&&name) => Ok(name),
        Some(_) => Err(invalid(
            "container",
            &listed("no such container in this pod; its containers", names),
        )),
        None => match spec.map(|spec| spec.containers.as_slice()) {
            Some([only]) => Ok(only.name.clone()),
            _ => Err(invalid(
                "container",
                &listed("required: the pod has several containers", names),
            )),
        },
    }
}

/// `<what>: a, b`, or `<what>: none` when there are none.
fn listed<'a>(what: &str, names: impl IntoIterator<Item = &'a String>) -> String {
    let names: Vec<&str> = names.into_iter().map(String::as_str).collect();
    if names.is_empty() {
        format!("{what}: none")
    } else {
        format!("{what}: {}", names.join(", "))
    }
}

fn events_limit(limit: Option<&str>) -> Result<usize, DeploymentError> {
    match limit {
        None => Ok(DEFAULT_EVENTS),
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|limit| (1..=MAX_EVENTS).contains(limit))
            .ok_or_else(|| {
                invalid(
                    "limit",
                    &format!("must be a whole number from 1 to {MAX_EVENTS}"),
                )
            }),
    }
}

fn tail_lines(tail: Option<&str>) -> Result<i64, DeploymentError> {
    match tail {
        None => Ok(DEFAULT_TAIL),
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|tail| (1..=MAX_TAIL).contains(tail))
            .ok_or_else(|| {
                invalid(
                    "tail",
                    &format!("must be a whole number from 1 to {MAX_TAIL}"),
                )
            }),
    }
}

pub(super) fn flag(name: &str, value: Option<&str>) -> Result<bool, DeploymentError> {
    match value {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(invalid(name, "must be true or false")),
    }
}
