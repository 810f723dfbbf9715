//! Kubernetes name rules (apimachinery `validation.IsDNS1123Label` and friends).

/// DNS-1123 label: at most 63 lowercase alphanumerics or '-', starting and ending alphanumeric.
pub fn dns1123_label(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    if value.len() > 63 {
        return Err(format!(
            "must be at most 63 characters (is {})",
            value.len()
        ));
    }
    if !is_label_body(value) {
        return Err(format!(
            "'{value}' must consist of lowercase letters, digits and '-', and start and end with a letter or digit"
        ));
    }
    Ok(())
}

/// DNS-1123 subdomain: at most 253 characters, dot-separated DNS-1123 labels.
pub fn dns1123_subdomain(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    if value.len() > 253 {
        return Err(format!(
            "must be at most 253 characters (is {})",
            value.len()
        ));
    }
    if !value.split('.').all(is_label_body) {
        return Err(format!(
            "'{value}' must consist of lowercase letters, digits, '-' and '.', and each dot-separated part must start and end with a letter or digit"
        ));
    }
    Ok(())
}

/// A name Kubernetes accepts as a path segment (RBAC roles, ConfigMap keys elsewhere): not `.`/`..`, no `/` or `%`.
pub fn path_segment_name(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    if value == "." || value == ".." {
        return Err(format!("may not be '{value}'"));
    }
    if value.contains('/') || value.contains('%') {
        return Err(format!("'{value}' may not contain '/' or '%'"));
    }
    Ok(())
}

fn is_label_body(part: &str) -> bool {
    let bytes = part.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    part.len() <= 63
        && first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

/// IANA service name (container and Service port names): 1-15 lowercase alphanumerics or '-',
/// at least one letter, no leading/trailing or double '-'.
pub fn port_name(value: &str) -> Result<(), String> {
    if value.is_empty() || value.len() > 15 {
        return Err(format!("'{value}' must be 1 to 15 characters"));
    }
    let ok = value
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && value.bytes().any(|b| b.is_ascii_lowercase())
        && !value.starts_with('-')
        && !value.ends_with('-')
        && !value.contains("--");
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{value}' must be lowercase letters, digits and single '-' (not at either end) with at least one letter"
        ))
    }
}

/// Environment variable name (the classic C-identifier-like rule: `[-._a-zA-Z][-._a-zA-Z0-9]*`).
pub fn env_var_name(value: &str) -> Result<(), String> {
    let mut bytes = value.bytes();
    let valid_first = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b"-._".contains(&b));
    if valid_first && bytes.all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b)) {
        Ok(())
    } else {
        Err(format!(
            "'{value}' must be letters, digits, '_', '-' or '.', and must not start with a digit"
        ))
    }
}

/// ConfigMap / Secret key: letters, digits, '-', '_', '.', at most 253 characters, not `.`/`..`.
pub fn config_key(value: &str) -> Result<(), String> {
    if value.is_empty() || value.len() > 253 {
        return Err(format!("'{value}' must be 1 to 253 characters"));
    }
    if value == "." || value == ".." {
        return Err(format!("may not be '{value}'"));
    }
    if value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
    {
        Ok(())
    } else {
        Err(format!(
            "'{value}' must consist of letters, digits, '-', '_' or '.'"
        ))
    }
}

/// DNS-1035 label (Service names): a DNS-1123 label that starts with a letter.
pub fn dns1035_label(value: &str) -> Result<(), String> {
    dns1123_label(value)?;
    if value.starts_with(|c: char| c.is_ascii_lowercase()) {
        Ok(())
    } else {
        Err(format!("'{value}' must start with a lowercase letter"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_subdomains() {
        assert!(dns1123_label("web-1").is_ok());
        assert!(dns1123_label(&"a".repeat(63)).is_ok());
        assert!(dns1123_label(&"a".repeat(64)).is_err());
        for bad in ["", "-a", "a-", "Web", "a.b", "a_b"] {
            assert!(dns1123_label(bad).is_err(), "{bad}");
        }
        assert!(dns1123_subdomain("shop.example.com").is_ok());
        for bad in ["a..b", ".a", "a.", "A.b"] {
            assert!(dns1123_subdomain(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn port_names_follow_iana() {
        for good in ["http", "h2c", "metrics-1"] {
            assert!(port_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "8080",
            "a--b",
            "-http",
            "http-",
            "averyveryverylongname",
            "HTTP",
        ] {
            assert!(port_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn env_names_and_keys() {
        assert!(env_var_name("DB_HOST").is_ok());
        assert!(env_var_name("1X").is_err());
        assert!(env_var_name("A=B").is_err());
        assert!(config_key("app.properties").is_ok());
        assert!(config_key("a/b").is_err());
        assert!(config_key("..").is_err());
    }
}
