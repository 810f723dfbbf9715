//! The object store: objects by (resource, namespace, name), one resourceVersion counter, and watch
//! fan-out with a bounded history so a watch can resume from a resourceVersion (or get 410 Gone).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio::sync::mpsc;

use crate::registry::ResourceDef;

/// Identifies a resource independent of version: (group, plural).
pub type ResourceId = (&'static str, &'static str);

/// The kind of change a watch event reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    /// The object was created.
    Added,
    /// The object changed.
    Modified,
    /// The object was removed.
    Deleted,
}

impl EventType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change, as stored in the history and sent to watchers.
#[derive(Debug)]
pub struct Event {
    /// The resourceVersion the change produced.
    pub rv: u64,
    /// The resource.
    pub resource: ResourceId,
    /// The namespace ("" for cluster-scoped).
    pub namespace: String,
    /// What happened.
    pub kind: EventType,
    /// The object after the change (for deletes: the last state, with the delete's resourceVersion).
    pub object: Value,
    /// The object before the change, so selector watches can turn "left the selection" into DELETED.
    pub prev: Option<Value>,
}

/// What a write closure decides.
pub enum Write {
    /// Store this object (create or update).
    Put(Value),
    /// Remove the object.
    Delete,
    /// Change nothing, answer with this object (dry runs, no-op updates).
    Keep(Value),
}

/// A started watch: the replayed backlog, then the live events.
pub type Subscription = (Vec<Arc<Event>>, mpsc::UnboundedReceiver<Arc<Event>>);

/// A watch could not start: the resourceVersion is older than the retained history.
#[derive(Debug, Clone, Copy)]
pub struct TooOld {
    /// The oldest resourceVersion a watch can still start from.
    pub oldest: u64,
}

struct Subscriber {
    resource: ResourceId,
    namespace: Option<String>,
    tx: mpsc::UnboundedSender<Arc<Event>>,
    /// The server's own controllers: their streams are not API watches and survive
    /// [`Store::drop_watchers`].
    internal: bool,
}

struct Inner {
    rv: u64,
    objects: HashMap<ResourceId, BTreeMap<(String, String), Value>>,
    history: VecDeque<Arc<Event>>,
    /// Highest resourceVersion dropped from the history; watches from below it are too old.
    compacted: u64,
    subscribers: Vec<Subscriber>,
}

/// The shared object store.
pub struct Store {
    inner: Mutex<Inner>,
    history_limit: usize,
}

/// The identity of a resource definition in the store.
pub fn rid(def: &'static ResourceDef) -> ResourceId {
    (def.group, def.plural)
}

/// Reads `metadata.resourceVersion` as a number.
pub fn resource_version(obj: &Value) -> Option<u64> {
    obj.pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
}

/// Two objects are the same write if they differ at most in resourceVersion and managedFields times.
fn same_content(a: &Value, b: &Value) -> bool {
    fn strip(v: &Value) -> Value {
        let mut v = v.clone();
        if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("resourceVersion");
            if let Some(Value::Array(mf)) = meta.get_mut("managedFields") {
                for entry in mf.iter_mut().filter_map(Value::as_object_mut) {
                    entry.remove("time");
                }
            }
        }
        v
    }
    strip(a) == strip(b)
}

impl Store {
    /// An empty store keeping the last `history_limit` events for watch resumption.
    pub fn new(history_limit: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                rv: 1,
                objects: HashMap::new(),
                history: VecDeque::new(),
                compacted: 0,
                subscribers: Vec::new(),
            }),
            history_limit: history_limit.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The newest resourceVersion.
    pub fn current_rv(&self) -> u64 {
        self.lock().rv
    }

    /// One object.
    pub fn get(&self, resource: ResourceId, namespace: &str, name: &str) -> Option<Value> {
        self.lock()
            .objects
            .get(&resource)
            .and_then(|m| m.get(&(namespace.to_string(), name.to_string())))
            .cloned()
    }

    /// All objects of a resource (in one namespace, or all), sorted by namespace and name, with the
    /// list's resourceVersion.
    pub fn list(&self, resource: ResourceId, namespace: Option<&str>) -> (Vec<Value>, u64) {
        let inner = self.lock();
        let items = inner
            .objects
            .get(&resource)
            .map(|m| {
                m.iter()
                    .filter(|((ns, _), _)| namespace.is_none_or(|want| want == ns))
                    .map(|(_, v)| v.clone())
                    .collect()
            })
            .unwrap_or_default();
        (items, inner.rv)
    }

    /// Every stored object in a namespace, with its resource.
    pub fn in_namespace(&self, namespace: &str) -> Vec<(ResourceId, String)> {
        let inner = self.lock();
        let mut out = Vec::new();
        for (res, objs) in &inner.objects {
            for (ns, name) in objs.keys() {
                if ns == namespace {
                    out.push((*res, name.clone()));
                }
            }
        }
        out
    }

    /// Every object whose ownerReferences name `uid`.
    pub fn dependents_of(&self, uid: &str) -> Vec<(ResourceId, String, String)> {
        let inner = self.lock();
        let mut out = Vec::new();
        for (res, objs) in &inner.objects {
            for ((ns, name), obj) in objs {
                let owned = obj
                    .pointer("/metadata/ownerReferences")
                    .and_then(Value::as_array)
                    .is_some_and(|refs| refs.iter().any(|r| r["uid"].as_str() == Some(uid)));
                if owned {
                    out.push((*res, ns.clone(), name.clone()));
                }
            }
        }
        out
    }

    /// Atomically reads an object and writes what `decide` returns; stamps the new
    /// resourceVersion and notifies watchers. Returns the resulting object (`None` after a delete
    /// reports the deleted state through `Ok(Some)` too, so callers can answer with it).
    pub fn write<E>(
        &self,
        resource: ResourceId,
        namespace: &str,
        name: &str,
        decide: impl FnOnce(Option<&Value>) -> Result<Write, E>,
    ) -> Result<Value, E> {
        let mut inner = self.lock();
        let key = (namespace.to_string(), name.to_string());
        let current = inner
            .objects
            .get(&resource)
            .and_then(|m| m.get(&key))
            .cloned();
        match decide(current.as_ref())? {
            Write::Keep(v) => Ok(v),
            Write::Put(mut obj) => {
                if let Some(cur) = &current {
                    let mut candidate = obj.clone();
                    candidate["metadata"]["resourceVersion"] =
                        cur["metadata"]["resourceVersion"].clone();
                    if same_content(&candidate, cur) {
                        return Ok(cur.clone());
                    }
                }
                inner.rv += 1;
                let rv = inner.rv;
                obj["metadata"]["resourceVersion"] = Value::String(rv.to_string());
                inner
                    .objects
                    .entry(resource)
                    .or_default()
                    .insert(key, obj.clone());
                let kind = if current.is_some() {
                    EventType::Modified
                } else {
                    EventType::Added
                };
                self.publish(&mut inner, resource, namespace, kind, obj.clone(), current);
                Ok(obj)
            }
            Write::Delete => {
                let Some(mut last) = current else {
                    // The closure decides about absence; deleting nothing is a no-op.
                    return Ok(Value::Null);
                };
                inner.objects.entry(resource).or_default().remove(&key);
                inner.rv += 1;
                let rv = inner.rv;
                let prev = last.clone();
                last["metadata"]["resourceVersion"] = Value::String(rv.to_string());
                self.publish(
                    &mut inner,
                    resource,
                    namespace,
                    EventType::Deleted,
                    last.clone(),
                    Some(prev),
                );
                Ok(last)
            }
        }
    }

    fn publish(
        &self,
        inner: &mut Inner,
        resource: ResourceId,
        namespace: &str,
        kind: EventType,
        object: Value,
        prev: Option<Value>,
    ) {
        let event = Arc::new(Event {
            rv: inner.rv,
            resource,
            namespace: namespace.to_string(),
            kind,
            object,
            prev,
        });
        inner.history.push_back(event.clone());
        while inner.history.len() > self.history_limit {
            if let Some(old) = inner.history.pop_front() {
                inner.compacted = old.rv;
            }
        }
        // Sending under the lock keeps every subscriber's stream in resourceVersion order.
        inner.subscribers.retain(|s| {
            if s.resource != resource || s.namespace.as_deref().is_some_and(|ns| ns != namespace) {
                return !s.tx.is_closed();
            }
            s.tx.send(event.clone()).is_ok()
        });
    }

    /// Starts a watch. `from = None` replays the current state as ADDED events; `Some(rv)` replays
    /// the retained changes after `rv`, or fails when `rv` is older than the history.
    pub fn watch(
        &self,
        resource: ResourceId,
        namespace: Option<&str>,
        from: Option<u64>,
    ) -> Result<Subscription, TooOld> {
        let mut inner = self.lock();
        let backlog: Vec<Arc<Event>> = match from {
            None => Self::current_state(&inner, resource, namespace),
            Some(rv) => {
                if rv < inner.compacted {
                    return Err(TooOld {
                        oldest: inner.compacted + 1,
                    });
                }
                inner
                    .history
                    .iter()
                    .filter(|e| {
                        e.rv > rv
                            && e.resource == resource
                            && namespace.is_none_or(|want| want == e.namespace)
                    })
                    .cloned()
                    .collect()
            }
        };
        let (tx, rx) = mpsc::unbounded_channel();
        inner.subscribers.push(Subscriber {
            resource,
            namespace: namespace.map(str::to_string),
            tx,
            internal: false,
        });
        Ok((backlog, rx))
    }

    /// Starts a controller's watch of every object of a resource: the current state, then every
    /// change, unaffected by [`Store::drop_watchers`].
    pub fn watch_internal(&self, resource: ResourceId) -> Subscription {
        let mut inner = self.lock();
        let backlog = Self::current_state(&inner, resource, None);
        let (tx, rx) = mpsc::unbounded_channel();
        inner.subscribers.push(Subscriber {
            resource,
            namespace: None,
            tx,
            internal: true,
        });
        (backlog, rx)
    }

    fn current_state(
        inner: &Inner,
        resource: ResourceId,
        namespace: Option<&str>,
    ) -> Vec<Arc<Event>> {
        let rv = inner.rv;
        inner
            .objects
            .get(&resource)
            .map(|m| {
                m.iter()
                    .filter(|((ns, _), _)| namespace.is_none_or(|want| want == ns))
                    .map(|((ns, _), obj)| {
                        Arc::new(Event {
                            rv: resource_version(obj).unwrap_or(rv),
                            resource,
                            namespace: ns.clone(),
                            kind: EventType::Added,
                            object: obj.clone(),
                            prev: None,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Closes every open API watch (the "dropped watch connections" fault); the server's own
    /// controllers keep theirs.
    pub fn drop_watchers(&self) {
        self.lock().subscribers.retain(|s| s.internal);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    const CM: ResourceId = ("", "configmaps");

    fn put(store: &Store, name: &str, data: &str) -> Value {
        store
            .write::<()>(CM, "default", name, |_| {
                Ok(Write::Put(json!({"metadata": {"name": name, "namespace": "default"}, "data": {"k": data}})))
            })
            .unwrap()
    }

    #[test]
    fn resource_versions_increase_and_no_op_writes_keep_them() {
        let store = Store::new(10);
        let a = resource_version(&put(&store, "a", "1")).unwrap();
        let b = resource_version(&put(&store, "a", "2")).unwrap();
        assert!(b > a);
        let c = resource_version(&put(&store, "a", "2")).unwrap();
        assert_eq!(b, c);
    }

    #[test]
    fn watch_from_compacted_version_is_too_old() {
        let store = Store::new(3);
        let first = resource_version(&put(&store, "a", "0")).unwrap();
        for i in 1..10 {
            put(&store, "a", &i.to_string());
        }
        assert!(store.watch(CM, None, Some(first)).is_err());
        let recent = store.current_rv() - 1;
        let (backlog, _rx) = store.watch(CM, None, Some(recent)).unwrap();
        assert_eq!(backlog.len(), 1);
    }
}
