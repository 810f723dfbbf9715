//! The HTTP side: routing, authentication and authorisation, verb dispatch, responses.

mod list;
pub mod listener;
mod logs;
mod path;
mod scale;
mod table;
mod watch;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::auth::Identity;
use crate::ops::{self, DeleteOptions, Deleted, Propagation, WriteOptions};
use crate::patch::PatchType;
use crate::patch::fields::Scope;
use crate::registry::Registry;
use crate::state::State;
use crate::status::{self, ApiError};
use path::{Route, Target};

/// The router serving the Kubernetes API.
pub fn router(state: Arc<State>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(state)
}

/// A JSON response.
pub(crate) fn json_response(code: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.code, &self.to_status())
    }
}

type Query = HashMap<String, String>;

fn query_of(uri: &Uri) -> Query {
    axum::extract::Query::<Query>::try_from_uri(uri)
        .map(|q| q.0)
        .unwrap_or_default()
}

fn flag(q: &Query, key: &str) -> bool {
    q.get(key).is_some_and(|v| v == "true" || v == "1")
}

fn dry_run(q: &Query) -> Result<bool, ApiError> {
    match q.get("dryRun").map(String::as_str) {
        None | Some("") => Ok(false),
        Some("All") => Ok(true),
        Some(other) => Err(ApiError::bad_request(format!(
            "Invalid dry run value: {other:?}"
        ))),
    }
}

/// The field manager of a non-apply write: the query parameter, else the user agent's product.
fn manager(q: &Query, headers: &HeaderMap) -> String {
    q.get("fieldManager").cloned().unwrap_or_else(|| {
        let ua = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("unknown");
        ua.split('/')
            .next()
            .unwrap_or(ua)
            .chars()
            .take(128)
            .collect()
    })
}

fn decode_json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .or_else(|_| {
            std::str::from_utf8(body)
                .map_err(|e| e.to_string())
                .and_then(|s| serde_saphyr::from_str(s).map_err(|e| e.to_string()))
        })
        .map_err(|e| ApiError::bad_request(format!("error decoding request body: {e}")))
}

fn verb_of(method: &Method, target: &Target, q: &Query) -> &'static str {
    let named = target.name.is_some();
    match *method {
        Method::GET if named => "get",
        Method::GET if target.watch_prefix || flag(q, "watch") => "watch",
        Method::GET => "list",
        Method::POST => "create",
        Method::PUT => "update",
        Method::PATCH => "patch",
        Method::DELETE if named => "delete",
        Method::DELETE => "deletecollection",
        _ => "unknown",
    }
}

async fn handle(
    AxumState(st): AxumState<Arc<State>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let latency = st.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match dispatch(&st, &method, &uri, &headers, &body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

/// Request bodies must be JSON or YAML: this server does not speak protobuf or CBOR, and says so
/// with 415 like kube-apiserver does for a media type a resource does not accept (clients then
/// fall back to JSON).
fn check_body_type(headers: &HeaderMap, method: &Method) -> Result<(), ApiError> {
    if !matches!(*method, Method::POST | Method::PUT) {
        return Ok(());
    }
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    let base = ct.split(';').next().unwrap_or_default().trim();
    match base {
        "application/json" | "application/yaml" | "" => Ok(()),
        other => Err(ApiError {
            code: 415,
            reason: "UnsupportedMediaType",
            message: format!(
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml; got {other}"
            ),
            details: None,
        }),
    }
}

async fn dispatch(
    st: &Arc<State>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, ApiError> {
    let who = st.tokens.authenticate(headers)?;
    check_body_type(headers, method)?;
    let route = path::resolve(&st.registry, uri.path())?;
    let q = query_of(uri);
    let discovery_only = |r: Result<Value, ApiError>| -> Result<Response, ApiError> {
        if method != Method::GET {
            return Err(ApiError::method_not_allowed());
        }
        r.map(|v| json_response(200, &v))
    };
    match route {
        Route::Version => discovery_only(Ok(version())),
        Route::Health => Ok((StatusCode::OK, "ok").into_response()),
        Route::CoreVersions => discovery_only(Ok(Registry::api_versions(&st.server_address))),
        Route::Groups => discovery_only(Ok(st.registry.api_group_list())),
        Route::Group(g) => discovery_only(
            st.registry
                .api_group(&g)
                .ok_or_else(ApiError::path_not_found),
        ),
        Route::ResourceList(g, v) => discovery_only(
            st.registry
                .resource_list(&g, &v)
                .ok_or_else(ApiError::path_not_found),
        ),
        Route::OpenApiIndex => discovery_only(Ok(st.registry.openapi_index())),
        Route::OpenApiGroupVersion(g, v) => discovery_only(
            st.registry
                .openapi_group_version(&g, &v)
                .ok_or_else(ApiError::path_not_found),
        ),
        Route::Resource(target) => resource(st, &who, method, &target, &q, headers, body).await,
        Route::SeedPodLog { namespace, pod } if method == Method::POST => {
            logs::seed_pod_log(st, &who, &namespace, &pod, body)
        }
        Route::SeedPodLog { .. } => Err(ApiError::method_not_allowed()),
    }
}

fn version() -> Value {
    json!({
        "major": "1",
        "minor": "36",
        "emulationMajor": "1",
        "emulationMinor": "36",
        "gitVersion": "v1.36.0",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-04-22T00:00:00Z",
        "goVersion": "go1.26.2",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

async fn resource(
    st: &Arc<State>,
    who: &Identity,
    method: &Method,
    target: &Target,
    q: &Query,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, ApiError> {
    let def = target.def;
    let verb = verb_of(method, target, q);
    let ns = target.namespace.as_deref();
    if def.namespaced && ns.is_none() && !matches!(verb, "list" | "watch") {
        return Err(ApiError::method_not_allowed());
    }
    if !def.verbs.contains(&verb) && target.subresource.is_none() {
        return Err(ApiError::method_not_allowed());
    }
    st.faults.check(verb, def.plural)?;
    let rbac_verb = if target.subresource.as_deref() == Some("log") {
        "get"
    } else {
        verb
    };
    st.rbac
        .authorize(who, def, rbac_verb, ns, target.name.as_deref())?;
    let ns = ns.unwrap_or_default();
    let name = target.name.as_deref().unwrap_or_default();
    let scope = match target.subresource.as_deref() {
        Some("status") => Scope::Status,
        Some("scale") => Scope::Scale,
        _ => Scope::Main,
    };
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let wants_table = accept.contains("as=Table");
    if scope == Scope::Scale {
        return scale_subresource(st, target, verb, q, headers, body);
    }
    match verb {
        "get" if target.subresource.as_deref() == Some("log") => {
            logs::pod_log(st, ns, name, q).await
        }
        "get" => {
            let obj = st
                .store
                .get(crate::store::rid(def), ops::ns_of(def, ns), name)
                .ok_or_else(|| ApiError::not_found(def, name))?;
            if wants_table {
                Ok(json_response(
                    200,
                    &table::table(def, &[obj], st.store.current_rv(), q),
                ))
            } else {
                Ok(json_response(200, &obj))
            }
        }
        "list" => list::list(st, def, target.namespace.as_deref(), q, wants_table),
        "watch" => watch::watch(st, def, target.namespace.as_deref(), q, wants_table),
        "create" if def.group == "authorization.k8s.io" => {
            let review = decode_json(body)?;
            let answer = if def.kind == "SelfSubjectAccessReview" {
                st.rbac.access_review(who, review, |g, r| {
                    st.registry
                        .resources()
                        .find(|d| d.group == g && d.plural == r)
                })
            } else {
                st.rbac.rules_review(who, review)
            };
            Ok(json_response(201, &answer))
        }
        "create" => {
            let opts = WriteOptions {
                dry_run: dry_run(q)?,
                manager: manager(q, headers),
                force: false,
                scope,
            };
            let created = ops::create(st, def, ns, decode_json(body)?, &opts)?;
            Ok(json_response(201, &created))
        }
        "update" => {
            let opts = WriteOptions {
                dry_run: dry_run(q)?,
                manager: manager(q, headers),
                force: false,
                scope,
            };
            Ok(json_response(
                200,
                &ops::update(st, def, ns, name, decode_json(body)?, &opts)?,
            ))
        }
        "patch" => {
            let ct = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let kind = PatchType::from_content_type(ct)?;
            let force = flag(q, "force");
            if force && kind != PatchType::Apply {
                return Err(ApiError::bad_request(
                    "force: Forbidden: may not be specified for non-apply patch",
                ));
            }
            let manager = if kind == PatchType::Apply {
                q.get("fieldManager").cloned().unwrap_or_default()
            } else {
                manager(q, headers)
            };
            let opts = WriteOptions {
                dry_run: dry_run(q)?,
                manager,
                force,
                scope,
            };
            let existed = st
                .store
                .get(crate::store::rid(def), ops::ns_of(def, ns), name)
                .is_some();
            let patched = ops::patch(st, def, ns, name, kind, body, &opts)?;
            Ok(json_response(if existed { 200 } else { 201 }, &patched))
        }
        "delete" => {
            let opts = delete_options(q, body)?;
            match ops::delete(st, def, ns, name, &opts)? {
                Deleted::Gone(obj) if def.kind == "Pod" || opts.dry_run => {
                    Ok(json_response(200, &obj))
                }
                Deleted::Gone(obj) => {
                    let uid = obj
                        .pointer("/metadata/uid")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    Ok(json_response(200, &status::success(def, name, uid)))
                }
                Deleted::Pending(obj) => Ok(json_response(200, &obj)),
            }
        }
        "deletecollection" => list::delete_collection(st, def, ns, q, &delete_options(q, body)?),
        _ => Err(ApiError::method_not_allowed()),
    }
}

/// `GET`, `PUT` and `PATCH` of an object's scale subresource.
fn scale_subresource(
    st: &Arc<State>,
    target: &Target,
    verb: &str,
    q: &Query,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, ApiError> {
    let def = target.def;
    let ns = target.namespace.as_deref().unwrap_or_default();
    let name = target.name.as_deref().unwrap_or_default();
    let opts = WriteOptions {
        dry_run: dry_run(q)?,
        manager: manager(q, headers),
        force: false,
        scope: Scope::Scale,
    };
    let scale = match verb {
        "get" => scale::get(st, def, ns, name)?,
        "update" => scale::write(st, def, ns, name, None, body, &opts)?,
        "patch" => {
            let ct = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let kind = PatchType::from_content_type(ct)?;
            scale::write(st, def, ns, name, Some(kind), body, &opts)?
        }
        _ => return Err(ApiError::method_not_allowed()),
    };
    Ok(json_response(200, &scale))
}

fn delete_options(q: &Query, body: &[u8]) -> Result<DeleteOptions, ApiError> {
    let body: Value = if body.is_empty() {
        json!({})
    } else {
        decode_json(body)?
    };
    let policy = body["propagationPolicy"]
        .as_str()
        .map(str::to_string)
        .or_else(|| q.get("propagationPolicy").cloned());
    let mut propagation = policy.as_deref().map(Propagation::parse).transpose()?;
    if propagation.is_none()
        && let Some(orphan) = body["orphanDependents"].as_bool()
    {
        propagation = Some(if orphan {
            Propagation::Orphan
        } else {
            Propagation::Background
        });
    }
    let body_dry = body["dryRun"]
        .as_array()
        .is_some_and(|d| d.iter().any(|x| x == "All"));
    Ok(DeleteOptions {
        propagation,
        dry_run: body_dry || dry_run(q)?,
        uid: body
            .pointer("/preconditions/uid")
            .and_then(Value::as_str)
            .map(str::to_string),
        resource_version: body
            .pointer("/preconditions/resourceVersion")
            .and_then(Value::as_str)
            .map(str::to_string),
        grace_period: body["gracePeriodSeconds"]
            .as_i64()
            .or_else(|| q.get("gracePeriodSeconds").and_then(|g| g.parse().ok())),
    })
}

/// A streaming body from a channel of chunks.
pub(crate) fn stream_body(rx: tokio::sync::mpsc::Receiver<Bytes>) -> Body {
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx);
    Body::from_stream(futures::StreamExt::map(
        stream,
        Ok::<_, std::convert::Infallible>,
    ))
}
