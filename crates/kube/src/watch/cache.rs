//! What a cluster's watches know: the computed health of each object (the body is kept only while
//! the object is not Current, to re-assess it when a Warning event arrives), ownership links,
//! recent Warning events, and what was last published per app, so each change yields exactly the
//! updates subscribers need, in sequence.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use kubechart_manifest::{APPLYSET_PART_OF_LABEL, Object};
use serde_json::Value;

use super::kinds::WatchedKind;
use super::{AppChange, AppSnapshot, AppUpdate, ObjectHealth};
use crate::ObjectRef;
use crate::health::{
    Assessment, Child, FailureGrace, Health, HealthState, Warning, app_health, assess, propagate,
};

/// Owner chains are short (pod → ReplicaSet → Deployment); this bounds a malformed cycle.
const MAX_OWNER_DEPTH: usize = 4;
/// Warning events kept per object, newest first.
const WARNINGS_PER_OBJECT: usize = 5;
/// Objects not (yet) seen whose Warning events are kept, in case the object arrives after them.
const UNKNOWN_OBJECTS_WITH_WARNINGS: usize = 512;

type Uid = String;

/// One object as the cache keeps it.
#[derive(Debug)]
struct Entry {
    object: ObjectRef,
    owners: Vec<Uid>,
    set_id: Option<String>,
    created: Option<String>,
    generation: Option<i64>,
    own: Assessment,
}

/// What subscribers of one app have been told.
#[derive(Debug, Default)]
struct Published {
    objects: BTreeMap<ObjectRef, Health>,
    app: Option<Health>,
}

/// The health cache of one cluster.
#[derive(Debug)]
pub(crate) struct Cache {
    entries: HashMap<Uid, Entry>,
    by_ref: HashMap<ObjectRef, Uid>,
    children: HashMap<Uid, BTreeSet<Uid>>,
    members: HashMap<String, BTreeSet<Uid>>,
    bodies: HashMap<Uid, Value>,
    warnings: HashMap<Uid, Vec<Warning>>,
    warned_unknown: VecDeque<Uid>,
    grace: FailureGrace<Uid>,
    published: HashMap<String, Published>,
    relisted: HashMap<&'static str, HashSet<Uid>>,
    synced: HashSet<&'static str>,
    seq: u64,
}

impl Cache {
    pub(crate) fn new(grace: Duration) -> Self {
        Self {
            entries: HashMap::new(),
            by_ref: HashMap::new(),
            children: HashMap::new(),
            members: HashMap::new(),
            bodies: HashMap::new(),
            warnings: HashMap::new(),
            warned_unknown: VecDeque::new(),
            grace: FailureGrace::new(grace),
            published: HashMap::new(),
            relisted: HashMap::new(),
            synced: HashSet::new(),
            seq: 0,
        }
    }

    /// An object was added or changed.
    pub(crate) fn apply(
        &mut self,
        kind: &WatchedKind,
        mut body: Value,
        now: Instant,
    ) -> Vec<AppChange> {
        body["apiVersion"] = Value::String(kind.api_version());
        body["kind"] = Value::String(kind.kind.to_owned());
        let (Some(uid), Some(object)) = (text(&body, "/metadata/uid"), ObjectRef::of(&body)) else {
            return Vec::new();
        };
        if let Some(seen) = self.relisted.get_mut(kind.kind) {
            seen.insert(uid.clone());
        }
        let mut sets = self.sets_of(&uid);
        self.unlink(&uid);
        let owners: Vec<Uid> = body
            .pointer("/metadata/ownerReferences")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|owner| owner.get("uid").and_then(Value::as_str).map(str::to_owned))
            .collect();
        let set_id = body
            .pointer("/metadata/labels")
            .and_then(|labels| labels.get(APPLYSET_PART_OF_LABEL))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let own = assess(&body, self.warnings.get(&uid).map_or(&[], Vec::as_slice));
        if own.state == HealthState::Current {
            // Warnings only explain what is not Current; a later regression brings new ones.
            self.bodies.remove(&uid);
            self.warnings.remove(&uid);
        } else {
            self.bodies.insert(uid.clone(), body.clone());
        }
        for owner in &owners {
            self.children
                .entry(owner.clone())
                .or_default()
                .insert(uid.clone());
        }
        if let Some(set) = &set_id {
            self.members
                .entry(set.clone())
                .or_default()
                .insert(uid.clone());
        }
        self.by_ref.insert(object.clone(), uid.clone());
        self.entries.insert(
            uid.clone(),
            Entry {
                object,
                owners,
                set_id,
                created: text(&body, "/metadata/creationTimestamp"),
                generation: body.pointer("/metadata/generation").and_then(Value::as_i64),
                own,
            },
        );
        sets.extend(self.sets_of(&uid));
        self.recompute(&sets, now)
    }

    /// An object was deleted.
    pub(crate) fn delete(&mut self, body: &Value, now: Instant) -> Vec<AppChange> {
        let Some(uid) = text(body, "/metadata/uid") else {
            return Vec::new();
        };
        self.remove(&uid, now)
    }

    /// A relist of a kind begins (first start, or after a 410 Gone / reconnect).
    pub(crate) fn relist_started(&mut self, kind: &WatchedKind) {
        self.relisted.insert(kind.kind, HashSet::new());
    }

    /// A relist of a kind is complete: objects of that kind it did not mention are gone.
    pub(crate) fn relist_done(&mut self, kind: &WatchedKind, now: Instant) -> Vec<AppChange> {
        let seen = self.relisted.remove(kind.kind).unwrap_or_default();
        let api_version = kind.api_version();
        let stale: Vec<Uid> = self
            .entries
            .iter()
            .filter(|(uid, entry)| {
                entry.object.kind == kind.kind
                    && entry.object.api_version == api_version
                    && !seen.contains(*uid)
            })
            .map(|(uid, _)| uid.clone())
            .collect();
        self.synced.insert(kind.kind);
        stale.iter().flat_map(|uid| self.remove(uid, now)).collect()
    }

    /// Whether a kind has been listed at least once.
    pub(crate) fn is_synced(&self, kind: &str) -> bool {
        self.synced.contains(kind)
    }

    /// A Warning event about the object with `uid`.
    pub(crate) fn warning(&mut self, uid: &str, warning: Warning, now: Instant) -> Vec<AppChange> {
        let list = self.warnings.entry(uid.to_owned()).or_default();
        list.retain(|known| known != &warning);
        list.insert(0, warning);
        list.truncate(WARNINGS_PER_OBJECT);
        if !self.entries.contains_key(uid) {
            self.remember_unknown(uid);
            return Vec::new();
        }
        let Some(body) = self.bodies.get(uid) else {
            return Vec::new();
        };
        let own = assess(body, self.warnings.get(uid).map_or(&[], Vec::as_slice));
        if let Some(entry) = self.entries.get_mut(uid) {
            entry.own = own;
        }
        let sets = self.sets_of(uid);
        self.recompute(&sets, now)
    }

    /// Re-settles every app (a failure's grace may have run out).
    pub(crate) fn reevaluate(&mut self, now: Instant) -> Vec<AppChange> {
        let sets: BTreeSet<String> = self.members.keys().cloned().collect();
        self.recompute(&sets, now)
    }

    /// When a failure seen so far next becomes Failed.
    pub(crate) fn next_promotion(&self, now: Instant) -> Option<Instant> {
        self.grace.next_promotion(now)
    }

    /// The app's objects and health as last published.
    pub(crate) fn snapshot(&self, set_id: &str) -> AppSnapshot {
        let published = self.published.get(set_id);
        let objects = published
            .map(|p| {
                ordered(p.objects.iter())
                    .into_iter()
                    .map(|(object, health)| ObjectHealth {
                        object: object.clone(),
                        health: health.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        AppSnapshot {
            set_id: set_id.to_owned(),
            seq: self.seq,
            objects,
            health: published
                .and_then(|p| p.app.clone())
                .unwrap_or_else(no_objects),
        }
    }

    /// The health of one object: as published for an app's member, computed for anything else
    /// the watches saw (a pod, a ReplicaSet, an object without the set label); `None` when not
    /// seen.
    pub(crate) fn health_of(&self, object: &ObjectRef) -> Option<Health> {
        let uid = self.by_ref.get(object)?;
        let entry = self.entries.get(uid)?;
        if let Some(health) = entry
            .set_id
            .as_ref()
            .and_then(|set| self.published.get(set))
            .and_then(|published| published.objects.get(object))
        {
            return Some(health.clone());
        }
        // Outside an app there is no grace clock: a failure that may clear stays in progress.
        self.effective(uid, 0).map(|assessment| {
            let health = assessment.health();
            if assessment.recoverable && health.state == HealthState::Failed {
                Health::new(HealthState::InProgress, health.reason)
            } else {
                health
            }
        })
    }

    /// The uid and `metadata.generation` of the object as the watch last saw it.
    pub(crate) fn version_of(&self, object: &ObjectRef) -> Option<(&str, Option<i64>)> {
        let uid = self.by_ref.get(object)?;
        Some((uid, self.entries.get(uid)?.generation))
    }

    /// Every object of an app with its uid: the members and what they own, recursively.
    pub(crate) fn objects_of(&self, set_id: &str) -> Vec<(Uid, ObjectRef)> {
        let mut found = Vec::new();
        let mut stack: Vec<(Uid, usize)> = self
            .members
            .get(set_id)
            .into_iter()
            .flatten()
            .map(|uid| (uid.clone(), 0))
            .collect();
        while let Some((uid, depth)) = stack.pop() {
            if let Some(entry) = self.entries.get(&uid) {
                found.push((uid.clone(), entry.object.clone()));
            }
            if depth < MAX_OWNER_DEPTH {
                stack.extend(
                    self.children
                        .get(&uid)
                        .into_iter()
                        .flatten()
                        .map(|child| (child.clone(), depth + 1)),
                );
            }
        }
        found
    }

    fn remove(&mut self, uid: &str, now: Instant) -> Vec<AppChange> {
        let sets = self.sets_of(uid);
        self.unlink(uid);
        if let Some(entry) = self.entries.remove(uid) {
            self.by_ref.remove(&entry.object);
        }
        self.bodies.remove(uid);
        self.warnings.remove(uid);
        self.grace.forget(&uid.to_owned());
        self.recompute(&sets, now)
    }

    /// Drops an object's ownership and membership links (its children keep theirs).
    fn unlink(&mut self, uid: &str) {
        let Some(entry) = self.entries.get(uid) else {
            return;
        };
        for owner in &entry.owners {
            if let Some(children) = self.children.get_mut(owner) {
                children.remove(uid);
                if children.is_empty() {
                    self.children.remove(owner);
                }
            }
        }
        if let Some(set) = &entry.set_id
            && let Some(members) = self.members.get_mut(set)
        {
            members.remove(uid);
        }
    }

    fn remember_unknown(&mut self, uid: &str) {
        self.warned_unknown.push_back(uid.to_owned());
        while self.warned_unknown.len() > UNKNOWN_OBJECTS_WITH_WARNINGS {
            if let Some(old) = self.warned_unknown.pop_front()
                && !self.entries.contains_key(&old)
            {
                self.warnings.remove(&old);
            }
        }
    }

    /// The apps an object counts for: its own set, or its owners' (pods and ReplicaSets carry
    /// no set label; they belong through their owner chain).
    fn sets_of(&self, uid: &str) -> BTreeSet<String> {
        let mut sets = BTreeSet::new();
        let mut stack = vec![(uid.to_owned(), 0)];
        while let Some((uid, depth)) = stack.pop() {
            let Some(entry) = self.entries.get(&uid) else {
                continue;
            };
            if let Some(set) = &entry.set_id {
                sets.insert(set.clone());
            } else if depth < MAX_OWNER_DEPTH {
                stack.extend(entry.owners.iter().map(|owner| (owner.clone(), depth + 1)));
            }
        }
        sets
    }

    /// An object's assessment with its children's problems carried up.
    fn effective(&self, uid: &str, depth: usize) -> Option<Assessment> {
        let entry = self.entries.get(uid)?;
        if depth >= MAX_OWNER_DEPTH {
            return Some(entry.own.clone());
        }
        let mut children: Vec<(&Entry, Assessment)> = self
            .children
            .get(uid)
            .into_iter()
            .flatten()
            .filter_map(|child| Some((self.entries.get(child)?, self.effective(child, depth + 1)?)))
            .collect();
        children.sort_by(|(a, _), (b, _)| a.object.name.cmp(&b.object.name));
        let children: Vec<Child<'_>> = children
            .iter()
            .map(|(child, assessment)| Child {
                kind: &child.object.kind,
                name: &child.object.name,
                created: child.created.as_deref(),
                assessment,
            })
            .collect();
        Some(propagate(&entry.object.kind, entry.own.clone(), &children))
    }

    /// Recomputes the apps' healths and returns what changed since they were last published.
    fn recompute(&mut self, sets: &BTreeSet<String>, now: Instant) -> Vec<AppChange> {
        let mut changes = Vec::new();
        for set in sets {
            let members: Vec<Uid> = self
                .members
                .get(set)
                .into_iter()
                .flatten()
                .cloned()
                .collect();
            let mut objects = BTreeMap::new();
            for uid in &members {
                let (Some(entry), Some(assessment)) =
                    (self.entries.get(uid), self.effective(uid, 0))
                else {
                    continue;
                };
                let object = entry.object.clone();
                let health = self.grace.settle(uid, &assessment, now);
                objects.insert(object, health);
            }
            let app = (!objects.is_empty()).then(|| app_health(ordered(objects.iter())));
            let previous = self.published.remove(set).unwrap_or_default();
            for (object, health) in &objects {
                if previous.objects.get(object) != Some(health) {
                    changes.push(self.change(
                        set,
                        AppUpdate::Object(ObjectHealth {
                            object: object.clone(),
                            health: health.clone(),
                        }),
                    ));
                }
            }
            for object in previous
                .objects
                .keys()
                .filter(|o| !objects.contains_key(*o))
            {
                changes.push(self.change(set, AppUpdate::Gone(object.clone())));
            }
            if app != previous.app {
                let health = app.clone().unwrap_or_else(no_objects);
                changes.push(self.change(set, AppUpdate::App(health)));
            }
            if app.is_some() {
                self.published
                    .insert(set.clone(), Published { objects, app });
            } else {
                self.members.remove(set);
            }
        }
        changes
    }

    fn change(&mut self, set: &str, update: AppUpdate) -> AppChange {
        self.seq += 1;
        AppChange {
            set_id: set.to_owned(),
            seq: self.seq,
            update,
        }
    }
}

/// An app's objects in apply order (tier, then kind, namespace, name): the first of equally bad
/// objects is the one named in the app's reason.
fn ordered<'a>(
    objects: impl Iterator<Item = (&'a ObjectRef, &'a Health)>,
) -> Vec<(&'a ObjectRef, &'a Health)> {
    let mut objects: Vec<_> = objects.collect();
    objects.sort_by_key(|(object, _)| {
        (
            Object::tier_of_kind(&object.kind).unwrap_or(u8::MAX),
            object.kind.clone(),
            object.namespace.clone(),
            object.name.clone(),
        )
    });
    objects
}

fn no_objects() -> Health {
    Health::new(HealthState::NotFound, "no objects found")
}

fn text(body: &Value, pointer: &str) -> Option<String> {
    body.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::watch::kinds::watched;
    use serde_json::json;

    const SET: &str = "applyset-test-v1";

    fn kind(group: &str, name: &str) -> &'static WatchedKind {
        watched(group, name).unwrap()
    }

    fn deployment() -> Value {
        json!({"metadata": {"name": "web", "namespace": "shop", "uid": "d1", "generation": 1,
                "labels": {APPLYSET_PART_OF_LABEL: SET}},
            "spec": {"replicas": 1},
            "status": {"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1}})
    }

    fn replica_set() -> Value {
        json!({"metadata": {"name": "web-7c9f", "namespace": "shop", "uid": "r1",
                "ownerReferences": [{"kind": "Deployment", "name": "web", "uid": "d1"}]},
            "spec": {"replicas": 1}, "status": {"replicas": 1}})
    }

    fn failing_pod() -> Value {
        json!({"metadata": {"name": "web-7c9f-x", "namespace": "shop", "uid": "p1",
                "ownerReferences": [{"kind": "ReplicaSet", "name": "web-7c9f", "uid": "r1"}]},
            "status": {"phase": "Pending", "containerStatuses": [{"name": "app", "image": "nginx:nope",
                "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"nginx:nope\""}}}]}})
    }

    fn app_health_in(changes: &[AppChange]) -> Option<&Health> {
        changes.iter().rev().find_map(|c| match &c.update {
            AppUpdate::App(health) => Some(health),
            _ => None,
        })
    }

    #[test]
    fn children_seen_before_their_owners_still_count() {
        let mut cache = Cache::new(Duration::ZERO);
        let now = Instant::now();
        assert!(cache.apply(kind("", "Pod"), failing_pod(), now).is_empty());
        assert!(
            cache
                .apply(kind("apps", "ReplicaSet"), replica_set(), now)
                .is_empty()
        );
        let changes = cache.apply(kind("apps", "Deployment"), deployment(), now);
        let app = app_health_in(&changes).unwrap();
        assert_eq!(app.state, HealthState::Failed);
        assert_eq!(
            app.reason,
            "Deployment web: 0/1 available — pod web-7c9f-x: ImagePullBackOff: nginx:nope"
        );
        let seqs: Vec<u64> = changes.iter().map(|c| c.seq).collect();
        assert_eq!(seqs, [1, 2]);
        assert_eq!(cache.objects_of(SET).len(), 3);
    }

    #[test]
    fn a_relist_drops_what_it_no_longer_lists() {
        let mut cache = Cache::new(Duration::ZERO);
        let now = Instant::now();
        let deployments = kind("apps", "Deployment");
        cache.apply(deployments, deployment(), now);
        cache.relist_started(deployments);
        let changes = cache.relist_done(deployments, now);
        assert!(matches!(&changes[0].update, AppUpdate::Gone(o) if o.name == "web"));
        assert_eq!(
            app_health_in(&changes).unwrap().state,
            HealthState::NotFound
        );
        assert!(cache.is_synced("Deployment"));
        assert_eq!(cache.snapshot(SET).objects, []);
    }

    #[test]
    fn a_warning_after_the_object_explains_it() {
        let mut cache = Cache::new(Duration::ZERO);
        let now = Instant::now();
        let claim = json!({"metadata": {"name": "data", "namespace": "shop", "uid": "c1",
            "labels": {APPLYSET_PART_OF_LABEL: SET}},
            "spec": {"storageClassName": "fast"}, "status": {"phase": "Pending"}});
        cache.apply(kind("", "PersistentVolumeClaim"), claim, now);
        let warning = Warning {
            reason: "ProvisioningFailed".into(),
            message: "storageclass.storage.k8s.io \"fast\" not found".into(),
        };
        let changes = cache.warning("c1", warning, now);
        assert_eq!(
            app_health_in(&changes).unwrap().reason,
            "PersistentVolumeClaim data: ProvisioningFailed: storageclass.storage.k8s.io \"fast\" not found"
        );
    }

    #[test]
    fn a_failure_is_promoted_when_its_grace_runs_out() {
        let mut cache = Cache::new(Duration::from_secs(10));
        let now = Instant::now();
        cache.apply(kind("", "Pod"), failing_pod(), now);
        cache.apply(kind("apps", "ReplicaSet"), replica_set(), now);
        let changes = cache.apply(kind("apps", "Deployment"), deployment(), now);
        assert_eq!(
            app_health_in(&changes).unwrap().state,
            HealthState::InProgress
        );
        let due = cache.next_promotion(now).unwrap();
        assert_eq!(due, now + Duration::from_secs(10));
        assert!(cache.reevaluate(now + Duration::from_secs(5)).is_empty());
        let changes = cache.reevaluate(due);
        assert_eq!(app_health_in(&changes).unwrap().state, HealthState::Failed);
    }

    #[test]
    fn objects_outside_any_app_are_not_published() {
        let mut cache = Cache::new(Duration::ZERO);
        let now = Instant::now();
        let mut lone = deployment();
        lone["metadata"]["labels"] = json!({});
        assert!(
            cache
                .apply(kind("apps", "Deployment"), lone, now)
                .is_empty()
        );
        let web = ObjectRef {
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: "web".into(),
        };
        assert_eq!(
            cache.health_of(&web).unwrap().state,
            HealthState::InProgress
        );
        assert_eq!(cache.version_of(&web), Some(("d1", Some(1))));
    }
}
