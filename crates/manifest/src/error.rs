//! The renderer's error type: every problem carries the AppSpec field path it belongs to.

use serde::Serialize;
use std::fmt;

/// One problem with the input, at an AppSpec field path like `workloads[0].containers[1].image`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FieldError {
    /// AppSpec field path; empty for the document as a whole.
    pub path: String,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl FieldError {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Why an AppSpec could not be rendered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RenderError {
    /// The spec is well-formed but breaks one or more rules; all problems are listed.
    #[error("invalid application spec: {}", summary(.0))]
    Invalid(Vec<FieldError>),
    /// The text is not YAML/JSON, or does not have the AppSpec's shape (type or unknown field).
    #[error("cannot parse application spec: {0}")]
    Parse(FieldError),
    /// A valid spec could not be turned into output: a defect of the renderer, not of the input.
    #[error("internal rendering error: {0}")]
    Internal(String),
}

impl RenderError {
    /// The field errors of the input; none for an internal error.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Self::Invalid(errors) => errors.clone(),
            Self::Parse(error) => vec![error.clone()],
            Self::Internal(_) => Vec::new(),
        }
    }
}

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Collects problems under a growing field path, so validators report every problem at once.
#[derive(Debug, Default)]
pub(crate) struct Errors {
    list: Vec<FieldError>,
}

impl Errors {
    pub(crate) fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.list.push(FieldError::new(path, message));
    }

    pub(crate) fn extend(&mut self, errors: impl IntoIterator<Item = FieldError>) {
        self.list.extend(errors);
    }

    pub(crate) fn into_result(self) -> Result<(), RenderError> {
        if self.list.is_empty() {
            Ok(())
        } else {
            Err(RenderError::Invalid(self.list))
        }
    }
}
