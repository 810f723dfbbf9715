//! Who the imported objects are: the app's name and namespace, the labels KubeChart will add to
//! them, and lookups between entries built so far (which workload a selector picks, which Service
//! port a number means).

use crate::refs::{
    COMPONENT_LABEL, INSTANCE_LABEL, MANAGED_BY_LABEL, MANAGER, NAME_LABEL, PART_OF_LABEL,
};
use crate::spec::{CertificateSpec, StringMap, WorkloadSpec};
use serde_json::Value;
use std::collections::BTreeMap;

/// The app's identity and the labels KubeChart gives its objects.
#[derive(Debug, Clone)]
pub(crate) struct AppLabels {
    pub name: String,
    /// `app.kubernetes.io/instance` when it is not the name.
    pub instance: Option<String>,
    /// `app.kubernetes.io/part-of` when it is not the name.
    pub part_of: Option<String>,
    /// `app.kubernetes.io/name`, `instance`, `part-of` and `managed-by`.
    pub common: StringMap,
}

impl AppLabels {
    pub fn new(name: &str, instance: Option<String>, part_of: Option<String>) -> Self {
        let instance = instance.filter(|i| i != name);
        let part_of = part_of.filter(|p| p != name);
        let common = StringMap::from([
            (NAME_LABEL.to_owned(), name.to_owned()),
            (
                INSTANCE_LABEL.to_owned(),
                instance.clone().unwrap_or_else(|| name.to_owned()),
            ),
            (
                PART_OF_LABEL.to_owned(),
                part_of.clone().unwrap_or_else(|| name.to_owned()),
            ),
            (MANAGED_BY_LABEL.to_owned(), MANAGER.to_owned()),
        ]);
        Self {
            name: name.to_owned(),
            instance,
            part_of,
            common,
        }
    }

    /// The selector a workload gets when it does not keep its own.
    pub fn standard_selector(&self, workload: &str) -> StringMap {
        StringMap::from([
            (NAME_LABEL.to_owned(), self.name.clone()),
            (
                INSTANCE_LABEL.to_owned(),
                self.instance.clone().unwrap_or_else(|| self.name.clone()),
            ),
            (COMPONENT_LABEL.to_owned(), workload.to_owned()),
        ])
    }

    pub fn selector_of(&self, workload: &WorkloadSpec) -> StringMap {
        if workload.selector.is_empty() {
            self.standard_selector(&workload.name)
        } else {
            workload.selector.clone()
        }
    }

    /// The labels of a workload's pods as rendered.
    pub fn pod_labels(&self, workload: &WorkloadSpec) -> StringMap {
        let mut labels = self.common.clone();
        labels.extend(workload.pod_labels.clone());
        labels.extend(self.selector_of(workload));
        labels
    }
}

/// The entries built so far, for the entries that refer to them.
pub(crate) struct Known<'a> {
    pub app: &'a AppLabels,
    pub workloads: &'a [WorkloadSpec],
    pub certificates: &'a [CertificateSpec],
}

impl Known<'_> {
    /// The workload a label selector means: the one with exactly that selector, else the first
    /// whose pods carry all of its labels.
    pub fn workload_selected_by(&self, selector: &StringMap) -> Option<&WorkloadSpec> {
        if selector.is_empty() {
            return None;
        }
        self.workloads
            .iter()
            .find(|w| self.app.selector_of(w) == *selector)
            .or_else(|| {
                self.workloads.iter().find(|w| {
                    let labels = self.app.pod_labels(w);
                    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
                })
            })
    }

    /// The certificate entry that writes this TLS secret.
    pub fn certificate_for_secret(&self, secret: &str) -> Option<String> {
        self.certificates
            .iter()
            .find(|c| c.secret() == secret)
            .map(|c| c.name.clone())
    }
}

/// The app's name, instance and part-of, from the standard labels the objects carry most often
/// (Helm sets the name to the chart and the instance to the release; KubeChart's own objects
/// give back the spec they came from); without them the `app` label, else the first object's
/// name. The name is made a DNS-1123 label.
pub(crate) fn app_identity(objects: &[&Value]) -> (String, Option<String>, Option<String>) {
    let most_common = |key: &str| {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for object in objects {
            if let Some(value) = object["metadata"]["labels"][key].as_str() {
                *counts.entry(value).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .max_by_key(|(value, count)| (*count, std::cmp::Reverse(*value)))
            .map(|(value, _)| value.to_owned())
    };
    let instance = most_common(INSTANCE_LABEL);
    let part_of = most_common(PART_OF_LABEL);
    let name = [
        most_common(NAME_LABEL),
        instance.clone(),
        most_common("app"),
    ]
    .into_iter()
    .flatten()
    .chain(
        objects
            .iter()
            .filter_map(|o| o["metadata"]["name"].as_str().map(str::to_owned)),
    )
    .map(|candidate| dns_label(&candidate))
    .find(|label| !label.is_empty())
    .unwrap_or_else(|| "app".to_owned());
    (name, instance, part_of)
}

/// Lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63.
fn dns_label(text: &str) -> String {
    let mapped: String = text
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '-'
            }
        })
        .take(63)
        .collect();
    mapped.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_app_is_named_after_its_standard_labels() {
        let a = json!({"metadata": {"name": "x", "labels": {
            "app.kubernetes.io/name": "Redis_DB", "app.kubernetes.io/instance": "cache"}}});
        let b = json!({"metadata": {"name": "y", "labels": {"app": "other"}}});
        assert_eq!(
            app_identity(&[&a, &b]),
            ("redis-db".to_owned(), Some("cache".to_owned()), None)
        );
        assert_eq!(app_identity(&[&b]).0, "other");
        assert_eq!(
            app_identity(&[&json!({"metadata": {"name": "Web.1"}})]).0,
            "web-1"
        );
    }
}
