//! The write verbs as kube-apiserver's registry runs them: admission (namespace lifecycle),
//! defaulting, validation, field ownership, optimistic concurrency, deletion with finalizers and
//! garbage collection. Shared by the HTTP layer and the simulated controllers.

use std::sync::Arc;

use chrono::SecondsFormat;
use serde_json::{Value, json};

use crate::defaults::apply_defaults;
use crate::patch::apply::{Writer, conflict_error, server_side_apply, track_update};
use crate::patch::fields::Scope;
use crate::patch::{PatchType, apply_patch};
use crate::registry::{self, ResourceDef};
use crate::state::State;
use crate::status::ApiError;
use crate::store::{Write, resource_version, rid};
use crate::validate::validate;

/// How a write is performed.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// `dryRun=All`: run everything, store nothing.
    pub dry_run: bool,
    /// The field manager.
    pub manager: String,
    /// `force=true` for server-side apply.
    pub force: bool,
    /// Main resource or status subresource.
    pub scope: Scope,
}

impl WriteOptions {
    /// A main-resource write by `manager`.
    pub fn by(manager: &str) -> Self {
        Self {
            dry_run: false,
            manager: manager.to_string(),
            force: false,
            scope: Scope::Main,
        }
    }

    /// A status-subresource write by `manager`.
    pub fn status_by(manager: &str) -> Self {
        Self {
            scope: Scope::Status,
            ..Self::by(manager)
        }
    }
}

/// The current time as kube-apiserver formats it.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The namespace key of an object of `def` ("" for cluster-scoped kinds).
pub fn ns_of<'a>(def: &ResourceDef, ns: &'a str) -> &'a str {
    if def.namespaced { ns } else { "" }
}

/// NamespaceLifecycle admission for creates.
fn admit_create(st: &State, def: &ResourceDef, ns: &str, name: &str) -> Result<(), ApiError> {
    if !def.namespaced {
        return Ok(());
    }
    match st.store.get(rid(&registry::NAMESPACES), "", ns) {
        None => Err(ApiError::namespace_not_found(ns)),
        Some(n) if n.pointer("/metadata/deletionTimestamp").is_some() => {
            Err(ApiError::namespace_terminating(def, name, ns))
        }
        Some(_) => Ok(()),
    }
}

fn has_generation(def: &ResourceDef) -> bool {
    def.crd.is_some()
        || matches!(
            def.group,
            "apps" | "batch" | "networking.k8s.io" | "autoscaling" | "policy"
        )
}

/// Stamps what the server owns on a new object.
fn prepare_new(def: &ResourceDef, ns: &str, obj: &mut Value) {
    obj["apiVersion"] = json!(def.api_version());
    obj["kind"] = json!(def.kind);
    if def.namespaced {
        obj["metadata"]["namespace"] = json!(ns);
    } else if let Some(m) = obj["metadata"].as_object_mut() {
        m.remove("namespace");
    }
    obj["metadata"]["uid"] = json!(uuid::Uuid::new_v4().to_string());
    obj["metadata"]["creationTimestamp"] = json!(now());
    if has_generation(def) {
        obj["metadata"]["generation"] = json!(1);
    }
    if def.subresources.contains(&"status")
        && !matches!(def.kind, "Namespace")
        && let Some(m) = obj.as_object_mut()
    {
        m.remove("status");
    }
    if def.kind == "Service" {
        allocate_cluster_ip(obj);
    }
    if def.kind == "Job" && obj.pointer("/spec/manualSelector") != Some(&json!(true)) {
        generate_job_selector(obj);
    }
}

/// The job registry's selector generation: a Job without `manualSelector` selects its pods by
/// its own uid, and its template carries the matching labels.
fn generate_job_selector(obj: &mut Value) {
    let uid = obj["metadata"]["uid"].clone();
    let name = obj["metadata"]["name"].clone();
    obj["spec"]["selector"] = json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}});
    let labels = &mut obj["spec"]["template"]["metadata"]["labels"];
    if !labels.is_object() {
        *labels = json!({});
    }
    for (key, value) in [
        ("batch.kubernetes.io/controller-uid", &uid),
        ("batch.kubernetes.io/job-name", &name),
        ("controller-uid", &uid),
        ("job-name", &name),
    ] {
        labels[key] = value.clone();
    }
}

fn allocate_cluster_ip(obj: &mut Value) {
    let spec = &mut obj["spec"];
    if spec["type"].as_str() == Some("ExternalName")
        || spec
            .get("clusterIP")
            .is_some_and(|ip| ip.as_str() != Some(""))
    {
        if spec["clusterIP"].as_str() == Some("None") {
            spec["clusterIPs"] = json!(["None"]);
        }
        return;
    }
    let n: u16 = rand::random();
    let ip = format!("10.96.{}.{}", (n >> 8) as u8, (n as u8).max(2));
    spec["clusterIP"] = json!(ip);
    spec["clusterIPs"] = json!([ip]);
}

/// Defaulting, server-owned metadata, generation, validation and (for non-apply writes) field
/// ownership: what every create/update/patch goes through before it is stored.
fn finish(
    def: &ResourceDef,
    old: Option<&Value>,
    new: &mut Value,
    opts: &WriteOptions,
    track: bool,
) -> Result<(), ApiError> {
    if let Some(old) = old {
        match opts.scope {
            Scope::Status => {
                let status = new.get("status").cloned();
                *new = old.clone();
                match status {
                    Some(s) => new["status"] = s,
                    None => {
                        if let Some(m) = new.as_object_mut() {
                            m.remove("status");
                        }
                    }
                }
            }
            Scope::Main | Scope::Scale => {
                for key in [
                    "uid",
                    "creationTimestamp",
                    "deletionTimestamp",
                    "deletionGracePeriodSeconds",
                    "generation",
                    "namespace",
                    "name",
                ] {
                    match old["metadata"].get(key) {
                        Some(v) => new["metadata"][key] = v.clone(),
                        None => {
                            if let Some(m) = new["metadata"].as_object_mut() {
                                m.remove(key);
                            }
                        }
                    }
                }
                new["apiVersion"] = json!(def.api_version());
                new["kind"] = json!(def.kind);
                if def.subresources.contains(&"status") {
                    match old.get("status") {
                        Some(s) => new["status"] = s.clone(),
                        None => {
                            if let Some(m) = new.as_object_mut() {
                                m.remove("status");
                            }
                        }
                    }
                }
            }
        }
        // managedFields are the server's record; clients cannot rewrite them through an update.
        match old.pointer("/metadata/managedFields") {
            Some(mf) if track => new["metadata"]["managedFields"] = mf.clone(),
            _ => {}
        }
    }
    if def.kind == "Service"
        && let Some(old) = old
    {
        keep_allocated_ips(old, new);
    }
    if def.kind == "Secret" {
        fold_string_data(new);
    }
    apply_defaults(def.kind, new);
    if let Some(old) = old
        && has_generation(def)
        && old.get("spec") != new.get("spec")
    {
        let generation = old
            .pointer("/metadata/generation")
            .and_then(Value::as_i64)
            .unwrap_or(1);
        new["metadata"]["generation"] = json!(generation + 1);
    }
    let causes = validate(def, new, old);
    if !causes.is_empty() {
        let name = new
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return Err(ApiError::invalid(def, name, &causes));
    }
    if track {
        let now = now();
        let api_version = def.api_version();
        let writer = Writer {
            manager: &opts.manager,
            api_version: &api_version,
            scope: opts.scope,
            now: &now,
        };
        track_update(old, new, &writer);
    }
    Ok(())
}

/// The service registry keeps the allocated cluster IPs when an update leaves them out (a PUT
/// of a manifest that never named them), as kube-apiserver does before validating the change.
fn keep_allocated_ips(old: &Value, new: &mut Value) {
    for key in ["clusterIP", "clusterIPs"] {
        let unset = new["spec"]
            .get(key)
            .is_none_or(|v| v.is_null() || v == "" || v == &json!([]));
        if unset && let Some(v) = old["spec"].get(key) {
            new["spec"][key] = v.clone();
        }
    }
}

/// `stringData` is write-only: kube-apiserver folds it into `data` (base64, overriding keys
/// present in both) and never stores it.
fn fold_string_data(secret: &mut Value) {
    use base64::Engine;
    let Some(Value::Object(plain)) = secret.as_object_mut().and_then(|m| m.remove("stringData"))
    else {
        return;
    };
    if !secret["data"].is_object() {
        secret["data"] = json!({});
    }
    for (k, v) in plain {
        let text = v.as_str().unwrap_or_default();
        secret["data"][k.as_str()] =
            json!(base64::engine::general_purpose::STANDARD.encode(text.as_bytes()));
    }
}

/// A stored object is removed once it is being deleted and no finalizer remains.
pub(crate) fn settle(obj: Value, dry_run: bool) -> Write {
    let deleting = obj.pointer("/metadata/deletionTimestamp").is_some();
    let finalizers = obj
        .pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .is_some_and(|f| !f.is_empty());
    if dry_run {
        Write::Keep(obj)
    } else if deleting && !finalizers {
        Write::Delete
    } else {
        Write::Put(obj)
    }
}

fn check_rv(def: &ResourceDef, name: &str, sent: &Value, current: &Value) -> Result<(), ApiError> {
    match sent
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
    {
        Some(rv)
            if !rv.is_empty()
                && Some(rv)
                    != current
                        .pointer("/metadata/resourceVersion")
                        .and_then(Value::as_str) =>
        {
            Err(ApiError::conflict(def, name))
        }
        _ => Ok(()),
    }
}

/// Creates an object.
pub fn create(
    st: &Arc<State>,
    def: &'static ResourceDef,
    ns: &str,
    mut obj: Value,
    opts: &WriteOptions,
) -> Result<Value, ApiError> {
    let ns = ns_of(def, ns);
    if !obj.is_object() {
        return Err(ApiError::bad_request(
            "the body of the request was not a JSON object",
        ));
    }
    if !obj.get("metadata").is_some_and(Value::is_object) {
        obj["metadata"] = json!({});
    }
    if def.namespaced
        && let Some(body_ns) = obj.pointer("/metadata/namespace").and_then(Value::as_str)
        && !body_ns.is_empty()
        && body_ns != ns
    {
        return Err(ApiError::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        ));
    }
    let mut name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if name.is_empty()
        && let Some(prefix) = obj
            .pointer("/metadata/generateName")
            .and_then(Value::as_str)
    {
        let suffix: String = (0..5)
            .map(|_| (b'a' + rand::random::<u8>() % 26) as char)
            .collect();
        name = format!("{prefix}{suffix}");
        obj["metadata"]["name"] = json!(name);
    }
    if name.is_empty() {
        return Err(ApiError::invalid(
            def,
            "",
            &[crate::status::Cause {
                reason: "FieldValueRequired",
                field: "metadata.name".into(),
                message: "Required value: name or generateName is required".into(),
            }],
        ));
    }
    admit_create(st, def, ns, &name)?;
    crate::quota::admit(st, def, ns, &name)?;
    prepare_new(def, ns, &mut obj);
    finish(def, None, &mut obj, opts, true)?;
    st.store.write(rid(def), ns, &name, |cur| {
        if cur.is_some() {
            return Err(ApiError::already_exists(def, &name));
        }
        Ok(if opts.dry_run {
            Write::Keep(obj)
        } else {
            Write::Put(obj)
        })
    })
}

/// Replaces an object (PUT), honouring the resourceVersion precondition.
pub fn update(
    st: &Arc<State>,
    def: &'static ResourceDef,
    ns: &str,
    name: &str,
    obj: Value,
    opts: &WriteOptions,
) -> Result<Value, ApiError> {
    let ns = ns_of(def, ns);
    let body_name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if body_name != name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({body_name}) does not match the name on the URL ({name})"
        )));
    }
    st.store.write(rid(def), ns, name, |cur| {
        let cur = cur.ok_or_else(|| ApiError::not_found(def, name))?;
        check_rv(def, name, &obj, cur)?;
        let mut new = obj;
        finish(def, Some(cur), &mut new, opts, true)?;
        Ok(settle(new, opts.dry_run))
    })
}

fn decode_apply_body(body: &[u8]) -> Result<Value, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?;
    let v: Value = serde_json::from_str(text)
        .or_else(|_| serde_saphyr::from_str(text))
        .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?;
    if !v.is_object() {
        return Err(ApiError::bad_request(
            "error decoding YAML: the applied configuration is not an object",
        ));
    }
    Ok(v)
}

/// Patches an object; server-side apply creates it when missing.
pub fn patch(
    st: &Arc<State>,
    def: &'static ResourceDef,
    ns: &str,
    name: &str,
    kind: PatchType,
    body: &[u8],
    opts: &WriteOptions,
) -> Result<Value, ApiError> {
    let ns = ns_of(def, ns);
    if kind == PatchType::Apply {
        return apply(st, def, ns, name, body, opts);
    }
    let strategic_ok = def.crd.is_none();
    st.store.write(rid(def), ns, name, |cur| {
        let cur = cur.ok_or_else(|| ApiError::not_found(def, name))?;
        let mut new = apply_patch(kind, cur, body, strategic_ok)?;
        check_rv(def, name, &new, cur)?;
        if new.pointer("/metadata/name").and_then(Value::as_str) != Some(name) {
            return Err(ApiError::bad_request(format!(
                "the name of the object does not match the name on the URL ({name})"
            )));
        }
        finish(def, Some(cur), &mut new, opts, true)?;
        Ok(settle(new, opts.dry_run))
    })
}

fn apply(
    st: &Arc<State>,
    def: &'static ResourceDef,
    ns: &str,
    name: &str,
    body: &[u8],
    opts: &WriteOptions,
) -> Result<Value, ApiError> {
    if opts.manager.is_empty() {
        return Err(ApiError::bad_request(
            "PATCH requests of type application/apply-patch+yaml must include a fieldManager",
        ));
    }
    let applied = decode_apply_body(body)?;
    let sent_version = applied["apiVersion"].as_str().unwrap_or_default();
    if sent_version != def.api_version() {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({sent_version}) does not match the expected API version ({})",
            def.api_version()
        )));
    }
    if applied["kind"].as_str() != Some(def.kind) {
        return Err(ApiError::bad_request(format!(
            "the kind in the data ({}) does not match the expected kind ({})",
            applied["kind"].as_str().unwrap_or_default(),
            def.kind
        )));
    }
    let body_name = applied
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if body_name != name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({body_name}) does not match the name on the URL ({name})"
        )));
    }
    if def.namespaced
        && let Some(body_ns) = applied
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
        && !body_ns.is_empty()
        && body_ns != ns
    {
        return Err(ApiError::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        ));
    }
    if st.store.get(rid(def), ns, name).is_none() {
        admit_create(st, def, ns, name)?;
        crate::quota::admit(st, def, ns, name)?;
    }
    let now = now();
    let api_version = def.api_version();
    let writer = Writer {
        manager: &opts.manager,
        api_version: &api_version,
        scope: opts.scope,
        now: &now,
    };
    st.store.write(rid(def), ns, name, |cur| {
        if let Some(cur) = cur {
            check_rv(def, name, &applied, cur)?;
        } else if opts.scope == Scope::Status {
            return Err(ApiError::not_found(def, name));
        }
        let mut new = server_side_apply(cur, &applied, &writer, opts.force)
            .map_err(|c| conflict_error(def, name, &c))?;
        if cur.is_none() {
            prepare_new(def, ns, &mut new)
        }
        finish(def, cur, &mut new, opts, false)?;
        Ok(settle(new, opts.dry_run))
    })
}

/// Sets `spec.replicas` through the scale subresource. `precondition` is the resourceVersion the
/// client's Scale carried, checked like an update's.
pub fn scale(
    st: &Arc<State>,
    def: &'static ResourceDef,
    ns: &str,
    name: &str,
    replicas: Value,
    precondition: Option<&str>,
    opts: &WriteOptions,
) -> Result<Value, ApiError> {
    st.store.write(rid(def), ns_of(def, ns), name, |cur| {
        let cur = cur.ok_or_else(|| ApiError::not_found(def, name))?;
        if let Some(rv) = precondition.filter(|rv| !rv.is_empty())
            && Some(rv)
                != cur
                    .pointer("/metadata/resourceVersion")
                    .and_then(Value::as_str)
        {
            return Err(ApiError::conflict(def, name));
        }
        let mut new = cur.clone();
        new["spec"]["replicas"] = replicas;
        finish(def, Some(cur), &mut new, opts, true)?;
        Ok(settle(new, opts.dry_run))
    })
}

/// How dependents are treated when their owner is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Propagation {
    /// Delete the owner now, dependents afterwards.
    Background,
    /// Delete dependents first, then the owner.
    Foreground,
    /// Keep dependents, remove their ownerReferences.
    Orphan,
}

impl Propagation {
    /// Parses `propagationPolicy`.
    pub fn parse(s: &str) -> Result<Self, ApiError> {
        match s {
            "Background" => Ok(Self::Background),
            "Foreground" => Ok(Self::Foreground),
            "Orphan" => Ok(Self::Orphan),
            other => Err(ApiError::bad_request(format!(
                "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"{other}\": supported values: \"Foreground\", \"Background\", \"Orphan\""
            ))),
        }
    }

    fn default_for(def: &ResourceDef) -> Self {
        // batch/v1 Jobs keep the pre-GC default of orphaning their pods.
        if def.kind == "Job" {
            Self::Orphan
        } else {
            Self::Background
        }
    }
}

/// Options of a delete.
#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    /// `propagationPolicy`, or the kind's default.
    pub propagation: Option<Propagation>,
    /// `dryRun=All`.
    pub dry_run: bool,
    /// `preconditions.uid`.
    pub uid: Option<String>,
    /// `preconditions.resourceVersion`.
    pub resource_version: Option<String>,
    /// `gracePeriodSeconds`: how long a running pod gets to stop (0 deletes it at once).
    pub grace_period: Option<i64>,
}

/// What a delete did.
#[derive(Debug, Clone)]
pub enum Deleted {
    /// The object is gone; its last state.
    Gone(Value),
    /// The object is being deleted (finalizers or foreground deletion pending).
    Pending(Value),
}

fn add_finalizer(obj: &mut Value, f: &str) {
    let list = obj["metadata"]
        .as_object_mut()
        .map(|m| m.entry("finalizers").or_insert_with(|| json!([])));
    if let Some(Value::Array(items)) = list
        && !items.iter().any(|x| x.as_str() == Some(f))
    {
        items.push(json!(f));
    }
}

/// How long a pod gets to stop: a pod running on a node (not yet being deleted) is deleted
/// gracefully, the request's `gracePeriodSeconds` or else its `terminationGracePeriodSeconds`;
/// the kubelet removes it once its containers stopped. Other objects, unscheduled pods and a
/// second delete go at once.
fn grace_period(def: &ResourceDef, cur: &Value, opts: &DeleteOptions) -> i64 {
    let running = def.kind == "Pod"
        && cur.pointer("/spec/nodeName").is_some()
        && cur.pointer("/metadata/deletionTimestamp").is_none();
    if !running {
        return 0;
    }
    opts.grace_period
        .or_else(|| {
            cur.pointer("/spec/terminationGracePeriodSeconds")
                .and_then(Value::as_i64)
        })
        .unwrap_or(30)
        .max(0)
}

/// Deletes an object (or starts deleting it).
pub fn delete(
    st: &Arc<State>,
    def: &'static ResourceDef,
    ns: &str,
    name: &str,
    opts: &DeleteOptions,
) -> Result<Deleted, ApiError> {
    let ns = ns_of(def, ns);
    let propagation = opts
        .propagation
        .unwrap_or_else(|| Propagation::default_for(def));
    let mut pending = false;
    let result = st.store.write(rid(def), ns, name, |cur| {
        let cur = cur.ok_or_else(|| ApiError::not_found(def, name))?;
        let uid = cur.pointer("/metadata/uid").and_then(Value::as_str).unwrap_or_default();
        if let Some(want) = &opts.uid
            && want != uid {
                return Err(ApiError {
                    code: 409,
                    reason: "Conflict",
                    message: format!(
                        "Operation cannot be fulfilled on {} \"{name}\": Precondition failed: UID in precondition: {want}, UID in object meta: {uid}",
                        crate::status::qualified(def)
                    ),
                    details: None,
                });
            }
        if let Some(want) = &opts.resource_version
            && Some(want.as_str()) != cur.pointer("/metadata/resourceVersion").and_then(Value::as_str) {
                return Err(ApiError::conflict(def, name));
            }
        let mut next = cur.clone();
        if def.kind == "Namespace" {
            next["status"]["phase"] = json!("Terminating");
        }
        match propagation {
            Propagation::Foreground => add_finalizer(&mut next, "foregroundDeletion"),
            Propagation::Orphan => add_finalizer(&mut next, "orphan"),
            Propagation::Background => {}
        }
        let has_finalizers = next.pointer("/metadata/finalizers").and_then(Value::as_array).is_some_and(|f| !f.is_empty())
            || def.kind == "Namespace";
        let grace = grace_period(def, cur, opts);
        if opts.dry_run {
            return Ok(Write::Keep(cur.clone()));
        }
        if has_finalizers || grace > 0 {
            pending = true;
            if next.pointer("/metadata/deletionTimestamp").is_none() {
                let at = chrono::Utc::now() + chrono::Duration::seconds(grace);
                next["metadata"]["deletionTimestamp"] = json!(at.to_rfc3339_opts(SecondsFormat::Secs, true));
                next["metadata"]["deletionGracePeriodSeconds"] = json!(grace);
            }
            return Ok(Write::Put(next));
        }
        Ok(Write::Delete)
    })?;
    if opts.dry_run {
        return Ok(Deleted::Gone(result));
    }
    let uid = result
        .pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if def.kind == "Pod" && !pending {
        st.logs.remove_pod(ns, name);
    }
    let st2 = st.clone();
    let (ns2, name2) = (ns.to_string(), name.to_string());
    if def.kind == "Namespace" {
        tokio::spawn(async move { crate::gc::empty_namespace(&st2, &name2) });
    } else if !uid.is_empty() {
        tokio::spawn(async move { crate::gc::collect(&st2, def, &ns2, &name2, &uid, propagation) });
    }
    Ok(if pending {
        Deleted::Pending(result)
    } else {
        Deleted::Gone(result)
    })
}

/// The resourceVersion of an object, for callers that compare.
pub fn rv_of(obj: &Value) -> u64 {
    resource_version(obj).unwrap_or_default()
}

/// A controller's status write: computes the new status from the current object and stores it
/// through the status subresource path (field ownership included). Unchanged status is a no-op.
pub fn write_status(
    st: &Arc<State>,
    def: &'static ResourceDef,
    ns: &str,
    name: &str,
    manager: &str,
    compute: impl FnOnce(&Value) -> Option<Value>,
) -> Result<Value, ApiError> {
    let opts = WriteOptions::status_by(manager);
    st.store.write(rid(def), ns_of(def, ns), name, |cur| {
        let cur = cur.ok_or_else(|| ApiError::not_found(def, name))?;
        let Some(status) = compute(cur) else {
            return Ok(Write::Keep(cur.clone()));
        };
        if cur.get("status") == Some(&status) {
            return Ok(Write::Keep(cur.clone()));
        }
        let mut new = cur.clone();
        new["status"] = status;
        finish(def, Some(cur), &mut new, &opts, true)?;
        Ok(Write::Put(new))
    })
}

/// A controller's spec write (e.g. binding a claim to its volume).
pub fn write_main(
    st: &Arc<State>,
    def: &'static ResourceDef,
    ns: &str,
    name: &str,
    manager: &str,
    change: impl FnOnce(&mut Value),
) -> Result<Value, ApiError> {
    let opts = WriteOptions::by(manager);
    st.store.write(rid(def), ns_of(def, ns), name, |cur| {
        let cur = cur.ok_or_else(|| ApiError::not_found(def, name))?;
        let mut new = cur.clone();
        change(&mut new);
        if &new == cur {
            return Ok(Write::Keep(new));
        }
        finish(def, Some(cur), &mut new, &opts, true)?;
        Ok(settle(new, false))
    })
}
