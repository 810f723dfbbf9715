//! The garbage collector and the namespace controller, as kube-controller-manager runs them:
//! dependents of a deleted owner are deleted (or orphaned), an owner deleted in the foreground
//! keeps its `foregroundDeletion` finalizer until its blocking dependents are gone, and a
//! terminating namespace is emptied and disappears only once nothing is left in it.

use std::sync::Arc;

use futures::StreamExt;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use crate::ops::{self, DeleteOptions, Propagation};
use crate::registry::{self, ResourceDef, def_by_kind, def_of};
use crate::state::State;
use crate::status::ApiError;
use crate::store::{EventType, Write, rid};

fn log_failure<T>(result: Result<T, ApiError>, step: &str, object: &str) {
    if let Err(error) = result {
        tracing::warn!(object, %error, "garbage collector step failed: {step}");
    }
}

/// Reacts to deletions until `shutdown`: a removed dependent may release its foreground-deleting
/// owners, a removed object may be the last one of a terminating namespace.
pub async fn run(st: Arc<State>, shutdown: CancellationToken) {
    let mut streams = Vec::new();
    for def in registry::RESOURCES.iter().filter(|d| d.is_stored()) {
        let (_, rx) = st.store.watch_internal(rid(def));
        streams.push(tokio_stream::wrappers::UnboundedReceiverStream::new(rx).boxed());
    }
    let mut events = futures::stream::select_all(streams);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            event = events.next() => {
                let Some(event) = event else { return };
                if event.kind == EventType::Added {
                    delete_if_owner_leaving(&st, &event.object);
                    continue;
                }
                if event.kind != EventType::Deleted {
                    continue;
                }
                for (def, ns, name) in owners(&event.object) {
                    release_foreground(&st, def, &ns, &name);
                }
                if !event.namespace.is_empty() {
                    finish_namespace_if_empty(&st, &event.namespace);
                }
            }
        }
    }
}

/// A dependent created while its owner is being deleted in the foreground is deleted too, so
/// the owner does not wait for it forever.
fn delete_if_owner_leaving(st: &Arc<State>, obj: &Value) {
    let leaving = owners(obj).into_iter().any(|(def, ns, name)| {
        st.store.get(rid(def), &ns, &name).is_some_and(|o| {
            o.pointer("/metadata/finalizers")
                .and_then(Value::as_array)
                .is_some_and(|f| f.iter().any(|x| x == "foregroundDeletion"))
        })
    });
    let (Some(kind), Some(api_version)) = (obj["kind"].as_str(), obj["apiVersion"].as_str()) else {
        return;
    };
    let Some(def) = def_by_kind(api_version, kind).filter(|_| leaving) else {
        return;
    };
    let ns = obj
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let opts = DeleteOptions {
        propagation: Some(Propagation::Foreground),
        ..DeleteOptions::default()
    };
    match ops::delete(st, def, ns, name, &opts) {
        Err(e) if e.code == 404 => {}
        other => log_failure(
            other,
            "delete a dependent of a deleted owner",
            &format!("{kind} {ns}/{name}"),
        ),
    }
}

/// The owners an object's ownerReferences name (owners live in the dependent's namespace or at
/// cluster scope).
fn owners(obj: &Value) -> Vec<(&'static ResourceDef, String, String)> {
    let ns = obj
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or_default();
    obj.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let def = def_by_kind(r["apiVersion"].as_str()?, r["kind"].as_str()?)?;
            let owner_ns = if def.namespaced { ns } else { "" };
            Some((def, owner_ns.to_string(), r["name"].as_str()?.to_string()))
        })
        .collect()
}

/// The garbage collector's part of a delete: dependents of `uid` are deleted or orphaned; an
/// orphaning owner then loses its `orphan` finalizer, a foreground one its `foregroundDeletion`
/// finalizer once no blocking dependent is left.
pub fn collect(
    st: &Arc<State>,
    def: &'static ResourceDef,
    ns: &str,
    name: &str,
    uid: &str,
    propagation: Propagation,
) {
    let owner = format!("{} {ns}/{name}", def.kind);
    for ((group, plural), dep_ns, dep_name) in st.store.dependents_of(uid) {
        let dep_def = match def_of(group, plural) {
            Ok(d) => d,
            Err(e) => {
                log_failure::<()>(Err(e), "resolve a dependent's resource", &owner);
                continue;
            }
        };
        let dependent = format!("{} {dep_ns}/{dep_name}", dep_def.kind);
        match propagation {
            Propagation::Orphan => log_failure(
                st.store
                    .write::<ApiError>(rid(dep_def), &dep_ns, &dep_name, |cur| {
                        let Some(cur) = cur else {
                            return Ok(Write::Keep(Value::Null));
                        };
                        let mut next = cur.clone();
                        if let Some(Value::Array(refs)) =
                            next["metadata"].get_mut("ownerReferences")
                        {
                            refs.retain(|r| r["uid"].as_str() != Some(uid));
                        }
                        Ok(Write::Put(next))
                    }),
                "orphan a dependent",
                &dependent,
            ),
            Propagation::Background | Propagation::Foreground => {
                // Dependents of a foreground deletion are deleted in the foreground too, so the
                // whole tree goes bottom-up.
                let opts = DeleteOptions {
                    propagation: Some(propagation),
                    ..DeleteOptions::default()
                };
                match ops::delete(st, dep_def, &dep_ns, &dep_name, &opts) {
                    Err(e) if e.code == 404 => {}
                    other => log_failure(other, "delete a dependent", &dependent),
                }
            }
        }
    }
    match propagation {
        Propagation::Foreground => release_foreground(st, def, ns, name),
        Propagation::Orphan => remove_finalizer(st, def, ns, name, "orphan"),
        Propagation::Background => {}
    }
}

/// Removes an owner's `foregroundDeletion` finalizer once none of its dependents that block
/// owner deletion (`blockOwnerDeletion: true`) exists any more.
fn release_foreground(st: &Arc<State>, def: &'static ResourceDef, ns: &str, name: &str) {
    let Some(owner) = st.store.get(rid(def), ns, name) else {
        return;
    };
    let foreground = owner
        .pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .is_some_and(|f| f.iter().any(|x| x == "foregroundDeletion"));
    if !foreground || owner.pointer("/metadata/deletionTimestamp").is_none() {
        return;
    }
    let uid = owner
        .pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let blocked = st
        .store
        .dependents_of(uid)
        .into_iter()
        .any(|(res, dep_ns, dep_name)| {
            st.store.get(res, &dep_ns, &dep_name).is_some_and(|d| {
                d.pointer("/metadata/ownerReferences")
                    .and_then(Value::as_array)
                    .is_some_and(|refs| {
                        refs.iter().any(|r| {
                            r["uid"].as_str() == Some(uid) && r["blockOwnerDeletion"] == json!(true)
                        })
                    })
            })
        });
    if !blocked {
        remove_finalizer(st, def, ns, name, "foregroundDeletion");
    }
}

/// Removes a finalizer from an object (and lets it go if it was the last one).
pub fn remove_finalizer(
    st: &Arc<State>,
    def: &'static ResourceDef,
    ns: &str,
    name: &str,
    finalizer: &str,
) {
    let result = st.store.write::<ApiError>(rid(def), ns, name, |cur| {
        let Some(cur) = cur else {
            return Ok(Write::Keep(Value::Null));
        };
        let mut next = cur.clone();
        if let Some(Value::Array(f)) = next["metadata"].get_mut("finalizers") {
            f.retain(|x| x.as_str() != Some(finalizer));
        }
        Ok(ops::settle(next, false))
    });
    log_failure(
        result,
        &format!("remove the {finalizer} finalizer"),
        &format!("{} {ns}/{name}", def.kind),
    );
}

/// The namespace controller: deletes everything in a terminating namespace; the namespace goes
/// once it is empty (objects with finalizers keep it Terminating until they are released).
pub fn empty_namespace(st: &Arc<State>, ns: &str) {
    for ((group, plural), name) in st.store.in_namespace(ns) {
        let object = format!("{plural} {ns}/{name}");
        match def_of(group, plural) {
            Ok(def) => match ops::delete(st, def, ns, &name, &DeleteOptions::default()) {
                Err(e) if e.code == 404 => {}
                other => log_failure(other, "delete namespace content", &object),
            },
            Err(e) => log_failure::<()>(Err(e), "resolve namespace content", &object),
        }
    }
    finish_namespace_if_empty(st, ns);
}

/// Removes a terminating namespace that has nothing left, or reports what holds it up in its
/// conditions, with kube-controller-manager's condition types and messages.
fn finish_namespace_if_empty(st: &Arc<State>, ns: &str) {
    let namespaces = &registry::NAMESPACES;
    let terminating = st
        .store
        .get(rid(namespaces), "", ns)
        .is_some_and(|n| n.pointer("/metadata/deletionTimestamp").is_some());
    if !terminating {
        return;
    }
    let left = st.store.in_namespace(ns);
    let mut finalizers: Vec<(String, usize)> = Vec::new();
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for ((group, plural), name) in &left {
        let resource = if group.is_empty() {
            plural.to_string()
        } else {
            format!("{plural}.{group}")
        };
        bump(&mut kinds, resource);
        let Some(obj) = st.store.get((*group, *plural), ns, name) else {
            continue;
        };
        for f in obj
            .pointer("/metadata/finalizers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            bump(&mut finalizers, f.to_string());
        }
    }
    let result = st.store.write::<ApiError>(rid(namespaces), "", ns, |cur| {
        let Some(cur) = cur else {
            return Ok(Write::Keep(Value::Null));
        };
        if left.is_empty() {
            return Ok(Write::Delete);
        }
        let mut next = cur.clone();
        let content = kinds
            .iter()
            .map(|(k, n)| format!("{k} has {n} resource instances"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut conditions = vec![json!({"type": "NamespaceContentRemaining", "status": "True", "reason": "SomeResourcesRemain", "message": format!("Some resources are remaining: {content}"), "lastTransitionTime": ops::now()})];
        if !finalizers.is_empty() {
            let held = finalizers
                .iter()
                .map(|(f, n)| format!("{f} in {n} resource instances"))
                .collect::<Vec<_>>()
                .join(", ");
            conditions.push(json!({"type": "NamespaceFinalizersRemaining", "status": "True", "reason": "SomeFinalizersRemain", "message": format!("Some content in the namespace has finalizers remaining: {held}"), "lastTransitionTime": ops::now()}));
        }
        // Keep the transition times when only the time would change.
        let same = cur["status"]["conditions"].as_array().is_some_and(|old| {
            old.len() == conditions.len()
                && old
                    .iter()
                    .zip(&conditions)
                    .all(|(a, b)| a["message"] == b["message"])
        });
        if same {
            return Ok(Write::Keep(cur.clone()));
        }
        next["status"]["conditions"] = json!(conditions);
        Ok(Write::Put(next))
    });
    log_failure(result, "finish the namespace", &format!("Namespace {ns}"));
}

fn bump(counts: &mut Vec<(String, usize)>, key: String) {
    match counts.iter_mut().find(|(k, _)| *k == key) {
        Some((_, n)) => *n += 1,
        None => counts.push((key, 1)),
    }
}
