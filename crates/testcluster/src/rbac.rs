//! RBAC-lite: the administrator may do everything; the restricted user has `edit` in a set of
//! namespaces and nothing at cluster scope. Also answers the self-subject reviews.

use std::collections::BTreeSet;
use std::sync::RwLock;

use serde_json::{Value, json};

use crate::auth::Identity;
use crate::registry::ResourceDef;
use crate::status::ApiError;

/// Resources every authenticated user may create (`system:basic-user`).
fn always_allowed(def: &ResourceDef) -> bool {
    def.group == "authorization.k8s.io"
}

/// The namespaces the restricted user may act in.
#[derive(Debug, Default)]
pub struct Rbac {
    namespaces: RwLock<BTreeSet<String>>,
}

impl Rbac {
    /// The restricted user is bound in `namespaces`.
    pub fn new(namespaces: impl IntoIterator<Item = String>) -> Self {
        Self {
            namespaces: RwLock::new(namespaces.into_iter().collect()),
        }
    }

    /// Replaces the restricted user's namespaces.
    pub fn set_namespaces(&self, namespaces: impl IntoIterator<Item = String>) {
        *self.namespaces.write().unwrap_or_else(|e| e.into_inner()) =
            namespaces.into_iter().collect();
    }

    fn allows(&self, who: &Identity, def: Option<&ResourceDef>, namespace: Option<&str>) -> bool {
        match who {
            Identity::Admin => true,
            Identity::Restricted => {
                if def.is_some_and(always_allowed) {
                    return true;
                }
                let namespaced = def.is_none_or(|d| d.namespaced);
                namespaced
                    && namespace.is_some_and(|ns| {
                        self.namespaces
                            .read()
                            .unwrap_or_else(|e| e.into_inner())
                            .contains(ns)
                    })
            }
        }
    }

    /// Authorises a request, or returns kube-apiserver's 403.
    pub fn authorize(
        &self,
        who: &Identity,
        def: &ResourceDef,
        verb: &str,
        namespace: Option<&str>,
        name: Option<&str>,
    ) -> Result<(), ApiError> {
        if self.allows(who, Some(def), namespace) {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                def,
                name,
                who.user(),
                verb,
                namespace.filter(|_| def.namespaced),
            ))
        }
    }

    /// Answers a SelfSubjectAccessReview.
    pub fn access_review(
        &self,
        who: &Identity,
        mut review: Value,
        lookup: impl Fn(&str, &str) -> Option<&'static ResourceDef>,
    ) -> Value {
        let attrs = review
            .pointer("/spec/resourceAttributes")
            .cloned()
            .unwrap_or(Value::Null);
        let (allowed, reason) = if attrs.is_null() {
            (
                true,
                "RBAC: allowed by ClusterRoleBinding \"system:discovery\"".to_string(),
            )
        } else {
            let group = attrs["group"].as_str().unwrap_or_default();
            let resource = attrs["resource"].as_str().unwrap_or_default();
            let namespace = attrs["namespace"].as_str().filter(|s| !s.is_empty());
            let def = lookup(group, resource);
            let allowed = match who {
                Identity::Admin => true,
                Identity::Restricted if resource == "*" => false,
                Identity::Restricted => self.allows(who, def, namespace),
            };
            let reason = match (allowed, who) {
                (false, _) => String::new(),
                (true, Identity::Admin) => {
                    "RBAC: allowed by ClusterRoleBinding \"cluster-admin\" of ClusterRole \"cluster-admin\" to Group \"system:masters\"".to_string()
                }
                (true, Identity::Restricted) => format!(
                    "RBAC: allowed by RoleBinding \"edit/{}\" of ClusterRole \"edit\" to User \"{}\"",
                    namespace.unwrap_or_default(),
                    who.user()
                ),
            };
            (allowed, reason)
        };
        let mut status = json!({"allowed": allowed});
        if !reason.is_empty() {
            status["reason"] = json!(reason);
        }
        review["status"] = status;
        review
    }

    /// Answers a SelfSubjectRulesReview for `spec.namespace`.
    pub fn rules_review(&self, who: &Identity, mut review: Value) -> Value {
        let namespace = review
            .pointer("/spec/namespace")
            .and_then(Value::as_str)
            .map(str::to_string);
        let reviews = json!({"verbs": ["create"], "apiGroups": ["authorization.k8s.io"], "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]});
        let everything = json!({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]});
        let resource_rules = match who {
            Identity::Admin => vec![everything],
            Identity::Restricted if self.allows(who, None, namespace.as_deref()) => {
                vec![reviews, everything]
            }
            Identity::Restricted => vec![reviews],
        };
        let non_resource = match who {
            Identity::Admin => json!([{"verbs": ["*"], "nonResourceURLs": ["*"]}]),
            Identity::Restricted => {
                json!([{"verbs": ["get"], "nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/version", "/openapi", "/openapi/*"]}])
            }
        };
        review["status"] = json!({"resourceRules": resource_rules, "nonResourceRules": non_resource, "incomplete": false});
        review
    }
}
