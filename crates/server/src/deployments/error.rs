//! What the deployment service fails with, and the one mapping of it onto HTTP.

use crate::clusters::ClusterError;
use crate::error::{ApiError, FieldError};
use kubechart_manifest::RenderError;
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
            DeploymentError::Cluster(error) => error.into(),
            DeploymentError::Store(error) => error.into(),
        }
    }
}
