//! Error answers that no handler wrote still speak the API's error shape. The request timeout, the
//! body limit and axum's extractors answer with an empty or plain-text body; this rewrites such a
//! body into the JSON of [`ApiError`], keeping the status and headers, so a client parses every error
//! the same way.

use crate::error::ApiError;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Framework error texts are one line; a longer body is not one of them and is cut off.
const MAX_TEXT_BYTES: usize = 4096;

pub async fn json_bodies(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = match axum::body::to_bytes(body, MAX_TEXT_BYTES).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_string(),
        Err(_) => String::new(),
    };
    let rewritten = ApiError::from_bare_status(status, text).into_response();
    let (rewritten_parts, body) = rewritten.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.extend(rewritten_parts.headers);
    Response::from_parts(parts, body)
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value: &HeaderValue| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"))
}
