//! `/api/v1/clusters`: registered Kubernetes clusters, the host's detected sources, and live status.

use crate::auth::{AdminUser, CurrentUser};
use crate::clusters::views::{
    ClusterView, CreateClusterRequest, DeleteQuery, DetectedView, NamespaceListView, StatusQuery,
    StatusView, UpdateClusterRequest,
};
use crate::deployments::import::{ClusterImportRequest, ClusterImportView};
use crate::error::{ApiError, ErrorBody};
use crate::http::json::ApiJson;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kubechart_store::ClusterId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const TAG: &str = "clusters";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_clusters, create_cluster))
        .routes(routes!(detected_clusters))
        .routes(routes!(get_cluster, update_cluster, delete_cluster))
        .routes(routes!(cluster_status))
        .routes(routes!(cluster_namespaces))
        .routes(routes!(import_from_cluster))
}

/// An id that cannot exist is simply not found, like any other unknown cluster.
fn cluster_id(id: &str) -> Result<ClusterId, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound)
}

/// The caller's clusters and the shared ones (administrators: every cluster), oldest first.
#[utoipa::path(get, path = "/api/v1/clusters", tag = TAG,
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<ClusterView>),
        (status = 401, body = ErrorBody),
    ))]
async fn list_clusters(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<Vec<ClusterView>>, ApiError> {
    Ok(Json(state.clusters.list(&user).await?))
}

/// Register a cluster from an uploaded kubeconfig, a token, or a source detected on the server's
/// host (administrators). Credentials are sealed at rest and never returned.
#[utoipa::path(post, path = "/api/v1/clusters", tag = TAG,
    security(("bearer" = [])),
    request_body = CreateClusterRequest,
    responses(
        (status = 201, body = ClusterView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Detected sources and shared clusters are for administrators", body = ErrorBody),
        (status = 409, description = "The name is taken", body = ErrorBody),
        (status = 422, description = "Invalid input; a refused kubeconfig field is named by its path, e.g. source.kubeconfig.users[0].user.exec", body = ErrorBody),
    ))]
async fn create_cluster(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(request): ApiJson<CreateClusterRequest>,
) -> Result<(StatusCode, Json<ClusterView>), ApiError> {
    let cluster = state.clusters.create(&user, request).await?;
    Ok((StatusCode::CREATED, Json(cluster)))
}

/// The sources found on the server's host (the in-cluster service account, kubeconfig files and
/// their contexts) and which of them are registered.
#[utoipa::path(get, path = "/api/v1/clusters/detected", tag = TAG,
    security(("bearer" = [])),
    responses(
        (status = 200, body = DetectedView),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
async fn detected_clusters(
    State(state): State<AppState>,
    AdminUser(_admin): AdminUser,
) -> Result<Json<DetectedView>, ApiError> {
    Ok(Json(state.clusters.detected().await?))
}

/// One cluster.
#[utoipa::path(get, path = "/api/v1/clusters/{id}", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Cluster id")),
    responses(
        (status = 200, body = ClusterView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn get_cluster(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ClusterView>, ApiError> {
    Ok(Json(state.clusters.get(&user, cluster_id(&id)?).await?))
}

/// Rename a cluster, change its default namespace, share it (administrators) or replace its
/// credentials. Its owner or an administrator only.
#[utoipa::path(patch, path = "/api/v1/clusters/{id}", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Cluster id")),
    request_body = UpdateClusterRequest,
    responses(
        (status = 200, body = ClusterView),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The name is taken", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
async fn update_cluster(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<UpdateClusterRequest>,
) -> Result<Json<ClusterView>, ApiError> {
    let id = cluster_id(&id)?;
    Ok(Json(state.clusters.update(&user, id, request).await?))
}

/// Forget a cluster (nothing is removed from the cluster itself). Refused while deployments are
/// applied to it, unless `force=true`. Its owner or an administrator only.
#[utoipa::path(delete, path = "/api/v1/clusters/{id}", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Cluster id"), DeleteQuery),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Deployments are applied to the cluster", body = ErrorBody),
    ))]
async fn delete_cluster(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    query: Result<Query<DeleteQuery>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    let id = cluster_id(&id)?;
    let Query(query) = query?;
    state.clusters.delete(&user, id, query.force).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Probe the cluster: version and latency, identity, optional APIs with install hints, what the
/// credentials may do, and the form's pickers. An unreachable cluster answers within seconds with
/// 503 `cluster_unreachable` and its cause.
#[utoipa::path(get, path = "/api/v1/clusters/{id}/status", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Cluster id"), StatusQuery),
    responses(
        (status = 200, body = StatusView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 503, description = "cluster_unreachable: DNS, refused, TLS, unauthorized, forbidden or timeout", body = ErrorBody),
    ))]
async fn cluster_status(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    query: Result<Query<StatusQuery>, QueryRejection>,
) -> Result<Json<StatusView>, ApiError> {
    let id = cluster_id(&id)?;
    let Query(query) = query?;
    Ok(Json(
        state.clusters.status(&user, id, query.namespace).await?,
    ))
}

/// The cluster's namespaces, for the namespace picker. An unreachable cluster, or credentials
/// that may not list namespaces, answer 503 `cluster_unreachable` with the cause.
#[utoipa::path(get, path = "/api/v1/clusters/{id}/namespaces", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Cluster id")),
    responses(
        (status = 200, body = NamespaceListView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 503, description = "cluster_unreachable: DNS, refused, TLS, unauthorized, forbidden or timeout", body = ErrorBody),
    ))]
async fn cluster_namespaces(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<NamespaceListView>, ApiError> {
    let namespaces = state.clusters.namespaces(&user, cluster_id(&id)?).await?;
    Ok(Json(NamespaceListView { namespaces }))
}

/// Import the objects running in a namespace (those matching `selector`, when given) into a new
/// draft deployment bound to this cluster and namespace. Objects made by a controller, another
/// app's and those Kubernetes makes itself are left out and listed in `report.skipped`. Selectors
/// and other immutable fields are kept as they are, and the draft's first deploy takes the objects
/// over in place (no `adopt` needed); its diff says per workload whether pods will roll.
#[utoipa::path(post, path = "/api/v1/clusters/{id}/import", tag = TAG,
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Cluster id")),
    request_body = ClusterImportRequest,
    responses(
        (status = 201, body = ClusterImportView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "A live deployment has this cluster, namespace and name", body = ErrorBody),
        (status = 422, description = "Invalid `namespace` or `selector`, a namespace that does not exist, or nothing to import there", body = ErrorBody),
        (status = 503, description = "cluster_unreachable: the cluster cannot be reached", body = ErrorBody),
    ))]
async fn import_from_cluster(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<ClusterImportRequest>,
) -> Result<(StatusCode, Json<ClusterImportView>), ApiError> {
    let id = cluster_id(&id)?;
    let imported = state
        .deployments
        .import_from_cluster(&user, id, request)
        .await?;
    Ok((StatusCode::CREATED, Json(imported)))
}
