//! The plan: what applying an app would do to each object, found without side effects. Every kind
//! is resolved by discovery, every object is dry-run on the server on its own (so objects that
//! depend on each other never fail a whole-set dry-run), and the result is compared with what is
//! live.

use super::desired::{Desired, DesiredObject};
use super::failure::{FailureKind, ObjectFailure, classify};
use super::kinds::KindError;
use super::normalize::{align_keys, mask_secrets, strip, yaml_diff};
use super::rollout::{PodRollout, pod_rollout};
use super::{ApplyError, Engine, FIELD_MANAGER};
use crate::ObjectRef;
use futures::{StreamExt as _, TryStreamExt as _};
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, DynamicObject, ListParams, Patch, PatchParams};
use kubechart_manifest::{APPLYSET_PART_OF_LABEL, INSTANCE_LABEL, MANAGED_BY_LABEL, MANAGER};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;

/// What applying does to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    /// It does not exist yet.
    Create,
    /// It exists and some of our fields differ.
    Update,
    /// It exists exactly as desired: it will not be written.
    Unchanged,
    /// It exists but belongs to another app or to no app we know: taken over only when allowed.
    Adopt,
    /// It belongs to the app but the new revision no longer has it: deleted after the apply.
    Prune,
    /// The inventory lists it but it is no longer labelled as a member: dropped from the set and
    /// left in the cluster, because someone took it out of the app on purpose.
    Release,
}

/// A field another field manager owns, which applying takes over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldConflict {
    /// The field, e.g. `spec.replicas`.
    pub field: String,
    /// Who owns it now, e.g. `kubectl-scale`.
    pub manager: String,
}

/// One object in the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedObject {
    /// Which object.
    pub reference: ObjectRef,
    /// The AppSpec entry it comes from; empty for objects only the inventory knows.
    pub spec_path: String,
    /// What applying does to it.
    pub action: Action,
    /// Unified YAML diff, live → desired, of the fields a user sets (Secret values masked).
    pub diff: String,
    /// For `adopt`: who the object belongs to now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Fields other managers own that applying takes over.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<FieldConflict>,
    /// Why the object cannot be applied as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<ObjectFailure>,
    /// Anything else worth knowing (e.g. validated only when applied).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// For a workload that exists: whether applying replaces its running pods, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pods: Option<PodRollout>,
}

/// The plan of one app.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// The desired objects in apply order, then the objects to prune.
    pub objects: Vec<PlannedObject>,
}

impl Plan {
    /// Every object that cannot be applied, with its reason.
    pub fn failures(&self) -> Vec<ObjectFailure> {
        self.objects
            .iter()
            .filter_map(|o| o.failure.clone())
            .collect()
    }

    /// Whether applying would change anything in the cluster.
    pub fn has_changes(&self) -> bool {
        self.objects
            .iter()
            .any(|o| !matches!(o.action, Action::Unchanged | Action::Release))
    }

    /// Objects that would be taken over from another owner.
    pub fn adoptions(&self) -> Vec<PlannedObject> {
        self.objects
            .iter()
            .filter(|o| o.action == Action::Adopt)
            .cloned()
            .collect()
    }

    /// The planned entry of one object.
    pub fn get(&self, reference: &ObjectRef) -> Option<&PlannedObject> {
        self.objects.iter().find(|o| &o.reference == reference)
    }
}

impl Engine {
    /// Plans `desired` against the live cluster, with `recorded` the objects the inventory lists
    /// (those no longer desired become prunes). No side effects.
    pub async fn plan(
        &self,
        desired: &Desired,
        recorded: &BTreeSet<ObjectRef>,
    ) -> Result<Plan, ApplyError> {
        let namespace_missing = !self.namespace_exists(&desired.set.namespace).await?;
        if namespace_missing && !desired.creates_namespace() {
            return Err(ApplyError::Rejected(vec![ObjectFailure {
                reference: ObjectRef {
                    api_version: "v1".into(),
                    kind: "Namespace".into(),
                    namespace: None,
                    name: desired.set.namespace.clone(),
                },
                path: "namespace".into(),
                kind: FailureKind::MissingNamespace,
                message: format!(
                    "namespace {} does not exist on the cluster; create it or turn on createNamespace",
                    desired.set.namespace
                ),
            }]));
        }
        // The futures are made before they go into the stream: a closure inside the stream
        // would make the whole plan a future the compiler cannot prove `Send`.
        let members = self.live_members(desired, namespace_missing).await;
        let planning: Vec<_> = desired
            .objects
            .iter()
            .map(|object| self.plan_object(desired, object, namespace_missing, &members))
            .collect();
        let mut objects: Vec<PlannedObject> = futures::stream::iter(planning)
            .buffered(self.concurrency.max(1))
            .try_collect()
            .await?;
        defer_to_apply(desired, &mut objects);
        let wanted: BTreeSet<&ObjectRef> = desired.objects.iter().map(|o| &o.reference).collect();
        let stale: Vec<&ObjectRef> = recorded.iter().filter(|r| !wanted.contains(r)).collect();
        let pruning: Vec<_> = stale
            .into_iter()
            .map(|reference| self.plan_prune(&desired.set.id, reference))
            .collect();
        let prunes: Vec<Option<PlannedObject>> = futures::stream::iter(pruning)
            .buffered(self.concurrency.max(1))
            .try_collect()
            .await?;
        objects.extend(prunes.into_iter().flatten());
        Ok(Plan { objects })
    }

    /// Whether the namespace exists; credentials limited to their namespaces may not read
    /// namespaces at all, and then each object's own dry-run tells.
    async fn namespace_exists(&self, name: &str) -> Result<bool, ApplyError> {
        let namespaces: Api<Namespace> = Api::all(self.client.clone());
        match self.retry.run(|| namespaces.get_opt(name)).await {
            Ok(found) => Ok(found.is_some()),
            Err(kube::Error::Api(status)) if status.is_forbidden() => Ok(true),
            Err(error) => Err(ApplyError::Unavailable(super::failure::transport_message(
                &error,
            ))),
        }
    }

    /// The app's live members, read with one labelled LIST per kind and namespace instead of one
    /// GET per object. A kind that cannot be listed (not installed, or credentials without
    /// `list`) is left out, and its objects are read one by one.
    async fn live_members(&self, desired: &Desired, namespace_missing: bool) -> LiveMembers {
        let groups: BTreeSet<Group> = desired
            .objects
            .iter()
            .filter(|o| !(namespace_missing && o.reference.namespace.is_some()))
            .map(|o| group_of(&o.reference))
            .collect();
        let params =
            ListParams::default().labels(&format!("{APPLYSET_PART_OF_LABEL}={}", desired.set.id));
        let params = &params;
        let listing: Vec<_> = groups
            .into_iter()
            .map(|group| async move {
                let probe = ObjectRef {
                    api_version: group.0.clone(),
                    kind: group.1.clone(),
                    namespace: group.2.clone(),
                    name: String::new(),
                };
                let api = self.kinds.api(&probe).await.ok()?;
                let list = self.retry.run(|| api.list(params)).await.ok()?;
                Some((group, list.items))
            })
            .collect();
        let mut members = LiveMembers::default();
        for (group, items) in futures::future::join_all(listing)
            .await
            .into_iter()
            .flatten()
        {
            for item in items {
                // Typed like a GET, so a diff against the dry-run result is not a diff of key
                // order.
                let live = crate::object_ref::typed_item(&group.0, &group.1, &item);
                let reference = ObjectRef {
                    api_version: group.0.clone(),
                    kind: group.1.clone(),
                    namespace: group.2.clone(),
                    name: item.metadata.name.unwrap_or_default(),
                };
                members.objects.insert(reference, live);
            }
            members.listed.insert(group);
        }
        members
    }

    async fn plan_object(
        &self,
        desired: &Desired,
        object: &DesiredObject,
        namespace_missing: bool,
        members: &LiveMembers,
    ) -> Result<PlannedObject, ApplyError> {
        let reference = &object.reference;
        let mut planned = PlannedObject {
            reference: reference.clone(),
            spec_path: object.spec_path.clone(),
            action: Action::Create,
            diff: String::new(),
            owner: None,
            conflicts: Vec::new(),
            failure: None,
            note: None,
            pods: None,
        };
        let api = match self.kinds.api(reference).await {
            Ok(api) => api,
            Err(KindError::NotServed(message)) => {
                planned.failure = Some(ObjectFailure {
                    reference: reference.clone(),
                    path: object.spec_path.clone(),
                    kind: FailureKind::MissingKind,
                    message,
                });
                return Ok(planned);
            }
            Err(KindError::Discovery(message)) => return Err(ApplyError::Unavailable(message)),
        };
        let in_new_namespace = namespace_missing && reference.namespace.is_some();
        if in_new_namespace {
            planned.diff = desired_diff(None, &object.manifest);
            planned.note = Some(format!(
                "checked by the API server when applied: namespace {} is created first",
                desired.set.namespace
            ));
            return Ok(planned);
        }
        let params = PatchParams::apply(FIELD_MANAGER).dry_run();
        let patch = Patch::Apply(&object.manifest);
        let listed = members.listed.contains(&group_of(reference));
        let (live, mut result) = match members.objects.get(reference) {
            Some(listed) => {
                let result = self
                    .retry
                    .run(|| api.patch(&reference.name, &params, &patch))
                    .await;
                // Written since it was listed (a pod bound to its node, a controller's status):
                // read again, so that the diff is against the object the dry-run started from.
                let live = match &result {
                    Ok(after)
                        if after.metadata.resource_version.as_deref()
                            != listed["metadata"]["resourceVersion"].as_str() =>
                    {
                        self.read(&api, &reference.name).await
                    }
                    _ => Ok(Some(listed.clone())),
                };
                (live, result)
            }
            None if listed => {
                // Not a labelled member: absent, or someone else's. A dry-run of a create comes
                // back without a resourceVersion; only an object that exists is read.
                let result = self
                    .retry
                    .run(|| api.patch(&reference.name, &params, &patch))
                    .await;
                let exists = result.as_ref().map_or(true, |after| {
                    after
                        .metadata
                        .resource_version
                        .as_deref()
                        .is_some_and(|v| !v.is_empty())
                });
                let live = if exists {
                    self.read(&api, &reference.name).await
                } else {
                    Ok(None)
                };
                (live, result)
            }
            None => {
                // The read and the dry-run do not depend on each other: sent together.
                tokio::join!(
                    self.read(&api, &reference.name),
                    self.retry
                        .run(|| api.patch(&reference.name, &params, &patch)),
                )
            }
        };
        let live = match live {
            Ok(live) => live,
            Err(error) => {
                planned.failure = Some(self.failure(&error, reference, desired, "get").await);
                return Ok(planned);
            }
        };
        if let Some(live) = &live
            && member_of(live) != Some(desired.set.id.as_str())
        {
            planned.owner = Some(describe_owner(live));
        }
        if let Err(kube::Error::Api(status)) = &result
            && status.code == 409
        {
            planned.conflicts = conflicts(status);
            let forced = params.clone().force();
            result = self
                .retry
                .run(|| api.patch(&reference.name, &forced, &patch))
                .await;
        }
        let verb = if live.is_some() { "patch" } else { "create" };
        let after = match result {
            Ok(after) => serde_json::to_value(after).unwrap_or_default(),
            Err(error) => {
                planned.failure = Some(self.failure(&error, reference, desired, verb).await);
                planned.action = if live.is_some() {
                    Action::Update
                } else {
                    Action::Create
                };
                return Ok(planned);
            }
        };
        planned.action = match (&live, &planned.owner) {
            (None, _) => Action::Create,
            (Some(_), Some(_)) => Action::Adopt,
            (Some(live), None) if strip(live) == strip(&after) => Action::Unchanged,
            (Some(_), None) => Action::Update,
        };
        planned.pods = live
            .as_ref()
            .and_then(|live| pod_rollout(&reference.kind, live, &after));
        planned.diff = match &live {
            // Equal once stripped: nothing to show, and no YAML to write for most of a re-apply.
            _ if planned.action == Action::Unchanged => String::new(),
            None => desired_diff(None, &object.manifest),
            Some(live) => desired_diff(Some(live), &after),
        };
        Ok(planned)
    }

    async fn read(
        &self,
        api: &Api<DynamicObject>,
        name: &str,
    ) -> Result<Option<Value>, kube::Error> {
        let live = self.retry.run(|| api.get_opt(name)).await?;
        Ok(live.map(|l| serde_json::to_value(l).unwrap_or_default()))
    }

    async fn plan_prune(
        &self,
        set_id: &str,
        reference: &ObjectRef,
    ) -> Result<Option<PlannedObject>, ApplyError> {
        let Ok(api) = self.kinds.api(reference).await else {
            // The kind is gone from the cluster (its CRD was removed), and so are its objects.
            return Ok(None);
        };
        let live = self
            .retry
            .run(|| api.get_opt(&reference.name))
            .await
            .map_err(|e| ApplyError::Unavailable(super::failure::transport_message(&e)))?;
        let Some(live) = live.map(|l| serde_json::to_value(l).unwrap_or_default()) else {
            return Ok(None);
        };
        let (action, note) = if member_of(&live) == Some(set_id) {
            (Action::Prune, None)
        } else {
            (
                Action::Release,
                Some("left alone: no longer labelled as a member of this app".to_owned()),
            )
        };
        Ok(Some(PlannedObject {
            reference: reference.clone(),
            spec_path: String::new(),
            action,
            diff: if action == Action::Prune {
                desired_diff_removed(&live)
            } else {
                String::new()
            },
            owner: None,
            conflicts: Vec::new(),
            failure: None,
            note,
            pods: None,
        }))
    }

    pub(crate) async fn failure(
        &self,
        error: &kube::Error,
        reference: &ObjectRef,
        desired: &Desired,
        verb: &str,
    ) -> ObjectFailure {
        let resource = self.kinds.resource_name(reference).await;
        classify(error, reference, Some(desired), verb, &resource)
    }
}

/// A new object whose dry-run was refused while something it depends on is new too (a Pod and
/// the ServiceAccount it runs as, say) cannot be judged before that dependency exists: the API
/// server checks it when it is applied, after its dependencies. Refusing the whole plan for it
/// would make such apps impossible to apply, as a whole-set dry-run does.
fn defer_to_apply(desired: &Desired, planned: &mut [PlannedObject]) {
    let pairs: Vec<(&ObjectRef, &Value)> = desired
        .objects
        .iter()
        .map(|o| (&o.reference, &o.manifest))
        .collect();
    let dependencies = super::graph::dependencies(&pairs);
    let created: Vec<bool> = planned.iter().map(|p| p.action == Action::Create).collect();
    for (index, object) in planned.iter_mut().enumerate() {
        let deferrable = object.action == Action::Create
            && object
                .failure
                .as_ref()
                .is_some_and(|f| f.kind == FailureKind::Invalid);
        let Some(&new_dependency) = dependencies[index].iter().find(|&&d| created[d]) else {
            continue;
        };
        if deferrable {
            if let Some(failure) = object.failure.take() {
                object.note = Some(format!(
                    "checked by the API server when applied, after {} is created (dry run: {})",
                    desired.objects[new_dependency].reference, failure.message
                ));
            }
            object.diff = desired_diff(None, &desired.objects[index].manifest);
        }
    }
}

/// `(apiVersion, kind, namespace)`: what one LIST reads.
type Group = (String, String, Option<String>);

fn group_of(reference: &ObjectRef) -> Group {
    (
        reference.api_version.clone(),
        reference.kind.clone(),
        reference.namespace.clone(),
    )
}

/// The labelled members found live, and which groups could be listed at all.
#[derive(Default)]
struct LiveMembers {
    objects: std::collections::HashMap<ObjectRef, Value>,
    listed: BTreeSet<Group>,
}

/// The set an object is labelled as a member of.
pub(crate) fn member_of(object: &Value) -> Option<&str> {
    object
        .pointer("/metadata/labels")
        .and_then(|labels| labels.get(APPLYSET_PART_OF_LABEL))
        .and_then(Value::as_str)
}

/// Who an existing object belongs to, for the adopt decision.
fn describe_owner(live: &Value) -> String {
    if let Some(owner) = live.pointer("/metadata/ownerReferences/0").and_then(|o| {
        Some(format!(
            "{} {}",
            o.get("kind")?.as_str()?,
            o.get("name")?.as_str()?
        ))
    }) {
        return format!("owned by {owner}");
    }
    if let Some(set) = set_owner(live) {
        return set;
    }
    let managers: BTreeSet<&str> = live
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .map(|entries| {
            entries
                .iter()
                .filter_map(|e| e.get("manager").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    if managers.is_empty() {
        "not managed by KubeChart".to_owned()
    } else {
        format!(
            "not managed by KubeChart (written by {})",
            managers.into_iter().collect::<Vec<_>>().join(", ")
        )
    }
}

/// The app or ApplySet an object is labelled as belonging to, in words: the KubeChart app (for a
/// KubeChart label) or the set (any ApplySet tool).
pub(crate) fn set_owner(live: &Value) -> Option<String> {
    let labels = live.pointer("/metadata/labels");
    let label = |key: &str| labels.and_then(|l| l.get(key)).and_then(Value::as_str);
    if label(MANAGED_BY_LABEL) == Some(MANAGER) {
        let app = label(INSTANCE_LABEL).unwrap_or("unknown");
        return Some(format!(
            "belongs to the KubeChart app {app} (another deployment)"
        ));
    }
    label(APPLYSET_PART_OF_LABEL).map(|set| format!("belongs to ApplySet {set}"))
}

/// The fields a 409 apply conflict names, with the manager that owns each.
fn conflicts(status: &kube::core::Status) -> Vec<FieldConflict> {
    status
        .details
        .iter()
        .flat_map(|d| d.causes.iter())
        .filter_map(|cause| {
            let manager = cause.message.split('"').nth(1)?.to_owned();
            let field = cause.field.trim_start_matches('.').to_owned();
            if field.is_empty() {
                return None;
            }
            Some(FieldConflict { field, manager })
        })
        .collect()
}

fn desired_diff(live: Option<&Value>, after: &Value) -> String {
    let mut after = strip(after);
    let mut before = live.map(|live| align_keys(&strip(live), &after));
    if let Some(before) = before.as_mut() {
        mask_secrets(before, &mut after);
    } else {
        mask_secrets(&mut Value::Null, &mut after);
    }
    yaml_diff(before.as_ref(), Some(&after))
}

fn desired_diff_removed(live: &Value) -> String {
    let mut before = strip(live);
    mask_secrets(&mut before, &mut Value::Null);
    yaml_diff(Some(&before), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn planned(desired: &Desired, kind: &str, failure: Option<FailureKind>) -> Vec<PlannedObject> {
        desired
            .objects
            .iter()
            .map(|o| PlannedObject {
                reference: o.reference.clone(),
                spec_path: o.spec_path.clone(),
                action: Action::Create,
                diff: String::new(),
                owner: None,
                conflicts: Vec::new(),
                failure: failure
                    .filter(|_| o.reference.kind == kind)
                    .map(|kind| ObjectFailure {
                        reference: o.reference.clone(),
                        path: o.spec_path.clone(),
                        kind,
                        message: "error looking up service account shop/migrator".into(),
                    }),
                note: None,
                pods: None,
            })
            .collect()
    }

    #[test]
    fn a_refusal_that_waits_on_a_new_dependency_is_left_to_the_apply() {
        let spec = kubechart_manifest::parse_spec(
            "name: migrate\nnamespace: shop\nserviceAccounts: [{name: migrator}]\nworkloads:\n  - name: run\n    kind: Pod\n    serviceAccount: migrator\n    containers: [{name: run, image: \"busybox:1.36\"}]\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let desired = Desired::from_spec(&spec).unwrap_or_else(|e| panic!("{e}"));
        let mut objects = planned(&desired, "Pod", Some(FailureKind::Invalid));
        defer_to_apply(&desired, &mut objects);
        let pod = objects.iter().find(|o| o.reference.kind == "Pod");
        assert!(pod.is_some_and(|p| {
            p.failure.is_none()
                && p.note
                    .as_deref()
                    .is_some_and(|n| n.contains("after ServiceAccount shop/migrator is created"))
        }));

        // A refusal for the object's own sake stays, and so does one with nothing new to wait for.
        let mut objects = planned(&desired, "Pod", Some(FailureKind::Immutable));
        defer_to_apply(&desired, &mut objects);
        assert!(objects.iter().any(|o| o.failure.is_some()));
        let mut objects = planned(&desired, "Pod", Some(FailureKind::Invalid));
        for object in objects
            .iter_mut()
            .filter(|o| o.reference.kind == "ServiceAccount")
        {
            object.action = Action::Unchanged;
        }
        defer_to_apply(&desired, &mut objects);
        assert!(objects.iter().any(|o| o.failure.is_some()));
    }

    #[test]
    fn owners_are_named() {
        let kubectl =
            json!({"metadata": {"managedFields": [{"manager": "kubectl-client-side-apply"}]}});
        assert_eq!(
            describe_owner(&kubectl),
            "not managed by KubeChart (written by kubectl-client-side-apply)"
        );
        let other_app =
            json!({"metadata": {"labels": {MANAGED_BY_LABEL: MANAGER, INSTANCE_LABEL: "blog"}}});
        assert_eq!(
            describe_owner(&other_app),
            "belongs to the KubeChart app blog (another deployment)"
        );
    }

    #[test]
    fn conflicts_name_field_and_manager() {
        let status: kube::core::Status = serde_json::from_value(json!({
            "code": 409, "reason": "Conflict",
            "message": "Apply failed with 1 conflict: conflict with \"kubectl-scale\" using apps/v1: .spec.replicas",
            "details": {"causes": [{"reason": "FieldManagerConflict",
                "message": "conflict with \"kubectl-scale\" using apps/v1", "field": ".spec.replicas"}]}
        }))
        .unwrap_or_default();
        assert_eq!(
            conflicts(&status),
            vec![FieldConflict {
                field: "spec.replicas".into(),
                manager: "kubectl-scale".into()
            }]
        );
    }
}
