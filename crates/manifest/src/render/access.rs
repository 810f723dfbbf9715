//! Namespace, ResourceQuota, ServiceAccounts and RBAC.

use super::Object;
use super::meta::{cluster, namespaced, non_empty_vec, with_annotations};
use crate::refs::Refs;
use crate::spec::{BindingSpec, PolicyRuleSpec, SubjectKind};
use k8s_openapi::api::{core::v1 as core, rbac::v1 as rbac};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

pub(super) fn render(refs: &Refs, out: &mut Vec<Object>) {
    let spec = refs.spec;
    if spec.create_namespace {
        let mut metadata = cluster(refs, &spec.namespace);
        if let Some(labels) = metadata.labels.as_mut() {
            labels.extend(spec.namespace_labels.clone());
        }
        out.push(Object::Namespace(core::Namespace {
            metadata,
            spec: None,
            status: None,
        }));
    }
    if let Some(quota) = &spec.resource_quota {
        out.push(Object::ResourceQuota(core::ResourceQuota {
            metadata: namespaced(refs, &refs.quota_name()),
            spec: Some(core::ResourceQuotaSpec {
                hard: Some(
                    quota
                        .hard
                        .iter()
                        .map(|(k, v)| (k.clone(), Quantity(v.clone())))
                        .collect(),
                ),
                ..Default::default()
            }),
            status: None,
        }));
    }
    for account in &spec.service_accounts {
        out.push(Object::ServiceAccount(core::ServiceAccount {
            metadata: with_annotations(namespaced(refs, &account.name), &account.annotations),
            automount_service_account_token: account.automount_token,
            ..Default::default()
        }));
    }
    for role in &spec.roles {
        out.push(Object::Role(rbac::Role {
            metadata: namespaced(refs, &role.name),
            rules: Some(role.rules.iter().map(rule).collect()),
        }));
    }
    for role in &spec.cluster_roles {
        out.push(Object::ClusterRole(rbac::ClusterRole {
            metadata: cluster(refs, &role.name),
            rules: Some(role.rules.iter().map(rule).collect()),
            aggregation_rule: None,
        }));
    }
    for binding in &spec.role_bindings {
        out.push(Object::RoleBinding(rbac::RoleBinding {
            metadata: namespaced(refs, &binding.name),
            role_ref: role_ref(binding),
            subjects: Some(subjects(refs, binding)),
        }));
    }
    for binding in &spec.cluster_role_bindings {
        out.push(Object::ClusterRoleBinding(rbac::ClusterRoleBinding {
            metadata: cluster(refs, &binding.name),
            role_ref: role_ref(binding),
            subjects: Some(subjects(refs, binding)),
        }));
    }
}

fn rule(spec: &PolicyRuleSpec) -> rbac::PolicyRule {
    let is_resource_rule = !spec.resources.is_empty();
    rbac::PolicyRule {
        api_groups: is_resource_rule.then(|| spec.api_groups.clone()),
        resources: non_empty_vec(spec.resources.clone()),
        resource_names: non_empty_vec(spec.resource_names.clone()),
        non_resource_urls: non_empty_vec(spec.non_resource_urls.clone()),
        verbs: spec.verbs.clone(),
    }
}

fn role_ref(binding: &BindingSpec) -> rbac::RoleRef {
    rbac::RoleRef {
        api_group: "rbac.authorization.k8s.io".to_owned(),
        kind: binding.role.kind.clone(),
        name: binding.role.name.clone(),
    }
}

fn subjects(refs: &Refs, binding: &BindingSpec) -> Vec<rbac::Subject> {
    binding
        .subjects
        .iter()
        .map(|subject| match subject.kind {
            // ServiceAccounts need a namespace; users and groups are cluster-wide and belong to the RBAC group.
            SubjectKind::ServiceAccount => rbac::Subject {
                kind: "ServiceAccount".to_owned(),
                name: subject.name.clone(),
                namespace: Some(
                    subject
                        .namespace
                        .clone()
                        .unwrap_or_else(|| refs.spec.namespace.clone()),
                ),
                api_group: Some(String::new()),
            },
            SubjectKind::User | SubjectKind::Group => rbac::Subject {
                kind: format!("{:?}", subject.kind),
                name: subject.name.clone(),
                namespace: None,
                api_group: Some("rbac.authorization.k8s.io".to_owned()),
            },
        })
        .collect()
}
