//! Import: existing manifests (files, `helm template` output, objects read from a cluster) become
//! one AppSpec that renders them back. Each object is mapped to the form entry that renders its
//! kind; whatever that entry does not reproduce goes into an override for the object (a JSON merge
//! patch computed against the entry's own rendering), so nothing is lost. Objects of kinds the form
//! has no entry for, and objects whose entry cannot reproduce them, are kept as written in
//! `extraObjects`. The result is checked by rendering it: every imported object must come out as
//! it went in, minus server-managed fields and plus KubeChart's labels.

mod access;
mod build;
mod clean;
mod config;
mod documents;
mod expected;
mod gateway;
mod identity;
mod network;
mod patch;
mod pod;
mod report;
mod settle;
mod storage;
mod tls;
mod value;
mod workload;

pub use documents::{Document, parse as parse_documents};
pub use report::{ImportReport, ImportSummary, ObjectReport, Outcome};

use crate::FieldError;
use crate::membership::ApplySet;
use crate::spec::AppSpec;
use crate::validate::names;
use clean::Defaults;
use identity::AppLabels;
use serde_json::Value;
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

/// Choices the input cannot make on its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The app's namespace; objects in other namespaces are refused. Needed when the objects
    /// are spread over several namespaces.
    pub namespace: Option<String>,
    /// The app's name; by default taken from the objects' labels.
    pub name: Option<String>,
}

/// An imported app.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub spec: AppSpec,
    pub report: ImportReport,
}

/// Why nothing could be imported: one problem per document (`documents[i].field`) or option.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("nothing can be imported: {}", summary(.problems))]
pub struct ImportError {
    pub problems: Vec<FieldError>,
}

fn summary(problems: &[FieldError]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Imports multi-document YAML or JSON text (see [`import`]).
pub fn import_text(text: &str, options: &ImportOptions) -> Result<Imported, ImportError> {
    let documents = documents::parse(text).map_err(|problem| ImportError {
        problems: vec![problem],
    })?;
    run(documents, options)
}

/// Imports objects into one AppSpec and reports what became of each.
pub fn import(objects: Vec<Value>, options: &ImportOptions) -> Result<Imported, ImportError> {
    let documents = objects
        .into_iter()
        .enumerate()
        .map(|(index, object)| Document {
            index,
            source: None,
            object,
        })
        .collect();
    run(documents, options)
}

/// The object without the fields the API server manages or fills in with defaults: the form in
/// which imported and rendered objects are compared.
pub fn without_server_fields(object: &Value) -> Value {
    clean::clean(object, Defaults::Remove).0
}

/// One input object on its way through the import.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub document: usize,
    pub source: Option<String>,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// The object without server-managed fields and defaults, as imports are compared.
    pub object: Value,
    /// What the entries are read from: as written for a file (defaults its author wrote stay in
    /// the form), without defaults for an object read from a cluster (which fills them all in).
    pub written: Value,
    /// Fields left out of `written`.
    pub dropped: Vec<String>,
    /// Why it is not imported at all, at the object's field it is about.
    pub refused: Option<FieldError>,
}

fn run(documents: Vec<Document>, options: &ImportOptions) -> Result<Imported, ImportError> {
    let mut candidates: Vec<Candidate> = documents.into_iter().map(screen).collect();
    let namespace = namespace(&mut candidates, options)?;
    let accepted: Vec<&Value> = candidates
        .iter()
        .filter(|c| c.refused.is_none())
        .map(|c| &c.object)
        .collect();
    if accepted.is_empty() {
        return Err(refusals(&candidates));
    }
    let (found, instance, part_of) = identity::app_identity(&accepted);
    let name = options.name.clone().unwrap_or(found);
    let app = AppLabels::new(&name, instance, part_of);
    let set_id = ApplySet::of_app(&name, &namespace).id;
    // Objects kept as written, with the reason; starts with the kinds the form has no entry for.
    let mut raw: BTreeMap<usize, String> = candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.refused.is_none())
        .filter_map(|(i, c)| build::no_entry_reason(c, &namespace).map(|reason| (i, reason)))
        .collect();
    loop {
        let built = build::build(&candidates, &raw, &app, &namespace);
        match settle::settle(built, &candidates, &raw, &app, &namespace, &set_id) {
            settle::Settled::Done { spec, reports } => {
                if reports.iter().all(|r| r.outcome == Outcome::Refused) {
                    return Err(refusals(&candidates));
                }
                return Ok(Imported {
                    spec: *spec,
                    report: ImportReport::new(reports),
                });
            }
            settle::Settled::Demote(demoted) => {
                for (position, reason) in demoted {
                    match raw.entry(position) {
                        Entry::Occupied(_) => {
                            if let Some(candidate) = candidates.get_mut(position) {
                                candidate.refused = Some(FieldError::new("", reason));
                            }
                        }
                        Entry::Vacant(slot) => {
                            slot.insert(reason);
                        }
                    }
                }
            }
            settle::Settled::Failed(problems) => return Err(ImportError { problems }),
        }
    }
}

/// Cleans an object and refuses what cannot be imported on its own terms.
fn screen(document: Document) -> Candidate {
    let (object, _) = clean::clean(&document.object, Defaults::Remove);
    let from_cluster = document.object.get("status").is_some()
        || [
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "managedFields",
        ]
        .iter()
        .any(|field| document.object["metadata"].get(*field).is_some());
    let defaults = if from_cluster {
        Defaults::Remove
    } else {
        Defaults::Keep
    };
    let (written, dropped) = clean::clean(&document.object, defaults);
    let text = |pointer: &str| {
        object
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (api_version, kind, name) = (text("/apiVersion"), text("/kind"), text("/metadata/name"));
    let refused = if !object.is_object() {
        Some(FieldError::new("", "is not an object"))
    } else if api_version.is_empty() {
        Some(FieldError::new("apiVersion", "is required"))
    } else if kind.is_empty() {
        Some(FieldError::new("kind", "is required"))
    } else if name.is_empty() {
        Some(if object.pointer("/metadata/generateName").is_some() {
            FieldError::new(
                "metadata.generateName",
                "makes a new object on every apply; give the object a name",
            )
        } else {
            FieldError::new("metadata.name", "is required")
        })
    } else if let Err(problem) = name_rule(&kind, &name) {
        Some(FieldError::new("metadata.name", problem))
    } else {
        controller(&object)
    };
    Candidate {
        document: document.index,
        source: document.source,
        api_version,
        kind,
        name,
        object,
        written,
        dropped,
        refused,
    }
}

/// RBAC objects are named like path segments (`system:aggregate-to-view`); everything else must
/// be a DNS-1123 subdomain.
fn name_rule(kind: &str, name: &str) -> Result<(), String> {
    if matches!(
        kind,
        "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding"
    ) {
        names::path_segment_name(name)
    } else {
        names::dns1123_subdomain(name)
    }
}

/// Objects a controller made (a Deployment's ReplicaSets and pods, a CronJob's Jobs) come back
/// by importing the controller.
fn controller(object: &Value) -> Option<FieldError> {
    value::items(object, "/metadata/ownerReferences")
        .iter()
        .find(|owner| owner["controller"] == true)
        .map(|owner| {
            FieldError::new(
                "metadata.ownerReferences",
                format!(
                    "made by {} {}; import that instead",
                    owner["kind"].as_str().unwrap_or_default(),
                    owner["name"].as_str().unwrap_or_default()
                ),
            )
        })
}

/// The app's namespace; objects elsewhere are refused. Several namespaces without a choice are an
/// error: one app lives in one namespace.
fn namespace(candidates: &mut [Candidate], options: &ImportOptions) -> Result<String, ImportError> {
    let found: BTreeSet<String> = candidates
        .iter()
        .filter(|c| c.refused.is_none())
        .filter_map(|c| value::text(&c.object, "/metadata/namespace"))
        .collect();
    let namespace = match (&options.namespace, found.len()) {
        (Some(chosen), _) => chosen.clone(),
        (None, 0) => "default".to_owned(),
        (None, 1) => found.iter().next().cloned().unwrap_or_default(),
        (None, _) => {
            let list: Vec<&str> = found.iter().map(String::as_str).collect();
            return Err(ImportError {
                problems: vec![FieldError::new(
                    "namespace",
                    format!(
                        "the objects are in {} namespaces ({}): import one app per namespace by choosing one",
                        list.len(),
                        list.join(", ")
                    ),
                )],
            });
        }
    };
    if let Err(problem) = names::dns1123_label(&namespace) {
        return Err(ImportError {
            problems: vec![FieldError::new("namespace", problem)],
        });
    }
    for candidate in candidates.iter_mut().filter(|c| c.refused.is_none()) {
        if let Some(other) = value::text(&candidate.object, "/metadata/namespace")
            && other != namespace
        {
            candidate.refused = Some(FieldError::new(
                "metadata.namespace",
                format!("'{other}' is not '{namespace}': import it as its own app"),
            ));
        }
    }
    Ok(namespace)
}

fn refusals(candidates: &[Candidate]) -> ImportError {
    let mut problems: Vec<FieldError> = candidates
        .iter()
        .filter_map(|c| {
            c.refused.as_ref().map(|reason| {
                let at = format!("documents[{}]", c.document);
                let path = if reason.path.is_empty() {
                    at
                } else {
                    format!("{at}.{}", reason.path)
                };
                FieldError::new(path, reason.message.clone())
            })
        })
        .collect();
    if problems.is_empty() {
        problems.push(FieldError::new(
            "documents",
            "there are no objects to import",
        ));
    }
    ImportError { problems }
}
