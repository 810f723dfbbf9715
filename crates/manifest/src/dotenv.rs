//! `.env` text import: `KEY=value` lines into key/values for ConfigMaps and Secrets.

use crate::error::FieldError;
use std::collections::BTreeMap;

/// Parses `.env` text: one `KEY=value` per line, `export ` prefixes allowed, blank lines and `#`
/// comments skipped, values optionally wrapped in single quotes (taken literally) or double quotes
/// (with `\n`, `\"` and `\\` escapes). Unquoted values lose a trailing ` # comment`.
/// Errors carry the path `line N` (1-based); a key repeated later wins, as in shells.
pub fn parse_dotenv(text: &str) -> Result<BTreeMap<String, String>, Vec<FieldError>> {
    let mut values = BTreeMap::new();
    let mut errors = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(line);
        let path = format!("line {}", index + 1);
        let Some((key, value)) = line.split_once('=') else {
            errors.push(FieldError::new(path, "expected KEY=value"));
            continue;
        };
        let key = key.trim();
        if key.is_empty() {
            errors.push(FieldError::new(path, "the key is empty"));
            continue;
        }
        match unquote(value.trim()) {
            Ok(value) => {
                values.insert(key.to_owned(), value);
            }
            Err(message) => errors.push(FieldError::new(path, message)),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

fn unquote(value: &str) -> Result<String, &'static str> {
    if let Some(rest) = value.strip_prefix('\'') {
        return rest
            .strip_suffix('\'')
            .map(str::to_owned)
            .ok_or("unterminated single quote");
    }
    if let Some(rest) = value.strip_prefix('"') {
        let inner = rest.strip_suffix('"').ok_or("unterminated double quote")?;
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => return Err("dangling backslash"),
            }
        }
        return Ok(out);
    }
    let without_comment = value.split_once(" #").map(|(v, _)| v).unwrap_or(value);
    Ok(without_comment.trim_end().to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn parses_plain_quoted_exported_and_commented_lines() {
        let text = "# db\nexport DB_HOST=db.internal\nDB_PASS='p#ss=word'\nGREETING=\"hi\\nthere\"\nPORT=5432 # default\n\n";
        let values = parse_dotenv(text).unwrap();
        assert_eq!(values["DB_HOST"], "db.internal");
        assert_eq!(values["DB_PASS"], "p#ss=word");
        assert_eq!(values["GREETING"], "hi\nthere");
        assert_eq!(values["PORT"], "5432");
        assert_eq!(values.len(), 4);
    }

    #[test]
    fn reports_every_bad_line_with_its_number() {
        let errors = parse_dotenv("OK=1\nnot a pair\n=value\nQ=\"open\n").unwrap_err();
        let paths: Vec<_> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["line 2", "line 3", "line 4"]);
    }
}
