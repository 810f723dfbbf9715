//! Validation of an AppSpec with AppSpec field paths: everything the API server would reject in the
//! rendered objects, plus semantic checks on the cross-references. All problems are collected.

mod access;
mod config;
pub mod cron;
mod extra;
pub mod labels;
pub mod names;
mod net;
mod network;
mod object;
pub mod quantity;
mod workload;

pub(crate) use extra::collisions;
pub(crate) use object::object;

use crate::error::Errors;
use crate::refs::Refs;
use crate::spec::{AccessMode, AppSpec, StringMap};
use std::collections::BTreeMap;

/// Every problem with the spec.
pub(crate) fn spec(spec: &AppSpec) -> Errors {
    let mut v = Validator {
        refs: Refs::new(spec),
        errors: Errors::default(),
    };
    v.app();
    workload::check(&mut v);
    config::check(&mut v);
    network::check(&mut v);
    access::check(&mut v);
    extra::check(&mut v);
    v.errors
}

/// Shared state of the per-area validators.
pub(crate) struct Validator<'a> {
    pub refs: Refs<'a>,
    pub errors: Errors,
}

impl Validator<'_> {
    fn app(&mut self) {
        let spec = self.refs.spec;
        self.check("name", names::dns1123_label(&spec.name));
        self.check("namespace", names::dns1123_label(&spec.namespace));
        self.labels("labels", &spec.labels);
        self.annotations("annotations", &spec.annotations);
        self.labels("namespaceLabels", &spec.namespace_labels);
        if !spec.namespace_labels.is_empty() && !spec.create_namespace {
            self.error("namespaceLabels", "only used when createNamespace is on");
        }
        if let Some(instance) = &spec.instance {
            self.check("instance", labels::label_value(instance));
        }
        if let Some(part_of) = &spec.part_of {
            self.check("partOf", labels::label_value(part_of));
        }
    }

    pub fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(path, message);
    }

    /// Records `result`'s error (if any) at `path`.
    pub fn check(&mut self, path: impl Into<String>, result: Result<(), String>) {
        if let Err(message) = result {
            self.errors.push(path, message);
        }
    }

    pub fn labels(&mut self, path: &str, labels: &StringMap) {
        for (key, value) in labels {
            self.check(format!("{path}.{key}"), labels::qualified_name(key));
            self.check(format!("{path}.{key}"), labels::label_value(value));
        }
    }

    pub fn annotations(&mut self, path: &str, annotations: &StringMap) {
        for key in annotations.keys() {
            self.check(format!("{path}.{key}"), labels::qualified_name(key));
        }
        self.check(path.to_owned(), labels::annotations_size(annotations));
    }

    /// A quantity that must parse and be non-negative (positive when `positive`).
    pub fn quantity(
        &mut self,
        path: String,
        value: &str,
        positive: bool,
    ) -> Option<quantity::Quantity> {
        match quantity::parse(value) {
            Ok(q) if q.is_negative() || (positive && q.is_zero()) => {
                self.error(
                    path,
                    format!(
                        "'{value}' must be {}",
                        if positive {
                            "greater than zero"
                        } else {
                            "zero or more"
                        }
                    ),
                );
                None
            }
            Ok(q) => Some(q),
            Err(message) => {
                self.error(path, message);
                None
            }
        }
    }

    pub fn non_negative(&mut self, path: String, value: Option<i64>) {
        if let Some(value) = value.filter(|v| *v < 0) {
            self.error(path, format!("{value} must be zero or more"));
        }
    }

    pub fn port_number(&mut self, path: String, value: i64) {
        if !(1..=65535).contains(&value) {
            self.error(path, format!("{value} must be between 1 and 65535"));
        }
    }

    /// Reports every name after its first use, at `<list>[i].<field>`.
    pub fn unique(&mut self, list: &str, field: &str, names: impl IntoIterator<Item = String>) {
        let mut first: BTreeMap<String, usize> = BTreeMap::new();
        for (index, name) in names.into_iter().enumerate() {
            if let Some(previous) = first.get(&name) {
                let at = if field.is_empty() {
                    format!("{list}[{index}]")
                } else {
                    format!("{list}[{index}].{field}")
                };
                self.error(
                    at,
                    format!("'{name}' is already used by {list}[{previous}]"),
                );
            } else {
                first.insert(name, index);
            }
        }
    }

    pub fn access_modes(&mut self, path: String, modes: &[AccessMode]) {
        if modes.contains(&AccessMode::ReadWriteOncePod) && modes.len() > 1 {
            self.error(
                path,
                "ReadWriteOncePod cannot be combined with other access modes",
            );
        }
    }
}
