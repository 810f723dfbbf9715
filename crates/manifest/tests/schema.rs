//! Every rendered example validated against the upstream schemas in `../shared/k8s-schemas/`
//! (Kubernetes OpenAPI v3 for core kinds, the CRDs' openAPIV3Schema for the rest), rejecting
//! unknown fields. Skips with a notice when the folder is absent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use kubechart_manifest::{RenderOptions, parse_spec, render};
use regex::Regex;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Schemas by "apiVersion/kind", each with the `components.schemas` its `$ref`s resolve against.
struct Schemas {
    by_kind: HashMap<String, (Value, std::rc::Rc<Map<String, Value>>)>,
    patterns: std::cell::RefCell<HashMap<String, Regex>>,
}

impl Schemas {
    fn load(dir: &std::path::Path) -> Self {
        let mut by_kind = HashMap::new();
        for entry in std::fs::read_dir(dir.join("openapi-v3")).unwrap() {
            let doc: Value =
                serde_json::from_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap())
                    .unwrap();
            let components = std::rc::Rc::new(
                doc["components"]["schemas"]
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            );
            for schema in components.values() {
                for key in support::kinds_of(schema) {
                    by_kind
                        .entry(key)
                        .or_insert_with(|| (schema.clone(), components.clone()));
                }
            }
        }
        for entry in std::fs::read_dir(dir.join("crds")).unwrap() {
            let crd: Value =
                serde_saphyr::from_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap())
                    .unwrap();
            let group = crd["spec"]["group"].as_str().unwrap_or_default();
            let kind = crd["spec"]["names"]["kind"].as_str().unwrap_or_default();
            for version in crd["spec"]["versions"].as_array().into_iter().flatten() {
                let key = format!(
                    "{group}/{}/{kind}",
                    version["name"].as_str().unwrap_or_default()
                );
                by_kind.insert(
                    key,
                    (
                        version["schema"]["openAPIV3Schema"].clone(),
                        Default::default(),
                    ),
                );
            }
        }
        Self {
            by_kind,
            patterns: Default::default(),
        }
    }

    fn validate_object(&self, object: &Value) -> Vec<String> {
        let key = format!(
            "{}/{}",
            object["apiVersion"].as_str().unwrap_or_default(),
            object["kind"].as_str().unwrap_or_default()
        );
        let Some((schema, components)) = self.by_kind.get(&key) else {
            return vec![format!("no schema for {key}")];
        };
        let mut errors = Vec::new();
        self.validate(schema, components, object, "", &mut errors);
        errors
    }

    fn validate(
        &self,
        schema: &Value,
        components: &Map<String, Value>,
        value: &Value,
        path: &str,
        errors: &mut Vec<String>,
    ) {
        if let Some(reference) = schema["$ref"].as_str() {
            let name = reference.trim_start_matches("#/components/schemas/");
            match components.get(name) {
                Some(target) => self.validate(target, components, value, path, errors),
                None => errors.push(format!("{path}: unresolved $ref {reference}")),
            }
        }
        for sub in schema["allOf"].as_array().into_iter().flatten() {
            self.validate(sub, components, value, path, errors);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(options) = schema[key].as_array() {
                let fits = options.iter().any(|option| {
                    let mut sub = Vec::new();
                    self.validate(option, components, value, path, &mut sub);
                    sub.is_empty()
                });
                if !fits {
                    errors.push(format!("{path}: matches none of {key}"));
                }
            }
        }
        if schema["x-kubernetes-int-or-string"] == true {
            if !(value.is_i64() || value.is_string()) {
                errors.push(format!("{path}: must be an integer or a string"));
            }
            return;
        }
        let type_ok = match schema["type"].as_str() {
            Some("object") => value.is_object(),
            Some("array") => value.is_array(),
            Some("string") => value.is_string(),
            Some("integer") => value.is_i64() || value.is_u64(),
            Some("number") => value.is_number(),
            Some("boolean") => value.is_boolean(),
            _ => true,
        };
        if !type_ok {
            errors.push(format!("{path}: expected {}, got {value}", schema["type"]));
            return;
        }
        if let Some(options) = schema["enum"].as_array()
            && !options.contains(value)
        {
            errors.push(format!("{path}: {value} is not one of {options:?}"));
        }
        match value {
            Value::Object(map) => self.validate_map(schema, components, map, path, errors),
            Value::Array(items) => {
                if let Some(max) = schema["maxItems"]
                    .as_u64()
                    .filter(|m| items.len() as u64 > *m)
                {
                    errors.push(format!("{path}: more than {max} items"));
                }
                if let Some(min) = schema["minItems"]
                    .as_u64()
                    .filter(|m| (items.len() as u64) < *m)
                {
                    errors.push(format!("{path}: fewer than {min} items"));
                }
                if schema.get("items").is_some() {
                    for (i, item) in items.iter().enumerate() {
                        self.validate(
                            &schema["items"],
                            components,
                            item,
                            &format!("{path}[{i}]"),
                            errors,
                        );
                    }
                }
            }
            Value::String(text) => {
                let length = text.chars().count() as u64;
                if schema["maxLength"].as_u64().is_some_and(|m| length > m)
                    || schema["minLength"].as_u64().is_some_and(|m| length < m)
                {
                    errors.push(format!("{path}: length {length} out of bounds"));
                }
                if let Some(pattern) = schema["pattern"].as_str() {
                    let mut cache = self.patterns.borrow_mut();
                    let regex = cache
                        .entry(pattern.to_owned())
                        .or_insert_with(|| Regex::new(pattern).unwrap());
                    if !regex.is_match(text) {
                        errors.push(format!("{path}: '{text}' does not match {pattern}"));
                    }
                }
            }
            Value::Number(number) => {
                let n = number.as_f64().unwrap_or_default();
                if schema["minimum"].as_f64().is_some_and(|m| n < m)
                    || schema["maximum"].as_f64().is_some_and(|m| n > m)
                {
                    errors.push(format!("{path}: {n} out of range"));
                }
            }
            _ => {}
        }
    }

    fn validate_map(
        &self,
        schema: &Value,
        components: &Map<String, Value>,
        map: &Map<String, Value>,
        path: &str,
        errors: &mut Vec<String>,
    ) {
        for required in schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !map.contains_key(required) {
                errors.push(format!("{path}: missing required field {required}"));
            }
        }
        let properties = schema["properties"].as_object();
        let additional = schema.get("additionalProperties");
        let open = schema["x-kubernetes-preserve-unknown-fields"] == true
            || (properties.is_none() && additional.is_none())
            || additional == Some(&Value::Bool(true));
        for (key, item) in map {
            let here = format!("{path}.{key}");
            if let Some(property) = properties.and_then(|p| p.get(key)) {
                self.validate(property, components, item, &here, errors);
            } else if let Some(additional) = additional.filter(|a| a.is_object()) {
                self.validate(additional, components, item, &here, errors);
            } else if !open {
                errors.push(format!("{here}: unknown field"));
            }
        }
    }
}

#[test]
fn every_rendered_example_matches_the_upstream_schemas() {
    let Some(dir) = support::schemas_dir("schema test", &["openapi-v3", "crds"]) else {
        return;
    };
    let schemas = Schemas::load(&dir);
    let mut problems = Vec::new();
    let mut checked = 0;
    for (name, text) in support::examples() {
        let rendered = render(&parse_spec(&text).unwrap(), &RenderOptions::default()).unwrap();
        for object in &rendered.manifests {
            checked += 1;
            for error in schemas.validate_object(object) {
                problems.push(format!(
                    "{name}: {} {}: {error}",
                    object["kind"], object["metadata"]["name"]
                ));
            }
        }
    }
    assert!(checked >= 23);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_validator_rejects_unknown_and_mistyped_fields() {
    let Some(dir) = support::schemas_dir("schema test", &["openapi-v3", "crds"]) else {
        return;
    };
    let schemas = Schemas::load(&dir);
    let (_, text) = support::examples()
        .into_iter()
        .find(|(n, _)| n == "api-gateway")
        .unwrap();
    let rendered = render(&parse_spec(&text).unwrap(), &RenderOptions::default()).unwrap();
    for kind in [
        "Deployment",
        "HTTPRoute",
        "BackendTrafficPolicy",
        "Certificate",
    ] {
        let mut object = rendered
            .manifests
            .iter()
            .find(|m| m["kind"] == kind)
            .unwrap()
            .clone();
        assert!(
            schemas.validate_object(&object).is_empty(),
            "{kind} should be valid"
        );
        object["spec"]["bogusField"] = Value::from(1);
        let errors = schemas.validate_object(&object);
        assert!(
            errors
                .iter()
                .any(|e| e.contains("bogusField: unknown field")),
            "{kind}: {errors:?}"
        );
    }
    let mut deployment = rendered
        .manifests
        .iter()
        .find(|m| m["kind"] == "Deployment")
        .unwrap()
        .clone();
    deployment["spec"]["replicas"] = Value::from("four");
    assert!(!schemas.validate_object(&deployment).is_empty());
}
