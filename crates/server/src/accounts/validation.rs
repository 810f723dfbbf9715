//! The account rules, checked all at once so a form can show every problem in one round trip.

use crate::error::FieldError;

pub const USERNAME_LENGTH: std::ops::RangeInclusive<usize> = 3..=32;
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Argon2 accepts anything, but a megabyte "password" is an attack, not a password.
pub const MAX_PASSWORD_CHARS: usize = 256;
pub const MAX_DISPLAY_NAME_CHARS: usize = 100;
const MAX_EMAIL_CHARS: usize = 254;
const MAX_PREFERENCES_BYTES: usize = 4096;

pub fn username(value: &str, errors: &mut Vec<FieldError>) {
    let length = value.chars().count();
    if !USERNAME_LENGTH.contains(&length) {
        errors.push(FieldError::new(
            "username",
            format!(
                "must be {} to {} characters long",
                USERNAME_LENGTH.start(),
                USERNAME_LENGTH.end()
            ),
        ));
    } else if !value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        errors.push(FieldError::new(
            "username",
            "may only contain lowercase letters a-z, digits 0-9, '-' and '_'",
        ));
    }
}

pub fn email(value: &str, errors: &mut Vec<FieldError>) {
    if !is_plausible_email(value) {
        errors.push(FieldError::new("email", "must be a valid email address"));
    }
}

/// A structural check (one `@`, a dotted domain of DNS-like labels, no spaces); deliverability is
/// not something a form can know.
fn is_plausible_email(value: &str) -> bool {
    if value.len() > MAX_EMAIL_CHARS || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && local.len() <= 64
        && labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

pub fn new_password(path: &str, password: &str, username: &str, errors: &mut Vec<FieldError>) {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        errors.push(FieldError::new(
            path,
            format!("must be at least {MIN_PASSWORD_CHARS} characters long"),
        ));
    } else if length > MAX_PASSWORD_CHARS {
        errors.push(FieldError::new(
            path,
            format!("must be at most {MAX_PASSWORD_CHARS} characters long"),
        ));
    } else if password.eq_ignore_ascii_case(username) {
        errors.push(FieldError::new(
            path,
            "must not be the same as the username",
        ));
    }
}

/// Trims the display name; an empty one means "none".
pub fn display_name(value: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let trimmed = value.trim();
    if trimmed.chars().count() > MAX_DISPLAY_NAME_CHARS {
        errors.push(FieldError::new(
            "displayName",
            format!("must be at most {MAX_DISPLAY_NAME_CHARS} characters long"),
        ));
    }
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

pub fn preferences(value: &serde_json::Value, errors: &mut Vec<FieldError>) {
    if let Some(theme) = value.get("theme")
        && !matches!(theme.as_str(), Some("light" | "dark"))
    {
        errors.push(FieldError::new(
            "preferences.theme",
            "must be \"light\" or \"dark\"",
        ));
    }
    if value.to_string().len() > MAX_PREFERENCES_BYTES {
        errors.push(FieldError::new(
            "preferences",
            format!("must be at most {MAX_PREFERENCES_BYTES} bytes of JSON"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: impl FnOnce(&mut Vec<FieldError>)) -> Vec<String> {
        let mut errors = Vec::new();
        f(&mut errors);
        errors.into_iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn usernames() {
        for ok in ["abc", "a-b_c9", &"x".repeat(32)] {
            assert!(check(|e| username(ok, e)).is_empty(), "{ok}");
        }
        for bad in ["ab", "Alice", "a b c", "al!ce", &"x".repeat(33), "ünï"] {
            assert_eq!(check(|e| username(bad, e)).len(), 1, "{bad}");
        }
    }

    #[test]
    fn emails() {
        for ok in ["a@b.io", "first.last+tag@mail.example.com", "ü@bücher.de"] {
            assert!(check(|e| email(ok, e)).is_empty(), "{ok}");
        }
        for bad in [
            "", "a", "a@b", "@b.io", "a@.io", "a b@c.io", "a@b..io", "a@-b.io",
        ] {
            assert_eq!(check(|e| email(bad, e)).len(), 1, "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(check(|e| new_password("password", "long enough pw", "alice", e)).is_empty());
        assert_eq!(
            check(|e| new_password("password", "short", "alice", e)),
            ["password: must be at least 10 characters long"]
        );
        assert_eq!(
            check(|e| new_password("newPassword", "LongUserName", "longusername", e)),
            ["newPassword: must not be the same as the username"]
        );
        let huge = "x".repeat(MAX_PASSWORD_CHARS + 1);
        assert_eq!(
            check(|e| new_password("password", &huge, "alice", e)).len(),
            1
        );
    }

    #[test]
    fn themes() {
        assert!(check(|e| preferences(&serde_json::json!({"theme": "dark"}), e)).is_empty());
        assert_eq!(
            check(|e| preferences(&serde_json::json!({"theme": "pink"}), e)),
            ["preferences.theme: must be \"light\" or \"dark\""]
        );
    }
}
