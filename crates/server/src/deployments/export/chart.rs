//! A Helm chart of rendered manifests. Each object becomes one template, literal except for the
//! image of each container and the replica count of each workload, which come from values.yaml;
//! with the default values Helm renders exactly the objects given. Anything in the objects that
//! Helm would read as a template action (`{{`) is escaped.

use serde_json::{Map, Value, json};

/// What the chart is made of.
pub(super) struct Source<'a> {
    pub name: &'a str,
    pub namespace: &'a str,
    pub revision: i32,
    /// The objects, in apply order.
    pub manifests: &'a [Value],
    /// Said in values.yaml and NOTES.txt when Secret values were left out.
    pub redacted_note: Option<&'a str>,
}

/// A chart's files, by path inside the chart directory.
pub(super) struct Chart {
    pub version: String,
    pub files: Vec<(String, String)>,
}

/// The named template that joins an image's parts back into one reference.
const IMAGE_HELPER: &str = r#"{{/* An image reference from its values: repository, then :tag and @digest when set. */}}
{{- define "kubechart.image" -}}
{{- $image := toString .repository -}}
{{- with .tag }}{{ $image = printf "%s:%v" $image . }}{{ end -}}
{{- with .digest }}{{ $image = printf "%s@%v" $image . }}{{ end -}}
{{- $image | quote -}}
{{- end -}}
"#;

/// Where the pod spec of each kind that runs pods is.
fn pod_spec_pointer(kind: &str) -> Option<&'static str> {
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => {
            Some("/spec/template/spec")
        }
        "CronJob" => Some("/spec/jobTemplate/spec/template/spec"),
        "Pod" => Some("/spec"),
        _ => None,
    }
}

impl Chart {
    pub(super) fn of(source: &Source<'_>) -> Result<Self, String> {
        let version = format!("0.{}.0", source.revision);
        let mut values = Map::new();
        let mut templates = Vec::with_capacity(source.manifests.len());
        let mut slots = Slots::new(source.manifests);
        for (index, manifest) in source.manifests.iter().enumerate() {
            let mut object = manifest.clone();
            let kind = text(&object, "/kind");
            let name = text(&object, "/metadata/name");
            if let Some(pointer) = pod_spec_pointer(&kind) {
                let workload = values_of_workload(&mut slots, &mut object, &kind, &name, pointer);
                values.insert(name.clone(), workload);
            }
            let yaml = serde_saphyr::to_string(&object)
                .map_err(|error| format!("cannot write the template of {kind} {name}: {error}"))?;
            let file = format!(
                "templates/{index:03}-{}-{name}.yaml",
                kind.to_ascii_lowercase()
            );
            templates.push((file, slots.fill(&escape_actions(&yaml))));
        }
        let chart_yaml = yaml(&json!({
            "apiVersion": "v2",
            "name": source.name,
            "description": format!(
                "The KubeChart app {} (namespace {}) at revision {}",
                source.name, source.namespace, source.revision
            ),
            "type": "application",
            "version": version,
            "appVersion": source.revision.to_string(),
        }))?;
        let mut values_yaml = format!(
            "# Images (repository, tag, digest) per container and replica counts per workload of\n\
             # the KubeChart app {} at revision {}; everything else is in templates/.\n",
            source.name, source.revision
        );
        let mut notes = format!(
            "The KubeChart app {} (namespace {}) at revision {}.\n\
             Images and replica counts are set in values.yaml.\n",
            source.name, source.namespace, source.revision
        );
        if let Some(note) = source.redacted_note {
            values_yaml.push_str(&format!("# {note}\n"));
            notes.push_str(note);
            notes.push('\n');
        }
        values_yaml.push_str(&yaml(&json!({ "workloads": values }))?);
        let mut files = vec![
            ("Chart.yaml".to_owned(), chart_yaml),
            ("values.yaml".to_owned(), values_yaml),
            ("templates/_helpers.tpl".to_owned(), IMAGE_HELPER.to_owned()),
            ("templates/NOTES.txt".to_owned(), escape_actions(&notes)),
        ];
        files.extend(templates);
        Ok(Self { version, files })
    }
}

/// Takes the replica count and container images of a workload out of its object, leaving slots
/// that read them from the values; returns the workload's values.
fn values_of_workload(
    slots: &mut Slots,
    object: &mut Value,
    kind: &str,
    name: &str,
    pod_spec: &str,
) -> Value {
    let mut workload = Map::new();
    let values_path = format!(".Values.workloads {}", go_string(name));
    if kind != "Pod"
        && let Some(replicas) = object.pointer_mut("/spec/replicas")
        && replicas.is_number()
    {
        workload.insert("replicas".to_owned(), replicas.take());
        *replicas = slots.add(format!("{{{{ index {values_path} \"replicas\" | int }}}}"));
    }
    let mut containers = Map::new();
    for list in ["initContainers", "containers"] {
        let Some(Value::Array(items)) = object.pointer_mut(&format!("{pod_spec}/{list}")) else {
            continue;
        };
        for container in items {
            let container_name = text(container, "/name");
            let Some(image) = container.get_mut("image").filter(|image| image.is_string()) else {
                continue;
            };
            let parts = image_parts(image.as_str().unwrap_or_default());
            *image = slots.add(format!(
                "{{{{ include \"kubechart.image\" (index {values_path} \"containers\" {} \"image\") }}}}",
                go_string(&container_name)
            ));
            containers.insert(container_name, json!({ "image": parts }));
        }
    }
    if !containers.is_empty() {
        workload.insert("containers".to_owned(), Value::Object(containers));
    }
    Value::Object(workload)
}

/// `registry:5000/team/app:1.2@sha256:…` → repository, tag and digest (the tag is empty when
/// the reference has none; the digest is there only when it has one).
fn image_parts(image: &str) -> Value {
    let (reference, digest) = match image.split_once('@') {
        Some((reference, digest)) => (reference, Some(digest)),
        None => (image, None),
    };
    // A colon before the last slash belongs to a registry port, not to a tag.
    let last_part = reference.rfind('/').map_or(0, |slash| slash + 1);
    let (repository, tag) = match reference[last_part..].rfind(':') {
        Some(colon) => (
            &reference[..last_part + colon],
            &reference[last_part + colon + 1..],
        ),
        None => (reference, ""),
    };
    let mut parts = json!({ "repository": repository, "tag": tag });
    if let Some(digest) = digest {
        parts["digest"] = json!(digest);
    }
    parts
}

/// Placeholders put into objects where a template action goes, replaced by the action once the
/// object is written as YAML. Their prefix occurs nowhere in the objects, so only they match.
struct Slots {
    prefix: String,
    actions: Vec<String>,
}

impl Slots {
    fn new(manifests: &[Value]) -> Self {
        let everything = Value::Array(manifests.to_vec()).to_string();
        let mut prefix = "kubechart-slot".to_owned();
        while everything.contains(&prefix) {
            prefix.push('-');
        }
        Self {
            prefix,
            actions: Vec::new(),
        }
    }

    fn add(&mut self, action: String) -> Value {
        let placeholder = self.placeholder(self.actions.len());
        self.actions.push(action);
        Value::String(placeholder)
    }

    /// `<prefix>-7-end`: no placeholder is a part of another.
    fn placeholder(&self, index: usize) -> String {
        format!("{}-{index}-end", self.prefix)
    }

    /// Puts the actions in place of their placeholders, whether the YAML writer quoted them or
    /// not.
    fn fill(&self, yaml: &str) -> String {
        let mut filled = yaml.to_owned();
        for (index, action) in self.actions.iter().enumerate() {
            let placeholder = self.placeholder(index);
            for form in [
                format!("\"{placeholder}\""),
                format!("'{placeholder}'"),
                placeholder,
            ] {
                filled = filled.replace(&form, action);
            }
        }
        filled
    }
}

/// Text that Helm's template engine outputs as is: each `{{` becomes an action printing `{{`.
fn escape_actions(text: &str) -> String {
    text.replace("{{", "{{ \"{{\" }}")
}

/// A Go string literal (JSON's string syntax is a subset of Go's).
fn go_string(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

fn text(value: &Value, pointer: &str) -> String {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn yaml(value: &Value) -> Result<String, String> {
    serde_saphyr::to_string(value).map_err(|error| format!("cannot write chart YAML: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_split_into_repository_tag_and_digest() {
        assert_eq!(
            image_parts("nginx:1.27"),
            json!({"repository": "nginx", "tag": "1.27"})
        );
        assert_eq!(
            image_parts("registry:5000/team/app"),
            json!({"repository": "registry:5000/team/app", "tag": ""})
        );
        assert_eq!(
            image_parts("registry:5000/app:2@sha256:abc"),
            json!({"repository": "registry:5000/app", "tag": "2", "digest": "sha256:abc"})
        );
    }

    #[test]
    fn template_actions_in_objects_are_escaped() {
        assert_eq!(escape_actions("a {{ b }}"), "a {{ \"{{\" }} b }}");
    }

    #[test]
    fn slots_avoid_text_that_is_already_in_the_objects() {
        let manifests = [json!({"data": {"x": "kubechart-slot-0-end"}})];
        let mut slots = Slots::new(&manifests);
        let placeholder = slots.add("{{ .Values.x }}".to_owned());
        assert_ne!(placeholder, json!("kubechart-slot-0-end"));
        let yaml = format!(
            "x: kubechart-slot-0-end\ny: {}\n",
            placeholder.as_str().unwrap_or_default()
        );
        assert_eq!(
            slots.fill(&yaml),
            "x: kubechart-slot-0-end\ny: {{ .Values.x }}\n"
        );
    }
}
