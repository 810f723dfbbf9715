//! Label and annotation syntax (apimachinery `IsQualifiedName`, `IsValidLabelValue`).

use super::names::dns1123_subdomain;

/// A qualified name: optional DNS-subdomain prefix and '/', then a name of at most 63 characters of
/// alphanumerics, '-', '_' or '.', starting and ending alphanumeric.
pub fn qualified_name(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            return Err(format!("'{key}': the prefix before '/' must not be empty"));
        }
        if prefix.contains('/') {
            return Err(format!("'{key}' may contain at most one '/'"));
        }
        dns1123_subdomain(prefix).map_err(|e| format!("prefix of '{key}' {e}"))?;
    }
    if name.is_empty() || name.len() > 63 {
        return Err(format!("'{key}': the name part must be 1 to 63 characters"));
    }
    if !is_name_body(name) {
        return Err(format!(
            "'{key}': the name part must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
        ));
    }
    Ok(())
}

/// A label value: empty, or at most 63 characters like the name part of a qualified name.
pub fn label_value(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Ok(());
    }
    if value.len() > 63 {
        return Err(format!("'{value}' must be at most 63 characters"));
    }
    if !is_name_body(value) {
        return Err(format!(
            "'{value}' must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
        ));
    }
    Ok(())
}

/// Annotations: qualified-name keys, total size of keys and values at most 256 KiB.
pub fn annotations_size(
    annotations: &std::collections::BTreeMap<String, String>,
) -> Result<(), String> {
    let total: usize = annotations.iter().map(|(k, v)| k.len() + v.len()).sum();
    if total > 256 * 1024 {
        Err(format!("total size {total} bytes exceeds 262144"))
    } else {
        Ok(())
    }
}

fn is_name_body(name: &str) -> bool {
    let bytes = name.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values() {
        for good in ["app", "app.kubernetes.io/name", "example.com/Tier_1"] {
            assert!(qualified_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "/x",
            "a/b/c",
            "Example.com/x",
            "x/",
            "-x",
            &"a".repeat(64),
        ] {
            assert!(qualified_name(bad).is_err(), "{bad}");
        }
        assert!(label_value("").is_ok());
        assert!(label_value("v1.2_3-a").is_ok());
        assert!(label_value("has space").is_err());
        assert!(label_value("end-").is_err());
    }
}
