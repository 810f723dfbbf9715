//! Resolving a request path to a resource, namespace, name and subresource.

use crate::registry::{Registry, ResourceDef};
use crate::status::ApiError;

/// What a resource path names.
#[derive(Debug, Clone)]
pub struct Target {
    /// The resource.
    pub def: &'static ResourceDef,
    /// The namespace from the path.
    pub namespace: Option<String>,
    /// The object name.
    pub name: Option<String>,
    /// The subresource (`status`, `log`).
    pub subresource: Option<String>,
    /// The legacy `/watch/` path prefix was used.
    pub watch_prefix: bool,
}

/// A request path, classified.
#[derive(Debug, Clone)]
pub enum Route {
    /// `/version`.
    Version,
    /// `/healthz`, `/livez`, `/readyz`.
    Health,
    /// `/api`.
    CoreVersions,
    /// `/apis`.
    Groups,
    /// `/apis/{group}`.
    Group(String),
    /// `/api/v1`, `/apis/{group}/{version}`.
    ResourceList(String, String),
    /// `/openapi/v3`.
    OpenApiIndex,
    /// `/openapi/v3/api/v1`, `/openapi/v3/apis/{group}/{version}`.
    OpenApiGroupVersion(String, String),
    /// An object or collection.
    Resource(Target),
    /// `POST /testcluster/v1/namespaces/{ns}/pods/{pod}/log`: the pod-log knob for tests that reach
    /// the server only over the wire (no kube-apiserver path; the binary's clients append lines).
    SeedPodLog {
        /// The pod's namespace.
        namespace: String,
        /// The pod.
        pod: String,
    },
}

/// Classifies a path; unknown paths and resources are 404 like kube-apiserver answers them.
pub fn resolve(registry: &Registry, path: &str) -> Result<Route, ApiError> {
    let segs: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let (group, version, rest): (&str, &str, &[&str]) = match segs.as_slice() {
        ["version"] => return Ok(Route::Version),
        ["healthz" | "livez" | "readyz", ..] => return Ok(Route::Health),
        ["testcluster", "v1", "namespaces", ns, "pods", pod, "log"] => {
            return Ok(Route::SeedPodLog {
                namespace: (*ns).to_string(),
                pod: (*pod).to_string(),
            });
        }
        ["api"] => return Ok(Route::CoreVersions),
        ["apis"] => return Ok(Route::Groups),
        ["apis", g] => return Ok(Route::Group((*g).to_string())),
        ["openapi", "v3"] => return Ok(Route::OpenApiIndex),
        ["openapi", "v3", "api", v] => {
            return Ok(Route::OpenApiGroupVersion(String::new(), (*v).to_string()));
        }
        ["openapi", "v3", "apis", g, v] => {
            return Ok(Route::OpenApiGroupVersion(
                (*g).to_string(),
                (*v).to_string(),
            ));
        }
        ["api", v] => return Ok(Route::ResourceList(String::new(), (*v).to_string())),
        ["apis", g, v] => return Ok(Route::ResourceList((*g).to_string(), (*v).to_string())),
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return Err(ApiError::path_not_found()),
    };
    let (watch_prefix, rest) = match rest {
        ["watch", tail @ ..] => (true, tail),
        other => (false, other),
    };
    let namespace_paths = rest.len() >= 3
        && rest[0] == "namespaces"
        && !(rest.len() == 3 && matches!(rest[2], "status" | "finalize"));
    let (namespace, resource, name, sub) = if namespace_paths {
        (
            Some(rest[1]),
            rest[2],
            rest.get(3).copied(),
            rest.get(4).copied(),
        )
    } else {
        (None, rest[0], rest.get(1).copied(), rest.get(2).copied())
    };
    if rest.len() > if namespace_paths { 5 } else { 3 } {
        return Err(ApiError::path_not_found());
    }
    let def = registry
        .lookup(group, version, resource)
        .ok_or_else(ApiError::path_not_found)?;
    if namespace.is_some() && !def.namespaced {
        return Err(ApiError::path_not_found());
    }
    if let Some(s) = sub
        && !def.subresources.contains(&s)
    {
        return Err(ApiError::path_not_found());
    }
    Ok(Route::Resource(Target {
        def,
        namespace: namespace.map(str::to_string),
        name: name.map(str::to_string),
        subresource: sub.map(str::to_string),
        watch_prefix,
    }))
}
