//! What the app should look like: the rendered objects, each with the AppSpec entry it came from.

use crate::ObjectRef;
use kubechart_manifest::{AppSpec, ApplySet, RenderError};
use serde_json::Value;

/// One object to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredObject {
    /// Which object.
    pub reference: ObjectRef,
    /// The manifest as rendered (what is stored is what is applied).
    pub manifest: Value,
    /// The AppSpec entry that renders it, e.g. `workloads[0]`; empty when unknown.
    pub spec_path: String,
}

/// The whole desired state of one app.
#[derive(Debug, Clone)]
pub struct Desired {
    /// The app's ApplySet: the id every member carries and where its parent lives.
    pub set: ApplySet,
    /// The objects in apply-tier order.
    pub objects: Vec<DesiredObject>,
    /// The spec they came from, to map cluster errors back onto its fields.
    pub spec: AppSpec,
}

impl Desired {
    /// Renders an AppSpec into the desired state (the same renderer as the preview and the stored YAML).
    pub fn from_spec(spec: &AppSpec) -> Result<Self, RenderError> {
        let rendered = kubechart_manifest::render_objects(spec)?;
        let mut objects = Vec::with_capacity(rendered.len());
        for object in &rendered {
            let manifest = object.to_value().map_err(|e| {
                RenderError::Internal(format!(
                    "{} {} cannot be serialized: {e}",
                    object.kind(),
                    object.name()
                ))
            })?;
            let reference = ObjectRef::of(&manifest)
                .ok_or_else(|| RenderError::Internal(format!("{} has no name", object.kind())))?;
            let spec_path = kubechart_manifest::spec_path(spec, object.kind(), object.name(), None)
                .unwrap_or_default();
            objects.push(DesiredObject {
                reference,
                manifest,
                spec_path,
            });
        }
        Ok(Self {
            set: ApplySet::of_app(&spec.name, &spec.namespace),
            objects,
            spec: spec.clone(),
        })
    }

    /// The AppSpec path for a field of one of the objects, or the object's entry when the field
    /// does not map onto the form.
    pub fn field_path(&self, reference: &ObjectRef, field: Option<&str>) -> String {
        kubechart_manifest::spec_path(&self.spec, &reference.kind, &reference.name, field)
            .unwrap_or_default()
    }

    /// Whether the app creates its own namespace.
    pub fn creates_namespace(&self) -> bool {
        self.objects
            .iter()
            .any(|o| o.reference.kind == "Namespace" && o.reference.name == self.set.namespace)
    }
}
