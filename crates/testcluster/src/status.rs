//! `Status` error objects with kube-apiserver's reasons, codes and message shapes.

use serde_json::{Value, json};

use crate::registry::ResourceDef;

/// One cause of an Invalid (422) error: a field path and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cause {
    /// `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`, `FieldValueTooLong`, ...
    pub reason: &'static str,
    /// The field path, e.g. `spec.template.metadata.labels`.
    pub field: String,
    /// The message, already carrying its "Required value" / "Invalid value: ..." prefix.
    pub message: String,
}

impl Cause {
    /// A missing required field.
    pub fn required(field: impl Into<String>) -> Self {
        Self {
            reason: "FieldValueRequired",
            field: field.into(),
            message: "Required value".into(),
        }
    }

    /// A field with a bad value; `value` is rendered the way Go's `%#v` renders it for the common types.
    pub fn invalid(field: impl Into<String>, value: &Value, detail: impl AsRef<str>) -> Self {
        Self {
            reason: "FieldValueInvalid",
            field: field.into(),
            message: format!("Invalid value: {}: {}", go_value(value), detail.as_ref()),
        }
    }

    /// A value outside an enumeration.
    pub fn not_supported(field: impl Into<String>, value: &Value, allowed: &[&str]) -> Self {
        let allowed: Vec<String> = allowed.iter().map(|a| format!("\"{a}\"")).collect();
        Self {
            reason: "FieldValueNotSupported",
            field: field.into(),
            message: format!(
                "Unsupported value: {}: supported values: {}",
                go_value(value),
                allowed.join(", ")
            ),
        }
    }

    /// A field whose value is longer than allowed.
    pub fn too_many(field: impl Into<String>, actual: usize, max: usize) -> Self {
        Self {
            reason: "FieldValueTooMany",
            field: field.into(),
            message: format!("Too many: {actual}: must have at most {max} items"),
        }
    }

    /// A field that must not be set.
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            reason: "FieldValueForbidden",
            field: field.into(),
            message: format!("Forbidden: {}", detail.into()),
        }
    }

    /// A reference to something that does not exist (a volume mount naming no volume).
    pub fn not_found(field: impl Into<String>, value: &Value) -> Self {
        Self {
            reason: "FieldValueNotFound",
            field: field.into(),
            message: format!("Not found: {}", go_value(value)),
        }
    }

    /// A duplicated entry in a list.
    pub fn duplicate(field: impl Into<String>, value: &Value) -> Self {
        Self {
            reason: "FieldValueDuplicate",
            field: field.into(),
            message: format!("Duplicate value: {}", go_value(value)),
        }
    }

    fn full_message(&self) -> String {
        format!("{}: {}", self.field, self.message)
    }
}

/// Renders a bad value the way kube-apiserver (v1.34 and later) shows it in messages: strings
/// quoted, numbers and booleans plain, everything else as compact JSON.
fn go_value(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// An API error: becomes a `Status` object with the HTTP code it names.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code} {reason}: {message}")]
pub struct ApiError {
    /// The HTTP status code.
    pub code: u16,
    /// The `Status.reason`.
    pub reason: &'static str,
    /// The `Status.message`.
    pub message: String,
    /// The `Status.details`, when kube-apiserver fills them.
    pub details: Option<Value>,
}

/// `deployments.apps` or `namespaces`: how kube-apiserver names a resource in messages.
pub fn qualified(def: &ResourceDef) -> String {
    if def.group.is_empty() {
        def.plural.to_string()
    } else {
        format!("{}.{}", def.plural, def.group)
    }
}

fn details(def: &ResourceDef, name: &str) -> Value {
    let mut d = json!({"name": name, "kind": def.plural});
    if !def.group.is_empty() {
        d["group"] = json!(def.group);
    }
    d
}

impl ApiError {
    fn new(
        code: u16,
        reason: &'static str,
        message: impl Into<String>,
        details: Option<Value>,
    ) -> Self {
        Self {
            code,
            reason,
            message: message.into(),
            details,
        }
    }

    /// 404 `deployments.apps "web" not found`.
    pub fn not_found(def: &ResourceDef, name: &str) -> Self {
        Self::new(
            404,
            "NotFound",
            format!("{} \"{name}\" not found", qualified(def)),
            Some(details(def, name)),
        )
    }

    /// 404 `namespaces "x" not found` for writes into a namespace that does not exist.
    pub fn namespace_not_found(ns: &str) -> Self {
        Self::new(
            404,
            "NotFound",
            format!("namespaces \"{ns}\" not found"),
            Some(json!({"name": ns, "kind": "namespaces"})),
        )
    }

    /// 404 for a path the server does not serve.
    pub fn path_not_found() -> Self {
        Self::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
            Some(json!({})),
        )
    }

    /// 409 `deployments.apps "web" already exists`.
    pub fn already_exists(def: &ResourceDef, name: &str) -> Self {
        Self::new(
            409,
            "AlreadyExists",
            format!("{} \"{name}\" already exists", qualified(def)),
            Some(details(def, name)),
        )
    }

    /// 409 optimistic-concurrency conflict.
    pub fn conflict(def: &ResourceDef, name: &str) -> Self {
        Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                qualified(def)
            ),
            Some(details(def, name)),
        )
    }

    /// 409 with a custom message (server-side apply field conflicts).
    pub fn conflict_with(
        def: &ResourceDef,
        name: &str,
        message: String,
        causes: Vec<Value>,
    ) -> Self {
        let mut d = details(def, name);
        d["causes"] = Value::Array(causes);
        Self::new(409, "Conflict", message, Some(d))
    }

    /// 422 `Deployment.apps "web" is invalid: ...` with causes.
    pub fn invalid(def: &ResourceDef, name: &str, causes: &[Cause]) -> Self {
        let kind = if def.group.is_empty() {
            def.kind.to_string()
        } else {
            format!("{}.{}", def.kind, def.group)
        };
        let list = if causes.len() == 1 {
            causes[0].full_message()
        } else {
            format!(
                "[{}]",
                causes
                    .iter()
                    .map(Cause::full_message)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let mut d = json!({
            "name": name,
            "kind": def.kind,
            "causes": causes.iter().map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field})).collect::<Vec<_>>(),
        });
        if !def.group.is_empty() {
            d["group"] = json!(def.group);
        }
        Self::new(
            422,
            "Invalid",
            format!("{kind} \"{name}\" is invalid: {list}"),
            Some(d),
        )
    }

    /// 403 with kube-apiserver's RBAC message shape.
    pub fn forbidden(
        def: &ResourceDef,
        name: Option<&str>,
        user: &str,
        verb: &str,
        namespace: Option<&str>,
    ) -> Self {
        let subject = match name {
            Some(n) => format!("{} \"{n}\"", qualified(def)),
            None => qualified(def),
        };
        let scope = match namespace {
            Some(ns) => format!("in the namespace \"{ns}\""),
            None => "at the cluster scope".to_string(),
        };
        Self::new(
            403,
            "Forbidden",
            format!(
                "{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{}\" in API group \"{}\" {scope}",
                def.plural, def.group
            ),
            Some(details(def, name.unwrap_or_default())),
        )
    }

    /// 403 from an admission plugin (an exceeded quota): `pods "web-x" is forbidden: <reason>`.
    pub fn forbidden_by_admission(def: &ResourceDef, name: &str, reason: &str) -> Self {
        Self::new(
            403,
            "Forbidden",
            format!("{} \"{name}\" is forbidden: {reason}", qualified(def)),
            Some(details(def, name)),
        )
    }

    /// 403 for writes into a namespace that is being deleted.
    pub fn namespace_terminating(def: &ResourceDef, name: &str, ns: &str) -> Self {
        Self::new(
            403,
            "Forbidden",
            format!(
                "{} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                qualified(def)
            ),
            Some(details(def, name)),
        )
    }

    /// 401 for a missing or wrong bearer token.
    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized", "Unauthorized", None)
    }

    /// 410 for a watch or continue token older than the retained history.
    pub fn expired(message: String) -> Self {
        Self::new(410, "Expired", message, None)
    }

    /// 400 for a malformed request.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message, None)
    }

    /// 405 for a verb the resource does not support.
    pub fn method_not_allowed() -> Self {
        Self::new(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
            Some(json!({})),
        )
    }

    /// 415 for a patch content type the server does not know.
    pub fn unsupported_media_type(content_type: &str) -> Self {
        Self::new(
            415,
            "UnsupportedMediaType",
            format!(
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json; got {content_type:?}"
            ),
            None,
        )
    }

    /// 500 injected by a fault rule or caused by a broken invariant.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(
            500,
            "InternalError",
            format!("Internal error occurred: {}", message.into()),
            None,
        )
    }

    /// 503 injected by a fault rule.
    pub fn service_unavailable(message: impl Into<String>) -> Self {
        Self::new(503, "ServiceUnavailable", message, None)
    }

    /// The `Status` object.
    pub fn to_status(&self) -> Value {
        let mut s = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(d) = &self.details {
            s["details"] = d.clone();
        }
        s
    }
}

/// The `Status` of a successful delete that removed the object immediately.
pub fn success(def: &ResourceDef, name: &str, uid: &str) -> Value {
    let mut d = details(def, name);
    d["uid"] = json!(uid);
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": d})
}
