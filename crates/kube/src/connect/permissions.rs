//! What the credentials may do with the kinds KubeChart applies: one SelfSubjectRulesReview for
//! the namespaced kinds (evaluated here), one SelfSubjectAccessReview per verb for the
//! cluster-scoped ones (a namespace's rules say nothing about them).

use futures::future::join_all;
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, ResourceRule, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
    SelfSubjectRulesReview, SelfSubjectRulesReviewSpec,
};
use kube::api::{Api, PostParams};
use serde::Serialize;

use super::cause::Unreachable;

/// The verbs applying, pruning and watching an app need.
pub(crate) const VERBS: [&str; 6] = ["get", "list", "watch", "create", "patch", "delete"];

/// A kind KubeChart applies: (kind, group, resource, namespaced).
type Applied = (&'static str, &'static str, &'static str, bool);

/// Every kind the renderer can produce.
pub(crate) const APPLIED_KINDS: [Applied; 26] = [
    ("Namespace", "", "namespaces", false),
    ("ResourceQuota", "", "resourcequotas", true),
    ("ServiceAccount", "", "serviceaccounts", true),
    (
        "ClusterRole",
        "rbac.authorization.k8s.io",
        "clusterroles",
        false,
    ),
    ("Role", "rbac.authorization.k8s.io", "roles", true),
    (
        "RoleBinding",
        "rbac.authorization.k8s.io",
        "rolebindings",
        true,
    ),
    (
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io",
        "clusterrolebindings",
        false,
    ),
    ("ConfigMap", "", "configmaps", true),
    ("Secret", "", "secrets", true),
    ("PersistentVolume", "", "persistentvolumes", false),
    ("PersistentVolumeClaim", "", "persistentvolumeclaims", true),
    ("Service", "", "services", true),
    ("Deployment", "apps", "deployments", true),
    ("StatefulSet", "apps", "statefulsets", true),
    ("ReplicaSet", "apps", "replicasets", true),
    ("DaemonSet", "apps", "daemonsets", true),
    (
        "HorizontalPodAutoscaler",
        "autoscaling",
        "horizontalpodautoscalers",
        true,
    ),
    (
        "PodDisruptionBudget",
        "policy",
        "poddisruptionbudgets",
        true,
    ),
    ("Job", "batch", "jobs", true),
    ("CronJob", "batch", "cronjobs", true),
    ("Pod", "", "pods", true),
    ("Ingress", "networking.k8s.io", "ingresses", true),
    (
        "NetworkPolicy",
        "networking.k8s.io",
        "networkpolicies",
        true,
    ),
    ("HTTPRoute", "gateway.networking.k8s.io", "httproutes", true),
    ("Certificate", "cert-manager.io", "certificates", true),
    (
        "BackendTrafficPolicy",
        "gateway.envoyproxy.io",
        "backendtrafficpolicies",
        true,
    ),
];

/// The answer for every applied kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Permissions {
    /// The namespace the namespaced kinds were checked in.
    pub namespace: String,
    pub kinds: Vec<KindPermission>,
    /// One line per missing permission, e.g. `create deployments.apps in namespace shop`.
    pub missing: Vec<String>,
    /// The server said its answer may be incomplete (e.g. webhook authorizers), or a review
    /// failed; denied verbs may then still be allowed.
    pub incomplete: bool,
}

/// What the credentials may do with one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KindPermission {
    pub kind: String,
    pub group: String,
    pub resource: String,
    pub namespaced: bool,
    pub allowed: Vec<String>,
    pub denied: Vec<String>,
}

/// Checks every applied kind; namespaced kinds in `namespace`.
pub(crate) async fn check(
    client: &kube::Client,
    namespace: &str,
) -> Result<Permissions, Unreachable> {
    let rules = match rules_review(client, namespace).await {
        Ok(rules) => rules,
        // Credentials that may not even review themselves: nothing is known to be allowed.
        Err(unreachable) if unreachable.cause == super::Cause::Forbidden => Rules {
            rules: Vec::new(),
            incomplete: true,
        },
        Err(unreachable) => return Err(unreachable),
    };
    let cluster_checks = APPLIED_KINDS
        .iter()
        .filter(|(_, _, _, namespaced)| !namespaced)
        .flat_map(|kind| VERBS.iter().map(move |verb| (*kind, *verb)))
        .map(|((kind, group, resource, _), verb)| async move {
            (
                kind,
                verb,
                access_review(client, group, resource, verb).await,
            )
        });
    let cluster_answers = join_all(cluster_checks).await;
    let mut incomplete = rules.incomplete;
    let mut kinds = Vec::new();
    for (kind, group, resource, namespaced) in APPLIED_KINDS {
        let mut allowed = Vec::new();
        let mut denied = Vec::new();
        for verb in VERBS {
            let granted = if namespaced {
                rules
                    .rules
                    .iter()
                    .any(|rule| grants(rule, verb, group, resource))
            } else {
                match cluster_answers
                    .iter()
                    .find(|(k, v, _)| *k == kind && *v == verb)
                    .map(|(_, _, answer)| answer)
                {
                    Some(Ok(granted)) => *granted,
                    Some(Err(unreachable)) if unreachable.cause == super::Cause::Unauthorized => {
                        return Err(unreachable.clone());
                    }
                    _ => {
                        incomplete = true;
                        false
                    }
                }
            };
            if granted {
                allowed.push(verb.to_string());
            } else {
                denied.push(verb.to_string());
            }
        }
        kinds.push(KindPermission {
            kind: kind.to_string(),
            group: group.to_string(),
            resource: resource.to_string(),
            namespaced,
            allowed,
            denied,
        });
    }
    let missing = kinds
        .iter()
        .flat_map(|kind| {
            let qualified = if kind.group.is_empty() {
                kind.resource.clone()
            } else {
                format!("{}.{}", kind.resource, kind.group)
            };
            let scope = if kind.namespaced {
                format!(" in namespace {namespace}")
            } else {
                " (cluster-wide)".to_string()
            };
            kind.denied
                .iter()
                .map(move |verb| format!("{verb} {qualified}{scope}"))
        })
        .collect();
    Ok(Permissions {
        namespace: namespace.to_string(),
        kinds,
        missing,
        incomplete,
    })
}

struct Rules {
    rules: Vec<ResourceRule>,
    incomplete: bool,
}

async fn rules_review(client: &kube::Client, namespace: &str) -> Result<Rules, Unreachable> {
    let review = SelfSubjectRulesReview {
        spec: SelfSubjectRulesReviewSpec {
            namespace: Some(namespace.to_string()),
        },
        ..Default::default()
    };
    let answer = Api::<SelfSubjectRulesReview>::all(client.clone())
        .create(&PostParams::default(), &review)
        .await
        .map_err(|error| Unreachable::classify(&error))?;
    let status = answer.status.unwrap_or_default();
    Ok(Rules {
        rules: status.resource_rules,
        incomplete: status.incomplete,
    })
}

async fn access_review(
    client: &kube::Client,
    group: &str,
    resource: &str,
    verb: &str,
) -> Result<bool, Unreachable> {
    let review = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                group: Some(group.to_string()),
                resource: Some(resource.to_string()),
                verb: Some(verb.to_string()),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let answer = Api::<SelfSubjectAccessReview>::all(client.clone())
        .create(&PostParams::default(), &review)
        .await
        .map_err(|error| Unreachable::classify(&error))?;
    Ok(answer.status.is_some_and(|status| status.allowed))
}

/// Whether one RBAC rule grants `verb` on every object of `group`/`resource`. Rules limited to
/// resource names or subresources do not count: an app's objects have names of its own.
fn grants(rule: &ResourceRule, verb: &str, group: &str, resource: &str) -> bool {
    let has = |list: &[String], wanted: &str| list.iter().any(|item| item == "*" || item == wanted);
    let groups = rule.api_groups.as_deref().unwrap_or_default();
    let resources = rule.resources.as_deref().unwrap_or_default();
    let names = rule.resource_names.as_deref().unwrap_or_default();
    has(&rule.verbs, verb) && has(groups, group) && has(resources, resource) && names.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str], names: &[&str]) -> ResourceRule {
        let strings = |items: &[&str]| Some(items.iter().map(|s| s.to_string()).collect());
        ResourceRule {
            verbs: verbs.iter().map(|s| s.to_string()).collect(),
            api_groups: strings(groups),
            resources: strings(resources),
            resource_names: if names.is_empty() {
                None
            } else {
                strings(names)
            },
        }
    }

    #[test]
    fn every_kind_the_renderer_produces_is_checked() {
        let checked: Vec<&str> = APPLIED_KINDS.iter().map(|(kind, ..)| *kind).collect();
        let unchecked: Vec<&&str> = kubechart_manifest::Object::KINDS
            .iter()
            .filter(|kind| !checked.contains(kind))
            .collect();
        assert!(
            unchecked.is_empty(),
            "no permission check for {unchecked:?}"
        );
    }

    #[test]
    fn rules_grant_by_verb_group_and_resource() {
        let edit = rule(&["create", "patch"], &["apps"], &["deployments"], &[]);
        assert!(grants(&edit, "create", "apps", "deployments"));
        assert!(!grants(&edit, "delete", "apps", "deployments"));
        assert!(!grants(&edit, "create", "", "deployments"));
        assert!(!grants(&edit, "create", "apps", "statefulsets"));
        let everything = rule(&["*"], &["*"], &["*"], &[]);
        assert!(grants(
            &everything,
            "watch",
            "cert-manager.io",
            "certificates"
        ));
        let named = rule(&["*"], &["*"], &["*"], &["only-this"]);
        assert!(!grants(&named, "get", "", "secrets"));
        let subresource = rule(&["patch"], &["apps"], &["deployments/scale"], &[]);
        assert!(!grants(&subresource, "patch", "apps", "deployments"));
    }
}
