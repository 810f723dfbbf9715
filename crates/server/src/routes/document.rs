//! What the OpenAPI document generated from the routes cannot say by itself, added once for every
//! route so that none can forget it: the 400 every input-reading operation may answer, and tagged
//! unions whose variants a client (or a request generator) can actually satisfy.

use serde_json::{Map, Value, json};
use utoipa::openapi::OpenApi;

/// The generated document, completed, as JSON (utoipa's types cannot read back every schema they
/// write, so the completion works on the JSON).
pub fn complete(document: &OpenApi) -> Value {
    let mut value = serde_json::to_value(document).unwrap_or_default();
    document_malformed_requests(&mut value);
    if let Some(schemas) = value
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        let originals = schemas.clone();
        for schema in schemas.values_mut() {
            flatten_tagged_variants(schema, &originals);
        }
    }
    value
}

/// Every operation that reads a path, query or body answers 400 when it cannot be read at all (not
/// JSON, no JSON Content-Type, a parameter of the wrong type).
fn document_malformed_requests(document: &mut Value) {
    let malformed = json!({
        "description": "The request cannot be read: not JSON, no JSON Content-Type, or a parameter of the wrong type",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    });
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for operation in paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
    {
        let reads_input = operation.get("requestBody").is_some()
            || operation
                .get("parameters")
                .and_then(Value::as_array)
                .is_some_and(|parameters| !parameters.is_empty());
        if let Some(responses) = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
            .filter(|_| reads_input)
        {
            responses.entry("400").or_insert_with(|| malformed.clone());
        }
    }
}

/// A serde-tagged enum (`#[serde(tag = "type")]`) is generated as `oneOf` branches of
/// `allOf: [variant, {type: enum}]`. When the variant refuses unknown fields
/// (`additionalProperties: false`), no object satisfies both halves, since the variant refuses
/// `type` itself. Each such branch becomes the one object the server accepts: the variant's
/// properties and requirements plus the tag.
fn flatten_tagged_variants(schema: &mut Value, schemas: &Map<String, Value>) {
    let Some(branches) = schema.get_mut("oneOf").and_then(Value::as_array_mut) else {
        return;
    };
    for branch in branches {
        let Some(parts) = branch.get("allOf").and_then(Value::as_array) else {
            continue;
        };
        let [variant, tag] = parts.as_slice() else {
            continue;
        };
        let variant = match variant.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .strip_prefix("#/components/schemas/")
                .and_then(|name| schemas.get(name))
                .cloned(),
            None => Some(variant.clone()),
        };
        let Some(mut merged) = variant.filter(|v| v["additionalProperties"] == false) else {
            continue;
        };
        let (Some(tag_properties), Some(tag_required)) = (
            tag.get("properties").and_then(Value::as_object),
            tag.get("required").and_then(Value::as_array),
        ) else {
            continue;
        };
        if let Some(properties) = merged.get_mut("properties").and_then(Value::as_object_mut) {
            properties.extend(tag_properties.clone());
        }
        if let Some(required) = merged.get_mut("required").and_then(Value::as_array_mut) {
            required.extend(tag_required.iter().cloned());
        }
        if let Some(description) = branch.get("description") {
            merged["description"] = description.clone();
        }
        *branch = merged;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn tagged_variants_that_refuse_unknown_fields_accept_their_tag() {
        let mut schema = json!({"oneOf": [{"allOf": [
            {"$ref": "#/components/schemas/Token"},
            {"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": ["token"]}}},
        ], "description": "A token."}]});
        let schemas = json!({"Token": {"type": "object", "required": ["token"],
            "properties": {"token": {"type": "string"}}, "additionalProperties": false}});
        flatten_tagged_variants(&mut schema, schemas.as_object().unwrap());
        assert_eq!(
            schema["oneOf"][0],
            json!({"type": "object", "required": ["token", "type"], "description": "A token.",
                "properties": {"token": {"type": "string"}, "type": {"type": "string", "enum": ["token"]}},
                "additionalProperties": false})
        );
    }

    #[test]
    fn operations_that_read_input_document_400() {
        let mut document = json!({"paths": {
            "/a": {"post": {"requestBody": {}, "responses": {"200": {}}}},
            "/b": {"get": {"responses": {"200": {}}}},
        }});
        document_malformed_requests(&mut document);
        assert!(document.pointer("/paths/~1a/post/responses/400").is_some());
        assert!(document.pointer("/paths/~1b/get/responses/400").is_none());
    }
}
