//! Input text → objects: multi-document YAML (with the comments, `---` separators, empty documents
//! and `# Source:` lines that `helm template` prints) or JSON (one object or an array), with `List`
//! objects unpacked. Each object keeps the index of the document it came from.

use crate::FieldError;
use serde_json::Value;

/// One object of the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Index of the YAML document (or JSON array item) it came from, counting empty documents.
    pub index: usize,
    /// Where it was written, from Helm's `# Source: chart/templates/x.yaml` comment.
    pub source: Option<String>,
    /// The object.
    pub object: Value,
}

/// Splits and parses the text; a document that is not YAML/JSON is an error at `documents[i]`.
pub fn parse(text: &str) -> Result<Vec<Document>, FieldError> {
    if text.trim_start().starts_with(['{', '[']) {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| FieldError::new("documents", format!("invalid JSON: {e}")))?;
        let items = match value {
            Value::Array(items) => items,
            other => vec![other],
        };
        return Ok(items
            .into_iter()
            .enumerate()
            .flat_map(|(index, object)| unpack(index, None, object))
            .collect());
    }
    let mut documents = Vec::new();
    for (index, chunk) in split_yaml(text).into_iter().enumerate() {
        let source = chunk.lines().find_map(|line| {
            line.trim()
                .strip_prefix("# Source:")
                .map(|s| s.trim().to_owned())
        });
        if chunk.lines().all(is_blank_or_comment) {
            continue;
        }
        let value: Value = serde_saphyr::from_str(&chunk).map_err(|e| {
            FieldError::new(format!("documents[{index}]"), format!("invalid YAML: {e}"))
        })?;
        documents.extend(unpack(index, source, value));
    }
    Ok(documents)
}

/// The documents of a YAML stream: the text between `---` lines (and before a `...` end marker).
fn split_yaml(text: &str) -> Vec<String> {
    let mut chunks = vec![String::new()];
    for line in text.lines() {
        let marker = line.trim_end();
        if marker == "---" || marker.starts_with("--- ") || marker.starts_with("---#") {
            chunks.push(String::new());
            continue;
        }
        if marker == "..." {
            continue;
        }
        if let Some(chunk) = chunks.last_mut() {
            chunk.push_str(line);
            chunk.push('\n');
        }
    }
    // A stream that starts with `---` has no document before it.
    if chunks.len() > 1 && chunks[0].lines().all(is_blank_or_comment) {
        chunks.remove(0);
    }
    chunks
}

fn is_blank_or_comment(line: &str) -> bool {
    let line = line.trim();
    line.is_empty() || line.starts_with('#')
}

/// A `List` (`v1/List`, `kubectl get -o yaml` output) becomes its items; `null` documents vanish.
fn unpack(index: usize, source: Option<String>, object: Value) -> Vec<Document> {
    if object.is_null() {
        return Vec::new();
    }
    if object["kind"] == "List" && object["items"].is_array() {
        let items = object["items"].as_array().cloned().unwrap_or_default();
        return items
            .into_iter()
            .flat_map(|item| unpack(index, source.clone(), item))
            .collect();
    }
    vec![Document {
        index,
        source,
        object,
    }]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn helm_output_keeps_document_indices_and_sources() {
        let text = "---\n# Source: web/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n---\n# Source: web/templates/empty.yaml\n---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata:\n  a: |\n    --- not a separator\n";
        let documents = parse(text).unwrap();
        assert_eq!(documents.len(), 2);
        assert_eq!(documents[0].index, 0);
        assert_eq!(
            documents[0].source.as_deref(),
            Some("web/templates/sa.yaml")
        );
        assert_eq!(documents[1].index, 2);
        assert_eq!(documents[1].object["data"]["a"], "--- not a separator\n");
    }

    #[test]
    fn lists_and_json_arrays_are_unpacked() {
        let list = r#"{"apiVersion":"v1","kind":"List","items":[{"kind":"A"},{"kind":"B"}]}"#;
        assert_eq!(parse(list).unwrap().len(), 2);
        let array = r#"[{"kind":"A"},{"kind":"List","items":[{"kind":"B"}]}]"#;
        let documents = parse(array).unwrap();
        assert_eq!(
            documents.iter().map(|d| d.index).collect::<Vec<_>>(),
            [0, 1]
        );
    }

    #[test]
    fn a_broken_document_is_named_by_its_index() {
        let error = parse("kind: A\n---\nkind: [B\n").unwrap_err();
        assert_eq!(error.path, "documents[1]");
    }
}
