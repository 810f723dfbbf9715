//! Applying a plan: server-side apply along the dependency graph with bounded concurrency, then
//! prune in reverse order, with the inventory widened before and narrowed after.

use super::desired::{Desired, DesiredObject};
use super::failure::{FailureKind, ObjectFailure, transport_message};
use super::graph::{dependencies, topological_order};
use super::inventory::Inventory;
use super::kinds::KindError;
use super::plan::{Action, Plan, member_of};
use super::{ApplyError, Engine, FIELD_MANAGER, Progress, ProgressSink};
use crate::ObjectRef;
use futures::StreamExt as _;
use futures::stream::FuturesUnordered;
use kube::api::{DeleteParams, Patch, PatchParams};
use kube::runtime::WatchStreamExt as _;
use kube::runtime::watcher::watch_object;
use serde::Serialize;
use std::collections::BTreeSet;
use std::time::Duration;

/// What the caller allows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Take over objects that exist but belong to another app or to none.
    pub adopt: bool,
    /// Delete and re-create objects whose immutable fields changed.
    pub recreate: bool,
}

/// What happened to one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "result", content = "detail")]
pub enum Outcome {
    /// Created.
    Created,
    /// Changed in place.
    Updated,
    /// Already as desired; not written.
    Unchanged,
    /// Deleted and created again (immutable field changed, `recreate` given).
    Recreated,
    /// Deleted because the app no longer has it.
    Pruned,
    /// Not deleted although the app no longer has it: it is no longer labelled as a member.
    LeftAlone,
    /// Failed.
    Failed(ObjectFailure),
    /// Not tried, with the reason (a dependency failed, or an apply failed before prune).
    NotAttempted(String),
}

impl Outcome {
    fn is_success(&self) -> bool {
        !matches!(self, Self::Failed(_) | Self::NotAttempted(_))
    }
}

/// One object's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppliedObject {
    /// Which object.
    pub reference: ObjectRef,
    /// The AppSpec entry it comes from; empty for pruned objects.
    pub spec_path: String,
    /// What happened.
    pub outcome: Outcome,
}

/// The exact result of an apply, object by object.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyReport {
    /// The plan that was carried out.
    pub plan: Plan,
    /// The app's objects in apply order, then the pruned ones.
    pub objects: Vec<AppliedObject>,
}

impl ApplyReport {
    /// Whether every object was applied and every prune confirmed.
    pub fn succeeded(&self) -> bool {
        self.objects.iter().all(|o| o.outcome.is_success())
    }

    /// The failed objects.
    pub fn failures(&self) -> Vec<&ObjectFailure> {
        self.objects
            .iter()
            .filter_map(|o| match &o.outcome {
                Outcome::Failed(failure) => Some(failure),
                _ => None,
            })
            .collect()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Waiting,
    Running,
    Succeeded,
    Failed,
}

impl Engine {
    /// Plans and applies `desired`, recording membership in `inventory`, reporting each object's
    /// progress to `progress`. Refuses before any write when the plan has failures (immutable
    /// fields count unless `recreate` is given) or would adopt objects without `adopt`.
    pub async fn apply(
        &self,
        desired: &Desired,
        inventory: &impl Inventory,
        options: ApplyOptions,
        progress: ProgressSink,
    ) -> Result<ApplyReport, ApplyError> {
        let recorded = inventory.load().await?;
        let plan = self.plan(desired, &recorded).await?;
        refuse_unless_allowed(&plan, options)?;
        for object in &desired.objects {
            progress(&object.reference, &Progress::Pending);
        }
        let mut results: Vec<Option<Outcome>> = vec![None; desired.objects.len()];
        // The inventory lives in the app's namespace: when the app creates it, it goes first.
        if let Some(index) = desired.objects.iter().position(|o| {
            o.reference.kind == "Namespace"
                && o.reference.name == desired.set.namespace
                && plan
                    .get(&o.reference)
                    .is_some_and(|p| p.action == Action::Create)
        }) {
            let outcome = self
                .apply_one(desired, &desired.objects[index], &plan, &progress)
                .await;
            let failed = !outcome.is_success();
            results[index] = Some(outcome);
            if failed {
                return Ok(report(desired, plan, results, Vec::new()));
            }
        }
        let mut widened = recorded.clone();
        widened.extend(desired.objects.iter().map(|o| o.reference.clone()));
        inventory.save(&widened).await?;

        self.run_graph(desired, &plan, &mut results, &progress)
            .await;
        let applied_all = results
            .iter()
            .all(|r| r.as_ref().is_some_and(Outcome::is_success));
        // Pruning after a failed apply could take away the old objects still serving while
        // their replacements failed (a renamed Deployment): prune only after a complete apply.
        let pruned = if applied_all {
            self.prune(desired, &plan, &progress).await
        } else {
            prunes_not_attempted(&plan)
        };
        let mut narrowed: BTreeSet<ObjectRef> = desired
            .objects
            .iter()
            .map(|o| o.reference.clone())
            .collect();
        narrowed.extend(
            pruned
                .iter()
                .filter(|p| !matches!(p.outcome, Outcome::Pruned | Outcome::LeftAlone))
                .map(|p| p.reference.clone()),
        );
        inventory.save(&narrowed).await?;
        Ok(report(desired, plan, results, pruned))
    }

    /// Starts each object as soon as everything it depends on is applied, at most
    /// `concurrency` at once; the dependents of a failed object are not attempted.
    async fn run_graph(
        &self,
        desired: &Desired,
        plan: &Plan,
        results: &mut [Option<Outcome>],
        progress: &ProgressSink,
    ) {
        let pairs: Vec<(&ObjectRef, &serde_json::Value)> = desired
            .objects
            .iter()
            .map(|o| (&o.reference, &o.manifest))
            .collect();
        let deps = dependencies(&pairs);
        let order = topological_order(&deps);
        let mut steps: Vec<Step> = results
            .iter()
            .map(|r| match r {
                Some(outcome) if outcome.is_success() => Step::Succeeded,
                Some(_) => Step::Failed,
                None => Step::Waiting,
            })
            .collect();
        let mut running = FuturesUnordered::new();
        loop {
            for &index in &order {
                if steps[index] != Step::Waiting {
                    continue;
                }
                if let Some(&failed) = deps[index].iter().find(|&&d| steps[d] == Step::Failed) {
                    let reason = format!(
                        "not attempted: {} failed",
                        desired.objects[failed].reference
                    );
                    progress(
                        &desired.objects[index].reference,
                        &Progress::NotAttempted(reason.clone()),
                    );
                    results[index] = Some(Outcome::NotAttempted(reason));
                    steps[index] = Step::Failed;
                    continue;
                }
                let ready = deps[index].iter().all(|&d| steps[d] == Step::Succeeded);
                if ready && running.len() < self.concurrency.max(1) {
                    steps[index] = Step::Running;
                    let object = &desired.objects[index];
                    running.push(async move {
                        (index, self.apply_one(desired, object, plan, progress).await)
                    });
                }
            }
            let Some((index, outcome)) = running.next().await else {
                break;
            };
            steps[index] = if outcome.is_success() {
                Step::Succeeded
            } else {
                Step::Failed
            };
            results[index] = Some(outcome);
        }
    }

    async fn apply_one(
        &self,
        desired: &Desired,
        object: &DesiredObject,
        plan: &Plan,
        progress: &ProgressSink,
    ) -> Outcome {
        let reference = &object.reference;
        let planned = plan.get(reference);
        if planned.is_some_and(|p| p.action == Action::Unchanged && p.failure.is_none()) {
            progress(reference, &Progress::Unchanged);
            return Outcome::Unchanged;
        }
        progress(reference, &Progress::Applying);
        let recreate = planned
            .and_then(|p| p.failure.as_ref())
            .is_some_and(|f| f.kind == FailureKind::Immutable);
        let outcome = match self.write(desired, object, recreate, progress).await {
            Ok(()) if recreate => Outcome::Recreated,
            Ok(()) if planned.is_some_and(|p| p.action == Action::Create) => Outcome::Created,
            Ok(()) => Outcome::Updated,
            Err(failure) => Outcome::Failed(failure),
        };
        let shown = match &outcome {
            Outcome::Failed(failure) => Progress::Failed(failure.message.clone()),
            _ => Progress::Applied,
        };
        progress(reference, &shown);
        outcome
    }

    async fn write(
        &self,
        desired: &Desired,
        object: &DesiredObject,
        recreate: bool,
        progress: &ProgressSink,
    ) -> Result<(), ObjectFailure> {
        let reference = &object.reference;
        let api = self
            .kinds
            .api(reference)
            .await
            .map_err(|e| unavailable(reference, &object.spec_path, e.to_string()))?;
        if recreate {
            progress(reference, &Progress::Deleting);
            let params = DeleteParams::background();
            match self
                .retry
                .run(|| api.delete(&reference.name, &params))
                .await
            {
                Ok(_) => {}
                Err(kube::Error::Api(status)) if status.is_not_found() => {}
                Err(error) => return Err(self.failure(&error, reference, desired, "delete").await),
            }
            self.wait_until_gone(&api, &reference.name, self.delete_timeout)
                .await
                .map_err(|message| unavailable(reference, &object.spec_path, message))?;
            progress(reference, &Progress::Applying);
        }
        let params = PatchParams::apply(FIELD_MANAGER).force();
        let patch = Patch::Apply(&object.manifest);
        match self
            .retry
            .run(|| api.patch(&reference.name, &params, &patch))
            .await
        {
            Ok(_) => Ok(()),
            Err(error) => Err(self.failure(&error, reference, desired, "patch").await),
        }
    }

    /// Waits until the object is gone (or replaced by a new one of the same name), watching it
    /// rather than polling, up to `timeout`.
    pub(crate) async fn wait_until_gone(
        &self,
        api: &kube::Api<kube::api::DynamicObject>,
        name: &str,
        timeout: Duration,
    ) -> Result<(), String> {
        let uid = match api.get_opt(name).await {
            Ok(None) => return Ok(()),
            Ok(Some(object)) => object.metadata.uid,
            Err(error) => return Err(transport_message(&error)),
        };
        // Reconnects with backoff: a watch cut by a read timeout or a restart is not a failure.
        let changes = watch_object(api.clone(), name).default_backoff();
        let gone = async {
            futures::pin_mut!(changes);
            while let Some(change) = changes.next().await {
                match change {
                    Ok(None) => return,
                    Ok(Some(object)) if object.metadata.uid != uid => return,
                    Ok(Some(_)) => {}
                    Err(error) => tracing::debug!(name, %error, "watch of a deletion interrupted"),
                }
            }
        };
        tokio::time::timeout(timeout, gone)
            .await
            .map_err(|_| format!("{name} was still there after {}s", timeout.as_secs()))
    }

    /// Deletes the objects the app no longer has, in reverse dependency order (kinds applied
    /// last go first), after confirming each is still labelled as a member.
    async fn prune(
        &self,
        desired: &Desired,
        plan: &Plan,
        progress: &ProgressSink,
    ) -> Vec<AppliedObject> {
        let mut prunes: Vec<&ObjectRef> = plan
            .objects
            .iter()
            .filter(|p| p.action == Action::Prune)
            .map(|p| &p.reference)
            .collect();
        prunes.sort_by_key(|r| std::cmp::Reverse(delete_rank(r)));
        let mut results: Vec<AppliedObject> = plan
            .objects
            .iter()
            .filter(|p| p.action == Action::Release)
            .map(|p| AppliedObject {
                reference: p.reference.clone(),
                spec_path: String::new(),
                outcome: Outcome::LeftAlone,
            })
            .collect();
        for reference in prunes {
            progress(reference, &Progress::Deleting);
            let outcome = match self
                .delete_member(&desired.set.id, reference, DeleteParams::background())
                .await
            {
                Ok(true) => Outcome::Pruned,
                Ok(false) => Outcome::LeftAlone,
                Err(failure) => Outcome::Failed(failure),
            };
            let shown = match &outcome {
                Outcome::Failed(failure) => Progress::Failed(failure.message.clone()),
                _ => Progress::Deleted,
            };
            progress(reference, &shown);
            results.push(AppliedObject {
                reference: reference.clone(),
                spec_path: String::new(),
                outcome,
            });
        }
        results
    }

    /// Deletes one object if it is still labelled as a member of `set_id`: `Ok(true)` when the
    /// API server confirmed the delete (or it was already gone), `Ok(false)` when it is no
    /// longer a member and was left alone.
    pub(crate) async fn delete_member(
        &self,
        set_id: &str,
        reference: &ObjectRef,
        params: DeleteParams,
    ) -> Result<bool, ObjectFailure> {
        // A kind the cluster no longer serves (its CRD removed) has no objects left to delete; a
        // discovery that failed says nothing about them, so the delete fails rather than
        // forgetting objects that may still run.
        let api = match self.kinds.api(reference).await {
            Ok(api) => api,
            Err(KindError::NotServed(_)) => return Ok(true),
            Err(KindError::Discovery(message)) => return Err(unavailable(reference, "", message)),
        };
        let live = match self.retry.run(|| api.get_opt(&reference.name)).await {
            Ok(live) => live,
            Err(error) => return Err(unavailable(reference, "", transport_message(&error))),
        };
        let Some(live) = live else {
            return Ok(true);
        };
        let live = serde_json::to_value(live).unwrap_or_default();
        if member_of(&live) != Some(set_id) {
            return Ok(false);
        }
        match self
            .retry
            .run(|| api.delete(&reference.name, &params))
            .await
        {
            Ok(_) => Ok(true),
            Err(kube::Error::Api(status)) if status.is_not_found() => Ok(true),
            Err(error) => {
                let resource = self.kinds.resource_name(reference).await;
                Err(super::failure::classify(
                    &error, reference, None, "delete", &resource,
                ))
            }
        }
    }
}

/// Refuses before any write: objects the cluster would not accept (immutable fields count unless
/// `recreate` is given), a cluster that cannot be reached, adoption without `adopt`.
fn refuse_unless_allowed(plan: &Plan, options: ApplyOptions) -> Result<(), ApplyError> {
    let failures = plan.failures();
    if let Some(down) = failures.iter().find(|f| f.kind == FailureKind::Unavailable) {
        return Err(ApplyError::Unavailable(down.to_string()));
    }
    let blocking: Vec<ObjectFailure> = failures
        .into_iter()
        .filter(|f| !(options.recreate && f.kind == FailureKind::Immutable))
        .collect();
    if !blocking.is_empty() {
        return Err(ApplyError::Rejected(blocking));
    }
    let adoptions = plan.adoptions();
    if !adoptions.is_empty() && !options.adopt {
        return Err(ApplyError::Adoption(adoptions));
    }
    Ok(())
}

fn prunes_not_attempted(plan: &Plan) -> Vec<AppliedObject> {
    plan.objects
        .iter()
        .filter(|p| p.action == Action::Prune)
        .map(|p| AppliedObject {
            reference: p.reference.clone(),
            spec_path: String::new(),
            outcome: Outcome::NotAttempted("not pruned because the apply did not succeed".into()),
        })
        .collect()
}

fn report(
    desired: &Desired,
    plan: Plan,
    results: Vec<Option<Outcome>>,
    pruned: Vec<AppliedObject>,
) -> ApplyReport {
    let mut objects: Vec<AppliedObject> = desired
        .objects
        .iter()
        .zip(results)
        .map(|(object, outcome)| AppliedObject {
            reference: object.reference.clone(),
            spec_path: object.spec_path.clone(),
            outcome: outcome.unwrap_or_else(|| {
                Outcome::NotAttempted("the apply stopped before this object".into())
            }),
        })
        .collect();
    objects.extend(pruned);
    ApplyReport { plan, objects }
}

/// Kinds applied later are deleted earlier; kinds the renderer does not know go first.
pub(crate) fn delete_rank(reference: &ObjectRef) -> u8 {
    kubechart_manifest::Object::tier_of_kind(&reference.kind).unwrap_or(u8::MAX)
}

fn unavailable(reference: &ObjectRef, path: &str, message: String) -> ObjectFailure {
    ObjectFailure {
        reference: reference.clone(),
        path: path.to_owned(),
        kind: FailureKind::Unavailable,
        message,
    }
}
