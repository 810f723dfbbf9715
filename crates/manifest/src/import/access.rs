//! ServiceAccount, Role, ClusterRole, the bindings and ResourceQuota → their entries.

use super::value::{choice, flag, items, name, string_map, strings, text};
use crate::spec::{
    BindingSpec, PolicyRuleSpec, ResourceQuotaSpec, RoleRef, RoleSpec, ServiceAccountSpec,
    SubjectSpec,
};
use serde_json::Value;

pub(super) fn service_account(object: &Value) -> ServiceAccountSpec {
    ServiceAccountSpec {
        name: name(object),
        automount_token: flag(object, "/automountServiceAccountToken"),
        annotations: string_map(object, "/metadata/annotations"),
    }
}

pub(super) fn role(object: &Value) -> RoleSpec {
    RoleSpec {
        name: name(object),
        rules: items(object, "/rules")
            .iter()
            .map(|rule| PolicyRuleSpec {
                api_groups: strings(rule, "/apiGroups"),
                resources: strings(rule, "/resources"),
                resource_names: strings(rule, "/resourceNames"),
                non_resource_urls: strings(rule, "/nonResourceURLs"),
                verbs: strings(rule, "/verbs"),
            })
            .collect(),
    }
}

pub(super) fn binding(object: &Value) -> BindingSpec {
    BindingSpec {
        name: name(object),
        role: RoleRef {
            kind: text(object, "/roleRef/kind").unwrap_or_default(),
            name: text(object, "/roleRef/name").unwrap_or_default(),
        },
        subjects: items(object, "/subjects")
            .iter()
            .map(|subject| SubjectSpec {
                kind: choice(subject, "/kind").unwrap_or_default(),
                name: text(subject, "/name").unwrap_or_default(),
                namespace: text(subject, "/namespace"),
            })
            .collect(),
    }
}

pub(super) fn quota(object: &Value) -> ResourceQuotaSpec {
    ResourceQuotaSpec {
        name: Some(name(object)),
        hard: string_map(object, "/spec/hard"),
    }
}
