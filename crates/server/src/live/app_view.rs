//! An applied deployment as its cluster shows it: the objects of its applied revision, in apply
//! order, each with the health the cluster's watch reports.

use crate::watches::Watches;
use kubechart_kube::ObjectRef;
use kubechart_kube::apply::Desired;
use kubechart_kube::health::{Health, HealthState, app_health};
use kubechart_kube::watch::{AppEvent, AppUpdate, ClusterWatch, ObjectHealth};
use kubechart_store::{Deployment, Store};
use std::collections::HashMap;
use std::sync::Arc;

/// Where an applied deployment lives and what it consists of.
#[derive(Clone)]
pub struct AppTarget {
    pub watch: Arc<ClusterWatch>,
    /// The app's ApplySet id.
    pub set_id: String,
    /// The objects of the applied revision, in apply order.
    pub expected: Vec<ObjectRef>,
}

/// Why an applied deployment's objects cannot be followed (yet).
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// Worth trying again: the database or the cluster did not answer.
    #[error("{0}")]
    Unavailable(String),
    /// Will not change by waiting: the stored revision does not render.
    #[error("{0}")]
    Broken(String),
}

impl AppTarget {
    /// The target of a deployment that has been applied to a cluster; `None` for a draft, one
    /// without a cluster, or one whose cluster is gone.
    pub async fn of(
        store: &Store,
        watches: &Watches,
        deployment: &Deployment,
    ) -> Result<Option<Self>, TargetError> {
        let (Some(cluster_id), Some(applied)) =
            (deployment.cluster_id, deployment.applied_revision)
        else {
            return Ok(None);
        };
        let unavailable =
            |error: &dyn std::fmt::Display| TargetError::Unavailable(error.to_string());
        let Some(cluster) = store
            .cluster(cluster_id)
            .await
            .map_err(|e| unavailable(&e))?
        else {
            return Ok(None);
        };
        let Some(revision) = store
            .deployment_revision(deployment.id, applied)
            .await
            .map_err(|e| unavailable(&e))?
        else {
            return Ok(None);
        };
        let broken = |error: &dyn std::fmt::Display| TargetError::Broken(error.to_string());
        let spec = kubechart_manifest::spec_from_value(revision.spec).map_err(|e| broken(&e))?;
        let desired = Desired::from_spec(&spec).map_err(|e| broken(&e))?;
        let watch = watches.of(&cluster).await.map_err(|e| unavailable(&e))?;
        Ok(Some(Self {
            watch,
            set_id: desired.set.id,
            expected: desired
                .objects
                .into_iter()
                .map(|object| object.reference)
                .collect(),
        }))
    }
}

/// How to fill in an expected object the watch has not reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unseen {
    /// Ask the watch (kinds without a status count as current; a missing object is not found).
    Ask,
    /// Still waiting for it to be reported.
    Waiting,
}

/// The health of each expected object as reported so far.
pub struct AppView {
    pub target: AppTarget,
    seen: HashMap<ObjectRef, Health>,
}

impl AppView {
    pub fn new(target: AppTarget) -> Self {
        Self {
            target,
            seen: HashMap::new(),
        }
    }

    /// Takes in a snapshot or a change of the app's subscription.
    pub fn apply(&mut self, event: AppEvent) {
        match event {
            AppEvent::Snapshot(snapshot) => {
                self.seen = snapshot
                    .objects
                    .into_iter()
                    .map(|object| (object.object, object.health))
                    .collect();
            }
            AppEvent::Change(change) => match change.update {
                AppUpdate::Object(object) => {
                    self.seen.insert(object.object, object.health);
                }
                AppUpdate::Gone(object) => {
                    self.seen.remove(&object);
                }
                AppUpdate::App(_) => {}
            },
        }
    }

    /// Records one object's health.
    pub fn set(&mut self, object: ObjectRef, health: Health) {
        self.seen.insert(object, health);
    }

    /// Every expected object with its health, in apply order.
    pub async fn objects(&self, unseen: Unseen) -> Vec<ObjectHealth> {
        let mut objects = Vec::with_capacity(self.target.expected.len());
        for object in &self.target.expected {
            let health = match (self.seen.get(object), unseen) {
                (Some(health), _) => health.clone(),
                (None, Unseen::Ask) => self.target.watch.health_of(object).await,
                (None, Unseen::Waiting) => Health::new(
                    HealthState::InProgress,
                    "waiting for the watch to report it",
                ),
            };
            objects.push(ObjectHealth {
                object: object.clone(),
                health,
            });
        }
        objects
    }
}

/// The app's health: its worst object, named.
pub fn health_of(objects: &[ObjectHealth]) -> Health {
    app_health(
        objects
            .iter()
            .map(|object| (&object.object, &object.health)),
    )
}
