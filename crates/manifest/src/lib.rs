//! The AppSpec form model and the pure renderer that turns it into Kubernetes manifests.
//!
//! [`render`] is the one function behind the preview, the stored YAML and the objects applied:
//! AppSpec → validation with AppSpec field paths → typed objects (k8s-openapi for core kinds, our
//! own structs for HTTPRoute, Certificate and BackendTrafficPolicy) → overrides → membership labels
//! → multi-document YAML in apply-tier order. [`render_objects`] stops before serialising; the
//! apply engine uses it, and [`render`] is exactly it plus serialising. No I/O, no async, no clock:
//! same input, same bytes out.

pub mod crd;
mod dotenv;
mod error;
pub mod import;
mod membership;
mod overrides;
mod refs;
pub mod render;
mod sources;
pub mod spec;
mod validate;
mod warnings;
mod yaml;

pub use dotenv::parse_dotenv;
pub use error::{FieldError, RenderError};
pub use membership::{
    APPLYSET_GROUP_KINDS_ANNOTATION, APPLYSET_ID_LABEL, APPLYSET_NAMESPACES_ANNOTATION,
    APPLYSET_PART_OF_LABEL, APPLYSET_TOOLING_ANNOTATION, ApplySet,
};
pub use refs::{
    COMPONENT_LABEL, INSTANCE_LABEL, MANAGED_BY_LABEL, MANAGER, NAME_LABEL, PART_OF_LABEL,
};
pub use render::Object;
pub use render::extra::ExtraObject;
pub use sources::spec_path;
pub use spec::AppSpec;
pub use validate::labels::label_selector as validate_label_selector;
pub use validate::names::dns1123_label as validate_namespace_name;

use serde::Serialize;

/// How to render.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Preview mode: Secret values are replaced by `<redacted>` (as `stringData`, so the keys stay readable).
    pub redact_secrets: bool,
}

/// One rendered object, as listed next to the YAML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderedObject {
    /// `apiVersion`
    pub api_version: String,
    /// `kind`
    pub kind: String,
    /// `metadata.name`
    pub name: String,
    /// `metadata.namespace`; none for cluster-scoped kinds.
    pub namespace: Option<String>,
}

/// The result of rendering an AppSpec.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// Multi-document YAML, objects in apply-tier order.
    pub yaml: String,
    /// The objects, in the same order as the YAML documents.
    pub objects: Vec<RenderedObject>,
    /// Number of objects.
    pub resource_count: usize,
    /// Advice that does not block rendering (missing probes, `latest` tags, …).
    pub warnings: Vec<String>,
    /// The objects as JSON, in the same order.
    pub manifests: Vec<serde_json::Value>,
}

/// Renders an AppSpec, or lists every problem with it. Never panics, whatever the input.
pub fn render(spec: &AppSpec, options: &RenderOptions) -> Result<Rendered, RenderError> {
    let mut objects = render_objects(spec)?;
    if options.redact_secrets {
        redact(&mut objects);
    }
    let mut manifests = Vec::with_capacity(objects.len());
    for object in &objects {
        manifests.push(object.to_value().map_err(|e| internal(object, &e))?);
    }
    let yaml = yaml::documents(&manifests).map_err(RenderError::Internal)?;
    let listed = objects
        .iter()
        .map(|o| RenderedObject {
            api_version: o.api_version().to_owned(),
            kind: o.kind().to_owned(),
            name: o.name().to_owned(),
            namespace: o.metadata().namespace.clone(),
        })
        .collect();
    Ok(Rendered {
        yaml,
        resource_count: objects.len(),
        objects: listed,
        warnings: warnings::collect(spec),
        manifests,
    })
}

/// The typed objects of an AppSpec in apply order, validated, overridden and labelled as members of
/// the app's [`ApplySet`]: everything [`render`] does except serialising.
pub fn render_objects(spec: &AppSpec) -> Result<Vec<Object>, RenderError> {
    validate::spec(spec).into_result()?;
    let mut objects = render::objects(spec);
    validate::collisions(spec, &objects).into_result()?;
    overrides::apply(spec, &mut objects)?;
    // After the overrides, so that no override can take an object out of its set.
    let set = ApplySet::of_app(&spec.name, &spec.namespace);
    for object in &mut objects {
        object
            .metadata_mut()
            .labels
            .get_or_insert_default()
            .insert(APPLYSET_PART_OF_LABEL.to_owned(), set.id.clone());
    }
    Ok(objects)
}

/// Parses YAML or JSON text into an AppSpec; type and unknown-field errors carry the field path.
pub fn parse_spec(text: &str) -> Result<AppSpec, RenderError> {
    let value: serde_json::Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text)
            .map_err(|e| RenderError::Parse(FieldError::new("", format!("invalid JSON: {e}"))))?
    } else {
        serde_saphyr::from_str(text)
            .map_err(|e| RenderError::Parse(FieldError::new("", format!("invalid YAML: {e}"))))?
    };
    spec_from_value(value)
}

/// Converts JSON (e.g. an HTTP request body) into an AppSpec with field-path errors.
pub fn spec_from_value(value: serde_json::Value) -> Result<AppSpec, RenderError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let message = e.into_inner().to_string();
        // serde names a missing field at its parent; the form shows it at the field itself.
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'));
        RenderError::Parse(match missing {
            Some(field) if path.is_empty() => FieldError::new(field, "is required"),
            Some(field) => FieldError::new(format!("{path}.{field}"), "is required"),
            None => FieldError::new(path, message),
        })
    })
}

/// The JSON Schema of [`AppSpec`], for the web form.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(AppSpec)).unwrap_or_default()
}

fn redact(objects: &mut [Object]) {
    for object in objects {
        if let Object::Secret(secret) = object {
            let keys = secret.data.take().unwrap_or_default().into_keys();
            secret.string_data = Some(keys.map(|k| (k, "<redacted>".to_owned())).collect());
        }
    }
}

fn internal(object: &Object, error: &serde_json::Error) -> RenderError {
    RenderError::Internal(format!(
        "{} {} cannot be serialized: {error}",
        object.kind(),
        object.name()
    ))
}
