//! The built spec is checked the way it will be used: validated, rendered, an override computed for
//! every form entry (what its rendering lacks or has too much of), rendered again with the
//! overrides, and every object compared with what it must become. An object that fails any step
//! is kept as written instead (or, if it already was, refused), and the import runs again.

use super::build::Built;
use super::expected::expected;
use super::identity::AppLabels;
use super::patch::{diff, first_difference, is_under, leaves, same};
use super::report::{ObjectReport, Outcome};
use super::{Candidate, clean};
use crate::error::RenderError;
use crate::membership::APPLYSET_PART_OF_LABEL;
use crate::render::Object;
use crate::spec::{AppSpec, OverrideSpec};
use crate::{FieldError, validate};
use serde_json::Value;
use std::collections::BTreeMap;

pub(super) enum Settled {
    Done {
        spec: Box<AppSpec>,
        reports: Vec<ObjectReport>,
    },
    /// Candidates (by position) to keep raw, or to refuse when already raw, with the reason.
    Demote(Vec<(usize, String)>),
    /// Problems no object can be blamed for (an invalid app name).
    Failed(Vec<FieldError>),
}

pub(super) fn settle(
    built: Built,
    candidates: &[Candidate],
    raw: &BTreeMap<usize, String>,
    app: &AppLabels,
    namespace: &str,
    set_id: &str,
) -> Settled {
    let Built { mut spec, entries } = built;
    let blame = |errors: Vec<FieldError>, owners: &[usize]| -> Settled {
        let mut demoted: Vec<(usize, String)> = Vec::new();
        let mut unowned = Vec::new();
        for error in errors {
            // The most specific entry: `workloads[0].autoscaling` before `workloads[0]`.
            let owner = override_owner(&error.path, owners).or_else(|| {
                entries
                    .iter()
                    .filter(|(_, entry)| {
                        is_under(&error.path, entry)
                            || (entry.as_str() == "createNamespace"
                                && is_under(&error.path, "namespaceLabels"))
                    })
                    .max_by_key(|(_, entry)| entry.len())
                    .map(|(position, _)| *position)
            });
            match owner {
                Some(position) if !demoted.iter().any(|(p, _)| *p == position) => {
                    demoted.push((position, error.to_string()));
                }
                Some(_) => {}
                None => unowned.push(error),
            }
        }
        if unowned.is_empty() {
            Settled::Demote(demoted)
        } else {
            Settled::Failed(unowned)
        }
    };
    if let Err(RenderError::Invalid(errors)) = validate::spec(&spec).into_result() {
        return blame(errors, &[]);
    }
    // Overrides: the difference between each entry's rendering and the object it must become.
    let rendered = crate::render::objects(&spec);
    let mut owners = Vec::new();
    for (&position, entry) in &entries {
        let Some(candidate) = candidates.get(position) else {
            continue;
        };
        if entry.starts_with("extraObjects[") {
            continue;
        }
        let Some(object) = find(&rendered, candidate) else {
            return Settled::Demote(vec![(
                position,
                format!(
                    "{entry} does not render {} {}",
                    candidate.kind, candidate.name
                ),
            )]);
        };
        let Ok(mut value) = object.to_value() else {
            return Settled::Demote(vec![(position, format!("{entry} cannot be serialized"))]);
        };
        // The set label is added after overrides; it is not the override's business.
        if let Some(labels) = value
            .pointer_mut("/metadata/labels")
            .and_then(Value::as_object_mut)
        {
            labels.insert(
                APPLYSET_PART_OF_LABEL.into(),
                Value::String(set_id.to_owned()),
            );
        }
        let (value, _) = clean::clean(&value, clean::Defaults::Remove);
        let target = expected(&candidate.object, app, namespace, set_id, true);
        if let Some(patch) = diff(&value, &target) {
            owners.push(position);
            spec.overrides.push(OverrideSpec {
                kind: candidate.kind.clone(),
                name: candidate.name.clone(),
                patch,
            });
        }
    }
    let objects = match crate::render_objects(&spec) {
        Ok(objects) => objects,
        Err(RenderError::Invalid(errors)) => return blame(errors, &owners),
        Err(other) => return Settled::Failed(other.field_errors()),
    };
    // Every object must come out as it went in.
    let mut demoted = Vec::new();
    let mut reports = Vec::new();
    for (position, candidate) in candidates.iter().enumerate() {
        let Some(entry) = entries.get(&position) else {
            reports.push(refused(candidate));
            continue;
        };
        let form_entry = !entry.starts_with("extraObjects[");
        let target = expected(&candidate.object, app, namespace, set_id, form_entry);
        let got = find(&objects, candidate)
            .and_then(|o| o.to_value().ok())
            .map(|v| clean::clean(&v, clean::Defaults::Remove).0);
        match got {
            Some(got) if same(&got, &target) => {}
            Some(got) => {
                let at = first_difference(&got, &target).unwrap_or_default();
                demoted.push((position, format!("{entry} renders {at} differently")));
                continue;
            }
            None => {
                demoted.push((position, format!("{entry} renders no such object")));
                continue;
            }
        }
        let patch = owners
            .iter()
            .position(|p| *p == position)
            .and_then(|i| spec.overrides.get(i))
            .map(|o| &o.patch);
        let mut report = report(candidate, entry, form_entry, patch);
        if !form_entry {
            report.reason =
                Some(raw.get(&position).cloned().unwrap_or_else(|| {
                    "the form entry for this kind cannot express it".to_owned()
                }));
        }
        reports.push(report);
    }
    if demoted.is_empty() {
        Settled::Done {
            spec: Box::new(spec),
            reports,
        }
    } else {
        Settled::Demote(demoted)
    }
}

/// The candidate whose override an error at `overrides[i]…` is about.
fn override_owner(path: &str, owners: &[usize]) -> Option<usize> {
    let index: usize = path
        .strip_prefix("overrides[")?
        .split(']')
        .next()?
        .parse()
        .ok()?;
    owners.get(index).copied()
}

fn find<'o>(objects: &'o [Object], candidate: &Candidate) -> Option<&'o Object> {
    objects
        .iter()
        .find(|o| o.kind() == candidate.kind && o.name() == candidate.name)
}

fn base(candidate: &Candidate, outcome: Outcome) -> ObjectReport {
    ObjectReport {
        document: candidate.document,
        source: candidate.source.clone(),
        api_version: candidate.api_version.clone(),
        kind: candidate.kind.clone(),
        name: candidate.name.clone(),
        outcome,
        fields: leaves(&candidate.object).len(),
        entry: None,
        form_fields: Vec::new(),
        override_fields: Vec::new(),
        removed_fields: Vec::new(),
        dropped_fields: candidate.dropped.clone(),
        reason: None,
    }
}

fn refused(candidate: &Candidate) -> ObjectReport {
    ObjectReport {
        reason: candidate.refused.as_ref().map(ToString::to_string),
        ..base(candidate, Outcome::Refused)
    }
}

fn report(
    candidate: &Candidate,
    entry: &str,
    form_entry: bool,
    patch: Option<&Value>,
) -> ObjectReport {
    let outcome = if form_entry {
        Outcome::Form
    } else {
        Outcome::ExtraObject
    };
    let mut report = ObjectReport {
        entry: Some(entry.to_owned()),
        ..base(candidate, outcome)
    };
    if !form_entry {
        return report;
    }
    let patch_leaves = patch.map(leaves).unwrap_or_default();
    let (removed, set): (Vec<_>, Vec<_>) = patch_leaves.into_iter().partition(|(_, v)| v.is_null());
    report.override_fields = set.into_iter().map(|(path, _)| path).collect();
    report.removed_fields = removed.into_iter().map(|(path, _)| path).collect();
    report.form_fields = leaves(&candidate.object)
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| !report.override_fields.iter().any(|o| is_under(path, o)))
        .collect();
    report
}
