//! The API's error type: every handler returns `Result<_, ApiError>`, and this is the only place that
//! decides status codes and the JSON error shape of the external contract.

use crate::app::MAX_BODY_BYTES;
use crate::clusters::{ClusterError, cause_name};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kubechart_kube::apply::{ApplyError, ObjectFailure, PlannedObject};
use kubechart_kube::connect::Cause;
use kubechart_store::StoreError;
use serde::Serialize;
use std::time::Duration;
use utoipa::ToSchema;

/// One problem with one input field, addressed by its path in the request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field in the request, e.g. `password` or `workloads[0].containers[1].image`.
    pub path: String,
    /// What is wrong with it, in words a user can act on.
    pub message: String,
}

impl FieldError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong: a stable machine-readable code, a message, and per-field problems.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// For `cluster_unreachable`: dns, refused, tls, unauthorized, forbidden, timeout or other.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<&'static str>,
}

/// The machine-readable kind of an error. A closed set, published in the OpenAPI document, so
/// clients branch on it exhaustively and never on the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidInput,
    Malformed,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    OperationInProgress,
    RateLimited,
    PayloadTooLarge,
    Timeout,
    MethodNotAllowed,
    Unavailable,
    ClusterUnreachable,
    Internal,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 `malformed`: the body is not well-formed JSON or not JSON at all. Also the body of
    /// other 4xx answers the framework gives before a handler runs (415, 414, 431), which keep
    /// their own status.
    #[error("{0}")]
    Malformed(String),
    /// 401 `unauthenticated`: no valid credentials; the message is the same whatever the cause.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// 403 `forbidden`: authenticated, but the role does not allow this.
    #[error("you do not have permission to do this")]
    Forbidden,
    /// 403 `forbidden`: the cluster's credentials lack a permission the operation needs. The
    /// message names it, because the fix is in the cluster's RBAC, not in the user's role.
    #[error("{0}")]
    ClusterForbidden(String),
    /// 404 `not_found`: no such object, or one that belongs to someone else.
    #[error("not found")]
    NotFound,
    /// 405 `method_not_allowed`: the path exists but not with this method.
    #[error("this method is not allowed on this path")]
    MethodNotAllowed,
    /// 408 `timeout`: the request was not answered within the server's request timeout.
    #[error("the request took longer than the server allows")]
    Timeout,
    /// 409 `conflict`: the request clashes with existing state (a taken username, the last admin,
    /// objects of another app in the cluster).
    #[error("{message}")]
    Conflict {
        message: String,
        fields: Vec<FieldError>,
    },
    /// 409 `operation_in_progress`: another operation on the same deployment is running; the
    /// message names it.
    #[error("{0}")]
    OperationInProgress(String),
    /// 413 `payload_too_large`: the body is larger than the server accepts.
    #[error("the request body is larger than the {} MiB the server accepts", MAX_BODY_BYTES >> 20)]
    PayloadTooLarge,
    /// 422 `invalid_input`: well-formed but invalid input; every problem is listed.
    #[error("the input is invalid")]
    Invalid(Vec<FieldError>),
    /// 429 `rate_limited`: too many attempts; the client may retry after the given time.
    #[error("too many attempts, try again later")]
    RateLimited { retry_after: Duration },
    /// 503 `unavailable`: a dependency (the database) cannot be reached.
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// 503 `cluster_unreachable`: a Kubernetes cluster did not answer or refused the credentials;
    /// the message says why (the cause a user can act on, never credentials).
    #[error("{message}")]
    ClusterUnreachable {
        cause: &'static str,
        message: String,
    },
    /// 500 `internal`: anything else. The cause is logged once and never sent to the client.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::ClusterForbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Timeout => StatusCode::REQUEST_TIMEOUT,
            Self::Conflict { .. } | Self::OperationInProgress(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::ClusterUnreachable { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed(_) => ErrorCode::Malformed,
            Self::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Self::Forbidden | Self::ClusterForbidden(_) => ErrorCode::Forbidden,
            Self::NotFound => ErrorCode::NotFound,
            Self::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            Self::Timeout => ErrorCode::Timeout,
            Self::Conflict { .. } => ErrorCode::Conflict,
            Self::OperationInProgress(_) => ErrorCode::OperationInProgress,
            Self::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            Self::Invalid(_) => ErrorCode::InvalidInput,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Unavailable(_) => ErrorCode::Unavailable,
            Self::ClusterUnreachable { .. } => ErrorCode::ClusterUnreachable,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// What an error answer without the API's body stands for: one the framework or a middleware
    /// gave before or instead of a handler (the request timeout, the body limit, an extractor's
    /// rejection). `text` is the body it came with; it reaches the client only for a 4xx.
    pub fn from_bare_status(status: StatusCode, text: String) -> Self {
        match status {
            StatusCode::UNAUTHORIZED => Self::Unauthenticated("authentication required"),
            StatusCode::FORBIDDEN => Self::Forbidden,
            StatusCode::NOT_FOUND => Self::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => Self::MethodNotAllowed,
            StatusCode::REQUEST_TIMEOUT => Self::Timeout,
            StatusCode::PAYLOAD_TOO_LARGE => Self::PayloadTooLarge,
            StatusCode::UNPROCESSABLE_ENTITY => Self::Invalid(vec![FieldError::new("", text)]),
            StatusCode::SERVICE_UNAVAILABLE => Self::Unavailable(anyhow::anyhow!(text)),
            status if status.is_server_error() => {
                Self::Internal(anyhow::anyhow!("{status}: {text}"))
            }
            status if text.is_empty() => Self::Malformed(
                status
                    .canonical_reason()
                    .unwrap_or("the request cannot be handled")
                    .to_lowercase(),
            ),
            _ => Self::Malformed(text),
        }
    }
}

/// Every store failure that is the client's to fix gets its 4xx here, once; the rest is 503
/// (the database is down) or 500.
/// A query string of the wrong shape (unknown parameter, a value of the wrong type).
impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::QueryRejection) -> Self {
        Self::Malformed(rejection.body_text())
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict { field } => Self::Conflict {
                message: format!("this {field} is already taken"),
                fields: vec![FieldError::new(
                    field,
                    format!("this {field} is already taken"),
                )],
            },
            StoreError::NotFound { .. } => Self::NotFound,
            StoreError::InvalidCursor => {
                Self::Malformed("cursor: not a cursor this server issued".into())
            }
            StoreError::LastAdmin | StoreError::DeploymentExists { .. } => Self::Conflict {
                message: error.to_string(),
                fields: Vec::new(),
            },
            StoreError::StaleRevision { .. } => Self::Conflict {
                fields: vec![FieldError::new("revision", error.to_string())],
                message: error.to_string(),
            },
            StoreError::OperationInProgress { .. } => Self::OperationInProgress(error.to_string()),
            StoreError::Unavailable(_) => Self::Unavailable(error.into()),
            StoreError::LeaseLost { .. }
            | StoreError::Database(_)
            | StoreError::Migration(_)
            | StoreError::UnsupportedUrl { .. }
            | StoreError::InvalidUrl { .. } => Self::Internal(error.into()),
        }
    }
}

impl From<kubechart_manifest::RenderError> for ApiError {
    fn from(error: kubechart_manifest::RenderError) -> Self {
        use kubechart_manifest::RenderError;
        match error {
            RenderError::Invalid(problems) => Self::Invalid(
                problems
                    .into_iter()
                    .map(|problem| FieldError::new(problem.path, problem.message))
                    .collect(),
            ),
            RenderError::Parse(problem) => {
                Self::Invalid(vec![FieldError::new(problem.path, problem.message)])
            }
            RenderError::Internal(message) => Self::Internal(anyhow::anyhow!(message)),
        }
    }
}

/// Nothing could be imported: 422, each problem at its document and field.
impl From<kubechart_manifest::import::ImportError> for ApiError {
    fn from(error: kubechart_manifest::import::ImportError) -> Self {
        Self::Invalid(
            error
                .problems
                .into_iter()
                .map(|problem| FieldError::new(problem.path, problem.message))
                .collect(),
        )
    }
}

impl From<ClusterError> for ApiError {
    fn from(error: ClusterError) -> Self {
        match error {
            ClusterError::NotFound => Self::NotFound,
            ClusterError::Forbidden(_) => Self::Forbidden,
            ClusterError::Invalid(fields) => Self::Invalid(fields),
            ClusterError::InUse { .. } => Self::Conflict {
                message: error.to_string(),
                fields: Vec::new(),
            },
            ClusterError::Unreachable(unreachable) => Self::ClusterUnreachable {
                cause: cause_name(unreachable.cause),
                message: unreachable.message,
            },
            ClusterError::SourceUnavailable(message) => Self::ClusterUnreachable {
                cause: cause_name(Cause::Other),
                message,
            },
            ClusterError::Store(store) => store.into(),
            ClusterError::Credentials(_) | ClusterError::Corrupt(_) => Self::Internal(error.into()),
        }
    }
}

impl From<ApplyError> for ApiError {
    fn from(error: ApplyError) -> Self {
        match error {
            ApplyError::Rejected(failures) => {
                Self::Invalid(failures.iter().map(rejected_field).collect())
            }
            ApplyError::Adoption(ref objects) => Self::Conflict {
                fields: objects.iter().map(adoption_field).collect(),
                message: error.to_string(),
            },
            ApplyError::Inventory(_) => Self::Conflict {
                message: error.to_string(),
                fields: Vec::new(),
            },
            ApplyError::Forbidden(message) => Self::ClusterForbidden(message),
            ApplyError::Unavailable(_) => Self::ClusterUnreachable {
                cause: cause_name(Cause::Other),
                message: error.to_string(),
            },
        }
    }
}

/// A failure the UI can show at its form field; one without a field names its object instead.
fn rejected_field(failure: &ObjectFailure) -> FieldError {
    if failure.path.is_empty() {
        FieldError::new("", format!("{}: {}", failure.reference, failure.message))
    } else {
        FieldError::new(&failure.path, &failure.message)
    }
}

fn adoption_field(object: &PlannedObject) -> FieldError {
    let owner = match &object.owner {
        Some(owner) => format!("belongs to {owner}"),
        None => "belongs to no app KubeChart knows".to_string(),
    };
    FieldError::new(
        &object.spec_path,
        format!("{} already exists and {owner}", object.reference),
    )
}

/// The Retry-After of a 503 for a database that is away or busy.
const UNAVAILABLE_RETRY_AFTER_SECONDS: u64 = 2;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            Self::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "request failed")
            }
            Self::Unavailable(cause) => {
                tracing::warn!(error = format!("{cause:#}"), "dependency unavailable")
            }
            Self::ClusterUnreachable { message, .. } => {
                tracing::info!(error = %message, "cluster unreachable")
            }
            _ => {}
        }
        let fields = match &self {
            Self::Invalid(fields) | Self::Conflict { fields, .. } => fields.clone(),
            _ => Vec::new(),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
                fields,
                cause: match &self {
                    Self::ClusterUnreachable { cause, .. } => Some(*cause),
                    _ => None,
                },
            },
        };
        let retry_after = match &self {
            Self::RateLimited { retry_after } => Some(retry_after.as_secs().max(1)),
            // The database is away or its pool is exhausted: a retry soon is the right move, and
            // a client that honours the header spreads the retries instead of hammering.
            Self::Unavailable(_) => Some(UNAVAILABLE_RETRY_AFTER_SECONDS),
            _ => None,
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(Ok(value)) =
            retry_after.map(|seconds| HeaderValue::from_str(&seconds.to_string()))
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use kubechart_kube::ObjectRef;
    use kubechart_kube::apply::{Action, FailureKind};

    fn deployment(name: &str) -> ObjectRef {
        ObjectRef {
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: name.into(),
        }
    }

    fn adoption(name: &str, spec_path: &str, owner: Option<&str>) -> PlannedObject {
        PlannedObject {
            reference: deployment(name),
            spec_path: spec_path.into(),
            action: Action::Adopt,
            diff: String::new(),
            owner: owner.map(Into::into),
            conflicts: Vec::new(),
            failure: None,
            note: None,
            pods: None,
        }
    }

    async fn body_of(error: ApiError) -> (StatusCode, serde_json::Value) {
        let response = error.into_response();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[test]
    fn a_rejected_plan_is_422_at_each_appspec_path() {
        let failure = |path: &str, message: &str| ObjectFailure {
            reference: deployment("web"),
            path: path.into(),
            kind: FailureKind::Invalid,
            message: message.into(),
        };
        let error = ApiError::from(ApplyError::Rejected(vec![
            failure("workloads[0].containers[0].image", "image is required"),
            failure("", "the namespace is terminating"),
        ]));
        assert_eq!(error.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error.code(), ErrorCode::InvalidInput);
        let ApiError::Invalid(fields) = error else {
            panic!("expected Invalid");
        };
        assert_eq!(
            fields,
            vec![
                FieldError::new("workloads[0].containers[0].image", "image is required"),
                FieldError::new("", "Deployment shop/web: the namespace is terminating"),
            ]
        );
    }

    #[test]
    fn objects_of_another_owner_are_409_naming_objects_and_owners() {
        let error = ApiError::from(ApplyError::Adoption(vec![
            adoption("web", "workloads[0]", Some("app shop-old")),
            adoption("worker", "workloads[1]", None),
        ]));
        assert_eq!(error.status(), StatusCode::CONFLICT);
        assert_eq!(error.code(), ErrorCode::Conflict);
        let message = error.to_string();
        assert!(
            message.contains("Deployment shop/web (app shop-old)"),
            "{message}"
        );
        assert!(message.contains("Deployment shop/worker"), "{message}");
        let ApiError::Conflict { fields, .. } = error else {
            panic!("expected Conflict");
        };
        assert_eq!(fields[0].path, "workloads[0]");
        assert_eq!(
            fields[0].message,
            "Deployment shop/web already exists and belongs to app shop-old"
        );
        assert_eq!(fields[1].path, "workloads[1]");
        assert!(fields[1].message.contains("no app KubeChart knows"));
    }

    #[test]
    fn an_inventory_problem_is_409() {
        let error = ApiError::from(ApplyError::Inventory("owned by another tool".into()));
        assert_eq!(error.status(), StatusCode::CONFLICT);
        assert_eq!(error.code(), ErrorCode::Conflict);
        assert!(error.to_string().contains("owned by another tool"));
    }

    #[tokio::test]
    async fn a_missing_cluster_permission_is_403_and_names_it() {
        let message = "the credentials may not create namespaces";
        let error = ApiError::from(ApplyError::Forbidden(message.into()));
        assert_eq!(error.code(), ErrorCode::Forbidden);
        let (status, body) = body_of(error).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["error"]["code"], "forbidden");
        assert_eq!(body["error"]["message"], message);
    }

    #[tokio::test]
    async fn an_unavailable_cluster_is_503_cluster_unreachable() {
        let error = ApiError::from(ApplyError::Unavailable("connection refused".into()));
        let (status, body) = body_of(error).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body["error"]["code"], "cluster_unreachable");
        assert_eq!(body["error"]["cause"], "other");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("connection refused")
        );
    }

    #[test]
    fn a_database_away_or_busy_asks_for_a_retry() {
        let response = ApiError::Unavailable(anyhow::anyhow!("pool timed out")).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "2");
    }

    #[tokio::test]
    async fn a_5xx_never_carries_internal_text() {
        for error in [
            ApiError::Internal(anyhow::anyhow!("secret table name")),
            ApiError::Unavailable(anyhow::anyhow!("secret host name")),
            ApiError::from_bare_status(
                StatusCode::INTERNAL_SERVER_ERROR,
                "secret extension".into(),
            ),
            ApiError::from_bare_status(StatusCode::BAD_GATEWAY, "secret upstream".into()),
        ] {
            let (status, body) = body_of(error).await;
            assert!(status.is_server_error());
            assert!(!body.to_string().contains("secret"), "{body}");
        }
    }

    #[test]
    fn bare_statuses_keep_their_meaning() {
        let cases = [
            (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed),
            (StatusCode::REQUEST_TIMEOUT, ErrorCode::Timeout),
            (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge),
            (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidInput),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::Malformed),
            (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable),
            (StatusCode::BAD_GATEWAY, ErrorCode::Internal),
        ];
        for (status, code) in cases {
            assert_eq!(
                ApiError::from_bare_status(status, String::new()).code(),
                code,
                "{status}"
            );
        }
        let error = ApiError::from_bare_status(StatusCode::BAD_REQUEST, "Invalid URL".into());
        assert_eq!(error.to_string(), "Invalid URL");
        let error = ApiError::from_bare_status(StatusCode::URI_TOO_LONG, String::new());
        assert_eq!(error.to_string(), "uri too long");
    }

    #[test]
    fn every_code_is_published_in_snake_case() {
        let codes = [
            (ErrorCode::InvalidInput, "invalid_input"),
            (ErrorCode::OperationInProgress, "operation_in_progress"),
            (ErrorCode::PayloadTooLarge, "payload_too_large"),
            (ErrorCode::MethodNotAllowed, "method_not_allowed"),
            (ErrorCode::ClusterUnreachable, "cluster_unreachable"),
        ];
        for (code, name) in codes {
            assert_eq!(serde_json::to_value(code).unwrap(), name);
        }
        let schema = serde_json::to_value(<ErrorCode as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["enum"].as_array().unwrap().len(), 14, "{schema}");
    }

    #[test]
    fn store_errors_that_are_the_clients_to_fix_are_4xx() {
        use kubechart_store::{DeploymentId, OperationId, UserId};
        let cases = [
            (
                StoreError::NotFound {
                    entity: "deployment",
                },
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
            ),
            (
                StoreError::InvalidCursor,
                StatusCode::BAD_REQUEST,
                ErrorCode::Malformed,
            ),
            (
                StoreError::Conflict { field: "username" },
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
            ),
            (
                StoreError::LastAdmin,
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
            ),
            (
                StoreError::DeploymentExists {
                    existing: DeploymentId::new(),
                    owner: UserId::new(),
                },
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
            ),
            (
                StoreError::StaleRevision {
                    expected: 1,
                    current: 2,
                },
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
            ),
            (
                StoreError::OperationInProgress {
                    operation: OperationId::new(),
                    holder: "replica".into(),
                    lease_expires_at: chrono::Utc::now(),
                },
                StatusCode::CONFLICT,
                ErrorCode::OperationInProgress,
            ),
            (
                StoreError::LeaseLost {
                    operation: OperationId::new(),
                },
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
            ),
            (
                StoreError::Database(sea_orm::DbErr::Custom("broken".into())),
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
            ),
        ];
        for (error, status, code) in cases {
            let shown = error.to_string();
            let error = ApiError::from(error);
            assert_eq!(error.status(), status, "{shown}");
            assert_eq!(error.code(), code, "{shown}");
        }
        let stale = ApiError::from(StoreError::StaleRevision {
            expected: 1,
            current: 2,
        });
        let ApiError::Conflict { fields, .. } = stale else {
            panic!("expected Conflict");
        };
        assert_eq!(fields[0].path, "revision");
    }
}
