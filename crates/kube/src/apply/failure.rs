//! What went wrong with one object, in words a user can act on, at the AppSpec field to change.

use super::desired::Desired;
use crate::ObjectRef;
use std::fmt;

/// The kind of a per-object failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FailureKind {
    /// The API server refused the object as invalid (422).
    Invalid,
    /// A field that cannot change did change; `recreate` deletes and creates the object.
    Immutable,
    /// The kind is not served by the cluster (a CRD is missing).
    MissingKind,
    /// The credentials may not do this (403).
    Forbidden,
    /// The object's namespace does not exist and the app does not create it.
    MissingNamespace,
    /// Another writer changed it or owns the fields (409).
    Conflict,
    /// The cluster kept failing or could not be reached.
    Unavailable,
    /// A dependency failed, so this object was not tried.
    Blocked,
}

/// One object's failure.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectFailure {
    /// Which object.
    pub reference: ObjectRef,
    /// The AppSpec path to change (`workloads[0].containers[0].image`), empty when unknown.
    pub path: String,
    /// What happened.
    pub kind: FailureKind,
    /// The explanation.
    pub message: String,
}

impl fmt::Display for ObjectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.reference, self.message)
        } else {
            write!(f, "{}: {} ({})", self.path, self.message, self.reference)
        }
    }
}

/// Turns a failed request about `reference` into a failure at the right AppSpec path.
pub(crate) fn classify(
    error: &kube::Error,
    reference: &ObjectRef,
    desired: Option<&Desired>,
    verb: &str,
    resource: &str,
) -> ObjectFailure {
    let entry = |field: Option<&str>| {
        desired
            .map(|d| d.field_path(reference, field))
            .unwrap_or_default()
    };
    let failure = |kind, path: String, message: String| ObjectFailure {
        reference: reference.clone(),
        path,
        kind,
        message,
    };
    let kube::Error::Api(status) = error else {
        return failure(
            FailureKind::Unavailable,
            entry(None),
            transport_message(error),
        );
    };
    let causes = status
        .details
        .as_ref()
        .map(|d| d.causes.clone())
        .unwrap_or_default();
    match status.code {
        // RBAC names the verb it denies; other 403s are admission plugins refusing the object.
        403 if !status.message.contains(" cannot ") => {
            failure(FailureKind::Invalid, entry(None), status.message.clone())
        }
        403 => {
            let scope = match &reference.namespace {
                Some(namespace) => format!(" in namespace {namespace}"),
                None => " at cluster scope".to_owned(),
            };
            failure(
                FailureKind::Forbidden,
                entry(None),
                format!("the cluster credentials may not {verb} {resource}{scope}"),
            )
        }
        404 if status.message.contains("namespaces") => failure(
            FailureKind::MissingNamespace,
            "namespace".to_owned(),
            format!(
                "namespace {} does not exist on the cluster; create it or turn on createNamespace",
                reference.namespace.as_deref().unwrap_or_default()
            ),
        ),
        409 if status.reason == "Conflict" && !causes.is_empty() => {
            failure(FailureKind::Conflict, entry(None), status.message.clone())
        }
        422 | 409 if is_immutable(&status.message) => {
            let field = causes
                .iter()
                .map(|c| c.field.clone())
                .find(|f| !f.is_empty());
            failure(
                FailureKind::Immutable,
                entry(field.as_deref()),
                format!(
                    "{}; deploy with recreate to delete and re-create this {}",
                    cause_text(status),
                    reference.kind
                ),
            )
        }
        422 => {
            let field = causes
                .iter()
                .map(|c| c.field.clone())
                .find(|f| !f.is_empty());
            failure(
                FailureKind::Invalid,
                entry(field.as_deref()),
                cause_text(status),
            )
        }
        code if retryable_code(code) => failure(
            FailureKind::Unavailable,
            entry(None),
            format!("the cluster answered {code}: {}", status.message),
        ),
        _ => failure(FailureKind::Invalid, entry(None), status.message.clone()),
    }
}

/// The narrow set of API server messages that mean "this field cannot change in place": not any
/// 422 (a plain validation error must never lead to a delete), only kube-apiserver's wording for
/// immutable fields (selectors, Job templates, `immutable` ConfigMaps and Secrets), a Service's
/// cluster IP, StatefulSet specs, bound claims and binding roleRefs.
pub(crate) fn is_immutable(message: &str) -> bool {
    message.contains("field is immutable")
        || message.contains("may not change once set")
        || message.contains("updates to statefulset spec for fields other than")
        || message.contains("spec is immutable after creation")
        || message.contains("cannot change roleRef")
}

/// The causes' messages with their fields, or the top message when there are none.
fn cause_text(status: &kube::core::Status) -> String {
    let causes: Vec<String> = status
        .details
        .iter()
        .flat_map(|d| d.causes.iter())
        .map(|c| {
            if c.field.is_empty() || c.message.starts_with(&c.field) {
                c.message.clone()
            } else {
                format!("{}: {}", c.field, c.message)
            }
        })
        .collect();
    if causes.is_empty() {
        status.message.clone()
    } else {
        causes.join("; ")
    }
}

pub(crate) fn retryable_code(code: u16) -> bool {
    matches!(code, 429 | 500 | 502 | 503 | 504)
}

/// A transport failure named by its cause: refused, timed out, TLS, DNS.
pub(crate) fn transport_message(error: &kube::Error) -> String {
    format!(
        "cluster unreachable: {}",
        crate::connect::Unreachable::classify(error)
    )
}

#[cfg(test)]
mod tests {
    use super::is_immutable;

    #[test]
    fn only_kube_apiservers_immutable_wordings_count() {
        for message in [
            r#"Deployment.apps "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"b"}}: field is immutable"#,
            r#"Service "web" is invalid: spec.clusterIPs[0]: Invalid value: ["10.0.0.9"]: may not change once set"#,
            "StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas' are forbidden",
            "PersistentVolumeClaim \"data\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests",
            r#"RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef: Invalid value: {}: cannot change roleRef"#,
            "ConfigMap \"c\" is invalid: data: Forbidden: field is immutable when `immutable` is set",
        ] {
            assert!(is_immutable(message), "{message}");
        }
        for message in [
            r#"Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value"#,
            r#"Service "web" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535"#,
        ] {
            assert!(!is_immutable(message), "{message}");
        }
    }
}
