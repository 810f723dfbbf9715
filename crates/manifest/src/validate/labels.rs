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

/// A label selector in the query syntax of `kubectl get -l` and `labelSelector`: requirements
/// separated by commas, each `key`, `!key`, `key=value`, `key==value`, `key!=value`,
/// `key in (a,b)` or `key notin (a,b)`, with qualified-name keys and label values. Checked here so
/// a typo is a 422 at the field instead of a cluster error.
pub fn label_selector(selector: &str) -> Result<(), String> {
    if selector.trim().is_empty() {
        return Err("must not be empty".into());
    }
    for requirement in top_level_parts(selector)? {
        let requirement = requirement.trim();
        let at = |problem: String| format!("'{requirement}': {problem}");
        if requirement.is_empty() {
            return Err("has an empty requirement (two commas in a row?)".into());
        }
        let (key, values): (&str, Vec<&str>) = if let Some(key) = requirement.strip_prefix('!') {
            (key.trim(), Vec::new())
        } else if let Some((key, value)) = requirement
            .split_once("!=")
            .or_else(|| requirement.split_once("=="))
            .or_else(|| requirement.split_once('='))
        {
            (key.trim(), vec![value.trim()])
        } else if let Some((key, set)) = requirement
            .split_once(" notin ")
            .or_else(|| requirement.split_once(" in "))
        {
            let set = set.trim();
            let inner = set
                .strip_prefix('(')
                .and_then(|s| s.strip_suffix(')'))
                .ok_or_else(|| at("a set of values is written in parentheses: (a,b)".into()))?;
            let values: Vec<&str> = inner.split(',').map(str::trim).collect();
            if values.iter().all(|v| v.is_empty()) {
                return Err(at("the set of values must not be empty".into()));
            }
            (key.trim(), values)
        } else {
            (requirement, Vec::new())
        };
        qualified_name(key).map_err(at)?;
        for value in values {
            label_value(value).map_err(at)?;
        }
    }
    Ok(())
}

/// Splits on the commas outside parentheses; unbalanced parentheses are an error.
fn top_level_parts(selector: &str) -> Result<Vec<&str>, String> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in selector.char_indices() {
        match c {
            '(' if depth == 0 => depth = 1,
            ')' if depth == 1 => depth = 0,
            '(' | ')' => return Err("has unbalanced parentheses".into()),
            ',' if depth == 0 => {
                parts.push(&selector[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err("has unbalanced parentheses".into());
    }
    parts.push(&selector[start..]);
    Ok(parts)
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

    #[test]
    fn selectors() {
        for good in [
            "app=web",
            "app==web,tier!=db",
            "app.kubernetes.io/name in (shop, blog),!legacy",
            "team notin (a),release",
            "app=",
        ] {
            assert!(label_selector(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "app=web,,tier=db",
            "app in a,b",
            "app in ()",
            "app in (a",
            "app=web)",
            "Bad Key=x",
            "app=has space",
            "app=-x",
        ] {
            assert!(label_selector(bad).is_err(), "{bad}");
        }
    }
}
