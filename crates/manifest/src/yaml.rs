//! Multi-document YAML output through serde-saphyr, which quotes strings that YAML 1.1 readers
//! (kubectl, the API server) would otherwise read as booleans or numbers.

use serde_json::Value;

/// One `---`-separated document per object, in the given order.
pub(crate) fn documents(objects: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    for object in objects {
        out.push_str("---\n");
        let document =
            serde_saphyr::to_string(object).map_err(|e| format!("YAML output failed: {e}"))?;
        out.push_str(&document);
        if !document.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}
