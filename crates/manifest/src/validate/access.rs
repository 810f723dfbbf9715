//! ResourceQuota, ServiceAccounts, Roles, ClusterRoles and their bindings.

use super::{Validator, labels, names};
use crate::spec::{BindingSpec, PolicyRuleSpec, RoleSpec, SubjectKind};

pub(super) fn check(v: &mut Validator) {
    let spec = v.refs.spec;
    if let Some(quota) = &spec.resource_quota {
        v.check(
            "resourceQuota.name",
            names::dns1123_subdomain(&v.refs.quota_name()),
        );
        if quota.hard.is_empty() {
            v.error(
                "resourceQuota.hard",
                "add at least one limit, e.g. requests.cpu",
            );
        }
        for (resource, amount) in &quota.hard {
            let path = format!("resourceQuota.hard.{resource}");
            v.check(path.clone(), labels::qualified_name(resource));
            v.quantity(path, amount, false);
        }
    }
    v.unique(
        "serviceAccounts",
        "name",
        spec.service_accounts.iter().map(|a| a.name.clone()),
    );
    for (i, account) in spec.service_accounts.iter().enumerate() {
        v.check(
            format!("serviceAccounts[{i}].name"),
            names::dns1123_subdomain(&account.name),
        );
        v.annotations(
            &format!("serviceAccounts[{i}].annotations"),
            &account.annotations,
        );
    }
    roles(v, "roles", &spec.roles, false);
    roles(v, "clusterRoles", &spec.cluster_roles, true);
    bindings(v, "roleBindings", &spec.role_bindings, false);
    bindings(v, "clusterRoleBindings", &spec.cluster_role_bindings, true);
}

fn roles(v: &mut Validator, list: &str, roles: &[RoleSpec], cluster: bool) {
    v.unique(list, "name", roles.iter().map(|r| r.name.clone()));
    for (i, role) in roles.iter().enumerate() {
        let at = format!("{list}[{i}]");
        v.check(format!("{at}.name"), names::path_segment_name(&role.name));
        if role.rules.is_empty() {
            v.error(format!("{at}.rules"), "add at least one rule");
        }
        for (r, rule) in role.rules.iter().enumerate() {
            self::rule(v, &format!("{at}.rules[{r}]"), rule, cluster);
        }
    }
}

fn rule(v: &mut Validator, at: &str, rule: &PolicyRuleSpec, cluster: bool) {
    if rule.verbs.is_empty() {
        v.error(format!("{at}.verbs"), "add at least one verb, e.g. get");
    }
    for (i, verb) in rule.verbs.iter().enumerate() {
        if verb.is_empty() || verb.chars().any(char::is_whitespace) {
            v.error(
                format!("{at}.verbs[{i}]"),
                format!("'{verb}' is not a verb"),
            );
        }
    }
    let has_resources = !rule.resources.is_empty();
    let has_urls = !rule.non_resource_urls.is_empty();
    if has_urls && !cluster {
        v.error(
            format!("{at}.nonResourceUrls"),
            "only ClusterRoles can grant non-resource URLs",
        );
    }
    if has_urls && has_resources {
        v.error(
            at.to_owned(),
            "a rule grants either resources or non-resource URLs, not both",
        );
    }
    if !has_urls && !has_resources {
        v.error(
            format!("{at}.resources"),
            "add at least one resource, e.g. pods",
        );
    }
    if has_resources && rule.api_groups.is_empty() {
        v.error(
            format!("{at}.apiGroups"),
            "resource rules need at least one API group (\"\" is the core group)",
        );
    }
    for (i, url) in rule.non_resource_urls.iter().enumerate() {
        if !url.starts_with('/') {
            v.error(
                format!("{at}.nonResourceUrls[{i}]"),
                format!("'{url}' must start with '/'"),
            );
        }
    }
}

fn bindings(v: &mut Validator, list: &str, bindings: &[BindingSpec], cluster: bool) {
    v.unique(list, "name", bindings.iter().map(|b| b.name.clone()));
    for (i, binding) in bindings.iter().enumerate() {
        let at = format!("{list}[{i}]");
        v.check(
            format!("{at}.name"),
            names::path_segment_name(&binding.name),
        );
        match binding.role.kind.as_str() {
            "ClusterRole" => {}
            "Role" if !cluster => {}
            "Role" => v.error(
                format!("{at}.role.kind"),
                "a ClusterRoleBinding can only grant a ClusterRole",
            ),
            other => v.error(
                format!("{at}.role.kind"),
                format!("'{other}' is not Role or ClusterRole"),
            ),
        }
        v.check(
            format!("{at}.role.name"),
            names::path_segment_name(&binding.role.name),
        );
        if binding.subjects.is_empty() {
            v.error(format!("{at}.subjects"), "add at least one subject");
        }
        for (s, subject) in binding.subjects.iter().enumerate() {
            let path = format!("{at}.subjects[{s}]");
            match subject.kind {
                SubjectKind::ServiceAccount => {
                    v.check(
                        format!("{path}.name"),
                        names::dns1123_subdomain(&subject.name),
                    );
                    if let Some(namespace) = &subject.namespace {
                        v.check(format!("{path}.namespace"), names::dns1123_label(namespace));
                    }
                }
                SubjectKind::User | SubjectKind::Group => {
                    if subject.name.is_empty() {
                        v.error(format!("{path}.name"), "must not be empty");
                    }
                    if subject.namespace.is_some() {
                        v.error(
                            format!("{path}.namespace"),
                            "only ServiceAccount subjects have a namespace",
                        );
                    }
                }
            }
        }
    }
}
