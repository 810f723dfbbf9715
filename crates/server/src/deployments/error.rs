//! What the deployment service fails with, and the one mapping of it onto HTTP.

use crate::clusters::ClusterError;
use crate::error::{ApiError, FieldError};
use kubechart_kube::apply::ApplyError;
use kubechart_manifest::RenderError;
use kubechart_manifest::import::ImportError;
use kubechart_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum DeploymentError {
    /// 404: no such deployment or revision, or one of another user's deployments.
    #[error("not found")]
    NotFound,
    /// 400: a query parameter that cannot be read; the message names it.
    #[error("{0}")]
    BadParameter(String),
    /// 403: only administrators may do this (list every user's deployments).
    #[error("{0}")]
    Forbidden(&'static str),
    /// 422: invalid input other than the AppSpec itself (a query value, the cluster), by path.
    #[error("the input is invalid")]
    Invalid(Vec<FieldError>),
    /// 422: the AppSpec is invalid; every problem at its AppSpec path.
    #[error(transparent)]
    Spec(#[from] RenderError),
    /// 422: nothing could be imported; every problem at its document and field.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// 409: another live deployment has this cluster, namespace and name; the message names it
    /// only to a caller who may see it.
    #[error("{0}")]
    NameTaken(String),
    /// 409: the deployment moved past the revision the edit was based on.
    #[error(
        "revision {expected} is out of date: the deployment is at revision {current}; reload it and apply the edit again"
    )]
    StaleRevision { expected: i32, current: i32 },
    /// 409: the change needs the deployment's objects removed from its cluster first.
    #[error("{0}")]
    Applied(&'static str),
    /// 409: the deployment is bound to no cluster, so there is nothing to plan or apply against.
    #[error(
        "this deployment has no cluster; choose one (clusterId) before planning or deploying it"
    )]
    NoCluster,
    /// 409 `operation_in_progress`: another operation on the deployment is running.
    #[error("{0}")]
    OperationInProgress(String),
    /// Whatever the apply engine says (its own mapping: 422, 409, 403, 503).
    #[error(transparent)]
    Apply(#[from] ApplyError),
    /// Whatever the cluster service says (its own mapping).
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// Whatever the store says (its own mapping).
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for DeploymentError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { .. } => Self::NotFound,
            StoreError::StaleRevision { expected, current } => {
                Self::StaleRevision { expected, current }
            }
            StoreError::OperationInProgress {
                operation,
                lease_expires_at,
                ..
            } => Self::OperationInProgress(format!(
                "operation {operation} is still running on this deployment (its claim stands until {}); wait for it to finish",
                lease_expires_at.to_rfc3339()
            )),
            other => Self::Store(other),
        }
    }
}

impl From<DeploymentError> for ApiError {
    fn from(error: DeploymentError) -> Self {
        match error {
            DeploymentError::NotFound => Self::NotFound,
            DeploymentError::BadParameter(message) => Self::Malformed(message),
            DeploymentError::Forbidden(_) => Self::Forbidden,
            DeploymentError::Invalid(fields) => Self::Invalid(fields),
            DeploymentError::Spec(error) => error.into(),
            DeploymentError::Import(error) => error.into(),
            DeploymentError::NameTaken(ref message) => Self::Conflict {
                fields: vec![FieldError::new("name", message.clone())],
                message: error.to_string(),
            },
            DeploymentError::StaleRevision { .. } => Self::Conflict {
                fields: vec![FieldError::new("revision", error.to_string())],
                message: error.to_string(),
            },
            DeploymentError::Applied(message) => Self::Conflict {
                message: message.to_owned(),
                fields: Vec::new(),
            },
            DeploymentError::NoCluster => Self::Conflict {
                message: error.to_string(),
                fields: vec![FieldError::new("clusterId", error.to_string())],
            },
            DeploymentError::OperationInProgress(message) => Self::OperationInProgress(message),
            DeploymentError::Apply(error) => error.into(),
            DeploymentError::Cluster(error) => error.into(),
            DeploymentError::Store(error) => error.into(),
        }
    }
}
