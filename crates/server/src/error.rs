//! The API's error type: every handler returns `Result<_, ApiError>`, and this is the only place that
//! decides status codes and the JSON error shape of the external contract.

use crate::clusters::{ClusterError, cause_name};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
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
    /// One of invalid_input, malformed, unauthenticated, forbidden, not_found, conflict,
    /// rate_limited, unavailable, cluster_unreachable, internal.
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// For `cluster_unreachable`: dns, refused, tls, unauthorized, forbidden, timeout or other.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<&'static str>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not well-formed JSON or not JSON at all.
    #[error("{0}")]
    Malformed(String),
    /// 401: no valid credentials; the message is the same whatever the precise cause.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// 403: authenticated, but the role does not allow this.
    #[error("you do not have permission to do this")]
    Forbidden,
    /// 404: no such object, or one that belongs to someone else.
    #[error("not found")]
    NotFound,
    /// 409: the request clashes with existing state (a taken username, the last admin).
    #[error("{message}")]
    Conflict {
        message: String,
        fields: Vec<FieldError>,
    },
    /// 422: well-formed but invalid input; every problem is listed.
    #[error("the input is invalid")]
    Invalid(Vec<FieldError>),
    /// 429: too many attempts; the client may retry after the given time.
    #[error("too many attempts, try again later")]
    RateLimited { retry_after: Duration },
    /// 503: a dependency (the database) cannot be reached.
    #[error("a dependency is unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// 503 `cluster_unreachable`: a Kubernetes cluster did not answer or refused the credentials;
    /// the message says why (the cause a user can act on, never credentials).
    #[error("{message}")]
    ClusterUnreachable {
        cause: &'static str,
        message: String,
    },
    /// 500: anything else. The cause is logged once and never sent to the client.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::ClusterUnreachable { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed",
            Self::Unauthenticated(_) => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Conflict { .. } => "conflict",
            Self::Invalid(_) => "invalid_input",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable(_) => "unavailable",
            Self::ClusterUnreachable { .. } => "cluster_unreachable",
            Self::Internal(_) => "internal",
        }
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
            StoreError::Unavailable(_) => Self::Unavailable(error.into()),
            other => Self::Internal(other.into()),
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
        let mut response = (status, axum::Json(body)).into_response();
        if let Self::RateLimited { retry_after } = self {
            let seconds = retry_after.as_secs().max(1).to_string();
            if let Ok(value) = HeaderValue::from_str(&seconds) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}
