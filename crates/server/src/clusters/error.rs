//! What the cluster service can fail with. Each variant's doc says how the API reports it.

use kubechart_kube::connect::{Cause, Unreachable};
use kubechart_store::StoreError;

use super::seal::SealError;
use crate::error::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// 404: no such cluster, or another user's private cluster.
    #[error("cluster not found")]
    NotFound,
    /// 403: only administrators may do this (host sources, shared clusters, others' clusters).
    #[error("{0}")]
    Forbidden(&'static str),
    /// 422: the input is invalid; every problem with its path in the request body.
    #[error("the cluster input is invalid")]
    Invalid(Vec<FieldError>),
    /// 409: deployments are applied to the cluster and `force` was not given.
    #[error(
        "{applied_deployments} deployment(s) are applied to this cluster; delete them first or pass force=true"
    )]
    InUse { applied_deployments: u64 },
    /// 503 `cluster_unreachable`: the cluster did not answer or refused the credentials.
    #[error("{0}")]
    Unreachable(Unreachable),
    /// 503 `cluster_unreachable`: the source cannot be used on this host any more (its kubeconfig
    /// file is gone, the pod has no service account).
    #[error("{0}")]
    SourceUnavailable(String),
    /// From the store: 409 for a taken name, 503 when the database is down, else 500.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// 500: credentials could not be sealed or opened (wrong key, tampered row).
    #[error(transparent)]
    Credentials(#[from] SealError),
    /// 500: stored credentials that no longer parse.
    #[error("stored credentials are unusable: {0}")]
    Corrupt(String),
}

/// The machine-readable name of a cause, as the API reports it.
pub fn cause_name(cause: Cause) -> &'static str {
    match cause {
        Cause::Dns => "dns",
        Cause::Refused => "refused",
        Cause::Tls => "tls",
        Cause::Unauthorized => "unauthorized",
        Cause::Forbidden => "forbidden",
        Cause::Timeout => "timeout",
        Cause::Other => "other",
    }
}
