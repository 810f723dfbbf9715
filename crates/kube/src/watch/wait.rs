//! Waiting for objects to become Current (or one to fail), for `apply --wait` and
//! `status --watch`.

use std::collections::HashMap;

use futures::future::join_all;
use kube::api::{Api, DynamicObject};
use tokio::sync::broadcast::{self, error::RecvError};

use super::kinds::watched;
use super::{AppChange, ObjectHealth, Shared, WatchError, runner};
use crate::ObjectRef;
use crate::health::{Health, HealthState};

/// How a wait ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitOutcome {
    /// Every object is Current.
    Current,
    /// This object failed.
    Failed(ObjectHealth),
    /// The deadline passed; these objects were not Current yet.
    TimedOut(Vec<ObjectHealth>),
}

/// An object's health now. Kinds that are not watched have no status: Current once applied.
pub(super) fn health_now(shared: &Shared, object: &ObjectRef) -> Health {
    if watched(object.group(), &object.kind).is_none() {
        return Health::new(HealthState::Current, "applied (no status to wait for)");
    }
    let cache = shared.cache();
    match cache.health_of(object) {
        Some(health) => health,
        None if cache.is_synced(&object.kind) => Health::not_found(),
        None => Health::new(HealthState::NotFound, "not seen yet"),
    }
}

/// Which version of an object the wait needs the watch to have seen.
struct Expected {
    uid: String,
    generation: Option<i64>,
}

impl Expected {
    /// Whether the watch's copy is this object (not one deleted before a recreate) at this
    /// generation or later.
    fn seen_in(&self, cached: Option<(&str, Option<i64>)>) -> bool {
        cached.is_some_and(|(uid, generation)| uid == self.uid && generation >= self.generation)
    }
}

/// Each object's uid and generation on the server now: right after an apply, the watch may still
/// hold the previous version (or the object a recreate replaced), whose status says nothing
/// about the new spec.
async fn server_versions<'a>(
    shared: &Shared,
    objects: &'a [ObjectRef],
) -> HashMap<&'a ObjectRef, Expected> {
    let reads = objects.iter().filter_map(|object| {
        let kind = watched(object.group(), &object.kind)?;
        let api: Api<DynamicObject> = match &object.namespace {
            Some(namespace) => {
                Api::namespaced_with(shared.client.clone(), namespace, &kind.api_resource())
            }
            None => Api::all_with(shared.client.clone(), &kind.api_resource()),
        };
        Some(async move {
            match api.get_opt(&object.name).await {
                Ok(found) => found.and_then(|o| {
                    let expected = Expected {
                        uid: o.metadata.uid?,
                        generation: o.metadata.generation,
                    };
                    Some((object, expected))
                }),
                Err(error) => {
                    tracing::debug!(%object, %error, "reading the generation to wait for failed");
                    None
                }
            }
        })
    });
    join_all(reads).await.into_iter().flatten().collect()
}

pub(super) async fn wait_for(
    shared: &Shared,
    mut changes: broadcast::Receiver<AppChange>,
    objects: &[ObjectRef],
    deadline: tokio::time::Instant,
    mut progress: impl FnMut(&ObjectRef, &Health),
) -> Result<WaitOutcome, WatchError> {
    // Subscribed before the first look, so no change between the two is missed.
    let _ = tokio::time::timeout_at(deadline, runner::initial_sync(shared)).await;
    let expected = server_versions(shared, objects).await;
    let mut last: HashMap<&ObjectRef, Health> = HashMap::new();
    loop {
        let mut all_current = true;
        for object in objects {
            let caught_up = expected
                .get(object)
                .is_none_or(|expected| expected.seen_in(shared.cache().version_of(object)));
            let health = if caught_up {
                health_now(shared, object)
            } else {
                Health::new(HealthState::InProgress, "waiting for the watch to catch up")
            };
            if last.get(object) != Some(&health) {
                progress(object, &health);
                last.insert(object, health.clone());
            }
            match health.state {
                HealthState::Failed => {
                    return Ok(WaitOutcome::Failed(ObjectHealth {
                        object: object.clone(),
                        health,
                    }));
                }
                HealthState::Current => {}
                _ => all_current = false,
            }
        }
        if all_current {
            return Ok(WaitOutcome::Current);
        }
        tokio::select! {
            () = tokio::time::sleep_until(deadline) => {
                let waiting = objects
                    .iter()
                    .filter_map(|object| {
                        let health = last.get(object)?;
                        (health.state != HealthState::Current).then(|| ObjectHealth {
                            object: object.clone(),
                            health: health.clone(),
                        })
                    })
                    .collect();
                return Ok(WaitOutcome::TimedOut(waiting));
            }
            () = shared.cancel.cancelled() => return Err(WatchError::ShutDown),
            received = changes.recv() => match received {
                // Any change (or a lag) may concern our objects or their children: look again.
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return Err(WatchError::ShutDown),
            },
        }
    }
}
