//! The import report: per object, what became form fields, what went to the override, what was
//! dropped as server-managed, and why anything was kept raw or refused.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where an imported object ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// A form entry renders it (with an override for what the form does not model).
    Form,
    /// Kept as written in `extraObjects`.
    ExtraObject,
    /// Not imported; `reason` says why.
    Refused,
}

/// One input object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReport {
    /// Index of the input document (YAML document or JSON array item).
    pub document: usize,
    /// The file Helm rendered it from (`# Source:`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub outcome: Outcome,
    /// Number of fields of the object (leaves, after dropping server-managed ones).
    pub fields: usize,
    /// The AppSpec entry that renders it, e.g. `workloads[0]` or `extraObjects[2]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// Object fields the form entry renders.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub form_fields: Vec<String>,
    /// Object fields set by the entry's override (the form does not model them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub override_fields: Vec<String>,
    /// Fields the form would add that the object does not have, removed by the override.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed_fields: Vec<String>,
    /// Server-managed and defaulted fields left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped_fields: Vec<String>,
    /// Why the object is an extra object or was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Totals over all objects.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    pub objects: usize,
    pub form_entries: usize,
    pub extra_objects: usize,
    pub refused: usize,
    pub form_fields: usize,
    pub override_fields: usize,
    /// Fields of the objects kept whole in `extraObjects`.
    pub extra_object_fields: usize,
}

/// What the import did with every object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub objects: Vec<ObjectReport>,
    pub summary: ImportSummary,
}

impl ImportReport {
    pub(crate) fn new(objects: Vec<ObjectReport>) -> Self {
        let count = |outcome| objects.iter().filter(|o| o.outcome == outcome).count();
        let summary = ImportSummary {
            objects: objects.len(),
            form_entries: count(Outcome::Form),
            extra_objects: count(Outcome::ExtraObject),
            refused: count(Outcome::Refused),
            form_fields: objects.iter().map(|o| o.form_fields.len()).sum(),
            override_fields: objects.iter().map(|o| o.override_fields.len()).sum(),
            extra_object_fields: objects
                .iter()
                .filter(|o| o.outcome == Outcome::ExtraObject)
                .map(|o| o.fields)
                .sum(),
        };
        Self { objects, summary }
    }

    /// One line per object, for a terminal.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .objects
            .iter()
            .map(|o| {
                let what = format!("documents[{}] {} {}", o.document, o.kind, o.name);
                match o.outcome {
                    Outcome::Form => format!(
                        "{what}: {} ({} form fields, {} in the override{})",
                        o.entry.as_deref().unwrap_or_default(),
                        o.form_fields.len(),
                        o.override_fields.len(),
                        if o.removed_fields.is_empty() {
                            String::new()
                        } else {
                            format!(", {} removed", o.removed_fields.len())
                        }
                    ),
                    Outcome::ExtraObject => format!(
                        "{what}: {} (kept as written: {})",
                        o.entry.as_deref().unwrap_or_default(),
                        o.reason.as_deref().unwrap_or_default()
                    ),
                    Outcome::Refused => format!(
                        "{what}: refused: {}",
                        o.reason.as_deref().unwrap_or_default()
                    ),
                }
            })
            .collect();
        let s = &self.summary;
        lines.push(format!(
            "{} objects: {} form entries, {} extra objects, {} refused; {} form fields, {} override fields",
            s.objects, s.form_entries, s.extra_objects, s.refused, s.form_fields, s.override_fields
        ));
        lines
    }
}
