//! A JSON body extractor whose failures speak the API's error shape: a syntax error is a 400, a body
//! of the wrong shape is a 422 that names the offending field.

use crate::error::{ApiError, FieldError};
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use bytes::Bytes;
use serde::de::DeserializeOwned;

/// Like `axum::Json`, with errors that name the field path.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/json"));
        if !is_json {
            return Err(ApiError::Malformed(
                "expected a JSON body with Content-Type: application/json".into(),
            ));
        }
        let body =
            Bytes::from_request(request, state)
                .await
                .map_err(|rejection| match rejection.status() {
                    // A body without Content-Length is cut off only while it is read, here.
                    StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
                    _ => ApiError::Malformed(rejection.body_text()),
                })?;
        parse_body(&body).map(ApiJson)
    }
}

/// Deserializes a JSON body, telling syntax errors (400) from shape errors (422 at a field path).
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    // Every request body of the API is an object; serde would also read a struct from an array of
    // its fields in order, which no client means.
    if body
        .trim_ascii_start()
        .first()
        .is_some_and(|first| *first == b'[')
    {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "",
            "must be a JSON object",
        )]));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::Malformed(format!("the body is not valid JSON: {inner}"));
        }
        let message = strip_position(&inner.to_string());
        let path = match (path.as_str(), missing_field(&message)) {
            (".", Some(field)) => field.to_string(),
            (parent, Some(field)) => format!("{parent}.{field}"),
            (".", None) => String::new(),
            (path, None) => path.to_string(),
        };
        ApiError::Invalid(vec![FieldError::new(path, message)])
    })
}

/// serde reports a missing field at its parent's path; the UI wants the field itself.
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
}

/// serde_json appends "at line L column C", which means nothing to a form user.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

/// An `i32` field that accepts any JSON number with no fractional part: JSON Schema, and so the
/// OpenAPI document, counts `7.0` as an integer, and clients that only have floats send it so.
pub fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i32, D::Error> {
    use serde::Deserialize as _;
    use serde::de::Error as _;
    let number = serde_json::Number::deserialize(deserializer)?;
    let whole = match number.as_i64() {
        Some(integer) => Some(integer),
        None => number
            .as_f64()
            .filter(|float| float.fract() == 0.0 && float.abs() <= f64::from(i32::MAX))
            // In range and without a fraction, so the cast is exact.
            .map(|float| float as i64),
    };
    whole
        .and_then(|integer| i32::try_from(integer).ok())
        .ok_or_else(|| D::Error::custom(format!("must be a whole number (32 bits), not {number}")))
}

/// [`whole_number`] for an optional field (with `#[serde(default)]`).
pub fn some_whole_number<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i32>, D::Error> {
    whole_number(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        #[allow(dead_code)]
        name: String,
        #[allow(dead_code)]
        inner: Option<Inner>,
    }
    #[derive(Debug, Deserialize)]
    struct Inner {
        #[allow(dead_code)]
        port: u16,
    }

    fn fields(error: ApiError) -> Vec<FieldError> {
        match error {
            ApiError::Invalid(fields) => fields,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn syntax_errors_are_malformed() {
        assert!(matches!(
            parse_body::<Outer>(b"{\"name\": "),
            Err(ApiError::Malformed(_))
        ));
        assert!(matches!(
            parse_body::<Outer>(b"nope"),
            Err(ApiError::Malformed(_))
        ));
    }

    #[test]
    fn missing_fields_are_reported_at_the_field() {
        let errors = fields(parse_body::<Outer>(b"{}").unwrap_err());
        assert_eq!(errors[0].path, "name");
        let errors = fields(parse_body::<Outer>(br#"{"name":"a","inner":{}}"#).unwrap_err());
        assert_eq!(errors[0].path, "inner.port");
        assert_eq!(errors[0].message, "missing field `port`");
    }

    #[test]
    fn wrong_types_are_reported_at_the_field() {
        let errors =
            fields(parse_body::<Outer>(br#"{"name":"a","inner":{"port":70000}}"#).unwrap_err());
        assert_eq!(errors[0].path, "inner.port");
        assert!(errors[0].message.contains("70000"), "{}", errors[0].message);
    }

    #[derive(Debug, Deserialize)]
    struct Revision {
        #[serde(deserialize_with = "whole_number")]
        revision: i32,
    }

    #[test]
    fn arrays_are_not_read_as_objects() {
        let problems = fields(parse_body::<Revision>(b" [7]").unwrap_err());
        assert_eq!(problems[0].message, "must be a JSON object");
    }

    #[test]
    fn whole_numbers_may_be_written_as_floats() {
        let read = |text: &str| parse_body::<Revision>(text.as_bytes()).map(|r| r.revision);
        assert_eq!(read(r#"{"revision": 7}"#).unwrap(), 7);
        assert_eq!(read(r#"{"revision": 7.0}"#).unwrap(), 7);
        assert_eq!(read(r#"{"revision": -3.0}"#).unwrap(), -3);
        for refused in ["7.5", "3e10", "\"7\""] {
            let problems = fields(read(&format!(r#"{{"revision": {refused}}}"#)).unwrap_err());
            assert_eq!(problems[0].path, "revision", "{refused}");
        }
    }
}
