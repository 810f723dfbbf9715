//! What connecting to a cluster can fail with.

use serde::Serialize;
use std::fmt;

use super::cause::Unreachable;

/// One problem in user input, addressed by its path inside that input (for an uploaded
/// kubeconfig: `users[0].user.exec`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// Where, e.g. `clusters[1].cluster.certificate-authority`.
    pub path: String,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl FieldProblem {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why no client could be built or the cluster could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The credentials given are unusable; every problem is listed with its path.
    #[error("the cluster credentials are invalid: {}", join(.0))]
    Invalid(Vec<FieldProblem>),
    /// The source cannot be loaded on this host: a kubeconfig file that is missing or unreadable,
    /// no in-cluster service account, a context that does not exist.
    #[error("{0}")]
    Unavailable(String),
    /// The cluster did not answer, or refused the credentials.
    #[error("{0}")]
    Unreachable(Unreachable),
}

fn join(problems: &[FieldProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl From<Unreachable> for ConnectError {
    fn from(unreachable: Unreachable) -> Self {
        ConnectError::Unreachable(unreachable)
    }
}
